"""The 12345 desk (zh-Hans first, English beside; server-rendered with the pillar's own Jinja
templates and Babel catalog, inside the site's layout — nothing fetched from elsewhere).

* ``/smart/desk`` — the hotline centre: incoming orders (classification to confirm, dispatch to a
  lead unit and co-handling units), returns to review (redispatch or 终审), extension requests,
  overdue and due-soon orders to urge or supervise, duplicate proposals, open alerts, the unit
  ranking and the report downloads;
* ``/smart/unit`` — a handling unit's own queue with working-day countdowns: not signed, signed,
  due today, overdue; sign for, return with reason and basis, reply, ask for more time;
* ``/smart/callbacks`` — the callback team: callbacks due and the satisfaction form;
* ``/smart/order?id=N`` — one order at a glance: the appeal, the caller (masked), the deadline and
  the time left, the units, the whole timeline.

Every form posts to its page (the core checks the sign-in and the CSRF token); each change goes
through the same services as the HTTP API, refused with the same rules, and is audited.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import attrs
from jinja2 import Environment
from sqlalchemy import select

from suyuan_core import (
    OPEN_STATUSES,
    Case,
    Deployment,
    NotFound,
    Page,
    Period,
    PermissionDenied,
    Principal,
    ValidationError,
    tables,
    templates,
)
from suyuan_core.bounds import MAX_ID
from suyuan_core.sql import within
from suyuan_core.times import now
from suyuan_smart import alerts, callbacks, classify, deadlines, dispatch, duplicates, schedule
from suyuan_smart.api import acts_for_unit, own_unit
from suyuan_smart.common import calendar, handler, settings

READ, DISPATCH, HANDLE, CALLBACK, REPORTS = ("cases.read", "smart.dispatch", "smart.handle",
                                             "smart.callback", "smart.reports")
RETURN_REASONS = {"not_our_duty": ("非本单位职责", "Not our duty"),
                  "wrong_locality": ("非本属地", "Wrong locality")}
EVENT_LABELS = {
    "reported": ("登记", "Registered"), "accept": ("受理", "Accepted"), "assign": ("派单", "Dispatched"),
    "start": ("开始办理", "Started"), "resolve": ("办结", "Resolved"), "fail": ("未解决", "Not resolved"),
    "close": ("结案", "Closed"), "reopen": ("重办", "Reopened"), "note": ("备注", "Note"),
    "callback": ("回访", "Callback"), "deadline": ("期限变更", "Deadline changed"),
    "update": ("修改", "Updated"), "merge": ("合并", "Merged"), "unmerge": ("取消合并", "Unmerged"),
    "escalate": ("上报", "Escalated"), "withdraw": ("撤回", "Withdrawn"), "refer": ("移交", "Referred"),
    "smart.sign_off": ("签收", "Signed for"), "smart.return": ("退单", "Returned"),
    "smart.reply": ("答复", "Replied"), "smart.urge": ("催办", "Urged"),
    "smart.supervise": ("督办", "Supervised"), "smart.remind": ("临期提醒", "Reminded"),
    "smart.overdue": ("超期", "Overdue"), "smart.overdue_notice": ("超期通报", "Overdue notice"),
    "smart.extension_request": ("延期申请", "Extension requested"),
    "smart.extension_decision": ("延期审批", "Extension decided"),
    "smart.category_confirmed": ("确认分类", "Category confirmed"),
    "smart.pushed": ("回传平台", "Pushed to the platform"),
}
SATISFACTION = {"satisfied": ("满意", "Satisfied"),
                "basically_satisfied": ("基本满意", "Basically satisfied"),
                "dissatisfied": ("不满意", "Dissatisfied")}


def pick(pair: tuple[str, str] | None, lang: str, fallback: str = "") -> str:
    if not pair:
        return fallback
    return pair[1] if lang == "en" else pair[0]


@functools.cache
def environment(lang: str) -> Environment:
    env = templates.page_environment("suyuan_smart.web", "suyuan_smart", lang)
    core = templates.translations("suyuan_core", lang)
    env.globals["core_"] = core.gettext  # the core's words: statuses, party roles
    env.globals["event_label"] = lambda kind: pick(EVENT_LABELS.get(kind), lang, kind)
    env.globals["reason_label"] = lambda code: pick(RETURN_REASONS.get(code), lang, code)
    env.globals["satisfaction_label"] = lambda code: pick(SATISFACTION.get(code or ""), lang,
                                                          code or "")
    env.globals["RETURN_REASONS"] = RETURN_REASONS
    env.globals["SATISFACTION"] = SATISFACTION
    env.globals["SEVERITY_LABELS"] = alerts.SEVERITY_LABELS
    env.globals["pick"] = lambda pair: pick(pair, lang)
    return env


def render(lang: str, template: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(**context)


def category_label(d: Deployment, lang: str) -> Any:
    """The category's name in the page's language (the code only for an unknown one)."""
    def label(code: str) -> str:
        found = d.categories.get(code)
        return found.label.get(lang) if found is not None else code
    return label


# -- looking things up -------------------------------------------------------------------------
def _int(value: Any, field: str) -> int:
    try:
        out = int(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not a number", field=field, rule="integer") from None
    if not 1 <= out <= MAX_ID:
        raise ValidationError(f"{out} is out of range", field=field, rule="range")
    return out


def _case(d: Deployment, me: Principal, case_id: int, permission: str = READ) -> Case:
    """The case when the viewer may read it (else "no such case", revealing nothing) and holds
    ``permission`` in its area (else refused, naming the permission)."""
    try:
        case = d.cases.get(case_id)
    except NotFound:
        case = None
    if case is None or not me.can(READ, d.areas.tree.path(case.area_code)):
        raise NotFound(f"no case with id {case_id}", field="id", rule="exists")
    if not me.can(permission, d.areas.tree.path(case.area_code)):
        raise PermissionDenied(f"you may not {permission} in area {case.area_code}",
                               field="id", rule=permission)
    return case


@attrs.frozen
class Countdown:
    """Where an order stands against its deadline, in working time."""

    deadline: dt.datetime | None
    hours_left: float | None
    overdue: bool
    due_today: bool
    flagged: bool

    @property
    def workdays_left(self) -> float | None:
        return None if self.hours_left is None else round(self.hours_left / 8, 1)


def countdown(d: Deployment, case: Case, at: dt.datetime) -> Countdown:
    if case.deadline is None:
        return Countdown(None, None, False, False, False)
    cal = calendar(d)
    left = round(cal.work_minutes_between(at, case.deadline) / 60, 1)
    overdue = case.status in OPEN_STATUSES and case.deadline < at
    today = cal.local(case.deadline).date() == cal.local(at).date()
    flagged = bool(cal.flagged_years(case.reported_at or at, case.deadline))
    return Countdown(cal.local(case.deadline), -left if overdue and left > 0 else left,
                     overdue, today and not overdue, flagged)


def _open_smart(d: Deployment, me: Principal, permission: str) -> list[Case]:
    """Open orders on the pillar's clock in the viewer's areas, the nearest deadline first."""
    scope = me.scope(permission)
    c = tables.cases.c
    query = (select(c.id).where(c.status.in_([s.value for s in OPEN_STATUSES]),
                                c.merged_into.is_(None),
                                c.source.in_(settings(d).deadline_sources),
                                within(c.area_path, scope))
             .order_by(c.deadline.is_(None), c.deadline, c.id).limit(500))
    with d.reading() as s:
        ids = list(s.scalars(query))
    return [d.cases.get(i) for i in ids]


def _who(d: Deployment) -> Any:
    """An actor as people read it: an account's display name (``user:t1`` → 第1镇 张三)."""
    names = {f"user:{u.username}": u.display_name for u in d.accounts.users()}
    return lambda actor: names.get(str(actor), actor)


