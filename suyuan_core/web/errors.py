"""Every error is JSON naming the field, the rule broken and how to fix it; never a bare 500."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from suyuan_core import bounds
from suyuan_core.errors import IllegalTransition, SuyuanError, TooManyAttempts, TransitionRefused

log = logging.getLogger("suyuan.web")


def body(status: int, error: str, message: str, *, field: str | None = None,
         rule: str | None = None, hint: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"status": status, "error": error, "message": message, "field": field, "rule": rule,
            "hint": hint, **extra}


def suyuan_error(request: Request[Any, Any, Any], exc: SuyuanError) -> Response[dict[str, Any]]:
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, IllegalTransition):
        extra = {"status_now": exc.status, "allowed": list(exc.allowed)}
    elif isinstance(exc, TransitionRefused):
        extra = {"reasons": list(exc.reasons)}
    elif isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    content = {**exc.as_dict(), **extra, "status": exc.status_code}
    if not content["hint"]:
        what = f"`{exc.field}`" if exc.field else "the request"
        content["hint"] = f"correct {what} (rule: {exc.rule or 'see message'}) and send it again"
    return _answer(request, content, exc.status_code, headers)


_MISSING = re.compile(r"Missing required (\w+) parameter '([^']+)'")


def _first_problem(extra: Any, detail: str = "") -> tuple[str | None, str]:
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        first = extra[0]
        key = first.get("key")
        where = first.get("source")
        field = f"{key}" if key else None
        return field, f"{first.get('message', 'invalid value')}" + (
            f" (in the {getattr(where, 'value', where)})" if where else "")
    missing = _MISSING.search(detail or "")
    if missing:
        return missing.group(2), f"is required (a {missing.group(1)} parameter)"
    return None, detail or "invalid request"


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """A browser asking for a page (not the API, not a protocol a plugin mounts at the root)."""
    path = request.url.path
    return (not path.startswith("/api/") and "text/html" in request.headers.get("accept", "")
            and request.url.path.strip("/").split("/", 1)[0] not in _root_prefixes(request))


def _root_prefixes(request: Request[Any, Any, Any]) -> frozenset[str]:
    found = request.app.state.get("root_prefixes")
    return found if isinstance(found, frozenset) else frozenset()


def _html(request: Request[Any, Any, Any], status: int, message: str, hint: str | None,
          field: str | None, rule: str | None = None) -> Response[Any]:
    from suyuan_core.web.pages import views

    return views.render(request, "error.html", status=status, message=message, hint=hint,
                        field=field, rule=rule, code=status)


def _answer(request: Request[Any, Any, Any], content: dict[str, Any], status: int,
            headers: dict[str, str] | None = None) -> Response[Any]:
    if wants_html(request):
        try:
            return _html(request, status, str(content.get("message")), content.get("hint"),
                         content.get("field"), content.get("rule"))
        except Exception:  # the error page must never turn a 4xx into a 500
            log.exception("cannot render the error page")
    return Response(content, status_code=status, headers=headers)


def validation_error(request: Request[Any, Any, Any],
                     exc: ValidationException) -> Response[dict[str, Any]]:
    """litestar's request validation (types, ranges, missing fields) in our error shape."""
    field, message = _first_problem(exc.extra, str(exc.detail))
    return _answer(request, body(400, "ValidationError", message, field=field, rule="schema",
                                 hint="see the OpenAPI document at /api/v1/schema/openapi.json",
                                 problems=exc.extra if isinstance(exc.extra, list) else None),
                   400)


def _int_params(request: Request[Any, Any, Any]) -> list[tuple[re.Pattern[str], list[str]]]:
    """Each route path with ``{name:int}`` parameters, as a pattern that matches any segment."""
    cached = request.app.state.get("int_routes")
    if cached is None:
        cached = []
        for route in request.app.routes:
            names = re.findall(r"{(\w+):int}", route.path)
            if names:
                pattern = re.sub(r"{(\w+):(\w+)}",
                                 lambda m: f"(?P<{m.group(1)}>[^/]+)", route.path)
                cached.append((re.compile(f"^{pattern}/?$"), names))
        request.app.state["int_routes"] = cached
    return cached  # type: ignore[no-any-return]


