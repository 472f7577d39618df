"""``/residents``: the residents' page, a public client of the deployment's own Open311 endpoint.

* ``GET /residents`` — file an appeal: category (the Open311 service list), what happened, where
  (a tap on the map of the county, lat/long, or an address), an optional photo, an optional name
  and phone (masked like every caller's);
* ``POST /residents/point`` — a tap on the map (``<input type="image">``): the same form again
  with the point set and everything typed kept; nothing is written;
* ``POST /residents/appeal`` — file it: ``POST requests.json`` to the Open311 endpoint over HTTP,
  then the tracking code (303 to the status page);
* ``GET /residents/track?code=…`` — the status and every update (``requests/{id}.json`` and
  ``servicerequestupdates.json``), and once the request is closed the rating form;
* ``POST /residents/rate`` — the resident's rating, once: the core's ``callback`` event, counted
  by ``satisfaction_rate``.

Works on a phone and without JavaScript (plain forms; local CSS; no external asset), CSRF-checked
(litestar's double-submit cookie), rate-limited per client address (the core's
:func:`~suyuan_core.http.client_ip`, which honours ``[web] trusted_proxies``) with a readable 429
page, and every refusal is the form again naming what to fix, with nothing written.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import anyio.to_thread
from jinja2 import Environment
from litestar import Response, Router, get, post
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import Body, Parameter
from litestar.response import Redirect
from litestar.utils.scope.state import ScopeState

from suyuan_core import PUBLIC_ROUTE, Deployment, SuyuanError, ValidationError, http, templates
from suyuan_smart.common import settings
from suyuan_smart.open311_http import PREFIX as OPEN311
from suyuan_smart.residents import map as tapmap
from suyuan_smart.residents import photos, store
from suyuan_smart.residents.client import Open311Client, Refused

PATH = "/residents"
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
SimpleForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
CSP = ("default-src 'self'; img-src 'self'; style-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
STATUS = {"reported": ("已登记", "Registered"), "accepted": ("已受理", "Accepted"),
          "assigned": ("已派单", "Dispatched"), "in_progress": ("办理中", "In progress"),
          "resolved": ("已办结", "Resolved"), "unresolved": ("未能解决", "Not resolved"),
          "referred": ("已移交", "Referred"), "closed": ("已结案", "Closed"),
          "withdrawn": ("已撤回", "Withdrawn")}
RATINGS = {"satisfied": ("满意", "Satisfied"),
           "basically_satisfied": ("基本满意", "Basically satisfied"),
           "dissatisfied": ("不满意", "Dissatisfied")}
LIMITS = {"text": 2000, "address": 300, "name": 50, "phone": 20, "comment": 500}


@functools.cache
def environment(lang: str) -> Environment:
    env = templates.page_environment("suyuan_smart.web", "suyuan_smart", lang)
    env.globals["pick"] = lambda pair: (pair[1] if lang == "en" else pair[0]) if pair else ""
    env.globals["STATUS"], env.globals["RATINGS"] = STATUS, RATINGS
    return env


def deployment_of(request: http.AnyRequest) -> Deployment:
    d: Deployment = request.app.state["deployment"]
    return d


def page(request: http.AnyRequest, template: str, status: int = 200,
         **context: Any) -> Response[str]:
    d, lang = deployment_of(request), http.page_lang(request)
    html = environment(lang).get_template(template).render(
        deployment_name=d.config.core.deployment.name, limits=LIMITS,
        csrf=ScopeState.from_scope(request.scope).csrf_token or "", **context)
    return Response(html, status_code=status, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": CSP})


def open311(request: http.AnyRequest) -> Open311Client:
    """The client of this deployment's Open311 endpoint: the configured URL, else the address
    this request came in on (loopback when the server listens on every address)."""
    s = settings(deployment_of(request))
    if s.residents_open311_url:
        return Open311Client(s.residents_open311_url, s.residents_api_key)
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    host = f"[{host}]" if ":" in host else host
    return Open311Client(f"{request.scope.get('scheme', 'http')}://{host}:{port}{OPEN311}",
                         s.residents_api_key)


# -- the form ----------------------------------------------------------------------------------
def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name)
    value = value[0] if isinstance(value, list) and value else value
    return value.strip() if isinstance(value, str) else ""


def _values(form: dict[str, Any]) -> dict[str, str]:
    return {k: _text(form, k)[:200] if k == "view" else _text(form, k) for k in (
        "category", "text", "address", "lat", "long", "name", "phone", "submission", "view")}


async def _form(request: http.AnyRequest, values: dict[str, str], errors: dict[str, str],
                status: int = 200, notice: str | None = None) -> Response[str]:
    d = deployment_of(request)
    try:
        services = await open311(request).services()
    except (Refused, OSError) as exc:
        return page(request, "residents_error.html", status=503,
                    message="Open311 endpoint unreachable: " + str(exc)[:200])
    drawn = await anyio.to_thread.run_sync(tapmap.drawn, d)
    point = _point(values.get("lat", ""), values.get("long", ""))
    values = {**values, "submission": values.get("submission") or store.new_submission()}
    query: dict[str, str] = {}
    if drawn is not None:
        view = tapmap.parse_view(drawn, values.get("view", ""))
        values["view"] = "" if view == drawn.view else tapmap.as_text(view)
        query = {"view": values["view"]} if values["view"] else {}
    if point:
        query.update(lat=str(point[0]), long=str(point[1]))
    return page(request, "residents.html", status=status, services=services, values=values,
                errors=errors, notice=notice, view=drawn.view if drawn else None,
                zoomed=bool(query.get("view")),
                map_query=("?" + urlencode(query)) if query else "",
                filing_on=bool(settings(d).residents_api_key))


def _point(lat: str, lon: str) -> tuple[float, float] | None:
    try:
        found = float(lat), float(lon)
    except ValueError:
        return None
    return found if -90 <= found[0] <= 90 and -180 <= found[1] <= 180 else None


@get("/")
async def form_page(request: http.AnyRequest) -> Response[str]:
    return await _form(request, {}, {})


async def tap(request: http.AnyRequest, data: Form) -> Response[str]:
    """A tap on the map: the tap's pixel as lat/long, the form again; nothing is written."""
    values = _values(data)
    drawn = await anyio.to_thread.run_sync(tapmap.drawn, deployment_of(request))
    errors: dict[str, str] = {}
    try:
        x, y = float(_text(data, "map.x")), float(_text(data, "map.y"))
    except ValueError:
        x = y = -1.0
    if drawn is not None and _text(data, "zoom") == "out":
        values["view"] = ""
    elif drawn is None or x < 0 or y < 0:
        errors["lat"] = "请在地图上点选 tap the map to set the point"
    else:  # the point where the map shown was tapped, and a closer map around it
        current = tapmap.parse_view(drawn, values["view"])
        lat, lon = current.point(x, y)
        values["lat"], values["long"] = f"{lat}", f"{lon}"
        values["view"] = tapmap.as_text(tapmap.zoomed(drawn, current, lat, lon))
    photo = data.get("photo")
    notice = ("照片未保留，请重新选择 the photo was not kept: choose it again"
              if isinstance(photo, UploadFile) and photo.filename else None)
    request.state[http.AUDITED] = True  # nothing to audit: no write
    return await _form(request, values, errors, 422 if errors else 200, notice)


