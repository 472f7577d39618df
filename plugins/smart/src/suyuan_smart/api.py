"""``/api/v1/smart/…``: the pillar's HTTP routes, a thin layer over the same services the CLI
calls. Each route names the permission it needs (the core's guard refuses callers who hold it
nowhere), checks the area of the record it touches (a town official sees her town only; a case
outside one's areas is 404, as in the core), and writes its audit entry in the same transaction as
the change. The two webhooks are machine-to-machine: verified by their HMAC signature through the
core's ``SIGNED_BY`` before the handler runs, so a bad signature writes nothing.

Responses carry no personal data: a case comes back as a summary (status, deadline, dispatch);
the full, masked case is ``GET /api/v1/cases/{id}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from msgspec import Meta, Struct

from suyuan_core import (
    FIELD_BOUNDS,
    OPENAPI_OPERATION,
    PERIOD_PATTERN,
    SIGNED_BY,
    Case,
    Deployment,
    NotFound,
    PermissionDenied,
    Principal,
    bodies,
    bounds,
    http,
    parse_period,
    period_pattern,
)
from suyuan_core.bounds import MAX_ID
from suyuan_core.inputs import FILLED
from suyuan_core.times import iso
from suyuan_smart import (
    alerts,
    callbacks,
    classify,
    deadlines,
    dispatch,
    duplicates,
    intake,
    prevention,
    reports,
)
from suyuan_smart.common import handler, settings

CaseId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="案件编号 case id")]
RowId = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
AreaQ = Annotated[str | None, Parameter(max_length=64, description="区域代码: its whole subtree")]
Unit = Annotated[str, Meta(min_length=1, max_length=64)]
Note = Annotated[str, Meta(min_length=1, max_length=2000)]
Reason = Annotated[str, Meta(max_length=2000)]

READ = "cases.read"
DISPATCH = "smart.dispatch"  # the hotline centre: dispatch, urge, supervise, approve, callbacks
HANDLE = "smart.handle"      # a responsible unit: sign for, return, ask for time, pause the clock
ALERTS = "smart.alerts"
REPORTS = "smart.reports"
CALLBACK = "smart.callback"  # the callback team: callbacks due, the satisfaction form
PREVENTION = "smart.prevention"  # record the prevention measures the analysis report shows


def acts_for_unit(principal: Principal, unit: str, what: str) -> None:
    """A handling unit's account acts for its own unit only (the ranking holds each unit to
    account for what it signed, returned and replied): refuse anything else, naming the rule."""
    if principal.acts_for != handler(unit):
        mine = principal.acts_for or "no unit"
        raise PermissionDenied(f"账号不代表 {unit}，不能{what}: your account acts for {mine}, "
                               f"not for {unit}", field="unit", rule="acts_for_unit",
                               hint="a handling unit's account acts for its own unit only; an "
                                    "administrator binds it (suyuan users bind NAME "
                                    "organisation:UNIT, or the accounts page)")


def own_unit(principal: Principal, case: Case, what: str) -> str:
    """The unit the caller acts for, which the case must be dispatched to."""
    state = case.data.get("smart_dispatch") or {}
    units = [state.get("lead"), *state.get("co", [])] if state else []
    for unit in units:
        if unit and principal.acts_for == handler(unit):
            return str(unit)
    mine = principal.acts_for or "no unit"
    raise PermissionDenied(f"工单未派给你的单位，不能{what}: case {case.id} is not dispatched to "
                           f"the unit your account acts for ({mine})", field="case_id",
                           rule="acts_for_unit",
                           hint="only the units it is dispatched to act on an order")


# -- shapes -----------------------------------------------------------------------------------

class CaseSummary(Struct):
    """A case as the smart routes return it: where it stands, no personal data."""

    id: int
    status: str
    version: int
    category: str
    area_code: str
    level: str
    deadline: str | None
    assignees: list[str]
    merged_into: int | None
    dispatch: dict[str, Any] | None
    paused: bool
    extension_pending: bool


def summary(case: Case) -> CaseSummary:
    assert case.id is not None
    return CaseSummary(
        id=case.id, status=case.status.value, version=case.version, category=case.category,
        area_code=case.area_code, level=case.level.name, deadline=iso(case.deadline),
        assignees=list(case.assignees), merged_into=case.merged_into,
        dispatch=case.data.get("smart_dispatch"), paused=bool(case.data.get("smart_paused")),
        extension_pending=bool(case.data.get("smart_extension")))


class Received(Struct):
    case_id: int
    created: bool
    duplicates: list[int]


class ReceivedList(Struct):
    cases: list[Received]


class SuggestionOut(Struct):
    category: str
    label_zh: str
    label_en: str
    confidence: float
    reason: str


class DueCase(Struct):
    case_id: int
    due: str | None
    overdue: bool
    title: str | None = None
    area_code: str | None = None
    flagged_years: list[int] | None = None


# -- intake -----------------------------------------------------------------------------------

def _received(rows: list[intake.Received]) -> ReceivedList:
    return ReceivedList([Received(r.case_id, r.created, list(r.duplicates)) for r in rows])


SIGNED_DOC = ("Machine-to-machine, no user token: send `X-Suyuan-Timestamp` (Unix seconds) and "
              "`X-Suyuan-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + '.' + body)>`. "
              "A missing, stale or wrong signature is 401 and nothing is written.")


@post("/webhooks/12345", opt={SIGNED_BY: intake.verify_hotline}, status_code=200,
      summary="12345 热线工单推送 (signed webhook)",
      description="One work order (a JSON object keyed by our field names: source_ref, title, "
                  "description, category, area, caller, phone, reported_at, address, urgency, "
                  "request_type) or a list of them; all or nothing; idempotent on source_ref. "
                  + SIGNED_DOC)
async def hotline_webhook(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                          signer: NamedDependency[str]) -> ReceivedList:
    d, body = deployment, await request.body()  # the exact bytes that were signed

    def run() -> list[intake.Received]:
        with d.transaction() as s:
            got = intake.receive_orders(d, body, session=s)
            for r in got:
                http.audit(d, s, signer, request, "smart.webhook_12345", f"case:{r.case_id}",
                       detail={"created": r.created})
            return got

    return _received(await anyio.to_thread.run_sync(run))


@post("/webhooks/messaging", opt={SIGNED_BY: intake.verify_messaging}, status_code=200,
      summary="网络平台留言推送 (signed webhook)",
      description='One message: {"platform", "message_id", "text", "sender": {"name", "phone"}, '
                  '"area_code", "sent_at", "category"}; idempotent on platform + message_id. '
                  + SIGNED_DOC)
async def messaging_webhook(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                            signer: NamedDependency[str]) -> ReceivedList:
    d, body = deployment, await request.body()

    def run() -> intake.Received:
        with d.transaction() as s:
            got = intake.receive_message(d, body, session=s)
            http.audit(d, s, signer, request, "smart.webhook_messaging", f"case:{got.case_id}",
                   detail={"created": got.created})
            return got

    return _received([await anyio.to_thread.run_sync(run)])


class LetterIn(Struct, forbid_unknown_fields=True):
    box: Annotated[str, Meta(pattern="^(secretary|mayor)$",
                             description="secretary 书记信箱 / mayor 县长信箱")]
    letter_id: Annotated[str, Meta(min_length=1, max_length=100, pattern=FILLED)]
    subject: Annotated[str, Meta(max_length=200)] | None = None
    body: Annotated[str, Meta(max_length=20000)] | None = None
    name: Annotated[str, Meta(max_length=100)] | None = None
    phone: Annotated[str, Meta(max_length=32)] | None = None
    area_code: Annotated[str, Meta(max_length=64)] | None = None
    category: Annotated[str, Meta(max_length=64)] | None = None
    received_at: Annotated[str, Meta(max_length=40, pattern=bounds.TIME_PATTERN,
                                     extra_json_schema={"extra": {"format": "date-time"}})] \
        | None = None
    address: Annotated[str, Meta(max_length=500)] | None = None


#: a letter becomes a work order, which needs a title or its content: the body says so (one of
#: ``subject`` and ``body`` present and not blank), which the struct alone cannot.
LETTER_BODY = {"required": True, "content": {"application/json": {"schema": {
    "allOf": [{"$ref": "#/components/schemas/LetterIn"}],
    "anyOf": [{"required": [name], "properties": {name: {"type": "string", "pattern": FILLED}}}
              for name in ("subject", "body")]}}}}


@post("/mailbox", sync_to_thread=True, status_code=200,
      opt={"permission": "cases.create", OPENAPI_OPERATION: {"requestBody": LETTER_BODY}},
      summary="登记领导信箱来信 (register a leader's-mailbox letter)")
def mailbox(request: Request[Any, Any, Any], deployment: http.DeploymentDep, principal: http.PrincipalDep,
            data: JSONBody[LetterIn]) -> ReceivedList:
    d = deployment
    letter = {f: getattr(data, f) for f in data.__struct_fields__}
    with d.transaction() as s:
        got = intake.mailbox_letter(d, letter, actor=principal.actor, session=s)
        case = d.cases.get(got.case_id, s)
        http.require_area(d, principal, "cases.create", case.area_code)  # else all rolls back
        http.audit(d, s, principal.actor, request, "smart.mailbox", f"case:{got.case_id}",
               detail={"created": got.created, "box": data.box})
    return _received([got])


# -- classification ---------------------------------------------------------------------------

def _suggestions(d: Deployment, found: list[Any]) -> list[SuggestionOut]:
    out = []
    for s in found:
        label = d.categories[s.category].label if s.category in d.categories else None
        out.append(SuggestionOut(s.category, label.zh if label else s.category,
                                 label.en if label else s.category, s.confidence, s.reason))
    return out


@get("/classify", opt={"permission": READ}, sync_to_thread=True,
     summary="智能分类: categories suggested for a text, with confidence")
def classify_text(deployment: http.DeploymentDep,
                  text: Annotated[str, Parameter(min_length=1, max_length=5000)]) -> list[
                      SuggestionOut]:
    return _suggestions(deployment, deployment.routing.classify(text))


class Classification(Struct):
    case_id: int
    category: str
    confirmed: str | None
    suggestions: list[SuggestionOut]


@get("/cases/{case_id:int}/classification", opt={"permission": READ}, sync_to_thread=True,
     summary="A case's category, whether it was confirmed, and the suggestions for its text")
def case_classification(deployment: http.DeploymentDep, principal: http.PrincipalDep,
                        case_id: CaseId) -> Classification:
    d = deployment
    case = http.readable_case(d, principal, case_id)
    found = d.routing.classify(f"{case.title} {case.description}", case)
    return Classification(case_id, case.category, case.data.get("smart_confirmed_category"),
                          _suggestions(d, found))


class ConfirmIn(Struct, forbid_unknown_fields=True):
    category: Annotated[str, Meta(min_length=1, max_length=64)]


@post("/cases/{case_id:int}/classification", opt={"permission": DISPATCH}, sync_to_thread=True,
      status_code=200, summary="Confirm or change a case's category (and learn from it)")
def confirm_category(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                     principal: http.PrincipalDep, case_id: CaseId, data: JSONBody[ConfirmIn]) -> CaseSummary:
    d = deployment
    http.readable_case(d, principal, case_id, DISPATCH)
    with d.transaction() as s:
        after = classify.confirm(d, case_id, data.category, actor=principal.actor, session=s)
        http.audit(d, s, principal.actor, request, "smart.category_confirmed", f"case:{case_id}",
               detail={"category": data.category})
    return summary(after)


# -- dispatch ---------------------------------------------------------------------------------

class UnitOut(Struct):
    code: str
    name: str
    categories: list[str]
    areas: list[str]


@get("/units", opt={"permission": READ}, sync_to_thread=False,
     summary="承办单位: the responsible units and what they answer for")
def units(deployment: http.DeploymentDep) -> list[UnitOut]:
    return [UnitOut(u.code, u.name, list(u.categories), list(u.areas))
            for u in settings(deployment).units]


class ProposalOut(Struct):
    handler: str
    score: float
    reason: str


class DispatchView(Struct):
    case: CaseSummary
    proposals: list[ProposalOut]


@get("/cases/{case_id:int}/dispatch", opt={"permission": READ}, sync_to_thread=True,
     summary="Where a case is dispatched now, and the proposed units (and people)")
def dispatch_view(deployment: http.DeploymentDep, principal: http.PrincipalDep,
                  case_id: CaseId) -> DispatchView:
    d = deployment
    case = http.readable_case(d, principal, case_id)
    return DispatchView(summary(case), [
        ProposalOut(f"{p.handler_kind}:{p.handler_id}", p.score, p.reason)
        for p in d.routing.propose(case)])


class DispatchIn(Struct, forbid_unknown_fields=True):
    lead: Annotated[Unit, Meta(description="主办单位 lead unit")]
    # items unconstrained here (litestar drops an item's Meta from the document): an unknown or
    # empty unit is refused by dispatch (422), as the document says
    co: Annotated[list[Annotated[str, Meta(min_length=1, max_length=64)]],
                  Meta(max_length=10, description="协办单位 co-handling units")] = []
    note: Annotated[str, Meta(max_length=2000)] | None = None
    final: Annotated[bool, Meta(description="终审: the centre rules who owns it; no more returns")] = False


@post("/cases/{case_id:int}/dispatch", opt={"permission": DISPATCH}, sync_to_thread=True,
      status_code=200, summary="派单 / 重新派单: dispatch (again, after a return) to a lead unit "
                               "and co-handling units")
def dispatch_case(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                  principal: http.PrincipalDep, case_id: CaseId, data: JSONBody[DispatchIn]) -> CaseSummary:
    d = deployment
    http.readable_case(d, principal, case_id, DISPATCH)
    with d.transaction() as s:
        after = dispatch.dispatch(d, case_id, data.lead, tuple(data.co), actor=principal.actor,
                                  note=data.note, session=s, final=data.final)
        state = after.data.get("smart_dispatch") or {}
        http.audit(d, s, principal.actor, request, "smart.dispatch", f"case:{case_id}",
               reason=data.note, detail={"lead": data.lead, "co": list(data.co),
                                         "returns": state.get("returns", 0)})
    return summary(after)


class UnitIn(Struct, forbid_unknown_fields=True):
    unit: Unit


class ReplyIn(Struct, forbid_unknown_fields=True):
    unit: Unit
    text: Annotated[str, Meta(min_length=1, max_length=4000, description="答复内容")]
    resolved: bool = True


@post("/cases/{case_id:int}/reply", opt={"permission": HANDLE}, sync_to_thread=True,
      status_code=200, summary="答复: the lead unit replies with what it did (the case is resolved)")
def reply(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
          principal: http.PrincipalDep, case_id: CaseId, data: JSONBody[ReplyIn]) -> CaseSummary:
    d = deployment
    case = http.readable_case(d, principal, case_id, HANDLE)
    http.require_area(d, principal, "cases.transition", case.area_code)
    acts_for_unit(principal, data.unit, "答复 reply")
    with d.transaction() as s:
        after = dispatch.reply(d, case_id, data.unit, data.text, actor=principal.actor,
                               resolved=data.resolved, session=s)
        http.audit(d, s, principal.actor, request, "smart.reply", f"case:{case_id}",
                   detail={"unit": data.unit, "resolved": data.resolved})
    return summary(after)


@post("/cases/{case_id:int}/sign-off", opt={"permission": HANDLE}, sync_to_thread=True,
      status_code=200, summary="签收: the unit takes the order (late after the sign-off time)")
def sign_off(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
             principal: http.PrincipalDep, case_id: CaseId, data: JSONBody[UnitIn]) -> CaseSummary:
    d = deployment
    http.readable_case(d, principal, case_id, HANDLE)
    acts_for_unit(principal, data.unit, "签收 sign for it")
    with d.transaction() as s:
        after = dispatch.sign_off(d, case_id, data.unit, actor=principal.actor, session=s)
        http.audit(d, s, principal.actor, request, "smart.sign_off", f"case:{case_id}",
               detail={"unit": data.unit})
    return summary(after)


class ReturnIn(Struct, forbid_unknown_fields=True):
    unit: Unit
    reason: Annotated[str, Meta(min_length=1, max_length=64,
                                description="退单原因 code: not_our_duty, wrong_locality …")]
    basis: Annotated[str, Meta(min_length=1, max_length=2000,
                               description="职责依据: the rule that shows it is not the unit's")]


@post("/cases/{case_id:int}/return", opt={"permission": HANDLE}, sync_to_thread=True,
      status_code=200, summary="退单: the lead unit returns a wrongly dispatched order, with the "
                               "reason and its basis")
def return_order(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                 principal: http.PrincipalDep, case_id: CaseId, data: JSONBody[ReturnIn]) -> CaseSummary:
    d = deployment
    http.readable_case(d, principal, case_id, HANDLE)
    acts_for_unit(principal, data.unit, "退单 return it")
    with d.transaction() as s:
        after = dispatch.return_order(d, case_id, data.unit, data.reason, data.basis,
                                      actor=principal.actor, session=s)
        http.audit(d, s, principal.actor, request, "smart.return", f"case:{case_id}",
               reason=data.basis, detail={"unit": data.unit, "reason": data.reason})
    return summary(after)


class UrgeIn(Struct, forbid_unknown_fields=True):
    note: Note
    unit: Unit | None = None


class SuperviseIn(Struct, forbid_unknown_fields=True):
    note: Note
    unit: Unit | None = None
    due_workdays: Annotated[int, Meta(ge=1, le=30)] = 3


@post("/cases/{case_id:int}/urge", opt={"permission": DISPATCH}, sync_to_thread=True,
      status_code=200, summary="催办: an urging order to the unit (the lead unit by default)")
def urge(request: Request[Any, Any, Any], deployment: http.DeploymentDep, principal: http.PrincipalDep,
         case_id: CaseId, data: JSONBody[UrgeIn]) -> CaseSummary:
    d = deployment
    http.readable_case(d, principal, case_id, DISPATCH)
    with d.transaction() as s:
        after = dispatch.urge(d, case_id, data.note, actor=principal.actor, unit=data.unit,
                              session=s)
        http.audit(d, s, principal.actor, request, "smart.urge", f"case:{case_id}", reason=data.note)
    return summary(after)


@post("/cases/{case_id:int}/supervise", opt={"permission": DISPATCH}, sync_to_thread=True,
      status_code=200, summary="督办: a supervision order with its own reply deadline")
def supervise(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
              principal: http.PrincipalDep, case_id: CaseId, data: JSONBody[SuperviseIn]) -> CaseSummary:
    d = deployment
    http.readable_case(d, principal, case_id, DISPATCH)
    with d.transaction() as s:
        after = dispatch.supervise(d, case_id, data.note, actor=principal.actor, unit=data.unit,
                                   due_workdays=data.due_workdays, session=s)
        http.audit(d, s, principal.actor, request, "smart.supervise", f"case:{case_id}",
               reason=data.note)
    return summary(after)


@get("/ranking", opt={"permission": REPORTS}, sync_to_thread=True,
     summary="考核排名: units ranked on response, resolution and satisfaction rates (over the "
             "cases in your areas)")
def ranking(deployment: http.DeploymentDep, principal: http.PrincipalDep,
            period: Annotated[str, Parameter(min_length=4, max_length=16,
                                             schema_extra={"pattern": PERIOD_PATTERN},
                                             description="2026-10, 2026-Q3, 2026-W40 …")],
            area: AreaQ = None) -> list[dict[str, Any]]:
    d = deployment
    scope = http.listing_scope(d, principal, REPORTS, area)
    return [f.as_dict() for f in dispatch.ranking(d, parse_period(period), scope=scope)]


# -- deadlines --------------------------------------------------------------------------------

@get("/cases/{case_id:int}/deadline", opt={"permission": READ}, sync_to_thread=True,
     summary="办理时限: where a case stands against its working-day deadline")
def deadline(deployment: http.DeploymentDep, principal: http.PrincipalDep,
             case_id: CaseId) -> dict[str, Any]:
    d = deployment
    return deadlines.status(d, http.readable_case(d, principal, case_id))


class PauseIn(Struct, forbid_unknown_fields=True):
    reason: Note


@post("/cases/{case_id:int}/deadline/pause", opt={"permission": HANDLE}, sync_to_thread=True,
      status_code=200, summary="Stop the clock while waiting on the resident")
def pause(request: Request[Any, Any, Any], deployment: http.DeploymentDep, principal: http.PrincipalDep,
          case_id: CaseId, data: JSONBody[PauseIn]) -> CaseSummary:
    d = deployment
    own_unit(principal, http.readable_case(d, principal, case_id, HANDLE),
             "暂停计时 pause its clock")
    with d.transaction() as s:
        after = deadlines.pause(d, case_id, actor=principal.actor, reason=data.reason, session=s)
        http.audit(d, s, principal.actor, request, "smart.pause", f"case:{case_id}",
               reason=data.reason)
    return summary(after)


@post("/cases/{case_id:int}/deadline/resume", opt={"permission": HANDLE}, sync_to_thread=True,
      status_code=200, summary="Restart the clock with the working time that was left")
def resume(request: Request[Any, Any, Any], deployment: http.DeploymentDep, principal: http.PrincipalDep,
           case_id: CaseId) -> CaseSummary:
    d = deployment
    own_unit(principal, http.readable_case(d, principal, case_id, HANDLE),
             "恢复计时 resume its clock")
    with d.transaction() as s:
        after = deadlines.resume(d, case_id, actor=principal.actor, session=s)
        http.audit(d, s, principal.actor, request, "smart.resume", f"case:{case_id}")
    return summary(after)


class ExtensionIn(Struct, forbid_unknown_fields=True):
    workdays: Annotated[int, Meta(ge=1, le=365)]
    reason: Note


@post("/cases/{case_id:int}/extension", opt={"permission": HANDLE}, sync_to_thread=True,
      status_code=200, summary="延期申请: ask for more working days, before the deadline")
def request_extension(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                      principal: http.PrincipalDep, case_id: CaseId,
                      data: JSONBody[ExtensionIn]) -> CaseSummary:
    d = deployment
    own_unit(principal, http.readable_case(d, principal, case_id, HANDLE),
             "申请延期 ask for an extension")
    with d.transaction() as s:
        after = deadlines.request_extension(d, case_id, data.workdays, actor=principal.actor,
                                            reason=data.reason, session=s)
        http.audit(d, s, principal.actor, request, "smart.extension_request", f"case:{case_id}",
               reason=data.reason, detail={"workdays": data.workdays})
    return summary(after)


class DecisionIn(Struct, forbid_unknown_fields=True):
    approve: bool
    reason: Reason | None = None


@post("/cases/{case_id:int}/extension/decision", opt={"permission": DISPATCH},
      sync_to_thread=True, status_code=200,
      summary="延期审批: the hotline centre approves (the deadline moves) or refuses")
def decide_extension(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                     principal: http.PrincipalDep, case_id: CaseId,
                     data: JSONBody[DecisionIn]) -> CaseSummary:
    d = deployment
    http.readable_case(d, principal, case_id, DISPATCH)
    with d.transaction() as s:
        after = deadlines.decide_extension(d, case_id, data.approve, actor=principal.actor,
                                           reason=data.reason, session=s)
        http.audit(d, s, principal.actor, request, "smart.extension_decision", f"case:{case_id}",
               reason=data.reason, detail={"approved": data.approve})
    return summary(after)


def _due_list(d: Deployment, cases: list[Case], overdue: bool) -> list[DueCase]:
    out = []
    for c in cases:
        assert c.id is not None
        info = deadlines.status(d, c)
        out.append(DueCase(c.id, iso(c.deadline), overdue, c.title, c.area_code,
                           info["flagged_years"]))
    return out


@get("/overdue", opt={"permission": READ}, sync_to_thread=True,
     summary="超期: open cases past their deadline in your areas, oldest first")
def overdue(deployment: http.DeploymentDep, principal: http.PrincipalDep,
            area: AreaQ = None) -> list[DueCase]:
    d = deployment
    return _due_list(d, deadlines.overdue(d, scope=http.listing_scope(d, principal, READ, area)), True)


@get("/reminders", opt={"permission": READ}, sync_to_thread=True,
     summary="临期提醒: open cases due within the reminder window, in your areas")
def reminders(deployment: http.DeploymentDep, principal: http.PrincipalDep,
              area: AreaQ = None) -> list[DueCase]:
    d = deployment
    return _due_list(d, deadlines.due_soon(d, scope=http.listing_scope(d, principal, READ, area)), False)


# -- callbacks --------------------------------------------------------------------------------

class CallbackIn(Struct, forbid_unknown_fields=True):
    reached: bool
    satisfaction: Annotated[str, Meta(
        pattern="^(satisfied|basically_satisfied|dissatisfied)$")] | None = None
    resolved: bool | None = None
    reason: Reason | None = None
    reopen: Annotated[bool, Meta(description="dissatisfied only: bring the case back to work "
                                             "(needs cases.transition too)")] = False


@post("/cases/{case_id:int}/callback", opt={"permission": CALLBACK}, sync_to_thread=True,
      status_code=200, summary="回访: reached or not, satisfaction, resolved, and reopen when "
                               "dissatisfied")
def callback(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
             principal: http.PrincipalDep, case_id: CaseId, data: JSONBody[CallbackIn]) -> CaseSummary:
    d = deployment
    case = http.readable_case(d, principal, case_id, CALLBACK)
    if data.reopen:
        http.require_area(d, principal, "cases.transition", case.area_code)
    with d.transaction() as s:
        after = callbacks.record(d, case_id, actor=principal.actor, reached=data.reached,
                                 satisfaction=data.satisfaction, resolved=data.resolved,
                                 reason=data.reason, reopen=data.reopen, session=s)
        http.audit(d, s, principal.actor, request, "smart.callback", f"case:{case_id}",
               reason=data.reason, detail={"reached": data.reached,
                                           "satisfaction": data.satisfaction,
                                           "reopen": data.reopen})
    return summary(after)


@get("/callbacks/due", opt={"permission": READ}, sync_to_thread=True,
     summary="回访任务: resolved cases still waiting for their callback, in your areas")
def callbacks_due(deployment: http.DeploymentDep, principal: http.PrincipalDep,
                  area: AreaQ = None) -> list[DueCase]:
    d = deployment
    rows = callbacks.due(d, scope=http.listing_scope(d, principal, READ, area))
    return [DueCase(case_id, iso(at), late) for case_id, at, late in rows]


# -- duplicates -------------------------------------------------------------------------------

@get("/duplicates", opt={"permission": READ}, sync_to_thread=True,
     summary="重复诉求: merge proposals whose two cases both lie in your areas")
def duplicate_proposals(
        deployment: http.DeploymentDep, principal: http.PrincipalDep,
        status: Annotated[str | None, Parameter(
            pattern="^(proposed|merged|unmerged|rejected)$")] = "proposed") -> list[dict[str, Any]]:
    d = deployment
    rows = duplicates.proposals(d, status, scope=principal.scope(READ))
    return [{**r, "proposed_at": iso(r["proposed_at"]), "decided_at": iso(r["decided_at"])}
            for r in rows]


class MergeIn(Struct, forbid_unknown_fields=True):
    reason: Reason | None = None


def _proposal_cases(d: Deployment, principal: Principal, proposal_id: int) -> dict[str, Any]:
    p = duplicates.proposal(d, proposal_id)
    for case_id in (p["case_id"], p["candidate_id"]):
        try:
            http.readable_case(d, principal, case_id, DISPATCH)
        except NotFound:
            raise NotFound(f"no duplicate proposal {proposal_id}", field="proposal",
                           rule="exists") from None
    return p


@post("/duplicates/{proposal_id:int}/merge", opt={"permission": DISPATCH}, sync_to_thread=True,
      status_code=200, summary="Accept a proposal: merge the new appeal into the open one")
def merge_proposal(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                   principal: http.PrincipalDep, proposal_id: RowId, data: JSONBody[MergeIn]) -> CaseSummary:
    d = deployment
    p = _proposal_cases(d, principal, proposal_id)
    with d.transaction() as s:
        after = duplicates.merge(d, p["case_id"], p["candidate_id"], actor=principal.actor,
                                 reason=data.reason, proposal_id=proposal_id, session=s)
        http.audit(d, s, principal.actor, request, "smart.merge", f"case:{p['case_id']}",
               reason=data.reason, detail={"into": p["candidate_id"], "proposal": proposal_id})
    return summary(after)


@post("/duplicates/{proposal_id:int}/reject", opt={"permission": DISPATCH}, sync_to_thread=True,
      status_code=200, summary="Reject a proposal: the two appeals stay separate")
def reject_proposal(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                    principal: http.PrincipalDep, proposal_id: RowId) -> dict[str, Any]:
    d = deployment
    _proposal_cases(d, principal, proposal_id)
    with d.transaction() as s:
        duplicates.reject(d, proposal_id, actor=principal.actor, session=s)
        http.audit(d, s, principal.actor, request, "smart.merge_rejected", f"duplicate:{proposal_id}")
    return {"proposal": proposal_id, "status": "rejected"}


class MergeIntoIn(Struct, forbid_unknown_fields=True):
    into: Annotated[int, Meta(ge=1, le=MAX_ID)]
    reason: Reason | None = None


@post("/cases/{case_id:int}/merge", opt={"permission": DISPATCH}, sync_to_thread=True,
      status_code=200, summary="Merge a case into another (both histories kept; one case in the "
                               "figures)")
def merge_case(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
               principal: http.PrincipalDep, case_id: CaseId, data: JSONBody[MergeIntoIn]) -> CaseSummary:
    d = deployment
    http.readable_case(d, principal, case_id, DISPATCH)
    http.readable_case(d, principal, data.into, DISPATCH)
    with d.transaction() as s:
        after = duplicates.merge(d, case_id, data.into, actor=principal.actor,
                                 reason=data.reason, session=s)
        http.audit(d, s, principal.actor, request, "smart.merge", f"case:{case_id}",
               reason=data.reason, detail={"into": data.into})
    return summary(after)


class UnmergeIn(Struct, forbid_unknown_fields=True):
    reason: Note


@post("/cases/{case_id:int}/unmerge", opt={"permission": DISPATCH}, sync_to_thread=True,
      status_code=200, summary="Undo a merge")
def unmerge_case(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                 principal: http.PrincipalDep, case_id: CaseId, data: JSONBody[UnmergeIn]) -> CaseSummary:
    d = deployment
    http.readable_case(d, principal, case_id, DISPATCH)
    with d.transaction() as s:
        after = duplicates.unmerge(d, case_id, actor=principal.actor, reason=data.reason,
                                   session=s)
        http.audit(d, s, principal.actor, request, "smart.unmerge", f"case:{case_id}",
               reason=data.reason)
    return summary(after)


# -- early warning ----------------------------------------------------------------------------

def _alert_out(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "raised_at": iso(row["raised_at"].replace(tzinfo=dt.UTC))}


@get("/alerts", opt={"permission": ALERTS}, sync_to_thread=True,
     summary="排查预警: alerts in your areas, newest first")
def alert_list(deployment: http.DeploymentDep, principal: http.PrincipalDep,
               status: Annotated[str | None, Parameter(
                   pattern="^(open|acknowledged|closed)$")] = "open",
               area: AreaQ = None,
               limit: Annotated[int, Parameter(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
    d = deployment
    rows = alerts.listing(d, status=status, scope=http.listing_scope(d, principal, ALERTS, area),
                          limit=limit)
    return [_alert_out(r) for r in rows]


def _alert(d: Deployment, principal: Principal, alert_id: int) -> dict[str, Any]:
    row = alerts.get(d, alert_id)
    area = row["area_code"]
    if area is None or area not in d.areas.tree or not principal.can(
            ALERTS, d.areas.tree.path(area)):
        raise NotFound(f"no alert {alert_id}", field="alert_id", rule="exists")
    return row


@get("/alerts/{alert_id:int}", opt={"permission": ALERTS}, sync_to_thread=True,
     summary="One alert with its history (raised, acknowledged, closed)")
def alert_detail(deployment: http.DeploymentDep, principal: http.PrincipalDep,
                 alert_id: RowId) -> dict[str, Any]:
    d = deployment
    row = _alert(d, principal, alert_id)
    history = [{**h, "occurred_at": iso(h["occurred_at"].replace(tzinfo=dt.UTC))}
               for h in alerts.history(d, alert_id)]
    return {**_alert_out(row), "history": history}


class AlertNoteIn(Struct, forbid_unknown_fields=True):
    note: Reason | None = None


def _alert_change(request: Request[Any, Any, Any], d: Deployment, principal: Principal,
                  alert_id: int, note: str | None, close: bool) -> dict[str, Any]:
    _alert(d, principal, alert_id)
    with d.transaction() as s:
        alerts.acknowledge(d, alert_id, actor=principal.actor, note=note, close=close, session=s)
        http.audit(d, s, principal, request,
                   "smart.alert_closed" if close else "smart.alert_acknowledged",
                   f"alert:{alert_id}", reason=note)
    return _alert_out(alerts.get(d, alert_id))


@post("/alerts/{alert_id:int}/acknowledge", opt={"permission": ALERTS}, sync_to_thread=True,
      status_code=200, summary="签收预警: acknowledge an alert")
def acknowledge_alert(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                      principal: http.PrincipalDep, alert_id: RowId,
                      data: JSONBody[AlertNoteIn]) -> dict[str, Any]:
    return _alert_change(request, deployment, principal, alert_id, data.note, False)


@post("/alerts/{alert_id:int}/close", opt={"permission": ALERTS}, sync_to_thread=True,
      status_code=200, summary="Close an alert (with what was done)")
def close_alert(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                principal: http.PrincipalDep, alert_id: RowId, data: JSONBody[AlertNoteIn]) -> dict[str, Any]:
    return _alert_change(request, deployment, principal, alert_id, data.note, True)


# -- analysis reports -------------------------------------------------------------------------

Period = Annotated[str, Parameter(min_length=4, max_length=16,
                                  schema_extra={"pattern": period_pattern("week", "month")},
                                  description="a week (2026-W10) or a month (2026-03)")]
AreaPath = Annotated[str, Parameter(min_length=1, max_length=64)]


def _report(request: Request[Any, Any, Any], d: Deployment, principal: Principal,
            area_code: str, period: str, fmt: str) -> dict[str, Any]:
    http.require_area(d, principal, REPORTS, area_code)
    built = reports.build(d, area_code, parse_period(period))
    http.audit(d, None, principal.actor, request, "smart.report", f"report:{area_code}:{period}",
           detail={"format": fmt})
    return built


@get("/reports/{area_code:str}/{period:str}", opt={"permission": REPORTS}, sync_to_thread=True,
     summary="研判报告 (JSON): volumes, categories and trend, causes, hot spots, overdue, "
             "escalated, satisfaction, warnings")
def report_json(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                principal: http.PrincipalDep, area_code: AreaPath, period: Period) -> dict[str, Any]:
    return _report(request, deployment, principal, area_code, period, "json")


@get("/reports/{area_code:str}/{period:str}/xlsx", opt={"permission": REPORTS},
     sync_to_thread=True, summary="研判报告 as an XLSX workbook", media_type=(
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
def report_xlsx(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                principal: http.PrincipalDep, area_code: AreaPath, period: Period) -> Response[bytes]:
    built = _report(request, deployment, principal, area_code, period, "xlsx")
    name = f"{area_code}-{built['period']}.xlsx"
    return Response(reports.xlsx_bytes(built), media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@get("/reports/{area_code:str}/{period:str}/html", opt={"permission": REPORTS},
     sync_to_thread=True, summary="研判报告 as a printable page (self-contained HTML)",
     media_type="text/html")
def report_html(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                principal: http.PrincipalDep, area_code: AreaPath, period: Period) -> Response[str]:
    built = _report(request, deployment, principal, area_code, period, "html")
    return Response(reports.html_page(built, reports.map_svg(deployment, built)),
                    media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy":
                             "default-src 'none'; style-src 'unsafe-inline'"})


# -- prevention measures ----------------------------------------------------------------------

MeasureBody = Annotated[dict[str, Any], bodies.body(
    prevention.MeasureIn, "预防措施: what was done, where and when (YYYY-MM-DD), optionally for "
                          "which category or nature and which cases")]


def _natures(d: Deployment) -> dict[str, dict[str, Any]]:
    """The document's ``nature`` codes: the deployment's ``[plugins.smart] natures`` in force
    (an empty value means none given, as the service reads it)."""
    return {"nature": {"enum": [n.code for n in settings(d).natures] + ["", None]}}


@post("/prevention", opt={"permission": PREVENTION, FIELD_BOUNDS: _natures}, sync_to_thread=True,
      status_code=201,
      summary="记录预防措施: record a prevention measure taken in an area")
def record_measure(request: Request[Any, Any, Any], deployment: http.DeploymentDep,
                   principal: http.PrincipalDep, data: MeasureBody) -> dict[str, Any]:
    d = deployment
    measure = bodies.parse(prevention.MeasureIn, data)
    http.require_area(d, principal, PREVENTION, measure.area_code)
    with http.audited(d, principal, request, "smart.prevention.record") as s:
        row = prevention.record(d, measure, actor=principal.actor, session=s)
        s.info["audit_record"] = f"smart_prevention_measures:{row['id']}"
    return row


@get("/prevention", opt={"permission": REPORTS}, sync_to_thread=True,
     summary="预防措施 taken in an area (its whole subtree) during a week or month")
def list_measures(deployment: http.DeploymentDep, principal: http.PrincipalDep,
                  area: AreaPath, period: Period) -> list[dict[str, Any]]:
    http.require_area(deployment, principal, REPORTS, area, "area")
    return prevention.listing(deployment, area, parse_period(period))


ROUTES = [
    hotline_webhook, messaging_webhook, mailbox, classify_text, case_classification,
    confirm_category, units, dispatch_view, dispatch_case, sign_off, return_order, reply, urge,
    supervise, ranking, deadline, pause, resume, request_extension, decide_extension, overdue,
    reminders, callback, callbacks_due, duplicate_proposals, merge_proposal, reject_proposal,
    merge_case, unmerge_case, alert_list, alert_detail, acknowledge_alert, close_alert,
    report_json, report_xlsx, report_html, record_measure, list_measures,
]

