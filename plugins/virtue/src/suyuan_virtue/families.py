"""推进社区家庭建设: elderly-care service standards (养老服务标准) and the checks against them, and
the review of orphan adoption and placement registrations (收养/送养登记审查) with their due dates.

Adoption reviews hold children's data: under the ``adoption`` register's rules (encrypted,
masked, PIA first, read/unmask rights, audited). The due date is ``[plugins.virtue]
adoption_review_days`` (default 30) after the day of receipt, the start day not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from suyuan_core import Deployment, NotFound, PermissionDenied, Principal, ValidationError
from suyuan_virtue import models as m
from suyuan_virtue.protection import Access, Guard, audit_refusals
from suyuan_virtue.sensitive import need_text, sealed
from suyuan_virtue.settings import Settings
from suyuan_virtue.times import need_date, today

FAMILIES = "virtue.families.manage"
ADOPTION = "adoption"
ADOPTION_KINDS = {"adoption": "收养登记", "placement": "送养登记"}
DECISIONS = {"registered": "准予登记", "refused": "不予登记"}
FIELDS = {"child": "name", "applicants": "name"}


class Families:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.guard = Guard(deployment)

    @property
    def settings(self) -> Settings:
        return self.d.settings("virtue")  # type: ignore[no-any-return]

    # -- elderly care ------------------------------------------------------------------------------
    def save_standard(self, *, code: str, title: str, items: Sequence[str]) -> int:
        if not items:
            raise ValidationError("a standard lists at least one item", field="items",
                                  rule="required")
        c = m.care_standards.c
        with self.d.transaction() as s:
            found = s.scalar(sa.select(c.id).where(c.code == code))
            values = {"code": need_text(code, "code", 64), "title": need_text(title, "title"),
                      "items": [need_text(i, "items") for i in items]}
            if found is None:
                return int(s.execute(m.care_standards.insert().returning(c.id),
                                     values).scalar_one())
            s.execute(m.care_standards.update().where(c.id == found).values(**values))
            return int(found)

    def check(self, principal: Principal, *, standard: str, area_code: str, provider: str,
              checked_on: dt.date | str, met: Sequence[str], findings: str = "") -> int:
        """A check of a care provider against a standard: which items it meets."""
        tree = self.d.areas.tree
        if area_code not in tree:
            raise ValidationError(f"no area with code {area_code!r}", field="area_code",
                                  rule="exists")
        if not principal.can(FAMILIES, tree.path(area_code)):
            raise PermissionDenied(f"you may not {FAMILIES} in area {area_code}",
                                   field="area_code", rule=FAMILIES)
        c = m.care_standards.c
        with self.d.transaction() as s:
            row = s.execute(sa.select(m.care_standards).where(c.code == standard)).first()
            if row is None:
                raise NotFound(f"no care standard {standard!r}", field="standard", rule="exists")
            unknown = sorted(set(met) - set(row.items))
            if unknown:
                raise ValidationError(f"not items of {standard}: {', '.join(unknown)}",
                                      field="met", rule="one_of")
            return int(s.execute(m.care_checks.insert().returning(m.care_checks.c.id), {
                "standard_id": row.id, "area_code": area_code,
                "provider": need_text(provider, "provider"),
                "checked_on": need_date(checked_on, "checked_on"), "met": list(met),
                "findings": findings, "checked_by": principal.actor}).scalar_one())

    def compliance(self, area_code: str) -> dict[str, Any]:
        """Items met ÷ items checked over the checks in the area (from the check records)."""
        subtree = set(self.d.areas.tree.subtree(area_code))
        with self.d.reading() as s:
            rows = s.execute(sa.select(m.care_checks.c.area_code, m.care_checks.c.met,
                                       m.care_standards.c["items"])
                             .join(m.care_standards,
                                   m.care_standards.c.id == m.care_checks.c.standard_id)).all()
        ours = [r for r in rows if r.area_code in subtree]
        met = sum(len(r.met) for r in ours)
        total = sum(len(r.items) for r in ours)
        return {"checks": len(ours), "items_met": met, "items_checked": total,
                "rate": round(100 * met / total, 2) if total else None}

    # -- adoption and placement review --------------------------------------------------------------
    @audit_refusals
    def receive(self, access: Access, *, kind: str, area_code: str, received_on: dt.date | str,
                child: str, applicants: str) -> dict[str, Any]:
        if kind not in ADOPTION_KINDS:
            raise ValidationError(f"{kind!r} is not a registration kind", field="kind",
                                  rule="one_of", hint="adoption or placement")
        path = self.guard.require_write(access, ADOPTION, area_code)
        received = need_date(received_on, "received_on")
        due = received + dt.timedelta(days=self.settings.adoption_review_days)
        columns = sealed(self.d, {"child": need_text(child, "child", 50),
                                  "applicants": need_text(applicants, "applicants", 200)})
        a = m.adoption_reviews.c
        with self.d.transaction() as s:
            self.guard.require_pia(s, ADOPTION, today(self.d))
            new_id = int(s.execute(m.adoption_reviews.insert().returning(a.id), {
                "kind": kind, "area_code": area_code, "area_path": path,
                "received_on": received, "due_on": due, "created_by": access.principal.actor,
                **columns},
            ).scalar_one())
            self.guard.audit(s, access, "write", ADOPTION, new_id, {"what": "received"})
        return {"id": new_id, "due_on": due.isoformat()}

    @audit_refusals
    def decide(self, access: Access, review_id: int, *, decision: str,
               decided_on: dt.date | str) -> dict[str, Any]:
        if decision not in DECISIONS:
            raise ValidationError(f"{decision!r} is not a decision", field="decision",
                                  rule="one_of", hint="registered or refused")
        day = need_date(decided_on, "decided_on")
        a = m.adoption_reviews.c
        with self.d.transaction() as s:
            row = s.execute(sa.select(m.adoption_reviews).where(a.id == review_id)).first()
            if row is None:
                raise NotFound(f"no adoption review {review_id}", field="id", rule="exists")
            self.guard.require_read(access, ADOPTION, review_id, row.area_path, False)
            self.guard.require_write(access, ADOPTION, row.area_code)
            if row.decided_on is not None:
                raise ValidationError("already decided", field="id", rule="open")
            if day < row.received_on:
                raise ValidationError("decided before it was received", field="decided_on",
                                      rule="range")
            s.execute(m.adoption_reviews.update().where(a.id == review_id)
                      .values(decision=decision, decided_on=day))
            self.guard.audit(s, access, "write", ADOPTION, review_id, {"what": decision})
        return {"id": review_id, "on_time": day <= row.due_on}

    def overdue(self, access: Access, on: dt.date) -> list[dict[str, Any]]:
        """Open reviews past their due date in the caller's areas (ids and dates, no names)."""
        scope = self.guard.scope(access.principal, ADOPTION)
        if not scope:
            return []
        a = m.adoption_reviews.c
        with self.d.reading() as s:
            rows = s.execute(sa.select(a.id, a.kind, a.area_code, a.received_on, a.due_on).where(
                a.decided_on.is_(None), a.due_on < on,
                sa.or_(*[a.area_path.startswith(p) for p in scope])).order_by(a.due_on)).all()
        return [{"id": r.id, "kind": r.kind, "area_code": r.area_code,
                 "received_on": r.received_on.isoformat(), "due_on": r.due_on.isoformat()}
                for r in rows]