def not_a_number(request: Request[Any, Any, Any]) -> tuple[str, str] | None:
    """The ``{name:int}`` path parameter the request gave as something not a number, if that is
    why no route matched (``/api/v1/cases/abc``)."""
    for pattern, names in _int_params(request):
        m = pattern.match(request.url.path)
        if m:
            for name in names:
                if not m.group(name).isdigit():
                    return name, m.group(name)
    return None


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    hints = {400: "send a JSON body (Content-Type: application/json) that matches the "
                  "OpenAPI document at /api/v1/schema/openapi.json",
             401: "sign in, or send `Authorization: Bearer <token>`",
             404: "check the path; the API lives under /api/v1",
             405: "see the OpenAPI document for the methods this path allows",
             413: "send a smaller request", 415: "send application/json"}
    hint = hints.get(exc.status_code, "see the OpenAPI document at /api/v1/schema/openapi.json")
    if exc.status_code == 404:
        bad = not_a_number(request)
        if bad is not None:
            name, value = bad
            return _answer(request, body(400, "ValidationError",
                                         f"{value[:40]!r} is not a number", field=name,
                                         rule="integer", hint=f"{name} is a whole number, e.g. 42"),
                           400)
    if exc.status_code == 413:
        hint = f"send at most {bounds.MAX_BODY_BYTES} bytes"
    return _answer(request, body(exc.status_code, type(exc).__name__, exc.detail,
                                 rule="request" if exc.status_code < 500 else "server", hint=hint),
                   exc.status_code, exc.headers)


def recursion_error(request: Request[Any, Any, Any],
                    exc: RecursionError) -> Response[dict[str, Any]]:
    """Backstop: a document nested too deeply for any decoder (the request guard caps JSON
    bodies at bounds.MAX_JSON_DEPTH before this can happen)."""
    return _answer(request, body(400, "ValidationError", "the input nests too deeply",
                                 field="body", rule="json_depth", hint="flatten the document"),
                   400)


def integrity_error(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[dict[str, Any]]:
    """Two writers raced (e.g. the same work order twice at once): nothing was written."""
    return Response(body(409, "Conflict", "the change conflicts with one made at the same time",
                         rule="conflict", hint="reload and try again; nothing was written"),
                    status_code=409)


def data_error(request: Request[Any, Any, Any], exc: DataError) -> Response[dict[str, Any]]:
    """Backstop: the database refused a value (too long, out of range). Every field has a bound
    in suyuan_core.bounds that is checked first; reaching this is a missing bound (logged)."""
    log.error("the database refused a value on %s: %s", request.url.path, exc)
    return _answer(request, body(422, "ValidationError", "a value is too long or out of range",
                                 rule="range", hint="see docs/bounds.md for every field's range;"
                                                    " nothing was written"), 422)


def operational_error(request: Request[Any, Any, Any],
                      exc: OperationalError) -> Response[dict[str, Any]]:
    log.error("database unavailable: %s", exc)
    return Response(body(503, "Unavailable", "the database is busy or unavailable",
                         rule="database", hint="try again in a moment"),
                    status_code=503, headers={"Retry-After": "5"})


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _answer(request, body(500, "ServerError", "an unexpected error; it has been logged",
                                 rule="server", hint="tell the administrator the time it happened"),
                   HTTP_500_INTERNAL_SERVER_ERROR)


HANDLERS: dict[Any, Any] = {
    SuyuanError: suyuan_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    IntegrityError: integrity_error,
    RecursionError: recursion_error,
    DataError: data_error,
    OperationalError: operational_error,
    Exception: server_error,
}
