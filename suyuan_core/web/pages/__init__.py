"""The web pages (Jinja2, zh-Hans first, no CDN): the router and its HTML error handling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.exceptions import HTTPException
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from suyuan_core.deployment import Deployment
from suyuan_core.errors import SuyuanError
from suyuan_core.plugins.spec import Page
from suyuan_core.web.pages import views


def _login(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    from urllib.parse import quote

    return Redirect(f"/login?next={quote(target)}", status_code=303)


def _error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, SuyuanError):
        status, message, hint, field = exc.status_code, exc.message, exc.hint, exc.field
        rule: str | None = exc.rule
    elif isinstance(exc, HTTPException):
        status, message, hint, field, rule = exc.status_code, exc.detail, None, None, None
    else:  # pragma: no cover - logged by litestar; the page still says something useful
        status, message, hint, field = 500, "an unexpected error; it has been logged", None, None
        rule = None
    return views.render(request, "error.html", status=status, message=message, hint=hint,
                        field=field, rule=rule, code=status)


def pages_router(d: Deployment, pages: list[tuple[str, Page]]) -> Router:
    handlers: list[Any] = [
        views.login_form, views.login, views.logout, views.set_language, views.queue,
        views.case_list, views.new_case_form, views.new_case, views.case_page, views.case_act,
        views.case_note, views.areas_page, views.roster_page, views.dashboard,
        views.admin_users, views.admin_users_change, views.admin_plugins, views.admin_audit, views.inbox_page,
        views.inbox_read,
    ]
    for name, page in pages:
        handlers.append(views.plugin_page_handler(name, page))
        if page.submit is not None:
            handlers.append(views.plugin_submit_handler(name, page))
    return Router(path="/", route_handlers=handlers, include_in_schema=False,
                  exception_handlers={views.LoginRequired: _login, SuyuanError: _error,
                                      HTTPException: _error})


def static_router() -> Router:
    return create_static_files_router(path="/static",
                                      directories=[Path(__file__).parent.parent / "static"],
                                      include_in_schema=False, name="static")
