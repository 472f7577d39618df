"""Deadlines on the Chinese working-day calendar (DOMAIN-RULES §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CONFIG, local
from suyuan_smart import deadlines
from suyuan_smart.common import calendar
from suyuan_smart.workcal import MissingHolidayData, WorkCalendar

from suyuan_core import NewCase, Period


def appeal(d, at, **data):
    return d.cases.create(NewCase(title="路灯不亮", category="urban_management",
                                  source="hotline_12345", area_code="C.T1.C1",
                                  occurred_at=at, data=data), actor="t")


def test_package_calendar_knows_2026_make_up_days_and_holidays():
    cal = WorkCalendar("Asia/Shanghai")
    assert cal.is_workday(dt.date(2026, 2, 14))  # a Saturday made a working day (调休)
    assert not cal.is_workday(dt.date(2026, 10, 1))
    # Wed 30 Sep 2026 + 3 working days: 1–7 Oct are off, 8 Oct Thu, 9 Fri, 10 Sat (调休) → 10 Oct
    assert cal.add_workdays(local(2026, 9, 30, 10), 3).at == local(2026, 10, 10, 23, 59, 59)


def test_a_year_without_data_is_refused_unless_the_county_loads_it():
    cal = WorkCalendar("Asia/Shanghai", missing_year="refuse")
    with pytest.raises(MissingHolidayData, match="no holiday data for 2027"):
        cal.add_workdays(local(2026, 12, 30, 9), 5)
    county = WorkCalendar("Asia/Shanghai", county_years=[2027],
                          holidays=["2027-01-01"], workdays=[])
    assert county.coverage(2027) == "county"
    # Wed 30 Dec: 31 Thu (1), 1 Jan holiday, 4 Mon (2), 5 (3), 6 (4), 7 (5)
    assert county.add_workdays(local(2026, 12, 30, 9), 5).at.date() == dt.date(2027, 1, 7)
    flagged = WorkCalendar("Asia/Shanghai", missing_year="flag").add_workdays(
        local(2026, 12, 30, 9), 5)
    assert flagged.flagged and flagged.years == (2027,)


def test_accept_sets_the_working_day_deadline_by_urgency(d):
    case = appeal(d, local(2026, 9, 30, 10))
    accepted = d.cases.act(case.id, "accept", actor="t", occurred_at=local(2026, 9, 30, 10))
    # ordinary, 7 working days: 1–7 Oct off; 8, 9, Sat 10 (调休), 12, 13, 14, 15 Oct
    assert accepted.deadline == local(2026, 10, 15, 23, 59, 59)
    urgent = appeal(d, local(2026, 9, 30, 10), urgency="urgent")
    assert d.cases.act(urgent.id, "accept", actor="t", occurred_at=local(2026, 9, 30, 10)
                       ).deadline == local(2026, 10, 1, 10)
    # a walk-in dispute is not this plugin's to time: the core default applies
    walk = d.cases.create(NewCase(title="x", category="neighbour", source="walk_in",
                                  area_code="C.T1.C1", occurred_at=local(2026, 9, 30, 10)),
                          actor="t")
    got = d.cases.act(walk.id, "accept", actor="t", occurred_at=local(2026, 9, 30, 10)).deadline
    assert got == local(2026, 9, 30, 10) + dt.timedelta(
        days=d.config.core.cases.default_deadline_days)


def test_deadline_in_a_year_with_no_holiday_data_is_a_clear_error_and_nothing_written(
        make_deployment):
    d = make_deployment(plugins=["smart"], config={"plugins": {"smart": {
        **CONFIG["plugins"]["smart"], "missing_year": "refuse"}}})
    case = appeal(d, local(2026, 12, 28, 9))
    with pytest.raises(MissingHolidayData, match="2027") as err:
        d.cases.act(case.id, "accept", actor="t", occurred_at=local(2026, 12, 28, 9))
    assert err.value.field == "deadline" and "county_years" in err.value.one_line()
    after = d.cases.get(case.id)
    assert after.status.value == "reported" and after.version == 1 and after.deadline is None


def test_flag_mode_accepts_and_flags(make_deployment):
    cfg = {"plugins": {"smart": {**CONFIG["plugins"]["smart"], "missing_year": "flag"}}}
    d = make_deployment(plugins=["smart"], config=cfg)
    case = appeal(d, local(2026, 12, 28, 9))
    accepted = d.cases.act(case.id, "accept", actor="t", occurred_at=local(2026, 12, 28, 9))
    assert deadlines.status(d, accepted, local(2026, 12, 28, 10))["flagged_years"] == [2027]


def test_pause_resume_extension_and_on_time_rate(d):
    t = local(2026, 9, 1, 9)  # Tuesday
    case = appeal(d, t)
    case = d.cases.act(case.id, "accept", actor="t", occurred_at=t)
    assert case.deadline == local(2026, 9, 10, 23, 59, 59)
    paused = deadlines.pause(d, case.id, actor="t", reason="等待补充材料", at=local(2026, 9, 2, 9))
    assert paused.deadline is None and paused.data["smart_paused"]
    with pytest.raises(Exception, match="already paused"):
        deadlines.pause(d, case.id, actor="t", reason="x", at=local(2026, 9, 2, 10))
    # paused Wed 9:00 with 8 working days 15h left; resumed next Monday 9:00
    resumed = deadlines.resume(d, case.id, actor="t", at=local(2026, 9, 7, 9))
    assert resumed.deadline == local(2026, 9, 15, 23, 59, 59)
    with pytest.raises(Exception, match="outside"):
        deadlines.request_extension(d, case.id, 99, actor="t", reason="复杂", at=local(2026, 9, 8))
    deadlines.request_extension(d, case.id, 5, actor="unit", reason="需现场勘查",
                                at=local(2026, 9, 8, 9))
    with pytest.raises(Exception, match="pending"):
        deadlines.request_extension(d, case.id, 2, actor="unit", reason="x", at=local(2026, 9, 8, 10))
    extended = deadlines.decide_extension(d, case.id, True, actor="centre", at=local(2026, 9, 8, 11))
    # +5 working days from 15 Sep: 16, 17, 18, Sun 20 (调休), 21
    assert extended.deadline == local(2026, 9, 21, 23, 59, 59)
    for action in ("assign", "start", "resolve", "close"):
        data = {"assignees": ["organisation:CG"]} if action == "assign" else {}
        d.cases.act(case.id, action, actor="t", data=data, occurred_at=local(2026, 9, 18, 9))
    f = d.metric_service.figure("on_time_rate", "C", Period.containing("month", dt.date(2026, 9, 1)))
    assert (f.num, f.den) == (1, 1)
    assert [e.kind for e in d.cases.timeline(case.id)].count("deadline") == 3


def test_extension_after_the_deadline_is_refused(d):
    case = appeal(d, local(2026, 9, 1, 9))
    d.cases.act(case.id, "accept", actor="t", occurred_at=local(2026, 9, 1, 9))
    with pytest.raises(Exception, match="before the deadline"):
        deadlines.request_extension(d, case.id, 3, actor="t", reason="r", at=local(2026, 9, 30))
    assert d.cases.get(case.id).version == 2


def test_reminders_and_overdue(d):
    a = appeal(d, local(2026, 9, 1, 9))
    d.cases.act(a.id, "accept", actor="t", occurred_at=local(2026, 9, 1, 9))
    b = appeal(d, local(2026, 9, 8, 9))
    d.cases.act(b.id, "accept", actor="t", occurred_at=local(2026, 9, 8, 9))
    at = local(2026, 9, 10, 17)  # a's deadline is today 23:59:59, within 8 working hours
    assert [c.id for c in deadlines.due_soon(d, at=at)] == [a.id]
    assert deadlines.remind(d, actor="timer", at=at) == [a.id]
    assert deadlines.remind(d, actor="timer", at=at) == []  # once per deadline
    assert [c.id for c in deadlines.overdue(d, at=local(2026, 9, 11, 9))] == [a.id]
    assert calendar(d).coverage(2027) is None
