"""The ledger page in a real headless Chromium (Debian's ``/usr/bin/chromium`` driven by
Playwright; no browser download), as the county bureau uses it every week: sign in, the overdue
issues first, filter to the overdue ones of one unit, download the XLSX of what is shown, open an
issue, and print — on paper the filters and buttons are gone and the table stays; no request
leaves the server."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cg_testkit import CONFIG, UNITS, close_input, register_input
from openpyxl import load_workbook
from suyuan_co_governance.common import today
from suyuan_co_governance.service import service

from suyuan_core.testing.browser import browser_page, live_server, outside, requires_chromium, sign_in

pytest.importorskip("playwright.sync_api")
pytestmark = requires_chromium
PASSWORD = "browser-test-123"


@pytest.fixture
def server(make_deployment):
    d = make_deployment(plugins=["co_governance"],
                        config={**CONFIG, "web": {"secure_cookies": False}})
    cg = service(d)
    cg.forces.save_orgs(UNITS)
    day = today(d)
    for subject, days, unit in (("晚五天", -5, "U-GZ"), ("晚十天", -10, "U-GZ"),
                                ("镇里未到期", 30, "U-T1"), ("镇里逾期", -2, "U-T1")):
        cg.ledger.register(register_input(subject=subject, unit=unit, deadline=(
            day + dt.timedelta(days=days)).isoformat()), actor="t")
    done, _ = cg.ledger.register(register_input(subject="已销号"), actor="t")
    cg.ledger.close_out(done.id, close_input(), actor="t")
    d.accounts.add_user("bureau", "县规划和自然资源局", PASSWORD, actor="t")
    d.accounts.grant("bureau", "official", "C", actor="t")
    with live_server(d) as base:
        yield base


def _subjects(page):
    return [page.locator(f"#ledger-table tbody tr >> nth={i} >> td >> nth=2").inner_text()
            for i in range(page.locator("#ledger-table tbody tr").count())]


def test_the_county_bureau_works_the_ledger_in_chromium(server):
    base = server
    with browser_page(base) as (page, requested):
        sign_in(page, base, "bureau", PASSWORD, then="/co_governance/ledger")
        assert page.locator("h1").inner_text() == "征地拆迁台账"
        assert _subjects(page) == ["晚十天", "晚五天", "镇里逾期", "镇里未到期", "已销号"]
        assert page.locator("#ledger-table tr.overdue").count() == 3
        assert "逾期 10 天" in page.locator("#ledger-table tbody tr >> nth=0").inner_text()
        overdue = page.locator('[data-figure="overdue"] .value').inner_text()
        assert overdue == "3"

        page.select_option("select[name=unit]", "U-GZ")
        page.check("input[name=overdue]")
        page.click("#ledger-filters button[type=submit]")
        page.wait_for_url("**/co_governance/ledger?*unit=U-GZ*")
        assert _subjects(page) == ["晚十天", "晚五天"]

        with page.expect_download() as info:
            page.click("#ledger-export")
        with open(info.value.path(), "rb") as fh:
            data = fh.read()
        rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
        assert [r[2] for r in rows[1:]] == ["晚十天", "晚五天"]

        page.evaluate("""window.print = function () { window.printed += 1; };
                         window.printed = 0;""")
        page.click("#ledger-print")
        # the button is wired (by ledger.js: no inline script) and prints once per click
        assert page.evaluate("window.printed") == 1

        page.emulate_media(media="print")
        assert not page.locator("#ledger-filters").is_visible()
        assert not page.locator("#ledger-print").is_visible()
        assert not page.locator("header.top").is_visible()
        assert page.locator("#ledger-table").is_visible()
        pdf = page.pdf(format="A4", landscape=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 5000
        page.emulate_media(media="screen")

        page.click("#ledger-table tbody tr >> nth=0 >> a")
        page.wait_for_url("**/co_governance/ledger?id=*")
        assert "挂号" in page.locator("table").last.inner_text()
        # the people affected are masked by declaration on the page as in the API
        shown = page.locator("main").inner_text()
        assert "刘**" in shown and "刘大妈" not in shown
    assert f"{base}/api/v1/co_governance/assets/ledger.css" in requested
    assert not outside(requested, base)