def _check(values: dict[str, str], services: list[dict[str, Any]]) -> dict[str, str]:
    """What is wrong with the form, field by field (bilingual, Chinese first)."""
    errors: dict[str, str] = {}
    if values["category"] not in {s["service_code"] for s in services}:
        errors["category"] = "请选择类别 choose a category from the list"
    if not values["text"]:
        errors["text"] = "请写明诉求 say what happened"
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            errors[name] = f"最多 {limit} 字 at most {limit} characters"
    lat, lon = values["lat"], values["long"]
    if lat or lon:
        if _point(lat, lon) is None:
            errors["lat"] = ("位置有误 the point is not a latitude −90…90 and a longitude "
                             "−180…180: tap the map again or correct the numbers")
    elif not values["address"]:
        errors["address"] = "请在地图上点选位置或填写地址 tap the map or give an address"
    phone = values["phone"].replace(" ", "").replace("-", "")
    if phone and not (phone.lstrip("+").isdigit() and 5 <= len(phone) <= 20):
        errors["phone"] = "电话号码有误 a phone number is 5 to 20 digits"
    if len(values["submission"]) > 64:
        errors["submission"] = "表单已失效，请重新填写 the form is stale: reload the page"
    return errors


async def _photo(d: Deployment, data: dict[str, Any]) -> bytes | None:
    upload = data.get("photo")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    raw = await upload.read()
    if not raw:
        return None
    return await anyio.to_thread.run_sync(photos.clean, raw,
                                          settings(d).residents_photo_max_bytes)


