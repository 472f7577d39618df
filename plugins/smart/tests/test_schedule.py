"""The pillar's scheduled work and who it tells: declared jobs run by the core once per slot;
dispatch, return, urge, reminder, overdue and the 通报 after N working days reach the unit's and
the centre's inboxes (and a robot channel on the loopback); callbacks due and new alerts reach
their teams; the holiday-calendar warning from November."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import CONFIG, TZ
from suyuan_smart import dispatch, schedule
from suyuan_smart.common import calendar

from suyuan_core import NewCase
from suyuan_core.testing import http_receiver

NOW = dt.datetime.now(dt.UTC)


def appeal(d, area="C.T1.C1", **data):
    return d.cases.create(NewCase(title="路灯不亮", category="urban_management",
                                  source="hotline_12345", area_code=area,
                                  occurred_at=NOW, data=data), actor="t")


def users(d):
    d.accounts.add_user("centre", "中心", None)
    d.accounts.grant("centre", "hotline_dispatcher", "C")
    d.accounts.add_user("cg", "城管局经办", None, acts_for="organisation:CG")
    d.accounts.grant("cg", "unit_handler", "C")
    d.accounts.add_user("rs", "人社局经办", None, acts_for="organisation:RS")
    d.accounts.grant("rs", "unit_handler", "C")
    d.accounts.add_user("cb", "回访员", None)
    d.accounts.grant("cb", "callback_operator", "C")


def inbox(d, who):
    return [n.kind for n in reversed(d.notifications.inbox(who))]


def test_the_pillar_declares_its_jobs(d):
    names = set(d.jobs.registry.codes())
    assert {"smart.deadline_reminders", "smart.overdue", "smart.callbacks_due",
            "smart.alert_scan", "smart.weekly_reports", "smart.monthly_reports",
            "smart.calendar_check"} <= names
    assert d.jobs.get("smart.weekly_reports").every == "week"


def test_dispatch_return_urge_reach_the_right_inboxes(d):
    users(d)
    case = appeal(d)
    dispatch.dispatch(d, case.id, "CG", ("RS",), actor="user:centre", at=NOW)
    assert inbox(d, "cg") == ["dispatch"] and inbox(d, "rs") == ["dispatch"]
    assert inbox(d, "centre") == []
    dispatch.return_order(d, case.id, "CG", "not_our_duty", "三定方案第5条", actor="user:cg",
                          at=NOW + dt.timedelta(minutes=5))
    assert inbox(d, "centre") == ["return"]
    dispatch.dispatch(d, case.id, "RS", actor="user:centre", at=NOW + dt.timedelta(minutes=9))
    dispatch.urge(d, case.id, "请加快", actor="user:centre", at=NOW + dt.timedelta(minutes=10))
    dispatch.supervise(d, case.id, "县领导督办", actor="user:centre",
                       at=NOW + dt.timedelta(minutes=11))
    assert inbox(d, "rs") == ["dispatch", "dispatch", "urge", "supervision"]
    on_case = d.notifications.for_case(case.id)
    assert {n.status for n in on_case} == {"sent"} and len(on_case) == 6
    subject = d.notifications.inbox("rs")[0].subject
    assert subject.startswith("督办 #") and "路灯不亮" in subject


def test_reminder_overdue_and_notice_run_by_the_jobs_once(make_deployment):
    with http_receiver() as robot:
        config = {**CONFIG, "notifications": {"channels": {"county_robot": {
            "url": f"json://127.0.0.1:{robot.port}/robot", "kinds": ["overdue_notice"]}}}}
        config["plugins"] = {"smart": {**CONFIG["plugins"]["smart"], "notice_after_workdays": 2}}
        d = make_deployment(plugins=["smart"], config=config)
        users(d)
        case = appeal(d)
        dispatch.dispatch(d, case.id, "CG", actor="user:centre", at=NOW)
        deadline = d.cases.get(case.id).deadline
        cal = calendar(d)
        soon = deadline - dt.timedelta(hours=2)
        # 临期: the hourly reminder job, once per deadline however often it runs
        [run] = [r for r in d.jobs.run_due(soon) if r.job == "smart.deadline_reminders"]
        assert run.summary == {"reminded": [case.id]}
        d.jobs.run_due(soon + dt.timedelta(hours=1))
        assert inbox(d, "cg") == ["dispatch", "reminder"]
        # 超期: one day late is marked and told, not yet 通报
        late1 = cal.add_workdays(deadline, 1).at - dt.timedelta(hours=3)
        runs = {r.job: r for r in d.jobs.run_due(late1)}
        assert runs["smart.overdue"].summary == {"marked_overdue": [case.id], "noticed": []}
        assert inbox(d, "cg")[-1] == "overdue" and "overdue" in inbox(d, "centre")
        # 通报 after 2 working days late, to the robot group too
        late3 = cal.add_workdays(deadline, 3).at - dt.timedelta(hours=3)
        runs = {r.job: r for r in d.jobs.run_due(late3)}
        assert runs["smart.overdue"].summary == {"marked_overdue": [], "noticed": [case.id]}
        assert inbox(d, "centre").count("overdue_notice") == 1
        d.notifications.deliver(late3)
        [hit] = robot.requests
        assert json.loads(hit.text())["title"].startswith(f"超期通报 #{case.id}")
        # nothing repeats in the next slot
        runs = {r.job: r for r in d.jobs.run_due(late3 + dt.timedelta(hours=1))}
        assert runs["smart.overdue"].summary == {"marked_overdue": [], "noticed": []}
        kinds = [e.kind for e in d.cases.timeline(case.id)]
        assert kinds.count("smart.overdue") == 1 and kinds.count("smart.overdue_notice") == 1


def test_callbacks_due_reach_the_callback_team(d):
    users(d)
    case = appeal(d)
    dispatch.dispatch(d, case.id, "CG", actor="user:centre", at=NOW)
    for action in ("start", "resolve"):
        d.cases.act(case.id, action, actor="user:cg", occurred_at=NOW)
    later = calendar(d).add_workdays(NOW, 1).at
    summary = schedule.callbacks_due(d, later)
    assert summary == {"callbacks_due": [case.id]}
    assert schedule.callbacks_due(d, later) == {"callbacks_due": []}  # told once
    assert inbox(d, "cb") == ["callback_due"] and "callback_due" in inbox(d, "centre")


def test_new_alerts_are_told_and_scans_are_a_job(d):
    users(d)
    appeal(d, description="x")
    d.cases.create(NewCase(title="不想活了", description="欠薪三个月，不想活了", category="labour",
                           source="hotline_12345", area_code="C.T1.C1", occurred_at=NOW),
                   actor="t")
    [run] = [r for r in d.jobs.run_due(NOW) if r.job == "smart.alert_scan"]
    assert run.status == "succeeded" and run.summary["alerts_raised"]
    assert "alert" in inbox(d, "centre")


@pytest.mark.parametrize(("month", "warned"), [(10, False), (11, True), (12, True)])
def test_calendar_warning_from_november(d, month, warned):
    d.accounts.add_user("boss", "管理员", None)
    d.accounts.grant("boss", "admin", "C")
    at = dt.datetime(2026, month, 15, 10, tzinfo=TZ)
    out = schedule.calendar_check(d, at)
    assert out == {"year": 2027, "covered_by": None, "warned": warned}
    assert (inbox(d, "boss") == ["calendar"]) is warned


def test_calendar_check_is_quiet_when_the_county_loaded_next_year(make_deployment):
    config = {"plugins": {"smart": {**CONFIG["plugins"]["smart"], "county_years": [2027],
                                    "holidays": ["2027-01-01"]}}}
    d = make_deployment(plugins=["smart"], config=config)
    out = schedule.calendar_check(d, dt.datetime(2026, 11, 20, 10, tzinfo=TZ))
    assert out == {"year": 2027, "covered_by": "county", "warned": False}


def test_weekly_reports_job_writes_and_tells(d):
    d.accounts.add_user("analyst", "研判", None)
    d.accounts.grant("analyst", "smart_analyst", "C")
    out = schedule.weekly_reports(d, NOW)
    assert out["reports"] and all(name.endswith((".xlsx", ".html")) for name in out["reports"])
    assert inbox(d, "analyst") == ["report"]
    assert schedule.weekly_reports(d, NOW) == {"reports": []}  # already made this week
