"""Routes over the land-acquisition and demolition ledger (挂号 + 销号): list with filters and
overdue first, the overdue list, figures per unit, the XLSX export, one issue, and the four
writes (register, progress, close out, reopen). The names of the people affected are masked
unless the caller may unmask them and gives a reason (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Response, get, post
from litestar.params import Parameter

from suyuan_co_governance.common import today
from suyuan_co_governance.export import workbook
from suyuan_co_governance.ledger import (
    CloseOutInput,
    Issue,
    LedgerFilter,
    ProgressInput,
    RegisterInput,
    ReopenInput,
    affected_as_shown,
)
from suyuan_co_governance.models import ledger_issues
from suyuan_co_governance.service import service
from suyuan_co_governance.vocab import LEDGER_STATUS
from suyuan_co_governance.web.common import (
    CLOSE_OUT,
    LEDGER,
    READ,
    AnyRequest,
    DeploymentDep,
    PrincipalDep,
    audited,
    readable,
    require,
    scope_paths,
)
from suyuan_core import PERIOD_PATTERN, Deployment, Principal, http, parse_period, times
from suyuan_core.bodies import body, parse
from suyuan_core.http import Id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Area = Annotated[str | None, Parameter(max_length=64, description="an area code (its subtree)")]
Unit = Annotated[str | None, Parameter(max_length=64, description="a responsible unit's id")]
Status = Annotated[str | None, Parameter(description="open or closed", max_length=16,
                                         schema_extra={"enum": list(LEDGER_STATUS)})]
Query = Annotated[str | None, Parameter(max_length=100, description="words in the ref, project "
                                                                    "or issue")]
Overdue = Annotated[bool, Parameter(description="only open issues past their deadline")]
PeriodParam = Annotated[str | None, Parameter(max_length=16, schema_extra={"pattern": PERIOD_PATTERN},
                                               description="e.g. 2026-05, 2026-Q2")]

ISSUES = ledger_issues.name

RegisterBody = Annotated[dict[str, Any], body(RegisterInput)]
ProgressBody = Annotated[dict[str, Any], body(ProgressInput)]
CloseOutBody = Annotated[dict[str, Any], body(CloseOutInput)]
ReopenBody = Annotated[dict[str, Any], body(ReopenInput)]


def shown(d: Deployment, issue: Issue, reveal: bool, on: dt.date) -> dict[str, Any]:
    """The issue as the viewer sees it: its declared sensitive columns masked unless ``reveal``."""
    return d.privacy.row(ISSUES, issue.as_dict(on), reveal)


def ledger_filter(d: Deployment, principal: Principal, area: str | None, unit: str | None,
                  status: str | None, overdue: bool, q: str | None) -> LedgerFilter:
    from suyuan_co_governance.common import code_of

    if status is not None:
        code_of(LEDGER_STATUS, status, "status")
    return LedgerFilter(area_paths=scope_paths(d, principal, READ, area), unit=unit or None,
                        status=status, overdue=overdue, q=(q or "").strip() or None)


def issue_for(d: Deployment, principal: Principal, issue_id: int, permission: str) -> Issue:
    issue = service(d).ledger.get(issue_id)
    readable(d, principal, READ, issue.area_code, f"ledger issue {issue_id}", "issue_id")
    require(d, principal, permission, issue.area_code, field="issue_id")
    return issue


@get("/ledger", opt={"permission": READ}, sync_to_thread=True,
     summary="The land-acquisition ledger in your areas: overdue first, then open by deadline, "
             "then closed")
def list_ledger(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                unit: Unit = None, status: Status = None, overdue: Overdue = False,
                q: Query = None) -> list[dict[str, Any]]:
    d = deployment
    day = today(d)
    f = ledger_filter(d, principal, area, unit, status, overdue, q)
    return [shown(d, i, False, day) for i in service(d).ledger.list(f, on=day)]


@get("/ledger/units", opt={"permission": READ}, sync_to_thread=True,
     summary="Figures per responsible unit: registered, open, overdue, closed, closed on time, "
             "settled within the trade (closed without a lawsuit)")
def ledger_units(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                 period: PeriodParam = None) -> list[dict[str, Any]]:
    paths = scope_paths(deployment, principal, READ, area)
    chosen = parse_period(period) if period else None
    # a period's open and overdue counts are taken on its last day (today while it runs)
    on = times.standing_day(deployment, chosen) if chosen else None
    return service(deployment).ledger.by_unit(paths, chosen, on=on)


@get("/ledger/export.xlsx", opt={"permission": READ}, sync_to_thread=True, media_type=XLSX,
     summary="The ledger (same filters as the list) as an Excel workbook, with a sheet per unit")
def export_ledger(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                  area: Area = None, unit: Unit = None, status: Status = None,
                  overdue: Overdue = False, q: Query = None,
                  lang: Annotated[str, Parameter(max_length=8)] = "zh-Hans") -> Response[bytes]:
    d = deployment
    day = today(d)
    f = ledger_filter(d, principal, area, unit, status, overdue, q)
    cg = service(d)
    issues = cg.ledger.list(f, on=day)
    tree = d.areas.tree
    data = workbook(issues, cg.ledger.by_unit(f.area_paths, on=day), on=day,
                    area_name=tree.name,
                    names=lambda i: affected_as_shown(d, i),
                    lang="en" if lang == "en" else "zh-Hans")
    http.audit(d, None, principal, request, "co_governance.ledger.export",
               record=f"ledger:{len(issues)} issues")
    name = f"征地拆迁台账-{day.isoformat()}.xlsx"
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"ledger-{day.isoformat()}.xlsx\"; "
                               f"filename*=UTF-8''{quote(name)}"})


@get("/ledger/{issue_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="One ledger issue with every entry (register, progress, close-out, reopen); the "
             "people affected masked (unmask by POST …/unmask with a reason)")
def show_issue(deployment: DeploymentDep, principal: PrincipalDep,
               issue_id: Id) -> dict[str, Any]:
    d = deployment
    issue = service(d).ledger.get(issue_id)
    readable(d, principal, READ, issue.area_code, f"ledger issue {issue_id}", "issue_id")
    return shown(d, issue, False, today(d))


@post("/ledger/{issue_id:int}/unmask", opt={"permission": READ}, sync_to_thread=True,
      status_code=200, summary="One ledger issue with the people affected in full: needs "
                               "personal_data.unmask and a reason in the body; audited")
def unmask_issue(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                 issue_id: Id, data: http.UnmaskBody) -> dict[str, Any]:
    d = deployment
    issue = service(d).ledger.get(issue_id)
    readable(d, principal, READ, issue.area_code, f"ledger issue {issue_id}", "issue_id")
    reason = parse(http.UnmaskIn, data).reason
    return http.shown_row(d, principal, request, ISSUES, issue.as_dict(today(d)),
                          area_code=issue.area_code, record=f"ledger:{issue_id}", unmask=True,
                          reason=reason)


@post("/ledger", opt={"permission": LEDGER}, sync_to_thread=True, status_code=201,
      summary="挂号: register an issue; the same issue again reopens it when it was closed out "
              "(never a second entry)")
def register_issue(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   data: RegisterBody) -> dict[str, Any]:
    d = deployment
    item = parse(RegisterInput, data)
    require(d, principal, LEDGER, item.area_code)
    with audited(d, principal, request, "co_governance.ledger.register") as s:
        issue, outcome = service(d).ledger.register(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"ledger:{issue.id}:{outcome}"
    return {"outcome": outcome, "issue": shown(d, issue, False, today(d))}


@post("/ledger/{issue_id:int}/progress", opt={"permission": LEDGER}, sync_to_thread=True,
      status_code=200, summary="Record progress (optionally moving the deadline)")
def issue_progress(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   issue_id: Id, data: ProgressBody) -> dict[str, Any]:
    d = deployment
    item = parse(ProgressInput, data)
    issue_for(d, principal, issue_id, LEDGER)
    with audited(d, principal, request, "co_governance.ledger.progress", record=f"ledger:{issue_id}") as s:
        issue = service(d).ledger.progress(issue_id, item, actor=principal.actor, session=s)
    return shown(d, issue, False, today(d))


@post("/ledger/{issue_id:int}/close-out", opt={"permission": CLOSE_OUT}, sync_to_thread=True,
      status_code=200,
      summary="销号: close out with evidence and the responsible unit's sign-off; refused (and "
              "nothing written) without evidence or signed by another unit")
def issue_close_out(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                    issue_id: Id, data: CloseOutBody) -> dict[str, Any]:
    d = deployment
    item = parse(CloseOutInput, data)
    issue_for(d, principal, issue_id, CLOSE_OUT)
    with audited(d, principal, request, "co_governance.ledger.close_out", record=f"ledger:{issue_id}") as s:
        issue = service(d).ledger.close_out(issue_id, item, actor=principal.actor, session=s)
    return shown(d, issue, False, today(d))


@post("/ledger/{issue_id:int}/reopen", opt={"permission": LEDGER}, sync_to_thread=True,
      status_code=200, summary="A closed-out issue that came back: reopen it")
def issue_reopen(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                 issue_id: Id, data: ReopenBody) -> dict[str, Any]:
    d = deployment
    item = parse(ReopenInput, data)
    issue_for(d, principal, issue_id, LEDGER)
    with audited(d, principal, request, "co_governance.ledger.reopen", record=f"ledger:{issue_id}") as s:
        issue = service(d).ledger.reopen(issue_id, item, actor=principal.actor, session=s)
    return shown(d, issue, False, today(d))


ROUTES = [list_ledger, ledger_units, export_ledger, show_issue, unmask_issue, register_issue, issue_progress,
          issue_close_out, issue_reopen]
