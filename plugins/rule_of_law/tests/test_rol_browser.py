"""The advisor's monthly report and lecture compliance in a real headless Chromium (Debian's
``/usr/bin/chromium`` driven by Playwright; no browser download): an official signs in, opens the
coverage page, follows her advisor's report, downloads the XLSX, and no request leaves the
server."""

from __future__ import annotations

import pytest
from rol_testkit import keeper_plugin, people
from suyuan_rule_of_law.advisors import ActivityInput, TermInput
from suyuan_rule_of_law.education import LectureInput
from suyuan_rule_of_law.service import service

from suyuan_core.testing.browser import CHROMIUM, live_server, requires_chromium

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = requires_chromium
PASSWORD = "browser-test-123"


@pytest.fixture
def server(make_deployment):
    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper_plugin()},
                        config={"web": {"secure_cookies": False}})
    people(d)
    rol = service(d)
    rol.advisors.assign(TermInput(advisor="L1", area_code="C.T1.C1", start_on="2026-01-01"))
    rol.advisors.record(ActivityInput(advisor="L1", area_code="C.T1.C1", kind="consultation",
                                      day="2026-03-03", count=5), actor="t")
    rol.education.record(LectureInput(kind="legal_lecture", area_code="C.T1.C1",
                                      held_on="2026-03-05", topic="民法典", attendance=40,
                                      speaker="L1"), actor="t")
    d.accounts.add_user("li", "李干部", PASSWORD, actor="t")
    d.accounts.grant("li", "official", "C.T1", actor="t")
    with live_server(d) as base:
        yield base


def test_an_official_reads_the_advisors_monthly_report_in_chromium(server):
    base = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                accept_downloads=True)
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{base}/rule_of_law/advisors?month=2026-03")
        page.fill("input[name=username]", "li")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/rule_of_law/advisors?month=2026-03")
        assert page.locator("tr[data-state=covered]").count() == 1
        assert page.locator("tr[data-state=none]").count() == 1
        page.click("tr[data-state=covered] a")
        page.wait_for_url(f"{base}/rule_of_law/advisors?advisor=L1&month=2026-03")
        table = page.locator("table.rol-report")
        assert "张律师" in page.inner_text("body")
        assert table.locator("tfoot th").all_inner_texts() == ["合计", "5", "0", "0", "1", "6"] \
            or table.locator("tfoot th").all_inner_texts()[1:] == ["5", "0", "0", "1", "6"]
        with page.expect_download() as info:
            page.click("a[download]")
        assert info.value.suggested_filename == "advisor-L1-2026-03.xlsx"
        page.goto(f"{base}/rule_of_law/lectures?month=2026-03")
        short = page.locator("table.rol-short tbody tr")
        assert short.count() == 2  # C1 held one of two, C2 none
        browser.close()
    assert all(u.startswith(base) for u in requested), [u for u in requested
                                                        if not u.startswith(base)]