def _units(d: Deployment) -> list[Any]:
    return list(settings(d).units)


def _caller(d: Deployment, case: Case) -> dict[str, Any] | None:
    """The caller as the rules say: masked always here; hidden from the units when the caller
    asked for it (广州 Art 7)."""
    parties = d.privacy.parties([attrs.asdict(p) for p in case.parties], False)
    return parties[0] if parties else None


# -- the hotline centre ------------------------------------------------------------------------
def desk_page(deployment: Deployment, principal: Principal, lang: str) -> str:
    d, me = deployment, principal
    at = now()
    cases = _open_smart(d, me, DISPATCH)
    incoming = [c for c in cases if not c.data.get("smart_dispatch")]
    # returned and not dispatched again since: the last of (dispatch, return) is a return
    returned = [c for c in cases if (c.data.get("smart_dispatch") or {}).get("returned_by")
                and _last_kind(d, c) == "smart.return"]
    extensions = [c for c in cases if c.data.get("smart_extension")]
    late = [c for c in cases if c.deadline is not None and c.deadline < at]
    soon = deadlines.due_soon(d, at=at, scope=me.scope(DISPATCH))
    suggestions = {c.id: classify.suggest(d, f"{c.title} {c.description}")[:3] for c in incoming}
    proposals = [p for p in duplicates.proposals(d) if _readable(d, me, p.get("case_id"))]
    open_alerts = alerts.listing(d, scope=me.scope("smart.alerts"), limit=50) if me.has(
        "smart.alerts") else []
    period = Period.containing("month", calendar(d).local(at).date())
    ranking = dispatch.ranking(d, period, scope=me.scope(REPORTS)) if me.has(REPORTS) else []
    root = next((g.area_code for g in sorted(me.grants, key=lambda g: len(g.area_path))
                 if REPORTS in g.permissions), None)
    return render(lang, "desk.html", me=me, incoming=incoming, returned=returned,
                  extensions=extensions, late=late, soon=soon, suggestions=suggestions,
                  proposals=proposals, alerts=open_alerts, ranking=ranking, period=period,
                  previous=period.previous(), report_area=root, units=_units(d),
                  countdown=lambda c: countdown(d, c, at), max_returns=settings(d).max_returns,
                  categories=list(d.categories), category_label=category_label(d, lang),
                  calendar_gap=schedule.calendar_gap(d, at), who=_who(d),
                  unit_name={u.code: u.name for u in _units(d)}.get)


