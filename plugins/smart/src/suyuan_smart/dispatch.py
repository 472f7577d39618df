"""Dispatch (派单): proposals from the units' responsibilities, a lead unit with co-handling units
(主办/协办), signing for the order (签收) within the configured time, returns of wrongly
dispatched orders (退单) under DOMAIN-RULES §3, redispatch, urging and supervision orders
(催办/督办) — every one a case event — and the units' assessment ranking (考核排名).

The current dispatch lives in ``case.data["smart_dispatch"]`` (kept by the events' ``case_data``),
so it is part of the case's projection and replays with it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import attrs
from sqlalchemy import select
from sqlalchemy.orm import Session

from suyuan_core import (
    FINAL_STATUSES,
    Case,
    Conflict,
    Deployment,
    Period,
    RouteProposal,
    Status,
    ValidationError,
    tables,
)
from suyuan_core.sql import within
from suyuan_core.times import iso, now, parse_datetime
from suyuan_smart.common import Scope, calendar, handler, settings, unit_of

RATED = ("satisfied", "basically_satisfied", "dissatisfied")


def propose(d: Deployment, case: Case) -> list[RouteProposal]:
    """``suyuan_case_route``: units answering for the case's category and area, scored."""
    tree = d.areas.tree
    if case.area_code not in tree:
        return []
    ancestors = tree.ancestors(case.area_code)
    out = []
    for unit in settings(d).units:
        cat = case.category in unit.categories
        area = next((a for a in unit.areas if a in ancestors), None)
        if not cat and area is None:
            continue
        if unit.categories and not cat:
            continue
        score = 0.5 if cat else 0.2
        reasons = []
        if cat:
            reasons.append(f"主管 {case.category}")
        if area is not None:
            score += 0.45 / (1 + ancestors.index(area))
            reasons.append(f"属地 {tree.get(area).name_zh}")
        out.append(RouteProposal("organisation", unit.code, round(min(score, 1.0), 3),
                                 f"{unit.name}: " + "，".join(reasons)))
    return out


def _state(case: Case) -> dict[str, Any]:
    return dict(case.data.get("smart_dispatch") or {})


def dispatch(d: Deployment, case_id: int, lead: str, co: tuple[str, ...] = (), *, actor: str,
             note: str | None = None, at: dt.datetime | None = None, session: Session | None = None,
             final: bool = False) -> Case:
    """派单 (or 重新派单 after a return): accept the case if it is new, then assign it to the
    lead unit and the co-handling units, with the time by which each must sign."""
    at = at or now()
    s_ = settings(d)
    unit_of(d, lead)
    for u in co:
        unit_of(d, u)
    if lead in co:
        raise ValidationError(f"{lead} cannot be both lead and co-handling unit", field="co",
                              rule="distinct")
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        if case.merged_into is not None:
            raise ValidationError(f"case {case_id} is merged into {case.merged_into}",
                                  field="case_id", rule="not_merged",
                                  hint="dispatch the case it was merged into")
        if case.status is Status.reported:
            case = d.cases.act(case_id, "accept", actor=actor, occurred_at=at, session=s)
        prior = _state(case)
        returns = int(prior.get("returns", 0))
        sign_due = calendar(d).add_work_minutes(at, s_.sign_off_workhours * 60).at
        state = {"lead": lead, "co": list(co), "at": iso(at), "sign_due": iso(sign_due),
                 "signed": [], "returns": returns,
                 # after max_returns, or when the centre rules (终审), the ruling is final: no
                 # more returns (no ping-pong)
                 "final": final or returns >= s_.max_returns}
        return d.cases.act(case_id, "assign", actor=actor, occurred_at=at, session=s, data={
            "assignees": [handler(lead), *(handler(u) for u in co)],
            "smart": {"lead": lead, "co": list(co), "redispatch": bool(prior),
                      "sign_due": iso(sign_due), "final": state["final"], "note": note},
            "case_data": {"smart_dispatch": state}})


def _dispatched(case: Case, unit: str) -> dict[str, Any]:
    state = _state(case)
    if not state or (unit != state.get("lead") and unit not in state.get("co", [])):
        raise ValidationError(f"case {case.id} is not dispatched to {unit}", field="unit",
                              rule="dispatched_to")
    return state


def sign_off(d: Deployment, case_id: int, unit: str, *, actor: str,
             at: dt.datetime | None = None, session: Session | None = None) -> Case:
    """签收: the unit takes the order; late when after ``sign_due``."""
    at = at or now()
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        state = _dispatched(case, unit)
        if unit in state["signed"]:
            raise ValidationError(f"{unit} has already signed for case {case_id}", field="unit",
                                  rule="once")
        due = parse_datetime(state["sign_due"]) if state["sign_due"] else None
        late = due is not None and at > due
        state["signed"] = [*state["signed"], unit]
        role = "lead" if unit == state["lead"] else "co"
        return d.cases.record(case_id, "smart.sign_off", actor=actor, occurred_at=at, session=s,
                              data={"unit": unit, "role": role, "late": late,
                                    "due": state["sign_due"],
                                    "case_data": {"smart_dispatch": state}})


