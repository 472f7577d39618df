"""Routes over mediation: talk-and-reason sessions on a case (and its assignment, time limit and
routing proposals) and the mediation agreements that follow a successful one — drawn up, signed,
sealed (taking effect), printed (HTML or DOCX) and followed up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

import attrs
from litestar import MediaType, Response, get, post
from litestar.openapi.spec import Schema
from litestar.params import Parameter

from suyuan_core import Deployment, NotFound, Principal, bodies, bounds, http, period_pattern
from suyuan_core.http import AnyRequest, DeploymentDep, Id, PrincipalDep
from suyuan_core.inputs import FILLED, NO_NUL, accepts
from suyuan_core.times import parse_date
from suyuan_self_governance.agreements import (
    RESULTS,
    Agreement,
    AgreementInput,
    render_docx,
    render_html,
)
from suyuan_self_governance.routing import propose
from suyuan_self_governance.service import service
from suyuan_self_governance.sessions import SessionInput, SessionRecord
from suyuan_self_governance.web.common import AGREEMENTS, ASSIGN, READ, SESSIONS
from suyuan_self_governance.web.inputs import body, parse

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@attrs.frozen
class AssignInput:
    """The mediator to assign (she must cover the case's area, be available and have room)."""

    mediator: str


@attrs.frozen
class ExtendInput:
    """Continue mediation past its time limit: only when both parties agree."""

    #: the service refuses an extension the parties did not agree to, naming the rule
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = {
        "all_of": [Schema(properties={"both_parties_agree": Schema(const=True)})]}

    until: str = attrs.field(metadata=accepts(pattern=period_pattern("day")))
    both_parties_agree: bool
    reason: str = attrs.field(default="", metadata=accepts(max_length=bounds.REASON.max_length,
                                                           pattern=NO_NUL))


@attrs.frozen
class SignInput:
    """A party signs (``signer`` = her name as on the agreement) or ``"mediator"`` signs."""

    signer: str = attrs.field(metadata=accepts(max_length=100, pattern=FILLED))
    on: str = attrs.field(metadata=accepts(pattern=period_pattern("day")))


@attrs.frozen
class SealInput:
    """The mediation committee applies its seal on ``on``."""

    on: str = attrs.field(metadata=accepts(pattern=period_pattern("day")))


@attrs.frozen
class FollowUpInput:
    """回访: was the agreement performed (performed, partly_performed, not_performed)?"""

    checked_on: str = attrs.field(metadata=accepts(pattern=period_pattern("day")))
    result: str = attrs.field(metadata=accepts(enum=RESULTS))
    note: str = attrs.field(default="", metadata=accepts(max_length=bounds.DESCRIPTION.max_length,
                                                         pattern=NO_NUL))


SessionBody = Annotated[dict[str, Any], body(SessionInput)]
AssignBody = Annotated[dict[str, Any], body(AssignInput)]
ExtendBody = Annotated[dict[str, Any], body(ExtendInput)]
AgreementBody = Annotated[dict[str, Any], body(AgreementInput)]
SignBody = Annotated[dict[str, Any], body(SignInput)]
SealBody = Annotated[dict[str, Any], body(SealInput)]
FollowUpBody = Annotated[dict[str, Any], body(FollowUpInput)]


def session_out(d: Deployment, record: SessionRecord, reveal: bool) -> dict[str, Any]:
    out = record.as_dict()
    out["participants"] = d.privacy.parties(list(record.participants), reveal)
    if record.refused_by:
        out["refused_by"] = http.mask_names(d, [record.refused_by], reveal)[record.refused_by]
    return out


# -- sessions ---------------------------------------------------------------------------------
@post("/sessions", opt={"permission": SESSIONS}, sync_to_thread=True, status_code=201,
      summary="Record a talk-and-reason session (说事评理): the matter, the reasons applied, who took "
              "part and the outcome, which moves the case (success → resolved, failure → "
              "unresolved, refusal → withdrawn for good)")
def record_session(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   data: SessionBody) -> dict[str, Any]:
    item = parse(SessionInput, data)
    http.readable_case(deployment, principal, item.case_id, SESSIONS)
    with http.audited(deployment, principal, request, "self_governance.session.record",
                 record=f"case:{item.case_id}") as s:
        record = service(deployment).sessions.record(item, actor=principal.actor, session=s)
    return session_out(deployment, record, False)


def _sessions(d: Deployment, principal: Principal, request: AnyRequest, case_id: int,
              reason: str | None) -> list[dict[str, Any]]:
    case = http.readable_case(d, principal, case_id)
    reveal = http.may_unmask(d, principal, case.area_code, reason is not None, reason)
    if reveal:
        d.audit.write(None, actor=principal.actor, action="case.unmask",
                      record=f"case:{case_id}", reason=reason, ip=http.client_ip(request))
    return [session_out(d, r, reveal) for r in service(d).sessions.list(case_id=case_id)]


@get("/cases/{case_id:int}/sessions", opt={"permission": READ}, sync_to_thread=True,
     summary="The talk-and-reason sessions held on a case (personal data masked; unmask by "
             "POST …/sessions/unmask with a reason)")
def case_sessions(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                  case_id: Id) -> list[dict[str, Any]]:
    return _sessions(deployment, principal, request, case_id, None)


@post("/cases/{case_id:int}/sessions/unmask", opt={"permission": READ}, sync_to_thread=True,
      status_code=200, summary="The sessions with personal data in full: needs "
                               "personal_data.unmask and a reason in the body; audited")
def case_sessions_unmask(request: AnyRequest, deployment: DeploymentDep,
                         principal: PrincipalDep, case_id: Id,
                         data: http.UnmaskBody) -> list[dict[str, Any]]:
    reason = bodies.parse(http.UnmaskIn, data).reason
    return _sessions(deployment, principal, request, case_id, reason)


@post("/cases/{case_id:int}/assign", opt={"permission": ASSIGN}, sync_to_thread=True,
      status_code=200, summary="Assign a people's mediator who covers the case's area, is "
                               "available and below her capacity")
def assign(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep, case_id: Id,
           data: AssignBody) -> dict[str, Any]:
    item = parse(AssignInput, data)
    http.readable_case(deployment, principal, case_id, ASSIGN)
    with http.audited(deployment, principal, request, "self_governance.case.assign",
                      record=f"case:{case_id}") as s:
        case = service(deployment).sessions.assign(case_id, item.mediator, actor=principal.actor,
                                                   session=s)
    return {"case_id": case_id, "status": case.status.value, "assignees": list(case.assignees),
            "version": case.version}


@post("/cases/{case_id:int}/extend", opt={"permission": SESSIONS}, sync_to_thread=True,
      status_code=200, summary="Extend the mediation time limit (both parties must agree)")
def extend(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep, case_id: Id,
           data: ExtendBody) -> dict[str, Any]:
    item = parse(ExtendInput, data)
    until = parse_date(item.until, "until")
    http.readable_case(deployment, principal, case_id, SESSIONS)
    with http.audited(deployment, principal, request, "self_governance.case.extend", record=f"case:{case_id}",
                 reason=item.reason or None) as s:
        case = service(deployment).sessions.extend(
            case_id, until, both_parties_agree=item.both_parties_agree, actor=principal.actor,
            reason=item.reason, session=s)
    return {"case_id": case_id, "deadline": case.deadline.isoformat() if case.deadline else None}


@get("/cases/{case_id:int}/route", opt={"permission": ASSIGN}, sync_to_thread=True,
     summary="People's mediators proposed for a case: area coverage, speciality, load and "
             "availability, each with a score and a reason")
def route(deployment: DeploymentDep, principal: PrincipalDep, case_id: Id) -> list[dict[str, Any]]:
    case = http.readable_case(deployment, principal, case_id, ASSIGN)
    with deployment.reading() as s:
        found = propose(case, deployment, s)
    return [{"handler_kind": p.handler_kind, "handler_id": p.handler_id, "score": p.score,
             "reason": p.reason} for p in found]


# -- agreements -------------------------------------------------------------------------------
def shown(d: Deployment, a: Agreement, reveal: bool) -> Agreement:
    """The agreement with its parties' personal data masked unless ``reveal``."""
    if reveal:
        return a
    names = http.mask_names(d, [p["name"] for p in a.parties], False)

    def text(value: str) -> str:  # the parties' names inside the free text too, longest first
        for full in sorted(names, key=len, reverse=True):
            value = value.replace(full, names[full])
        return value

    return attrs.evolve(
        a, parties=tuple(d.privacy.parties(list(a.parties), False)),
        responsibilities={names.get(k, k): text(v) for k, v in a.responsibilities.items()},
        signatures={names.get(k, k): v for k, v in a.signatures.items()},
        facts=text(a.facts), issues=text(a.issues), terms=text(a.terms),
        performance_manner=text(a.performance_manner), case_title=text(a.case_title))


def agreement_for(d: Deployment, principal: Principal, agreement_id: int, unmask: bool,
                  reason: str | None, request: AnyRequest, action: str) -> Agreement:
    """The agreement as this caller may see it. Its parties' details are shown to whoever may
    manage agreements in the case's area (they draw it up and have it signed) and to whoever
    unmasks with a reason; every such showing is audited."""
    a = service(d).agreements.get(agreement_id)
    case = d.cases.get(a.case_id)
    if not http.in_scope(d, principal, READ, case.area_code):
        raise NotFound(f"no agreement {agreement_id}", field="agreement_id", rule="exists")
    manager = principal.can(AGREEMENTS, d.areas.tree.path(case.area_code))
    reveal = manager or http.may_unmask(d, principal, case.area_code, unmask, reason)
    if reveal:
        d.audit.write(None, actor=principal.actor, action=f"self_governance.agreement.{action}",
                      record=f"agreement:{agreement_id}", reason=reason if unmask else None,
                      ip=http.client_ip(request))
    return shown(d, a, reveal)


@get("/agreements", opt={"permission": READ}, sync_to_thread=True,
     summary="Mediation agreements of cases in your areas (parties masked)")
def list_agreements(deployment: DeploymentDep, principal: PrincipalDep,
                    status: Annotated[str | None, Parameter(max_length=32)] = None,
                    limit: Annotated[int, Parameter(ge=1, le=500)] = 100) -> list[dict[str, Any]]:
    found = service(deployment).agreements.list(status=status, limit=limit,
                                                area_paths=principal.scope(READ))
    return [shown(deployment, a, False).as_dict() for a in found]


@post("/agreements", opt={"permission": AGREEMENTS}, sync_to_thread=True, status_code=201,
      summary="Draw up the mediation agreement of a case settled by talk-and-reason, with the "
              "contents People's Mediation Law Art 29 requires (an oral one takes effect now)")
def draft_agreement(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                    data: AgreementBody) -> dict[str, Any]:
    item = parse(AgreementInput, data)
    http.readable_case(deployment, principal, item.case_id, AGREEMENTS)
    with http.audited(deployment, principal, request, "self_governance.agreement.draft",
                 record=f"case:{item.case_id}") as s:
        a = service(deployment).agreements.draft(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"agreement:{a.id}"
    return a.as_dict()


@get("/agreements/{agreement_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="One agreement: contents, signatures, seal, effect and follow-ups (parties masked "
             "unless you manage agreements here; unmask by POST …/unmask with a reason)")
def show_agreement(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   agreement_id: Id) -> dict[str, Any]:
    return agreement_for(deployment, principal, agreement_id, False, None, request,
                         "read").as_dict()


def _reason(data: dict[str, Any]) -> str:
    return bodies.parse(http.UnmaskIn, data).reason


@post("/agreements/{agreement_id:int}/unmask", opt={"permission": READ}, sync_to_thread=True,
      status_code=200, summary="One agreement with its parties in full: needs "
                               "personal_data.unmask and a reason in the body; audited")
def unmask_agreement(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                     agreement_id: Id, data: http.UnmaskBody) -> dict[str, Any]:
    return agreement_for(deployment, principal, agreement_id, True, _reason(data), request,
                         "read").as_dict()


def _managed(d: Deployment, principal: Principal, agreement_id: int) -> Agreement:
    a = service(d).agreements.get(agreement_id)
    http.readable_case(d, principal, a.case_id, AGREEMENTS)
    return a


@post("/agreements/{agreement_id:int}/signatures", opt={"permission": AGREEMENTS},
      sync_to_thread=True, status_code=200,
      summary="A party or the mediator signs; with every signature and the seal it takes effect")
def sign_agreement(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   agreement_id: Id, data: SignBody) -> dict[str, Any]:
    item = parse(SignInput, data)
    _managed(deployment, principal, agreement_id)
    with http.audited(deployment, principal, request, "self_governance.agreement.sign",
                 record=f"agreement:{agreement_id}") as s:
        a = service(deployment).agreements.sign(agreement_id, item.signer, item.on,
                                                actor=principal.actor, session=s)
    return a.as_dict()


@post("/agreements/{agreement_id:int}/seal", opt={"permission": AGREEMENTS}, sync_to_thread=True,
      status_code=200, summary="The mediation committee seals the agreement")
def seal_agreement(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   agreement_id: Id, data: SealBody) -> dict[str, Any]:
    item = parse(SealInput, data)
    _managed(deployment, principal, agreement_id)
    with http.audited(deployment, principal, request, "self_governance.agreement.seal",
                 record=f"agreement:{agreement_id}") as s:
        a = service(deployment).agreements.seal(agreement_id, item.on, actor=principal.actor,
                                                session=s)
    return a.as_dict()


@post("/agreements/{agreement_id:int}/follow-ups", opt={"permission": AGREEMENTS},
      sync_to_thread=True, status_code=201,
      summary="Record a performance follow-up (回访); 'not performed' asks the rule-of-law pillar "
              "(through a hook) about judicial confirmation")
def follow_up(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
              agreement_id: Id, data: FollowUpBody) -> dict[str, Any]:
    item = parse(FollowUpInput, data)
    _managed(deployment, principal, agreement_id)
    with http.audited(deployment, principal, request, "self_governance.agreement.follow_up",
                 record=f"agreement:{agreement_id}") as s:
        a, notes = service(deployment).agreements.follow_up(
            agreement_id, item.checked_on, item.result, actor=principal.actor, note=item.note,
            session=s)
    return {"agreement": a.as_dict(), "notes": notes}


def _docx(a: Agreement) -> Response[bytes]:
    return Response(render_docx(a), media_type=DOCX, headers={
        "Content-Disposition": f'attachment; filename="agreement-{a.id}.docx"'})


@get("/agreements/{agreement_id:int}/print", opt={"permission": READ}, sync_to_thread=True,
     summary="The agreement as a self-contained page to print (HTML, no external resource)",
     media_type="text/html")
def print_agreement(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                    agreement_id: Id) -> Response[str]:
    a = agreement_for(deployment, principal, agreement_id, False, None, request, "print")
    return Response(render_html(a), media_type=MediaType.HTML)


@post("/agreements/{agreement_id:int}/print/unmask", opt={"permission": READ},
      sync_to_thread=True, status_code=200, media_type="text/html",
      summary="The print view with the parties in full: a reason in the body; audited")
def print_agreement_unmask(request: AnyRequest, deployment: DeploymentDep,
                           principal: PrincipalDep, agreement_id: Id,
                           data: http.UnmaskBody) -> Response[str]:
    a = agreement_for(deployment, principal, agreement_id, True, _reason(data), request, "print")
    return Response(render_html(a), media_type=MediaType.HTML)


@get("/agreements/{agreement_id:int}/docx", opt={"permission": READ}, sync_to_thread=True,
     summary="The agreement as a Word document (DOCX)", media_type=DOCX)
def agreement_docx(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   agreement_id: Id) -> Response[bytes]:
    return _docx(agreement_for(deployment, principal, agreement_id, False, None, request, "docx"))


@post("/agreements/{agreement_id:int}/docx/unmask", opt={"permission": READ},
      sync_to_thread=True, status_code=200, media_type=DOCX,
      summary="The DOCX with the parties in full: a reason in the body; audited")
def agreement_docx_unmask(request: AnyRequest, deployment: DeploymentDep,
                          principal: PrincipalDep, agreement_id: Id,
                          data: http.UnmaskBody) -> Response[bytes]:
    return _docx(agreement_for(deployment, principal, agreement_id, True, _reason(data), request,
                               "docx"))


ROUTES = [record_session, case_sessions, case_sessions_unmask, assign, extend, route,
          list_agreements, draft_agreement, show_agreement, unmask_agreement, sign_agreement,
          seal_agreement, follow_up, print_agreement, print_agreement_unmask, agreement_docx,
          agreement_docx_unmask]
