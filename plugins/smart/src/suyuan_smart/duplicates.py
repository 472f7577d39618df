"""Duplicate appeals (重复诉求): a new appeal that repeats an open one — same caller, similar text
(rapidfuzz), the same or a neighbouring place, the same category, within a window — is proposed
for merge. Merging goes through the core's ``deployment.merges`` (both histories kept, one case
in the figures); unmerge undoes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from suyuan_core import OPEN_STATUSES, Case, Deployment, NotFound, ValidationError, tables
from suyuan_core.sql import within
from suyuan_core.tables import under
from suyuan_core.times import now, to_db
from suyuan_smart.common import Scope, caller_phone, settings
from suyuan_smart.models import duplicates

WEIGHTS = {"caller": 0.35, "text": 0.35, "place": 0.15, "category": 0.15}


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
    from suyuan_core import row_to_case

    out = []
    for row in session.execute(query.limit(2000)):
        old = row_to_case(row)
        score, reasons = similarity(d, case, old)
        if score >= s_.duplicate_threshold:
            out.append((old, score, reasons))
    return sorted(out, key=lambda x: -x[1])


def propose_for(d: Deployment, case: Case, session: Session) -> list[int]:
    """Write merge proposals for a new case; returns the candidate ids proposed."""
    found = []
    for old, score, reasons in candidates(d, case, session)[:3]:
        exists = session.execute(select(duplicates.c.id).where(
            duplicates.c.case_id == case.id, duplicates.c.candidate_id == old.id)).first()
        if exists is None:
            session.execute(duplicates.insert().values(
                case_id=case.id, candidate_id=old.id, score=score, reasons=reasons,
                status="proposed", proposed_at=to_db(now())))
        assert old.id is not None
        found.append(old.id)
    return found


def scan(d: Deployment, since: dt.datetime | None = None) -> int:
    """Propose merges for every open case reported since ``since`` (default: the window)."""
    since = since or now() - dt.timedelta(days=settings(d).duplicate_window_days)
    c = tables.cases.c
    from suyuan_core import row_to_case

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
                raise ValidationError(f"proposal {proposal_id} is already {p.status}",
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
            raise ValidationError(f"proposal {proposal_id} is already {p.status}",
                                  field="proposal", rule="proposed")
        s.execute(duplicates.update().where(duplicates.c.id == proposal_id).values(
            status="rejected", decided_by=actor, decided_at=to_db(now())))


