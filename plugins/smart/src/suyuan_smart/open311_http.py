"""``/open311/v2/…``: Open311 GeoReport v2 over HTTP, so existing Open311 clients (city apps,
FixMyStreet-style front ends) can file and follow cases. A thin layer over :mod:`open311`:

* ``GET services.(json|xml)``, ``GET services/{service_code}.(json|xml)``
* ``POST requests.(json|xml)`` (form-encoded, as the spec says; ``api_key`` required)
* ``GET requests.(json|xml)`` with ``service_request_id``, ``service_code``, ``status`` (each
  one value or the spec's comma list), ``start_date``, ``end_date``; ``GET
  requests/{id}.(json|xml)``; ``GET tokens/{token}.(json|xml)``
* ``GET servicerequestupdates.(json|xml)``: the extension FixMyStreet-style clients poll

Mounted at the site root through the core's ``suyuan_register_root_routes`` (the spec fixes the
paths). The reads are public, as the spec has them, and show only Open311 cases without personal
data; posting needs an ``api_key`` the county issued. Every error — ours, litestar's request
validation, an unknown path inside the router — is the spec's list ``[{"code", "description"}]``
(or ``<errors>``) with the matching HTTP status.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from litestar import Request, Response, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import Body, Parameter

from suyuan_core import OPENAPI_OPERATION, PUBLIC_ROUTE, SuyuanError, http
from suyuan_core.http import DeploymentDep
from suyuan_smart import open311
from suyuan_smart.open311 import Open311Error

PREFIX = "/open311/v2"
Q = Annotated[str | None, Parameter(max_length=1000)]
IDS = Annotated[str | None, Parameter(max_length=1000, pattern=r"^[0-9]{1,18}(,[0-9]{1,18})*$",
                                      description="one id or a comma-separated list")]
STATUS = Annotated[str | None, Parameter(pattern=r"^(open|closed)(,(open|closed))*$",
                                         description="open, closed or open,closed")]
CODES = Annotated[str | None, Parameter(max_length=1000, pattern=r"^[^,]{1,64}(,[^,]{1,64})*$",
                                        description="one service_code or a comma list")]
DATE = Annotated[str | None, Parameter(max_length=64, schema_extra={"format": "date-time"},
                                       description="W3C date-time, e.g. 2026-03-01T08:00:00+08:00")]


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "additionalProperties": True}


_S, _N = {"type": "string"}, {"type": ["string", "null"]}
_NUM = {"type": ["number", "null"]}
SCHEMAS: dict[str, Any] = {
    "services": {"type": "array", "items": _obj(
        service_code=_S, service_name=_S, description=_S, metadata={"type": "boolean"},
        type=_S, keywords=_S, group=_S)},
    "service_definition": _obj(service_code=_S, attributes={"type": "array", "items": _obj(
        variable={"type": "boolean"}, code=_S, datatype=_S, required={"type": "boolean"},
        datatype_description=_S, order={"type": "integer"}, description=_S,
        values={"type": "array", "items": _obj(key=_S, name=_S)})}),
    "requests": {"type": "array", "items": _obj(
        service_request_id=_S, status={"type": "string", "enum": ["open", "closed"]},
        status_notes=_N, service_name=_N, service_code=_N, description=_N,
        agency_responsible=_N, service_notice=_N, requested_datetime=_N,
        updated_datetime=_N, expected_datetime=_N, address=_N, address_id=_N, zipcode=_N,
        lat=_NUM, long=_NUM, media_url=_N, token=_N, account_id=_N)},
    "updates": {"type": "array", "items": _obj(
        update_id=_S, service_request_id=_S, status=_S, external_status_code=_S,
        updated_datetime=_S, description=_S, media_url=_S)},
    "errors": {"type": "array", "items": {
        "type": "object", "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": _S}}},
}
ERRORS = {400: "the request is not valid (the field is named)", 403: "api_key missing or wrong",
          404: "no such service, request, token or jurisdiction", 413: "the request is too large"}


def _content(kind: str, fmt: str | None) -> dict[str, Any]:
    """The content of an answer: JSON with its schema, or the same as XML (text)."""
    out: dict[str, Any] = {}
    if fmt in (None, "json"):
        out["application/json"] = {"schema": SCHEMAS[kind]}
    if fmt in (None, "xml"):
        out["text/xml"] = {"schema": {"type": "string"}}
    return out


def _documented(kind: str, fmt: str | None, *, status: int = 200, codes: tuple[int, ...] = (
        400, 404), body: dict[str, Any] | None = None) -> dict[str, Any]:
    """The handler ``opt`` of an Open311 route: public, and its answers in both formats with the
    spec's error list (``fmt`` None: the path's suffix chooses)."""
    operation: dict[str, Any] = {"responses": {
        status: {"description": "OK", "content": _content(kind, fmt)},
        **{code: {"description": ERRORS[code], "content": _content("errors", fmt)}
           for code in codes}}}
    if body is not None:
        operation["requestBody"] = body
    return {PUBLIC_ROUTE: True, OPENAPI_OPERATION: operation}


def _text(n: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": n}


#: the form a POST requests takes (every field the spec names, with our bounds).
FORM: dict[str, Any] = {"required": True, "content": {"application/x-www-form-urlencoded": {
    "schema": {"type": "object", "required": ["api_key", "service_code", "description",
                                              "lat", "long"],
               "properties": {
                   "api_key": _text(200), "jurisdiction_id": _text(200),
                   "service_code": {"type": "string", "minLength": 1, "maxLength": 64},
                   "lat": {"type": "number", "minimum": -90, "maximum": 90},
                   "long": {"type": "number", "minimum": -180, "maximum": 180},
                   "address_string": _text(300), "address_id": _text(100),
                   "email": _text(254), "device_id": _text(100), "account_id": _text(100),
                   "first_name": _text(50), "last_name": _text(50), "phone": _text(32),
                   "description": {"type": "string", "minLength": 1, "maxLength": 4000,
                                   "pattern": r"\S"},
                   "media_url": _text(1000),
                   "attribute[area_code]": _text(64),
                   "attribute[urgency]": {"type": "string",
                                          "enum": ["normal", "urgent", "complex"]},
                   "attribute[client_request_id]": _text(100)},
               "additionalProperties": {"type": "string", "maxLength": 1000}}}},
    "description": "lat & long, or address_string, or address_id (the spec's choice; the "
                   "document requires lat & long, what every mapping client sends)"}


def _fmt(request: Request[Any, Any, Any]) -> str:
    return "xml" if request.url.path.endswith(".xml") else "json"


def _split(value: str, what: str) -> tuple[str, str]:
    """``labour.json`` → (``labour``, ``json``); the spec's paths end in the format."""
    stem, dot, fmt = value.rpartition(".")
    if not dot or fmt not in ("json", "xml") or not stem:
        raise Open311Error(404, f"{what} path must end in .json or .xml", field="format")
    return stem, fmt


