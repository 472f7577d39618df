"""Village rules and courtyard compacts; grid patrols; courtyard alliances; Citizens' Sunday."""

from __future__ import annotations

import datetime as dt

import pytest
from sg_testkit import MEDIATORS, at, count, person
from suyuan_self_governance import models as m
from suyuan_self_governance.alliance import MatterInput
from suyuan_self_governance.patrols import PatrolInput
from suyuan_self_governance.roster import BodyInput
from suyuan_self_governance.sunday import SundayEventInput
from suyuan_self_governance.village_rules import RuleVersionInput

from suyuan_core import Conflict, Period, ValidationError, tables

V1 = "第一条 尊老爱幼。\n第二条 红白喜事从简。\n"
V2 = "第一条 尊老爱幼。\n第二条 红白喜事从简，不大操大办。\n第三条 小事不出院落。\n"
ASSEMBLY = {"body": "villagers_assembly", "members": 600, "present": 320, "yes": 300}


def rules(**changes):
    values = dict(kind="village_rules", area_code="C.T1.C1", title="村规民约", text=V1,
                  adopted_on="2024-05-01", meeting_ref="2024年第1次村民会议", meeting=ASSEMBLY)
    values.update(changes)
    return RuleVersionInput(**values)


def test_versions_with_adoption_details_filing_and_diff(sg):
    first = sg.rules.adopt(rules(), actor="t")
    second = sg.rules.adopt(rules(text=V2, adopted_on="2026-01-10", meeting_ref="2026年代表会议",
                                  meeting={"body": "representative_assembly", "members": 40,
                                           "present": 30, "yes": 25}, filed_at="2026-01-20"),
                            actor="t")
    assert first == {"document_id": 1, "version": 1} and second["version"] == 2
    sg.rules.file(1, 1, "2024-05-10")
    versions = sg.rules.versions(1)
    assert [(v["version"], v["body"], v["filed_at"]) for v in versions] == [
        (1, "villagers_assembly", "2024-05-10"), (2, "representative_assembly", "2026-01-20")]
    assert versions[0]["meeting"]["present"] == 320
    diff = sg.rules.diff(1, 1, 2)
    assert "-第二条 红白喜事从简。" in diff and "+第二条 红白喜事从简，不大操大办。" in diff
    assert "+第三条 小事不出院落。" in diff and diff.startswith("--- v1")
    with pytest.raises(Conflict, match="already filed"):
        sg.rules.file(1, 1, "2024-06-01")


def test_rules_adopted_by_an_inquorate_or_failed_meeting_are_refused(sg):
    with pytest.raises(ValidationError, match="inquorate"):
        sg.rules.adopt(rules(meeting={**ASSEMBLY, "present": 300}), actor="t")
    with pytest.raises(ValidationError, match="did not carry"):
        sg.rules.adopt(rules(meeting={**ASSEMBLY, "yes": 160}), actor="t")
    with pytest.raises(ValidationError, match="adopted by"):
        sg.rules.adopt(rules(meeting={"body": "two_committees", "members": 7, "present": 7,
                                      "yes": 7}), actor="t")
    with pytest.raises(ValidationError, match="filed before"):
        sg.rules.adopt(rules(filed_at="2024-04-01"), actor="t")
    assert count(sg.d, m.rule_documents) == 0 and count(sg.d, m.rule_versions) == 0


def test_courtyard_compact_needs_its_courtyard(sg):
    compact = dict(kind="courtyard_compact", area_code="C.T1.C1.G1", title="院落公约",
                   text="有事好商量", adopted_on="2025-06-01", meeting_ref="院坝会",
                   meeting={"body": "courtyard_meeting", "members": 30, "present": 20, "yes": 18})
    with pytest.raises(ValidationError, match="name the courtyard"):
        sg.rules.adopt(RuleVersionInput(**compact), actor="t")
    out = sg.rules.adopt(RuleVersionInput(**compact, courtyard="幸福院落"), actor="t")
    assert out["version"] == 1
    assert sg.rules.documents("C.T1")[0]["courtyard"] == "幸福院落"


