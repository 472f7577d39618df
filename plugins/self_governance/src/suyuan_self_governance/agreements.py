"""人民调解协议书: mediation agreements (People's Mediation Law Art 28–31).

An agreement is drawn up from a successful talk-and-reason session. It states what Art 29 lists:
the parties' basic details; the main facts, the points in dispute and each party's
responsibility; the agreed terms with the manner and the time limit of performance.

* A **written** agreement takes effect when every party has signed (or sealed, or thumb-printed),
  the mediator has signed, and the mediation committee's seal is applied: on the date of the last
  of these. One copy per party plus one for the committee's archive.
* An **oral** agreement takes effect on the day it is reached (Art 30); the mediator records its
  content.

The committee then follows up on performance (Art 31). A "not performed" finding calls the core
hook ``suyuan_mediation_agreement_unperformed``, where a rule_of_law plugin may open judicial
confirmation (Art 33) — this plugin never imports that one.
"""

from __future__ import annotations

import datetime as dt
import html
import io
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
    bounds,
    tables,
    templates,
)
from suyuan_core.bounds import MAX_ID
from suyuan_core.inputs import FILLED, PartyInput, accepts, nested
from suyuan_core.tables import under_any
from suyuan_self_governance import models as m
from suyuan_self_governance.common import date_conv, event_time, refuse_fees

FORMS = ("written", "oral")
RESULTS = ("performed", "partly_performed", "not_performed")
#: a text Art 29 requires in the agreement: not blank.
ART29 = accepts(max_length=20000, pattern=FILLED)
RESULT_LABELS = {"performed": "已履行", "partly_performed": "部分履行", "not_performed": "未履行"}


def _parties(value: Any) -> tuple[PartyInput, ...] | None:
    return None if value is None else nested(PartyInput, "parties", refuse=refuse_fees)(value)


@attrs.frozen
class AgreementInput:
    case_id: int
    form: str = attrs.field(metadata=accepts(enum=FORMS))
    facts: str = attrs.field(metadata=ART29)
    issues: str = attrs.field(metadata=ART29)
    responsibilities: dict[str, str]
    terms: str = attrs.field(metadata=ART29)
    performance_manner: str = attrs.field(metadata=ART29)
    performance_due: dt.date = attrs.field(converter=date_conv("performance_due"))  # type: ignore[misc]
    reached_on: dt.date = attrs.field(converter=date_conv("reached_on"))  # type: ignore[misc]
    committee: str | None = None
    #: defaults to the case's parties.
    parties: tuple[PartyInput, ...] | None = attrs.field(
        default=None, converter=_parties, metadata=accepts(max_items=bounds.MAX_PARTIES))

    def __attrs_post_init__(self) -> None:
        if self.form not in FORMS:
            raise ValidationError(f"{self.form!r} is not one of {', '.join(FORMS)}", field="form",
                                  rule="one_of")
        for name in ("facts", "issues", "terms", "performance_manner"):
            if not str(getattr(self, name)).strip():
                raise ValidationError("is required in a mediation agreement "
                                      "(People's Mediation Law Art 29)", field=name,
                                      rule="mediation_law_art29")
        if not isinstance(self.responsibilities, dict):
            raise ValidationError("map each party's name to her responsibility",
                                  field="responsibilities", rule="shape")
        refuse_fees(self.responsibilities, "responsibilities")
        if self.performance_due < self.reached_on:
            raise ValidationError(f"performance is due {self.performance_due}, before the agreement "
                                  f"was reached ({self.reached_on})", field="performance_due",
                                  rule="after_reached")