def _answer(kind: str, body: Any, fmt: str, status: int = 200) -> Response[str]:
    ctype, text = open311.render(kind, body, fmt)
    return Response(text, status_code=status, media_type=ctype)


def _error(request: Request[Any, Any, Any], exc: Exception) -> Response[str]:
    if isinstance(exc, SuyuanError):
        err: SuyuanError = exc
    elif isinstance(exc, ValidationException):
        err = Open311Error(400, f"the request is not valid: {exc.detail}")
    elif isinstance(exc, HTTPException):
        err = Open311Error(exc.status_code if exc.status_code < 500 else 500, exc.detail)
    else:  # pragma: no cover - logged by litestar
        err = Open311Error(500, "an unexpected error; it has been logged")
    status, ctype, text = open311.error_body(err, _fmt(request))
    return Response(text, status_code=status, media_type=ctype)


def _both(path: str) -> list[str]:
    return [f"{path}.json", f"{path}.xml"]


@get(_both("/services"), opt=_documented("services", None, codes=(400, 404)),
     summary="Open311: the service list (our case categories)")
async def service_list(request: Request[Any, Any, Any], deployment: DeploymentDep,
                       jurisdiction_id: Q = None) -> Response[str]:
    # async (work in a thread): litestar cannot run a sync handler with several paths in one
    open311.check_jurisdiction(deployment, {"jurisdiction_id": jurisdiction_id})
    found = await anyio.to_thread.run_sync(open311.services, deployment)
    return _answer("services", found, _fmt(request))



@get("/services/{service_file:str}", opt=_documented("service_definition", None),
     sync_to_thread=True,
     summary="Open311: a service definition (`services/{service_code}.json` or `.xml`)")
