"""Trade and industry mediation committees: declared coverage, the conflict rule, routing
through ``suyuan_case_route`` with a reason, and caseload, results and time to result per
committee projected from the case events."""

from __future__ import annotations

import datetime as dt

import pytest
from cg_testkit import agriculture_committee, at, count, health_committee, new_case
from suyuan_co_governance import models as m

from suyuan_core import Conflict, NotFound, Period, ValidationError, tables


def test_a_medical_dispute_is_routed_to_the_health_committee_with_a_reason(cg):
    cg.committees.save(health_committee())
    cg.committees.save(agriculture_committee())
    case = new_case(cg.d, category="medical")
    proposals = [p for p in cg.d.routing.propose(case) if p.handler_kind == "organisation"]
    assert [p.handler_id for p in proposals] == ["IC-HEALTH"]
    assert proposals[0].provider == "co_governance"
    assert "医疗纠纷" in proposals[0].reason and "县医疗纠纷人民调解委员会" in proposals[0].reason
    assert "县卫生健康局" in proposals[0].reason


@pytest.mark.parametrize("category", ["land_transfer", "farm_produce"])
def test_land_transfer_and_farm_produce_go_to_the_agriculture_committee(cg, category):
    cg.committees.save(health_committee())
    cg.committees.save(agriculture_committee())
    case = new_case(cg.d, category=category)
    proposals = [p for p in cg.d.routing.propose(case) if p.handler_kind == "organisation"]
    assert [p.handler_id for p in proposals] == ["IC-AGRI"]
    assert cg.d.categories.get(category).label.zh in proposals[0].reason


def test_a_sub_type_is_covered_by_its_parent_category(cg):
    cg.committees.save(agriculture_committee(
        coverage=[{"category": "land_acquisition", "area_code": "C"}]))
    case = new_case(cg.d, category="resettlement_compensation")
    (proposal,) = [p for p in cg.d.routing.propose(case) if p.handler_kind == "organisation"]
    assert proposal.handler_id == "IC-AGRI" and "land_acquisition" in proposal.reason
    assert proposal.score == pytest.approx(0.8)


def test_a_neighbour_dispute_goes_to_no_committee(cg):
    cg.committees.save(health_committee())
    case = new_case(cg.d, category="neighbour")
    assert not [p for p in cg.d.routing.propose(case) if p.handler_kind == "organisation"]


def test_a_committee_claiming_a_held_category_without_priority_is_refused(cg):
    cg.committees.save(health_committee())
    before = (count(cg.d, m.committees), count(cg.d, m.coverage),
              count(cg.d, tables.organisations))
    with pytest.raises(Conflict) as exc:  # the other committee's claim: a state, a 409
        cg.committees.save(health_committee(external_id="IC-OTHER", name="另一个医调委"))
    assert exc.value.field == "coverage[0].priority" and exc.value.rule == "coverage_conflict"
    assert "IC-HEALTH" in exc.value.message and "priority" in exc.value.hint
    assert (count(cg.d, m.committees), count(cg.d, m.coverage),
            count(cg.d, tables.organisations)) == before
    with pytest.raises(NotFound):
        cg.committees.get("IC-OTHER")


def test_priorities_settle_two_claims_and_order_the_proposals(cg):
    cg.committees.save(health_committee(coverage=[{"category": "medical", "area_code": "C",
                                                   "priority": 2}]))
    with pytest.raises(Conflict):  # the same priority settles nothing
        cg.committees.save(health_committee(external_id="IC-2", name="医调委二", coverage=[
            {"category": "medical", "area_code": "C", "priority": 2}]))
    cg.committees.save(health_committee(external_id="IC-2", name="医调委二", coverage=[
        {"category": "medical", "area_code": "C", "priority": 1}]))
    case = new_case(cg.d, category="medical")
    ids = [p.handler_id for p in cg.d.routing.propose(case) if p.handler_kind == "organisation"]
    assert ids == ["IC-2", "IC-HEALTH"]


def test_a_smaller_area_needs_no_priority_and_comes_first_there(cg):
    cg.committees.save(health_committee())
    cg.committees.save(health_committee(external_id="IC-T1", name="一镇医调委", area_code="C.T1",
                                        coverage=[{"category": "medical", "area_code": "C.T1"}]))
    in_t1 = new_case(cg.d, category="medical")
    in_t2 = new_case(cg.d, category="medical", area="C.T2.C1.G1")
    first = [p.handler_id for p in cg.d.routing.propose(in_t1) if p.handler_kind == "organisation"]
    second = [p.handler_id for p in cg.d.routing.propose(in_t2)
              if p.handler_kind == "organisation"]
    assert first == ["IC-T1", "IC-HEALTH"] and second == ["IC-HEALTH"]