def _last_kind(d: Deployment, case: Case) -> str | None:
    kinds = [e.kind for e in d.cases.timeline(int(case.id or 0)) if e.kind in ("assign", "smart.return")]
    return kinds[-1] if kinds else None


def _readable(d: Deployment, me: Principal, case_id: Any) -> bool:
    try:
        case = d.cases.get(int(case_id))
    except (NotFound, TypeError, ValueError):
        return False
    return me.can(DISPATCH, d.areas.tree.path(case.area_code))


def desk_submit(deployment: Deployment, principal: Principal, form: dict[str, Any],
                ip: str) -> str:
    d, me = deployment, principal
    op = str(form.get("op", ""))
    if op in ("merge", "reject"):
        pid = _int(form.get("proposal"), "proposal")
        p = duplicates.proposal(d, pid)
        _case(d, me, int(p["case_id"]), DISPATCH)
        _case(d, me, int(p["candidate_id"]), DISPATCH)
        with d.transaction() as s:
            if op == "merge":
                duplicates.merge(d, p["case_id"], p["candidate_id"], actor=me.actor,
                                 proposal_id=pid, session=s)
            else:
                duplicates.reject(d, pid, actor=me.actor, session=s)
            d.audit.write(s, actor=me.actor, action=f"smart.{op}", record=f"case:{p['case_id']}",
                          ip=ip, detail={"proposal": pid})
        return "/smart/desk#duplicates"
    if op == "acknowledge":
        alert_id = _int(form.get("alert"), "alert")
        a = alerts.get(d, alert_id)
        if a.get("area_code") and not me.can("smart.alerts", d.areas.tree.path(a["area_code"])):
            raise NotFound(f"no alert {alert_id}", field="alert", rule="exists")
        alerts.acknowledge(d, alert_id, actor=me.actor, note=str(form.get("note") or "") or None)
        d.audit.write(None, actor=me.actor, action="smart.alert_acknowledge",
                      record=f"alert:{alert_id}", ip=ip)
        return "/smart/desk#alerts"
    case_id = _int(form.get("case"), "case")
    case = _case(d, me, case_id, DISPATCH)
    note = str(form.get("note") or "").strip()
    with d.transaction() as s:
        if op == "confirm":
            category = str(form.get("category") or "")
            classify.confirm(d, case_id, category, actor=me.actor, session=s)
            detail: dict[str, Any] = {"category": category}
        elif op in ("dispatch", "final"):
            lead = str(form.get("lead") or "")
            if not lead:
                raise ValidationError("choose the lead unit", field="lead", rule="required")
            raw = form.get("co") or []
            co = tuple(u for u in ([raw] if isinstance(raw, str) else raw) if u and u != lead)
            dispatch.dispatch(d, case_id, lead, co, actor=me.actor, note=note or None, session=s,
                              final=op == "final")
            detail = {"lead": lead, "co": list(co), "final": op == "final"}
        elif op in ("urge", "supervise"):
            if op == "urge":
                dispatch.urge(d, case_id, note, actor=me.actor, session=s)
            else:
                dispatch.supervise(d, case_id, note, actor=me.actor, session=s)
            detail = {"note": note}
        elif op in ("approve", "refuse"):
            deadlines.decide_extension(d, case_id, op == "approve", actor=me.actor,
                                       reason=note or None, session=s)
            detail = {"approved": op == "approve"}
        else:
            raise ValidationError(f"unknown operation {op!r}", field="op", rule="one_of")
        d.audit.write(s, actor=me.actor, action=f"smart.desk.{op}", record=f"case:{case.id}",
                      reason=note or None, ip=ip, detail=detail)
    return f"/smart/order?id={case_id}" if op in ("dispatch", "final") else "/smart/desk"