async def file_appeal(request: http.AnyRequest, data: Form) -> Response[Any]:
    """File the appeal through the Open311 endpoint; the tracking code comes back in the URL
    of the status page (303), the only place it is ever shown."""
    d = deployment_of(request)
    s = settings(d)
    values = _values(data)
    if not s.residents_api_key:
        return page(request, "residents_error.html", status=503,
                    message="网上提交未开通 online filing is switched off here")
    client = open311(request)
    services = await client.services()
    errors = _check(values, services)
    photo: bytes | None = None
    if not errors:
        try:
            photo = await _photo(d, data)
        except ValidationError as exc:
            errors["photo"] = f"{exc.message} — {exc.hint}" if exc.hint else exc.message
    if errors:
        return await _form(request, values, errors, 422)
    submission = values["submission"] or store.new_submission()
    code = store.code_for(s.residents_api_key, submission)
    photo_key = hashlib.sha256(f"{code}:{secrets.token_hex(8)}".encode()).hexdigest()[:32] \
        if photo else None
    fields = {"service_code": values["category"], "description": values["text"],
              "attribute[client_request_id]": "residents:" + submission}
    if values["lat"]:
        fields["lat"], fields["long"] = values["lat"], values["long"]
    for ours, theirs in (("address", "address_string"), ("name", "first_name"),
                         ("phone", "phone")):
        if values[ours]:
            fields[theirs] = values[ours]
    if photo_key:
        fields["media_url"] = f"{s.residents_public_url.rstrip('/')}{PATH}/photos/{photo_key}"
    try:
        made = await client.create(fields)
    except Refused as exc:
        field = "lat" if "lat" in exc.description or "point" in exc.description else "form"
        errors[field] = f"未能提交 not filed: {exc.description}"
        return await _form(request, values, errors, 422 if exc.status < 500 else 502)
    case_id = int(made["service_request_id"])

    def remember() -> None:
        with d.transaction() as session:
            store.keep(d, session, code=code, case_id=case_id, token=str(made.get("token")),
                       photo_key=photo_key, photo=photo)
            http.audit(d, session, f"resident:{http.client_ip(request)}", request,
                       "smart.residents.file", record=f"case:{case_id}",
                       detail={"service_code": values["category"], "photo": bool(photo)})

    await anyio.to_thread.run_sync(remember)
    return Redirect(f"{PATH}/track?code={quote(code)}&new=1", status_code=303)


# -- following it ------------------------------------------------------------------------------
async def _track(request: http.AnyRequest, code: str, *, new: bool = False, status: int = 200,
                 error: str | None = None) -> Response[str]:
    d = deployment_of(request)
    if not code:
        return page(request, "residents_track.html", status=status, code="", appeal=None,
                    error=error)
    appeal = await anyio.to_thread.run_sync(store.find, d, code)
    if appeal is None:
        return page(request, "residents_track.html", status=404, code=code, appeal=None,
                    error="查无此编号 no appeal has this tracking code: check it and try again")
    client = open311(request)
    one = await client.request(appeal["case_id"])
    since = appeal["filed_at"].replace(microsecond=0).isoformat()
    updates = await client.updates(appeal["case_id"], since)
    return page(request, "residents_track.html", status=status, code=store.normal(code),
                appeal=appeal, request_=one, updates=updates, new=new, error=error)


@get("/track")
async def track(request: http.AnyRequest,
                code: Annotated[str, Parameter(max_length=40)] = "",
                new: Annotated[str, Parameter(max_length=1)] = "") -> Response[str]:
    return await _track(request, code, new=new == "1")


@post("/rate", status_code=303)
async def rate_appeal(request: http.AnyRequest, data: SimpleForm) -> Response[Any]:
    """The resident's rating of a closed request, once."""
    d = deployment_of(request)
    code = _text(data, "code")[:40]
    appeal = await anyio.to_thread.run_sync(store.find, d, code)
    if appeal is None:
        return await _track(request, code)
    one = await open311(request).request(appeal["case_id"])
    if one["status"] != "closed":
        return await _track(request, code, status=422,
                            error="办结后才能评价 you can rate it once it is closed")
    rating = _text(data, "rating")
    comment = _text(data, "comment")[:LIMITS["comment"]] or None

    def write() -> None:
        with d.transaction() as session:
            store.rate(d, session, appeal, rating=rating, comment=comment)
            http.audit(d, session, f"resident:appeal-{appeal['id']}", request,
                       "smart.residents.rate", record=f"case:{appeal['case_id']}",
                       detail={"rating": rating})

    try:
        await anyio.to_thread.run_sync(write)
    except SuyuanError as exc:
        return await _track(request, code, status=422, error=_say(exc))
    return Redirect(f"{PATH}/track?code={quote(code)}", status_code=303)


