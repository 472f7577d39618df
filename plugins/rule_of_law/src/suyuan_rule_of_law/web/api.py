"""Routes under ``/api/v1/rule_of_law/``: the directory and halls, advisors (terms, coverage, the
monthly report as JSON, XLSX and a print view), legal education (records, compliance, duties),
circuit sessions, judicial confirmation, delegated cases and video sessions.

Reads are scoped to the caller's areas (404 outside them); writes need the pillar's permission in
the record's area (403). Every write and its audit entry are one transaction
(``suyuan_core.http.audited``): the service writes in the session the audit entry is written in,
so a failed write leaves neither."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import attrs
from litestar import MediaType, Response, get, post
from litestar.params import Parameter

from suyuan_core import AREA_LEVELS, Level, NotFound, ValidationError, bodies
from suyuan_core.http import Id
from suyuan_core.inputs import ranged
from suyuan_rule_of_law.advisors import (
    ActivityInput,
    TermInput,
    report_html,
    report_xlsx,
)
from suyuan_rule_of_law.common import date_conv, need_date
from suyuan_rule_of_law.confirmation import ApplicationInput
from suyuan_rule_of_law.courts import CircuitInput
from suyuan_rule_of_law.directory import HallInput, ResourceInput
from suyuan_rule_of_law.education import DutyInput, LectureInput
from suyuan_rule_of_law.service import service
from suyuan_rule_of_law.video import ScheduleInput
from suyuan_rule_of_law.vocab import (
    DELEGATION_RESULTS,
    VIDEO_OUTCOMES,
)
from suyuan_rule_of_law.web.common import (
    ADVISORS_MANAGE,
    ADVISORS_RECORD,
    APPLY,
    COURTS,
    DECIDE,
    DELEGATIONS,
    DIRECTORY,
    EDUCATION,
    READ,
    ROSTER_READ,
    VIDEO,
    AnyRequest,
    DeploymentDep,
    PrincipalDep,
    audited,
    paths,
    readable,
    require,
    scope,
)

Area = Annotated[str | None, Parameter(max_length=64, description="An area code (default: "
                                                                  "the caller's areas)")]
MONTH = r"^(20\d\d|2100)-(0[1-9]|1[0-2])$"
Month = Annotated[str, Parameter(pattern=MONTH, description="YYYY-MM")]
Year = Annotated[int, Parameter(ge=2000, le=2100)]
Day = Annotated[str | None, Parameter(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(value: str, key: str, high: int = 500, required: bool = True) -> str:
    if (required and not value.strip()) or len(value) > high:
        raise ValidationError(f"a text of {int(required)} to {high} characters", field=key,
                              rule="text")
    return value


#: a hall, an advisor's village, a circuit session and a lecture are in one village/community
#: (``common.community`` refuses any other level): the document offers those codes only.
COMMUNITY_ONLY = {AREA_LEVELS: {"area_code": (Level.community,)}}

# -- the bodies of the steps that take no service input class (documented from these) --------

@attrs.frozen
class AcceptBody:
    """The court accepts the application (立案), under a judicial-confirmation case number."""

    on: dt.date = attrs.field(converter=date_conv("on"))  # type: ignore[misc]
    court_case_number: str = ranged(min_length=1, max_length=64)


@attrs.frozen
class DecideBody:
    """The court's decision: ``confirmed`` (enforceable) or ``refused`` (with its reason)."""

    on: dt.date = attrs.field(converter=date_conv("on"))  # type: ignore[misc]
    outcome: str = ranged(enum=("confirmed", "refused"))
    reason: str = ranged(default="", max_length=2000)


@attrs.frozen
class ExtendBody:
    """The decision period's extension, with who approved it (the court's president)."""

    approved_by: str = ranged(min_length=1, max_length=100)


@attrs.frozen
class ResultBody:
    """How a delegated case ended: ``settled``, ``failed`` or ``withdrawn``."""

    result: str = ranged(enum=DELEGATION_RESULTS)
    closed_on: dt.date = attrs.field(converter=date_conv("closed_on"))  # type: ignore[misc]


@attrs.frozen
class AttendanceBody:
    """The participants who joined the remote session (names as invited)."""

    attended: list[str]


