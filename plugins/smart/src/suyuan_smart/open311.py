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

from suyuan_core import FINAL_STATUSES, Case, Deployment, NewCase, Party, SuyuanError, tables
from suyuan_smart._rows import row_to_case
from suyuan_smart.common import calendar, now, settings, to_db


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
         "order": 2, "description": "紧急程度 urgency", "values": [
             {"key": "normal", "name": "一般 normal"}, {"key": "urgent", "name": "紧急 urgent"},
             {"key": "complex", "name": "复杂 complex"}]}]}


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


def create(d: Deployment, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """POST requests.(json|xml): validate, create (idempotently), answer with the id."""
    s = settings(d)
    if s.open311_api_keys and params.get("api_key") not in s.open311_api_keys:
        raise Open311Error(403, "api_key is missing or not valid", field="api_key")
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
    area = str(params.get("attribute[area_code]") or "") or s.default_area
    if not area or area not in d.areas.tree:
        raise Open311Error(400, f"unknown area {area!r}", field="attribute[area_code]")
    urgency = str(params.get("attribute[urgency]") or "normal")
    if urgency not in ("normal", "urgent", "complex"):
        raise Open311Error(400, f"{urgency!r} is not an urgency", field="attribute[urgency]")
    fingerprint = json.dumps({k: str(v) for k, v in sorted(params.items())}, ensure_ascii=False)
    ref = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    name = " ".join(str(params.get(k) or "") for k in ("first_name", "last_name")).strip()
    parties = []
    if name or params.get("phone") or params.get("email"):
        parties.append(Party(name=name or "匿名", role="caller",
                             phone=str(params.get("phone") or "") or None, anonymous=not name))
    data: dict[str, Any] = {"urgency": urgency, "channel": "open311"}
    if lat is not None:
        data["location"] = {"lat": lat, "long": lon}
    if address:
        data["address"] = address
    for k in ("email", "device_id", "account_id", "media_url"):
        if params.get(k):
            data[f"open311_{k}"] = str(params[k])
    new = NewCase(title=description[:60], description=description, category=code,
                  source="open311", area_code=area, source_ref=ref, parties=parties, data=data)
    try:
        case = d.cases.create(new, actor="open311")
    except SuyuanError as exc:
        raise Open311Error(400, exc.one_line(), field=exc.field) from None
    return [{"service_request_id": str(case.id), "token": ref,
             "service_notice": "已受理 received", "account_id": None}]


def _request(d: Deployment, case: Case) -> dict[str, Any]:
    loc = case.data.get("location") or {}
    tz = calendar(d).tz
    return {"service_request_id": str(case.id), "status":
            "closed" if case.status in FINAL_STATUSES else "open",
            "status_notes": case.status.value, "service_name": d.categories[case.category].label.zh
            if case.category in d.categories else case.category,
            "service_code": case.category, "description": case.description,
            "agency_responsible": ", ".join(case.assignees), "service_notice": "",
            "requested_datetime": case.reported_at.astimezone(tz).isoformat()
            if case.reported_at else None,
            "updated_datetime": None, "expected_datetime": case.deadline.astimezone(tz).isoformat()
            if case.deadline else None, "address": case.data.get("address", ""),
            "address_id": "", "zipcode": "", "lat": loc.get("lat"), "long": loc.get("long"),
            "media_url": case.data.get("open311_media_url", "")}


def _date(d: Deployment, params: Mapping[str, Any], name: str) -> dt.datetime | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        raise Open311Error(400, f"{name} {raw!r} is not a W3C date-time", field=name) from None
    return value if value.tzinfo else value.replace(tzinfo=calendar(d).tz)


def requests(d: Deployment, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """GET requests: filters service_request_id (comma list), service_code, start_date,
    end_date, status (open/closed); default the last 90 days, at most 1000 (the spec's)."""
    c = tables.cases.c
    q = select(tables.cases).where(c.merged_into.is_(None)).order_by(c.reported_at.desc())
    ids = str(params.get("service_request_id") or "")
    if ids:
        try:
            q = q.where(c.id.in_([int(x) for x in ids.split(",") if x.strip()]))
        except ValueError:
            raise Open311Error(400, f"service_request_id {ids!r} is not a list of ids",
                               field="service_request_id") from None
    else:
        codes = str(params.get("service_code") or "")
        if codes:
            unknown = [x for x in codes.split(",") if x not in d.categories]
            if unknown:
                raise Open311Error(404, f"unknown service_code {unknown[0]!r}",
                                   field="service_code")
            q = q.where(c.category.in_(codes.split(",")))
        start, end = _date(d, params, "start_date"), _date(d, params, "end_date")
        if start is None and end is None:
            start = now() - dt.timedelta(days=90)
        if start:
            q = q.where(c.reported_at >= to_db(start))
        if end:
            q = q.where(c.reported_at <= to_db(end))
        st = params.get("status")
        if st not in (None, "", "open", "closed"):
            raise Open311Error(400, f"status {st!r} must be open or closed", field="status")
        finals = [x.value for x in FINAL_STATUSES]
        if st == "open":
            q = q.where(c.status.not_in(finals))
        elif st == "closed":
            q = q.where(c.status.in_(finals))
    with d.reading() as s:
        rows = s.execute(q.limit(1000)).all()
    return [_request(d, row_to_case(r)) for r in rows]


def request(d: Deployment, request_id: str) -> list[dict[str, Any]]:
    try:
        case = d.cases.get(int(request_id))
    except (ValueError, SuyuanError):
        raise Open311Error(404, f"no service request {request_id!r}",
                           field="service_request_id") from None
    return [_request(d, case)]


def token(d: Deployment, token_id: str) -> list[dict[str, Any]]:
    found = d.cases.find_by_source("open311", token_id)
    if found is None:
        raise Open311Error(404, f"no request for token {token_id!r}", field="token")
    return [{"service_request_id": str(found.id), "token": token_id}]


# -- bodies ----------------------------------------------------------------------------------

ROOTS = {"services": ("services", "service"), "service_definition": (None, None),
         "requests": ("service_requests", "request"), "errors": ("errors", "error")}


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
    err = exc if isinstance(exc, Open311Error) else Open311Error(exc.status_code, exc.one_line())
    ctype, text = render("errors", err.body(), fmt if fmt in ("json", "xml") else "json")
    return err.status_code, ctype, text

