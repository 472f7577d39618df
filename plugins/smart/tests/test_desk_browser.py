"""The 12345 desk in a real headless Chromium (Debian's ``/usr/bin/chromium`` driven by
Playwright; no browser download), as a county runs it: the hotline centre confirms the
classification and dispatches to a lead and a co-handling unit; the unit, told in its inbox, signs
for the order in its own queue (the working-day countdown in view) and replies; the centre sees the
reply on the order; the callback team records a dissatisfied callback and the order reopens. A
unit's account that tries to sign for another unit's order is refused, naming the rule. Every
label on the way is Chinese, and no page asks anything of another server."""

from __future__ import annotations

import re

import pytest
from conftest import CONFIG

from suyuan_core import NewCase, Party
from suyuan_core.testing.browser import browser_page, live_server, outside, requires_chromium, sign_in

pytest.importorskip("playwright.sync_api")
pytestmark = requires_chromium
PASSWORD = "desk-browser-1234"
#: English words that must not show on the Chinese pages (labels, roles, categories, units)
ENGLISH = re.compile(r"\b(caller|applicant|respondent|urban_management|labour|Lead|"
                     r"Co-handling|working days|Signed|Dispatch|Reply|Satisfaction)\b")


@pytest.fixture
def server(make_deployment):
    d = make_deployment(plugins=["smart"], config={**CONFIG, "web": {"secure_cookies": False}})
    for username, role, acts in (("centre", "hotline_dispatcher", None),
                                 ("t1", "unit_handler", "organisation:T1"),
                                 ("cg", "unit_handler", "organisation:CG"),
                                 ("cb", "callback_operator", None)):
        d.accounts.add_user(username, f"演示{username}", PASSWORD, acts_for=acts, actor="t")
        d.accounts.grant(username, role, "C", actor="t")
    lamp = d.cases.create(NewCase(
        title="路灯不亮", description="小区门口路灯坏了一周，晚上出行不安全",
        category="urban_management", source="hotline_12345", area_code="C.T1.C1",
        parties=[Party(name="张三丰", role="caller", phone="13812345678")]), actor="t")
    wages = d.cases.create(NewCase(
        title="拖欠工资", description="工地老板拖欠工资三个月", category="labour",
        source="hotline_12345", area_code="C.T2.C1",
        parties=[Party(name="李四", role="caller", phone="13900001111")]), actor="t")
    with live_server(d) as base:
        yield base, d, lamp.id, wages.id


def chinese(page) -> str:
    """The page's visible text; fails on any English label left on a Chinese page."""
    text = page.locator("main").inner_text()
    found = ENGLISH.findall(text)
    assert not found, f"English on a Chinese page ({page.url}): {found}"
    return text


