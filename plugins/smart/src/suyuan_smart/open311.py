"""Open311 GeoReport v2 as services, so the HTTP routes (``/open311/v2/…``) are a thin layer:
services list and definitions, create request, get requests with filters, get one request,
tokens; JSON and XML bodies; errors in the spec's format (``[{"code", "description"}]``).

Service codes are the category codes; a request becomes an appeal from source ``open311``,
idempotent on a hash of what the client sent (the same POST twice is one case).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from suyuan_core import (
    FINAL_STATUSES,
    Case,
    Deployment,
    NewCase,
    Party,
    SuyuanError,
    bounds,
    mask_address,
    mask_free_text,
    row_to_case,
    tables,
)
from suyuan_core.bounds import MAX_ID
from suyuan_core.times import now, to_db
from suyuan_smart.common import calendar, handler, settings


class Open311Error(SuyuanError):
    """An error Open311 clients understand: an HTTP code and a description."""

    def __init__(self, code: int, description: str, *, field: str | None = None) -> None:
        self.status_code = code
        super().__init__(description, field=field, rule="open311")

    def body(self) -> list[dict[str, Any]]:
        return [{"code": self.status_code, "description": self.one_line()}]


def services(d: Deployment) -> list[dict[str, Any]]:
    return [{"service_code": c.code, "service_name": c.label.zh, "description": c.label.en,
             "metadata": True, "type": "realtime", "keywords": "",
             "group": c.parent or ""} for c in d.categories]


def definition(d: Deployment, service_code: str) -> dict[str, Any]:
    if service_code not in d.categories:
        raise Open311Error(404, f"unknown service_code {service_code!r}", field="service_code")
    return {"service_code": service_code, "attributes": [
        {"variable": True, "code": "area_code", "datatype": "string", "required": False,
         "datatype_description": "行政区划代码 area code", "order": 1,
         "description": "所属区域 area (default: the county's default area)"},
        {"variable": True, "code": "urgency", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "选一项 pick one key", "order": 2,
         "description": "紧急程度 urgency", "values": [
             {"key": "normal", "name": "一般 normal"}, {"key": "urgent", "name": "紧急 urgent"},
             {"key": "complex", "name": "复杂 complex"}]},
        {"variable": True, "code": "client_request_id", "datatype": "string", "required": False,
         "datatype_description": "客户端自有编号 your own id for this request", "order": 3,
         "description": "the same id again returns the request already filed (idempotency)"}]}


def _float(params: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise Open311Error(400, f"{name} {raw!r} is not a number", field=name) from None
    if not low <= value <= high:
        raise Open311Error(400, f"{name} {value} is outside [{low:g}, {high:g}]", field=name)
    return value




def check_jurisdiction(d: Deployment, params: Mapping[str, Any]) -> None:
    """``jurisdiction_id`` is optional (this endpoint serves one jurisdiction); a wrong one is
    refused rather than silently answered for another place."""
    given = params.get("jurisdiction_id")
    if given not in (None, "") and given != settings(d).open311_jurisdiction:
        raise Open311Error(404, f"unknown jurisdiction_id {given!r}", field="jurisdiction_id")


def check_api_key(d: Deployment, params: Mapping[str, Any]) -> str:
    """The client's api_key, if it is one the county issued; posting is off when none is."""
    keys = settings(d).open311_api_keys
    if not keys:
        raise Open311Error(403, "posting requests is switched off here (no api_key issued)",
                           field="api_key")
    key = params.get("api_key")
    if not isinstance(key, str) or key not in keys:
        raise Open311Error(403, "api_key is missing or not valid", field="api_key")
    return key


def client(api_key: str) -> str:
    """How a client appears as an actor and in the audit log (never the key itself)."""
    return "open311:" + hashlib.sha256(api_key.encode()).hexdigest()[:8]