@attrs.frozen
class Agreement:
    id: int
    case_id: int
    case_title: str
    session_id: int
    form: str
    parties: tuple[dict[str, str], ...]
    facts: str = attrs.field(metadata=ART29)
    issues: str = attrs.field(metadata=ART29)
    responsibilities: dict[str, str]
    terms: str = attrs.field(metadata=ART29)
    performance_manner: str = attrs.field(metadata=ART29)
    performance_due: dt.date
    mediator: str
    mediator_name: str
    committee: str | None
    committee_name: str | None
    reached_on: dt.date
    signatures: dict[str, str]
    mediator_signed_on: dt.date | None
    sealed_on: dt.date | None
    effective_on: dt.date | None
    status: str
    checks: tuple[dict[str, Any], ...] = ()

    @property
    def copies(self) -> int:
        """One per party plus one for the committee's archive (Art 29)."""
        return len(self.parties) + 1

    def missing(self) -> list[str]:
        """What the written agreement still needs before it takes effect."""
        if self.form == "oral":
            return []
        out = [f"{p['name']} 签名" for p in self.parties if p["name"] not in self.signatures]
        if self.mediator_signed_on is None:
            out.append("调解员签名")
        if self.sealed_on is None:
            out.append("调解委员会印章")
        return out

    def as_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        for key in ("performance_due", "reached_on", "mediator_signed_on", "sealed_on",
                    "effective_on"):
            data[key] = data[key].isoformat() if data[key] else None
        data["copies"] = self.copies
        data["missing"] = self.missing()
        return data


