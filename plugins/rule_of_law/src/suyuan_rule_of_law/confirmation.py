"""司法确认: judicial confirmation of a mediation agreement (人民调解法 Art 33; 法释〔2011〕5号).

The agreement is kept by another pillar (self_governance, or any plugin): it is looked up through
the core hook ``suyuan_mediation_agreement`` and the court's decision goes back through
``suyuan_judicial_confirmation_decided``, never an import.

* The parties apply **jointly** within ``confirmation_window_days`` (30) calendar days of the
  agreement taking effect (the start day not counted; a last day on a holiday or rest day rolls to
  the next working day). One party applying with the others' recorded consent counts as joint.
* Identity, adoption and marriage matters (身份/收养/婚姻) are not accepted.
* The court decides to accept within ``court_accept_days`` (3), then decides within
  ``court_decide_days`` (15) of accepting, ``court_extension_days`` (10) more with approval.
* Confirmed → the agreement is enforceable; refused → the parties may re-mediate or sue. Each step
  is a case event (``rule_of_law.confirmation_*``) on the case the agreement settled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import (
    ConfirmationDecision,
    Conflict,
    Deployment,
    MediationAgreement,
    NotFound,
    ValidationError,
    period_pattern,
)
from suyuan_core.inputs import accepts
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law import notices
from suyuan_rule_of_law.common import (
    calendar,
    date_conv,
    event_time,
    settings,
    strs,
    today,
)
from suyuan_rule_of_law.vocab import CONFIRMATION_STATUS

OPEN = ("applied", "accepted")


#: an agreement's public reference: ``<plugin>:<id>`` (the keeper's name, its own id).
AGREEMENT_REF = r"^[a-z][a-z0-9_]*:[0-9A-Za-z_.-]+$"


@attrs.frozen
class ApplicationInput:
    """The parties' joint application for judicial confirmation of a mediation agreement (an
    agreement no keeper knows is a 404; one not in effect or already applied for, a 409)."""

    #: ``"<plugin>:<id>"`` of the agreement, e.g. ``"self_governance:12"``.
    agreement_ref: str = attrs.field(metadata=accepts(min_length=3, max_length=64,
                                                      pattern=AGREEMENT_REF))
    applied_on: dt.date = attrs.field(converter=date_conv("applied_on"),  # type: ignore[misc]
                                      metadata=accepts(pattern=period_pattern("day")))
    #: the parties who sign the application.
    applicants: tuple[str, ...] = attrs.field(converter=strs, metadata=accepts(min_items=1))
    #: the parties who do not sign but consent in writing (Art 33: then it is still joint).
    consenting: tuple[str, ...] = attrs.field(default=(), converter=strs)
    #: the court; default the court that guides the agreement's community.
    court: str | None = attrs.field(default=None, metadata=accepts(max_length=200))
    #: what the agreement settles when it is not just its case's category (e.g. ``marriage``).
    matter: str | None = attrs.field(default=None, metadata=accepts(max_length=64))


@attrs.frozen
class Application:
    id: int
    agreement_ref: str
    case_id: int
    area_code: str
    matter: str
    court: str
    applicants: tuple[str, ...]
    consenting: tuple[str, ...]
    effective_on: dt.date
    applied_on: dt.date
    window_ends_on: dt.date
    accept_due_on: dt.date
    accepted_on: dt.date | None
    decide_due_on: dt.date | None
    extended: bool
    decided_on: dt.date | None
    court_case_number: str | None
    status: str
    reason: str

    @property
    def status_label(self) -> str:
        return CONFIRMATION_STATUS[self.status][0]

    def due_on(self) -> dt.date | None:
        """The court's next deadline: to accept, then to decide; None once decided."""
        if self.status == "applied":
            return self.accept_due_on
        if self.status == "accepted":
            return self.decide_due_on
        return None

    def overdue(self, on: dt.date) -> bool:
        due = self.due_on()
        return due is not None and on > due

    def as_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        for k, v in data.items():
            if isinstance(v, dt.date):
                data[k] = v.isoformat()
        data["status_label"] = self.status_label
        due = self.due_on()
        data["due_on"] = due.isoformat() if due else None
        return data


def _row(r: Any) -> Application:
    return Application(
        id=r.id, agreement_ref=r.agreement_ref, case_id=r.case_id, area_code=r.area_code,
        matter=r.matter, court=r.court, applicants=tuple(r.applicants),
        consenting=tuple(r.consenting), effective_on=r.effective_on, applied_on=r.applied_on,
        window_ends_on=r.window_ends_on, accept_due_on=r.accept_due_on,
        accepted_on=r.accepted_on, decide_due_on=r.decide_due_on, extended=r.extended,
        decided_on=r.decided_on, court_case_number=r.court_case_number, status=r.status,
        reason=r.reason)


