"""The 12345 desk in the browser's forms (HTTP, zh-Hans first): the centre dispatches, the unit
signs for and returns (only for its own unit), the centre redispatches with a final ruling, the
unit replies, the callback team records a dissatisfied callback that reopens the order; every
page in both languages, the catalog covers every template string, bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from conftest import CONFIG
from litestar.testing import TestClient

from suyuan_core import NewCase, Party, templates
from suyuan_core.testing.http import ApiClient

PASSWORD = "desk-test-1234"


@pytest.fixture
def d(make_deployment):
    d = make_deployment(plugins=["smart"], config=CONFIG)
    for username, role, acts in (("centre", "hotline_dispatcher", None),
                                 ("cg", "unit_handler", "organisation:CG"),
                                 ("t1", "unit_handler", "organisation:T1"),
                                 ("cb", "callback_operator", None)):
        d.accounts.add_user(username, username, PASSWORD, acts_for=acts, actor="t")
        d.accounts.grant(username, role, "C", actor="t")
    return d


def client(d, username):
    c = TestClient(ApiClient(d).app, base_url="https://testserver.local")
    c.__enter__()
    r = c.post("/login", data={"username": username, "password": PASSWORD, "next": "/"},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    c.csrf = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/inbox").text).group(1)
    return c


def post(c, path, **form):
    return c.post(path, data={"csrf_token": c.csrf, **form}, follow_redirects=False)


def appeal(d):
    return d.cases.create(NewCase(
        title="路灯不亮", description="小区门口路灯坏了一周，晚上出行不安全", category="urban_management",
        source="hotline_12345", area_code="C.T1.C1",
        parties=[Party(name="张三丰", role="caller", phone="13812345678")]), actor="t")


def counts(d):
    return (len(d.cases.timeline(1)) if d.cases.get(1) else 0, len(d.audit.search(limit=10000)))


def test_the_whole_loop_through_the_desk_pages(d):
    case = appeal(d)
    centre, cg, t1, cb = (client(d, u) for u in ("centre", "cg", "t1", "cb"))
    page = centre.get("/smart/desk").text
    assert "待派工单" in page and "路灯不亮" in page and "主办单位" in page
    r = post(centre, "/smart/desk", op="dispatch", case=str(case.id), lead="T1", co="CG")
    assert r.status_code == 303 and r.headers["location"] == f"/smart/order?id={case.id}"
    assert "新派单" in t1.get("/inbox").text  # the unit was told
    unit_page = t1.get("/smart/unit").text
    assert "未签收" in unit_page and "剩余" in unit_page and "路灯不亮" in unit_page
    # CG's account cannot return T1's order; it may sign for its own (co-handling) part
    before = counts(d)
    r = post(cg, "/smart/unit", op="return", case=str(case.id), reason="not_our_duty", basis="x")
    assert r.status_code == 422 and "only the lead unit may return" in r.text
    assert counts(d) == before
    assert post(cg, "/smart/unit", op="sign", case=str(case.id)).status_code == 303
    # the lead returns with reason and basis; the centre rules (终审) it stays with T1
    r = post(t1, "/smart/unit", op="return", case=str(case.id), reason="wrong_locality",
             basis="属地在第2镇")
    assert r.status_code == 303
    desk = centre.get("/smart/desk").text
    assert "退单审核" in desk and "终审" in desk
    assert post(centre, "/smart/desk", op="final", case=str(case.id), lead="T1").status_code == 303
    assert d.cases.get(case.id).data["smart_dispatch"]["final"] is True
    assert post(t1, "/smart/unit", op="sign", case=str(case.id)).status_code == 303
    r = post(t1, "/smart/unit", op="return", case=str(case.id), reason="wrong_locality",
             basis="再退")
    assert r.status_code == 422 and "首接负责" in r.text  # signed: first contact owns it
    assert post(t1, "/smart/unit", op="reply", case=str(case.id), text="已更换路灯",
                resolved="1").status_code == 303
    assert d.cases.get(case.id).status.value == "resolved"
    # the callback team: dissatisfied → reopened
    assert "路灯不亮" in cb.get("/smart/callbacks").text
    bad = post(cb, "/smart/callbacks", case=str(case.id), reached="1",
               satisfaction="dissatisfied", reason="", reopen="1")
    assert bad.status_code == 422 and "reason" in bad.text
    r = post(cb, "/smart/callbacks", case=str(case.id), reached="1", satisfaction="dissatisfied",
             reason="路灯又坏了", resolved="0", reopen="1")
    assert r.status_code == 303
    assert d.cases.get(case.id).status.value == "in_progress"
    # the order at a glance: appeal, masked caller, units, timeline in Chinese
    order = centre.get(f"/smart/order?id={case.id}").text
    assert "小区门口路灯坏了一周" in order and "张*" in order and "138****5678" in order
    assert "13812345678" not in order and "张三丰" not in order
    for word in ("来电人", "主办", "签收", "退单", "答复", "回访", "已终审", "通知记录"):
        assert word in order, word
    actions = {e.action for e in d.audit.search(record=f"case:{case.id}", limit=100)}
    assert {"smart.desk.dispatch", "smart.unit.sign", "smart.unit.return", "smart.desk.final",
            "smart.unit.reply", "smart.callback"} <= actions


def test_pages_in_english_and_refusals(d):
    case = appeal(d)
    centre, t1 = client(d, "centre"), client(d, "t1")
    centre.get("/lang/en")
    assert "Incoming orders" in centre.get("/smart/desk").text
    assert t1.get("/smart/desk").status_code == 403  # a unit is no hotline centre
    r = post(centre, "/smart/desk", op="dispatch", case=str(case.id), lead="")
    assert r.status_code == 422 and "lead" in r.text
    r = post(centre, "/smart/desk", op="dispatch", case=str(case.id), lead="T1",
             csrf_token="wrong")
    assert r.status_code == 403
    assert d.cases.get(case.id).status.value == "reported"


def test_extension_after_expiry_is_refused_and_changes_nothing(d):
    import datetime as dt

    from suyuan_smart import deadlines, dispatch

    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    case = d.cases.create(NewCase(title="过期", category="urban_management",
                                  source="hotline_12345", area_code="C.T1.C1", occurred_at=past),
                          actor="t")
    dispatch.dispatch(d, case.id, "T1", actor="c", at=past)
    dispatch.sign_off(d, case.id, "T1", actor="u", at=past + dt.timedelta(hours=1))
    t1 = client(d, "t1")
    before = len(d.cases.timeline(case.id))
    r = post(t1, "/smart/unit", op="extend", case=str(case.id), workdays="3", reason="复杂")
    assert r.status_code == 422 and "before the deadline" in r.text
    assert len(d.cases.timeline(case.id)) == before
    with pytest.raises(Exception, match="before the deadline"):
        deadlines.request_extension(d, case.id, 3, actor="u", reason="x")


def test_the_catalog_covers_every_template_string():
    root = Path(__file__).parents[1] / "src" / "suyuan_smart" / "web"
    zh = templates.translations("suyuan_smart", "zh-Hans")
    method = [("**/templates/**.html", "jinja2")]
    missing = [item[2] for item in extract_from_dir(str(root), method_map=method,
                                                          options_map={"**/templates/**.html": {
                                                              "extensions": "jinja2.ext.i18n"}})
               if isinstance(item[2], str) and zh.gettext(item[2]) == item[2]]
    assert missing == []


@pytest.mark.parametrize("loaded", [False, True])
def test_the_desk_warns_when_next_years_holidays_are_not_loaded(make_deployment, loaded):
    """From ``calendar_warning_month`` on, the desk says next year's holiday table is missing
    (deadlines there count weekends only); quiet once the county loads the year."""
    from suyuan_core import WorkCalendar
    from suyuan_core.times import now

    year = now().astimezone(dt.timezone(dt.timedelta(hours=8))).year + 1
    if year in WorkCalendar.package_years:
        pytest.skip(f"chinesecalendar already knows {year}")
    smart = {**CONFIG["plugins"]["smart"], "calendar_warning_month": 1,
             "county_years": [year] if loaded else []}
    d = make_deployment(plugins=["smart"], config={"plugins": {"smart": smart}})
    d.accounts.add_user("centre", "centre", PASSWORD, actor="t")
    d.accounts.grant("centre", "hotline_dispatcher", "C", actor="t")
    page = client(d, "centre").get("/smart/desk").text
    assert ('id="calendar-gap"' in page) is not loaded
    if not loaded:
        assert f"{year} 年节假日安排未导入" in page
