"""The register page in a real headless Chromium (Debian's ``/usr/bin/chromium`` through
Playwright; no browser download): a correction officer signs in, sees the record masked, tries to
unmask without a reason (refused, still masked), gives one (unmasked, audited); nothing is fetched
from outside the server."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
from suyuan_virtue.registers import Registers
from vt_testkit import PLAIN, access, correction, deployment_with_keys

CHROMIUM = os.environ.get("SUYUAN_CHROMIUM", "/usr/bin/chromium")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM)
                                and not os.environ.get("SUYUAN_REQUIRE_BROWSER"),
                                reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
PASSWORD = "browser-test-123"


@pytest.fixture
def server(make_deployment, tmp_path):
    import uvicorn

    from suyuan_core.testing.http import ApiClient

    d = deployment_with_keys(make_deployment, tmp_path,
                             config={"web": {"secure_cookies": False}})
    rec = Registers(d).add(access(d, "seed", ("correction_officer", "C")), correction())
    d.accounts.add_user("sfs", "司法所", PASSWORD, actor="t")
    d.accounts.grant("sfs", "correction_officer", "C.T1", actor="t")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(ApiClient(d).app, host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", rec, d
    srv.should_exit = True
    thread.join(timeout=10)


def test_an_officer_unmasks_a_record_only_with_a_reason_in_chromium(server):
    base, rec, d = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{base}/virtue/registers")
        page.fill("input[name=username]", "sfs")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/virtue/registers")
        row = page.locator(f'tr[data-record="{rec}"]')
        assert "王**" in row.inner_text() and PLAIN["name"] not in page.content()
        row.locator("a").first.click()
        page.wait_for_load_state()
        assert page.locator("dd[data-field=id_number]").inner_text() == "510***********1234"
        page.click("form.unmask button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("[data-refused=required]").is_visible()
        assert page.locator("dl.record").get_attribute("data-masked") == "yes"
        page.fill("form.unmask input[name=reason]", "核实本月报到情况")
        page.click("form.unmask button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("dl.record").get_attribute("data-masked") == "no"
        assert page.locator("dd[data-field=id_number]").inner_text() == PLAIN["id_number"]
        page.click("text=恢复脱敏")
        page.wait_for_load_state()
        assert page.locator("dl.record").get_attribute("data-masked") == "yes"
        browser.close()
    outside = [u for u in requested if not u.startswith(base)]
    assert requested and not outside, outside
    unmasks = [e for e in d.audit.search(limit=100) if e.action == "virtue.register.unmask"]
    assert [e.reason for e in unmasks] == ["核实本月报到情况"]
