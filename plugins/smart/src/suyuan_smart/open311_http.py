"""``/open311/v2/…``: Open311 GeoReport v2 over HTTP, so existing Open311 clients (city apps,
FixMyStreet-style front ends) can file and follow cases. A thin layer over :mod:`open311`:

* ``GET services.(json|xml)``, ``GET services/{service_code}.(json|xml)``
* ``POST requests.(json|xml)`` (form-encoded, as the spec says; ``api_key`` required)
* ``GET requests.(json|xml)`` with ``service_request_id``, ``service_code``, ``start_date``,
  ``end_date``, ``status``; ``GET requests/{id}.(json|xml)``; ``GET tokens/{token}.(json|xml)``

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

from suyuan_core import PUBLIC_ROUTE, SuyuanError, http
from suyuan_core.http import DeploymentDep
from suyuan_smart import open311
from suyuan_smart.open311 import Open311Error

PREFIX = "/open311/v2"
PUBLIC = {PUBLIC_ROUTE: True}
Q = Annotated[str | None, Parameter(max_length=1000)]


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


@get(["/services.json", "/services.xml"], opt=PUBLIC,
     summary="Open311: the service list (our case categories)")
async def service_list(request: Request[Any, Any, Any], deployment: DeploymentDep,
                       jurisdiction_id: Q = None) -> Response[str]:
    # async (work in a thread): litestar cannot run a sync handler with several paths in one
    open311.check_jurisdiction(deployment, {"jurisdiction_id": jurisdiction_id})
    found = await anyio.to_thread.run_sync(open311.services, deployment)
    return _answer("services", found, _fmt(request))


@get("/services/{service_file:str}", opt=PUBLIC, sync_to_thread=True,
     summary="Open311: a service definition (`services/{service_code}.json` or `.xml`)")
def service_definition(deployment: DeploymentDep,
                       service_file: Annotated[str, Parameter(max_length=200)],
                       jurisdiction_id: Q = None) -> Response[str]:
    code, fmt = _split(service_file, "a service definition")
    open311.check_jurisdiction(deployment, {"jurisdiction_id": jurisdiction_id})
    return _answer("service_definition", open311.definition(deployment, code), fmt)


@get(["/requests.json", "/requests.xml"], opt=PUBLIC,
     summary="Open311: service requests (Open311 cases only), newest first; by default the "
             "last 90 days, at most 1000")
async def request_list(request: Request[Any, Any, Any], deployment: DeploymentDep,
                       service_request_id: Q = None, service_code: Q = None,
                       start_date: Q = None, end_date: Q = None, status: Q = None,
                       jurisdiction_id: Q = None) -> Response[str]:
    params = {"service_request_id": service_request_id, "service_code": service_code,
              "start_date": start_date, "end_date": end_date, "status": status,
              "jurisdiction_id": jurisdiction_id}
    found = await anyio.to_thread.run_sync(open311.requests, deployment, params)
    return _answer("requests", found, _fmt(request))


@post(["/requests.json", "/requests.xml"], opt=PUBLIC, status_code=201,
      summary="Open311: file a service request (form-encoded; api_key required)",
      description="Fields: api_key, service_code, lat & long or address_string or address_id, "
                  "description, attribute[area_code], attribute[urgency], "
                  "attribute[client_request_id] (your own id: the same id again returns the "
                  "request already filed), first_name, last_name, phone, email, device_id, "
                  "account_id, media_url.")
async def request_create(
        request: Request[Any, Any, Any], deployment: DeploymentDep,
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[str]:
    d, fmt = deployment, _fmt(request)

    def run() -> list[dict[str, Any]]:
        with d.transaction() as s:
            made = open311.create(d, data, session=s)
            http.audit(d, s, open311.client(str(data.get("api_key"))), request,
                       "open311.request", record=f"case:{made[0]['service_request_id']}",
                       detail={"service_code": data.get("service_code")})
            return made

    return _answer("requests", await anyio.to_thread.run_sync(run), fmt, status=201)


@get("/requests/{request_file:str}", opt=PUBLIC, sync_to_thread=True,
     summary="Open311: one service request (`requests/{id}.json` or `.xml`)")
def request_one(deployment: DeploymentDep,
                request_file: Annotated[str, Parameter(max_length=200)],
                jurisdiction_id: Q = None) -> Response[str]:
    request_id, fmt = _split(request_file, "a request")
    return _answer("requests", open311.request(deployment, request_id,
                                               {"jurisdiction_id": jurisdiction_id}), fmt)


@get("/tokens/{token_file:str}", opt=PUBLIC, sync_to_thread=True,
     summary="Open311: the service request a token became (`tokens/{token}.json` or `.xml`)")
def token_one(deployment: DeploymentDep, token_file: Annotated[str, Parameter(max_length=200)],
              jurisdiction_id: Q = None) -> Response[str]:
    token, fmt = _split(token_file, "a token")
    return _answer("requests", open311.token(deployment, token,
                                             {"jurisdiction_id": jurisdiction_id}), fmt)


def router() -> Router:
    return Router(path=PREFIX, route_handlers=[
        service_list, service_definition, request_list, request_create, request_one, token_one],
        exception_handlers={SuyuanError: _error, ValidationException: _error,
                            HTTPException: _error},
        tags=["open311"])
