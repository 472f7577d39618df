"""Duplicate appeals (重复诉求, DOMAIN-RULES §3), three rules:

* the same caller about the same open issue — similar text (rapidfuzz), the same or a
  neighbouring place, the same category, within ``duplicate_window_days`` — is proposed for merge;
* 多人同诉: several callers reporting one problem at one place within a window (points within
  ``duplicate_place_metres``, or the same smallest area; ``duplicate_place_hours``; one
  category) — each later report is proposed for merging into the first, the *master order*,
  whoever called; the callers all stay on their merged cases and all get a callback
  (:mod:`suyuan_smart.callbacks`);
* a problem that comes back within ``repeat_days`` after its case was closed is linked to the
  closed case (``smart.repeat`` on it, ``smart.repeat_of`` on the new one) and counts against
  解决率 (``smart_resolution_rate``) and in ``smart_repeats``.

Merging goes through the core's ``deployment.merges`` (both histories kept, one case in the
figures); unmerge undoes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suyuan_core import (
    OPEN_STATUSES,
    Case,
    Conflict,
    Deployment,
    NotFound,
    Status,
    ValidationError,
    distance_m,
    row_to_case,
    tables,
)
from suyuan_core.sql import within
from suyuan_core.tables import under
from suyuan_core.times import from_db, now, to_db
from suyuan_smart.common import Scope, caller_phone, settings
from suyuan_smart.models import duplicates

WEIGHTS = {"caller": 0.35, "text": 0.35, "place": 0.15, "category": 0.15}
#: the score of a place-and-time duplicate (多人同诉): it is one whoever called and however
#: they put it.
PLACE_SCORE = 0.9
PLACE_REASON = "多人同诉 same problem, place and time"


def point(case: Case) -> tuple[float, float] | None:
    """The case's point (``data["location"]``, as the core keeps it), if it has one."""
    loc = case.data.get("location")
    if isinstance(loc, dict):
        lat, lon = loc.get("lat"), loc.get("long")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            return float(lat), float(lon)
    return None


def same_place(d: Deployment, new: Case, old: Case) -> str | None:
    """Why two reports are at one place, or None: their points lie within
    ``duplicate_place_metres``; or, when either has no point, they lie in the same smallest
    area."""
    a, b = point(new), point(old)
    if a is not None and b is not None:
        metres = distance_m(*a, *b)
        if metres <= settings(d).duplicate_place_metres:
            return f"相距 {metres:.0f} 米 {metres:.0f} m apart"
        return None
    return "同一区域 same area" if new.area_code == old.area_code else None


def similarity(d: Deployment, new: Case, old: Case) -> tuple[float, list[str]]:
    """Score in [0, 1] with the reasons that made it."""
    reasons = []
    score = 0.0
    phone = caller_phone(new)
    if phone and phone == caller_phone(old):
        score += WEIGHTS["caller"]
        reasons.append("同一来电人 same caller")
    text = fuzz.token_set_ratio(f"{new.title} {new.description}", f"{old.title} {old.description}")
    score += WEIGHTS["text"] * text / 100
    if text >= 60:
        reasons.append(f"内容相似 text {text:.0f}%")
    tree = d.areas.tree
    if new.area_code == old.area_code:
        score += WEIGHTS["place"]
        reasons.append("同一地点 same place")
    elif new.area_code in tree and old.area_code in tree and \
            tree.get(new.area_code).parent_code == tree.get(old.area_code).parent_code:
        score += WEIGHTS["place"] / 2
        reasons.append("相邻地点 neighbouring place")
    address_new, address_old = new.data.get("address"), old.data.get("address")
    if address_new and address_old and fuzz.ratio(address_new, address_old) >= 80:
        score = min(1.0, score + 0.05)
        reasons.append("地址相近 similar address")
    if new.category == old.category:
        score += WEIGHTS["category"]
        reasons.append("同类 same category")
    return round(min(score, 1.0), 3), reasons


def candidates(d: Deployment, case: Case, session: Session) -> list[tuple[Case, float, list[str]]]:
    """Open, unmerged cases reported within the window before ``case`` that score above the
    threshold, best first."""
    s_ = settings(d)
    c = tables.cases.c
    at = case.reported_at or now()
    since = to_db(at - dt.timedelta(days=s_.duplicate_window_days))
    town = d.areas.tree.ancestors(case.area_code)[-2:][0] if case.area_code in d.areas.tree else None
    query = select(tables.cases).where(
        c.id != case.id, c.merged_into.is_(None), c.reported_at >= since,
        c.reported_at <= to_db(at), c.status.in_([x.value for x in OPEN_STATUSES]))
    if town:
        query = query.where(under(c.area_path, d.areas.tree.path(town)))
    out = []
    for row in session.execute(query.limit(2000)):
        old = row_to_case(row)
        score, reasons = similarity(d, case, old)
        if score >= s_.duplicate_threshold:
            out.append((old, score, reasons))
    return sorted(out, key=lambda x: -x[1])


