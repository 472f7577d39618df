"""农村留守儿童委托监护责任确认书: the child, the entrusted guardian, the parents, the term,
reviews due and renewals.

Children's data follow the under-14 rules: a child under 14 needs the parents' (legal
guardians') consent recorded before anything is written (PIPL Art 31, 未成年人保护法 Art 72);
the child's identifying details are encrypted, masked by default and never reach a case or an
export (未成年人保护法 Art 103) — an agreement is not a case, and the lists show counts and masked
rows only.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import sqlalchemy as sa

from suyuan_core import Deployment, NotFound, Period, ValidationError
from suyuan_virtue import models as m
from suyuan_virtue.protection import Access, Guard, audit_refusals
from suyuan_virtue.registers import check_id_number
from suyuan_virtue.sensitive import need_text, sealed, shown
from suyuan_virtue.settings import Settings
from suyuan_virtue.times import add_months, need_date, strs, today

REGISTER = "guardianship"
RELATIONS = {"grandparent": "祖父母/外祖父母", "relative": "其他亲属", "friend": "亲友",
             "other": "其他"}
CONSENT_BY = {"both_parents": "父母双方", "father": "父亲", "mother": "母亲",
              "legal_guardian": "法定监护人"}
INTAKES = {"village": "村(社区)排查", "youth_12355": "12355青少年服务台",
           "women_federation": "网上妇联", "guarding_childhood": "守护童年项目"}
FINDINGS = ("fulfilled", "concerns", "guardian_changed")


@attrs.frozen
class AgreementInput:
    area_code: str
    child_name: str
    child_birth_date: dt.date | str
    guardian_name: str
    guardian_relation: str
    parents: tuple[str, ...] = attrs.field(converter=strs)
    signed_on: dt.date | str
    term_start: dt.date | str
    term_end: dt.date | str
    child_id_number: str | None = None
    guardian_phone: str | None = None
    consent_on: dt.date | str | None = None
    consent_by: str | None = None
    intake: str = "village"
    renews: int | None = None


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class Guardianships:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.guard = Guard(deployment)

    @property
    def settings(self) -> Settings:
        return self.d.settings("virtue")  # type: ignore[no-any-return]

    def row_of(self, item: AgreementInput, path: str, actor: str) -> dict[str, Any]:
        """The validated row for ``item`` (shared by :meth:`add` and the demo's bulk write)."""
        birth = need_date(item.child_birth_date, "child_birth_date")
        signed = need_date(item.signed_on, "signed_on")
        start = need_date(item.term_start, "term_start")
        end = need_date(item.term_end, "term_end")
        if end <= start:
            raise ValidationError("the term must end after it starts", field="term_end",
                                  rule="after_start")
        if birth > signed:
            raise ValidationError("born after the agreement was signed", field="child_birth_date",
                                  rule="range")
        if age_on(birth, signed) >= 18:
            raise ValidationError("the child is 18 or older: no guardianship agreement",
                                  field="child_birth_date", rule="minor")
        if item.guardian_relation not in RELATIONS:
            raise ValidationError(f"{item.guardian_relation!r} is not a relation",
                                  field="guardian_relation", rule="one_of",
                                  hint="use " + ", ".join(RELATIONS))
        if item.intake not in INTAKES:
            raise ValidationError(f"{item.intake!r} is not an intake", field="intake",
                                  rule="one_of", hint="use " + ", ".join(INTAKES))
        under_14 = age_on(birth, signed) < 14
        consent_on = need_date(item.consent_on, "consent_on") if item.consent_on else None
        if under_14 and (consent_on is None or item.consent_by is None):
            raise ValidationError("the child is under 14: record the parents' consent first "
                                  "(PIPL Art 31)", field="consent_on", rule="guardian_consent",
                                  hint="give consent_on (YYYY-MM-DD) and consent_by "
                                       "(" + ", ".join(CONSENT_BY) + ")")
        if item.consent_by is not None and item.consent_by not in CONSENT_BY:
            raise ValidationError(f"{item.consent_by!r} is not who may consent",
                                  field="consent_by", rule="one_of",
                                  hint="use " + ", ".join(CONSENT_BY))
        if consent_on is not None and consent_on > signed:
            raise ValidationError("consent must come before the agreement is signed",
                                  field="consent_on", rule="before_signing")
        parents = [need_text(p, "parents", 50) for p in item.parents]
        if not parents:
            raise ValidationError("name at least one parent", field="parents", rule="required")
        if item.guardian_phone is not None and not (item.guardian_phone.isdigit()
                                                    and 5 <= len(item.guardian_phone) <= 15):
            raise ValidationError("a phone number is 5-15 digits", field="guardian_phone",
                                  rule="phone")
        values = {"child_name": need_text(item.child_name, "child_name", 50),
                  "child_id_number": (check_id_number(item.child_id_number, "child_id_number")
                                      if item.child_id_number else None),
                  "child_birth_date": birth.isoformat(),
                  "guardian_name": need_text(item.guardian_name, "guardian_name", 50),
                  "guardian_phone": item.guardian_phone,
                  "parents": json.dumps(parents, ensure_ascii=False)}
        review = min(add_months(start, self.settings.guardianship_review_months), end)
        return {"area_code": item.area_code, "area_path": path, "under_14": under_14,
                "guardian_relation": item.guardian_relation, "consent_on": consent_on,
                "consent_by": item.consent_by, "signed_on": signed, "term_start": start,
                "term_end": end, "next_review": review, "renews": item.renews,
                "status": "active", "intake": item.intake, "created_by": actor,
                **sealed(self.d, values)}

    @audit_refusals
    def add(self, access: Access, item: AgreementInput) -> int:
        path = self.guard.require_write(access, REGISTER, item.area_code)
        row = self.row_of(item, path, access.principal.actor)
        g = m.guardianships.c
        with self.d.transaction() as s:
            self.guard.require_pia(s, REGISTER, today(self.d))
            if item.renews is not None:
                old = s.execute(sa.select(m.guardianships).where(g.id == item.renews)).first()
                if old is None or old.area_path != path:
                    raise NotFound(f"no agreement {item.renews} in this area", field="renews",
                                   rule="exists")
                s.execute(m.guardianships.update().where(g.id == item.renews)
                          .values(status="renewed"))
            new_id = int(s.execute(m.guardianships.insert().returning(g.id), row).scalar_one())
            self.guard.audit(s, access, "write", REGISTER, new_id,
                             {"what": "renewed" if item.renews else "signed"})
        return new_id

    @audit_refusals
    def review(self, access: Access, agreement_id: int, on: dt.date | str, finding: str,
               note: str | None = None) -> dt.date:
        """Record a review; returns the next review date."""
        if finding not in FINDINGS:
            raise ValidationError(f"{finding!r} is not a finding", field="finding", rule="one_of",
                                  hint="use " + ", ".join(FINDINGS))
        day = need_date(on, "on")
        g = m.guardianships.c
        with self.d.transaction() as s:
            row = s.execute(sa.select(m.guardianships).where(g.id == agreement_id)).first()
            if row is None:
                raise NotFound(f"no agreement {agreement_id}", field="id", rule="exists")
            self.guard.require_read(access, REGISTER, agreement_id, row.area_path, False)
            self.guard.require_write(access, REGISTER, row.area_code)
            nxt = min(add_months(day, self.settings.guardianship_review_months), row.term_end)
            s.execute(m.guardianship_reviews.insert(), {
                "agreement_id": agreement_id, "reviewed_on": day, "finding": finding,
                "by": access.principal.actor, **sealed(self.d, {"note": note})})
            s.execute(m.guardianships.update().where(g.id == agreement_id)
                      .values(next_review=nxt))
            self.guard.audit(s, access, "write", REGISTER, agreement_id, {"what": "review"})
        return nxt  # type: ignore[no-any-return]

    @audit_refusals
    def get(self, access: Access, agreement_id: int, *, unmask: bool = False) -> dict[str, Any]:
        g = m.guardianships.c
        with self.d.transaction() as s:
            row = s.execute(sa.select(m.guardianships).where(g.id == agreement_id)).first()
            if row is None:
                raise NotFound(f"no agreement {agreement_id}", field="id", rule="exists")
            self.guard.require_read(access, REGISTER, agreement_id, row.area_path, False)
            reason = (self.guard.check_unmask(access, REGISTER, agreement_id, row.area_path)
                      if unmask else None)
            out = self._view(row, unmask)
            rv = m.guardianship_reviews.c
            out["reviews"] = [{"reviewed_on": x.reviewed_on.isoformat(), "finding": x.finding,
                               "by": x.by, "note": shown(self.d, m.guardianship_reviews.name, x,
                                                         unmask)["note"]}
                              for x in s.execute(sa.select(m.guardianship_reviews)
                                                 .where(rv.agreement_id == agreement_id)
                                                 .order_by(rv.reviewed_on, rv.id)).all()]
            out["renewed_by"] = s.scalar(sa.select(g.id).where(g.renews == agreement_id))
            if reason is not None:
                self.guard.unmasked(s, access, REGISTER, agreement_id, row.area_path, reason)
            else:
                self.guard.audit(s, access, "read", REGISTER, agreement_id)
        return out

    @audit_refusals
    def list(self, access: Access, *, area: str | None = None, due_by: dt.date | None = None,
             limit: int = 200) -> list[dict[str, Any]]:
        scope = self.guard.scope(access.principal, REGISTER)
        if area is not None:
            path = self.guard.area_path(area, "area")
            scope = [path] if any(path.startswith(p) for p in scope) else []
        if not scope:
            return []
        g = m.guardianships.c
        query = (sa.select(m.guardianships).where(sa.or_(*[g.area_path.startswith(p)
                                                           for p in scope]))
                 .order_by(sa.case((g.status == "active", 0), else_=1), g.next_review, g.id)
                 .limit(max(1, min(limit, 1000))))
        if due_by is not None:
            query = query.where(g.next_review <= due_by, g.status == "active")
        with self.d.transaction() as s:
            rows = s.execute(query).all()
            out = [self._view(r, False) for r in rows]
            self.guard.audit(s, access, "list", REGISTER, None,
                             {"ids": [r["id"] for r in out], "count": len(out)})
        return out

    def _view(self, row: Any, reveal: bool) -> dict[str, Any]:
        fields = shown(self.d, m.guardianships.name, row, reveal)
        parents = fields.get("parents")
        if reveal and isinstance(parents, str):
            fields["parents"] = json.loads(parents)
        return {"id": row.id, "area_code": row.area_code, "under_14": row.under_14,
                "guardian_relation": row.guardian_relation, "consent_on":
                row.consent_on.isoformat() if row.consent_on else None,
                "consent_by": row.consent_by, "signed_on": row.signed_on.isoformat(),
                "term_start": row.term_start.isoformat(), "term_end": row.term_end.isoformat(),
                "next_review": row.next_review.isoformat(), "status": row.status,
                "intake": row.intake, "renews": row.renews, "masked": not reveal, **fields}

    # -- figures ---------------------------------------------------------------------------------
    def signed_count(self, area_code: str, period: Period) -> int:
        path = self.guard.area_path(area_code)
        g = m.guardianships.c
        with self.d.reading() as s:
            return int(s.scalar(sa.select(sa.func.count()).select_from(m.guardianships).where(
                g.area_path.startswith(path), g.signed_on >= period.start,
                g.signed_on < period.end)) or 0)

    def totals(self, area_code: str, on: dt.date) -> dict[str, int]:
        path = self.guard.area_path(area_code)
        g = m.guardianships.c
        with self.d.reading() as s:
            base = sa.select(sa.func.count()).select_from(m.guardianships).where(
                g.area_path.startswith(path))
            total = int(s.scalar(base) or 0)
            active = int(s.scalar(base.where(g.status == "active")) or 0)
            due = int(s.scalar(base.where(g.status == "active", g.next_review <= on)) or 0)
        return {"total": total, "active": active, "reviews_due": due}