class Agreements:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def draft(self, item: AgreementInput, *, actor: str,
              session: Session | None = None) -> Agreement:
        """Draw up the agreement of a case settled by a talk-and-reason session."""
        d = self.d
        with d.transaction(session) as s:
            case = d.cases.get(item.case_id, s, lock=True)
            settled = s.execute(sa.select(m.sessions).where(
                m.sessions.c.case_id == item.case_id, m.sessions.c.outcome == "success")
                .order_by(m.sessions.c.id.desc())).first()
            if settled is None or case.status.value not in ("resolved", "closed"):
                raise Conflict(f"case {item.case_id} was not settled by a talk-and-reason "
                               "session; an agreement follows a successful mediation",
                               field="case_id", rule="successful_mediation")
            if s.execute(sa.select(m.agreements.c.id).where(
                    m.agreements.c.case_id == item.case_id)).first():
                raise Conflict(f"case {item.case_id} already has an agreement",
                               field="case_id", rule="one_agreement")
            given = case.parties if item.parties is None else item.parties
            parties = tuple({k: str(v) for k, v in p.as_dict().items() if k != "anonymous"}
                            for p in given)
            names = [p["name"] for p in parties]
            if len(parties) < 2 or len(set(names)) != len(names):
                raise ValidationError("an agreement names at least two distinct parties",
                                      field="parties", rule="two_parties",
                                      hint="record the parties on the case or pass parties")
            stray = sorted(set(item.responsibilities) - set(names))
            if stray:
                raise ValidationError(f"{', '.join(stray)} is not a party", field="responsibilities",
                                      rule="party")
            missing = [n for n in names if not str(item.responsibilities.get(n, "")).strip()]
            if missing:
                raise ValidationError(f"state the responsibility of {', '.join(missing)} "
                                      "(Art 29)", field="responsibilities",
                                      rule="mediation_law_art29")
            committee_id = None
            if item.committee:
                committee_id = self.d.roster.organisation(
                    item.committee, kind="mediation_committee", session=s, field="committee").id
            elif item.form == "written":
                raise ValidationError("a written agreement carries the seal of a mediation "
                                      "committee: name it", field="committee", rule="required")
            oral = item.form == "oral"
            aid = s.execute(m.agreements.insert().returning(m.agreements.c.id).values(
                case_id=item.case_id, session_id=settled.id, form=item.form,
                parties=[dict(p) for p in parties], facts=item.facts, issues=item.issues,
                responsibilities=dict(item.responsibilities), terms=item.terms,
                performance_manner=item.performance_manner,
                performance_due=item.performance_due, mediator_id=settled.mediator_id,
                committee_id=committee_id, reached_on=item.reached_on, signatures={},
                effective_on=item.reached_on if oral else None,
                status="effective" if oral else "draft")).scalar_one()
            kind = "self_governance.agreement_effective" if oral else \
                "self_governance.agreement_drafted"
            d.cases.record(item.case_id, kind, actor=actor, session=s,
                           occurred_at=event_time(d, s, item.case_id, item.reached_on),
                           data={"agreement_id": aid, "form": item.form,
                                 **({"effective_on": item.reached_on.isoformat()} if oral else {})})
            return self.get(aid, session=s)

    def sign(self, agreement_id: int, signer: str, on: dt.date | str, *, actor: str,
             session: Session | None = None) -> Agreement:
        """A party signs (``signer`` = her name) or the mediator signs (``signer`` = "mediator")."""
        day = date_conv("on")(on)
        with self.d.transaction(session) as s:
            a = self._writable(s, agreement_id, day)
            if signer == "mediator":
                if a.mediator_signed_on is not None:
                    raise Conflict(f"the mediator signed on {a.mediator_signed_on}",
                                   field="signer", rule="once")
                s.execute(m.agreements.update().where(m.agreements.c.id == agreement_id)
                          .values(mediator_signed_on=day))
            else:
                if signer not in {p["name"] for p in a.parties}:
                    raise Conflict(f"{signer!r} is not a party to agreement {agreement_id} "
                                   f"(parties: {', '.join(p['name'] for p in a.parties)}; "
                                   "or 'mediator')", field="signer", rule="party")
                if signer in a.signatures:
                    raise Conflict(f"{signer} signed on {a.signatures[signer]}",
                                   field="signer", rule="once")
                s.execute(m.agreements.update().where(m.agreements.c.id == agreement_id)
                          .values(signatures={**a.signatures, signer: day.isoformat()}))
            return self._maybe_effective(s, agreement_id, actor)

    def seal(self, agreement_id: int, on: dt.date | str, *, actor: str,
             session: Session | None = None) -> Agreement:
        """The mediation committee applies its seal."""
        day = date_conv("on")(on)
        with self.d.transaction(session) as s:
            a = self._writable(s, agreement_id, day)
            if a.sealed_on is not None:
                raise Conflict(f"sealed on {a.sealed_on}", field="agreement", rule="once")
            s.execute(m.agreements.update().where(m.agreements.c.id == agreement_id)
                      .values(sealed_on=day))
            return self._maybe_effective(s, agreement_id, actor)

    def _writable(self, s: Session, agreement_id: int, day: dt.date) -> Agreement:
        a = self.get(agreement_id, session=s)
        if a.form != "written":
            raise Conflict("an oral agreement takes effect when reached; it is not signed "
                           "or sealed (Art 30)", field="agreement", rule="written_only")
        if a.status != "draft":
            raise Conflict(f"agreement {agreement_id} is already {a.status}",
                           field="agreement", rule="draft_only")
        if day < a.reached_on:
            raise Conflict(f"{day} is before the agreement was reached ({a.reached_on})",
                           field="on", rule="after_reached")
        return a

    def _maybe_effective(self, s: Session, agreement_id: int, actor: str) -> Agreement:
        a = self.get(agreement_id, session=s)
        if a.missing():
            return a
        dates = [dt.date.fromisoformat(v) for v in a.signatures.values()]
        dates += [x for x in (a.mediator_signed_on, a.sealed_on) if x is not None]
        effective = max(dates)
        s.execute(m.agreements.update().where(m.agreements.c.id == agreement_id)
                  .values(effective_on=effective, status="effective"))
        self.d.cases.record(a.case_id, "self_governance.agreement_effective", actor=actor,
                            session=s, occurred_at=event_time(self.d, s, a.case_id, effective),
                            data={"agreement_id": agreement_id, "form": a.form,
                                             "effective_on": effective.isoformat()})
        return self.get(agreement_id, session=s)

    def follow_up(self, agreement_id: int, checked_on: dt.date | str, result: str, *,
                  actor: str, note: str = "", session: Session | None = None) -> (
            tuple[Agreement, list[str]]):
        """回访: record whether the agreement was performed. "Not performed" asks every plugin
        implementing ``suyuan_mediation_agreement_unperformed`` what to do (judicial confirmation
        in the rule_of_law pillar); their notes are kept with the check and returned."""
        day = date_conv("checked_on")(checked_on)
        if result not in RESULTS:
            raise ValidationError(f"{result!r} is not one of {', '.join(RESULTS)}", field="result",
                                  rule="one_of")
        d = self.d
        with d.transaction(session) as s:
            a = self.get(agreement_id, session=s)
            if a.effective_on is None:
                raise Conflict(f"agreement {agreement_id} has not taken effect (missing: "
                               f"{', '.join(a.missing())})", field="agreement",
                               rule="effective")
            if a.status in ("performed", "not_performed"):
                raise Conflict(f"agreement {agreement_id} was already found {a.status}",
                               field="agreement", rule="final_check")
            if day < a.effective_on:
                raise Conflict(f"{day} is before the agreement took effect "
                               f"({a.effective_on})", field="checked_on",
                               rule="after_effective")
            case = d.cases.record(a.case_id, "self_governance.performance", actor=actor,
                                  session=s, occurred_at=event_time(d, s, a.case_id, day),
                                  data={"agreement_id": agreement_id, "result": result,
                                                   "checked_on": day.isoformat()})
            notes: list[str] = []
            if result == "not_performed":
                payload = {**a.as_dict(), "status": "not_performed", "ref": ref_of(a.id)}
                notes = [n for n in d.hook.suyuan_mediation_agreement_unperformed(
                    case=case, agreement=payload, deployment=d, session=s) if n]
            s.execute(m.performance_checks.insert().values(
                agreement_id=agreement_id, checked_on=day, result=result, note=note,
                follow_up=notes, actor=actor))
            status = {"performed": "performed", "not_performed": "not_performed"}.get(result,
                                                                                       a.status)
            s.execute(m.agreements.update().where(m.agreements.c.id == agreement_id)
                      .values(status=status))
            return self.get(agreement_id, session=s), notes

    # -- reading --------------------------------------------------------------------------------
    def get(self, agreement_id: int, *, session: Session | None = None) -> Agreement:
        def read(s: Session) -> Agreement:
            p, o, k = tables.persons, tables.organisations, tables.cases
            a = m.agreements
            row = s.execute(
                sa.select(a, p.c.external_id.label("mediator_ext"),
                          p.c.name.label("mediator_name_"),
                          o.c.external_id.label("committee_ext"),
                          o.c.name.label("committee_name_"), k.c.title.label("case_title_"))
                .join(p, p.c.id == a.c.mediator_id)
                .outerjoin(o, o.c.id == a.c.committee_id)
                .join(k, k.c.id == a.c.case_id)
                .where(a.c.id == agreement_id)).first()  # one query, not four
            if row is None:
                raise NotFound(f"no agreement {agreement_id}", field="agreement", rule="exists")
            checks = tuple({"checked_on": c.checked_on.isoformat(), "result": c.result,
                            "note": c.note, "follow_up": list(c.follow_up)}
                           for c in s.execute(sa.select(m.performance_checks).where(
                               m.performance_checks.c.agreement_id == agreement_id)
                               .order_by(m.performance_checks.c.id)))
            return Agreement(
                id=row.id, case_id=row.case_id, case_title=row.case_title_,
                session_id=row.session_id,
                form=row.form, parties=tuple(row.parties), facts=row.facts, issues=row.issues,
                responsibilities=dict(row.responsibilities), terms=row.terms,
                performance_manner=row.performance_manner, performance_due=row.performance_due,
                mediator=row.mediator_ext, mediator_name=row.mediator_name_,
                committee=row.committee_ext if row.committee_id is not None else None,
                committee_name=row.committee_name_ if row.committee_id is not None else None,
                reached_on=row.reached_on,
                signatures=dict(row.signatures), mediator_signed_on=row.mediator_signed_on,
                sealed_on=row.sealed_on, effective_on=row.effective_on, status=row.status,
                checks=checks)
        if session is not None:
            return read(session)
        with self.d.reading() as s:
            return read(s)

    def for_case(self, case_id: int) -> Agreement:
        with self.d.reading() as s:
            aid = s.execute(sa.select(m.agreements.c.id)
                            .where(m.agreements.c.case_id == case_id)).scalar()
            if aid is None:
                raise NotFound(f"case {case_id} has no agreement", field="case_id", rule="exists")
            return self.get(aid, session=s)

    def list(self, status: str | None = None, limit: int = 100,
             area_paths: Sequence[str] | None = None) -> list[Agreement]:
        """Agreements (oldest first); with ``area_paths``, only those whose case lies under one
        of them (the areas a caller may read)."""
        q = sa.select(m.agreements.c.id).order_by(m.agreements.c.id).limit(limit)
        if status:
            q = q.where(m.agreements.c.status == status)
        if area_paths is not None:
            c = tables.cases.c
            q = q.join(tables.cases, c.id == m.agreements.c.case_id).where(
                under_any(c.area_path, area_paths))
        with self.d.reading() as s:
            return [self.get(i, session=s) for i in s.scalars(q)]


