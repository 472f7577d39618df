"""The personal-information impact assessment (个人信息保护影响评估, PIPL Art 55-56) each
sensitive register needs before its processing starts, kept at least three years (never purged).

:meth:`Guard.require_pia` refuses every register write until one is recorded and while its review
date has not passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import sqlalchemy as sa

from suyuan_core import Deployment, PermissionDenied, ValidationError, period_pattern
from suyuan_core.inputs import FILLED, accepts
from suyuan_virtue import models as m
from suyuan_virtue.protection import ADMIN, REGISTERS, Access, Guard, check_register
from suyuan_virtue.sensitive import need_text
from suyuan_virtue.times import need_date, now_db


def _iso(value: dt.date | str) -> str:
    """A day given as a date (a plugin calling the service) as the API writes it."""
    return value.isoformat() if isinstance(value, dt.date) else value


#: a calendar day (YYYY-MM-DD, a real day within the years counted).
DAY = accepts(pattern=period_pattern("day"))
#: an assessment's text: something besides blanks, at most 4000 characters.
TEXT = accepts(min_length=1, max_length=4000, pattern=FILLED)


@attrs.frozen
class PiaInput:
    """A register's personal-information impact assessment (PIPL Art 55-56): when and by whom
    it was made, what it found, and the day it is due for review (after the assessment)."""

    register: str = attrs.field(metadata=accepts(enum=REGISTERS))
    assessed_on: str = attrs.field(converter=_iso, metadata=DAY)
    assessor: str = attrs.field(metadata=TEXT)
    purpose: str = attrs.field(metadata=TEXT)
    legal_basis: str = attrs.field(metadata=TEXT)
    necessity: str = attrs.field(metadata=TEXT)
    risks: str = attrs.field(metadata=TEXT)
    measures: str = attrs.field(metadata=TEXT)
    review_due: str = attrs.field(converter=_iso, metadata=DAY)


class Pias:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.guard = Guard(deployment)

    def record(self, access: Access, item: PiaInput) -> int:
        if not access.principal.has(ADMIN):
            raise PermissionDenied("recording an impact assessment needs the privacy officer's "
                                   "right", field="register", rule=ADMIN,
                                   hint="ask for the privacy_officer role")
        register = check_register(item.register)
        assessed = need_date(item.assessed_on, "assessed_on")
        due = need_date(item.review_due, "review_due")
        if due <= assessed:
            raise ValidationError("the review date must follow the assessment", field="review_due",
                                  rule="after_assessment")
        row: dict[str, Any] = {
            "register": register, "assessed_on": assessed, "review_due": due,
            "recorded_at": now_db(), "recorded_by": access.principal.actor,
            **{k: need_text(getattr(item, k), k, 4000) for k in
               ("assessor", "purpose", "legal_basis", "necessity", "risks", "measures")}}
        with self.d.transaction() as s:
            new_id = int(s.execute(m.pias.insert().returning(m.pias.c.id), row).scalar_one())
            self.guard.audit(s, access, "pia", register, f"pia-{new_id}",
                             {"review_due": due.isoformat()})
        return new_id

    def list(self, register: str | None = None) -> list[dict[str, Any]]:
        p = m.pias.c
        query = sa.select(m.pias).order_by(p.register, p.assessed_on)
        if register:
            query = query.where(p.register == check_register(register))
        with self.d.reading() as s:
            rows = s.execute(query).all()
        return [{"id": r.id, "register": r.register, "assessed_on": r.assessed_on.isoformat(),
                 "assessor": r.assessor, "purpose": r.purpose, "legal_basis": r.legal_basis,
                 "necessity": r.necessity, "risks": r.risks, "measures": r.measures,
                 "review_due": r.review_due.isoformat(), "recorded_by": r.recorded_by}
                for r in rows]
