"""Deadlines on the working-day calendar (DOMAIN-RULES §3–4): the limit table, the clock that
pauses while the office waits on the resident, extension requests with approval, reminders and
the overdue list. Every change is a case event (core ``deadline`` events move the deadline, so the
core's ``on_time_rate`` and ``overdue_now`` follow)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suyuan_core import OPEN_STATUSES, Case, Conflict, Deployment, ValidationError, tables
from suyuan_core.sql import within
from suyuan_core.tables import under
from suyuan_core.times import iso, now
from suyuan_smart.common import Scope, calendar, settings
from suyuan_smart.settings import Limit, Settings
from suyuan_smart.workcal import Span


def limit_for(case: Case, s: Settings) -> Limit:
    """The most specific row of the limit table that matches the case."""
    urgency = case.data.get("urgency") or "normal"
    request_type = case.data.get("request_type")
    best: tuple[int, Limit] | None = None
    for row in s.limits:
        if row.urgency is not None and row.urgency != urgency:
            continue
        if row.category is not None and row.category != case.category:
            continue
        if row.request_type is not None and row.request_type != request_type:
            continue
        rank = 4 * (row.urgency is not None) + 2 * (row.category is not None) + (
            row.request_type is not None)
        if best is None or rank > best[0]:
            best = (rank, row)
    if best is None:
        raise ValidationError(f"no time limit matches category {case.category!r}, urgency "
                              f"{urgency!r}", field="plugins.smart.limits", rule="coverage",
                              hint="add a row without category/urgency as the default")
    return best[1]


def compute(d: Deployment, case: Case, start: dt.datetime) -> Span:
    """The deadline of ``case`` if its clock starts at ``start``."""
    limit = limit_for(case, settings(d))
    cal = calendar(d)
    if limit.unit == "workdays":
        return cal.add_workdays(start, int(limit.amount))
    if limit.unit == "workhours":
        return cal.add_work_minutes(start, limit.amount * 60)
    if limit.unit == "hours":
        return Span(start + dt.timedelta(hours=limit.amount))
    # calendar days: a last day that is a day off rolls to the next working day (民法典 Art 203)
    unknown: set[int] = set()
    day = cal.local(start).date() + dt.timedelta(days=int(limit.amount))
    while not cal.is_workday(day, unknown):
        day += dt.timedelta(days=1)
    at = dt.datetime.combine(day, dt.time(23, 59, 59), cal.tz)
    return Span(at, bool(unknown), tuple(sorted(unknown)))


def governs(d: Deployment, case: Case) -> bool:
    return case.source in settings(d).deadline_sources


def deadline_for(d: Deployment, case: Case, action: str, at: dt.datetime) -> dt.datetime | None:
    """The ``suyuan_case_deadline`` answer: None for channels this plugin does not time."""
    if not governs(d, case) or action not in ("accept", "escalate", "reopen"):
        return None
    return compute(d, case, at).at


def status(d: Deployment, case: Case, at: dt.datetime | None = None) -> dict[str, Any]:
    """Where a case stands against its deadline (what ``smart deadlines show`` prints)."""
    at = at or now()
    cal = calendar(d)
    paused = case.data.get("smart_paused")
    out: dict[str, Any] = {"case_id": case.id, "deadline": iso(case.deadline),
                           "paused": bool(paused), "flagged_years": [],
                           "extension_pending": bool(case.data.get("smart_extension"))}
    if case.deadline is not None:
        out["flagged_years"] = list(cal.flagged_years(case.reported_at or at, case.deadline))
        out["overdue"] = case.status in OPEN_STATUSES and case.deadline < at
        out["work_hours_left"] = round(cal.work_minutes_between(at, case.deadline) / 60, 1)
    elif paused:
        out["work_hours_left"] = round(paused["remaining_minutes"] / 60, 1)
    return out


def _open(case: Case, what: str) -> None:
    if case.status not in OPEN_STATUSES:
        raise ValidationError(f"case {case.id} is {case.status.value}: cannot {what}",
                              field="case_id", rule="open_case")


def pause(d: Deployment, case_id: int, *, actor: str, reason: str,
          at: dt.datetime | None = None, session: Session | None = None) -> Case:
    """Stop the clock while waiting on the resident (补充材料 …): the deadline is cleared and the
    working time left is kept, to be given back on :func:`resume`."""
    at = at or now()
    if not reason:
        raise ValidationError("say what the office is waiting for", field="reason",
                              rule="required")
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        _open(case, "pause its clock")
        if case.data.get("smart_paused"):
            raise ValidationError(f"case {case_id}'s clock is already paused", field="case_id",
                                  rule="not_paused")
        if case.deadline is None:
            raise ValidationError(f"case {case_id} has no deadline to pause", field="case_id",
                                  rule="has_deadline")
        left = calendar(d).work_minutes_between(at, case.deadline)
        return d.cases.record(case_id, "deadline", actor=actor, reason=reason, occurred_at=at,
                              session=s, data={
                                  "deadline": None, "cause": "smart.pause",
                                  "case_data": {"smart_paused": {"at": iso(at),
                                                                 "remaining_minutes": left}}})


def resume(d: Deployment, case_id: int, *, actor: str, at: dt.datetime | None = None,
    session: Session | None = None) -> Case:
    """Restart the clock: the new deadline is now plus the working time that was left."""
    at = at or now()
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        paused = case.data.get("smart_paused")
        if not paused:
            raise ValidationError(f"case {case_id}'s clock is not paused", field="case_id",
                                  rule="paused")
        span = calendar(d).add_work_minutes(at, max(paused["remaining_minutes"], 0))
        return d.cases.record(case_id, "deadline", actor=actor, occurred_at=at, session=s, data={
            "deadline": iso(span.at), "cause": "smart.resume",
            "paused_since": paused["at"], "case_data": {"smart_paused": None}})


def request_extension(d: Deployment, case_id: int, workdays: int, *, actor: str, reason: str,
                      at: dt.datetime | None = None, session: Session | None = None) -> Case:
    """延期申请: before the deadline, with a reason, at most ``max_extension_workdays``."""
    at = at or now()
    s_ = settings(d)
    if not reason:
        raise ValidationError("an extension needs a reason", field="reason", rule="required")
    if not 1 <= workdays <= s_.max_extension_workdays:
        raise ValidationError(f"{workdays} working days is outside 1–{s_.max_extension_workdays}",
                              field="workdays", rule="range")
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        _open(case, "extend its deadline")
        if case.deadline is None:
            raise ValidationError(f"case {case_id} has no running deadline", field="case_id",
                                  rule="has_deadline")
        if at > case.deadline:
            raise ValidationError("an extension must be asked for before the deadline passes",
                                  field="occurred_at", rule="before_deadline")
        if case.data.get("smart_extension"):
            raise ValidationError(f"case {case_id} already has an extension request pending",
                                  field="case_id", rule="one_pending")
        return d.cases.record(case_id, "smart.extension_request", actor=actor, reason=reason,
                              occurred_at=at, session=s, data={
                                  "workdays": workdays, "deadline": iso(case.deadline),
                                  "case_data": {"smart_extension": {"workdays": workdays,
                                                                    "by": actor}}})


def decide_extension(d: Deployment, case_id: int, approve: bool, *, actor: str,
                     reason: str | None = None, at: dt.datetime | None = None,
                     session: Session | None = None) -> Case:
    """The hotline centre approves (the deadline moves) or refuses the pending request."""
    at = at or now()
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        pending = case.data.get("smart_extension")
        if not pending:
            raise Conflict(f"case {case_id} has no extension request pending",
                                  field="case_id", rule="pending")
        if not approve and not reason:
            raise ValidationError("say why the extension is refused", field="reason",
                                  rule="required")
        after = d.cases.record(case_id, "smart.extension_decision", actor=actor, reason=reason,
                               occurred_at=at, session=s, data={
                                   "approved": approve, "workdays": pending["workdays"],
                                   "case_data": {"smart_extension": None}})
        if approve and case.deadline is not None:
            span = calendar(d).add_workdays(case.deadline, int(pending["workdays"]))
            after = d.cases.record(case_id, "deadline", actor=actor, occurred_at=at, session=s,
                                   data={"deadline": iso(span.at), "cause": "smart.extension"})
        return after


def overdue(d: Deployment, area_code: str | None = None,
            at: dt.datetime | None = None, *, scope: Scope = None) -> list[Case]:
    """Open cases past their deadline, oldest deadline first (merged duplicates left out)."""
    at = at or now()
    return _open_cases(d, area_code, lambda c: c.deadline < at.astimezone(dt.UTC).replace(
        tzinfo=None), scope)


def due_soon(d: Deployment, area_code: str | None = None,
             at: dt.datetime | None = None, *, scope: Scope = None) -> list[Case]:
    """Open cases whose deadline is within ``remind_workhours`` working hours from now."""
    at = at or now()
    window = settings(d).remind_workhours * 60
    cal = calendar(d)
    candidates = _open_cases(d, area_code, lambda c: c.deadline >= at.astimezone(dt.UTC).replace(
        tzinfo=None), scope)
    return [c for c in candidates if c.deadline is not None
            and cal.work_minutes_between(at, c.deadline) <= window]


def remind(d: Deployment, *, actor: str, at: dt.datetime | None = None) -> list[int]:
    """Record a ``smart.remind`` event on each case due soon (once per deadline)."""
    at = at or now()
    done = []
    for case in due_soon(d, at=at):
        assert case.id is not None
        if case.data.get("smart_reminded") == iso(case.deadline):
            continue
        d.cases.record(case.id, "smart.remind", actor=actor, occurred_at=at, data={
            "deadline": iso(case.deadline), "assignees": list(case.assignees),
            "case_data": {"smart_reminded": iso(case.deadline)}})
        done.append(case.id)
    return done


def _open_cases(d: Deployment, area_code: str | None, where: Any,
                scope: Scope = None) -> list[Case]:
    c = tables.cases.c
    query = (select(c.id).where(c.status.in_([x.value for x in OPEN_STATUSES]),
                                c.deadline.is_not(None), c.merged_into.is_(None), where(c),
                                within(c.area_path, scope))
             .order_by(c.deadline))
    if area_code:
        query = query.where(under(c.area_path, d.areas.tree.path(area_code)))
    with d.reading() as s:
        ids = list(s.scalars(query))
    return [d.cases.get(i) for i in ids]


