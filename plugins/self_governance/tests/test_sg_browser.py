"""The agreement page in a real headless Chromium (Debian's ``/usr/bin/chromium`` driven by
Playwright; no browser download): a mediator signs in, opens the agreement and prints it — on
paper only the document remains (the site's print rules hide the header and navigation), the PDF
carries the agreement, and no request leaves the server."""

from __future__ import annotations

import pytest
from sg_testkit import MEDIATORS, committee_input, new_case, session_input
from suyuan_self_governance.service import service
from test_sg_agreements import agreement_input

from suyuan_core.testing.browser import browser_page, live_server, outside, requires_chromium, sign_in

pytest.importorskip("playwright.sync_api")
pytestmark = requires_chromium
PASSWORD = "browser-test-123"


@pytest.fixture
def server(make_deployment):
    d = make_deployment(plugins=["self_governance"], config={"web": {"secure_cookies": False}})
    sg = service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(committee_input())
    case = new_case(d)
    sg.sessions.record(session_input(case.id), actor="t")
    a = sg.agreements.draft(agreement_input(case.id), actor="t")
    d.accounts.add_user("wang", "王秀英", PASSWORD, actor="t")
    d.accounts.grant("wang", "mediator", "C.T1.C1", actor="t")
    with live_server(d) as base:
        yield base, a.id


def test_a_mediator_prints_an_agreement_in_chromium(server):
    base, agreement_id = server
    with browser_page(base) as (page, requested):
        sign_in(page, base, "wang", PASSWORD, then="/self_governance/agreements")
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
    assert not outside(requested, base)