@attrs.frozen
class OutcomeBody:
    """How a remote session ended: ``settled``, ``not_settled`` or ``adjourned``."""

    outcome: str = ranged(enum=VIDEO_OUTCOMES)
    note: str = ranged(default="", max_length=2000)


@attrs.frozen
class FollowUpBody:
    """What was done about the common problems a circuit session found, and when."""

    on: dt.date = attrs.field(converter=date_conv("on"))  # type: ignore[misc]
    follow_up: str = ranged(min_length=1, max_length=2000)


#: request bodies documented from (and checked against) the input classes: each field's range
#: is declared on the class (``suyuan_core.inputs.ranged``), so the document says what the domain
#: will take, not only the JSON types.
AcceptBodyData = Annotated[dict[str, Any], bodies.body(AcceptBody)]
ActivityInputData = Annotated[dict[str, Any], bodies.body(ActivityInput)]
ApplicationInputData = Annotated[dict[str, Any], bodies.body(ApplicationInput)]
AttendanceBodyData = Annotated[dict[str, Any], bodies.body(AttendanceBody)]
CircuitInputData = Annotated[dict[str, Any], bodies.body(CircuitInput)]
DecideBodyData = Annotated[dict[str, Any], bodies.body(DecideBody)]
DutyInputData = Annotated[dict[str, Any], bodies.body(DutyInput)]
ExtendBodyData = Annotated[dict[str, Any], bodies.body(ExtendBody)]
FollowUpBodyData = Annotated[dict[str, Any], bodies.body(FollowUpBody)]
HallInputData = Annotated[dict[str, Any], bodies.body(HallInput)]
LectureInputData = Annotated[dict[str, Any], bodies.body(LectureInput)]
OutcomeBodyData = Annotated[dict[str, Any], bodies.body(OutcomeBody)]
ResourceInputData = Annotated[dict[str, Any], bodies.body(ResourceInput)]
ResultBodyData = Annotated[dict[str, Any], bodies.body(ResultBody)]
ScheduleInputData = Annotated[dict[str, Any], bodies.body(ScheduleInput)]
TermInputData = Annotated[dict[str, Any], bodies.body(TermInput)]


# -- directory -----------------------------------------------------------------------------------

@get("/directory", sync_to_thread=True, opt={"permission": ROSTER_READ})
def directory(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
              kind: Annotated[str | None, Parameter(max_length=32)] = None) -> list[dict[str, Any]]:
    """社区法律服务资源库: resources serving an area (or the caller's areas), by kind."""
    out: dict[str, dict[str, Any]] = {}
    for code in scope(deployment, principal, ROSTER_READ, area):
        for r in service(deployment).directory.search(area_code=code, kind=kind):
            out[r["external_id"]] = r
    return sorted(out.values(), key=lambda r: str(r["external_id"]))


@get("/halls", sync_to_thread=True, opt={"permission": READ})
def halls(deployment: DeploymentDep, principal: PrincipalDep,
          area: Area = None) -> list[dict[str, Any]]:
    """群众工作之家 in the caller's areas: equipment, opening times, resources stationed."""
    out = []
    for code in scope(deployment, principal, READ, area):
        out += service(deployment).directory.halls(code)
    return out


# -- advisors ------------------------------------------------------------------------------------

@get("/advisors/coverage", sync_to_thread=True, opt={"permission": READ})
def coverage(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
             on: Day = None) -> dict[str, Any]:
    """一社区一法律顾问: per community, covered / lapsed / none."""
    day = need_date(on, "on") if on else None
    rows: list[Any] = []
    for code in scope(deployment, principal, READ, area):
        rows += service(deployment).advisors.coverage(day, code)
    return {"covered": sum(1 for r in rows if r.state == "covered"), "communities": len(rows),
            "rows": [{"area_code": r.area_code, "area_name": r.area_name, "state": r.state,
                      "advisor": r.advisor, "advisor_name": r.advisor_name,
                      "end_on": r.end_on.isoformat() if r.end_on else None} for r in rows]}


