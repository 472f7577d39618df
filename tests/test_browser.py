"""The pages in a real headless Chromium (Debian's ``/usr/bin/chromium`` driven by Playwright; no
browser download): sign in, create a case, move it through its lifecycle, watch the dashboard
figure change and drill down to the case — and prove no page asks anything of another server."""

from __future__ import annotations

import re

import pytest

from suyuan_core.accounts import DEMO_PASSWORD, ensure_demo_users
from suyuan_core.testing.browser import browser_page, live_server, outside, requires_chromium, sign_in

pytest.importorskip("playwright.sync_api")
pytestmark = requires_chromium


@pytest.fixture
def server(make_deployment):
    # Plain HTTP on 127.0.0.1 in the test, so the cookie may not be Secure.
    d = make_deployment(config={"web": {"secure_cookies": False}})
    ensure_demo_users(d)
    with live_server(d) as base:
        yield base, d


def figure(page, metric: str) -> int:
    text = page.locator(f'a.figure[data-metric="{metric}"] .value').inner_text()
    return int(text)


def test_official_works_a_case_end_to_end_in_chromium(server):
    base, _ = server
    with browser_page(base) as (page, requested):
        page.goto(f"{base}/")
        assert "/login" in page.url
        sign_in(page, base, "admin", DEMO_PASSWORD)
        assert page.locator("h1").inner_text() == "我的工作"

        page.goto(f"{base}/dashboard?area=C")
        closed_before = figure(page, "cases_closed")

        page.click("text=登记案件")
        page.fill("input[name=title]", "浏览器测试：宅基地边界纠纷")
        page.select_option("select[name=area_code]", "C.T1.C1.G1")
        page.select_option("select[name=category]", "neighbour")
        page.fill("input[name=party_name]", "王小二")
        page.fill("input[name=party_phone]", "13912345678")
        page.click("button[type=submit].primary")
        page.wait_for_url(re.compile(r".*/cases/\d+$"))
        case_url = page.url
        assert "王*" in page.content() and "13912345678" not in page.content()

        for action in ("accept", "assign", "start", "resolve", "close"):
            form = page.locator(f'form.action:has(button[data-action="{action}"])')
            if action == "assign":
                form.locator("input[name=assignees]").fill("person:M0001")
            form.locator("button").click()
            page.wait_for_url(case_url)
        assert page.locator("#case-status").inner_text() == "办结"

        page.goto(f"{base}/dashboard?area=C")
        assert figure(page, "cases_closed") == closed_before + 1
        assert page.locator("svg.chart").count() >= 2
        page.click('a.figure[data-metric="cases_closed"]')
        page.wait_for_load_state()
        assert "浏览器测试：宅基地边界纠纷" in page.content()
        page.click("text=浏览器测试：宅基地边界纠纷")
        page.wait_for_url(case_url)

        page.click("text=English")
        page.wait_for_load_state()
        assert "Timeline" in page.content()
    assert not outside(requested, base)
