"""Authentication (a bearer token or a signed session cookie) and the permission guard.

The middleware sits on the ``/api/v1`` router, so every route there — the core's and each
plugin's — is authenticated the same way. A handler (or a plugin's handler) names the permission
it needs in ``opt={"permission": "cases.read"}``; the guard refuses callers who hold it nowhere,
and the handler then checks the area of the record it touches (``principal.can``).

Two documented exceptions (``suyuan_core.plugins.routes``): a public route
(``opt={PUBLIC_ROUTE: True}``) and a machine-to-machine route verified by a signature instead of a
user (``opt={SIGNED_BY: verify}``), which :func:`signature_guard` checks before the handler runs.
"""

from __future__ import annotations

import functools
import hmac
from typing import Any

import anyio.to_thread
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import Receive, Scope, Send

from suyuan_core.accounts.principal import Principal
from suyuan_core.deployment import Deployment
from suyuan_core.errors import NotAuthenticated, PermissionDenied
from suyuan_core.plugins.routes import PUBLIC_ROUTE, verifier

SESSION_COOKIE = "suyuan_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``opt`` key a route handler sets to be reachable without signing in (health, login).
PUBLIC = PUBLIC_ROUTE
#: where :func:`signature_guard` leaves who signed, for the ``signer`` dependency.
SIGNER_STATE = "suyuan_signer"


def deployment_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Deployment:
    d: Deployment = connection.app.state["deployment"]
    return d


def authenticate(d: Deployment, authorization: str | None, cookie: str | None) -> Principal:
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("use `Authorization: Bearer <token>`", field="Authorization",
                                   rule="bearer_token",
                                   hint="make a token with `suyuan users token NAME`")
        return d.accounts.authenticate_token(token.strip())
    if cookie:
        return d.accounts.authenticate_session(cookie)
    raise NotAuthenticated("sign in first", field="Authorization", rule="authenticated",
                           hint="POST /api/v1/auth/login, or send `Authorization: Bearer <token>`")


class AuthMiddleware(AbstractAuthenticationMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        if handler is not None and verifier(handler.opt) is not None:
            await self.app(scope, receive, send)  # no user: signature_guard verifies instead
            return
        await super().__call__(scope, receive, send)

    async def authenticate_request(
            self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        d = deployment_of(connection)
        authorization = connection.headers.get("authorization")
        principal = None
        if authorization and authorization[:7].lower() == "bearer ":
            principal = d.accounts.cached_token(authorization[7:].strip())  # no thread, no query
        if principal is None:
            principal = await anyio.to_thread.run_sync(
                authenticate, d, authorization, connection.cookies.get(SESSION_COOKIE))
        method = connection.scope.get("method", "GET")
        if principal.via == "session" and method not in SAFE_METHODS:
            sent = connection.headers.get(CSRF_HEADER, "")
            if not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
                raise PermissionDenied("the form token (CSRF) is missing or wrong",
                                       field="X-CSRF-Token", rule="csrf",
                                       hint="send the csrf_token from the login response in the "
                                            "X-CSRF-Token header")
        return AuthenticationResult(user=principal, auth=principal.via)


def permission_guard(connection: ASGIConnection[Any, Any, Any, Any],
                     handler: BaseRouteHandler) -> None:
    """Refuse a caller who holds the handler's permission for no area at all."""
    needed = handler.opt.get("permission")
    if not needed or handler.opt.get(PUBLIC) or verifier(handler.opt) is not None:
        return
    principal: Principal = connection.user
    options = (needed,) if isinstance(needed, str) else tuple(needed)
    if not any(principal.has(p) for p in options):
        raise PermissionDenied(f"you hold no role granting {' or '.join(options)}",
                               field="permission", rule=options[0],
                               hint="ask an administrator: `suyuan users grant USER ROLE AREA`")


async def signature_guard(connection: ASGIConnection[Any, Any, Any, Any],
                          handler: BaseRouteHandler) -> None:
    """For a handler with ``opt={SIGNED_BY: verify}``: verify the raw body and the headers before
    the handler runs (so a bad signature writes nothing); remember who signed."""
    verify = verifier(handler.opt)
    if verify is None:
        return
    if not isinstance(connection, Request):
        raise PermissionDenied("a signed route takes HTTP requests only", field="signature",
                               rule="http")
    body = await connection.body()  # litestar keeps it for the handler
    headers = {k.lower(): v for k, v in connection.headers.items()}
    signer = await anyio.to_thread.run_sync(
        functools.partial(verify, deployment_of(connection), headers, body))
    if not isinstance(signer, str) or not signer:
        raise NotAuthenticated("the request's signature was not accepted", field="signature",
                               rule="signed")
    connection.state[SIGNER_STATE] = signer


def provide_signer(request: Request[Any, Any, Any]) -> str:
    """Who signed the request (a ``SIGNED_BY`` route only)."""
    signer = request.state.get(SIGNER_STATE)
    if not signer:
        raise NotAuthenticated("this route is not signed", field="signature", rule="signed",
                               hint="only a handler with opt={SIGNED_BY: verify} has a signer")
    return str(signer)


def provide_deployment(state: Any) -> Deployment:
    d: Deployment = state["deployment"]
    return d
