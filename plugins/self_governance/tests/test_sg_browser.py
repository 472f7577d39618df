"""The agreement page in a real headless Chromium (Debian's ``/usr/bin/chromium`` driven by
Playwright; no browser download): a mediator signs in, opens the agreement and prints it — on
paper only the document remains (the site's print rules hide the header and navigation), the PDF
carries the agreement, and no request leaves the server."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
from sg_testkit import MEDIATORS, committee_input, new_case, session_input
from suyuan_self_governance.service import service
from test_sg_agreements import agreement_input

CHROMIUM = os.environ.get("SUYUAN_CHROMIUM", "/usr/bin/chromium")
playwright = pytest.importorskip("playwright.sync_api")
# CI sets SUYUAN_REQUIRE_BROWSER=1: there a missing Chromium fails instead of skipping quietly.
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM)
                                and not os.environ.get("SUYUAN_REQUIRE_BROWSER"),
                                reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
PASSWORD = "browser-test-123"


@pytest.fixture
def server(make_deployment):
    import uvicorn

    from suyuan_core.testing.http import ApiClient

    d = make_deployment(plugins=["self_governance"], config={"web": {"secure_cookies": False}})
    sg = service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(committee_input())
    case = new_case(d)
    sg.sessions.record(session_input(case.id), actor="t")
    a = sg.agreements.draft(agreement_input(case.id), actor="t")
    d.accounts.add_user("wang", "王秀英", PASSWORD, actor="t")
    d.accounts.grant("wang", "mediator", "C.T1.C1", actor="t")
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
    yield f"http://127.0.0.1:{port}", a.id
    srv.should_exit = True
    thread.join(timeout=10)


def test_a_mediator_prints_an_agreement_in_chromium(server):
    base, agreement_id = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{base}/self_governance/agreements")
        page.fill("input[name=username]", "wang")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/self_governance/agreements")
        page.click(f'tr[data-agreement="{agreement_id}"] a >> nth=0')
        page.wait_for_url(f"{base}/self_governance/agreements?id={agreement_id}")
        assert page.locator("#agreement h2").inner_text() == "人民调解协议书"
        assert "刘大妈" in page.locator("#agreement").inner_text()
        assert page.locator("#agreement-missing").is_visible()  # not signed yet

        page.emulate_media(media="print")
        assert not page.locator("header.top").is_visible()
        assert not page.locator("nav.sub").is_visible()
        assert not page.locator("#agreement-missing").is_visible()  # a note for the screen only
        assert page.locator("#agreement").is_visible()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 5000

        page.emulate_media(media="screen")
        page.click("text=打印版")
        page.wait_for_load_state()
        assert "人民调解协议书" in page.locator("h1").inner_text()
        browser.close()
    outside = [u for u in requested if not u.startswith(base)]
    assert requested and not outside, outside