def create(d: Deployment, params: Mapping[str, Any], *,
           session: Session | None = None) -> list[dict[str, Any]]:
    """POST requests.(json|xml): validate, create (idempotently), answer with the id.

    Idempotent on the client's own id when it sends ``attribute[client_request_id]`` (the
    spec's extension point for service attributes), else on everything it sent: the same POST
    twice is one case either way."""
    check_jurisdiction(d, params)
    key = check_api_key(d, params)
    code = str(params.get("service_code") or "")
    if not code:
        raise Open311Error(400, "service_code is required", field="service_code")
    if code not in d.categories:
        raise Open311Error(404, f"unknown service_code {code!r}", field="service_code")
    lat, lon = _float(params, "lat", -90, 90), _float(params, "long", -180, 180)
    if (lat is None) != (lon is None):
        raise Open311Error(400, "give both lat and long, or neither", field="lat")
    address = str(params.get("address_string") or "").strip()
    if lat is None and not address and not params.get("address_id"):
        raise Open311Error(400, "a location is required: lat & long, address_string or "
                           "address_id", field="lat")
    description = str(params.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "description is required", field="description")
    area, located_by = locate(d, params, lat, lon)
    urgency = str(params.get("attribute[urgency]") or "normal")
    if urgency not in ("normal", "urgent", "complex"):
        raise Open311Error(400, f"{urgency!r} is not an urgency", field="attribute[urgency]")
    own_id = str(params.get("attribute[client_request_id]") or "").strip()
    if len(own_id) > 100:
        raise Open311Error(400, "attribute[client_request_id] is longer than 100 characters",
                           field="attribute[client_request_id]")
    keyed = {"api_key": key, "client_request_id": own_id} if own_id else params
    fingerprint = json.dumps({k: str(v) for k, v in sorted(keyed.items())}, ensure_ascii=False)
    ref = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    name = " ".join(str(params.get(k) or "") for k in ("first_name", "last_name")).strip()
    parties = []
    if name or params.get("phone") or params.get("email"):
        parties.append(Party(name=name or "匿名", role="caller",
                             phone=str(params.get("phone") or "") or None, anonymous=not name))
    data: dict[str, Any] = {"urgency": urgency, "channel": "open311"}
    if lat is not None:
        data["location"] = {"lat": lat, "long": lon}
    data["located_by"] = located_by
    if address:
        data["address"] = address
    for k in ("email", "device_id", "account_id", "media_url"):
        if params.get(k):
            data[f"open311_{k}"] = str(params[k])
    if own_id:
        data["open311_client_request_id"] = own_id
    new = NewCase(title=description[:60], description=description, category=code,
                  source="open311", area_code=area, source_ref=ref, parties=parties, data=data)
    try:
        with d.transaction(session) as s:
            case = d.cases.create(new, actor=client(key), session=s)
            if case.version == 1:  # new, not the same POST again: 多人同诉, 重复诉求
                from suyuan_smart.duplicates import propose_for

                propose_for(d, case, s)
    except SuyuanError as exc:
        raise Open311Error(400, exc.one_line(), field=exc.field) from None
    return [{"service_request_id": str(case.id), "token": ref,
             "service_notice": "已受理 received", "account_id": None}]


def locate(d: Deployment, params: Mapping[str, Any], lat: float | None,
           lon: float | None) -> tuple[str, str]:
    """The area a request lands in, and the rule that chose it: the client's
    ``attribute[area_code]``; else the area its point lies in (the places the areas carry);
    else the county's ``default_area``; else the county itself (the one root area) — a standard
    client sends a point, never our area codes, and must not be refused for it."""
    tree = d.areas.tree
    given = str(params.get("attribute[area_code]") or "")
    if given:
        if given not in tree:
            raise Open311Error(404, f"unknown area {given!r}", field="attribute[area_code]")
        return given, "attribute"
    if lat is not None and lon is not None:
        found = locate_point(d, lat, lon)
        if found is not None:
            return found
    address = str(params.get("address_string") or "").strip()
    named = d.areas.locate_address(address) if address else None
    if named is not None:  # the areas its address names (rule "address")
        return named.code, named.rule
    default = settings(d).default_area
    if default and default in tree:
        return default, "default_area"
    roots = tree.roots()
    if len(roots) == 1:
        return roots[0], "county"
    raise Open311Error(400, "cannot tell the area: send attribute[area_code]",
                       field="attribute[area_code]")


def locate_point(d: Deployment, lat: float, lon: float) -> tuple[str, str] | None:
    """The smallest area whose boundary holds the point (or the nearest centre), if the areas
    carry places; a point outside every boundary is the client's 400."""
    try:
        found = d.areas.locate(lat, lon)
    except SuyuanError as exc:
        raise Open311Error(400, exc.message, field=exc.field) from None
    return (found.code, found.rule) if found is not None else None


def _agency(d: Deployment, handlers: tuple[str, ...]) -> str:
    names = {handler(u.code): u.name for u in settings(d).units}
    return ", ".join(names.get(h, h) for h in handlers)


def _coarse(value: Any) -> float | None:
    """A coordinate to three decimals (about 100 m): the public list shows where, not whose."""
    return round(float(value), 3) if isinstance(value, int | float) else None


