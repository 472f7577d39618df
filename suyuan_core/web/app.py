"""The litestar application, assembled from small pieces: the API router (authentication
middleware, permission and signature guards, dependencies), each plugin's routes under
``/api/v1/<plugin>``, the routers plugins mount at the root for protocols whose paths a standard
fixes (``suyuan_register_root_routes``, e.g. Open311's ``/open311/v2``) behind the same
authentication, the error handlers and the OpenAPI document with its offline reference page."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from suyuan_core import bounds
from suyuan_core.accounts.principal import Principal
from suyuan_core.deployment import Deployment
from suyuan_core.errors import PluginError
from suyuan_core.web import errors, guard
from suyuan_core.web.api import areas, cases, meta, metrics, roster
from suyuan_core.web.auth import (
    PUBLIC,
    SESSION_COOKIE,
    AuthMiddleware,
    permission_guard,
    provide_signer,
    signature_guard,
)
from suyuan_core.web.docs import OfflineDocs
from suyuan_core.web.openapi import ExactJson
from suyuan_core.web.write_audit import audit_writes

API = "/api/v1"
SCHEMA_PATH = f"{API}/schema"
OPENAPI_JSON = f"{SCHEMA_PATH}/openapi.json"


def provide_deployment(state: State) -> Deployment:
    d: Deployment = state["deployment"]
    return d


def provide_principal(request: Request[Principal, Any, Any]) -> Principal:
    return request.user


CORE_HANDLERS: list[Any] = [
    meta.health, meta.plugins, meta.categories, meta.sources, meta.permissions, meta.login,
    meta.logout, meta.me, meta.audit, areas.area_tree, cases.CaseController,
    roster.RosterController, metrics.MetricController,
]


def plugin_routers(d: Deployment) -> list[Router]:
    """Each plugin's ``suyuan_register_routes`` handlers, mounted at ``/api/v1/<plugin>``."""
    out = []
    for name, handlers in d.call_each("suyuan_register_routes"):
        if handlers:
            out.append(Router(path=f"/{name}", route_handlers=list(handlers), tags=[name],
                              middleware=[audit_writes(name)]))
    return out


def _secured(path: str, handlers: list[Any], audit: str | None = None, **kwargs: Any) -> Router:
    """A router behind the same authentication, guards and dependencies as ``/api/v1`` (and, for
    a plugin's root routes, ``audit``: the plugin whose writes are audited)."""
    return Router(
        path=path,
        route_handlers=handlers,
        middleware=[DefineMiddleware(AuthMiddleware, exclude_from_auth_key=PUBLIC),
                    *([audit_writes(audit)] if audit else [])],
        guards=[permission_guard, signature_guard],
        dependencies={"deployment": Provide(provide_deployment, sync_to_thread=False),
                      "principal": Provide(provide_principal, sync_to_thread=False),
                      "signer": Provide(provide_signer, sync_to_thread=False)},
        security=[{"bearer": []}, {"session": []}],
        **kwargs,
    )


def api_router(d: Deployment) -> Router:
    return _secured(API, [*CORE_HANDLERS, *plugin_routers(d)])


def first_segments(routers: list[Router]) -> set[str]:
    """The first path segments the given routers' routes use (``/cases/new`` → ``cases``)."""
    return {route.path.strip("/").split("/", 1)[0] for r in routers for route in r.routes}


def root_routers(d: Deployment, reserved: set[str]) -> list[Router]:
    """Each plugin's ``suyuan_register_root_routes`` routers, each nested in a wrapper that puts
    it behind the API's authentication, guards and dependencies; a path the core or another
    plugin owns is refused at start-up."""
    plugins = {p.name for p in d.plugins}
    out: list[Router] = []
    claimed: dict[str, str] = {}
    for name, routers in d.call_each("suyuan_register_root_routes"):
        for router in routers or ():
            if not isinstance(router, Router):
                raise PluginError(f"plugin {name!r}: suyuan_register_root_routes must return "
                                  f"litestar Routers, not {type(router).__name__}",
                                  hint="wrap the handlers: Router(path='/open311/v2', "
                                       "route_handlers=[...])")
            first = router.path.strip("/").split("/", 1)[0]
            if not first or first in reserved or (first in plugins and first != name):
                raise PluginError(f"plugin {name!r} may not mount routes at {router.path!r}: "
                                  f"/{first} belongs to the "
                                  + ("site root" if not first else
                                     "core" if first in reserved else
                                     f"plugin {first!r}"),
                                  hint="mount under a prefix of your own, e.g. /open311/v2")
            if first in claimed:
                raise PluginError(f"plugins {claimed[first]!r} and {name!r} both mount "
                                  f"routes under /{first}",
                                  hint="switch one of them off in [plugins] enabled")
            claimed[first] = name
            out.append(_secured("/", [router], tags=[name], audit=name))
    return out


def openapi_config(d: Deployment) -> OpenAPIConfig:
    from suyuan_core.web.api.meta import _version

    return OpenAPIConfig(
        title=f"suyuan 诉源治理 API ({d.config.core.deployment.name})", version=_version(),
        description="Cases, areas, roster and metrics of a suyuan deployment. Personal data is "
                    "masked unless you hold personal_data.unmask and give a reason (audited).",
        path=SCHEMA_PATH,
        render_plugins=[OfflineDocs(path="/"), ExactJson(path="/openapi.json")],
        components=Components(security_schemes={
            "bearer": SecurityScheme(type="http", scheme="bearer",
                                     description="`suyuan users token NAME`"),
            "session": SecurityScheme(type="apiKey", name=SESSION_COOKIE,
                                      security_scheme_in="cookie",
                                      description="POST /api/v1/auth/login; send X-CSRF-Token "
                                                  "with every change")}),
    )


def create_app(deployment: Deployment, *, debug: bool = False,
               scheduler: bool = False) -> Litestar:
    """The whole HTTP app for one deployment. With ``scheduler`` (what ``suyuan serve`` passes
    when ``[jobs] scheduler = "embedded"``), the app runs the declared jobs in a thread while it
    is up."""
    from suyuan_core.jobs.scheduler import EmbeddedScheduler
    from suyuan_core.web.pages import pages_router, static_router, views

    # the plugins' pages and panels are asked for once, here, not on every render
    pages, panels = views.plugin_pages(deployment), views.panels(deployment)
    core = [api_router(deployment), pages_router(deployment, pages), static_router()]
    roots = root_routers(deployment, first_segments(core))
    ticker = EmbeddedScheduler(deployment) if scheduler else None
    app = Litestar(
        on_startup=[ticker.start] if ticker else [],
        # the reads' audit entries queued in this process are written before it exits
        on_shutdown=[*([ticker.stop] if ticker else []), deployment.audit.flush],
        route_handlers=[*core, *roots],
        state=State({"deployment": deployment, "pages": pages, "panels": panels,
                     "root_prefixes": frozenset(first_segments(roots))}),
        exception_handlers=errors.HANDLERS,
        openapi_config=openapi_config(deployment),
        before_request=guard.check_request,
        request_max_body_size=bounds.MAX_BODY_BYTES,
        debug=debug,
    )
    # outermost, so that litestar's own answers (404, 405, 413) carry the headers too
    app.asgi_handler = guard.SecurityHeaders(app.asgi_handler)
    return app
