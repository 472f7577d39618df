"""Plugins mount routes under /api/v1/<plugin>/ (same OpenAPI document, same authentication and
authorisation) and declare sensitive case fields that every output masks."""

from __future__ import annotations

import types
from typing import Any

import pytest
from litestar import get
from litestar.di import NamedDependency

from suyuan_core import Permission, PluginSpec, Principal, Role, SensitiveField, hookimpl, tables

API = "/api/v1"


def make_plugin() -> types.ModuleType:
    mod = types.ModuleType("suyuan_route_demo")
    mod.plugin = PluginSpec(label=("路由示例", "Route demo"))

    @get("/hello", opt={"permission": "route_demo.read"}, sync_to_thread=False,
         summary="A plugin's own route")
    def hello(principal: NamedDependency[Principal]) -> dict[str, Any]:
        return {"hello": principal.username}

    @hookimpl
    def suyuan_register_permissions():
        return [Permission("route_demo.read", ("示例读取", "Read the demo"))]

    @hookimpl
    def suyuan_register_roles():
        return [Role("demo_reader", ("示例读者", "Demo reader"),
                     permissions={"route_demo.read", "cases.read"})]

    @hookimpl
    def suyuan_register_routes():
        return [hello]

    @hookimpl
    def suyuan_register_sensitive_fields():
        return [SensitiveField("guardian.phone", "phone"), SensitiveField("record", "hidden")]

    for name, value in list(locals().items()):
        if name.startswith("suyuan_"):
            setattr(mod, name, value)
    return mod


def test_plugin_routes_share_openapi_and_auth(make_deployment):
    from suyuan_core.testing.http import ApiClient

    d = make_deployment(extra_plugins={"route_demo": make_plugin()})
    with ApiClient(d) as api:
        doc = api.get(f"{API}/schema/openapi.json").json()
        assert f"{API}/route_demo/hello" in doc["paths"]
        assert api.get(f"{API}/route_demo/hello").status_code == 401
        other = api.as_role("mediator", "C")
        r = api.get(f"{API}/route_demo/hello", headers=other)
        assert r.status_code == 403 and r.json()["rule"] == "route_demo.read"
        reader = api.as_role("demo_reader", "C", username="reader")
        assert api.get(f"{API}/route_demo/hello", headers=reader).json() == {"hello": "reader"}


def test_plugin_sensitive_fields_are_masked(make_deployment):
    from suyuan_core import NewCase
    from suyuan_core.testing.http import ApiClient

    d = make_deployment(extra_plugins={"route_demo": make_plugin()})
    case = d.cases.create(NewCase(title="监护纠纷", category="neighbour", source="walk_in",
                                  area_code="C.T1.C1", data={"guardian": {"phone": "13512345678"},
                                                             "record": "前科记录", "other": "ok"}),
                          actor="t")
    with ApiClient(d) as api:
        h = api.as_role("supervisor", "C")
        data = api.get(f"{API}/cases/{case.id}", headers=h).json()["case"]["data"]
        assert data == {"guardian": {"phone": "135****5678"}, "record": "***", "other": "ok"}
        timeline = api.get(f"{API}/cases/{case.id}", headers=h).json()["timeline"]
        assert timeline[0]["data"]["case_data"]["record"] == "***"
        shown = api.get(f"{API}/cases/{case.id}", params={"unmask": "true", "reason": "核实监护人"},
                        headers=h).json()["case"]["data"]
        assert shown["record"] == "前科记录"
    assert d.case_query is not None