def _request(d: Deployment, case: Case, updated: dt.datetime | None = None) -> dict[str, Any]:
    """One request as the public Open311 reads show it: only what the spec needs, the address
    and location coarsened, phone and ID numbers in the description masked (DOMAIN-RULES §5)."""
    loc = case.data.get("location") or {}
    address = str(case.data.get("address") or "")
    tz = calendar(d).tz
    return {"service_request_id": str(case.id), "status":
            "closed" if case.status in FINAL_STATUSES else "open",
            "status_notes": case.status.value, "service_name": d.categories[case.category].label.zh
            if case.category in d.categories else case.category,
            "service_code": case.category, "description": mask_free_text(case.description),
            "agency_responsible": _agency(d, case.assignees), "service_notice": "",
            "requested_datetime": case.reported_at.astimezone(tz).isoformat()
            if case.reported_at else None,
            "updated_datetime": updated.replace(tzinfo=dt.UTC).astimezone(tz).isoformat()
            if updated else None, "expected_datetime": case.deadline.astimezone(tz).isoformat()
            if case.deadline else None, "address": mask_address(address) if address else "",
            "address_id": "", "zipcode": "", "lat": _coarse(loc.get("lat")),
            "long": _coarse(loc.get("long")),
            "media_url": case.data.get("open311_media_url", "")}


def _date(d: Deployment, params: Mapping[str, Any], name: str) -> dt.datetime | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        raise Open311Error(400, f"{name} {raw!r} is not a W3C date-time", field=name) from None
    value = value if value.tzinfo else value.replace(tzinfo=calendar(d).tz)
    # a date before or after anything stored filters nothing out: clamp it to what we store
    low, high = (b.replace(tzinfo=dt.UTC) for b in (bounds.EARLIEST, bounds.LATEST))
    try:
        return min(max(value.astimezone(dt.UTC), low), high)
    except OverflowError:
        return low if value.year < 2000 else high


