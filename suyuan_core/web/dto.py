"""What the API reads and writes (msgspec structs: validated on the way in, documented in the
OpenAPI document, and fast on the way out)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

import msgspec
from msgspec import Meta, Struct

from suyuan_core import bounds, times
from suyuan_core.accounts.principal import Principal
from suyuan_core.domain.cases import Case, CaseEvent
from suyuan_core.domain.lifecycle import OPEN_STATUSES

Text = Annotated[str, bounds.TITLE.meta()]
LongText = Annotated[str, bounds.DESCRIPTION.meta()]
Code = Annotated[str, bounds.CODE.meta()]
Reason = Annotated[str, bounds.REASON.meta()]
Version = Annotated[int, Meta(ge=1, le=2**31 - 1)]


# -- labels and registries --------------------------------------------------------------------
class LabelOut(Struct):
    zh: str
    en: str


class CodeOut(Struct):
    code: str
    label: LabelOut
    provider: str


class RoleOut(Struct):
    code: str
    label: LabelOut
    permissions: list[str]
    provider: str


# -- accounts ---------------------------------------------------------------------------------
class LoginIn(Struct, forbid_unknown_fields=True):
    username: Annotated[str, bounds.TEXT["username"].meta()]
    password: Annotated[str, bounds.TEXT["password"].meta()]


class GrantOut(Struct):
    role: str
    area_code: str
    permissions: list[str]


class MeOut(Struct):
    username: str
    display_name: str
    via: str
    grants: list[GrantOut]
    csrf_token: str | None = None


def me_out(p: Principal) -> MeOut:
    return MeOut(username=p.username, display_name=p.display_name, via=p.via,
                 grants=[GrantOut(g.role, g.area_code, sorted(g.permissions)) for g in p.grants],
                 csrf_token=p.csrf_token)


# -- areas ------------------------------------------------------------------------------------
class AreaOut(Struct):
    code: str
    name_zh: str
    name_en: str | None
    level: str
    parent_code: str | None
    children: list[AreaOut] = []


# -- cases ------------------------------------------------------------------------------------
class PartyIn(Struct, forbid_unknown_fields=True):
    name: Annotated[str, bounds.PARTY["name"].meta()]
    role: Annotated[str, Meta(pattern="^(applicant|respondent|party|caller)$")] = "party"
    phone: Annotated[str, bounds.PARTY["phone"].meta()] | None = None
    id_number: Annotated[str, bounds.PARTY["id_number"].meta()] | None = None
    address: Annotated[str, bounds.PARTY["address"].meta()] | None = None
    #: the party asked to stay anonymous: hidden from the handling unit.
    anonymous: bool = False


class NewCaseIn(Struct, forbid_unknown_fields=True):
    #: where the case is, one way or another (what ``CaseService.place`` refuses otherwise):
    #: not every one of area_code, lat and address left out or null. Said with ``not`` rather
    #: than an ``anyOf`` of the object, which client generators read as a union of models.
    SCHEMA_RULES: ClassVar[dict[str, Any]] = {"not": {"properties": {
        "area_code": {"type": "null"}, "lat": {"type": "null"},
        "address": {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 0}]}}}}

    title: Text
    category: Code
    source: Code
    #: the area; leave it out to have the case located from ``lat``/``long`` or ``address``.
    area_code: Code | None = None
    kind: Annotated[str, Meta(pattern="^(dispute|appeal)$")] | None = None
    level: Annotated[str, Meta(pattern="^(micro_grid|grid|community|town|county)$")] | None = None
    description: LongText = ""
    source_ref: Annotated[str, bounds.SOURCE_REF.meta()] | None = None
    parties: Annotated[list[PartyIn], Meta(max_length=bounds.MAX_PARTIES)] = []
    occurred_at: dt.datetime | None = None
    #: where it happened (WGS 84 degrees); a point outside every area's boundary is refused.
    lat: Annotated[float, Meta(ge=-90, le=90)] | None = None
    long: Annotated[float, Meta(ge=-180, le=180)] | None = None
    #: the address; without a point or an area code, the areas it names locate the case.
    address: Annotated[str, bounds.PARTY["address"].meta()] | None = None


class ActionIn(Struct, forbid_unknown_fields=True):
    #: the case version you saw; the action is refused (409) if the case changed since.
    expected_version: Version
    reason: Reason | None = None
    #: for ``assign``: handlers on the roster, such as ``person:M0001`` or ``organisation:TC01``.
    assignees: Annotated[list[Annotated[str, bounds.ASSIGNEE.meta()]],
                         Meta(max_length=bounds.MAX_ASSIGNEES)] | None = None
    #: for ``accept``/``escalate``/``reopen``: a deadline instead of the computed one.
    deadline: dt.datetime | None = None


class NoteIn(Struct, forbid_unknown_fields=True):
    text: Annotated[str, bounds.NOTE.meta()]
    expected_version: Version | None = None


class AttachmentIn(Struct, forbid_unknown_fields=True):
    """Metadata of a file kept elsewhere (a document store); the API never stores the bytes."""

    filename: Annotated[str, bounds.TEXT["filename"].meta()]
    content_type: Annotated[str, Meta(min_length=3, max_length=127, pattern=r"^[\w.+-]+/[\w.+-]+$")]
    size: Annotated[int, Meta(ge=0, le=10**12)]
    sha256: Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]
    description: Annotated[str, bounds.REASON.meta()] = ""
    expected_version: Version | None = None


class CallbackIn(Struct, forbid_unknown_fields=True):
    reached: bool
    satisfaction: Annotated[str, Meta(pattern="^(satisfied|basically_satisfied|dissatisfied)$")] | None = None
    reason: Reason | None = None


class CaseOut(Struct):
    id: int
    kind: str
    title: str
    category: str
    source: str
    area_code: str
    level: str
    handling_area_code: str | None
    status: str
    version: int
    description: str
    source_ref: str | None
    parties: list[dict[str, Any]]
    deadline: str | None
    reported_at: str | None
    closed_at: str | None
    outcome: str | None
    satisfaction: str | None
    assignees: list[str]
    data: dict[str, Any]
    overdue: bool
    #: False only when the caller unmasked the personal data (with a reason, audited).
    masked: bool


class EventOut(Struct):
    seq: int
    kind: str
    actor: str
    occurred_at: str | None
    status_before: str | None
    status_after: str | None
    level: str | None
    reason: str | None
    data: dict[str, Any]


class CaseDetail(Struct):
    case: CaseOut
    timeline: list[EventOut]
    #: the lifecycle actions allowed now *and* permitted to you for this case's area.
    allowed_actions: list[str]


class CaseList(Struct):
    items: list[CaseOut]
    next_cursor: str | None


def is_overdue(case: Case, now: dt.datetime) -> bool:
    return case.status in OPEN_STATUSES and case.deadline is not None and case.deadline < now


def case_out(case: Case, *, parties: list[dict[str, Any]], data: dict[str, Any], masked: bool,
             now: dt.datetime) -> CaseOut:
    return CaseOut(
        id=case.id or 0, kind=case.kind, title=case.title, category=case.category,
        source=case.source, area_code=case.area_code, level=case.level.name,
        handling_area_code=case.handling_area_code, status=case.status.value,
        version=case.version, description=case.description, source_ref=case.source_ref,
        parties=parties, deadline=times.iso(case.deadline),
        reported_at=times.iso(case.reported_at), closed_at=times.iso(case.closed_at),
        outcome=case.outcome, satisfaction=case.satisfaction, assignees=list(case.assignees),
        data=data, overdue=is_overdue(case, now), masked=masked)


def event_out(e: CaseEvent, data: dict[str, Any]) -> EventOut:
    return EventOut(seq=e.seq, kind=e.kind, actor=e.actor, occurred_at=times.iso(e.occurred_at),
                    status_before=e.status_before.value if e.status_before else None,
                    status_after=e.status_after.value if e.status_after else None,
                    level=e.level.name if e.level is not None else None, reason=e.reason,
                    data=data)


# -- roster -----------------------------------------------------------------------------------
class PersonOut(Struct):
    external_id: str
    name: str
    roles: list[str]
    areas: list[str]
    gender: str
    employment: str
    specialities: list[str]
    capacity: int
    phone: str | None
    organisation: str | None
    active_from: str | None
    active_to: str | None


class OrganisationOut(Struct):
    external_id: str
    name: str
    kind: str
    area_code: str


class CoverageOut(Struct):
    area_code: str
    name_zh: str
    level: str
    #: role → how many active members cover the area (directly or from an area above it).
    members: dict[str, int]


# -- metrics ----------------------------------------------------------------------------------
class MetricOut(Struct):
    key: str
    label: LabelOut
    unit: str
    dimensions: list[str]
    gauge: bool
    provider: str


class FigureOut(Struct):
    metric: str
    area_code: str
    period: str
    num: int
    den: int
    value: float | int | None
    category: str | None = None
    source: str | None = None


class FiguresOut(Struct):
    metric: MetricOut
    figures: list[FigureOut]


class DrillOut(Struct):
    metric: str
    area_code: str
    period: str
    part: str
    #: how many cases the figure counts (all of them, also those on later pages).
    count: int
    items: list[CaseOut]
    next_cursor: str | None


class RecordsOut(Struct):
    """The records a computed figure counts (``"<kind>:<id>"``), for figures that count records
    rather than cases."""

    metric: str
    area_code: str
    period: str
    part: str
    count: int
    items: list[str]


# -- meta -------------------------------------------------------------------------------------
class PluginOut(Struct):
    name: str
    version: str
    distribution: str
    label: LabelOut
    pillar: str | None
    requires: list[str]
    description: str
    builtin: bool


class HealthOut(Struct):
    status: str
    database: str
    version: str


class AuditOut(Struct):
    id: int
    at: str | None
    actor: str
    action: str
    record: str | None
    reason: str | None
    ip: str | None
    detail: dict[str, Any]


def to_builtins(value: Any) -> Any:
    return msgspec.to_builtins(value)