def signed_plugin() -> types.ModuleType:
    """A plugin with a machine-to-machine webhook: verified by an HMAC, not a user token."""
    import hashlib
    import hmac

    from litestar import Request, Router, post

    from suyuan_core import SIGNED_BY, NewCase, NotAuthenticated, PermissionDenied

    mod = types.ModuleType("suyuan_signed_demo")
    mod.plugin = PluginSpec(label=("签名示例", "Signed demo"))

    def verify(deployment, headers, body: bytes) -> str:
        if headers.get("x-sender") == "blocked":
            raise PermissionDenied("this sender is blocked", field="x-sender", rule="allowed")
        sent = headers.get("x-signature", "")
        want = hmac.new(b"k", body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(sent, want):
            raise NotAuthenticated("bad signature", field="x-signature", rule="hmac")
        return "" if headers.get("x-sender") == "nobody" else f"hook:{headers.get('x-sender')}"

    @post("/hook", opt={SIGNED_BY: verify}, status_code=201)
    async def hook(request: Request, deployment: NamedDependency[Any],
                   signer: NamedDependency[str]) -> dict[str, Any]:
        body = await request.body()
        case = deployment.cases.create(NewCase(
            title=body.decode(), category="neighbour", source="walk_in", area_code="C.T1.C1"),
            actor=signer)
        return {"case": case.id, "signer": signer}

    @hookimpl
    def suyuan_register_routes():
        return [hook]

    @hookimpl
    def suyuan_register_root_routes():
        return [Router(path="/signed-std", route_handlers=[hook])]

    mod.suyuan_register_routes = suyuan_register_routes
    mod.suyuan_register_root_routes = suyuan_register_root_routes
    return mod


@pytest.mark.parametrize("path", [f"{API}/signed_demo/hook", "/signed-std/hook"])
def test_signed_routes_are_verified_before_the_handler(make_deployment, path):
    import hashlib
    import hmac

    from sqlalchemy import func, select

    from suyuan_core.testing.http import ApiClient

    d = make_deployment(extra_plugins={"signed_demo": signed_plugin()})

    def cases() -> int:
        with d.reading() as s:
            return s.scalar(select(func.count()).select_from(tables.cases))

    body = "路灯坏了".encode()
    good = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    with ApiClient(d) as api:
        doc = api.get(f"{API}/schema/openapi.json").json()
        assert path in doc["paths"]
        for headers, status, rule in [({}, 401, "hmac"),
                                      ({"x-signature": "0" * 64, "x-sender": "a"}, 401, "hmac"),
                                      ({"x-signature": good, "x-sender": "blocked"}, 403, "allowed"),
                                      ({"x-signature": good, "x-sender": "nobody"}, 401, "signed")]:
            r = api.post(path, content=body, headers=headers)
            assert r.status_code == status and r.json()["rule"] == rule, r.text
        # a user's token is no substitute for the signature
        r = api.post(path, content=body, headers=api.as_role("supervisor", "C"))
        assert r.status_code == 401
        assert cases() == 0
        r = api.post(path, content=body, headers={"x-signature": good, "x-sender": "hotline"})
        assert r.status_code == 201 and r.json()["signer"] == "hook:hotline"
        assert cases() == 1
        assert d.cases.get(r.json()["case"]).title == "路灯坏了"


def test_panels_and_pages_get_the_arguments_they_ask_for(make_deployment):
    from suyuan_core import DashboardPanel, Page
    from suyuan_core.testing.http import ApiClient

    mod = types.ModuleType("suyuan_panel_demo")
    mod.plugin = PluginSpec(label=("面板示例", "Panel demo"))

    def panel(area_code, lang):  # a subset of what is offered
        return f"<p id='demo-panel'>{area_code}/{lang}</p>"

    def page(**offered):  # everything
        return f"<p id='demo-page'>{sorted(offered)}</p>"

    calls: list[str] = []

    def suyuan_register_pages():
        calls.append("pages")
        return [Page("all", ("全部", "All"), page)]

    def suyuan_register_dashboard_panels():
        calls.append("panels")
        return [DashboardPanel("demo", ("示例", "Demo"), panel)]

    mod.suyuan_register_pages = hookimpl(suyuan_register_pages)
    mod.suyuan_register_dashboard_panels = hookimpl(suyuan_register_dashboard_panels)
    d = make_deployment(extra_plugins={"panel_demo": mod})
    d.accounts.add_user("boss", "Boss", "boss-password-1", actor="t")
    d.accounts.grant("boss", "supervisor", "C", actor="t")
    with ApiClient(d, base_url="https://testserver.local") as site:
        site.post("/login", data={"username": "boss", "password": "boss-password-1"})
        site.cookies.set("suyuan_lang", "en")
        assert "<p id='demo-panel'>C/en</p>" in site.get("/dashboard?area=C").text
        assert "<p id='demo-page'>['deployment', 'lang', 'principal', 'query']</p>" in \
            site.get("/panel_demo/all").text
        site.get("/dashboard?area=C")
    # asked once, when the app was built: not per page render, not twice per dashboard
    assert sorted(calls) == ["pages", "panels"]


def test_a_panel_returned_as_a_page_is_one_line_naming_the_hook(make_deployment):
    from suyuan_core import DashboardPanel, PluginError
    from suyuan_core.web import create_app

    mod = types.ModuleType("suyuan_old_pages")
    mod.plugin = PluginSpec(label=("旧", "Old"))
    mod.suyuan_register_pages = hookimpl(
        lambda: [DashboardPanel("demo", ("示例", "Demo"), lambda: "")])
    d = make_deployment(extra_plugins={"old": mod})
    with pytest.raises(PluginError, match=r"plugin 'old': suyuan_register_pages returned a "
                                          r"DashboardPanel.*suyuan_register_dashboard_panels"):
        create_app(d)


def test_a_page_submit_returning_markup_is_shown_without_a_redirect(make_deployment):
    """What must not travel in a URL (a record unmasked for a reason in the form's body) is the
    POST's own response; a plain URL still redirects (303)."""
    import re

    from markupsafe import Markup

    from suyuan_core import Page
    from suyuan_core.testing.http import ApiClient

    mod = types.ModuleType("suyuan_form_demo")
    mod.plugin = PluginSpec(label=("表单示例", "Form demo"))

    def render(principal):
        return (f"<form method='post'><input name='csrf_token' value='{principal.csrf_token}'>"
                "</form>")

    def submit(form):
        if form.get("op") == "show":
            return Markup("<p id='shown'>{}</p>").format(form.get("reason", ""))
        return "/form_demo/page?done=1"

    mod.suyuan_register_pages = hookimpl(lambda: [Page("page", ("表单", "Form"), render,
                                                       submit=submit)])
    d = make_deployment(extra_plugins={"form_demo": mod})
    d.accounts.add_user("boss", "Boss", "boss-password-1", actor="t")
    d.accounts.grant("boss", "supervisor", "C", actor="t")
    with ApiClient(d, base_url="https://testserver.local") as site:
        site.post("/login", data={"username": "boss", "password": "boss-password-1"})
        token = re.search(r"name='csrf_token' value='([^']+)'",
                          site.get("/form_demo/page").text).group(1)
        r = site.post("/form_demo/page", data={"csrf_token": token, "op": "show",
                                               "reason": "<核实>"}, follow_redirects=False)
        assert r.status_code == 200 and "<p id='shown'>&lt;核实&gt;</p>" in r.text
        assert "<!doctype html>" in r.text.lower()  # inside the site's layout
        r = site.post("/form_demo/page", data={"csrf_token": token, "op": "save"},
                      follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/form_demo/page?done=1"
