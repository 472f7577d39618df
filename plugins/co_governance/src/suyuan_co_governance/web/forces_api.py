"""Routes over the Party organisations and the social forces: Party organisations and groups,
memberships and teams, the mediation bodies behind the "with a Party group" figure; people and
organisations of the social forces; participation in cases and activities; volunteer hours."""

from __future__ import annotations

from typing import Annotated, Any

import attrs
from litestar import get, post
from litestar.params import Parameter

from suyuan_co_governance.common import code_of
from suyuan_co_governance.party import PartyOrgInput, TeamInput
from suyuan_co_governance.service import service
from suyuan_co_governance.social import (
    ForceOrgInput,
    ForcePersonInput,
    HoursInput,
    ParticipationInput,
)
from suyuan_co_governance.vocab import FORCES
from suyuan_co_governance.web.common import (
    FORCES as FORCES_PERMISSION,
)
from suyuan_co_governance.web.common import (
    HOURS,
    PARTICIPATION,
    PARTY,
    READ,
    ROSTER_READ,
    AnyRequest,
    DeploymentDep,
    PrincipalDep,
    audited,
    readable_case,
    require,
    scope_paths,
)
from suyuan_core import (
    FIELD_BOUNDS,
    PERIOD_PATTERN,
    Deployment,
    parse_period,
)
from suyuan_core.bodies import body, list_body, parse, parse_list
from suyuan_core.bounds import MAX_ID
from suyuan_core.inputs import accepts

Area = Annotated[str | None, Parameter(max_length=64, description="an area code (its subtree)")]
PeriodParam = Annotated[str | None, Parameter(max_length=16, schema_extra={"pattern": PERIOD_PATTERN},
                                               description="e.g. 2026-05, 2026-Q2")]
Force = Annotated[str | None, Parameter(max_length=32, schema_extra={"enum": list(FORCES)})]
CaseId = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]


@attrs.frozen
class MemberInput:
    """A Party member's membership of a Party organisation."""

    person: str
    party_org: str
    joined_on: str | None = attrs.field(default=None, metadata=accepts(not_future=True))


PartyOrgBody = Annotated[dict[str, Any], body(PartyOrgInput)]
MemberBody = Annotated[dict[str, Any], body(MemberInput)]
TeamBody = Annotated[dict[str, Any], body(TeamInput)]
OrgBody = Annotated[dict[str, Any], body(ForceOrgInput)]
ParticipationBody = Annotated[dict[str, Any], body(ParticipationInput)]
HoursBody = Annotated[dict[str, Any], body(HoursInput)]
PeopleBody = Annotated[dict[str, Any], list_body(
    ForcePersonInput, "people", "People of the social forces to add or update (all or nothing)",
    max_items=500)]


def _force(value: str | None) -> str | None:
    return code_of(FORCES, value, "force") if value is not None else None


# -- the Party -----------------------------------------------------------------------------
@get("/party/orgs", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="Party organisations and the Party groups in mediation bodies, in your areas")
def list_party_orgs(deployment: DeploymentDep, principal: PrincipalDep,
                    area: Area = None) -> list[dict[str, Any]]:
    paths = scope_paths(deployment, principal, ROSTER_READ, area)
    return service(deployment).party.orgs(area_paths=paths)


@post("/party/orgs", opt={"permission": PARTY}, sync_to_thread=True, status_code=200,
      summary="Add or update a village/community Party organisation or a Party group inside a "
              "mediation body")
def save_party_org(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   data: PartyOrgBody) -> dict[str, Any]:
    item = parse(PartyOrgInput, data)
    require(deployment, principal, PARTY, item.area_code)
    with audited(deployment, principal, request, "co_governance.party.org",
                 record=f"organisation:{item.external_id}") as s:
        return service(deployment).party.save_org(item, session=s)


@post("/party/members", opt={"permission": PARTY}, sync_to_thread=True, status_code=200,
      summary="Record a Party member's membership of a Party organisation")
def add_party_member(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                     data: MemberBody) -> dict[str, Any]:
    item = parse(MemberInput, data)
    cg = service(deployment)
    orgs = cg.party.orgs(external_ids=[item.party_org])
    if orgs:
        require(deployment, principal, PARTY, orgs[0]["area_code"], field="party_org")
    with audited(deployment, principal, request, "co_governance.party.member",
                 record=f"person:{item.person}") as s:
        cg.party.add_member(item.person, item.party_org, item.joined_on, session=s)
    return attrs.asdict(item)


@get("/party/teams", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="Members of the prevention and mediation teams in your areas (Party members "
             "marked)")
def list_teams(deployment: DeploymentDep, principal: PrincipalDep,
               area: Area = None) -> list[dict[str, Any]]:
    return service(deployment).party.teams(scope_paths(deployment, principal, ROSTER_READ, area))


@post("/party/teams", opt={"permission": PARTY}, sync_to_thread=True, status_code=200,
      summary="Someone joins a body's prevention or mediation team")
def join_team(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
              data: TeamBody) -> dict[str, Any]:
    item = parse(TeamInput, data)
    cg = service(deployment)
    for who in deployment.roster.list(external_ids=[item.person]):
        for code in who.areas:
            require(deployment, principal, PARTY, code, field="person")
    with audited(deployment, principal, request, "co_governance.party.team",
                 record=f"person:{item.person}") as s:
        return cg.party.join_team(item, session=s)


@get("/party/bodies", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="The mediation bodies behind the figure 'mediation bodies with a Party group' "
             "(with_group=true: the numerator; false: those still without)")
