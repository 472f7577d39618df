"""Every error is JSON naming the field, the rule broken and how to fix it; never a bare 500."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import IntegrityError, OperationalError

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
    return Response(content, status_code=exc.status_code, headers=headers)


def _first_problem(extra: Any) -> tuple[str | None, str]:
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        first = extra[0]
        key = first.get("key")
        where = first.get("source")
        field = f"{key}" if key else None
        return field, f"{first.get('message', 'invalid value')}" + (
            f" (in the {getattr(where, 'value', where)})" if where else "")
    return None, "invalid request"


def validation_error(request: Request[Any, Any, Any],
                     exc: ValidationException) -> Response[dict[str, Any]]:
    """litestar's request validation (types, ranges, missing fields) in our error shape."""
    field, message = _first_problem(exc.extra)
    return Response(body(400, "ValidationError", message, field=field, rule="schema",
                         hint="see the OpenAPI document at /api/v1/schema/openapi.json",
                         problems=exc.extra if isinstance(exc.extra, list) else None),
                    status_code=400)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    hints = {400: "send a JSON body (Content-Type: application/json) that matches the "
                  "OpenAPI document at /api/v1/schema/openapi.json",
             401: "sign in, or send `Authorization: Bearer <token>`",
             404: "check the path; the API lives under /api/v1",
             405: "see the OpenAPI document for the methods this path allows",
             413: "send a smaller request", 415: "send application/json"}
    hint = hints.get(exc.status_code, "see the OpenAPI document at /api/v1/schema/openapi.json")
    return Response(body(exc.status_code, type(exc).__name__, exc.detail,
                         rule="request" if exc.status_code < 500 else "server", hint=hint),
                    status_code=exc.status_code, headers=exc.headers)


def integrity_error(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[dict[str, Any]]:
    """Two writers raced (e.g. the same work order twice at once): nothing was written."""
    return Response(body(409, "Conflict", "the change conflicts with one made at the same time",
                         rule="conflict", hint="reload and try again; nothing was written"),
                    status_code=409)


def operational_error(request: Request[Any, Any, Any],
                      exc: OperationalError) -> Response[dict[str, Any]]:
    log.error("database unavailable: %s", exc)
    return Response(body(503, "Unavailable", "the database is busy or unavailable",
                         rule="database", hint="try again in a moment"),
                    status_code=503, headers={"Retry-After": "5"})


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return Response(body(500, "ServerError", "an unexpected error; it has been logged",
                         rule="server", hint="tell the administrator the time it happened"),
                    status_code=HTTP_500_INTERNAL_SERVER_ERROR)


HANDLERS: dict[Any, Any] = {
    SuyuanError: suyuan_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    IntegrityError: integrity_error,
    OperationalError: operational_error,
    Exception: server_error,
}
