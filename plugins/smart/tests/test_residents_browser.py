"""The residents' page in a real headless Chromium on a phone-sized screen with JavaScript
switched off: a resident picks the category, writes what happened, taps the map, attaches a
photo and files; gets the tracking code; the desk moves the order to closed; the resident sees
every update and rates the result, and the satisfaction figure counts it. Nothing is fetched
from anywhere but the deployment itself."""

from __future__ import annotations

import re

from test_residents import LIFECYCLE, TZ, photo, placed

from suyuan_core import parse_period
from suyuan_core.testing.browser import browser_page, outside, requires_chromium
from suyuan_core.testing.servers import app_server

pytestmark = requires_chromium
PHONE = (390, 844)


def test_a_resident_files_follows_and_rates_on_a_phone_without_javascript(make_deployment,
                                                                          tmp_path):
    d = placed(make_deployment)
    picture = tmp_path / "lamp.jpg"
    picture.write_bytes(photo(size=(400, 300)))
    with app_server(d) as base, browser_page(base, viewport=PHONE, javascript=False,
                                             mobile=True) as (page, requested):
        page.goto(f"{base}/residents")
        assert page.locator("h1").inner_text() == "提交诉求"
        page.select_option("select[name=category]", "urban_management")
        page.fill("textarea[name=text]", "小区门口路灯不亮一周了")
        page.fill("input[name=name]", "王小明")
        page.click("input.map", position={"x": 80, "y": 30})  # a tap on the map: no script
        page.wait_for_url(f"{base}/residents/point")
        lat = float(page.input_value("input[name=lat]"))
        assert 30.35 < lat < 30.5 and page.input_value("textarea[name=text]").startswith("小区")
        page.set_input_files("input[name=photo]", str(picture))
        box = page.locator("form.appeal").bounding_box()
        assert box is not None and box["width"] <= PHONE[0]  # fits the phone's width
        page.click("button.send")
        page.wait_for_url(re.compile(r".*/residents/track\?code=.*"))
        code = page.inner_text("#code")
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
        assert page.inner_text("#status") == "已登记"
        assert page.locator("img.photo").count() == 1

        case_id = int(d.audit.search(action="smart.residents.file")[0].record.split(":")[1])
        for action in LIFECYCLE:  # the desk works the order to its end
            extra = {"assignees": ["organisation:CG"]} if action == "assign" else {}
            d.cases.act(case_id, action, actor="user:desk", data=extra)

        page.goto(f"{base}/residents/track")
        page.fill("input[name=code]", code.lower().replace("-", ""))
        page.click("button[type=submit]")
        assert page.inner_text("#status") == "已结案"
        updates = page.locator("ol.updates li").all_inner_texts()
        assert len(updates) == 6 and "已结案" in updates[-1]
        page.check("input[value=satisfied]")
        page.click("form.rate button")
        assert "满意" in page.inner_text("#rated")
        assert page.locator("form.rate").count() == 0  # once
        assert not outside(requested, base)

    callback = [e for e in d.cases.timeline(case_id) if e.kind == "callback"]
    assert [e.data["satisfaction"] for e in callback] == ["satisfied"]
    period = parse_period(callback[0].occurred_at.astimezone(TZ).strftime("%Y-%m"))
    figure = d.metric_service.figure("satisfaction_rate", "C", period)
    assert (figure.numerator, figure.denominator) == (1, 1)
    assert d.metric_service.drill("satisfaction_rate", "C", period) == [case_id]
