"""What the pillar runs by itself (declared through ``suyuan_register_jobs``; the core runs them,
once per slot, and lists them in ``suyuan jobs``): deadline reminders, overdue marking and the
通报 after N working days, callbacks due, the early-warning scans, the weekly and monthly analysis
reports, and the holiday-calendar check from November on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from suyuan_core import OPEN_STATUSES, Deployment, Job
from suyuan_core.times import iso
from suyuan_smart import alerts, callbacks, deadlines, reports
from suyuan_smart.common import calendar, settings
from suyuan_smart.notices import DISPATCHERS, tell

ACTOR = "job:smart"


def overdue_workdays(d: Deployment, deadline: dt.datetime, at: dt.datetime) -> int:
    """Whole working days since the deadline passed (the deadline's own day not counted)."""
    cal = calendar(d)
    day, end, n = cal.local(deadline).date(), cal.local(at).date(), 0
    while day < end:
        day += dt.timedelta(days=1)
        n += cal.is_workday(day, set()) and day <= end
    return n


def remind(deployment: Deployment, now: dt.datetime) -> dict[str, Any]:
    """临期提醒: a ``smart.remind`` event (and its notification) once per deadline."""
    return {"reminded": deadlines.remind(deployment, actor=ACTOR, at=now)}


def mark_overdue(deployment: Deployment, now: dt.datetime) -> dict[str, Any]:
    """超期: one ``smart.overdue`` event per case and deadline; 通报 (``smart.overdue_notice``)
    once it is ``notice_after_workdays`` working days late."""
    d = deployment
    after = settings(d).notice_after_workdays
    marked, noticed = [], []
    for case in deadlines.overdue(d, at=now):
        assert case.id is not None and case.deadline is not None
        if case.status not in OPEN_STATUSES:
            continue
        key = iso(case.deadline)
        late = overdue_workdays(d, case.deadline, now)
        if case.data.get("smart_overdue") != key:
            d.cases.record(case.id, "smart.overdue", actor=ACTOR, occurred_at=now, data={
                "deadline": key, "workdays_late": late, "assignees": list(case.assignees),
                "case_data": {"smart_overdue": key}})
            marked.append(case.id)
        if late >= after and case.data.get("smart_noticed") != key:
            d.cases.record(case.id, "smart.overdue_notice", actor=ACTOR, occurred_at=now, data={
                "deadline": key, "workdays_late": late, "assignees": list(case.assignees),
                "case_data": {"smart_noticed": key}})
            noticed.append(case.id)
    return {"marked_overdue": marked, "noticed": noticed}


def callbacks_due(deployment: Deployment, now: dt.datetime) -> dict[str, Any]:
    """待回访: the callback team is told of each callback that falls due (once per case)."""
    d = deployment
    told = []
    for case_id, due_at, _late in callbacks.due(d, at=now):
        if due_at > now + dt.timedelta(days=1):
            continue
        case = d.cases.get(case_id)
        if tell(d, "callback_due", ["permission:smart.callback"], case,
                f"待回访 #{case_id}: {case.title[:60]}",
                f"回访截止 {calendar(d).local(due_at):%Y-%m-%d %H:%M}",
                dedup=f"smart.callback_due:{case_id}:{iso(due_at)}"):
            told.append(case_id)
    return {"callbacks_due": told}


def scan_alerts(deployment: Deployment, now: dt.datetime) -> dict[str, Any]:
    """排查预警: run the checks; every new alert is told to who handles alerts there."""
    d = deployment
    raised = alerts.scan(d, now)
    for alert_id in raised:
        a = alerts.get(d, alert_id)
        d.notifications.notify(
            "alert", to=["permission:smart.alerts"], subject=f"预警 [{a['severity']}] "
            f"{a['message'][:80]}", body=a["message"], case_id=a.get("case_id"),
            area_code=a.get("area_code"), dedup=f"smart.alert:{alert_id}",
            data={"alert_id": alert_id})
    return {"alerts_raised": raised}


def _reports(d: Deployment, grain: str, now: dt.datetime) -> dict[str, Any]:
    out_dir = d.config.resolve(settings(d).report_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    made = reports.scheduled(d, grain, out_dir, at=now)
    if made:
        d.notifications.notify("report", to=["permission:smart.reports"],
                               subject=f"{'周' if grain == 'week' else '月'}研判报告已生成 "
                                       f"({len(made)})",
                               body="\n".join(Path(p).name for p in made),
                               dedup=f"smart.report:{grain}:{Path(made[0]).stem}")
    return {"reports": [Path(p).name for p in made]}


def weekly_reports(deployment: Deployment, now: dt.datetime) -> dict[str, Any]:
    return _reports(deployment, "week", now)


def monthly_reports(deployment: Deployment, now: dt.datetime) -> dict[str, Any]:
    return _reports(deployment, "month", now)


def calendar_gap(deployment: Deployment, now: dt.datetime) -> int | None:
    """Next year, when it is ``calendar_warning_month`` or later and no holiday table covers it
    (the desk shows the warning; the daily job tells the administrators); else None."""
    cal = calendar(deployment)
    local = cal.local(now)
    year = local.year + 1
    if local.month < settings(deployment).calendar_warning_month or cal.coverage(year):
        return None
    return year


def calendar_check(deployment: Deployment, now: dt.datetime) -> dict[str, Any]:
    """From November (``calendar_warning_month``): is next year's holiday table loaded? The
    State Council publishes it then; until the package or the county's table has it, deadlines
    in that year are only flagged."""
    d = deployment
    local = calendar(d).local(now)
    year = local.year + 1
    if calendar_gap(d, now) is None:
        return {"year": year, "covered_by": calendar(d).coverage(year), "warned": False}
    d.notifications.notify(
        "calendar", to=["permission:admin.manage", *DISPATCHERS],
        subject=f"{year} 年节假日安排未导入: holiday calendar for {year} is not loaded",
        body=(f"{year} 年的工作日期限目前只按周末计算并被标记。请升级 chinesecalendar 或在 "
              f"[plugins.smart] holidays/workdays/county_years 中录入 {year} 年放假安排。"),
        dedup=f"smart.calendar:{year}:{local:%Y-%m-%d}")
    return {"year": year, "covered_by": None, "warned": True}


def platform_push(deployment: Deployment, now: dt.datetime) -> dict[str, Any]:
    """回传: push the replies, completions and callback results due to the hotline platform."""
    from suyuan_smart import platform

    return platform.push(deployment, now)


JOBS = (
    Job("smart.platform_push", every="5m", run=platform_push, retries=0,
        label=("回传热线平台", "Replies back to the hotline platform")),
    Job("smart.deadline_reminders", every="1h", run=remind,
        label=("临期提醒", "Deadline reminders")),
    Job("smart.overdue", every="1h", run=mark_overdue,
        label=("超期标记与通报", "Overdue marking and notices")),
    Job("smart.callbacks_due", every="day", at="08:30", run=callbacks_due,
        label=("待回访提醒", "Callbacks due")),
    Job("smart.alert_scan", every="1h", run=scan_alerts,
        label=("排查预警", "Early-warning scans")),
    Job("smart.weekly_reports", every="week", at="07:00", run=weekly_reports,
        label=("周研判报告", "Weekly analysis reports")),
    Job("smart.monthly_reports", every="month", at="07:00", run=monthly_reports,
        label=("月研判报告", "Monthly analysis reports")),
    Job("smart.calendar_check", every="day", at="09:00", run=calendar_check,
        label=("节假日数据检查", "Holiday calendar check")),
)