def sign_out(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/")


def test_the_12345_loop_in_chromium(server):
    base, d, lamp, wages = server
    with browser_page(base) as (page, requested):
        # the hotline centre: confirm the classification, dispatch to T1 with CG co-handling
        sign_in(page, base, "centre", PASSWORD, then="/smart/desk")
        assert page.locator("h1").inner_text() == "热线派单台"
        desk = chinese(page)
        assert "待派工单 (2)" in desk and "路灯不亮" in desk
        row = page.locator("#incoming ~ table tr", has_text="路灯不亮")
        assert "城市管理" in row.locator("select[name=category]").inner_text()
        row.locator("select[name=category]").select_option("urban_management")
        row.locator("form:has(input[name=op][value=confirm]) button").click()
        page.wait_for_url(f"{base}/smart/desk")
        assert d.cases.get(lamp).data.get("category_confirmed") or any(
            e.kind == "smart.category_confirmed" for e in d.cases.timeline(lamp))
        form = page.locator(f"form[data-dispatch='{lamp}']")
        form.locator("select[name=lead]").select_option("T1")
        form.locator("select[name=co]").select_option(["CG"])
        form.locator("button").click()
        page.wait_for_url(f"{base}/smart/order?id={lamp}")
        units = page.locator("#units").inner_text()
        assert "主办: 第1镇政府" in units and "协办单位: 县城管局" in units
        # the other order goes to T2 alone
        page.goto(f"{base}/smart/desk")
        form = page.locator(f"form[data-dispatch='{wages}']")
        form.locator("select[name=lead]").select_option("T2")
        form.locator("button").click()
        page.wait_for_url(f"{base}/smart/order?id={wages}")
        sign_out(page, base)

        # the lead unit: told in its inbox, its own queue with the countdown, sign for, reply
        sign_in(page, base, "t1", PASSWORD, then="/inbox")
        assert "新派单" in page.locator("main").inner_text()
        assert "路灯不亮" in page.locator("main").inner_text()
        page.goto(f"{base}/smart/unit")
        queue = chinese(page)
        assert "拖欠工资" not in queue  # T2's order is not in T1's queue
        card = page.locator(f"section.card[data-case='{lamp}']")
        assert re.search(r"剩余 [\d.]+ 个工作日", card.inner_text())
        assert "主办" in card.inner_text()
        assert page.locator("#unsigned ~ section.card[data-case]").count() >= 1
        card.locator("button[value=sign]").click()
        page.wait_for_url(f"{base}/smart/unit")
        card = page.locator(f"section.card[data-case='{lamp}']")
        assert "已签收" in card.inner_text()
        card.locator("input[name=text]").fill("已更换路灯灯泡")
        card.locator("select[name=resolved]").select_option("1")
        card.locator("button[value=reply]").click()
        page.wait_for_url(f"{base}/smart/unit")
        assert d.cases.get(lamp).status.value == "resolved"
        sign_out(page, base)

        # a unit's account may not sign for another unit's order: refused, naming the rule
        sign_in(page, base, "cg", PASSWORD, then="/smart/unit")
        token = page.locator("input[name=csrf_token]").first.get_attribute("value")
        before = len(d.cases.timeline(wages))
        answer = page.request.post(f"{base}/smart/unit", headers={"Accept": "text/html"},
                                   form={"csrf_token": token, "op": "sign",
                                         "case": str(wages)}, max_redirects=0)
        assert answer.status == 403
        body = answer.text()
        assert "工单未派给你的单位" in body and "acts_for_unit" in body
        assert len(d.cases.timeline(wages)) == before
        sign_out(page, base)

        # the centre sees the reply on the order
        sign_in(page, base, "centre", PASSWORD, then=f"/smart/order?id={lamp}")
        order = chinese(page)
        assert "已更换路灯灯泡" in order and "答复" in order and "签收" in order
        assert "来电人" in page.locator("#caller").inner_text()
        assert "张*" in order and "13812345678" not in order
        assert "通知记录" in order
        assert "演示t1" in page.locator("table.timeline").inner_text()  # who, by name
        # the report printout from the desk: Chinese first, the unit ranked by name
        page.goto(f"{base}/smart/desk")
        assert "第1镇政府" in page.locator("#ranking ~ table").inner_text()
        with page.context.expect_page() as opened:
            page.locator("a", has_text="打印").first.click()
        printout = opened.value
        printout.wait_for_load_state()
        assert "诉求研判报告" in printout.locator("h1").inner_text()
        assert "城市管理" in printout.content() and "urban_management" not in printout.content()
        printout.close()
        sign_out(page, base)

        # the callback team: dissatisfied → the order reopens
        sign_in(page, base, "cb", PASSWORD, then="/smart/callbacks")
        card = page.locator(f"section.card[data-case='{lamp}']")
        text = chinese(page)
        assert "已更换路灯灯泡" in text  # the unit's reply, read before calling back
        card.locator("select[name=reached]").select_option("1")
        card.locator("select[name=satisfaction]").select_option("dissatisfied")
        card.locator("select[name=resolved]").select_option("0")
        card.locator("input[name=reason]").fill("路灯又坏了")
        card.locator("input[name=reopen]").check()
        card.locator("button").click()
        page.wait_for_url(f"{base}/smart/callbacks")
        assert page.locator(f"section.card[data-case='{lamp}']").count() == 0
        case = d.cases.get(lamp)
        assert case.status.value == "in_progress"
        assert [e.kind for e in d.cases.timeline(lamp)][-2:] == ["callback", "reopen"]
        page.goto(f"{base}/smart/order?id={lamp}")
        order = chinese(page)
        assert "不满意" in order and "重办" in order
    assert not outside(requested, base)
