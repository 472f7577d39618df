"""Routes under ``/api/v1/virtue/``: thin over the services, which enforce every register rule
(the routes only say who is asking, from where and why). A caller holding no right for a route
gets 403 from the core's guard; a record outside the caller's rights is 404 (its existence is not
confirmed), and the refusal is audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

import attrs
from litestar import Response, get, post
from litestar.params import Parameter

from suyuan_core import (
    OPENAPI_OPERATION,
    Deployment,
    NotFound,
    Principal,
    ValidationError,
    http,
    period_pattern,
    times,
)
from suyuan_core.bodies import body, parse
from suyuan_core.bounds import MAX_ID
from suyuan_core.http import AUDITED, Id
from suyuan_core.inputs import FILLED, ranged
from suyuan_virtue.counselling import OUTCOMES as SESSION_OUTCOMES
from suyuan_virtue.counselling import SESSION_KINDS, ReferralInput
from suyuan_virtue.guardianship import FINDINGS, AgreementInput
from suyuan_virtue.marriage import CHANNELS, OUTCOMES
from suyuan_virtue.pia import PiaInput
from suyuan_virtue.protection import ADMIN, REGISTERS, Access, read_perm, write_perm
from suyuan_virtue.registers import ENTRY_KINDS, RecordInput
from suyuan_virtue.selection import HOUSEHOLD
from suyuan_virtue.selection import KINDS as SELECTION_KINDS

DeploymentDep = http.DeploymentDep
PrincipalDep = http.PrincipalDep
AnyRequest = http.AnyRequest
T = TypeVar("T")

Area = Annotated[str | None, Parameter(max_length=64)]
Day = Annotated[dt.date | None, Parameter(description="YYYY-MM-DD")]
Register = Annotated[str, Parameter(max_length=32, schema_extra={"enum": list(REGISTERS)},
                                    description="community_correction or resettlement")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSON_READ = (read_perm("community_correction"), read_perm("resettlement"))
PERSON_WRITE = (write_perm("community_correction"), write_perm("resettlement"))


# -- the request bodies (documented from, and checked against, these classes) -------------------
DAY = period_pattern("day")


@attrs.frozen
class EntryIn:
    """A check-in (报到), help given (帮扶), a home visit, or the end of the term (term_end)."""

    kind: str = ranged(enum=sorted(ENTRY_KINDS))
    on: str = ranged(pattern=DAY)
    detail: str | None = ranged(default=None, max_length=2000)


@attrs.frozen
class GuardianshipReviewIn:
    """A guardianship agreement's review: the day, what it found and a note."""

    on: str = ranged(pattern=DAY)
    finding: str = ranged(enum=FINDINGS)
    note: str | None = ranged(default=None, max_length=2000)


@attrs.frozen
class SessionIn:
    """A counselling session or a follow-up, who held it and its outcome."""

    held_on: str = ranged(pattern=DAY)
    counsellor: str = ranged(min_length=1, max_length=64, pattern=FILLED)
    kind: str = ranged(default="session", enum=sorted(SESSION_KINDS))
    outcome: str | None = ranged(default=None, enum=sorted(SESSION_OUTCOMES))
    notes: str | None = ranged(default=None, max_length=5000)


@attrs.frozen
class SelectionIn:
    """A selection to open: its kind, title, year, area and how many are chosen."""

    kind: str = ranged(enum=SELECTION_KINDS)
    title: str = ranged(min_length=1, max_length=200, pattern=FILLED)
    year: int = ranged(minimum=2000, maximum=2100)
    area_code: str = ranged(min_length=1, max_length=64)
    places: int = ranged(default=1, minimum=1, maximum=100)
    notice_days: int | None = ranged(default=None, minimum=1, maximum=60)


@attrs.frozen
class NominationIn:
    """Someone nominated, where she lives and what she did."""

    nominee: str = ranged(min_length=1, max_length=100, pattern=FILLED)
    area_code: str = ranged(min_length=1, max_length=64)
    deeds: str = ranged(min_length=1, max_length=4000, pattern=FILLED)