@post("/advisors/terms", sync_to_thread=True, opt={"permission": ADVISORS_MANAGE, **COMMUNITY_ONLY})
def add_term(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
             data: TermInputData) -> dict[str, Any]:
    """Assign an advisor to a community for a term."""
    item = bodies.parse(TermInput, data)
    require(deployment, principal, ADVISORS_MANAGE, item.area_code)
    with audited(deployment, principal, request, "advisor_term") as s:
        t = service(deployment).advisors.assign(item, session=s)
        s.info["audit_record"] = f"advisor_term:{t.id}"
    return {"id": t.id, "advisor": t.advisor, "area_code": t.area_code,
            "start_on": t.start_on.isoformat(), "end_on": t.end_on.isoformat() if t.end_on
            else None}


@post("/advisors/activities", sync_to_thread=True, opt={"permission": ADVISORS_RECORD, **COMMUNITY_ONLY})
def add_activity(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
                 data: ActivityInputData) -> dict[str, Any]:
    """Record an advisor's consultations, cases joined or agreements reviewed."""
    item = bodies.parse(ActivityInput, data)
    require(deployment, principal, ADVISORS_RECORD, item.area_code)
    with audited(deployment, principal, request, "advisor_activity") as s:
        aid = service(deployment).advisors.record(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"advisor_activity:{aid}"
    return {"id": aid}


def _report(deployment: Any, principal: Any, advisor: str, month: str) -> Any:
    svc = service(deployment).advisors
    report = svc.monthly_report(advisor, month)
    terms = svc.terms(advisor=advisor)
    if not any(principal.can(READ, deployment.areas.tree.path(t.area_code)) for t in terms):
        raise NotFound(f"no advisor {advisor!r}", field="advisor", rule="exists")
    return report


Advisor = Annotated[str, Parameter(max_length=128)]


@get("/advisors/{advisor:str}/report", sync_to_thread=True, opt={"permission": READ})
def report(deployment: DeploymentDep, principal: PrincipalDep, advisor: Advisor,
           month: Month) -> dict[str, Any]:
    """一月一通报: the advisor's month, counted from what was recorded."""
    result: dict[str, Any] = _report(deployment, principal, advisor, month).as_dict()
    return result


@get("/advisors/{advisor:str}/report.xlsx", sync_to_thread=True, opt={"permission": READ},
     media_type=XLSX)
def report_sheet(deployment: DeploymentDep, principal: PrincipalDep, advisor: Advisor,
                 month: Month) -> Response[bytes]:
    r = _report(deployment, principal, advisor, month)
    return Response(report_xlsx([r]), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="advisor-{advisor}-{month}.xlsx"'})


@get("/advisors/{advisor:str}/report/print", sync_to_thread=True, opt={"permission": READ},
     media_type=MediaType.HTML)
def report_print(deployment: DeploymentDep, principal: PrincipalDep, advisor: Advisor,
                 month: Month) -> str:
    return report_html([_report(deployment, principal, advisor, month)])


# -- education -----------------------------------------------------------------------------------

@post("/lectures", sync_to_thread=True, opt={"permission": EDUCATION, **COMMUNITY_ONLY})
def add_lecture(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
                data: LectureInputData) -> dict[str, Any]:
    """Record a 法治大讲堂, 以案说法 or 法律七进 event with its attendance."""
    item = bodies.parse(LectureInput, data)
    require(deployment, principal, EDUCATION, item.area_code)
    with audited(deployment, principal, request, "lecture") as s:
        lid = service(deployment).education.record(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"lecture:{lid}"
    return {"id": lid}


@get("/lectures", sync_to_thread=True, opt={"permission": READ})
def list_lectures(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                  month: Annotated[str | None, Parameter(pattern=MONTH)] = None
                  ) -> list[dict[str, Any]]:
    out = []
    for code in scope(deployment, principal, READ, area):
        out += service(deployment).education.find(area_code=code, month=month)
    return out


@get("/lectures/compliance", sync_to_thread=True, opt={"permission": READ})
def compliance(deployment: DeploymentDep, principal: PrincipalDep, month: Month,
               area: Area = None) -> dict[str, Any]:
    """法治大讲堂 twice a month: which communities fell short (drill down to them)."""
    rows: list[Any] = []
    for code in scope(deployment, principal, READ, area):
        rows += service(deployment).education.compliance(month, code)
    short = [r for r in rows if r.short]
    return {"month": month, "communities": len(rows), "met": len(rows) - len(short),
            "short": [{"area_code": r.area_code, "area_name": r.area_name, "held": r.held,
                       "required": r.required} for r in short]}


@get("/duties", sync_to_thread=True, opt={"permission": READ})
def duties(deployment: DeploymentDep, year: Year) -> list[dict[str, Any]]:
    """谁执法谁普法: each department's promise for the year and what it did."""
    return service(deployment).education.duties(year)


# -- courts --------------------------------------------------------------------------------------

@post("/circuit-sessions", sync_to_thread=True, opt={"permission": COURTS, **COMMUNITY_ONLY})
def add_circuit(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
                data: CircuitInputData) -> dict[str, Any]:
    item = bodies.parse(CircuitInput, data)
    require(deployment, principal, COURTS, item.area_code)
    with audited(deployment, principal, request, "circuit_session") as s:
        sid = service(deployment).courts.record(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"circuit_session:{sid}"
    return {"id": sid}


@get("/circuit-sessions", sync_to_thread=True, opt={"permission": READ})
def list_circuit(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                 year: Annotated[int | None, Parameter(ge=2000, le=2100)] = None
                 ) -> list[dict[str, Any]]:
    out = []
    for code in scope(deployment, principal, READ, area):
        out += service(deployment).courts.find(area_code=code, year=year)
    return out


# -- judicial confirmation -----------------------------------------------------------------------

def _application(deployment: Any, principal: Any, application_id: int) -> Any:
    a = service(deployment).confirmations.get(application_id)
    readable(deployment, principal, a.area_code, f"judicial-confirmation application "
                                                 f"{application_id}")
    return a


@get("/confirmations", sync_to_thread=True, opt={"permission": READ})
def list_confirmations(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                       status: Annotated[str | None, Parameter(max_length=16)] = None
                       ) -> list[dict[str, Any]]:
    """司法确认 applications with the court's deadlines."""
    codes = scope(deployment, principal, READ, area)
    return [a.as_dict() for a in service(deployment).confirmations.find(
        status=status, area_paths=paths(deployment, codes))]


@get("/confirmations/{application_id:int}", sync_to_thread=True, opt={"permission": READ})
def get_confirmation(deployment: DeploymentDep, principal: PrincipalDep,
                     application_id: Id) -> dict[str, Any]:
    result: dict[str, Any] = _application(deployment, principal, application_id).as_dict()
    return result


@post("/confirmations", sync_to_thread=True, opt={"permission": APPLY})
def apply(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
          data: ApplicationInputData) -> dict[str, Any]:
    """File the parties' joint application (within 30 days of the agreement taking effect)."""
    item = bodies.parse(ApplicationInput, data)
    svc = service(deployment).confirmations
    with audited(deployment, principal, request, "confirmation_apply") as s:
        agreement = svc.agreement(s, item.agreement_ref)
        readable(deployment, principal, agreement.area_code, f"agreement {item.agreement_ref}")
        require(deployment, principal, APPLY, agreement.area_code, field="agreement_ref")
        a = svc.apply(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"confirmation:{a.id}"
    return a.as_dict()


@post("/confirmations/{application_id:int}/accept", sync_to_thread=True,
      opt={"permission": DECIDE})
def accept(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
           application_id: Id, data: AcceptBodyData) -> dict[str, Any]:
    a = _application(deployment, principal, application_id)
    require(deployment, principal, DECIDE, a.area_code, field="application_id")
    with audited(deployment, principal, request, "confirmation_accept",
                 f"confirmation:{a.id}") as s:
        body = bodies.parse(AcceptBody, data)
        a = service(deployment).confirmations.accept(
            application_id, body.on, _text(body.court_case_number, "court_case_number", 64),
            actor=principal.actor, session=s)
    return a.as_dict()


@post("/confirmations/{application_id:int}/decide", sync_to_thread=True,
      opt={"permission": DECIDE})
def decide(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
           application_id: Id, data: DecideBodyData) -> dict[str, Any]:
    a = _application(deployment, principal, application_id)
    require(deployment, principal, DECIDE, a.area_code, field="application_id")
    with audited(deployment, principal, request, "confirmation_decide",
                 f"confirmation:{a.id}") as s:
        body = bodies.parse(DecideBody, data)
        a = service(deployment).confirmations.decide(
            application_id, body.on, _text(body.outcome, "outcome", 16),
            reason=_text(body.reason, "reason", 2000, required=False), actor=principal.actor,
            session=s)
    return a.as_dict()


@post("/confirmations/{application_id:int}/extend", sync_to_thread=True,
      opt={"permission": DECIDE})
def extend(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
           application_id: Id, data: ExtendBodyData) -> dict[str, Any]:
    a = _application(deployment, principal, application_id)
    require(deployment, principal, DECIDE, a.area_code, field="application_id")
    with audited(deployment, principal, request, "confirmation_extend",
                 f"confirmation:{a.id}") as s:
        body = bodies.parse(ExtendBody, data)
        a = service(deployment).confirmations.extend(
            application_id, _text(body.approved_by, "approved_by", 100), actor=principal.actor,
            session=s)
    return a.as_dict()


# -- delegated cases -----------------------------------------------------------------------------

@get("/delegations/figures", sync_to_thread=True, opt={"permission": "metrics.read"})
def delegation_figures(deployment: DeploymentDep,
                       by: Annotated[str, Parameter(pattern="^(organisation|mediator)$")]
                       = "organisation") -> list[dict[str, Any]]:
    """Delegated cases and their success per invited organisation or invited mediator."""
    return service(deployment).invited.figures(by)


@post("/delegations/{delegation_id:int}/result", sync_to_thread=True,
      opt={"permission": DELEGATIONS})
def delegation_result(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
                      delegation_id: Id, data: ResultBodyData) -> dict[str, Any]:
    svc = service(deployment).invited
    found = svc.find(delegation_id=delegation_id)
    if not found:
        raise NotFound(f"no delegated case {delegation_id}", field="delegation_id",
                       rule="exists")
    case = deployment.cases.get(found[0]["case_id"])
    readable(deployment, principal, case.area_code, f"delegated case {delegation_id}")
    require(deployment, principal, DELEGATIONS, case.area_code, field="delegation_id")
    with audited(deployment, principal, request, "delegation_result",
                 f"delegation:{delegation_id}") as s:
        body = bodies.parse(ResultBody, data)
        return svc.result(delegation_id, _text(body.result, "result", 16), body.closed_on,
                          actor=principal.actor, session=s)


# -- video mediation -----------------------------------------------------------------------------

@post("/video-sessions", sync_to_thread=True, opt={"permission": VIDEO})
def schedule_video(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
                   data: ScheduleInputData) -> dict[str, Any]:
    """Schedule a remote session: the join link comes from the configured video system."""
    item = bodies.parse(ScheduleInput, data)
    case = deployment.cases.get(item.case_id)
    readable(deployment, principal, case.area_code, f"case {item.case_id}")
    require(deployment, principal, VIDEO, case.area_code, field="case_id")
    with audited(deployment, principal, request, "video_schedule") as s:
        v = service(deployment).video.schedule(item, actor=principal.actor, session=s)
        s.info["audit_record"] = f"video_session:{v['id']}"
    return v


@post("/video-sessions/{video_id:int}/attendance", sync_to_thread=True,
      opt={"permission": VIDEO})
def video_attendance(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
                     video_id: Id, data: AttendanceBodyData) -> dict[str, Any]:
    """Who joined the remote session (a case event; the absent are named too)."""
    v = _video(deployment, principal, video_id)
    attended = bodies.parse(AttendanceBody, data).attended
    with audited(deployment, principal, request, "video_attendance",
                 f"video_session:{v['id']}") as s:
        return service(deployment).video.attendance(video_id, attended, actor=principal.actor,
                                                    session=s)


@post("/video-sessions/{video_id:int}/outcome", sync_to_thread=True, opt={"permission": VIDEO})
def video_outcome(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
                  video_id: Id, data: OutcomeBodyData) -> dict[str, Any]:
    v = _video(deployment, principal, video_id)
    with audited(deployment, principal, request, "video_outcome",
                 f"video_session:{v['id']}") as s:
        body = bodies.parse(OutcomeBody, data)
        return service(deployment).video.outcome(
            video_id, _text(body.outcome, "outcome", 16),
            note=_text(body.note, "note", 2000, required=False), actor=principal.actor,
            session=s)


@get("/video-sessions/{video_id:int}", sync_to_thread=True, opt={"permission": READ})
def get_video(deployment: DeploymentDep, principal: PrincipalDep, video_id: Id) -> dict[str, Any]:
    return _video(deployment, principal, video_id, READ)


def _video(deployment: Any, principal: Any, video_id: int,
           permission: str = VIDEO) -> dict[str, Any]:
    v = service(deployment).video.get(video_id)
    case = deployment.cases.get(v["case_id"])
    readable(deployment, principal, case.area_code, f"video session {video_id}")
    if permission != READ:
        require(deployment, principal, permission, case.area_code, field="video_id")
    return v


@get("/delegations", sync_to_thread=True, opt={"permission": READ})
def list_delegations(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None,
                     open_only: Annotated[bool, Parameter(description="only cases not yet ended")]
                     = False) -> list[dict[str, Any]]:
    """Delegated and entrusted cases with their deadlines and results, in the caller's areas."""
    codes = scope(deployment, principal, READ, area)
    tree = deployment.areas.tree
    wanted = [tree.path(c) for c in codes]
    out = []
    for x in service(deployment).invited.find(open_only=open_only):
        case = deployment.cases.get(x["case_id"])
        if any(tree.path(case.area_code).startswith(p) for p in wanted):
            out.append(x)
    return out


@post("/circuit-sessions/{session_id:int}/follow-up", sync_to_thread=True,
      opt={"permission": COURTS})
def circuit_follow_up(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
                      session_id: Id, data: FollowUpBodyData) -> dict[str, Any]:
    """What was done about the common problems a circuit session found."""
    found = service(deployment).courts.find(session_id=session_id)
    if not found:
        raise NotFound(f"no circuit session {session_id}", field="session_id", rule="exists")
    readable(deployment, principal, found[0]["area_code"], f"circuit session {session_id}")
    require(deployment, principal, COURTS, found[0]["area_code"], field="session_id")
    with audited(deployment, principal, request, "circuit_follow_up",
                 f"circuit_session:{session_id}") as s:
        body = bodies.parse(FollowUpBody, data)
        return service(deployment).courts.follow_up(
            session_id, body.on, _text(body.follow_up, "follow_up", 2000), session=s)


@post("/halls", sync_to_thread=True, opt={"permission": DIRECTORY, **COMMUNITY_ONLY})
def save_hall(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
              data: HallInputData) -> dict[str, Any]:
    """Record a community's 群众工作之家: equipment, opening times, resources stationed."""
    item = bodies.parse(HallInput, data)
    require(deployment, principal, DIRECTORY, item.area_code)
    with audited(deployment, principal, request, "hall", f"hall:{item.area_code}") as s:
        return service(deployment).directory.save_hall(item, session=s)


@post("/directory", sync_to_thread=True,
      opt={"permission": DIRECTORY, AREA_LEVELS: {"serves": tuple(Level)}})
def save_resource(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
                  data: ResourceInputData) -> dict[str, Any]:
    """Add or update one legal service resource."""
    item = bodies.parse(ResourceInput, data)
    for code in (item.area_code, *item.serves):
        require(deployment, principal, DIRECTORY, code)
    with audited(deployment, principal, request, "resource", f"resource:{item.external_id}") as s:
        service(deployment).directory.save([item], session=s)
    return {"external_id": item.external_id}


@post("/duties", sync_to_thread=True, opt={"permission": EDUCATION})
def promise(deployment: DeploymentDep, principal: PrincipalDep, request: AnyRequest,
            data: DutyInputData) -> dict[str, Any]:
    """谁执法谁普法: a department's promise for a year (county-level: needs the county)."""
    item = bodies.parse(DutyInput, data)
    root = deployment.areas.tree.roots()[0] if deployment.areas.tree.roots() else "C"
    require(deployment, principal, EDUCATION, root)
    with audited(deployment, principal, request, "duty") as s:
        did = service(deployment).education.promise(item, session=s)
        s.info["audit_record"] = f"duty:{did}"
    return {"id": did}


ROUTES = [video_attendance, video_outcome, get_video, list_delegations, circuit_follow_up,
          save_hall, save_resource, promise,
          directory, halls, coverage, add_term, add_activity, report, report_sheet, report_print,
          add_lecture, list_lectures, compliance, duties, add_circuit, list_circuit,
          list_confirmations, get_confirmation, apply, accept, decide, extend,
          delegation_figures, delegation_result, schedule_video]