def place_master(d: Deployment, case: Case, session: Session) -> tuple[Case, list[str]] | None:
    """The master order a new report joins (多人同诉): the first open, unmerged case of the
    same category at the same place reported within ``duplicate_place_hours`` before it —
    or the master that one is already proposed for or merged into. None when there is none."""
    s_ = settings(d)
    if s_.duplicate_place_metres <= 0:
        return None
    c = tables.cases.c
    at = case.reported_at or now()
    since = to_db(at - dt.timedelta(hours=s_.duplicate_place_hours))
    query = (select(tables.cases).where(
        c.id != case.id, c.merged_into.is_(None), c.category == case.category,
        c.reported_at >= since, c.reported_at <= to_db(at),
        c.status.in_([x.value for x in OPEN_STATUSES]))
        .order_by(c.reported_at, c.id).limit(2000))
    for row in session.execute(query):
        old = row_to_case(row)
        why = same_place(d, case, old)
        if why is None:
            continue
        assert old.id is not None
        for target, reasons in session.execute(
                select(duplicates.c.candidate_id, duplicates.c.reasons).where(
                    duplicates.c.case_id == old.id, duplicates.c.status == "proposed")
                .order_by(duplicates.c.id)):
            if PLACE_REASON in (reasons or ()) and target != case.id:
                master = d.cases.get(target, session)
                if master.merged_into is None and master.status in OPEN_STATUSES:
                    return master, [PLACE_REASON, why]
        return old, [PLACE_REASON, why]
    return None


def repeat_of(d: Deployment, case: Case, session: Session) -> tuple[Case, list[str]] | None:
    """The closed case a new report repeats (重复诉求): closed ``repeat_days`` or fewer before
    it, unmerged, the same category, at the same place or from the same caller — the latest
    closed first. None when there is none."""
    days = settings(d).repeat_days
    if days <= 0:
        return None
    c = tables.cases.c
    at = case.reported_at or now()
    query = (select(tables.cases).where(
        c.id != case.id, c.merged_into.is_(None), c.category == case.category,
        c.status == Status.closed.value, c.closed_at >= to_db(at - dt.timedelta(days=days)),
        c.closed_at <= to_db(at)).order_by(c.closed_at.desc(), c.id.desc()).limit(2000))
    phone = caller_phone(case)
    for row in session.execute(query):
        old = row_to_case(row)
        why = same_place(d, case, old)
        if why is None and phone and phone == caller_phone(old):
            why = "同一来电人 same caller"
        if why is not None:
            return old, ["复发 came back after closure", why]
    return None


def _propose(session: Session, case_id: int, candidate_id: int, score: float,
             reasons: list[str]) -> int | None:
    """Write one proposal unless it exists; its id when written."""
    exists = session.execute(select(duplicates.c.id).where(
        duplicates.c.case_id == case_id, duplicates.c.candidate_id == candidate_id)).first()
    if exists is not None:
        return None
    return int(session.execute(duplicates.insert().values(
        case_id=case_id, candidate_id=candidate_id, score=score, reasons=reasons,
        status="proposed", proposed_at=to_db(now())).returning(duplicates.c.id)).scalar_one())


def propose_for(d: Deployment, case: Case, session: Session) -> list[int]:
    """What a new report repeats: its master order (多人同诉, proposed — or merged at once with
    ``duplicate_auto_merge``), else up to three open cases it resembles (proposed); and the
    closed case it brings back (linked as a repeat). Returns the candidate ids proposed."""
    assert case.id is not None
    found: list[int] = []
    master = place_master(d, case, session)
    if master is not None:
        old, reasons = master
        assert old.id is not None
        score, why = similarity(d, case, old)
        pid = _propose(session, case.id, old.id, max(score, PLACE_SCORE), reasons + why)
        found.append(old.id)
        if pid is not None and settings(d).duplicate_auto_merge:
            merge(d, case.id, old.id, actor="smart", reason="多人同诉 merged: " + reasons[1],
                  proposal_id=pid, session=session)
    else:
        for old, score, reasons in candidates(d, case, session)[:3]:
            assert old.id is not None
            _propose(session, case.id, old.id, score, reasons)
            found.append(old.id)
    repeat = repeat_of(d, case, session) if "smart_repeat_of" not in case.data else None
    if repeat is not None:
        link_repeat(d, case, repeat[0], repeat[1], session)
    return found


