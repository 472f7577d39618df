"""Routes over the grid and the neighbourhood: patrols (a hazard found opens a grid-level case in
the same transaction), patrol coverage, courtyard alliance small matters (each a case, with the
residents' satisfaction) and Citizens' Sunday events (attendance; matters raised become cases)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get, post
from litestar.params import Parameter

from suyuan_core import AREA_LEVELS, PERIOD_PATTERN, Level, NotFound, http, parse_period
from suyuan_core.http import AnyRequest, DeploymentDep, Id, PrincipalDep
from suyuan_self_governance.alliance import MatterInput
from suyuan_self_governance.patrols import PatrolInput
from suyuan_self_governance.service import service
from suyuan_self_governance.sunday import RaisedMatterInput, SundayEventInput
from suyuan_self_governance.web.common import ACTIVITIES, PATROLS, READ
from suyuan_self_governance.web.inputs import body, parse

Area = Annotated[str | None, Parameter(max_length=64)]
Limit = Annotated[int, Parameter(ge=1, le=500)]

#: a patrol walks a grid or a micro-grid (the service refuses any other level).
GRID_ONLY = {AREA_LEVELS: {"grid_code": (Level.grid, Level.micro_grid)}}


PatrolBody = Annotated[dict[str, Any], body(PatrolInput)]
MatterBody = Annotated[dict[str, Any], body(MatterInput)]
SundayBody = Annotated[dict[str, Any], body(SundayEventInput)]
RaisedBody = Annotated[dict[str, Any], body(RaisedMatterInput)]


# -- patrols ----------------------------------------------------------------------------------
@post("/patrols", opt={"permission": PATROLS, **GRID_ONLY}, sync_to_thread=True,
      status_code=201,
      summary="Record a patrol; each hazard found opens a grid-level case in the same step")
def record_patrol(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                  data: PatrolBody) -> dict[str, Any]:
    item = parse(PatrolInput, data)
    http.require_area(deployment, principal, PATROLS, item.grid_code, field="grid_code")
    with http.audited(deployment, principal, request, "self_governance.patrol.record") as s:
        made = service(deployment).patrols.record(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"patrol:{made['patrol_id']}"
    return made


@get("/patrols", opt={"permission": READ}, sync_to_thread=True,
     summary="Patrols in an area's subtree (default: your areas), newest first")
def list_patrols(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                 limit: Limit = 100) -> list[dict[str, Any]]:
    found = {p["id"]: p for code in http.area_codes(deployment, principal, READ, area)
             for p in service(deployment).patrols.list(code, limit=limit)}
    return [found[k] for k in sorted(found, reverse=True)][:limit]


@get("/patrols/coverage", opt={"permission": READ}, sync_to_thread=True,
     summary="Patrol coverage: grid-weeks with a patrol ÷ grid-weeks, for an area and period")
def patrol_coverage(deployment: DeploymentDep, principal: PrincipalDep,
                    area: Annotated[str, Parameter(min_length=1, max_length=64)],
                    period: Annotated[str, Parameter(min_length=4, max_length=32,
                                                     schema_extra={"pattern": PERIOD_PATTERN},
                                                     description="e.g. 2026-03, 2026-Q1, 2026")],
                    ) -> dict[str, Any]:
    http.require_area(deployment, principal, READ, area, field="area")
    chosen = parse_period(period)
    covered, total = service(deployment).patrols.coverage(area, chosen)
    return {"area": area, "period": str(chosen), "covered_grid_weeks": covered,
            "grid_weeks": total, "rate": round(100 * covered / total, 2) if total else None}


# -- courtyard alliances ----------------------------------------------------------------------
@post("/alliance-matters", opt={"permission": ACTIVITIES}, sync_to_thread=True, status_code=201,
      summary="Record a small matter a courtyard alliance handled (a case, settled or not, with "
              "the residents' satisfaction)")
def record_matter(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                  data: MatterBody) -> dict[str, Any]:
    item = parse(MatterInput, data)
    alliance = service(deployment).roster.body(item.alliance)
    http.require_area(deployment, principal, ACTIVITIES, alliance.area_code, field="alliance")
    with http.audited(deployment, principal, request, "self_governance.alliance.record") as s:
        case = service(deployment).alliance.record(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"case:{case.id}"
    return {"case_id": case.id, "status": case.status.value, "alliance": item.alliance,
            "satisfaction": case.satisfaction}


@get("/alliances/{external_id:str}/summary", opt={"permission": READ}, sync_to_thread=True,
     summary="A courtyard alliance's matters by kind, how many were settled, and satisfaction")
def alliance_summary(deployment: DeploymentDep, principal: PrincipalDep,
                     external_id: Annotated[str, Parameter(min_length=1, max_length=64)],
                     ) -> dict[str, Any]:
    alliance = service(deployment).roster.body(external_id)
    if alliance.kind != "courtyard_alliance" or not http.in_scope(deployment, principal, READ,
                                                             alliance.area_code):
        raise NotFound(f"no courtyard alliance {external_id!r}", field="external_id",
                       rule="exists")
    return {"alliance": external_id, "name": alliance.name,
            **service(deployment).alliance.summary(external_id)}


# -- Citizens' Sunday -------------------------------------------------------------------------
@post("/sunday-events", opt={"permission": ACTIVITIES}, sync_to_thread=True, status_code=201,
      summary="Record a Citizens' Sunday event (one of the four platforms) with its attendance; "
              "matters raised become cases")
def record_event(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                 data: SundayBody) -> dict[str, Any]:
    item = parse(SundayEventInput, data)
    http.require_area(deployment, principal, ACTIVITIES, item.area_code)
    for i, matter in enumerate(item.matters):
        if matter.area_code is not None:
            http.require_area(deployment, principal, ACTIVITIES, matter.area_code,
                              field=f"matters[{i}].area_code")
    with http.audited(deployment, principal, request, "self_governance.sunday.record") as s:
        made = service(deployment).sunday.record(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"sunday_event:{made['event_id']}"
    return made


@get("/sunday-events", opt={"permission": READ}, sync_to_thread=True,
     summary="Citizens' Sunday events in an area's subtree (default: your areas), newest first")
def list_events(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                limit: Limit = 100) -> list[dict[str, Any]]:
    found = {e["id"]: e for code in http.area_codes(deployment, principal, READ, area)
             for e in service(deployment).sunday.list(code, limit=limit)}
    ordered = sorted(found.values(), key=lambda e: (e["held_on"], e["id"]), reverse=True)
    return ordered[:limit]


@post("/sunday-events/{event_id:int}/matters", opt={"permission": ACTIVITIES},
      sync_to_thread=True, status_code=201,
      summary="A matter raised at an event after it was recorded: it becomes a case")
def raise_matter(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                 event_id: Id, data: RaisedBody) -> dict[str, Any]:
    item = parse(RaisedMatterInput, data)
    event = service(deployment).sunday.event(event_id)
    if not http.in_scope(deployment, principal, READ, event["area_code"]):
        raise NotFound(f"no Citizens' Sunday event {event_id}", field="event_id", rule="exists")
    http.require_area(deployment, principal, ACTIVITIES, item.area_code or event["area_code"])
    with http.audited(deployment, principal, request, "self_governance.sunday.matter",
                 record=f"sunday_event:{event_id}") as s:
        case = service(deployment).sunday.raise_matter(event_id, item, actor=principal.actor,
                                                       session=s)
    return {"event_id": event_id, "case_id": case.id, "status": case.status.value}


ROUTES = [record_patrol, list_patrols, patrol_coverage, record_matter, alliance_summary,
          record_event, list_events, raise_matter]