def service_definition(deployment: DeploymentDep,
                       service_file: Annotated[str, Parameter(max_length=200)],
                       jurisdiction_id: Q = None) -> Response[str]:
    code, fmt = _split(service_file, "a service definition")
    open311.check_jurisdiction(deployment, {"jurisdiction_id": jurisdiction_id})
    return _answer("service_definition", open311.definition(deployment, code), fmt)


@get(_both("/requests"), opt=_documented("requests", None),
     summary="Open311: service requests (Open311 cases only), newest first; by default the "
             "last 90 days, at most 1000")
async def request_list(request: Request[Any, Any, Any], deployment: DeploymentDep,
                       service_request_id: IDS = None, service_code: CODES = None,
                       start_date: DATE = None, end_date: DATE = None, status: STATUS = None,
                       jurisdiction_id: Q = None) -> Response[str]:
    params = {"service_request_id": service_request_id, "service_code": service_code,
              "start_date": start_date, "end_date": end_date, "status": status,
              "jurisdiction_id": jurisdiction_id}
    found = await anyio.to_thread.run_sync(open311.requests, deployment, params)
    return _answer("requests", found, _fmt(request))


@get(_both("/servicerequestupdates"), opt=_documented("updates", None),
     summary="Open311 servicerequestupdates extension: each change of a request's status, "
             "oldest first (what FixMyStreet-style clients poll)")
async def update_list(request: Request[Any, Any, Any], deployment: DeploymentDep,
                      service_request_id: IDS = None, start_date: DATE = None,
                      end_date: DATE = None, jurisdiction_id: Q = None,
                      api_key: Q = None) -> Response[str]:
    params = {"service_request_id": service_request_id, "start_date": start_date,
              "end_date": end_date, "jurisdiction_id": jurisdiction_id}
    found = await anyio.to_thread.run_sync(open311.updates, deployment, params)
    return _answer("updates", found, _fmt(request))


@post(_both("/requests"), status_code=201,
      opt=_documented("requests", None, status=201, codes=(400, 403, 404, 413), body=FORM),
      summary="Open311: file a service request (form-encoded; api_key required)",
      description="Fields: api_key, service_code, lat & long or address_string or address_id, "
                  "description, attribute[area_code] (else located from lat & long), "
                  "attribute[urgency], attribute[client_request_id] (your own id: the same id "
                  "again returns the request already filed), first_name, last_name, phone, "
                  "email, device_id, account_id, media_url. Any charset the Content-Type "
                  "declares.")
async def request_create(
        request: Request[Any, Any, Any], deployment: DeploymentDep,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[str]:
    d, fmt = deployment, _fmt(request)
    # a field sent twice: the spec has no lists here, the first value counts
    fields = {k: (v[0] if isinstance(v, list) and v else v) for k, v in data.items()}

    def run() -> list[dict[str, Any]]:
        with d.transaction() as s:
            made = open311.create(d, fields, session=s)
            http.audit(d, s, open311.client(str(fields.get("api_key"))), request,
                       "open311.request", record=f"case:{made[0]['service_request_id']}",
                       detail={"service_code": fields.get("service_code")})
            return made

    return _answer("requests", await anyio.to_thread.run_sync(run), fmt, status=201)


@get("/requests/{request_file:str}", opt=_documented("requests", None), sync_to_thread=True,
     summary="Open311: one service request (`requests/{id}.json` or `.xml`)")
def request_one(deployment: DeploymentDep,
                request_file: Annotated[str, Parameter(max_length=200)],
                jurisdiction_id: Q = None) -> Response[str]:
    request_id, fmt = _split(request_file, "a request")
    return _answer("requests", open311.request(deployment, request_id,
                                               {"jurisdiction_id": jurisdiction_id}), fmt)


@get("/tokens/{token_file:str}", opt=_documented("requests", None), sync_to_thread=True,
     summary="Open311: the service request a token became (`tokens/{token}.json` or `.xml`)")
def token_one(deployment: DeploymentDep,
              token_file: Annotated[str, Parameter(max_length=200)],
              jurisdiction_id: Q = None) -> Response[str]:
    token, fmt = _split(token_file, "a token")
    return _answer("requests", open311.token(deployment, token,
                                             {"jurisdiction_id": jurisdiction_id}), fmt)


def router() -> Router:
    return Router(path=PREFIX, route_handlers=[
        service_list, service_definition, request_list, update_list, request_create, request_one,
        token_one],
        exception_handlers={SuyuanError: _error, ValidationException: _error,
                            HTTPException: _error},
        tags=["open311"])
