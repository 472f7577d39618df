"""Cases: list (filtered, cursor-paged, scoped to the caller's areas), detail with the timeline,
and every change — each in one transaction with its audit entry, so nothing is half-written."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import attrs
import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody, Parameter

from suyuan_core import bodies, bounds, http, times
from suyuan_core.accounts.principal import Principal
from suyuan_core.bounds import MAX_ID
from suyuan_core.cases.query import CURSOR_PATTERN, CaseFilter
from suyuan_core.cases.service import NewCase
from suyuan_core.deployment import Deployment
from suyuan_core.domain.lifecycle import TRANSITIONS, Status
from suyuan_core.errors import ConcurrentUpdate, ValidationError
from suyuan_core.web.api.common import (
    DeploymentDep,
    PrincipalDep,
    action_permission,
    client_ip,
    present,
    readable_case_path,
    require_area,
)
from suyuan_core.web.dto import (
    ActionIn,
    AttachmentIn,
    CallbackIn,
    CaseDetail,
    CaseList,
    CaseOut,
    NewCaseIn,
    NoteIn,
    event_out,
)

Q = Annotated[str | None, Parameter(max_length=200)]


def scoped_filter(principal: PrincipalDep, **values: Any) -> CaseFilter:
    return CaseFilter(scope=tuple(principal.scope("cases.read")), **values)


class CaseController(Controller):
    path = "/cases"
    tags = ["cases"]  # noqa: RUF012 - litestar reads it as a class attribute

    @get("/", opt={"permission": "cases.read"}, sync_to_thread=True,
         summary="List cases (newest first, cursor-paged, only in your areas)")
    def list_cases(
        self, deployment: DeploymentDep, principal: PrincipalDep,
        area: Annotated[str | None, Parameter(max_length=64,
                                              description="Area code; its whole subtree")] = None,
        status: Annotated[list[str] | None, Parameter(
            description="One or more statuses", max_items=len(Status),
            schema_extra={"items": {"type": "string", "enum": [x.value for x in Status]}})] = None,
        category: Annotated[str | None, Parameter(max_length=64)] = None,
        source: Annotated[str | None, Parameter(max_length=64)] = None,
        level: Annotated[str | None, Parameter(max_length=16)] = None,
        overdue: FromQuery[bool | None] = None,
        reported_from: Annotated[dt.datetime | None, Parameter(description="ISO 8601 with zone")] = None,
        reported_to: Annotated[dt.datetime | None, Parameter(description="exclusive")] = None,
        q: Q = None,
        assignee: Annotated[str | None, Parameter(max_length=128)] = None,
        cursor: Annotated[str | None, Parameter(
            max_length=100, schema_extra={"pattern": CURSOR_PATTERN})] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
    ) -> CaseList:
        d = deployment
        if area is not None and area not in d.areas.tree:
            raise ValidationError(f"no area with code {area!r}", field="area", rule="exists",
                                  hint="see GET /api/v1/areas")
        for field, value, known in (("category", category, d.categories),
                                    ("source", source, d.sources)):
            if value is not None and value not in known.codes():
                raise ValidationError(f"no {field} with code {value!r}", field=field,
                                      rule="exists", hint=f"see GET /api/v1/{field}s")
        # a filter bound outside the years stored cannot exclude anything: take the edge
        reported_from, reported_to = (bounds.clamp_time(reported_from),
                                      bounds.clamp_time(reported_to))
        f = scoped_filter(principal, area_code=area, status=tuple(status or ()),
                          category=category, source=source, level=level, overdue=overdue,
                          reported_from=reported_from, reported_to=reported_to, text=q,
                          assignee=assignee)
        page = d.case_query.page(f, cursor=cursor, limit=limit)
        now = times.now()
        return CaseList(items=[present(d, c, False, now) for c in page.cases],
                        next_cursor=page.next_cursor)

    @post("/", opt={"permission": "cases.create"}, sync_to_thread=True, status_code=201,
          summary="Register a case")
    def create_case(self, request: Request[Any, Any, Any], deployment: DeploymentDep,
                    principal: PrincipalDep, data: JSONBody[NewCaseIn]) -> CaseOut:
        d = deployment
        if data.area_code is not None and data.area_code not in d.areas.tree:
            raise ValidationError(f"no area with code {data.area_code!r}", field="area_code",
                                  rule="exists", hint="see GET /api/v1/areas")
        new = NewCase(title=data.title, category=data.category, source=data.source,
                      area_code=data.area_code, kind=data.kind, level=data.level,
                      description=data.description, source_ref=data.source_ref,
                      parties=[msgspec.structs.asdict(p) for p in data.parties],
                      occurred_at=data.occurred_at, lat=data.lat, long=data.long,
                      address=data.address)
        area_code = data.area_code or d.cases.place(new)[0]  # located: the area it lies in
        require_area(d, principal, "cases.create", area_code)
        with d.transaction() as s:
            case = d.cases.create(new, actor=principal.actor, session=s)
            if case.area_code != area_code or case.title != data.title:
                raise ConcurrentUpdate(f"work order {data.source}/{data.source_ref} is already "
                                       f"registered as case {case.id}", field="source_ref",
                                       rule="unique", hint="each work order once")
            d.audit.write(s, actor=principal.actor, action="case.create", record=f"case:{case.id}",
                          ip=client_ip(request))
        return present(d, case, False)

    @get("/{case_id:int}", opt={"permission": "cases.read"}, sync_to_thread=True,
         summary="One case with its timeline and the actions you may take now (personal data "
                 "masked; unmask by POST …/unmask with a reason)")
    def case_detail(self, request: Request[Any, Any, Any], deployment: DeploymentDep,
                    principal: PrincipalDep,
                    case_id: Annotated[int, Parameter(ge=1, le=MAX_ID)]) -> CaseDetail:
        return _detail(deployment, principal, request, case_id, None)

    @post("/{case_id:int}/unmask", opt={"permission": "cases.read"}, sync_to_thread=True,
          status_code=200, summary="One case with personal data in full: needs "
                                   "personal_data.unmask and a reason in the body (never in the "
                                   "URL); audited")
    def case_unmask(self, request: Request[Any, Any, Any], deployment: DeploymentDep,
                    principal: PrincipalDep, case_id: Annotated[int, Parameter(ge=1, le=MAX_ID)],
                    data: http.UnmaskBody) -> CaseDetail:
        reason = bodies.parse(http.UnmaskIn, data).reason
        return _detail(deployment, principal, request, case_id, reason, unmask=True)

    @post("/{case_id:int}/actions/{action:str}", opt={"permission": "cases.read"},
          sync_to_thread=True, status_code=200,
          summary="A lifecycle action: accept, assign, start, resolve, fail, refer, close, "
                  "withdraw, reopen, escalate")
    def act(self, request: Request[Any, Any, Any], deployment: DeploymentDep, principal: PrincipalDep,
            case_id: Annotated[int, Parameter(ge=1, le=MAX_ID)],
            action: Annotated[str, Parameter(max_length=32,
                                             schema_extra={"enum": list(TRANSITIONS)})],
            data: JSONBody[ActionIn]) -> CaseOut:
        d = deployment
        if action not in TRANSITIONS:
            raise ValidationError(f"unknown action {action!r}", field="action", rule="one_of",
                                  hint="use one of " + ", ".join(TRANSITIONS))
        case, _ = readable_case_path(d, principal, case_id)
        require_area(d, principal, action_permission(action), case.area_code)
        payload: dict[str, Any] = {}
        if data.assignees is not None:
            d.roster.check_handlers(data.assignees)
            payload["assignees"] = list(data.assignees)
        if data.deadline is not None:
            if data.deadline.tzinfo is None:
                raise ValidationError("needs a time zone", field="deadline", rule="aware_datetime",
                                      hint="e.g. 2026-06-01T18:00:00+08:00")
            payload["deadline"] = times.iso(data.deadline)
        with d.transaction() as s:
            after = d.cases.act(case_id, action, actor=principal.actor, data=payload,
                                reason=data.reason, expected_version=data.expected_version,
                                session=s)
            d.audit.write(s, actor=principal.actor, action=f"case.{action}",
                          record=f"case:{case_id}", reason=data.reason, ip=client_ip(request))
        return present(d, after, False)

    def _record(self, request: Request[Any, Any, Any], d: Deployment, principal: PrincipalDep,
                case_id: int, kind: str, data: dict[str, Any], expected_version: int | None,
                reason: str | None = None) -> CaseOut:
        case, path = readable_case_path(d, principal, case_id)
        if not (principal.can("cases.transition", path) or principal.can("cases.create", path)):
            require_area(d, principal, "cases.transition", case.area_code)
        with d.transaction() as s:
            after = d.cases.record(case_id, kind, actor=principal.actor, data=data, reason=reason,
                                   expected_version=expected_version, session=s)
            d.audit.write(s, actor=principal.actor, action=f"case.{kind}",
                          record=f"case:{case_id}", reason=reason, ip=client_ip(request))
        return present(d, after, False)

    @post("/{case_id:int}/notes", opt={"permission": "cases.read"}, sync_to_thread=True,
          status_code=201, summary="Add a note to the timeline")
    def note(self, request: Request[Any, Any, Any], deployment: DeploymentDep, principal: PrincipalDep,
             case_id: Annotated[int, Parameter(ge=1, le=MAX_ID)], data: JSONBody[NoteIn]) -> CaseOut:
        return self._record(request, deployment, principal, case_id, "note", {"text": data.text},
                            data.expected_version)

    @post("/{case_id:int}/attachments", opt={"permission": "cases.read"}, sync_to_thread=True,
          status_code=201, summary="Record an attachment's metadata (the file lives elsewhere)")
    def attachment(self, request: Request[Any, Any, Any], deployment: DeploymentDep,
                   principal: PrincipalDep, case_id: Annotated[int, Parameter(ge=1, le=MAX_ID)],
                   data: JSONBody[AttachmentIn]) -> CaseOut:
        meta = {"filename": data.filename, "content_type": data.content_type, "size": data.size,
                "sha256": data.sha256, "description": data.description}
        return self._record(request, deployment, principal, case_id, "attachment", meta,
                            data.expected_version)

    @post("/{case_id:int}/callback", opt={"permission": "cases.read"}, sync_to_thread=True,
          status_code=201, summary="Record a callback (回访) and the resident's satisfaction")
    def callback(self, request: Request[Any, Any, Any], deployment: DeploymentDep,
                 principal: PrincipalDep, case_id: Annotated[int, Parameter(ge=1, le=MAX_ID)],
                 data: JSONBody[CallbackIn]) -> CaseOut:
        return self._record(request, deployment, principal, case_id, "callback",
                            {"reached": data.reached, "satisfaction": data.satisfaction}, None,
                            reason=data.reason)


def _detail(d: Deployment, principal: Principal, request: Request[Any, Any, Any], case_id: int,
            reason: str | None, unmask: bool = False) -> CaseDetail:
    """A case as the caller may see it; unmasked only with the right and a reason, audited (an
    unmasking at once, a read in the next batch). The case and its timeline are read in one
    transaction."""
    with d.reading() as s:
        case, path = readable_case_path(d, principal, case_id, s)
        if unmask:
            d.privacy.check_unmask(principal, path, reason)
        events = d.cases.timeline(case_id, s)
    if unmask:
        d.audit.write(None, actor=principal.actor, action="case.unmask", record=f"case:{case_id}",
                      reason=reason, ip=client_ip(request))
    else:
        d.audit.read(actor=principal.actor, action="case.read", record=f"case:{case_id}",
                     ip=client_ip(request))
    allowed = [a for a in d.cases.allowed(case) if principal.can(action_permission(a), path)]
    return CaseDetail(case=present(d, case, unmask),
                      timeline=[event_out(attrs.evolve(e, reason=d.privacy.text(e.reason, unmask)),
                                          d.privacy.event_data(e.data, unmask)) for e in events],
                      allowed_actions=allowed)