def test_patrol_hazard_opens_a_grid_case_in_one_step(sg):
    d = sg.d
    person(d, "G1", ("grid_worker",), ("C.T1.C1.G1",))
    out = sg.patrols.record(PatrolInput(
        grid_code="C.T1.C1.G1.M1", patroller="G1", started_at=at("2026-03-02", 9),
        ended_at=at("2026-03-02", 10), hazards=[{"title": "电动车飞线充电",
                                                 "category": "safety_hazard"}]), actor="t")
    (case_id,) = out["cases"]
    case = d.cases.get(case_id)
    assert case.level.name == "grid" and case.handling_area_code == "C.T1.C1.G1"
    assert case.source == "patrol" and case.data["patrol_id"] == out["patrol_id"]
    year = Period.containing("year", dt.date(2026, 3, 1))
    assert d.metric_service.drill("patrol_hazard_cases", "C", year) == [case_id]


def test_patroller_outside_her_grid_or_without_the_role_writes_nothing(sg):
    d = sg.d
    person(d, "G1", ("grid_worker",), ("C.T1.C1.G1",))
    person(d, "X1", ("official",), ("C.T1",))
    bad = dict(started_at=at("2026-03-02", 9), ended_at=at("2026-03-02", 10),
               hazards=[{"title": "沟渠堵塞"}])
    with pytest.raises(ValidationError, match="covers") as err:
        sg.patrols.record(PatrolInput(grid_code="C.T1.C1.G2", patroller="G1", **bad), actor="t")
    assert err.value.rule == "covers_area"
    with pytest.raises(ValidationError, match="patrol volunteer"):
        sg.patrols.record(PatrolInput(grid_code="C.T1.C1.G1", patroller="X1", **bad), actor="t")
    with pytest.raises(ValidationError, match="grid or micro-grid"):
        sg.patrols.record(PatrolInput(grid_code="C.T1.C1", patroller="G1", **bad), actor="t")
    assert count(d, m.patrols) == 0 and count(d, tables.cases) == 0


def test_patrol_coverage_per_grid_per_week(sg):
    d = sg.d
    person(d, "G1", ("patrol_volunteer",), ("C.T1.C1",))
    week = Period.containing("week", dt.date(2026, 3, 2))  # Monday 2 March
    for grid, day in (("C.T1.C1.G1", "2026-03-02"), ("C.T1.C1.G1", "2026-03-04"),
                      ("C.T1.C1.G2", "2026-03-08"), ("C.T1.C1.G2", "2026-03-09")):
        sg.patrols.record(PatrolInput(grid_code=grid, patroller="G1", started_at=at(day, 20),
                                      ended_at=at(day, 21)), actor="t")
    assert sg.patrols.coverage("C.T1.C1", week) == (2, 2)
    assert sg.patrols.coverage("C.T1", week) == (2, 4)
    f = d.metric_service.figure("patrol_coverage_rate", "C", week)
    assert (f.num, f.den, f.value) == (2, 8, 25.0)
    month = d.metric_service.figure("patrol_coverage_rate", "C.T1.C1",
                                    Period.containing("month", dt.date(2026, 3, 1)))
    assert (month.num, month.den) == (3, 2 * 6)  # March 2026 touches 6 Monday-weeks
    with pytest.raises(ValidationError, match="no case drill-down"):
        d.metric_service.drill("patrol_coverage_rate", "C", week)
    assert [f.num for f in d.metric_service.breakdown("patrol_coverage_rate", "C.T1", week,
                                                      "area")] == [2, 0]
    # the dashboard panel's batch: every child area from one query, the same figures
    areas = ["C", "C.T1", "C.T2", "C.T1.C1", "C.T1.C2", "C.T1.C1.G2", "C.T1.C1.G1.M1"]
    many = sg.patrols.coverage_many(areas, week)
    assert many == {a: sg.patrols.coverage(a, week) for a in areas}
    assert many["C.T1.C1.G2"] == (1, 1) and many["C.T2"] == (0, 4)
    batch = d.metric_service.figures(["patrol_coverage_rate"], areas, week)
    assert [(batch[("patrol_coverage_rate", a)].num, batch[("patrol_coverage_rate", a)].den)
            for a in areas] == [many[a] for a in areas]