# -- a handling unit ---------------------------------------------------------------------------
def _unit_code(me: Principal) -> str | None:
    if me.acts_for and me.acts_for.startswith("organisation:"):
        return me.acts_for.split(":", 1)[1]
    return None


def unit_page(deployment: Deployment, principal: Principal, lang: str) -> str:
    d, me = deployment, principal
    at = now()
    unit = _unit_code(me)
    mine = []
    if unit:
        for c in _open_smart(d, me, HANDLE):
            state = c.data.get("smart_dispatch") or {}
            if unit == state.get("lead") or unit in state.get("co", []):
                mine.append((c, state, unit in state.get("signed", []), unit == state.get("lead")))
    rows = [(c, state, signed, lead, countdown(d, c, at)) for c, state, signed, lead in mine]
    groups = {
        "overdue": [r for r in rows if r[4].overdue],
        "today": [r for r in rows if r[4].due_today],
        "unsigned": [r for r in rows if not r[2] and not r[4].overdue and not r[4].due_today],
        "signed": [r for r in rows if r[2] and not r[4].overdue and not r[4].due_today],
    }
    name = next((u.name for u in _units(d) if u.code == unit), unit)
    return render(lang, "unit.html", me=me, unit=unit, unit_name=name, groups=groups)


def unit_submit(deployment: Deployment, principal: Principal, form: dict[str, Any],
                ip: str) -> str:
    d, me = deployment, principal
    op = str(form.get("op", ""))
    case_id = _int(form.get("case"), "case")
    case = _case(d, me, case_id, HANDLE)
    unit = own_unit(me, case, {"sign": "签收 sign for it", "return": "退单 return it",
                               "reply": "答复 reply", "extend": "申请延期 ask for time"}.get(
                                   op, op))
    acts_for_unit(me, unit, op)
    with d.transaction() as s:
        if op == "sign":
            dispatch.sign_off(d, case_id, unit, actor=me.actor, session=s)
            detail: dict[str, Any] = {"unit": unit}
        elif op == "return":
            dispatch.return_order(d, case_id, unit, str(form.get("reason") or ""),
                                  str(form.get("basis") or ""), actor=me.actor, session=s)
            detail = {"unit": unit, "reason": form.get("reason")}
        elif op == "reply":
            if not me.can("cases.transition", d.areas.tree.path(case.area_code)):
                raise PermissionDenied("you may not move cases here", rule="cases.transition")
            dispatch.reply(d, case_id, unit, str(form.get("text") or ""), actor=me.actor,
                           resolved=str(form.get("resolved", "1")) == "1", session=s)
            detail = {"unit": unit}
        elif op == "extend":
            raw = str(form.get("workdays") or "")
            try:
                workdays = int(raw)
            except ValueError:
                raise ValidationError(f"{raw!r} is not a number of working days",
                                      field="workdays", rule="integer") from None
            deadlines.request_extension(d, case_id, workdays, actor=me.actor,
                                        reason=str(form.get("reason") or "").strip(), session=s)
            detail = {"unit": unit, "workdays": workdays}
        else:
            raise ValidationError(f"unknown operation {op!r}", field="op", rule="one_of")
        d.audit.write(s, actor=me.actor, action=f"smart.unit.{op}", record=f"case:{case_id}",
                      ip=ip, detail=detail)
    return "/smart/unit"


