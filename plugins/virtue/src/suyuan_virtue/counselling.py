"""社区心理健康: referrals of residents in distress (from a case, a grid worker or a service hall)
to counsellors, psychiatric staff and social workers, with the resident's consent, sessions,
outcomes and follow-ups.

Mental health is sensitive personal information (PIPL Art 28): the resident's name, phone and
concern are encrypted and masked like the registers' fields, under the ``counselling`` register's
rules (read/unmask rights, a reason, the PIA gate, the audit trail, retention).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import sqlalchemy as sa

from suyuan_core import Deployment, NotFound, ValidationError, tables
from suyuan_virtue import models as m
from suyuan_virtue.protection import Access, Guard, audit_refusals
from suyuan_virtue.sensitive import need_text, sealed, shown
from suyuan_virtue.settings import Settings
from suyuan_virtue.times import need_date, now_db, today

REGISTER = "counselling"
SOURCES = {"case": "案件转介", "grid_worker": "网格员发现", "service_hall": "群众工作之家"}
CONSENT_BY = {"self": "本人", "guardian": "监护人"}
SESSION_KINDS = {"session": "心理咨询", "follow_up": "回访"}
OUTCOMES = {"improved": "好转", "stable": "稳定", "worse": "加重",
            "referred_psychiatric": "转介精神科", "closed": "结案"}
#: roster roles that hold counselling sessions (心理咨询师, 精神科医务人员, 社会工作者).
COUNSELLING_ROLES = ("counsellor", "psychiatric_staff", "social_worker")


def check_counsellor(s: Any, external_id: str) -> str:
    """The roster member holding the session must have a counselling role."""
    p, pr = tables.persons.c, tables.person_roles.c
    found = s.scalar(sa.select(sa.func.count()).select_from(tables.person_roles)
                     .join(tables.persons, p.id == pr.person_id)
                     .where(p.external_id == external_id, pr.role.in_(COUNSELLING_ROLES)))
    if not found:
        raise NotFound(f"no counsellor, psychiatric staff or social worker {external_id!r} on "
                       "the roster", field="counsellor", rule="roster_role",
                       hint="add them with `suyuan roster import` (role counsellor, "
                            "psychiatric_staff or social_worker)")
    return external_id


@attrs.frozen
class ReferralInput:
    area_code: str
    source: str
    name: str
    consent_on: dt.date | str
    consent_by: str = "self"
    concern: str | None = None
    phone: str | None = None
    case_id: int | None = None
    service_hall: str | None = None
    counsellor: str | None = None


class Counselling:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.guard = Guard(deployment)

    @property
    def settings(self) -> Settings:
        return self.d.settings("virtue")  # type: ignore[no-any-return]

    @audit_refusals
    def refer(self, access: Access, item: ReferralInput) -> int:
        if item.source not in SOURCES:
            raise ValidationError(f"{item.source!r} is not a referral source", field="source",
                                  rule="one_of", hint="use " + ", ".join(SOURCES))
        if item.consent_by not in CONSENT_BY:
            raise ValidationError(f"{item.consent_by!r} cannot consent", field="consent_by",
                                  rule="one_of", hint="self or guardian")
        if item.source == "case" and item.case_id is None:
            raise ValidationError("a referral from a case names the case", field="case_id",
                                  rule="required")
        consent = need_date(item.consent_on, "consent_on")
        path = self.guard.require_write(access, REGISTER, item.area_code)
        if item.case_id is not None:
            case = self.d.cases.get(item.case_id)
            if not access.principal.can("cases.read", self.d.areas.tree.path(case.area_code)):
                raise NotFound(f"no case with id {item.case_id}", field="case_id", rule="exists")
        columns = sealed(self.d, {"name": need_text(item.name, "name", 50), "phone": item.phone,
                                  "concern": item.concern})
        with self.d.transaction() as s:
            self.guard.require_pia(s, REGISTER, today(self.d))
            new_id = int(s.execute(m.referrals.insert().returning(m.referrals.c.id), {
                "area_code": item.area_code, "area_path": path, "source": item.source,
                "case_id": item.case_id, "service_hall": item.service_hall,
                "consent_on": consent, "consent_by": item.consent_by,
                "counsellor": item.counsellor, "status": "referred", "created_at": now_db(),
                "created_by": access.principal.actor, **columns},
            ).scalar_one())
            self.guard.audit(s, access, "write", REGISTER, new_id, {"what": "referred"})
        return new_id

    @audit_refusals
    def session(self, access: Access, referral_id: int, *, held_on: dt.date | str,
                counsellor: str, kind: str = "session", outcome: str | None = None,
                notes: str | None = None) -> dict[str, Any]:
        if kind not in SESSION_KINDS:
            raise ValidationError(f"{kind!r} is not a session kind", field="kind", rule="one_of",
                                  hint="session or follow_up")
        if outcome is not None and outcome not in OUTCOMES:
            raise ValidationError(f"{outcome!r} is not an outcome", field="outcome",
                                  rule="one_of", hint="use " + ", ".join(OUTCOMES))
        day = need_date(held_on, "held_on")
        f = m.referrals.c
        with self.d.transaction() as s:
            row = s.execute(sa.select(m.referrals).where(f.id == referral_id)).first()
            if row is None:
                raise NotFound(f"no referral {referral_id}", field="id", rule="exists")
            self.guard.require_read(access, REGISTER, referral_id, row.area_path, False)
            self.guard.require_write(access, REGISTER, row.area_code)
            if row.status == "closed":
                raise ValidationError("the referral is closed", field="id", rule="open")
            check_counsellor(s, need_text(counsellor, "counsellor", 64))
            if day < row.consent_on:
                raise ValidationError("no session before the resident's consent",
                                      field="held_on", rule="after_consent")
            s.execute(m.counselling_sessions.insert(), {
                "referral_id": referral_id, "kind": kind, "held_on": day,
                "counsellor": need_text(counsellor, "counsellor", 64), "outcome": outcome,
                "recorded_at": now_db(), **sealed(self.d, {"notes": notes})})
            closing = outcome == "closed"
            due = None if closing else day + dt.timedelta(
                days=self.settings.counselling_follow_up_days)
            s.execute(m.referrals.update().where(f.id == referral_id).values(
                status="closed" if closing else "in_progress", outcome=outcome or row.outcome,
                follow_up_due=due, closed_on=day if closing else None,
                counsellor=counsellor))
            self.guard.audit(s, access, "write", REGISTER, referral_id, {"what": kind})
        return {"status": "closed" if closing else "in_progress",
                "follow_up_due": due.isoformat() if due else None}

    @audit_refusals
    def get(self, access: Access, referral_id: int, *, unmask: bool = False) -> dict[str, Any]:
        f = m.referrals.c
        with self.d.transaction() as s:
            row = s.execute(sa.select(m.referrals).where(f.id == referral_id)).first()
            if row is None:
                raise NotFound(f"no referral {referral_id}", field="id", rule="exists")
            self.guard.require_read(access, REGISTER, referral_id, row.area_path, False)
            reason = (self.guard.check_unmask(access, REGISTER, referral_id, row.area_path)
                      if unmask else None)
            sessions = s.execute(sa.select(m.counselling_sessions).where(
                m.counselling_sessions.c.referral_id == referral_id)
                .order_by(m.counselling_sessions.c.held_on)).all()
            out = self._view(row, unmask)
            out["sessions"] = [{"kind": x.kind, "held_on": x.held_on.isoformat(),
                                "counsellor": x.counsellor, "outcome": x.outcome,
                                "notes": shown(self.d, m.counselling_sessions.name, x,
                                               unmask)["notes"]} for x in sessions]
            if reason is not None:
                self.guard.unmasked(s, access, REGISTER, referral_id, row.area_path, reason)
            else:
                self.guard.audit(s, access, "read", REGISTER, referral_id)
        return out

    @audit_refusals
    def list(self, access: Access, *, follow_up_by: dt.date | None = None) -> list[dict[str, Any]]:
        scope = self.guard.scope(access.principal, REGISTER)
        if not scope:
            return []
        f = m.referrals.c
        q = sa.select(m.referrals).where(sa.or_(*[f.area_path.startswith(p) for p in scope]))
        if follow_up_by is not None:
            q = q.where(f.follow_up_due <= follow_up_by, f.status != "closed")
        with self.d.transaction() as s:
            rows = s.execute(q.order_by(f.id).limit(500)).all()
            out = [self._view(r, False) for r in rows]
            self.guard.audit(s, access, "list", REGISTER, None,
                             {"ids": [r["id"] for r in out], "count": len(out)})
        return out

    def _view(self, row: Any, reveal: bool) -> dict[str, Any]:
        fields = shown(self.d, m.referrals.name, row, reveal)
        return {"id": row.id, "area_code": row.area_code, "source": row.source,
                "case_id": row.case_id, "service_hall": row.service_hall,
                "consent_on": row.consent_on.isoformat(), "consent_by": row.consent_by,
                "counsellor": row.counsellor, "status": row.status, "outcome": row.outcome,
                "follow_up_due": row.follow_up_due.isoformat() if row.follow_up_due else None,
                "masked": not reveal, **fields}