# -- between pillars (hooks) ---------------------------------------------------------------------

KEEPER = "self_governance"
#: states the court's decision on judicial confirmation moves an agreement to.
DECIDED = {"confirmed": "court_confirmed", "refused": "court_refused"}  # status is String(16)


def ref_of(agreement_id: int) -> str:
    """The public reference other pillars use for an agreement (``self_governance:<id>``)."""
    return f"{KEEPER}:{agreement_id}"


def public(d: Deployment, s: Session, agreement_ref: str) -> MediationAgreement | None:
    """``suyuan_mediation_agreement``: one of this plugin's agreements as a public value."""
    plugin, _, local = agreement_ref.partition(":")
    if plugin != KEEPER or not (local.isascii() and local.isdigit()) or int(local) > MAX_ID:
        return None  # not ours, or no id any row can have
    try:
        a = Agreements(d).get(int(local), session=s)
    except NotFound:
        return None
    case = s.execute(sa.select(tables.cases.c.category, tables.cases.c.area_code)
                     .where(tables.cases.c.id == a.case_id)).one()
    return MediationAgreement(ref=agreement_ref, case_id=a.case_id, area_code=case.area_code,
                              matter=case.category, parties=a.parties,
                              effective_on=a.effective_on, status=a.status, terms=a.terms,
                              form=a.form)


