"""四议两公开: the four deliberations and two disclosures, as a state machine.

propose (党组织提议) → consult (两委商议) → review (党员大会审议) → decide (村民(代表)会议决议) →
disclose_resolution (决议公开) → disclose_result (实施结果公开).

Each step logs its meeting register (应到/实到/票数) and signatures. A step out of order is refused,
as is a review or a decision taken by an inquorate meeting (Organic Law Art 22, 26, 28); nothing is
written then. A quorate vote that does not carry ends the procedure as ``rejected``. Disclosures
have deadlines (settings) and late ones are listed as overdue. The supervision committee's review
(Art 32) is recorded against the procedure by members free of the conflict-of-interest bar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
import sqlalchemy as sa
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType
from sqlalchemy.orm import Session

from suyuan_core import Conflict, Deployment, Level, NotFound, ValidationError, bounds, tables
from suyuan_core.inputs import FILLED, NO_NUL, accepts
from suyuan_core.times import today
from suyuan_self_governance import models as m
from suyuan_self_governance.common import date_conv, strs
from suyuan_self_governance.quorum import Meeting, meeting_from, passed, quorum, require_quorum
from suyuan_self_governance.roster import Roster
from suyuan_self_governance.settings import Settings
from suyuan_self_governance.vocab import PROCEDURE_MATTERS, STEP_ORDER, STEPS

DECIDING_BODIES = ("villagers_assembly", "residents_assembly", "representative_assembly")
STEP_BODIES = {"propose": ("party_branch",), "consult": ("two_committees",),
               "review": ("party_members_meeting",), "decide": DECIDING_BODIES}
FINDINGS = ("approved", "concerns")
#: who signed a step's record (names or roster ids).
SIGNATURES = accepts(max_items=200, items={"max_length": 100, "pattern": FILLED})


def _meeting(value: Any) -> Meeting | None:
    return None if value is None else meeting_from(value)


def _step_is(*steps: str) -> Schema:
    return Schema(properties={"step": Schema(enum=list(steps))}, required=["step"])


@attrs.frozen
class StepInput:
    #: review and decide carry their meeting register; only consultation may be merged with the
    #: proposal; a disclosure says what was disclosed and where.
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = {"all_of": [
        Schema(schema_if=_step_is("review", "decide"), then=Schema(
            properties={"meeting": Schema(type=OpenAPIType.OBJECT)}, required=["meeting"])),
        Schema(schema_if=_step_is(*(s for s in STEPS if s != "consult")),
               then=Schema(properties={"merged": Schema(const=False)})),
        Schema(schema_if=_step_is("disclose_resolution", "disclose_result"), then=Schema(
            properties={"content": Schema(type=OpenAPIType.STRING, pattern=FILLED)},
            required=["content"]))]}

    procedure_id: int
    step: str = attrs.field(metadata=accepts(enum=STEPS))
    occurred_on: dt.date = attrs.field(converter=date_conv("occurred_on"))  # type: ignore[misc]
    content: str = attrs.field(default="", metadata=accepts(
        max_length=bounds.DESCRIPTION.max_length, pattern=NO_NUL))
    meeting: Meeting | None = attrs.field(default=None, converter=_meeting)
    signatures: tuple[str, ...] = attrs.field(default=(), converter=strs, metadata=SIGNATURES)
    #: consult only: merged with the proposal when one person is both Party secretary and
    #: committee director.
    merged: bool = False


@attrs.frozen
class ProposalInput:
    """Step one of 四议两公开 as data (what :meth:`Procedures.open` takes)."""

    area_code: str
    title: str = attrs.field(metadata=accepts(max_length=300, pattern=FILLED))
    matter: str = attrs.field(metadata=accepts(enum=PROCEDURE_MATTERS))
    proposed_on: dt.date = attrs.field(converter=date_conv("proposed_on"))  # type: ignore[misc]
    content: str = attrs.field(default="", metadata=accepts(
        max_length=bounds.DESCRIPTION.max_length, pattern=NO_NUL))
    signatures: tuple[str, ...] = attrs.field(default=(), converter=strs, metadata=SIGNATURES)


@attrs.frozen
class ReviewInput:
    """A supervision committee's review as data (what :meth:`Procedures.review` takes)."""

    committee: str
    subject: str = attrs.field(metadata=accepts(max_length=300, pattern=NO_NUL))
    reviewers: tuple[str, ...] = attrs.field(converter=strs, metadata=accepts(
        min_items=1, max_items=50, items={"max_length": 64, "pattern": FILLED}))
    finding: str = attrs.field(metadata=accepts(enum=FINDINGS))
    opinion: str = attrs.field(metadata=accepts(max_length=bounds.DESCRIPTION.max_length,
                                                pattern=FILLED))
    reviewed_on: dt.date = attrs.field(converter=date_conv("reviewed_on"))  # type: ignore[misc]
    procedure_id: int | None = None