@attrs.frozen
class ReviewIn:
    """A nomination approved or rejected, with an optional note."""

    approve: bool
    note: str | None = ranged(default=None, max_length=2000)


@attrs.frozen
class StepIn:
    """The day the step takes effect (公示 from, the vote opens on; default today); award
    takes none."""

    on: dt.date | None = None


@attrs.frozen
class VoteIn:
    """One household's vote: the nomination and the household number (户号)."""

    nomination_id: int = ranged(minimum=1, maximum=MAX_ID)
    household: str = ranged(pattern=HOUSEHOLD.pattern)


@attrs.frozen
class OutcomeIn:
    """How one channel's mediation of a marriage case ended."""

    channel: str = ranged(enum=CHANNELS)
    outcome: str = ranged(enum=OUTCOMES)


def _access(request: AnyRequest, principal: Principal, reason: str | None = None) -> Access:
    """Who asks, from where, why. The pillar's services write their own audit entries (in the
    change's transaction), so the request is marked audited for the core's safety net."""
    request.state[AUDITED] = True
    return Access(principal, ip=http.client_ip(request), reason=reason)


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValidationError("expected a positive integer", field=field, rule="type")
    return value


def _reason(data: Any) -> str:
    """The reason for unmasking, from the request's body (``{"reason": "..."}``)."""
    return parse(http.UnmaskIn, data).reason


# -- registers ------------------------------------------------------------------------------------
@get("/registers/{register:str}", opt={"permission": PERSON_READ}, sync_to_thread=True,
     summary="社区矫正/安置帮教 records in the caller's areas, always masked; sealed minors' "
             "records only for the roles the law names")
def list_records(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                 register: Register, area: Area = None) -> list[dict[str, Any]]:
    from suyuan_virtue.registers import PERSON_REGISTERS, Registers

    if register not in PERSON_REGISTERS:
        raise ValidationError(f"{register!r} is not a register of persons", field="register",
                              rule="one_of", hint="community_correction or resettlement")
    return [v.as_dict() for v in Registers(deployment).list(_access(request, principal),
                                                            register, area=area)]


@post("/registers", opt={"permission": PERSON_WRITE}, sync_to_thread=True, status_code=201,
      summary="Register a person (encrypted at rest; refused before the register's PIA)")
def add_record(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
               data: Annotated[dict[str, Any], body(RecordInput)]) -> dict[str, Any]:
    from suyuan_virtue.registers import Registers

    item = parse(RecordInput, data)
    return {"id": Registers(deployment).add(_access(request, principal), item)}


@get("/records/{record_id:int}", opt={"permission": PERSON_READ}, sync_to_thread=True,
     summary="One register record, masked (unmask it by POST …/unmask with a reason)")
def get_record(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
               record_id: Id) -> dict[str, Any]:
    from suyuan_virtue.registers import Registers

    return Registers(deployment).get(_access(request, principal), record_id).as_dict()


@post("/records/{record_id:int}/unmask", opt={"permission": PERSON_READ}, sync_to_thread=True,
      status_code=200, summary="One register record unmasked: needs the register's unmask right "
                               "and a reason in the body (never in the URL); audited")
def unmask_record(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                  record_id: Id, data: http.UnmaskBody) -> dict[str, Any]:
    from suyuan_virtue.registers import Registers

    return Registers(deployment).get(_access(request, principal, _reason(data)), record_id,
                                     unmask=True).as_dict()


@post("/records/{record_id:int}/entries", opt={"permission": PERSON_WRITE}, sync_to_thread=True,
      status_code=201, summary="A check-in (报到), help given (帮扶), a visit or the term's end")
def add_entry(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
              record_id: Id, data: Annotated[dict[str, Any], body(EntryIn)]) -> dict[str, Any]:
    from suyuan_virtue.registers import Registers

    entry = parse(EntryIn, data)
    Registers(deployment).add_entry(_access(request, principal), record_id, entry.kind,
                                    entry.on, entry.detail)
    return {"ok": True}