class Confirmations:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    # -- the window --------------------------------------------------------------------------
    def window_end(self, effective_on: dt.date) -> dt.date:
        end, _ = calendar(self.d).period_end(effective_on, settings(self.d).confirmation_window_days)
        return end

    def agreement(self, s: Session, ref: str) -> MediationAgreement:
        found: MediationAgreement | None = self.d.hook.suyuan_mediation_agreement(
            agreement_ref=ref, deployment=self.d, session=s)
        if found is None:
            raise NotFound(f"no mediation agreement {ref!r}", field="agreement_ref",
                           rule="exists", hint="write <plugin>:<id>, e.g. self_governance:12")
        return found

    # -- applying ----------------------------------------------------------------------------
    def apply(self, item: ApplicationInput, *, actor: str,
              session: Session | None = None) -> Application:
        d, conf = self.d, settings(self.d)
        with d.transaction(session) as s:
            a = self.agreement(s, item.agreement_ref)
            if a.effective_on is None:
                raise Conflict(f"agreement {a.ref} has not taken effect; only an effective "
                               "agreement can be confirmed", field="agreement_ref",
                               rule="effective")
            if a.status in ("court_confirmed",) or s.execute(sa.select(m.confirmations.c.id).where(
                    m.confirmations.c.agreement_ref == a.ref,
                    m.confirmations.c.status.in_([*OPEN, "confirmed"]))).first():
                raise Conflict(f"agreement {a.ref} already has an application pending or "
                               "confirmed", field="agreement_ref", rule="once")
            matter = item.matter or a.matter
            if matter in conf.excluded_matters or a.matter in conf.excluded_matters:
                raise ValidationError(
                    f"{matter!r} is an identity, adoption or marriage matter (身份/收养/婚姻): the "
                    "court does not accept it for judicial confirmation (法释〔2011〕5号)",
                    field="matter", rule="excluded_matter",
                    hint="the parties may sue or apply to the marriage registry instead")
            window_ends = self.window_end(a.effective_on)
            if item.applied_on < a.effective_on:
                raise ValidationError(f"{item.applied_on} is before the agreement took effect "
                                      f"({a.effective_on})", field="applied_on",
                                      rule="after_effective")
            if item.applied_on > window_ends:
                days = (item.applied_on - a.effective_on).days
                raise ValidationError(
                    f"{item.applied_on} is day {days} after the agreement took effect on "
                    f"{a.effective_on}; the parties must apply within "
                    f"{conf.confirmation_window_days} days, by {window_ends} (人民调解法 Art 33)",
                    field="applied_on", rule="art33_window",
                    hint="past the window the parties may sue on the agreement instead")
            parties = set(a.party_names)
            stray = sorted((set(item.applicants) | set(item.consenting)) - parties)
            if stray:
                raise ValidationError(f"{', '.join(stray)} is not a party to {a.ref} (parties: "
                                      f"{', '.join(a.party_names)})", field="applicants",
                                      rule="party")
            if not item.applicants:
                raise ValidationError("name the party or parties who apply", field="applicants",
                                      rule="required")
            missing = sorted(parties - set(item.applicants) - set(item.consenting))
            if missing:
                raise ValidationError(
                    f"the application is not joint: {', '.join(missing)} neither applies nor "
                    "consents (人民调解法 Art 33: both parties apply jointly; one party with the "
                    "other's consent counts)", field="applicants", rule="joint_application",
                    hint="add them to applicants, or record their written consent in consenting")
            court = item.court or self.court_for(s, a.area_code)
            if not court:
                raise ValidationError("no court guides this community: name the court",
                                      field="court", rule="required",
                                      hint="`suyuan rule-of-law courts guide` records the "
                                           "court that guides a community")
            accept_due, _ = calendar(d).period_end(item.applied_on, conf.court_accept_days)
            aid = s.execute(m.confirmations.insert().returning(m.confirmations.c.id).values(
                agreement_ref=a.ref, case_id=a.case_id, area_code=a.area_code, matter=matter,
                court=court, applicants=list(item.applicants), consenting=list(item.consenting),
                effective_on=a.effective_on, applied_on=item.applied_on,
                window_ends_on=window_ends, accept_due_on=accept_due, extended=False,
                status="applied", reason="", actor=actor)).scalar_one()
            d.cases.record(a.case_id, "rule_of_law.confirmation_applied", actor=actor, session=s,
                           occurred_at=event_time(d, s, a.case_id, item.applied_on),
                           data={"application_id": aid, "agreement_ref": a.ref, "court": court,
                                 "window_ends_on": window_ends.isoformat(),
                                 "accept_due_on": accept_due.isoformat()})
            return self.get(aid, session=s)

    def court_for(self, s: Session, area_code: str) -> str | None:
        """The court that guides the community (or an area above it) of ``area_code``."""
        chain = self.d.areas.tree.ancestors(area_code) if area_code in self.d.areas.tree else ()
        g = m.court_guidance.c
        found = dict(s.execute(sa.select(g.area_code, g.court).where(g.area_code.in_(chain))).all())
        return next((found[c] for c in chain if c in found), None)

    # -- the court ---------------------------------------------------------------------------
    def accept(self, application_id: int, on: dt.date | str, court_case_number: str, *,
               actor: str, session: Session | None = None) -> Application:
        day = date_conv("on")(on)
        if "调确" not in court_case_number and "民特" not in court_case_number:
            raise ValidationError(f"{court_case_number!r} is not a judicial-confirmation case "
                                  "number (…调确字…号 or …民特…号)", field="court_case_number",
                                  rule="case_number", hint="e.g. (2026)川0121民特12号")
        d, conf = self.d, settings(self.d)
        with d.transaction(session) as s:
            a = self._step(s, application_id, ("applied",), day, "applied_on")
            decide_due, _ = calendar(d).period_end(day, conf.court_decide_days)
            s.execute(m.confirmations.update().where(m.confirmations.c.id == application_id)
                      .values(status="accepted", accepted_on=day, decide_due_on=decide_due,
                              court_case_number=court_case_number))
            d.cases.record(a.case_id, "rule_of_law.confirmation_accepted", actor=actor,
                           session=s, occurred_at=event_time(d, s, a.case_id, day),
                           data={"application_id": a.id, "court_case_number": court_case_number,
                                 "on_time": day <= a.accept_due_on,
                                 "decide_due_on": decide_due.isoformat()})
            return self.get(application_id, session=s)

    def not_accept(self, application_id: int, on: dt.date | str, reason: str, *, actor: str,
                   session: Session | None = None) -> Application:
        day = date_conv("on")(on)
        if not reason.strip():
            raise ValidationError("give the court's reason", field="reason", rule="required")
        with self.d.transaction(session) as s:
            a = self._step(s, application_id, ("applied",), day, "applied_on")
            s.execute(m.confirmations.update().where(m.confirmations.c.id == application_id)
                      .values(status="not_accepted", decided_on=day, reason=reason))
            self.d.cases.record(a.case_id, "rule_of_law.confirmation_not_accepted", actor=actor,
                                session=s, occurred_at=event_time(self.d, s, a.case_id, day),
                                data={"application_id": a.id, "reason": reason})
            notices.decided(self.d, s, a, "not_accepted", day, reason, self._filed_by(s, a.id))
            return self.get(application_id, session=s)

    def extend(self, application_id: int, approved_by: str, *, actor: str,
               session: Session | None = None) -> Application:
        """+``court_extension_days`` on the decision, with the court president's approval; once."""
        if not approved_by.strip():
            raise ValidationError("name who approved the extension (the court's president)",
                                  field="approved_by", rule="required")
        d, conf = self.d, settings(self.d)
        with d.transaction(session) as s:
            a = self.get(application_id, session=s)
            if a.status != "accepted" or a.accepted_on is None:
                raise ValidationError(f"application {a.id} is {a.status}; only an accepted one is "
                                      "extended", field="application", rule="accepted")
            if a.extended:
                raise ValidationError(f"application {a.id} was already extended", field="extended",
                                      rule="once")
            due, _ = calendar(d).period_end(a.accepted_on, conf.court_decide_days +
                                            conf.court_extension_days)
            s.execute(m.confirmations.update().where(m.confirmations.c.id == application_id)
                      .values(extended=True, decide_due_on=due))
            d.cases.record(a.case_id, "rule_of_law.confirmation_extended", actor=actor, session=s,
                           data={"application_id": a.id, "approved_by": approved_by,
                                 "decide_due_on": due.isoformat()})
            return self.get(application_id, session=s)

    def decide(self, application_id: int, on: dt.date | str, outcome: str, *, actor: str,
               reason: str = "", session: Session | None = None) -> Application:
        day = date_conv("on")(on)
        if outcome not in ("confirmed", "refused"):
            raise ValidationError(f"{outcome!r} is not confirmed or refused", field="outcome",
                                  rule="one_of")
        if outcome == "refused" and not reason.strip():
            raise ValidationError("give the court's reason for refusing", field="reason",
                                  rule="required")
        d = self.d
        with d.transaction(session) as s:
            a = self._step(s, application_id, ("accepted",), day, "accepted_on")
            s.execute(m.confirmations.update().where(m.confirmations.c.id == application_id)
                      .values(status=outcome, decided_on=day, reason=reason))
            agreement = self.agreement(s, a.agreement_ref)
            on_time = a.decide_due_on is not None and day <= a.decide_due_on
            d.cases.record(a.case_id, "rule_of_law.confirmation_decided", actor=actor, session=s,
                           occurred_at=event_time(d, s, a.case_id, day),
                           data={"application_id": a.id, "outcome": outcome, "on_time": on_time,
                                 "days": (day - a.applied_on).days, "reason": reason,
                                 "next": "enforceable" if outcome == "confirmed"
                                 else "re_mediate_or_sue"})
            notices.decided(d, s, a, outcome, day, reason, self._filed_by(s, a.id))
            d.hook.suyuan_judicial_confirmation_decided(
                decision=ConfirmationDecision(
                    agreement_ref=a.agreement_ref, outcome=outcome, decided_on=day,
                    court_case_number=a.court_case_number or "", application_id=a.id,
                    reason=reason), agreement=agreement, deployment=d, session=s)
            return self.get(application_id, session=s)

    def _filed_by(self, s: Session, application_id: int) -> str:
        c = m.confirmations.c
        return str(s.scalar(sa.select(c.actor).where(c.id == application_id)))

    def _step(self, s: Session, application_id: int, states: Sequence[str], day: dt.date,
              after: str) -> Application:
        a = self.get(application_id, session=s)
        if a.status not in states:
            raise ValidationError(f"application {a.id} is {a.status} "
                                  f"({a.status_label}); this step needs {' or '.join(states)}",
                                  field="application", rule="state")
        since = getattr(a, after)
        if since is not None and day < since:
            raise ValidationError(f"{day} is before {after.replace('_on', '')} ({since})",
                                  field="on", rule="order")
        return a

    # -- reading -----------------------------------------------------------------------------
    def get(self, application_id: int, *, session: Session | None = None) -> Application:
        def read(s: Session) -> Application:
            r = s.execute(sa.select(m.confirmations)
                          .where(m.confirmations.c.id == application_id)).first()
            if r is None:
                raise NotFound(f"no judicial-confirmation application {application_id}",
                               field="application", rule="exists")
            return _row(r)
        if session is not None:
            return read(session)
        with self.d.reading() as s:
            return read(s)

    def find(self, *, status: str | None = None, area_paths: Sequence[str] | None = None,
             limit: int = 200) -> list[Application]:
        c = m.confirmations.c
        q = sa.select(m.confirmations).order_by(c.applied_on.desc(), c.id.desc()).limit(limit)
        if status:
            q = q.where(c.status == status)
        rows = self._scoped(q, area_paths)
        return [_row(r) for r in rows]

    def _scoped(self, q: Any, area_paths: Sequence[str] | None) -> list[Any]:
        with self.d.reading() as s:
            rows = list(s.execute(q))
        if area_paths is None:
            return rows
        tree = self.d.areas.tree
        return [r for r in rows if r.area_code in tree and
                any(tree.path(r.area_code).startswith(p) for p in area_paths)]

    def unperformed_advice(self, agreement: dict[str, Any], s: Session,
                           on: dt.date | None = None) -> str | None:
        """``suyuan_mediation_agreement_unperformed``: what the parties can do now — enforce a
        confirmed agreement, apply for confirmation while the window is open, or sue."""
        ref = agreement.get("ref") or f"self_governance:{agreement.get('id')}"
        c = m.confirmations.c
        confirmed = s.execute(sa.select(m.confirmations).where(
            c.agreement_ref == ref, c.status == "confirmed")).first()
        if confirmed is not None:
            return (f"已司法确认（{confirmed.court_case_number}）：可向{confirmed.court}申请强制执行 "
                    "Confirmed: apply to the court for enforcement")
        pending = s.execute(sa.select(m.confirmations.c.id).where(
            c.agreement_ref == ref, c.status.in_(OPEN))).first()
        if pending is not None:
            return f"司法确认申请 #{pending.id} 审查中 Judicial confirmation #{pending.id} pending"
        effective = agreement.get("effective_on")
        if not effective:
            return None
        ends = self.window_end(dt.date.fromisoformat(str(effective)))
        if (on or today(self.d)) <= ends:
            return (f"双方可于 {ends.isoformat()} 前共同申请司法确认 The parties may jointly apply "
                    f"for judicial confirmation by {ends.isoformat()}")
        return ("已过司法确认申请期限：可就调解协议向人民法院提起诉讼 Past the confirmation window: "
                "the parties may sue on the agreement")