def requests(d: Deployment, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """GET requests: filters service_request_id (comma list), service_code, start_date,
    end_date, status (open/closed); default the last 90 days, at most 1000 (the spec's)."""
    check_jurisdiction(d, params)
    c = tables.cases.c
    q = (select(tables.cases).where(c.merged_into.is_(None), _public(d))
         .order_by(c.reported_at.desc(), c.id.desc()))
    # every filter is checked even when service_request_id makes the others moot (the spec
    # ignores them then): a malformed one is refused, never silently passed over
    start, end = _date(d, params, "start_date"), _date(d, params, "end_date")
    wanted_status = {x.strip() for x in str(params.get("status") or "").split(",")
                     if x.strip()}
    if wanted_status - {"open", "closed"}:
        raise Open311Error(400, f"status {params.get('status')!r} must be open, closed or "
                           "open,closed", field="status")
    codes = [x.strip() for x in str(params.get("service_code") or "").split(",") if x.strip()]
    unknown = [x for x in codes if x not in d.categories]
    if unknown:
        raise Open311Error(404, f"unknown service_code {unknown[0]!r}", field="service_code")
    ids = str(params.get("service_request_id") or "")
    if ids:
        try:
            wanted = [int(x) for x in ids.split(",") if x.strip()][:1000]
        except ValueError:
            raise Open311Error(400, f"service_request_id {ids!r} is not a list of ids",
                               field="service_request_id") from None
        q = q.where(c.id.in_([i for i in wanted if 0 < i <= MAX_ID]))
    else:
        if codes:
            q = q.where(c.category.in_(codes))
        if start is None and end is None:
            start = now() - dt.timedelta(days=90)
        if start:
            q = q.where(c.reported_at >= to_db(start))
        if end:
            q = q.where(c.reported_at <= to_db(end))
        finals = [x.value for x in FINAL_STATUSES]
        if wanted_status == {"open"}:
            q = q.where(c.status.not_in(finals))
        elif wanted_status == {"closed"}:
            q = q.where(c.status.in_(finals))
    with d.reading() as s:
        rows = s.execute(q.limit(1000)).all()
    return [_request(d, row_to_case(r), r.updated_at) for r in rows]


#: our statuses as the ``servicerequestupdates`` extension's (FixMyStreet's vocabulary).
UPDATE_STATUS = {"reported": "OPEN", "accepted": "INVESTIGATING", "assigned": "ACTION_SCHEDULED",
                 "in_progress": "IN_PROGRESS", "resolved": "FIXED", "unresolved": "NO_FURTHER_ACTION",
                 "referred": "NOT_COUNCILS_RESPONSIBILITY", "closed": "CLOSED",
                 "withdrawn": "CLOSED"}


def updates(d: Deployment, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """GET servicerequestupdates (the extension FixMyStreet-style clients poll to show residents
    progress): each change of status of a public request between ``start_date`` and
    ``end_date`` (default the last 90 days), oldest first, at most 1000; ``service_request_id``
    (a comma list) narrows it to some requests. Computed from the case's events."""
    check_jurisdiction(d, params)
    e, c = tables.case_events.c, tables.cases.c
    changed = e.status_before.is_(None) | (e.status_before != e.status_after)
    q = (select(e.id, e.case_id, e.status_after, e.occurred_at, e.reason)
         .join(tables.cases, c.id == e.case_id)
         .where(changed, _public(d), c.merged_into.is_(None))
         .order_by(e.occurred_at, e.id))
    ids = str(params.get("service_request_id") or "")
    if ids:
        try:
            wanted = [int(x) for x in ids.split(",") if x.strip()][:1000]
        except ValueError:
            raise Open311Error(400, f"service_request_id {ids!r} is not a list of ids",
                               field="service_request_id") from None
        q = q.where(e.case_id.in_([i for i in wanted if 0 < i <= MAX_ID]))
    start, end = _date(d, params, "start_date"), _date(d, params, "end_date")
    if start is None and end is None:
        start = now() - dt.timedelta(days=90)
    if start:
        q = q.where(e.occurred_at >= to_db(start))
    if end:
        q = q.where(e.occurred_at <= to_db(end))
    tz = calendar(d).tz
    with d.reading() as s:
        rows = s.execute(q.limit(1000)).all()
    return [{"update_id": str(r.id), "service_request_id": str(r.case_id),
             "status": UPDATE_STATUS.get(r.status_after, "OPEN"),
             "external_status_code": r.status_after,
             "updated_datetime": r.occurred_at.replace(tzinfo=dt.UTC).astimezone(tz).isoformat(),
             "description": mask_free_text(r.reason or ""), "media_url": ""} for r in rows]


def _public(d: Deployment) -> Any:
    return tables.cases.c.source.in_(settings(d).open311_public_sources)


def request(d: Deployment, request_id: str,
            params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """GET requests/{id}: one request, if it came in through a public source."""
    check_jurisdiction(d, params or {})
    missing = Open311Error(404, f"no service request {request_id!r}", field="service_request_id")
    try:
        case_id = int(request_id)
    except ValueError:
        raise missing from None
    if not 0 < case_id <= MAX_ID:
        raise missing
    c = tables.cases.c
    with d.reading() as s:
        row = s.execute(select(tables.cases).where(c.id == case_id, _public(d))).first()
    if row is None:
        raise missing
    return [_request(d, row_to_case(row), row.updated_at)]


def token(d: Deployment, token_id: str,
          params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """GET tokens/{token}: the request id a token became (at once: creation is synchronous)."""
    check_jurisdiction(d, params or {})
    found = d.cases.find_by_source("open311", token_id) if len(token_id) <= 64 else None
    if found is None:
        raise Open311Error(404, f"no request for token {token_id!r}", field="token")
    return [{"service_request_id": str(found.id), "token": token_id}]


# -- bodies ----------------------------------------------------------------------------------

ROOTS = {"services": ("services", "service"), "service_definition": (None, None),
         "requests": ("service_requests", "request"), "errors": ("errors", "error"),
         "updates": ("service_request_updates", "request_update")}


def _xml_value(parent: ET.Element, key: str, value: Any) -> None:
    el = ET.SubElement(parent, key)
    if isinstance(value, list):
        item = key[:-1] if key.endswith("s") else "value"
        for v in value:
            child = ET.SubElement(el, item)
            if isinstance(v, dict):
                for k2, v2 in v.items():
                    _xml_value(child, k2, v2)
            else:
                child.text = str(v)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


def render(kind: str, body: Any, fmt: str) -> tuple[str, str]:
    """(content type, text) of an Open311 body in ``json`` or ``xml``."""
    if fmt == "json":
        return "application/json", json.dumps(body, ensure_ascii=False)
    if fmt != "xml":
        raise Open311Error(400, f"format {fmt!r} must be json or xml", field="format")
    if kind == "service_definition":
        root = ET.Element("service_definition")
        for k, v in body.items():
            _xml_value(root, k, v)
    else:
        outer, inner = ROOTS[kind]
        root = ET.Element(outer or kind)
        for item in body:
            el = ET.SubElement(root, inner or "item")
            for k, v in item.items():
                _xml_value(el, k, v)
    text = ET.tostring(root, encoding="unicode")
    return "text/xml", '<?xml version="1.0" encoding="utf-8"?>' + text


def error_body(exc: SuyuanError, fmt: str) -> tuple[int, str, str]:
    """(status, content type, body) of the spec's error list. Open311 knows 400 (bad request),
    403 (api_key) and 404 (not found); our 422 (a rule broken) is its 400."""
    code = 400 if exc.status_code == 422 else exc.status_code
    err = exc if isinstance(exc, Open311Error) else Open311Error(code, exc.one_line(),
                                                                field=exc.field)
    ctype, text = render("errors", err.body(), fmt if fmt in ("json", "xml") else "json")
    return err.status_code, ctype, text