@get("/registers-figures", opt={"permission": ("metrics.read", *PERSON_READ)},
     sync_to_thread=True,
     summary="Active records per register under an area: counts only, small counts suppressed")
def figures(deployment: DeploymentDep, principal: PrincipalDep, area: Area = None) -> dict[str, Any]:
    from suyuan_virtue.figures import register_figures

    # an empty ``?area=`` is an unknown code (404), as the document's enum says, not "no filter"
    code = deployment.areas.tree.roots()[0] if area is None else area
    path = deployment.areas.tree.path(code) if code in deployment.areas.tree else None
    if path is None or not any(principal.can(p, path) for p in ("metrics.read", *PERSON_READ)):
        raise NotFound(f"no area {code!r} in your areas", field="area", rule="exists")
    return register_figures(deployment, code)


#: the access report's answer in each of its formats (litestar sees only ``Any``).
ACCESS_REPORT_200 = {"200": {
    "description": "The access report: JSON rows, or a CSV (UTF-8 with BOM) or XLSX download "
                   "when ``format`` says so",
    "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


@get("/registers/{register:str}/access-report", sync_to_thread=True,
     opt={"permission": ADMIN, OPENAPI_OPERATION: {"responses": ACCESS_REPORT_200}},
     summary="Who read, unmasked, wrote or was refused which record, when and why "
             "(CSV, XLSX or JSON)")
def access_report(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                  register: Register, format: Annotated[str, Parameter(
                      pattern="^(csv|xlsx|json)$")] = "json") -> Any:
    from suyuan_virtue.access_report import AccessReport

    report = AccessReport(deployment)
    if register not in REGISTERS:
        raise ValidationError(f"{register!r} is not a register", field="register", rule="one_of")
    rows = report.rows(_access(request, principal), register)
    name = f"access-{register}-{dt.date.today().isoformat()}"
    if format == "csv":
        return Response(report.csv(rows).encode("utf-8-sig"), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if format == "xlsx":
        return Response(report.xlsx(rows), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return rows


@post("/pias", opt={"permission": ADMIN}, sync_to_thread=True, status_code=201,
      summary="Record a register's personal-information impact assessment (PIPL Art 55)")
def record_pia(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
               data: Annotated[dict[str, Any], body(PiaInput)]) -> dict[str, Any]:
    from suyuan_virtue.pia import Pias

    return {"id": Pias(deployment).record(_access(request, principal),
                                          parse(PiaInput, data))}


@get("/pias", opt={"permission": ADMIN}, sync_to_thread=True,
     summary="The impact assessments recorded, per register")
def list_pias(deployment: DeploymentDep) -> list[dict[str, Any]]:
    from suyuan_virtue.pia import Pias

    return Pias(deployment).list()


# -- guardianship -------------------------------------------------------------------------------
GREAD = read_perm("guardianship")
GWRITE = write_perm("guardianship")


@get("/guardianships", opt={"permission": GREAD}, sync_to_thread=True,
     summary="Guardianship agreements for left-behind children (masked); due_by lists reviews due")
def list_guardianships(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                       area: Area = None, due_by: Day = None) -> list[dict[str, Any]]:
    from suyuan_virtue.guardianship import Guardianships

    return Guardianships(deployment).list(_access(request, principal), area=area, due_by=due_by)


@post("/guardianships", opt={"permission": GWRITE}, sync_to_thread=True, status_code=201,
      summary="Record a guardianship agreement (a child under 14 needs the parents' consent)")
def add_guardianship(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                     data: Annotated[dict[str, Any], body(AgreementInput)]) -> dict[str, Any]:
    from suyuan_virtue.guardianship import Guardianships

    item = parse(AgreementInput, data)
    return {"id": Guardianships(deployment).add(_access(request, principal), item)}


@get("/guardianships/{agreement_id:int}", opt={"permission": GREAD}, sync_to_thread=True,
     summary="One agreement with its reviews, masked (unmask by POST …/unmask with a reason)")
def get_guardianship(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                     agreement_id: Id) -> dict[str, Any]:
    from suyuan_virtue.guardianship import Guardianships

    return Guardianships(deployment).get(_access(request, principal), agreement_id)


@post("/guardianships/{agreement_id:int}/unmask", opt={"permission": GREAD},
      sync_to_thread=True, status_code=200,
      summary="One agreement unmasked: the unmask right and a reason in the body; audited")
def unmask_guardianship(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                        agreement_id: Id, data: http.UnmaskBody) -> dict[str, Any]:
    from suyuan_virtue.guardianship import Guardianships

    return Guardianships(deployment).get(_access(request, principal, _reason(data)),
                                         agreement_id, unmask=True)


@post("/guardianships/{agreement_id:int}/reviews", opt={"permission": GWRITE},
      sync_to_thread=True, status_code=201, summary="Record a review; returns the next one due")
def review_guardianship(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                        agreement_id: Id, data: Annotated[dict[str, Any], body(GuardianshipReviewIn)]
                        ) -> dict[str, Any]:
    from suyuan_virtue.guardianship import Guardianships

    review = parse(GuardianshipReviewIn, data)
    nxt = Guardianships(deployment).review(_access(request, principal), agreement_id, review.on,
                                           review.finding, review.note)
    return {"next_review": nxt.isoformat()}


# -- counselling ----------------------------------------------------------------------------------
CREAD = read_perm("counselling")
CWRITE = write_perm("counselling")


@post("/referrals", opt={"permission": CWRITE}, sync_to_thread=True, status_code=201,
      summary="Refer a resident in distress to counselling (with their consent)")
def refer(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
          data: Annotated[dict[str, Any], body(ReferralInput)]) -> dict[str, Any]:
    from suyuan_virtue.counselling import Counselling

    return {"id": Counselling(deployment).refer(_access(request, principal),
                                                parse(ReferralInput, data))}


@get("/referrals", opt={"permission": CREAD}, sync_to_thread=True,
     summary="Counselling referrals in the caller's areas (masked)")
def list_referrals(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                   follow_up_by: Day = None) -> list[dict[str, Any]]:
    from suyuan_virtue.counselling import Counselling

    return Counselling(deployment).list(_access(request, principal), follow_up_by=follow_up_by)


@get("/referrals/{referral_id:int}", opt={"permission": CREAD}, sync_to_thread=True,
     summary="One referral with its sessions, masked (unmask by POST …/unmask with a reason)")
def get_referral(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                 referral_id: Id) -> dict[str, Any]:
    from suyuan_virtue.counselling import Counselling

    return Counselling(deployment).get(_access(request, principal), referral_id)


@post("/referrals/{referral_id:int}/unmask", opt={"permission": CREAD}, sync_to_thread=True,
      status_code=200,
      summary="One referral unmasked: the unmask right and a reason in the body; audited")
def unmask_referral(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                    referral_id: Id, data: http.UnmaskBody) -> dict[str, Any]:
    from suyuan_virtue.counselling import Counselling

    return Counselling(deployment).get(_access(request, principal, _reason(data)), referral_id,
                                       unmask=True)


@post("/referrals/{referral_id:int}/sessions", opt={"permission": CWRITE}, sync_to_thread=True,
      status_code=201, summary="A counselling session or follow-up, with its outcome")
def add_session(request: AnyRequest, deployment: DeploymentDep, principal: PrincipalDep,
                referral_id: Id, data: Annotated[dict[str, Any], body(SessionIn)]
                ) -> dict[str, Any]:
    from suyuan_virtue.counselling import Counselling

    item = parse(SessionIn, data)
    return Counselling(deployment).session(
        _access(request, principal), referral_id, held_on=item.held_on,
        counsellor=item.counsellor, kind=item.kind, outcome=item.outcome, notes=item.notes)


# -- selections -------------------------------------------------------------------------------------
SELECT = "virtue.selection.manage"
VOTE = "virtue.selection.vote"


@get("/selections", sync_to_thread=True, summary="Moral-model selections (public)")
def list_selections(deployment: DeploymentDep, area: Area = None) -> list[dict[str, Any]]:
    from suyuan_virtue.selection import Selections

    if area is not None:  # an unknown (or empty) code is a 422, as for the core's ``area``
        http.area_path(deployment, area, "area")
    return Selections(deployment).list(area)


@get("/selections/{selection_id:int}", sync_to_thread=True,
     summary="A selection with its nominations and every step's event")
def get_selection(deployment: DeploymentDep, selection_id: Id) -> dict[str, Any]:
    from suyuan_virtue.selection import Selections

    return Selections(deployment).get(selection_id)


@get("/selections/{selection_id:int}/results", sync_to_thread=True,
     summary="The disclosed results (once awarded)")
def selection_results(deployment: DeploymentDep, selection_id: Id) -> list[dict[str, Any]]:
    from suyuan_virtue.selection import Selections

    return Selections(deployment).results(selection_id)


@post("/selections", opt={"permission": SELECT}, sync_to_thread=True, status_code=201,
      summary="Open a selection (道德模范, 最美公婆, 最美儿媳, 美美的金堂, family builders)")
def create_selection(deployment: DeploymentDep, principal: PrincipalDep,
                     data: Annotated[dict[str, Any], body(SelectionIn)]) -> dict[str, Any]:
    from suyuan_virtue.selection import Selections

    item = parse(SelectionIn, data)
    return {"id": Selections(deployment).create(
        principal, kind=item.kind, title=item.title, year=item.year, area_code=item.area_code,
        places=item.places, notice_days=item.notice_days)}


@post("/selections/{selection_id:int}/nominations", opt={"permission": SELECT},
      sync_to_thread=True, status_code=201, summary="Nominate someone")
def nominate(deployment: DeploymentDep, principal: PrincipalDep, selection_id: Id,
             data: Annotated[dict[str, Any], body(NominationIn)]) -> dict[str, Any]:
    from suyuan_virtue.selection import Selections

    item = parse(NominationIn, data)
    return {"id": Selections(deployment).nominate(
        principal, selection_id, nominee=item.nominee, area_code=item.area_code,
        deeds=item.deeds)}


@post("/nominations/{nomination_id:int}/review", opt={"permission": SELECT},
      sync_to_thread=True, summary="Approve or reject a nomination")
def review(deployment: DeploymentDep, principal: PrincipalDep, nomination_id: Id,
           data: Annotated[dict[str, Any], body(ReviewIn)]) -> dict[str, Any]:
    from suyuan_virtue.selection import Selections

    item = parse(ReviewIn, data)
    Selections(deployment).review(principal, nomination_id, approve=item.approve, note=item.note)
    return {"ok": True}


@post("/selections/{selection_id:int}/{step:str}", opt={"permission": SELECT},
      sync_to_thread=True, summary="A step: notice (公示 from `on`), open (the vote, after the "
                                   "notice period) or award (close and disclose)")
def step(deployment: DeploymentDep, principal: PrincipalDep, selection_id: Id,
         step: Annotated[str, Parameter(pattern="^(notice|open|award)$")],
         data: Annotated[dict[str, Any], body(StepIn)]) -> Any:
    from suyuan_virtue.selection import Selections

    sel = Selections(deployment)
    on = parse(StepIn, data).on or times.today(deployment)
    if step == "notice":
        return {"notice_until": sel.start_notice(principal, selection_id, on).isoformat()}
    if step == "open":
        sel.open_vote(principal, selection_id, on)
        return {"ok": True}
    if step == "award":
        return sel.award(principal, selection_id)
    raise NotFound(f"no step {step!r}", field="step", rule="one_of")


@post("/selections/{selection_id:int}/votes", opt={"permission": VOTE}, sync_to_thread=True,
      status_code=201, summary="One household's vote (一户一票: a second one is refused, 409)")
def vote(deployment: DeploymentDep, principal: PrincipalDep, selection_id: Id,
         data: Annotated[dict[str, Any], body(VoteIn)]) -> dict[str, Any]:
    from suyuan_virtue.selection import Selections

    item = parse(VoteIn, data)
    return {"id": Selections(deployment).vote(
        principal, selection_id, nomination_id=item.nomination_id, household=item.household)}


# -- culture, partners, marriage ------------------------------------------------------------------
@get("/brands", sync_to_thread=True, summary="Culture brands with their venues and events")
def brands(deployment: DeploymentDep) -> list[dict[str, Any]]:
    from suyuan_virtue.culture import Culture

    return Culture(deployment).brands()


@get("/partners", sync_to_thread=True,
     summary="Partner organisations: the online women's federation (网上妇联), the 12355 youth "
             "line and its 守护童年 programme")
def partners(deployment: DeploymentDep) -> list[dict[str, Any]]:
    import sqlalchemy as sa

    from suyuan_virtue import models as m

    with deployment.reading() as s:
        rows = s.execute(sa.select(m.partners).order_by(m.partners.c.id)).all()
    return [{"code": r.code, "kind": r.kind, "name": r.name, "area_code": r.area_code,
             "programme": r.programme} for r in rows]


def _case_in_scope(d: Deployment, principal: Principal, case_id: int, permission: str) -> None:
    case = d.cases.get(case_id)
    path = d.areas.tree.path(case.area_code)
    if not principal.can("cases.read", path):
        raise NotFound(f"no case with id {case_id}", field="case_id", rule="exists")
    if not principal.can(permission, path):
        from suyuan_core import PermissionDenied

        raise PermissionDenied(f"you may not {permission} here", field="case_id",
                               rule=permission)


@get("/marriage/{case_id:int}/channels", opt={"permission": "cases.read"}, sync_to_thread=True,
     summary="The two channels of a marriage case (婚姻调解师 + 亲友调解团) and their outcomes")
def channels(deployment: DeploymentDep, principal: PrincipalDep, case_id: Id) -> list[dict[str, Any]]:
    from suyuan_virtue.marriage import Marriage

    _case_in_scope(deployment, principal, case_id, "cases.read")
    return Marriage(deployment).channels(case_id)


@post("/marriage/{case_id:int}/dispatch", opt={"permission": "virtue.marriage.dispatch"},
      sync_to_thread=True, summary="Assign a marriage case to a marriage mediator and a kin "
                                   "mediation team together")
def dispatch(deployment: DeploymentDep, principal: PrincipalDep, case_id: Id) -> dict[str, Any]:
    from suyuan_virtue.marriage import Marriage

    _case_in_scope(deployment, principal, case_id, "virtue.marriage.dispatch")
    case = Marriage(deployment).dispatch(case_id, actor=principal.actor)
    return {"assignees": list(case.assignees)}


@post("/marriage/{case_id:int}/outcome", opt={"permission": "cases.transition"},
      sync_to_thread=True, summary="Record one channel's outcome (success or failure)")
def outcome(deployment: DeploymentDep, principal: PrincipalDep, case_id: Id,
            data: Annotated[dict[str, Any], body(OutcomeIn)]) -> dict[str, Any]:
    from suyuan_virtue.marriage import Marriage

    _case_in_scope(deployment, principal, case_id, "cases.transition")
    item = parse(OutcomeIn, data)
    Marriage(deployment).outcome(case_id, item.channel, item.outcome, actor=principal.actor)
    return {"ok": True}


ROUTES: list[Any] = [
    list_records, add_record, get_record, unmask_record, add_entry, figures, access_report,
    record_pia, list_pias, list_guardianships, add_guardianship, get_guardianship,
    unmask_guardianship, review_guardianship, refer, list_referrals, get_referral,
    unmask_referral, add_session, list_selections, get_selection, partners, selection_results,
    create_selection, nominate, review, step, vote, brands, channels, dispatch, outcome]