def effective_between(d: Deployment, s: Session, start: dt.date,
                      end: dt.date) -> list[MediationAgreement]:
    """``suyuan_mediation_agreements``: this plugin's agreements still ``effective`` that took
    effect from ``start`` to ``end`` (the rule_of_law pillar's confirmation-window warning)."""
    a = m.agreements.c
    ids = s.scalars(sa.select(a.id).where(a.status == "effective", a.effective_on >= start,
                                          a.effective_on <= end).order_by(a.id)).all()
    found = [public(d, s, ref_of(int(i))) for i in ids]
    return [x for x in found if x is not None]


def decided(d: Deployment, s: Session, decision: ConfirmationDecision) -> None:
    """``suyuan_judicial_confirmation_decided``: the court's decision moves the agreement's state
    (confirmed → enforceable; refused → the parties may re-mediate or sue)."""
    plugin, _, local = decision.agreement_ref.partition(":")
    if plugin != KEEPER or not local.isdigit():
        return
    s.execute(m.agreements.update().where(m.agreements.c.id == int(local))
              .values(status=DECIDED[decision.outcome]))


# -- printing ------------------------------------------------------------------------------------

def role_label(role: str, lang: str = "zh-Hans") -> str:
    """A party's role in the document's language, from the core's catalog (``applicant`` →
    申请人): the agreement is a Chinese legal document, so Chinese unless asked otherwise."""
    return templates.translations("suyuan_core", lang).gettext(role)


def sections(a: Agreement) -> list[tuple[str, str]]:
    parties = "\n".join(
        f"{role_label(p.get('role') or 'party')}：{p['name']}"
        + "".join(f"，{label}：{p[k]}" for k, label in (("id_number", "身份证号"),
                                                        ("address", "住址"), ("phone", "电话"))
                  if p.get(k))
        for p in a.parties)
    responsibilities = "\n".join(f"{name}：{text}" for name, text in a.responsibilities.items())
    return [
        ("当事人基本情况 Parties", parties),
        ("纠纷主要事实 Main facts", a.facts),
        ("争议事项 Points in dispute", a.issues),
        ("各方当事人的责任 Each party's responsibility", responsibilities),
        ("达成协议的内容 Agreed terms", a.terms),
        ("履行方式、期限 Manner and time limit of performance",
         f"{a.performance_manner}\n履行期限 Due by: {a.performance_due.isoformat()}"),
    ]


