"""一社区一法律顾问，一月一通报: terms, coverage (covered / lapsed / none), work recorded only in the
advisor's own communities, and the monthly report on screen data, XLSX and print."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from rol_testkit import at
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.advisors import ActivityInput, TermInput, report_html, report_xlsx
from suyuan_rule_of_law.education import LectureInput

from suyuan_core import Conflict, NewCase, ValidationError


def rows(d, table) -> int:
    with d.reading() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(table)))


@pytest.fixture
def terms(rol):
    rol.advisors.assign(TermInput(advisor="L1", area_code="C.T1.C1", start_on="2026-01-01"))
    rol.advisors.assign(TermInput(advisor="L1", area_code="C.T1.C2", start_on="2026-01-01"))
    rol.advisors.assign(TermInput(advisor="L2", area_code="C.T2.C1", start_on="2025-01-01",
                                  end_on="2026-02-28"))
    return rol


def test_coverage_names_the_covered_the_lapsed_and_the_unadvised(terms):
    cov = {r.area_code: r for r in terms.advisors.coverage(on=at("2026-03-10").date())}
    assert cov["C.T1.C1"].state == "covered" and cov["C.T1.C1"].advisor == "L1"
    assert cov["C.T2.C1"].state == "lapsed" and cov["C.T2.C1"].advisor == "L2"
    assert cov["C.T2.C2"].state == "none" and cov["C.T2.C2"].advisor is None
    assert [g["advisor"] for g in terms.advisors.group(at("2026-03-10").date())] == ["L1"]


def test_one_advisor_per_community_at_a_time(terms, d):
    before = rows(d, m.advisor_terms)
    with pytest.raises(ValidationError) as err:
        terms.advisors.assign(TermInput(advisor="L2", area_code="C.T1.C1", start_on="2026-06-01"))
    assert err.value.rule == "one_per_community" and rows(d, m.advisor_terms) == before
    with pytest.raises(Conflict, match="not a legal advisor"):
        terms.advisors.assign(TermInput(advisor="X1", area_code="C.T2.C2", start_on="2026-01-01"))
    with pytest.raises(ValidationError, match="not a village/community"):
        terms.advisors.assign(TermInput(advisor="L2", area_code="C.T1", start_on="2026-01-01"))
    with pytest.raises(ValidationError) as err:
        TermInput(advisor="L2", area_code="C.T2.C2", start_on="2026-05-01", end_on="2026-04-01")
    assert err.value.field == "end_on"


def test_work_outside_the_advisors_communities_is_refused(terms, d):
    with pytest.raises(ValidationError) as err:
        terms.advisors.record(ActivityInput(advisor="L1", area_code="C.T2.C2",
                                            kind="consultation", day="2026-03-03"), actor="t")
    assert err.value.rule == "advisor_area" and rows(d, m.advisor_activities) == 0
    with pytest.raises(ValidationError) as err:
        terms.education.record(LectureInput(kind="legal_lecture", area_code="C.T2.C2",
                                            held_on="2026-03-03", topic="民法典", attendance=40,
                                            speaker="L1"), actor="t")
    assert err.value.rule == "advisor_area" and err.value.field == "area_code"
    assert rows(d, m.lectures) == 0
    with pytest.raises(ValidationError, match=r"not the advisor"):  # her term had ended
        terms.advisors.record(ActivityInput(advisor="L2", area_code="C.T2.C1",
                                            kind="consultation", day="2026-03-03"), actor="t")
    with pytest.raises(ValidationError) as err:
        ActivityInput(advisor="L1", area_code="C.T1.C1", kind="consultation", day="2026-03-03",
                      count=0)
    assert err.value.field == "count" and err.value.rule == "range"


def test_the_monthly_report_counts_what_was_recorded(terms, d):
    rol = terms
    for day, n in (("2026-03-03", 4), ("2026-03-20", 2), ("2026-04-01", 9)):
        rol.advisors.record(ActivityInput(advisor="L1", area_code="C.T1.C1", kind="consultation",
                                          day=day, count=n), actor="t")
    rol.advisors.record(ActivityInput(advisor="L1", area_code="C.T1.C2",
                                      kind="agreement_reviewed", day="2026-03-05"), actor="t")
    rol.education.record(LectureInput(kind="legal_lecture", area_code="C.T1.C2",
                                      held_on="2026-03-12", topic="民法典", attendance=40,
                                      speaker="L1"), actor="t")
    case = d.cases.create(NewCase(title="合同纠纷", category="contract", source="walk_in",
                                  area_code="C.T1.C1.G1", occurred_at=at("2026-03-09")),
                          actor="t")
    d.cases.act(case.id, "accept", actor="t", occurred_at=at("2026-03-09", 11))
    d.cases.act(case.id, "assign", actor="t", occurred_at=at("2026-03-09", 12),
                data={"assignees": ["person:L1"]})
    report = rol.advisors.monthly_report("L1", "2026-03")
    lines = {x.area_code: x for x in report.lines}
    assert (lines["C.T1.C1"].consultation, lines["C.T1.C1"].case_joined) == (6, 1)
    assert (lines["C.T1.C2"].agreement_reviewed, lines["C.T1.C2"].lecture) == (1, 1)
    assert report.totals() == {"consultation": 6, "case_joined": 1, "agreement_reviewed": 1,
                               "lecture": 1}
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(report_xlsx([report])))
    sheet = wb["L1"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert values[-1] == ["合计 Total", 6, 1, 1, 1, 9]
    page = report_html([report])
    assert "法律顾问一月一通报 2026-03" in page and "<script" not in page and "http" not in page
    with pytest.raises(ValidationError, match="month"):
        rol.advisors.monthly_report("L1", "2026-13")