def return_order(d: Deployment, case_id: int, unit: str, reason_code: str, basis: str, *,
                 actor: str, at: dt.datetime | None = None, session: Session | None = None) -> Case:
    """退单 under DOMAIN-RULES §3: only the lead unit, only for a listed reason (not its duty,
    wrong locality) with the basis cited, before signing (首接负责), within the return window,
    and not once the centre's ruling is final."""
    at = at or now()
    s_ = settings(d)
    if reason_code not in s_.return_reasons:
        raise ValidationError(f"{reason_code!r} is not a return reason", field="reason",
                              rule="one_of", hint="use " + ", ".join(s_.return_reasons))
    if not basis.strip():
        raise ValidationError("a return must cite its basis (职责依据)", field="basis",
                              rule="required")
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        state = _dispatched(case, unit)
        if unit != state["lead"]:
            raise ValidationError("only the lead unit may return an order", field="unit",
                                  rule="lead_only")
        if unit in state["signed"]:
            raise ValidationError(f"{unit} signed for the order: first contact owns it (首接负责)",
                                  field="unit", rule="not_signed")
        if state.get("final"):
            raise ValidationError(f"the centre ruled case {case_id} belongs to {unit} after "
                                  f"{state['returns']} returns (终审)", field="case_id",
                                  rule="max_returns")
        since = parse_datetime(state["at"])
        assert since is not None
        if calendar(d).work_minutes_between(since, at) > s_.return_window_workhours * 60:
            raise ValidationError(f"the return window ({s_.return_window_workhours:g} working "
                                  "hours from dispatch) has passed", field="occurred_at",
                                  rule="return_window")
        state = {**state, "returns": int(state.get("returns", 0)) + 1, "returned_by": unit}
        return d.cases.record(case_id, "smart.return", actor=actor, occurred_at=at, session=s,
                              data={"unit": unit, "reason_code": reason_code, "basis": basis,
                                    "case_data": {"smart_dispatch": state}})


def reply(d: Deployment, case_id: int, unit: str, text: str, *, actor: str,
          resolved: bool = True, at: dt.datetime | None = None,
          session: Session | None = None) -> Case:
    """答复: the lead unit, having signed for the order, replies with what it did; the case is
    then resolved (办结 follows when the centre closes it after the callback) — or, with
    ``resolved=False``, recorded as not resolved (the unit could not settle it)."""
    at = at or now()
    if not text.strip():
        raise ValidationError("say what was done (答复内容)", field="text", rule="required")
    if len(text) > 4000:
        raise ValidationError("at most 4000 characters", field="text", rule="max_length")
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        state = _dispatched(case, unit)
        if unit != state["lead"]:
            raise ValidationError("the lead unit replies; co-handling units report to it",
                                  field="unit", rule="lead_only")
        if unit not in state["signed"]:
            raise ValidationError(f"{unit} has not signed for case {case_id}: sign for it first",
                                  field="unit", rule="signed")
        if case.status is Status.assigned:
            d.cases.act(case_id, "start", actor=actor, occurred_at=at, session=s)
        d.cases.record(case_id, "smart.reply", actor=actor, occurred_at=at, session=s,
                       data={"unit": unit, "text": text.strip(), "resolved": resolved})
        return d.cases.act(case_id, "resolve" if resolved else "fail", actor=actor,
                           occurred_at=at, session=s, reason=text.strip()[:500],
                           data={"cause": "smart.reply"})


def _order(d: Deployment, case_id: int, kind: str, unit: str | None, note: str, actor: str,
           at: dt.datetime | None, extra: dict[str, Any], session: Session | None = None) -> Case:
    if not note.strip():
        raise ValidationError("say what is urged or supervised", field="note", rule="required")
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        if case.status in FINAL_STATUSES:
            raise Conflict(f"case {case_id} is {case.status.value}", field="case_id",
                           rule="open_case")
        state = _state(case)
        target = unit or state.get("lead")
        if not target:
            raise Conflict(f"case {case_id} is not dispatched yet", field="unit",
                           rule="dispatched")
        return d.cases.record(case_id, kind, actor=actor, occurred_at=at or now(), session=s,
                              data={"unit": target, "note": note, **extra})


def urge(d: Deployment, case_id: int, note: str, *, actor: str, unit: str | None = None,
         at: dt.datetime | None = None, session: Session | None = None) -> Case:
    """催办: an urging order to the unit (the lead unit by default)."""
    return _order(d, case_id, "smart.urge", unit, note, actor, at, {}, session=session)


