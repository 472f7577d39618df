"""Every response carries the security headers (issue 14 point 7), and the audit log records
the client address, believing X-Forwarded-For only from configured proxies."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from suyuan_core.testing.factories import Factories
from suyuan_core.web import create_app
from suyuan_core.web.server import banner


def _check(r: Any, *, personal: bool, tls: bool) -> None:
    h = r.headers
    assert h["x-content-type-options"] == "nosniff", r.url
    assert h["referrer-policy"] == "same-origin"
    assert h["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    if personal:
        assert h["cache-control"] == "no-store", r.url
    if tls:
        assert h["strict-transport-security"].startswith("max-age=")
    else:
        assert "strict-transport-security" not in h


@pytest.mark.parametrize("tls", [True, False])
def test_every_kind_of_response_carries_the_headers(make_deployment: Any, tls: bool) -> None:
    from suyuan_core.accounts import DEMO_PASSWORD, ensure_demo_users

    d = make_deployment(plugins=["self_governance", "smart"],
                        config={"web": {"secure_cookies": tls}})
    ensure_demo_users(d)
    case = Factories(d).case()
    base = "https://testserver.local" if tls else "http://testserver.local"
    with TestClient(create_app(d), base_url=base) as c:
        r = c.post("/login", data={"username": "admin", "password": DEMO_PASSWORD},
                   follow_redirects=False)
        _check(r, personal=True, tls=tls)
        pages = ["/", f"/cases/{case.id}", "/dashboard", "/admin/audit", "/cases/abc",
                 "/no-such-page"]
        api = [f"/api/v1/cases/{case.id}", "/api/v1/cases", "/api/v1/health",
               "/api/v1/schema/openapi.json", "/api/v1/nope", "/open311/v2/services.json"]
        for url in pages + api:
            _check(c.get(url), personal=True, tls=tls)
        static = c.get("/static/style.css")
        assert static.status_code == 200
        _check(static, personal=False, tls=tls)
        assert static.headers.get("cache-control") != "no-store"  # no personal data there
        # a 405 and a 413 that litestar answers itself
        _check(c.put("/api/v1/health"), personal=True, tls=tls)
        _check(c.post("/api/v1/cases", content=b"x" * 2_000_000,
                      headers={"content-type": "application/json"}), personal=True, tls=tls)


def test_print_view_carries_the_headers(make_deployment: Any) -> None:
    d = make_deployment(plugins=["self_governance"])
    from suyuan_core.testing.http import ApiClient

    with ApiClient(d) as api:
        h = api.as_role("admin", "C")
        r = api.get("/api/v1/self_governance/agreements/1/print", headers=h)
        _check(r, personal=True, tls=False)


def test_serve_warns_about_secure_cookies_on_a_network_address(deployment: Any) -> None:
    for host in ("0.0.0.0", "192.168.1.5", "::"):
        lines = banner(deployment, host, 8000)
        warning = [ln for ln in lines if "WARNING" in ln]
        assert warning, host
        assert "Secure" in warning[0] and "secure_cookies = false" in warning[0]
        assert "--ssl-certfile" in warning[0]
    assert not any("WARNING" in ln for ln in banner(deployment, "127.0.0.1", 8000))
    assert not any("WARNING" in ln for ln in banner(deployment, "0.0.0.0", 8000, tls=True))


def test_audit_rows_carry_the_client_address_and_forwarded_for_only_from_proxies(
        make_deployment: Any) -> None:
    d = make_deployment(config={"web": {"trusted_proxies": ["10.0.0.0/8"]}})
    case = Factories(d).case()
    from suyuan_core.testing.http import ApiClient

    with ApiClient(d) as api:
        h = api.as_role("mediator", "C")
        # the test client's peer is "testclient" (not an address), so not a trusted proxy
        api.get(f"/api/v1/cases/{case.id}", headers={**h, "X-Forwarded-For": "1.2.3.4"})
    entries = d.audit.search(record=f"case:{case.id}", action="case.read")
    assert entries and entries[0].ip == "testclient"  # the forged header was not believed


def test_client_address_rules() -> None:
    from suyuan_core.web.addresses import client_address

    def scope(peer: str, xff: str | None) -> dict[str, Any]:
        headers = [(b"x-forwarded-for", xff.encode())] if xff else []
        return {"client": (peer, 1234), "headers": headers}

    proxies = ["10.0.0.5", "10.1.0.0/16"]
    assert client_address(scope("8.8.8.8", "1.2.3.4"), proxies) == "8.8.8.8"
    assert client_address(scope("10.0.0.5", "1.2.3.4"), proxies) == "1.2.3.4"
    # the client put a fake address first; the proxy appended the real one
    assert client_address(scope("10.0.0.5", "6.6.6.6, 1.2.3.4"), proxies) == "1.2.3.4"
    assert client_address(scope("10.0.0.5", "1.2.3.4, 10.1.2.3"), proxies) == "1.2.3.4"
    assert client_address(scope("10.0.0.5", "not-an-ip"), proxies) == "10.0.0.5"
    assert client_address(scope("10.0.0.5", "1.2.3.4"), []) == "10.0.0.5"


def test_cli_audit_rows_say_local(deployment: Any) -> None:
    deployment.accounts.add_user("someone", "Someone", None, actor="cli")
    entries = deployment.audit.search(action="user.add")
    assert entries[0].ip == "local"
