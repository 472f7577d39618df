"""Routes over village self-government: village rules and courtyard compacts (versions, adoption,
filing, diff) and the four deliberations and two disclosures (each step with its meeting register,
quorum and majority checked; disclosures and their deadlines; the supervision committee's
review)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import attrs
from litestar import get, post
from litestar.params import Parameter

from suyuan_core import AREA_LEVELS, Deployment, Level, NotFound, Principal, http, period_pattern
from suyuan_core.http import AnyRequest, DeploymentDep, Id, PrincipalDep
from suyuan_core.inputs import accepts
from suyuan_self_governance.procedures import Procedure, ProposalInput, ReviewInput, StepInput
from suyuan_self_governance.service import service
from suyuan_self_governance.village_rules import RuleVersionInput
from suyuan_self_governance.web.common import PROCEDURES, READ, RULES, SUPERVISION
from suyuan_self_governance.web.inputs import body, parse

Version = Annotated[int, Parameter(ge=1, le=10**6)]
Area = Annotated[str | None, Parameter(max_length=64)]

#: a 四议两公开 procedure runs in one village/community (the service refuses any other level):
#: the document offers those codes only.
COMMUNITY_ONLY = {AREA_LEVELS: {"area_code": (Level.community,)}}


@attrs.frozen
class FilingInput:
    """When the version was filed (备案) with the town government (Organic Law Art 27)."""

    filed_at: str = attrs.field(metadata=accepts(pattern=period_pattern("day")))


RuleBody = Annotated[dict[str, Any], body(RuleVersionInput)]
FilingBody = Annotated[dict[str, Any], body(FilingInput)]
ProposalBody = Annotated[dict[str, Any], body(ProposalInput)]
StepBody = Annotated[dict[str, Any], body(StepInput,
                                          "The next step of 四议两公开 (procedure_id comes from "
                                          "the path); review and decide carry the meeting register",
                                          path=("procedure_id",))]
ReviewBody = Annotated[dict[str, Any], body(ReviewInput)]


# -- village rules and courtyard compacts -----------------------------------------------------
def _document(d: Deployment, principal: Principal, document_id: int) -> dict[str, Any]:
    doc = service(d).rules.document(document_id)
    if not http.in_scope(d, principal, READ, doc["area_code"]):
        raise NotFound(f"no document {document_id}", field="document_id", rule="exists")
    return doc


@get("/rules", opt={"permission": READ}, sync_to_thread=True,
     summary="Village rules and courtyard compacts in an area's subtree (default: your areas)")
def list_rules(deployment: DeploymentDep, principal: PrincipalDep,
               area: Area = None) -> list[dict[str, Any]]:
    found = {doc["id"]: doc for code in http.area_codes(deployment, principal, READ, area)
             for doc in service(deployment).rules.documents(code)}
    return [found[k] for k in sorted(found)]


@post("/rules", opt={"permission": RULES}, sync_to_thread=True, status_code=201,
      summary="Record a version adopted by a meeting (version 1 creates the document); a quorate "
              "meeting and a carried vote are required when the register is given")
def adopt_rule(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
               data: RuleBody) -> dict[str, Any]:
    item = parse(RuleVersionInput, data)
    http.require_area(deployment, principal, RULES, item.area_code)
    with http.audited(deployment, principal, request, "self_governance.rules.adopt") as s:
        made = service(deployment).rules.adopt(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"rules:{made['document_id']}:v{made['version']}"
    return made


@get("/rules/{document_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="A document and every version: text, adopting meeting, filing")
def rule_versions(deployment: DeploymentDep, principal: PrincipalDep,
                  document_id: Id) -> dict[str, Any]:
    doc = _document(deployment, principal, document_id)
    return {**doc, "versions": service(deployment).rules.versions(document_id)}


@post("/rules/{document_id:int}/versions/{version:int}/filing", opt={"permission": RULES},
      sync_to_thread=True, status_code=200, summary="Record that a version was filed (备案)")
def file_rule(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
              document_id: Id, version: Version, data: FilingBody) -> dict[str, Any]:
    item = parse(FilingInput, data)
    doc = _document(deployment, principal, document_id)
    http.require_area(deployment, principal, RULES, doc["area_code"], field="document_id")
    with http.audited(deployment, principal, request, "self_governance.rules.file",
                 record=f"rules:{document_id}:v{version}") as s:
        service(deployment).rules.file(document_id, version, item.filed_at, session=s)
    return {"document_id": document_id, "version": version, "filed_at": item.filed_at}


@get("/rules/{document_id:int}/diff", opt={"permission": READ}, sync_to_thread=True,
     summary="What changed between two versions (a unified diff, line by line)")
def rule_diff(deployment: DeploymentDep, principal: PrincipalDep, document_id: Id,
              old: Version, new: Version) -> dict[str, Any]:
    _document(deployment, principal, document_id)
    return {"document_id": document_id, "old": old, "new": new,
            "diff": service(deployment).rules.diff(document_id, old, new)}


# -- four deliberations, two disclosures ------------------------------------------------------
def _procedure(d: Deployment, principal: Principal, procedure_id: int) -> Procedure:
    proc = service(d).procedures.get(procedure_id)
    if not http.in_scope(d, principal, READ, proc.area_code):
        raise NotFound(f"no procedure {procedure_id}", field="procedure_id", rule="exists")
    return proc


@get("/procedures", opt={"permission": READ}, sync_to_thread=True,
     summary="四议两公开 procedures in an area's subtree (default: your areas)")
def list_procedures(deployment: DeploymentDep, principal: PrincipalDep,
                    area: Area = None) -> list[dict[str, Any]]:
    found = {p.id: p.as_dict() for code in http.area_codes(deployment, principal, READ, area)
             for p in service(deployment).procedures.list(code)}
    return [found[k] for k in sorted(found)]


@post("/procedures", opt={"permission": PROCEDURES, **COMMUNITY_ONLY}, sync_to_thread=True,
      status_code=201,
      summary="Open a procedure with its first step: the Party organisation proposes")
def open_procedure(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   data: ProposalBody) -> dict[str, Any]:
    item = parse(ProposalInput, data)
    http.require_area(deployment, principal, PROCEDURES, item.area_code)
    with http.audited(deployment, principal, request, "self_governance.procedure.open") as s:
        proc = service(deployment).procedures.open(actor=principal.actor, session=s,
                                                   **attrs.asdict(item))
        s.info["audit_record"] = f"procedure:{proc.id}"
    return proc.as_dict()


@get("/procedures/overdue", opt={"permission": READ}, sync_to_thread=True,
     summary="Procedures whose disclosure is past its deadline (default: today)")
def overdue(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
            on: Annotated[dt.date | None, Parameter(description="the day to judge by")] = None,
            ) -> list[dict[str, Any]]:
    found = {p["procedure_id"]: p for code in http.area_codes(deployment, principal, READ, area)
             for p in service(deployment).procedures.overdue(at=on, area_code=code)}
    return [found[k] for k in sorted(found)]


@get("/procedures/{procedure_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="One procedure: its steps with meeting registers, votes and quorum, and reviews")
def show_procedure(deployment: DeploymentDep, principal: PrincipalDep,
                   procedure_id: Id) -> dict[str, Any]:
    return _procedure(deployment, principal, procedure_id).as_dict()


@post("/procedures/{procedure_id:int}/steps", opt={"permission": PROCEDURES}, sync_to_thread=True,
      status_code=201, summary="Record the next step; an out-of-order step or an inquorate "
                               "meeting is refused and nothing is written")
def procedure_step(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   procedure_id: Id, data: StepBody) -> dict[str, Any]:
    item = parse(StepInput, data, procedure_id=procedure_id)
    proc = _procedure(deployment, principal, procedure_id)
    http.require_area(deployment, principal, PROCEDURES, proc.area_code, field="procedure_id")
    with http.audited(deployment, principal, request, f"self_governance.procedure.{item.step}"[:64],
                 record=f"procedure:{procedure_id}") as s:
        after = service(deployment).procedures.step(item, actor=principal.actor, session=s)
    return after.as_dict()


@post("/supervision-reviews", opt={"permission": SUPERVISION}, sync_to_thread=True,
      status_code=201, summary="The supervision committee's review (村务监督), by members free of "
                               "the conflict-of-interest bar (Organic Law Art 32)")
def supervision_review(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                       data: ReviewBody) -> dict[str, Any]:
    item = parse(ReviewInput, data)
    committee = service(deployment).roster.body(item.committee)
    http.require_area(deployment, principal, SUPERVISION, committee.area_code, field="committee")
    with http.audited(deployment, principal, request, "self_governance.supervision.review") as s:
        made = service(deployment).procedures.review(actor=principal.actor, session=s,
                                                     **attrs.asdict(item))
        s.info["audit_record"] = f"supervision_review:{made['id']}"
    return made


ROUTES = [list_rules, adopt_rule, rule_versions, file_rule, rule_diff, list_procedures,
          open_procedure, overdue, show_procedure, procedure_step, supervision_review]
