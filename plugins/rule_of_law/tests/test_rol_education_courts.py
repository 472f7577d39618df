"""法治大讲堂 compliance (twice a month per community), 以案说法/法律七进, the 谁执法谁普法 list;
circuit sessions with problems and follow-up, court guidance; police mediation as a route."""

from __future__ import annotations

import datetime as dt

import pytest
from rol_testkit import at
from suyuan_rule_of_law.courts import CircuitInput
from suyuan_rule_of_law.education import DutyInput, LectureInput

from suyuan_core import NewCase, ValidationError


def lecture(rol, area, day, **extra):
    values = dict(kind="legal_lecture", area_code=area, held_on=day, topic="民法典进社区",
                  attendance=50)
    values.update(extra)
    return rol.education.record(LectureInput(**values), actor="t")


def test_compliance_names_the_communities_that_fell_short(rol):
    for area in ("C.T1.C1", "C.T1.C2"):
        lecture(rol, area, "2026-03-05")
        lecture(rol, area, "2026-03-19")
    lecture(rol, "C.T2.C1", "2026-03-10")
    lecture(rol, "C.T2.C1", "2026-04-01")  # next month: does not count for March
    rows = {r.area_code: r for r in rol.education.compliance("2026-03")}
    assert [c for c, r in rows.items() if r.short] == ["C.T2.C1", "C.T2.C2"]
    assert (rows["C.T2.C1"].held, rows["C.T2.C1"].required) == (1, 2)
    # held vs required: 2+2+1+0 of 8 in March; a third lecture does not make up for another
    lecture(rol, "C.T1.C1", "2026-03-25")
    assert rol.education.held_vs_required("C", dt.date(2026, 3, 1), dt.date(2026, 4, 1)) == (5, 8)
    assert [r.area_code for r in rol.education.compliance("2026-03", "C.T1")] == [
        "C.T1.C1", "C.T1.C2"]


def test_bad_lecture_input_is_refused(rol):
    with pytest.raises(ValidationError) as err:
        LectureInput(kind="seven_into", area_code="C.T1.C1", held_on="2026-03-05", topic="x",
                     attendance=10, target="moon")
    assert err.value.field == "target"
    with pytest.raises(ValidationError) as err:
        LectureInput(kind="legal_lecture", area_code="C.T1.C1", held_on="2026-03-05",
                     topic="x", attendance=-1)
    assert err.value.field == "attendance"
    with pytest.raises(ValidationError) as err:
        LectureInput(kind="lecture", area_code="C.T1.C1", held_on="2026-03-05", topic="x",
                     attendance=1)
    assert err.value.field == "kind"
    with pytest.raises(ValidationError, match="not a village/community"):
        lecture(rol, "C.T1.C1.G1", "2026-03-05")


def test_duties_compare_promises_with_what_was_done(rol):
    rol.education.promise(DutyInput(department="县人民法院", year=2026, item="以案说法进社区",
                                    kind="case_based_teaching", target=3))
    lecture(rol, "C.T1.C1", "2026-02-05", kind="case_based_teaching", department="县人民法院")
    lecture(rol, "C.T1.C2", "2026-05-05", kind="case_based_teaching", department="县人民法院")
    lecture(rol, "C.T1.C2", "2025-05-05", kind="case_based_teaching", department="县人民法院")
    [duty] = rol.education.duties(2026)
    assert (duty["target"], duty["done"]) == (3, 2)


def test_circuit_sessions_with_problems_and_follow_up(rol):
    sid = rol.courts.record(CircuitInput(
        kind="open_air_court", court="赵镇人民法庭", area_code="C.T1.C1", held_on="2026-04-10",
        attendance=120, problems=["宅基地边界不清", "借款未立字据"]), actor="t")
    with pytest.raises(ValidationError, match="before"):
        rol.courts.follow_up(sid, "2026-04-01", "发出司法建议")
    done = rol.courts.follow_up(sid, "2026-04-20", "发出司法建议并开展专题普法")
    assert done["problems"] == ["宅基地边界不清", "借款未立字据"] and done["followed_up_on"]
    assert [s["id"] for s in rol.courts.find(year=2026)] == [sid]
    with pytest.raises(ValidationError) as err:
        CircuitInput(kind="picnic", court="x", area_code="C.T1.C1", held_on="2026-04-10",
                     attendance=1)
    assert err.value.field == "kind"


def test_police_mediation_is_a_case_route_with_a_reason(d, rol):
    case = d.cases.create(NewCase(title="邻里斗殴致轻微伤", category="public_security",
                                  source="walk_in", area_code="C.T1.C1.G2",
                                  occurred_at=at("2026-03-02")), actor="t")
    proposals = [p for p in d.routing.propose(case) if p.provider == "rule_of_law"
                 or p.handler_id == "P1"]
    assert proposals and proposals[0].handler_id == "P1" and "治安调解" in proposals[0].reason
    other = d.cases.create(NewCase(title="合同纠纷", category="contract", source="walk_in",
                                   area_code="C.T1.C1.G2"), actor="t")
    assert all(p.handler_id != "P1" or "治安调解" not in p.reason
               for p in d.routing.propose(other))
    assert d.roles["community_police"].provider == "rule_of_law"
