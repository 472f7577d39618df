"""Routes over the trade and industry mediation committees: list, one, create or replace (the
coverage conflict rule refuses a category another committee holds for the same area without a
priority), the figures per committee and the cases behind each figure."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get, post
from litestar.params import Parameter

from suyuan_co_governance.committees import CommitteeInput
from suyuan_co_governance.service import service
from suyuan_co_governance.web.common import (
    COMMITTEES,
    READ,
    ROSTER_READ,
    AnyRequest,
    DeploymentDep,
    PrincipalDep,
    audited,
    require,
    scope_paths,
)
from suyuan_core import PERIOD_PATTERN, NotFound, ValidationError, parse_period
from suyuan_core.bodies import body, parse

Code = Annotated[str, Parameter(min_length=1, max_length=64)]
Area = Annotated[str | None, Parameter(max_length=64, description="an area code (its subtree)")]
PeriodParam = Annotated[str | None, Parameter(max_length=16, schema_extra={"pattern": PERIOD_PATTERN},
                                               description="e.g. 2026-05, 2026-Q2")]
RESULTS = ("resolved", "unresolved", "referred", "withdrawn", "open")
Result = Annotated[str | None, Parameter(max_length=16, schema_extra={"enum": list(RESULTS)},
                                         description=(
    "resolved, unresolved, referred, withdrawn or open"))]
CommitteeBody = Annotated[dict[str, Any], body(CommitteeInput)]


@get("/committees", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="Industry committees serving your areas, with the categories and areas they cover")
def list_committees(deployment: DeploymentDep, principal: PrincipalDep,
                    area: Area = None) -> list[dict[str, Any]]:
    paths = scope_paths(deployment, principal, ROSTER_READ, area)
    return [c.as_dict() for c in service(deployment).committees.list(area_paths=paths)]


@get("/committees/figures", opt={"permission": READ}, sync_to_thread=True,
     summary="Per committee: caseload, resolved, unresolved, referred, open, success rate and "
             "days to result, for the cases in your areas")
def committee_figures(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                      period: PeriodParam = None) -> list[dict[str, Any]]:
    paths = scope_paths(deployment, principal, READ, area)
    return service(deployment).committees.figures(
        area_paths=paths, period=parse_period(period) if period else None)


@get("/committees/{external_id:str}", opt={"permission": ROSTER_READ}, sync_to_thread=True,
     summary="One industry committee")
def show_committee(deployment: DeploymentDep, principal: PrincipalDep,
                   external_id: Code) -> dict[str, Any]:
    paths = scope_paths(deployment, principal, ROSTER_READ, None)
    found = service(deployment).committees.list(area_paths=paths, external_ids=[external_id])
    if not found:
        raise NotFound(f"no industry committee {external_id!r}", field="external_id",
                       rule="exists", hint="see GET /api/v1/co_governance/committees")
    return found[0].as_dict()


@get("/committees/{external_id:str}/cases", opt={"permission": READ}, sync_to_thread=True,
     summary="The cases behind a committee's figures (in your areas), one result or all")
def committee_cases(deployment: DeploymentDep, principal: PrincipalDep, external_id: Code,
                    result: Result = None, area: Area = None,
                    period: PeriodParam = None) -> list[dict[str, Any]]:
    if result is not None and result not in RESULTS:
        raise ValidationError(f"{result!r} is not one of {', '.join(RESULTS)}", field="result",
                              rule="one_of", hint="use one of " + ", ".join(RESULTS))
    paths = scope_paths(deployment, principal, READ, area)
    return service(deployment).committees.cases(
        external_id, result=result, area_paths=paths,
        period=parse_period(period) if period else None)


@post("/committees", opt={"permission": COMMITTEES}, sync_to_thread=True, status_code=200,
      summary="Create or replace a committee and its coverage; a category another committee "
              "covers in the same area needs a different priority")
def save_committee(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   data: CommitteeBody) -> dict[str, Any]:
    item = parse(CommitteeInput, data)
    require(deployment, principal, COMMITTEES, item.area_code)
    for i, c in enumerate(item.coverage):
        if c.area_code in deployment.areas.tree:
            require(deployment, principal, COMMITTEES, c.area_code,
                    field=f"coverage[{i}].area_code")
    with audited(deployment, principal, request, "co_governance.committee.save",
                 record=f"organisation:{item.external_id}") as s:
        saved = service(deployment).committees.save(item, session=s)
    return saved.as_dict()


ROUTES = [list_committees, committee_figures, show_committee, committee_cases, save_committee]
