"""The register page in a real headless Chromium (Debian's ``/usr/bin/chromium`` through
Playwright; no browser download): a correction officer signs in, sees the record masked, tries to
unmask without a reason (refused, still masked), gives one (unmasked, audited); nothing is fetched
from outside the server."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from suyuan_virtue.counselling import Counselling, ReferralInput
from suyuan_virtue.culture import Culture
from suyuan_virtue.guardianship import Guardianships
from suyuan_virtue.registers import Registers
from suyuan_virtue.selection import Selections
from vt_testkit import PLAIN, UNMASKED, access, correction, deployment_with_keys

from suyuan_core.testing.browser import CHROMIUM, live_server, requires_chromium

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = requires_chromium
PASSWORD = "browser-test-123"


@pytest.fixture
def server(make_deployment, tmp_path):
    d = deployment_with_keys(make_deployment, tmp_path,
                             config={"web": {"secure_cookies": False}})
    rec = Registers(d).add(access(d, "seed", ("correction_officer", "C")), correction())
    for name, role, area in (("sfs", "correction_officer", "C.T1"),
                             ("mz", "civil_affairs_officer", "C.T1"), ("xl", "counsellor", "C.T1"),
                             ("boss", "supervisor", "C")):
        d.accounts.add_user(name, name, PASSWORD, actor="t")
        d.accounts.grant(name, role, area, actor="t")
    with live_server(d) as base:
        yield base, rec, d


def sign_in(page, base: str, path: str, username: str) -> None:
    page.goto(f"{base}{path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{path}")


def test_an_officer_unmasks_a_record_only_with_a_reason_in_chromium(server, tmp_path):
    base, rec, d = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        requested: list[str] = []
        posts: list[tuple[str, str]] = []
        page.on("request", lambda r: requested.append(r.url))
        page.on("request", lambda r: posts.append((r.url, r.post_data or ""))
                if r.method == "POST" else None)
        sign_in(page, base, "/virtue/registers", "sfs")
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
        page.screenshot(path=str(tmp_path / "virtue-record-unmasked.png"))
        page.click("text=恢复脱敏")
        page.wait_for_load_state()
        assert page.locator("dl.record").get_attribute("data-masked") == "yes"
        browser.close()
    outside = [u for u in requested if not u.startswith(base)]
    assert requested and not outside, outside
    # the reason went in the POST's body, never in a URL (access logs, the browser's history)
    assert not [u for u in requested if "reason" in u or "核实" in unquote(u)]
    unmask_posts = [body for url, body in posts if url == f"{base}/virtue/registers"]
    assert len(unmask_posts) == 2 and "reason=" in unmask_posts[1]
    unmasks = [e for e in d.audit.search(limit=100) if e.action == UNMASKED]
    assert [e.reason for e in unmasks] == ["核实本月报到情况"]


def test_guardianship_counselling_culture_and_selection_pages_in_chromium(server, tmp_path):
    base, _, d = server
    from test_vt_families import agreement

    from suyuan_core import Person

    mz = access(d, "seedmz", ("civil_affairs_officer", "C"))
    young = Guardianships(d).add(mz, agreement())
    d.roster.save([Person(external_id="XL1", name="心理咨询师甲", roles=("counsellor",),
                          areas=("C.T1",))])
    rid = Counselling(d).refer(access(d, "seedxl", ("counsellor", "C")), ReferralInput(
        area_code="C.T1.C1", source="service_hall", name="周某某", consent_on="2026-03-01",
        concern="失业后失眠焦虑", counsellor="XL1", service_hall="赵镇群众工作之家"))
    cul = Culture(d)
    bid = cul.save_brand(code="wufeng", kind="family_style", name="家风文化", area_code="C.T1",
                         venues=("贺麟故居",))
    cul.add_event(kind="brand_event", area_code="C.T1", title="家风故事会", held_on="2025-09-09",
                  attendance=80, actor="t", brand_id=bid)
    boss = d.accounts.as_user("boss")
    sel = Selections(d)
    sid = sel.create(boss, kind="moral_model", title="2025年度道德模范", year=2025, area_code="C")
    nid = sel.nominate(boss, sid, nominee="李秀", area_code="C.T1.C1", deeds="照顾瘫痪婆婆十年")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = ctx.new_page()
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        # guardianship: the child under 14 not named on the list; a review recorded; unmasked
        sign_in(page, base, "/virtue/guardianships", "mz")
        row = page.locator(f'tr[data-agreement="{young}"]')
        assert "未满14周岁(不显示)" in row.inner_text() and "刘小雨" not in page.content()
        row.locator("a").first.click()
        page.wait_for_load_state()
        assert page.locator("dd[data-field=child_name]").inner_text() == "刘**"
        page.select_option("form.review select[name=finding]", "fulfilled")
        page.fill("form.review input[name=on]", "2026-09-01")
        page.click("form.review button[type=submit]")
        page.wait_for_load_state()
        assert "履职良好" in page.locator("table.reviews").inner_text()
        assert page.locator("dd[data-field=next_review]").inner_text() == "2027-02-28"
        page.click("form.unmask button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("[data-refused=required]").is_visible()
        page.fill("form.unmask input[name=reason]", "核实监护人变更")
        page.click("form.unmask button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("dd[data-field=child_name]").inner_text() == "刘小雨"
        assert "510121201704011234" not in page.content()
        page.screenshot(path=str(tmp_path / "virtue-guardianship.png"))
        ctx.clear_cookies()
        # counselling: a session recorded, the follow-up due shown
        sign_in(page, base, f"/virtue/counselling?id={rid}", "xl")
        assert page.locator("dd[data-field=name]").inner_text() == "周**"
        page.fill("form.session input[name=held_on]", "2026-03-03")
        page.select_option("form.session select[name=outcome]", "improved")
        page.click("form.session button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("dd[data-field=follow_up_due]").inner_text() == "2026-04-02"
        assert page.locator('tr[data-session-kind="session"]').count() == 1
        page.screenshot(path=str(tmp_path / "virtue-counselling.png"))
        ctx.clear_cookies()
        # culture and a selection, as the county's head
        sign_in(page, base, "/virtue/culture", "boss")
        brand = page.locator('section[data-brand="wufeng"]')
        assert "贺麟故居" in brand.inner_text() and "家风故事会" in brand.inner_text()
        page.goto(f"{base}/virtue/selections?id={sid}")
        page.locator(f'tr[data-nomination="{nid}"] button[value=approve]').click()
        page.wait_for_load_state()
        page.fill("form.notice input[name=on]", "2025-05-01")
        page.click("form.notice button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("[data-status]").get_attribute("data-status") == "notice"
        page.fill("form.open input[name=on]", "2025-05-09")
        page.click("form.open button[type=submit]")
        page.wait_for_load_state()
        vote = page.locator(f'tr[data-nomination="{nid}"] form.vote')
        vote.locator("input[name=household]").fill("HH0001")
        vote.locator("button").click()
        page.wait_for_load_state()
        vote = page.locator(f'tr[data-nomination="{nid}"] form.vote')
        vote.locator("input[name=household]").fill("HH0001")
        vote.locator("button").click()
        page.wait_for_load_state()
        assert "HH0001" in page.content()  # the second vote of the household is refused
        page.goto(f"{base}/virtue/selections?id={sid}")
        page.click("form.award button[type=submit]")
        page.wait_for_load_state()
        assert page.locator('table.results [data-field="votes"]').inner_text() == "1"
        page.screenshot(path=str(tmp_path / "virtue-selection.png"), full_page=True)
        browser.close()
    assert not [u for u in requested if not u.startswith(base)]
    assert [e.reason for e in d.audit.search(limit=200) if e.action == UNMASKED] == ["核实监护人变更"]