@pytest.mark.parametrize("coverage, field", [
    ([], "coverage"),
    ([{"category": "nope", "area_code": "C"}], "coverage[0].category"),
    ([{"category": "medical", "area_code": "NOPE"}], "coverage[0].area_code"),
    ([{"category": "medical", "area_code": "C", "priority": 0}], "coverage[0].priority"),
    ([{"category": "medical", "area_code": "C", "extra": 1}], "coverage[0]"),
    ([{"category": "medical", "area_code": "C"}, {"category": "medical", "area_code": "C"}],
     "coverage[1]"),
])
def test_bad_coverage_is_refused_and_writes_nothing(cg, coverage, field):
    with pytest.raises(ValidationError) as exc:
        cg.committees.save(health_committee(coverage=coverage))
    assert exc.value.field == field
    assert count(cg.d, m.committees) == 0 and count(cg.d, m.coverage) == 0


def _assign(d, case, committee, when):
    return d.cases.act(case.id, "assign", actor="t", data={"assignees": [f"organisation:{committee}"]},
                       occurred_at=at(when, 11))


def test_caseload_results_and_time_to_result_per_committee(cg):
    d = cg.d
    cg.committees.save(health_committee())
    cg.committees.save(agriculture_committee())
    a = _assign(d, new_case(d, category="medical", when="2026-03-02"), "IC-HEALTH", "2026-03-02")
    b = _assign(d, new_case(d, category="medical", when="2026-03-03"), "IC-HEALTH", "2026-03-03")
    c = _assign(d, new_case(d, category="medical", when="2026-03-04"), "IC-HEALTH", "2026-03-04")
    e = _assign(d, new_case(d, category="farm_produce", when="2026-03-04"), "IC-AGRI", "2026-03-04")
    for case, action, day in ((a, "resolve", "2026-03-12"), (b, "fail", "2026-03-07")):
        d.cases.act(case.id, "start", actor="t", occurred_at=at(day, 9))
        d.cases.act(case.id, action, actor="t", occurred_at=at(day, 11))
    # a case assigned to a person is no committee's
    new_case(d, category="medical")
    figures = {f["committee"]: f for f in cg.committees.figures()}
    health = figures["IC-HEALTH"]
    assert (health["caseload"], health["resolved"], health["unresolved"], health["open"]) == (
        3, 1, 1, 1)
    assert health["success_rate"] == 50.0
    assert health["mean_days_to_result"] == pytest.approx(7.0)  # 10 and 4 days
    assert health["median_days_to_result"] == pytest.approx(7.0)
    assert figures["IC-AGRI"]["caseload"] == 1
    # each figure lists its cases
    assert [x["case_id"] for x in cg.committees.cases("IC-HEALTH")] == [a.id, b.id, c.id]
    assert [x["case_id"] for x in cg.committees.cases("IC-HEALTH", result="resolved")] == [a.id]
    assert [x["case_id"] for x in cg.committees.cases("IC-HEALTH", result="open")] == [c.id]
    assert cg.committees.cases("IC-HEALTH", result="resolved")[0]["days_to_result"] == 10.0
    assert e.id not in [x["case_id"] for x in cg.committees.cases("IC-HEALTH")]
    march = Period("month", dt.date(2026, 3, 1))
    load = d.metric_service.figure("industry_committee_caseload", "C", march)
    rate = d.metric_service.figure("industry_committee_success_rate", "C", march)
    assert load.num == 4 and (rate.num, rate.den) == (1, 2)
    # reopening clears the result until the next one
    d.cases.act(a.id, "reopen", actor="t", occurred_at=at("2026-03-13"))
    assert [x["case_id"] for x in cg.committees.cases("IC-HEALTH", result="open")] == [a.id, c.id]


def test_the_projection_rebuilt_from_the_events_matches(cg):
    test_caseload_results_and_time_to_result_per_committee(cg)
    before = cg.committees.figures()
    from suyuan_core.testing import run_cli

    r = run_cli(cg.d, "co-governance", "committees", "rebuild")
    assert r.exit_code == 0 and "4 from the case events" in r.stdout
    assert cg.committees.figures() == before