@attrs.frozen
class Procedure:
    id: int
    area_code: str
    title: str
    matter: str
    status: str
    decision: str | None
    decided_on: dt.date | None
    resolution_disclosed_on: dt.date | None
    steps: tuple[dict[str, Any], ...]
    reviews: tuple[dict[str, Any], ...]

    @property
    def next_step(self) -> str | None:
        if self.status in ("rejected", "completed"):
            return None
        done = [s["step"] for s in self.steps]
        return STEP_ORDER[len(done)] if len(done) < len(STEP_ORDER) else None

    def as_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["next_step"] = self.next_step
        for k in ("decided_on", "resolution_disclosed_on"):
            data[k] = data[k].isoformat() if data[k] else None
        return data


class Procedures:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.settings: Settings = deployment.settings("self_governance")

    def open(self, *, area_code: str, title: str, matter: str, proposed_on: dt.date | str,
             content: str, actor: str, signatures: tuple[str, ...] = (),
             session: Session | None = None) -> Procedure:
        """Step one: the Party organisation proposes."""
        area = self.d.areas.tree.get(area_code)
        if area.level is not Level.community:
            raise ValidationError(f"四议两公开 runs in a village or community, not a {area.level.name}",
                                  field="area_code", rule="community_level")
        if matter not in PROCEDURE_MATTERS:
            raise ValidationError(f"{matter!r} is not one of {', '.join(PROCEDURE_MATTERS)}",
                                  field="matter", rule="one_of")
        if not title.strip():
            raise ValidationError("is required", field="title", rule="required")
        with self.d.transaction(session) as s:
            pid = s.execute(m.procedures.insert().returning(m.procedures.c.id).values(
                area_code=area_code, title=title, matter=matter, status="propose")).scalar_one()
            self._write_step(s, pid, StepInput(procedure_id=pid, step="propose",
                                               occurred_on=proposed_on, content=content,
                                               signatures=signatures), "party_branch", None, actor)
            return self.get(pid, session=s)

    def step(self, item: StepInput, *, actor: str, session: Session | None = None) -> Procedure:
        """Record the next step; anything else is refused and nothing is written."""
        if item.step not in STEPS:
            raise ValidationError(f"{item.step!r} is not a step ({', '.join(STEP_ORDER)})",
                                  field="step", rule="one_of")
        with self.d.transaction(session) as s:
            proc = self.get(item.procedure_id, session=s, lock=True)
            expected = proc.next_step
            if expected is None:
                raise Conflict(f"procedure {proc.id} is {proc.status}; no further step",
                               field="step", rule="four_two_order")
            if item.step != expected:
                raise Conflict(
                    f"procedure {proc.id} is at {proc.status!r}: the next step is {expected!r} "
                    f"({STEPS[expected][0]}), not {item.step!r} ({STEPS[item.step][0]}); "
                    "四议两公开 goes propose → consult → review → decide → disclose_resolution → "
                    "disclose_result", field="step", rule="four_two_order")
            last = dt.date.fromisoformat(proc.steps[-1]["occurred_on"])
            if item.occurred_on < last:
                raise Conflict(f"{item.occurred_on} is before the previous step ({last})",
                               field="occurred_on", rule="chronological")
            if item.merged and item.step != "consult":
                raise ValidationError("only consultation may be merged with the proposal",
                                      field="merged", rule="consult_only")
            result: str | None = None
            body = item.meeting.body if item.meeting else None
            values: dict[str, Any] = {"status": item.step}
            if item.step in ("review", "decide"):
                if item.meeting is None:
                    raise ValidationError(f"the {item.step} step needs its meeting register "
                                          "(members, present, yes)", field="meeting",
                                          rule="required")
                if item.meeting.body not in STEP_BODIES[item.step]:
                    raise ValidationError(
                        f"{item.step} is taken by {' or '.join(STEP_BODIES[item.step])}, not "
                        f"{item.meeting.body}", field="meeting.body", rule="four_two_body")
                fraction = (self.settings.review_quorum_numerator,
                            self.settings.review_quorum_denominator)
                require_quorum(item.meeting, fraction)
                carried, _ = passed(item.meeting, proc.matter if item.step == "decide" else None)
                result = "adopted" if carried else "rejected"
                if not carried:
                    values.update(status="rejected", decision="rejected")
                if item.step == "decide":
                    values.update(decision=result, decided_on=item.occurred_on)
            elif item.meeting is not None and item.meeting.body not in STEP_BODIES.get(
                    item.step, (item.meeting.body,)):
                raise ValidationError(f"{item.step} is taken by {' or '.join(STEP_BODIES[item.step])}"
                                      f", not {item.meeting.body}", field="meeting.body",
                                      rule="four_two_body")
            if item.step == "disclose_resolution":
                due = (proc.decided_on or item.occurred_on) + dt.timedelta(
                    days=self.settings.resolution_disclosure_days)
                result = "on_time" if item.occurred_on <= due else "late"
                values["resolution_disclosed_on"] = item.occurred_on
            if item.step == "disclose_result":
                due = (proc.resolution_disclosed_on or item.occurred_on) + dt.timedelta(
                    days=self.settings.result_disclosure_days)
                result = "on_time" if item.occurred_on <= due else "late"
                values["status"] = "completed"
            if item.step in ("disclose_resolution", "disclose_result") and not item.content.strip():
                raise ValidationError("say what was disclosed and where (公开栏、微信群…)",
                                      field="content", rule="required")
            s.execute(m.procedures.update().where(m.procedures.c.id == proc.id).values(**values))
            self._write_step(s, proc.id, item, body, result, actor)
            return self.get(proc.id, session=s)

    def _write_step(self, s: Session, pid: int, item: StepInput, body: str | None,
                    result: str | None, actor: str) -> None:
        meeting = item.meeting.as_dict() if item.meeting else {}
        if item.meeting is not None:
            ok, rule, text = quorum(item.meeting, (self.settings.review_quorum_numerator,
                                                   self.settings.review_quorum_denominator))
            meeting["quorum"] = {"ok": ok, "rule": rule, "text": text}
        if item.merged:
            meeting["merged_with_propose"] = True
        s.execute(m.procedure_steps.insert().values(
            procedure_id=pid, step=item.step, occurred_on=item.occurred_on, body=body,
            meeting=meeting, content=item.content, signatures=list(item.signatures),
            result=result, actor=actor))

    def overdue(self, at: dt.date | None = None, area_code: str | None = None) -> list[dict[str, Any]]:
        """Procedures whose disclosure is past its deadline and not done."""
        day = at or today(self.d)
        out = []
        q = sa.select(m.procedures).where(m.procedures.c.status.in_(["decide",
                                                                     "disclose_resolution"]))
        if area_code:
            q = q.where(m.procedures.c.area_code.in_(self.d.areas.tree.subtree(area_code)))
        with self.d.reading() as s:
            for p in s.execute(q.order_by(m.procedures.c.id)):
                if p.status == "decide" and p.decision == "adopted":
                    due = p.decided_on + dt.timedelta(days=self.settings.resolution_disclosure_days)
                    what = "disclose_resolution"
                elif p.status == "disclose_resolution":
                    due = p.resolution_disclosed_on + dt.timedelta(
                        days=self.settings.result_disclosure_days)
                    what = "disclose_result"
                else:
                    continue
                if day > due:
                    out.append({"procedure_id": p.id, "area_code": p.area_code, "title": p.title,
                                "step": what, "due": due.isoformat(), "days_late": (day - due).days})
        return out

    # -- supervision ----------------------------------------------------------------------------
    def review(self, *, committee: str, subject: str, reviewers: Sequence[str], finding: str,
               opinion: str, reviewed_on: dt.date | str, actor: str,
               procedure_id: int | None = None,
               session: Session | None = None) -> dict[str, Any]:
        """The supervision committee's review (村务监督), by its own members, none of them barred
        by Art 32 (checked again now: a kinship recorded since the election counts)."""
        day = date_conv("reviewed_on")(reviewed_on)
        if finding not in FINDINGS:
            raise ValidationError(f"{finding!r} is not one of {', '.join(FINDINGS)}",
                                  field="finding", rule="one_of")
        if not reviewers:
            raise ValidationError("name the members who reviewed", field="reviewers",
                                  rule="non_empty")
        if not opinion.strip():
            raise ValidationError("is required", field="opinion", rule="required")
        with self.d.transaction(session) as s:
            org = self.d.roster.organisation(
                committee, kind="supervision_committee", session=s, field="committee")
            area = s.execute(sa.select(m.bodies.c.area_code)
                             .where(m.bodies.c.organisation_id == org.id)).scalar_one()
            seats = set(s.execute(sa.select(m.body_members.c.person_id).where(
                m.body_members.c.organisation_id == org.id)).scalars())
            for i, ext in enumerate(reviewers):
                who = self.d.roster.get(ext, session=s, field=f"reviewers[{i}]")
                if who.id not in seats:
                    raise Conflict(f"{who.name} ({ext}) is not a member of {org.name}",
                                   field=f"reviewers[{i}]", rule="committee_member")
            Roster(self.d)._check_supervision_bar(s, seats)
            if procedure_id is not None:
                proc = self.get(procedure_id, session=s)
                if proc.area_code != area:
                    raise Conflict(f"procedure {procedure_id} is in {proc.area_code}; "
                                   f"{org.name} supervises {area}", field="procedure_id",
                                   rule="same_area")
            rid = s.execute(m.supervision_reviews.insert().returning(m.supervision_reviews.c.id)
                            .values(committee_id=org.id, procedure_id=procedure_id,
                                    subject=subject, reviewers=list(reviewers), finding=finding,
                                    opinion=opinion, reviewed_on=day, actor=actor)).scalar_one()
        return {"id": rid, "committee": committee, "procedure_id": procedure_id,
                "subject": subject, "reviewers": list(reviewers), "finding": finding,
                "opinion": opinion, "reviewed_on": day.isoformat()}

    # -- reading --------------------------------------------------------------------------------
    def get(self, procedure_id: int, *, session: Session | None = None,
            lock: bool = False) -> Procedure:
        def read(s: Session) -> Procedure:
            q = sa.select(m.procedures).where(m.procedures.c.id == procedure_id)
            if lock:
                q = q.with_for_update()
            row = s.execute(q).first()
            if row is None:
                raise NotFound(f"no procedure {procedure_id}", field="procedure_id", rule="exists")
            steps = tuple({"step": r.step, "occurred_on": r.occurred_on.isoformat(),
                           "body": r.body, "meeting": r.meeting, "content": r.content,
                           "signatures": list(r.signatures), "result": r.result}
                          for r in s.execute(sa.select(m.procedure_steps).where(
                              m.procedure_steps.c.procedure_id == procedure_id)
                              .order_by(m.procedure_steps.c.id)))
            o = tables.organisations.c
            reviews = tuple({"committee": r.external_id, "subject": r.subject,
                             "finding": r.finding, "opinion": r.opinion,
                             "reviewers": list(r.reviewers),
                             "reviewed_on": r.reviewed_on.isoformat()}
                            for r in s.execute(sa.select(m.supervision_reviews, o.external_id)
                                               .join(tables.organisations,
                                                     o.id == m.supervision_reviews.c.committee_id)
                                               .where(m.supervision_reviews.c.procedure_id
                                                      == procedure_id)))
            return Procedure(id=row.id, area_code=row.area_code, title=row.title,
                             matter=row.matter, status=row.status, decision=row.decision,
                             decided_on=row.decided_on,
                             resolution_disclosed_on=row.resolution_disclosed_on, steps=steps,
                             reviews=reviews)
        if session is not None:
            return read(session)
        with self.d.reading() as s:
            return read(s)

    def list(self, area_code: str | None = None) -> list[Procedure]:
        q = sa.select(m.procedures.c.id).order_by(m.procedures.c.id)
        if area_code:
            q = q.where(m.procedures.c.area_code.in_(self.d.areas.tree.subtree(area_code)))
        with self.d.reading() as s:
            return [self.get(i, session=s) for i in s.scalars(q)]
