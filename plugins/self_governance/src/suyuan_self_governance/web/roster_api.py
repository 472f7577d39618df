"""Routes over the roster extras: people's mediators (five-veterans background, availability),
the bodies of self-governance (mediation committees with their statutory composition, studios,
supervision and villagers' committees, courtyard alliances) and close relatives (Art 32 bar)."""

from __future__ import annotations

from typing import Annotated, Any

import attrs
from litestar import get, post, put
from litestar.params import Parameter

from suyuan_core import Deployment, NotFound, Principal, ValidationError, http
from suyuan_core.http import AnyRequest, DeploymentDep, PrincipalDep
from suyuan_self_governance.common import to_date
from suyuan_self_governance.roster import BodyInput, MediatorInput
from suyuan_self_governance.service import service
from suyuan_self_governance.vocab import BODY_KINDS
from suyuan_self_governance.web.common import ROSTER_EDIT, ROSTER_READ
from suyuan_self_governance.web.inputs import body, list_body, parse, parse_list

Code = Annotated[str, Parameter(min_length=1, max_length=64)]


@attrs.frozen
class AvailabilityInput:
    """Whether a mediator takes cases now (and until when she does not)."""

    available: bool
    until: str | None = None


@attrs.frozen
class RelativeInput:
    """A close relationship (近亲属), recorded both ways; it may bar a supervision seat."""

    person: str
    relative: str
    relation: str


MediatorsBody = Annotated[dict[str, Any], list_body(
    MediatorInput, "mediators", "People's mediators to add or update (all or nothing)")]
BodyBody = Annotated[dict[str, Any], body(BodyInput)]
AvailabilityBody = Annotated[dict[str, Any], body(AvailabilityInput)]
RelativeBody = Annotated[dict[str, Any], body(RelativeInput)]


def require_person(d: Deployment, principal: Principal, permission: str, external_id: str,
                   field: str) -> None:
    """The caller holds ``permission`` over every area the roster member covers."""
    who = d.roster.get(external_id)
    for area in who.areas:
        http.require_area(d, principal, permission, area, field=field)


@get("/mediators", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="People's mediators covering an area (default: your areas), with background and "
             "availability")
def list_mediators(deployment: DeploymentDep, principal: PrincipalDep,
                   area: Annotated[str | None, Parameter(max_length=64)] = None) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    sg = service(deployment)
    for code in http.area_codes(deployment, principal, ROSTER_READ, area):
        for m in sg.roster.mediators(code):
            found.setdefault(m["external_id"], m)
    return [found[k] for k in sorted(found)]


@post("/mediators", opt={"permission": ROSTER_EDIT}, sync_to_thread=True, status_code=200,
      summary="Add or update people's mediators in your areas (all or nothing)")
def save_mediators(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   data: MediatorsBody) -> dict[str, int]:
    def may_edit(item: MediatorInput, where: str) -> None:
        for area in item.areas:
            http.require_area(deployment, principal, ROSTER_EDIT, area, field=f"{where}.areas")

    items = parse_list(MediatorInput, data, "mediators", each=may_edit)
    with http.audited(deployment, principal, request, "self_governance.mediators.save",
                 record="mediators:" + ",".join(i.external_id for i in items)[:200]) as s:
        added, updated = service(deployment).roster.save_mediators(items, session=s)
    return {"added": added, "updated": updated}


@put("/mediators/{external_id:str}/availability", opt={"permission": ROSTER_EDIT},
     sync_to_thread=True, summary="Mark a mediator available or not (until a date)")
def set_availability(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                     external_id: Code, data: AvailabilityBody) -> dict[str, Any]:
    item = parse(AvailabilityInput, data)
    require_person(deployment, principal, ROSTER_EDIT, external_id, "external_id")
    until = to_date(item.until, "until")
    with http.audited(deployment, principal, request, "self_governance.mediator.availability",
                 record=f"person:{external_id}") as s:
        service(deployment).roster.set_availability(external_id, item.available, until, session=s)
    return {"external_id": external_id, "available": item.available,
            "unavailable_until": until.isoformat() if until else None}


@get("/bodies", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="Committees, studios and alliances in an area's subtree (default: your areas)")
def list_bodies(deployment: DeploymentDep, principal: PrincipalDep,
                kind: Annotated[str | None, Parameter(max_length=64, schema_extra={
                    "enum": list(BODY_KINDS)})] = None,
                area: Annotated[str | None, Parameter(max_length=64)] = None) -> list[dict[str, Any]]:
    if kind is not None and kind not in BODY_KINDS:
        raise ValidationError(f"{kind!r} is not one of {', '.join(BODY_KINDS)}", field="kind",
                              rule="one_of")
    sg = service(deployment)
    found = {b.external_id: b.as_dict()
             for code in http.area_codes(deployment, principal, ROSTER_READ, area)
             for b in sg.roster.bodies(kind=kind, area_code=code)}
    return [found[k] for k in sorted(found)]


@get("/bodies/{external_id:str}", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="One body with its members")
def show_body(deployment: DeploymentDep, principal: PrincipalDep,
              external_id: Code) -> dict[str, Any]:
    found = service(deployment).roster.body(external_id)
    if not principal.can(ROSTER_READ, deployment.areas.tree.path(found.area_code)):
        raise NotFound(f"no body {external_id!r}", field="external_id", rule="exists")
    return found.as_dict()


@post("/bodies", opt={"permission": ROSTER_EDIT}, sync_to_thread=True, status_code=200,
      summary="Create or replace a body and its members: a mediation committee has 3–9 members, "
              "one chair, a woman and a 3-year term (People's Mediation Law Art 8–9)")
def save_body(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
              data: BodyBody) -> dict[str, Any]:
    item = parse(BodyInput, data)
    http.require_area(deployment, principal, ROSTER_EDIT, item.area_code)
    with http.audited(deployment, principal, request, "self_governance.body.save",
                 record=f"organisation:{item.external_id}") as s:
        saved = service(deployment).roster.save_body(item, session=s)
    return saved.as_dict()


@post("/relatives", opt={"permission": ROSTER_EDIT}, sync_to_thread=True, status_code=201,
      summary="Record a close relationship (both ways); refused if it would put a villagers' "
              "committee member's relative on the supervision committee (Organic Law Art 32)")
def add_relative(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                 data: RelativeBody) -> dict[str, Any]:
    item = parse(RelativeInput, data)
    require_person(deployment, principal, ROSTER_EDIT, item.person, "person")
    require_person(deployment, principal, ROSTER_EDIT, item.relative, "relative")
    with http.audited(deployment, principal, request, "self_governance.relative.add",
                 record=f"person:{item.person}") as s:
        service(deployment).roster.add_relative(item.person, item.relative, item.relation,
                                                session=s)
    return attrs.asdict(item)


ROUTES = [list_mediators, save_mediators, set_availability, list_bodies, show_body, save_body,
          add_relative]