def _say(exc: SuyuanError) -> str:
    return f"{exc.message} — {exc.hint}" if exc.hint else exc.message


# -- the map, the photos, the style ------------------------------------------------------------
@get("/map.svg", sync_to_thread=True)
def map_image(request: http.AnyRequest,
              lat: Annotated[str, Parameter(max_length=20)] = "",
              long: Annotated[str, Parameter(max_length=20)] = "",
              view: Annotated[str, Parameter(max_length=200)] = "") -> Response[str]:
    drawn = tapmap.drawn(deployment_of(request))
    if drawn is None:
        raise ValidationError("这里的区域没有边界 the areas carry no boundaries", field="map",
                              rule="no_places", hint="give lat/long or an address instead")
    return Response(tapmap.svg(drawn, tapmap.parse_view(drawn, view), _point(lat, long)),
                    media_type="image/svg+xml")


@get("/photos/{key:str}", sync_to_thread=True)
def photo_file(request: http.AnyRequest,
               key: Annotated[str, Parameter(max_length=64)]) -> Response[bytes]:
    found = store.photo(deployment_of(request), key)
    if found is None:
        raise HTTPException(status_code=404, detail="no such photo")
    return Response(found, media_type="image/jpeg")


@functools.cache
def _css() -> str:
    return resources.files("suyuan_smart.residents").joinpath("residents.css").read_text("utf-8")


@get("/residents.css", sync_to_thread=False)
def style() -> Response[str]:
    return Response(_css(), media_type="text/css; charset=utf-8")


# -- refusals ----------------------------------------------------------------------------------
def _refused(request: http.AnyRequest, exc: Exception) -> Response[str]:
    if isinstance(exc, SuyuanError):
        status, message = exc.status_code, _say(exc)
    elif isinstance(exc, HTTPException) and exc.status_code == 429:
        status, message = 429, ("操作太频繁，请稍后再试 too many requests from your address: "
                                "wait a while and try again")
    elif isinstance(exc, HTTPException) and exc.status_code == 413:
        status, message = 413, ("提交内容太大（照片过大？） what you sent is too large — is the "
                                "photo too big? Go back and attach a smaller one")
    elif isinstance(exc, HTTPException) and exc.status_code == 403:
        status, message = 403, ("表单已过期，请返回重新提交 the form has expired (its security "
                                "token is missing): go back, reload the page and send it again")
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, str(exc.detail)
    elif isinstance(exc, Refused | OSError):
        status, message = 502, f"Open311 endpoint: {exc}"[:300]
    else:  # pragma: no cover - logged by litestar
        status, message = 500, "an unexpected error; it has been logged"
    response = page(request, "residents_error.html", status=status, message=message)
    if isinstance(exc, HTTPException) and exc.headers:
        response.headers.update(exc.headers)
    return response


def router(d: Deployment) -> Router:
    s = settings(d)
    ip = http.client_ip
    requests_ = RateLimitConfig(rate_limit=("minute", s.residents_requests_per_minute),
                                identifier_for_request=ip, store="smart_residents_requests")
    filings = RateLimitConfig(rate_limit=("hour", s.residents_filings_per_hour),
                              identifier_for_request=ip, store="smart_residents_filings")
    csrf = CSRFConfig(secret=store.secret(s.residents_api_key or secrets.token_hex(16),
                                          "csrf").hex(),
                      cookie_name="suyuan_residents_csrf", cookie_path=PATH,
                      cookie_secure=d.config.core.web.secure_cookies, cookie_httponly=True,
                      cookie_samesite="lax")
    body = 2 * s.residents_photo_max_bytes + 200_000  # an oversized photo: the form, kept
    appeal = post("/appeal", status_code=303, middleware=[filings.middleware],
                  request_max_body_size=body)(file_appeal)
    tapped = post("/point", status_code=200, request_max_body_size=body)(tap)
    return Router(path=PATH, route_handlers=[form_page, tapped, appeal, track, rate_appeal,
                                             map_image, photo_file, style],
                  middleware=[requests_.middleware,
                              DefineMiddleware(CSRFMiddleware, config=csrf)],
                  exception_handlers={SuyuanError: _refused, HTTPException: _refused,
                                      Refused: _refused, OSError: _refused},
                  include_in_schema=False, opt={PUBLIC_ROUTE: True})
