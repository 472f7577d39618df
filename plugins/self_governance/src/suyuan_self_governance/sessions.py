"""说事评理: talk-and-reason mediation sessions, and the mediation time limit.

A session is recorded on a case. Its outcome moves the case through the core's lifecycle, so the
figures come from events: ``success`` → ``resolve`` and ``failure`` → ``fail`` (both carry
``via = talk_and_reason`` and feed ``mediation_success_rate``); ``refused`` — one party clearly
refuses mediation (People's Mediation Law Art 17) — ends the mediation for good: the case is
withdrawn with the refusal recorded, and no further session can be held on it. Every session is
also a ``self_governance.session`` event on the case's timeline.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
import sqlalchemy as sa
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType
from sqlalchemy.orm import Session

from suyuan_core import Case, Conflict, Deployment, Person, ValidationError, bounds, tables
from suyuan_core.inputs import FILLED, NO_NUL, accepts, nested
from suyuan_core.times import from_db, local_date, to_db, zone
from suyuan_self_governance import models as m
from suyuan_self_governance.common import (
    area_names,
    covers,
    open_load,
    refuse_fees,
    strs,
    time_conv,
)
from suyuan_self_governance.settings import Settings
from suyuan_self_governance.vocab import MATTERS, PARTICIPANT_ROLES, REASONS, SESSION_OUTCOMES

VIA = "talk_and_reason"
MEDIATABLE = ("accepted", "assigned", "in_progress")


@attrs.frozen
class ParticipantInput:
    """Someone who took part in a session, and as what (a party unless ``role`` says)."""

    name: str = attrs.field(metadata=accepts(max_length=100, pattern=FILLED))
    role: str = attrs.field(default="party", metadata=accepts(enum=PARTICIPANT_ROLES))
    note: str = attrs.field(default="", metadata=accepts(max_length=2000, pattern=NO_NUL))

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name.strip(), "role": self.role,
                **({"note": self.note} if self.note else {})}




def _when(outcome: str, then: Schema) -> Schema:
    return Schema(schema_if=Schema(properties={"outcome": Schema(const=outcome)},
                                   required=["outcome"]), then=then)


@attrs.frozen
class SessionInput:
    """One talk-and-reason session: which of the three matters, which of the three reasons were
    applied, who took part, and how it ended."""

    #: each reason once; a party takes part (a participant without a role is a party); a
    #: refusal names who refused; a failure is recorded once the parties were told of the other
    #: routes (Art 26).
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = {"all_of": [
        Schema(properties={"reasons": Schema(unique_items=True),
                           "participants": Schema(contains=Schema(properties={
                               "role": Schema(const="party")}))}),
        _when("refused", Schema(properties={"refused_by": Schema(type=OpenAPIType.STRING,
                                                                 pattern=FILLED)},
                                required=["refused_by"])),
        _when("failure", Schema(properties={"informed_of_other_routes": Schema(const=True)},
                                required=["informed_of_other_routes"]))]}

    case_id: int
    mediator: str
    held_at: dt.datetime = attrs.field(converter=time_conv("held_at"),  # type: ignore[misc]
                                       metadata=accepts(pattern=bounds.TIME_PATTERN))
    matter: str = attrs.field(metadata=accepts(enum=MATTERS))
    reasons: tuple[str, ...] = attrs.field(converter=strs, metadata=accepts(
        min_items=1, items={"enum": tuple(REASONS)}))
    participants: tuple[ParticipantInput, ...] = attrs.field(
        converter=nested(ParticipantInput, "participants", refuse=refuse_fees))  # type: ignore[misc]
    outcome: str = attrs.field(metadata=accepts(enum=SESSION_OUTCOMES))
    summary: str = attrs.field(default="", metadata=accepts(
        max_length=bounds.DESCRIPTION.max_length, pattern=NO_NUL))
    public: bool = True
    studio: str | None = None
    #: the party who refused (outcome ``refused``).
    refused_by: str | None = attrs.field(default=None, metadata=accepts(max_length=100,
                                                                         pattern=NO_NUL))
    #: Art 26: on failure the mediator tells the parties of the other routes (arbitration,
    #: administrative, court); the failure is recorded only once they were told.
    informed_of_other_routes: bool = False

    def __attrs_post_init__(self) -> None:
        if self.matter not in MATTERS:
            raise ValidationError(f"{self.matter!r} is not one of the three matters "
                                  f"({', '.join(MATTERS)})", field="matter", rule="one_of")
        if not self.reasons:
            raise ValidationError("say which of the three reasons were applied "
                                  f"({', '.join(REASONS)})", field="reasons", rule="non_empty")
        for r in self.reasons:
            if r not in REASONS:
                raise ValidationError(f"{r!r} is not one of the three reasons "
                                      f"({', '.join(REASONS)})", field="reasons", rule="one_of")
        if len(set(self.reasons)) != len(self.reasons):
            raise ValidationError("a reason is listed twice", field="reasons", rule="unique")
        if self.outcome not in SESSION_OUTCOMES:
            raise ValidationError(f"{self.outcome!r} is not one of {', '.join(SESSION_OUTCOMES)}",
                                  field="outcome", rule="one_of")
        if not any(p.role == "party" for p in self.participants):
            raise ValidationError("at least one party takes part in a session",
                                  field="participants", rule="party_present")
        if self.outcome == "refused" and not (self.refused_by or "").strip():
            raise ValidationError("name the party who refused mediation", field="refused_by",
                                  rule="required")
        if self.outcome == "failure" and not self.informed_of_other_routes:
            raise ValidationError("when mediation fails the parties must be told of the other "
                                  "routes (arbitration, administrative, court) first "
                                  "(People's Mediation Law Art 26)",
                                  field="informed_of_other_routes", rule="mediation_law_art26")


@attrs.frozen
class SessionRecord:
    id: int
    case_id: int
    held_at: dt.datetime
    mediator: str
    matter: str
    reasons: tuple[str, ...]
    participants: tuple[dict[str, str], ...]
    outcome: str
    summary: str
    public: bool
    refused_by: str | None
    case_status: str

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def add_months(day: dt.date, months: int) -> dt.date:
    """The day with the same number ``months`` later (the last day of the month when there is
    none): Civil Code Art 201–202, the start day is not counted."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def mediation_deadline(d: Deployment, settings: Settings, accepted_at: dt.datetime) -> dt.datetime:
    """The end (local 24:00) of the day ``mediation_limit_months`` after acceptance."""
    due = add_months(local_date(d, accepted_at), settings.mediation_limit_months)
    return dt.datetime.combine(due + dt.timedelta(days=1), dt.time(), zone(d))