def supervise(d: Deployment, case_id: int, note: str, *, actor: str, unit: str | None = None,
              due_workdays: int = 3, at: dt.datetime | None = None, session: Session | None = None) -> Case:
    """督办: a supervision order with its own reply deadline."""
    due = calendar(d).add_workdays(at or now(), due_workdays).at
    return _order(d, case_id, "smart.supervise", unit, note, actor, at, {"reply_due": iso(due)},
                  session=session)


@attrs.define
class UnitFigures:
    unit: str
    name: str
    dispatched: int = 0
    signed_on_time: int = 0
    late_sign_offs: int = 0
    returns: int = 0
    urges: int = 0
    rated: int = 0
    satisfied: int = 0
    resolution_checked: int = 0
    resolved: int = 0
    score: float = 0.0
    rank: int = 0

    @staticmethod
    def rate(num: int, den: int) -> float | None:
        return None if den == 0 else round(100.0 * num / den, 2)

    @property
    def response_rate(self) -> float | None:
        return self.rate(self.signed_on_time, self.dispatched)

    @property
    def resolution_rate(self) -> float | None:
        return self.rate(self.resolved, self.resolution_checked)

    @property
    def satisfaction_rate(self) -> float | None:
        return self.rate(self.satisfied, self.rated)

    def as_dict(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "response_rate": self.response_rate,
                "resolution_rate": self.resolution_rate,
                "satisfaction_rate": self.satisfaction_rate}


def ranking(d: Deployment, period: Period, session: Session | None = None, *,
            scope: Scope = None) -> list[UnitFigures]:
    """考核排名: each unit's response, resolution and satisfaction rates over its lead orders in
    ``period`` (events replayed in order; merged duplicates left out), ranked on the weighted
    score of the three. With ``scope`` (area paths), only the orders of cases in those areas."""
    s_ = settings(d)
    names = {u.code: u.name for u in s_.units}
    figures: dict[str, UnitFigures] = {}

    def fig(unit: str) -> UnitFigures:
        if unit not in figures:
            figures[unit] = UnitFigures(unit, names.get(unit, unit))
        return figures[unit]

    e, c = tables.case_events.c, tables.cases.c
    tz = calendar(d).tz
    start = dt.datetime.combine(period.start, dt.time(), tz).astimezone(dt.UTC).replace(tzinfo=None)
    end = dt.datetime.combine(period.end, dt.time(), tz).astimezone(dt.UTC).replace(tzinfo=None)
    query = (select(e.case_id, e.kind, e.data, e.occurred_at)
             .join(tables.cases, c.id == e.case_id)
             .where(c.merged_into.is_(None), within(c.area_path, scope),
                    e.kind.in_(["assign", "smart.sign_off", "smart.return", "smart.urge",
                                "callback"]))
             .order_by(e.case_id, e.seq))
    lead_of: dict[int, str] = {}
    in_period: defaultdict[int, bool] = defaultdict(bool)

    def run(s: Session) -> None:
        for case_id, kind, data, at in s.execute(query):
            data = data or {}
            inside = start <= at < end
            if kind == "assign" and data.get("smart"):
                lead_of[case_id] = data["smart"]["lead"]
                if inside:
                    fig(lead_of[case_id]).dispatched += 1
                    in_period[case_id] = True
            elif not inside:
                continue
            elif kind == "smart.sign_off" and data.get("role") == "lead":
                f = fig(data["unit"])
                if data.get("late"):
                    f.late_sign_offs += 1
                else:
                    f.signed_on_time += 1
            elif kind == "smart.return":
                fig(data["unit"]).returns += 1
            elif kind == "smart.urge":
                fig(data["unit"]).urges += 1
            elif kind == "callback" and case_id in lead_of:
                f = fig(lead_of[case_id])
                if data.get("satisfaction") in RATED:
                    f.rated += 1
                    f.satisfied += data["satisfaction"] != "dissatisfied"
                if data.get("reached") and "resolved" in data:
                    f.resolution_checked += 1
                    f.resolved += bool(data["resolved"])

    if session is not None:
        run(session)
    else:
        with d.reading() as s:
            run(s)
    w = s_.ranking_weights
    for f in figures.values():
        parts = [(w.get("response", 0), f.response_rate), (w.get("resolution", 0), f.resolution_rate),
                 (w.get("satisfaction", 0), f.satisfaction_rate)]
        weight = sum(wt for wt, v in parts if v is not None)
        f.score = round(sum(wt * v for wt, v in parts if v is not None) / weight, 2) if weight else 0
    ordered = sorted(figures.values(), key=lambda f: (-f.score, f.returns, f.unit))
    for i, f in enumerate(ordered, start=1):
        f.rank = i
    return ordered