def party_bodies(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                 with_group: Annotated[bool | None, Parameter(
                     description="true: bodies with a Party group; false: those without")] = None
                 ) -> list[dict[str, Any]]:
    cg = service(deployment)
    paths = scope_paths(deployment, principal, ROSTER_READ, area)
    found: dict[str, dict[str, Any]] = {}
    for path in paths:
        for b in cg.party.bodies(path.strip("/").split("/")[-1], with_group):
            found.setdefault(b["external_id"], b)
    return [found[k] for k in sorted(found)]


# -- social forces -------------------------------------------------------------------------
@get("/people", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="Party members, volunteers (with their hours), deputies, retired judicial and "
             "police officers serving your areas")
def list_people(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                force: Force = None) -> list[dict[str, Any]]:
    paths = scope_paths(deployment, principal, ROSTER_READ, area)
    return service(deployment).forces.people(paths, _force(force))


@post("/people", opt={"permission": FORCES_PERMISSION}, sync_to_thread=True, status_code=200,
      summary="Add or update people of the social forces (all or nothing)")
def save_people(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                data: PeopleBody) -> dict[str, int]:
    def may_edit(item: ForcePersonInput, where: str) -> None:
        for code in item.areas:
            require(deployment, principal, FORCES_PERMISSION, code, field=f"{where}.areas")

    items = parse_list(ForcePersonInput, data, "people", max_items=500, each=may_edit)
    with audited(deployment, principal, request, "co_governance.people.save",
                 record="people:" + ",".join(i.external_id for i in items)[:200]) as s:
        saved = service(deployment).forces.save_people(items, session=s)
    return {"saved": saved}


@get("/orgs", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="Social organisations, the law society, chambers of commerce, trade associations "
             "and responsible units serving your areas")
def list_orgs(deployment: DeploymentDep, principal: PrincipalDep,
              area: Area = None) -> list[dict[str, Any]]:
    return service(deployment).forces.orgs(scope_paths(deployment, principal, ROSTER_READ, area))


@post("/orgs", opt={"permission": FORCES_PERMISSION}, sync_to_thread=True, status_code=200,
      summary="Add or update an organisation of the social forces or a responsible unit")
def save_org(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
             data: OrgBody) -> dict[str, Any]:
    item = parse(ForceOrgInput, data)
    require(deployment, principal, FORCES_PERMISSION, item.area_code)
    with audited(deployment, principal, request, "co_governance.org.save",
                 record=f"organisation:{item.external_id}") as s:
        service(deployment).forces.save_orgs([item], session=s)
    return attrs.asdict(item)


@get("/participations", opt={"permission": READ}, sync_to_thread=True,
     summary="Who joined which case or activity, as what force and in what role (the records "
             "behind the participation figures)")
def list_participations(deployment: DeploymentDep, principal: PrincipalDep,
                        case_id: CaseId = None, force: Force = None, area: Area = None,
                        period: PeriodParam = None) -> list[dict[str, Any]]:
    if case_id is not None:
        readable_case(deployment, principal, case_id)
    paths = scope_paths(deployment, principal, READ, area)
    return service(deployment).forces.participations(
        case_id=case_id, force=_force(force), area_paths=paths,
        period=parse_period(period) if period else None)


@post("/participations", opt={"permission": PARTICIPATION}, sync_to_thread=True,
      status_code=201,
      summary="Record a person or organisation joining a case (written as the case event "
              "co_governance.participation) or an activity")
def participate(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                data: ParticipationBody) -> dict[str, Any]:
    item = parse(ParticipationInput, data)
    if item.case_id is not None:
        case = readable_case(deployment, principal, item.case_id)
        require(deployment, principal, PARTICIPATION, case.area_code, field="case_id")
    elif item.area_code is not None:
        require(deployment, principal, PARTICIPATION, item.area_code)
    with audited(deployment, principal, request, "co_governance.participation",
                 record=f"case:{item.case_id}" if item.case_id else None) as s:
        return service(deployment).forces.participate(item, actor=principal.actor, session=s)


@get("/hours", opt={"permission": READ}, sync_to_thread=True,
     summary="Volunteer service-hours entries in your areas (behind the hours figure)")
def list_hours(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
               period: PeriodParam = None,
               volunteer: Annotated[str | None, Parameter(max_length=64)] = None
               ) -> list[dict[str, Any]]:
    paths = scope_paths(deployment, principal, READ, area)
    return service(deployment).forces.hours(area_paths=paths,
                                            period=parse_period(period) if period else None,
                                            volunteer=volunteer)


def _hours_bound(deployment: Deployment) -> dict[str, Any]:
    """The served document's upper bound of one entry: the deployment's setting the service
    refuses above (``max_hours_per_entry``)."""
    return {"hours": {"maximum": service(deployment).forces.settings.max_hours_per_entry}}


@post("/hours", opt={"permission": HOURS, FIELD_BOUNDS: _hours_bound}, sync_to_thread=True,
      status_code=201,
      summary="Record a volunteer's service hours on a day (a day in the future is refused)")
def record_hours(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                 data: HoursBody) -> dict[str, Any]:
    item = parse(HoursInput, data)
    if item.case_id is not None:
        case = readable_case(deployment, principal, item.case_id)
        require(deployment, principal, HOURS, case.area_code, field="case_id")
    elif item.area_code is not None:
        require(deployment, principal, HOURS, item.area_code)
    else:
        for who in deployment.roster.list(external_ids=[item.volunteer]):
            for code in who.areas[:1]:
                require(deployment, principal, HOURS, code, field="volunteer")
    with audited(deployment, principal, request, "co_governance.hours",
                 record=f"person:{item.volunteer}") as s:
        return service(deployment).forces.record_hours(item, actor=principal.actor, session=s)


ROUTES = [list_party_orgs, save_party_org, add_party_member, list_teams, join_team,
          party_bodies, list_people, save_people, list_orgs, save_org, list_participations,
          participate, list_hours, record_hours]