class Sessions:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.settings: Settings = deployment.settings("self_governance")

    # -- checks ---------------------------------------------------------------------------------
    def check_mediator(self, s: Session, case: Case, external_id: str, day: dt.date,
                       field: str = "mediator") -> Person:
        """She is a mediator, active and available on ``day``, and covers the case's area."""
        who = self.d.roster.get(external_id, session=s, field=field)
        if not set(who.roles) & set(self.settings.mediator_roles):
            raise ValidationError(f"{who.name} ({who.external_id}) is not a mediator (roles: "
                                  f"{', '.join(who.roles)})", field=field, rule="mediator_role")
        if not who.active_on(day):
            raise ValidationError(f"{who.name} ({who.external_id}) is not active on {day}",
                                  field=field, rule="active")
        profile = s.execute(sa.select(m.mediators).where(m.mediators.c.person_id == who.id)).first()
        if profile is not None and (not profile.available or (
                profile.unavailable_until is not None and profile.unavailable_until >= day)):
            until = f" until {profile.unavailable_until}" if profile.unavailable_until else ""
            raise ValidationError(f"{who.name} ({who.external_id}) is not available{until}",
                                  field=field, rule="available")
        if not covers(self.d, who.areas, case.area_code):
            raise ValidationError(
                f"{who.name} ({who.external_id}) covers {area_names(self.d, who.areas)}, not the "
                f"case's area {area_names(self.d, [case.area_code])} ({case.area_code})",
                field=field, rule="covers_area",
                hint="choose a mediator who covers the area (`suyuan self-governance route "
                     f"{case.id}`)")
        return who

    def ended_by_refusal(self, s: Session, case_id: int) -> str | None:
        return s.execute(sa.select(m.sessions.c.refused_by).where(
            m.sessions.c.case_id == case_id, m.sessions.c.outcome == "refused")).scalar()

    # -- writing --------------------------------------------------------------------------------
    def assign(self, case_id: int, mediator: str, *, actor: str,
               at: dt.datetime | None = None, session: Session | None = None) -> Case:
        """Assign a mediator to a case: she must cover its area, be available and below her
        capacity. Nothing is written otherwise."""
        with self.d.transaction(session) as s:
            case = self.d.cases.get(case_id, s, lock=True)
            day = local_date(self.d, at or dt.datetime.now(dt.UTC))
            who = self.check_mediator(s, case, mediator, day)
            handler = f"person:{who.external_id}"
            load = open_load(s, [handler]).get(handler, 0)
            if who.capacity and load >= who.capacity:
                raise ValidationError(f"{who.name} ({who.external_id}) already has {load} open "
                                      f"cases, her capacity is {who.capacity}", field="mediator",
                                      rule="capacity")
            return self.d.cases.act(case_id, "assign", actor=actor, occurred_at=at, session=s,
                                    data={"assignees": [handler], "via": VIA})

    def record(self, item: SessionInput, *, actor: str, session: Session | None = None) -> (
            SessionRecord):
        """Record a session and move the case as its outcome says, in one transaction."""
        d = self.d
        with d.transaction(session) as s:
            case = d.cases.get(item.case_id, s, lock=True)
            refused = self.ended_by_refusal(s, case.id or 0)
            if refused is not None:
                raise Conflict(f"case {case.id}: mediation ended when {refused} refused it "
                               "(People's Mediation Law Art 17); no further session",
                               field="case_id", rule="mediation_law_art17")
            if case.status.value not in MEDIATABLE:
                raise Conflict(f"case {case.id} is {case.status.value}; a session is held "
                               f"on a case that is {', '.join(MEDIATABLE)}",
                               field="case_id", rule="open_case")
            day = local_date(d, item.held_at)
            who = self.check_mediator(s, case, item.mediator, day)
            studio_id = None
            if item.studio:
                studio_id = self.d.roster.organisation(
                    item.studio, kind="mediation_studio", session=s, field="studio").id
            handler = f"person:{who.external_id}"
            base = {"via": VIA}
            if item.outcome != "refused":
                if case.status.value == "accepted":
                    case = d.cases.act(case.id or 0, "assign", actor=actor, occurred_at=item.held_at,
                                       session=s, data={"assignees": [handler], **base})
                if case.status.value == "assigned":
                    case = d.cases.act(case.id or 0, "start", actor=actor, occurred_at=item.held_at,
                                       session=s, data=dict(base))
            sid = s.execute(m.sessions.insert().returning(m.sessions.c.id).values(
                case_id=case.id, held_at=to_db(item.held_at), mediator_id=who.id,
                studio_id=studio_id, matter=item.matter, reasons=list(item.reasons),
                participants=[p.as_dict() for p in item.participants], public=item.public,
                summary=item.summary, outcome=item.outcome, refused_by=item.refused_by,
                actor=actor)).scalar_one()
            facts = {"session_id": sid, "matter": item.matter, "reasons": list(item.reasons),
                     "outcome": item.outcome, "mediator": who.external_id,
                     "participants": len(item.participants)}
            case = d.cases.record(case.id or 0, "self_governance.session", actor=actor,
                                  occurred_at=item.held_at, session=s, data=facts)
            data = {**base, "session_id": sid}
            if item.outcome == "success":
                case = d.cases.act(case.id or 0, "resolve", actor=actor, occurred_at=item.held_at,
                                   session=s, data=data)
            elif item.outcome == "failure":
                case = d.cases.act(case.id or 0, "fail", actor=actor, occurred_at=item.held_at,
                                   session=s, data={**data, "informed_of_other_routes": True})
            elif item.outcome == "refused":
                case = d.cases.act(case.id or 0, "withdraw", actor=actor, occurred_at=item.held_at,
                                   session=s, reason=f"{item.refused_by} 明确拒绝调解 (Art 17)",
                                   data={**data, "ended_by": "party_refusal",
                                         "refused_by": item.refused_by})
            return SessionRecord(id=sid, case_id=case.id or 0, held_at=item.held_at,
                                 mediator=who.external_id, matter=item.matter,
                                 reasons=item.reasons,
                                 participants=tuple(p.as_dict() for p in item.participants),
                                 outcome=item.outcome, summary=item.summary, public=item.public,
                                 refused_by=item.refused_by, case_status=case.status.value)

    def extend(self, case_id: int, until: dt.date, *, both_parties_agree: bool, actor: str,
               reason: str = "", session: Session | None = None) -> Case:
        """Continue mediation past the time limit: only when both parties agree."""
        if not both_parties_agree:
            raise ValidationError("mediation continues past its time limit only when both "
                                  "parties agree", field="both_parties_agree",
                                  rule="extension_by_agreement")
        with self.d.transaction(session) as s:
            case = self.d.cases.get(case_id, s, lock=True)
            if case.status.value not in MEDIATABLE:
                raise Conflict(f"case {case_id} is {case.status.value}, not under mediation",
                               field="case_id", rule="open_case")
            new = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone(self.d))
            if case.deadline is not None and new <= case.deadline:
                raise Conflict(f"{until} is not after the current limit "
                               f"{local_date(self.d, case.deadline - dt.timedelta(seconds=1))}",
                               field="until", rule="later")
            return self.d.cases.record(case_id, "deadline", actor=actor, session=s,
                                       reason=reason or "双方当事人同意延长调解期限",
                                       data={"deadline": new.astimezone(dt.UTC).isoformat(),
                                             "both_parties_agree": True})

    # -- reading --------------------------------------------------------------------------------
    def list(self, case_id: int | None = None, limit: int = 100) -> list[SessionRecord]:
        p, c = tables.persons.c, tables.cases.c
        q = (sa.select(m.sessions, p.external_id.label("mediator_ext"), c.status.label("case_status"))
             .join(tables.persons, p.id == m.sessions.c.mediator_id)
             .join(tables.cases, c.id == m.sessions.c.case_id).order_by(m.sessions.c.id))
        if case_id is not None:
            q = q.where(m.sessions.c.case_id == case_id)
        with self.d.reading() as s:
            rows = s.execute(q.limit(limit)).all()
        return [SessionRecord(id=r.id, case_id=r.case_id, held_at=from_db(r.held_at),
                              mediator=r.mediator_ext, matter=r.matter, reasons=tuple(r.reasons),
                              participants=tuple(r.participants), outcome=r.outcome,
                              summary=r.summary, public=r.public, refused_by=r.refused_by,
                              case_status=r.case_status) for r in rows]

    def successful(self, s: Session, case_id: int) -> Sequence[Any]:
        return s.execute(sa.select(m.sessions).where(m.sessions.c.case_id == case_id,
                                                     m.sessions.c.outcome == "success")
                         .order_by(m.sessions.c.id.desc())).all()
