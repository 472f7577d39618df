"""Health, the enabled plugins, the registries, signing in and out, and the audit log."""

from __future__ import annotations

import datetime as dt
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery, JSONBody, Parameter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from suyuan_core import bounds, times
from suyuan_core.bounds import MAX_ID
from suyuan_core.errors import PermissionDenied, ValidationError
from suyuan_core.web.api.common import DeploymentDep, PrincipalDep, client_ip
from suyuan_core.web.auth import PUBLIC, SESSION_COOKIE
from suyuan_core.web.dto import (
    AuditOut,
    CodeOut,
    HealthOut,
    LabelOut,
    LoginIn,
    MeOut,
    PluginOut,
    me_out,
)


def _version() -> str:
    try:
        return version("suyuan")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


@get("/health", opt={PUBLIC: True}, tags=["meta"], sync_to_thread=True,
     summary="Whether the server and its database answer (no sign-in needed)")
def health(deployment: DeploymentDep) -> Response[HealthOut]:
    try:
        with deployment.reading() as s:
            s.execute(text("SELECT 1"))
        db = "ok"
    except SQLAlchemyError:
        db = "unavailable"
    status = 200 if db == "ok" else 503
    return Response(HealthOut("ok" if db == "ok" else "degraded", db, _version()),
                    status_code=status)


@get("/plugins", tags=["meta"], sync_to_thread=False, summary="The enabled plugins")
def plugins(deployment: DeploymentDep) -> list[PluginOut]:
    return [PluginOut(name=p.name, version=p.version, distribution=p.distribution,
                      label=LabelOut(p.spec.label.zh, p.spec.label.en), pillar=p.pillar,
                      requires=list(p.spec.requires), description=p.spec.description,
                      builtin=p.builtin) for p in deployment.plugins]


def _codes(items: Any) -> list[CodeOut]:
    return [CodeOut(i.code, LabelOut(i.label.zh, i.label.en), i.provider) for i in items]


@get("/categories", tags=["meta"], sync_to_thread=False, summary="Case categories in force")
def categories(deployment: DeploymentDep) -> list[CodeOut]:
    return _codes(deployment.categories)


@get("/sources", tags=["meta"], sync_to_thread=False, summary="Intake sources")
def sources(deployment: DeploymentDep) -> list[CodeOut]:
    return _codes(deployment.sources)


@get("/permissions", tags=["meta"], sync_to_thread=False, summary="Permissions roles may grant")
def permissions(deployment: DeploymentDep) -> list[CodeOut]:
    return _codes(deployment.permissions)


@post("/auth/login", opt={PUBLIC: True}, tags=["auth"], sync_to_thread=True, status_code=200,
      summary="Sign in: sets the session cookie and returns the CSRF token for changes")
def login(request: Request[Any, Any, Any], deployment: DeploymentDep,
          data: JSONBody[LoginIn]) -> Response[MeOut]:
    d = deployment
    new = d.accounts.login(data.username, data.password, ip=client_ip(request))
    cookie = Cookie(key=SESSION_COOKIE, value=new.cookie, path="/", httponly=True,
                    secure=d.config.core.web.secure_cookies, samesite="lax",
                    max_age=int((new.expires_at - times.now()).total_seconds()))
    return Response(me_out(new.principal), cookies=[cookie])


@post("/auth/logout", tags=["auth"], sync_to_thread=True, status_code=200, summary="Sign out")
def logout(request: Request[Any, Any, Any], deployment: DeploymentDep) -> Response[dict[str, str]]:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        deployment.accounts.logout(cookie)
    return Response({"status": "signed out"},
                    cookies=[Cookie(key=SESSION_COOKIE, value="", path="/", max_age=0)])


@get("/auth/me", tags=["auth"], sync_to_thread=False, summary="Who you are and what you hold")
def me(principal: PrincipalDep) -> MeOut:
    return me_out(principal)


@get("/audit", opt={"permission": "admin.manage"}, tags=["admin"], sync_to_thread=True,
     summary="Search the audit log (administrators of the whole deployment)")
def audit(deployment: DeploymentDep, principal: PrincipalDep,
          user: Annotated[str | None, Parameter(max_length=128)] = None,
          since: FromQuery[dt.datetime | None] = None,
          record: Annotated[str | None, Parameter(max_length=128)] = None,
          action: Annotated[str | None, Parameter(max_length=64)] = None,
          before: Annotated[int | None, Parameter(ge=1, le=MAX_ID)] = None,
          limit: Annotated[int, Parameter(ge=1, le=500)] = 100) -> list[AuditOut]:
    d = deployment
    if not any(principal.can("admin.manage", d.areas.tree.path(r)) for r in d.areas.tree.roots()):
        raise PermissionDenied("only an administrator of the whole deployment reads the audit log",
                               field="permission", rule="admin.manage",
                               hint="grant admin at the root area")
    since = bounds.clamp_time(since)  # a bound before the stored years excludes nothing
    if since is not None and since.tzinfo is None:
        raise ValidationError("needs a time zone", field="since", rule="aware_datetime",
                              hint="e.g. 2026-05-01T00:00:00+08:00")
    return [AuditOut(e.id, times.iso(e.at), e.actor, e.action, e.record, e.reason, e.ip,
                     e.detail)
            for e in d.audit.search(actor=user, since=since, record=record, action=action,
                                    before_id=before, limit=limit)]