# -- the callback team -------------------------------------------------------------------------
def callbacks_page(deployment: Deployment, principal: Principal, lang: str) -> str:
    d, me = deployment, principal
    at = now()
    due = callbacks.due(d, at=at, scope=me.scope(CALLBACK))
    rows = []
    for case_id, due_at, late in due[:300]:
        case = d.cases.get(case_id)
        rows.append((case, calendar(d).local(due_at), late, _caller(d, case),
                     _last_reply(d, case)))
    return render(lang, "callbacks.html", me=me, rows=rows)


def _last_reply(d: Deployment, case: Case) -> str:
    texts = [e.data.get("text", "") for e in d.cases.timeline(int(case.id or 0)) if e.kind == "smart.reply"]
    return texts[-1] if texts else ""


def callbacks_submit(deployment: Deployment, principal: Principal, form: dict[str, Any],
                     ip: str) -> str:
    d, me = deployment, principal
    case_id = _int(form.get("case"), "case")
    case = _case(d, me, case_id, CALLBACK)
    reached = str(form.get("reached", "1")) == "1"
    satisfaction = str(form.get("satisfaction") or "") or None
    resolved_raw = str(form.get("resolved") or "")
    resolved = None if not reached or not resolved_raw else resolved_raw == "1"
    reason = str(form.get("reason") or "").strip() or None
    reopen = satisfaction == "dissatisfied" and str(form.get("reopen", "")) == "1"
    if reopen and not me.can("cases.transition", d.areas.tree.path(case.area_code)):
        raise PermissionDenied("reopening needs cases.transition here", rule="cases.transition")
    with d.transaction() as s:
        callbacks.record(d, case_id, actor=me.actor, reached=reached,
                         satisfaction=satisfaction if reached else None, resolved=resolved,
                         reason=reason, reopen=reopen, session=s)
        d.audit.write(s, actor=me.actor, action="smart.callback", record=f"case:{case_id}",
                      reason=reason, ip=ip, detail={"reached": reached,
                                                    "satisfaction": satisfaction,
                                                    "reopen": reopen})
    return "/smart/callbacks"


# -- one order at a glance ---------------------------------------------------------------------
def order_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
               lang: str) -> str:
    d, me = deployment, principal
    case_id = _int(query.get("id"), "id")
    case = _case(d, me, case_id)
    at = now()
    state = case.data.get("smart_dispatch") or {}
    path = d.areas.tree.path(case.area_code)
    is_unit_only = not me.can(DISPATCH, path) and me.can(HANDLE, path)
    caller = None if (is_unit_only and case.data.get("caller_confidential")) else _caller(d, case)
    d.audit.read(actor=me.actor, action="case.read", record=f"case:{case_id}")
    names = {u.code: u.name for u in _units(d)}
    return render(lang, "order.html", me=me, case=case, caller=caller,
                  confidential=bool(case.data.get("caller_confidential")),
                  state=state, names=names, cd=countdown(d, case, at),
                  timeline=[(e, d.privacy.event_data(e.data, False))
                            for e in d.cases.timeline(case_id)],
                  area=d.areas.tree.get(case.area_code),
                  category=d.categories.get(case.category),
                  may_dispatch=me.can(DISPATCH, path), unit=_unit_code(me),
                  units=_units(d), notifications=d.notifications.for_case(case_id), who=_who(d))


def pages() -> list[Page]:
    return [
        Page("desk", ("热线派单台", "Hotline desk"), desk_page, permission=DISPATCH,
             submit=desk_submit),
        Page("unit", ("承办工作台", "Unit desk"), unit_page, permission=HANDLE, submit=unit_submit),
        Page("callbacks", ("回访台", "Callback desk"), callbacks_page, permission=CALLBACK,
             submit=callbacks_submit),
        Page("order", ("工单详情", "Order"), order_page, permission=READ, submit=desk_submit,
             nav=False),
    ]


__all__ = ["handler", "pages"]