def alliance(sg):
    sg.roster.save_mediators(MEDIATORS[:1])
    sg.roster.save_body(BodyInput(external_id="CA1", name="幸福院落互助联盟",
                                  kind="courtyard_alliance", area_code="C.T1.C1.G1",
                                  members=[{"person": "M1", "position": "lead"}]))


def test_alliance_matters_are_settled_cases_with_satisfaction(sg):
    d = sg.d
    alliance(sg)
    for i, rating in enumerate(["satisfied"] * 49 + ["dissatisfied"]):
        sg.alliance.record(MatterInput(alliance="CA1", matter_kind=("small", "difficult",
                                                                    "bothersome")[i % 3],
                                       title="晾衣占道", handled_at=at("2026-03-02") +
                                       dt.timedelta(hours=i), satisfaction=rating), actor="t")
    open_one = sg.alliance.record(MatterInput(alliance="CA1", matter_kind="difficult",
                                              title="加装电梯意见不一", settled=False,
                                              handled_at=at("2026-03-05")), actor="t")
    assert open_one.status.value == "unresolved"
    year = Period.containing("year", dt.date(2026, 3, 1))
    assert d.metric_service.figure("courtyard_matters", "C", year).num == 51
    rate = d.metric_service.figure("courtyard_satisfaction_rate", "C", year)
    assert (rate.num, rate.den, rate.value) == (49, 50, 98.0)
    summary = sg.alliance.summary("CA1")
    assert summary["matters"] == 51 and summary["settled"] == 50
    assert summary["satisfaction_rate"] == 98.0
    with pytest.raises(ValidationError, match="one of small"):
        MatterInput(alliance="CA1", matter_kind="huge", title="x", handled_at=at("2026-03-02"))


def test_citizens_sunday_events_and_matters(sg):
    d = sg.d
    with pytest.raises(ValidationError, match="held on Sundays"):
        SundayEventInput(area_code="C.T1.C1", held_on="2026-03-07", platform="learning",
                         title="法治夜校", attendance=80)
    with pytest.raises(ValidationError, match="four platforms"):
        SundayEventInput(area_code="C.T1.C1", held_on="2026-03-08", platform="dancing",
                         title="x", attendance=80)
    out = sg.sunday.record(SundayEventInput(
        area_code="C.T1.C1", held_on="2026-03-08", platform="deliberation_mediation",
        title="坝坝议事会", attendance=120,
        matters=[{"title": "路灯不亮", "category": "other"},
                 {"title": "邻里占道", "category": "neighbour"}]), actor="t")
    assert len(out["cases"]) == 2
    assert d.cases.get(out["cases"][0]).source == "citizens_sunday"
    later = sg.sunday.raise_matter(out["event_id"], {"title": "垃圾点异味",
                                                     "category": "environment"}, actor="t")
    assert later.source_ref == f"sunday:{out['event_id']}:3"
    sg.sunday.record(SundayEventInput(area_code="C.T1.C2", held_on="2026-03-15",
                                      platform="recreation", title="广场舞", attendance=60),
                     actor="t")
    month = Period.containing("month", dt.date(2026, 3, 1))
    assert d.metric_service.figure("citizens_sunday_attendance", "C.T1", month).num == 180
    assert d.metric_service.figure("citizens_sunday_events", "C.T1", month).num == 2
    assert d.metric_service.figure("citizens_sunday_matters", "C", month).num == 3
    assert sg.sunday.list("C.T1.C1")[0]["cases"] == [*out["cases"], later.id]