def link_repeat(d: Deployment, case: Case, closed: Case, reasons: list[str],
                session: Session) -> None:
    """Link a new report to the closed case it repeats: ``smart.repeat`` on the closed case
    (it counts against 解决率 and in ``smart_repeats``) and ``smart.repeat_of`` on the new one."""
    assert case.id is not None and closed.id is not None and closed.closed_at is not None
    at = case.reported_at or now()
    days = round((at - closed.closed_at).total_seconds() / 86400, 1)
    d.cases.record(closed.id, "smart.repeat", actor="smart", session=session,
                   data={"case": case.id, "days": days, "reasons": reasons,
                         "case_data": {"smart_repeated_by": case.id}},
                   occurred_at=_not_before_last(session, closed.id, at))
    d.cases.record(case.id, "smart.repeat_of", actor="smart", session=session,
                   data={"of": closed.id, "days": days, "reasons": reasons,
                         "case_data": {"smart_repeat_of": closed.id}},
                   occurred_at=_not_before_last(session, case.id, at))


def _not_before_last(session: Session, case_id: int, at: dt.datetime) -> dt.datetime:
    """``at`` (when the problem came back), but never before the case's last event: a
    timeline only moves forward."""
    e = tables.case_events.c
    last = session.scalar(select(func.max(e.occurred_at)).where(e.case_id == case_id))
    return max(at, from_db(last)) if last is not None else at


def scan(d: Deployment, since: dt.datetime | None = None) -> int:
    """Propose merges for every open case reported since ``since`` (default: the window)."""
    since = since or now() - dt.timedelta(days=settings(d).duplicate_window_days)
    c = tables.cases.c
    n = 0
    with d.transaction() as s:
        rows = s.execute(select(tables.cases).where(
            c.reported_at >= to_db(since), c.merged_into.is_(None),
            c.status.in_([x.value for x in OPEN_STATUSES])).order_by(c.reported_at)).all()
        for row in rows:
            n += len(propose_for(d, row_to_case(row), s))
    return n


STATUSES = ("proposed", "merged", "unmerged", "rejected")


def proposals(d: Deployment, status: str | None = "proposed", *,
              scope: Scope = None) -> list[dict[str, Any]]:
    """Proposals with both cases' areas; with ``scope``, only those whose two cases both lie in
    the caller's areas."""
    if status is not None and status not in STATUSES:
        raise ValidationError(f"{status!r} is not a proposal status", field="status",
                              rule="one_of", hint="use " + ", ".join(STATUSES))
    new, old = tables.cases.alias("new"), tables.cases.alias("old")
    q = (select(duplicates, new.c.area_code.label("case_area"),
                old.c.area_code.label("candidate_area"))
         .join(new, new.c.id == duplicates.c.case_id)
         .join(old, old.c.id == duplicates.c.candidate_id)
         .where(within(new.c.area_path, scope), within(old.c.area_path, scope))
         .order_by(duplicates.c.id))
    if status:
        q = q.where(duplicates.c.status == status)
    with d.reading() as s:
        return [dict(r._mapping) for r in s.execute(q)]


def proposal(d: Deployment, proposal_id: int) -> dict[str, Any]:
    with d.reading() as s:
        return dict(_proposal(s, proposal_id)._mapping)


def _proposal(s: Session, proposal_id: int) -> Any:
    row = s.execute(select(duplicates).where(duplicates.c.id == proposal_id)).first()
    if row is None:
        raise NotFound(f"no duplicate proposal {proposal_id}", field="proposal", rule="exists")
    return row


def merge(d: Deployment, case_id: int, into: int, *, actor: str, reason: str | None = None,
          proposal_id: int | None = None, session: Session | None = None) -> Case:
    """Merge ``case_id`` into ``into`` (accepting the proposal if one is given)."""
    with d.transaction(session) as s:
        if proposal_id is not None:
            p = _proposal(s, proposal_id)
            if p.status != "proposed":
                raise Conflict(f"proposal {proposal_id} is already {p.status}",
                               field="proposal", rule="proposed")
            case_id, into = p.case_id, p.candidate_id
            s.execute(duplicates.update().where(duplicates.c.id == proposal_id).values(
                status="merged", decided_by=actor, decided_at=to_db(now())))
        return d.merges.merge(case_id, into, actor=actor, reason=reason or "重复诉求 duplicate",
                              data={"by": "smart", "proposal": proposal_id}, session=s)


def unmerge(d: Deployment, case_id: int, *, actor: str, reason: str, session: Session | None = None) -> Case:
    if not reason:
        raise ValidationError("say why the merge is undone", field="reason", rule="required")
    with d.transaction(session) as s:
        s.execute(duplicates.update().where(duplicates.c.case_id == case_id,
                                            duplicates.c.status == "merged")
                  .values(status="unmerged", decided_by=actor, decided_at=to_db(now())))
        return d.merges.unmerge(case_id, actor=actor, reason=reason, session=s)


def reject(d: Deployment, proposal_id: int, *, actor: str, session: Session | None = None) -> None:
    with d.transaction(session) as s:
        p = _proposal(s, proposal_id)
        if p.status != "proposed":
            raise Conflict(f"proposal {proposal_id} is already {p.status}",
                           field="proposal", rule="proposed")
        s.execute(duplicates.update().where(duplicates.c.id == proposal_id).values(
            status="rejected", decided_by=actor, decided_at=to_db(now())))


