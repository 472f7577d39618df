"""Callbacks (回访): after resolution the resident is called back; reached or not, satisfied /
basically satisfied / dissatisfied with a reason, and whether the matter is actually resolved.
The rating is the core's ``callback`` event, so the core's ``satisfaction_rate`` counts it; a
dissatisfied resident can have the case reopened in the same transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suyuan_core import Case, Conflict, Deployment, Status, ValidationError, tables
from suyuan_core.sql import within
from suyuan_core.tables import under
from suyuan_core.times import now
from suyuan_smart.common import Scope, calendar

RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
AFTER_RESOLUTION = frozenset({Status.resolved, Status.unresolved, Status.referred, Status.closed})


def record(d: Deployment, case_id: int, *, actor: str, reached: bool,
           satisfaction: str | None = None, resolved: bool | None = None,
           reason: str | None = None, reopen: bool = False,
           at: dt.datetime | None = None, session: Session | None = None) -> Case:
    """One callback. ``reopen`` (only with ``dissatisfied``) brings the case back to work."""
    at = at or now()
    # the rating and the reached/not-reached rule are the core's (every callback event meets them)
    if satisfaction == "dissatisfied" and not reason:
        raise ValidationError("record why the resident is dissatisfied", field="reason",
                              rule="required")
    if reopen and satisfaction != "dissatisfied":
        raise ValidationError("only a dissatisfied callback reopens a case", field="reopen",
                              rule="dissatisfied_only")
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        # a caller merged into a master order (多人同诉) is called back when the master is done
        master = d.cases.get(case.merged_into, s) if case.merged_into is not None else case
        if master.status not in AFTER_RESOLUTION:
            raise Conflict(f"case {master.id} is {master.status.value}: callbacks follow "
                           "resolution", field="case_id", rule="after_resolution")
        data: dict[str, object] = {"reached": reached, "satisfaction": satisfaction}
        if resolved is not None:
            data["resolved"] = resolved
        after = d.cases.record(case_id, "callback", actor=actor, reason=reason, occurred_at=at,
                               data=data, session=s)
        if reopen and master.id != case_id:
            assert master.id is not None
            d.cases.act(master.id, "reopen", actor=actor, reason=reason, occurred_at=at,
                        session=s, data={"cause": "smart.callback_dissatisfied",
                                         "caller_case": case_id})
        elif reopen:
            after = d.cases.act(case_id, "reopen", actor=actor, reason=reason, occurred_at=at,
                                session=s, data={"cause": "smart.callback_dissatisfied"})
        return after


def due(d: Deployment, at: dt.datetime | None = None, area_code: str | None = None, *,
        scope: Scope = None) -> list[tuple[int, dt.datetime, bool]]:
    """Callback tasks: resolved or closed 12345 orders (the ``deadline_sources``: a dispute filed
    at a mediation room gets no hotline callback) with no callback since they were resolved.
    Returns ``(case_id, due_at, overdue)``, the earliest due first; due ``callback_workdays``
    after resolution."""
    at = at or now()
    from suyuan_smart.common import settings

    days = settings(d).callback_workdays
    sources = settings(d).deadline_sources
    e, c = tables.case_events.c, tables.cases.c
    query = (select(e.case_id, e.kind, e.occurred_at).join(tables.cases, c.id == e.case_id)
             .where(c.merged_into.is_(None), c.source.in_(sources),
                    c.status.in_([Status.resolved.value, Status.closed.value]),
                    e.kind.in_(["resolve", "callback", "reopen"]),
                    within(c.area_path, scope))
             .order_by(e.case_id, e.seq))
    if area_code:
        query = query.where(under(c.area_path, d.areas.tree.path(area_code)))
    pending: dict[int, dt.datetime | None] = {}
    resolved: dict[int, dt.datetime] = {}
    with d.reading() as s:
        for case_id, kind, occurred in s.execute(query):
            if kind == "resolve":
                pending[case_id] = resolved[case_id] = occurred.replace(tzinfo=dt.UTC)
            else:
                pending[case_id] = None
        _add_merged_callers(s, pending, resolved, sources)
    cal = calendar(d)
    out = []
    for case_id, resolved_at in sorted(pending.items()):
        if resolved_at is not None:
            due_at = cal.add_workdays(resolved_at, days).at
            out.append((case_id, due_at, due_at < at))
    return sorted(out, key=lambda row: (row[1], row[0]))


def _add_merged_callers(s: Session, pending: dict[int, dt.datetime | None],
                        resolved: dict[int, dt.datetime], sources: list[str]) -> None:
    """Every caller of a master order is called back (DOMAIN-RULES §3): the cases merged into a
    resolved master (``resolved``: master → its last resolution) are due with it, until each
    has its own callback after that resolution."""
    if not resolved:
        return
    c, e = tables.cases.c, tables.case_events.c
    masters = sorted(resolved)
    for i in range(0, len(masters), 500):
        chunk = masters[i:i + 500]
        children = dict(s.execute(select(c.id, c.merged_into).where(
            c.merged_into.in_(chunk), c.source.in_(sources))).all())
        if not children:
            continue
        called: dict[int, dt.datetime] = {}
        for case_id, occurred in s.execute(select(e.case_id, func.max(e.occurred_at)).where(
                e.case_id.in_(list(children)), e.kind == "callback").group_by(e.case_id)):
            called[case_id] = occurred.replace(tzinfo=dt.UTC)
        for child, master in children.items():
            due_from = resolved[master]
            if child not in called or called[child] < due_from:
                pending[child] = due_from