def title_of(a: Agreement) -> str:
    return "人民调解协议书" if a.form == "written" else "口头调解协议记录"


def signature_lines(a: Agreement) -> list[str]:
    lines = [f"当事人 {p['name']}（签名、盖章或按指印）："
             f"{a.signatures.get(p['name'], '________')}" for p in a.parties]
    lines.append(f"人民调解员 {a.mediator_name}（签名）："
                 f"{a.mediator_signed_on.isoformat() if a.mediator_signed_on else '________'}")
    lines.append(f"{a.committee_name or '人民调解委员会'}（印章）："
                 f"{a.sealed_on.isoformat() if a.sealed_on else '________'}")
    return lines


def footer(a: Agreement) -> str:
    if a.form == "oral":
        return (f"本口头协议自达成之日（{a.reached_on.isoformat()}）起生效（《人民调解法》第三十条）。"
                "调解员记录协议内容。")
    effective = a.effective_on.isoformat() if a.effective_on else "尚未生效 not yet in effect"
    return (f"本协议书自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效"
            f"（《人民调解法》第二十九条）。生效日期 Effective: {effective}。本协议书一式{a.copies}份，"
            f"当事人各执一份，人民调解委员会留存一份。")


def render_html(a: Agreement) -> str:
    """A self-contained page to print (no script, no external resource: it works offline)."""
    e = html.escape
    body = "".join(f"<h2>{e(head)}</h2><p>{e(text).replace(chr(10), '<br>')}</p>"
                   for head, text in sections(a))
    signs = "".join(f"<li>{e(line)}</li>" for line in signature_lines(a)) if a.form == "written" \
        else ""
    return f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>{e(title_of(a))} #{a.id}</title>
<style>
body {{ font-family: "SimSun", "Songti SC", serif; max-width: 42em; margin: 2em auto; line-height: 1.7; }}
h1 {{ text-align: center; letter-spacing: .3em; }} h2 {{ font-size: 1.05em; margin-bottom: .2em; }}
.meta {{ text-align: right; color: #444; }} ul.sign {{ list-style: none; padding: 0; margin-top: 2em; }}
@media print {{ body {{ margin: 0; }} .noprint {{ display: none; }} }}
</style></head><body>
<h1>{e(title_of(a))}</h1>
<p class="meta">编号 No. {a.id} · 案件 Case {a.case_id}（{e(a.case_title)}）<br>
达成日期 Reached: {a.reached_on.isoformat()} · 调解员 Mediator: {e(a.mediator_name)}
{(' · ' + e(a.committee_name)) if a.committee_name else ''}</p>
{body}
<ul class="sign">{signs}</ul>
<p>{e(footer(a))}</p>
<p class="noprint"><small>人民调解不收取任何费用。People's mediation is free of charge.</small></p>
</body></html>
"""


def render_docx(a: Agreement) -> bytes:
    """The agreement as a Word document (python-docx, pure Python, no network)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")  # CJK text in SimSun
    heading = doc.add_heading(title_of(a), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = doc.add_paragraph(f"编号 No. {a.id}    案件 Case {a.case_id}（{a.case_title}）\n"
                             f"达成日期 Reached: {a.reached_on.isoformat()}    "
                             f"调解员 Mediator: {a.mediator_name}"
                             + (f"    {a.committee_name}" if a.committee_name else ""))
    meta.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for head, text in sections(a):
        doc.add_heading(head, level=2)
        for line in text.splitlines() or [""]:
            doc.add_paragraph(line)
    if a.form == "written":
        doc.add_paragraph("")
        for line in signature_lines(a):
            doc.add_paragraph(line)
    doc.add_paragraph(footer(a))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
