"""``/api/v1/smart/…`` through the real app: signed webhooks, the officers' routes, area scope,
audit entries, and bad input refused with nothing written."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time

import pytest
from conftest import CONFIG, TZ, local
from sqlalchemy import func, select
from suyuan_smart import alerts, dispatch
from suyuan_smart.intake import sign

from suyuan_core import NewCase, tables
from suyuan_core.testing.http import ApiClient

API = "/api/v1/smart"
# the routes use the real clock: never refuse a deadline because the clock ran past the package
HTTP_CONFIG = copy.deepcopy(CONFIG)
HTTP_CONFIG["plugins"]["smart"]["missing_year"] = "flag"

ORDER = {"source_ref": "GD-1", "title": "路灯不亮", "description": "小区门口路灯坏了一周",
         "category": "城市管理", "area": "第1镇1社区", "caller": "张三", "phone": "13800001111",
         "urgency": "一般"}


@pytest.fixture
def d(make_deployment):
    return make_deployment(plugins=["smart"], config=HTTP_CONFIG)


@pytest.fixture
def api(d):
    with ApiClient(d) as client:
        yield client


def counts(d) -> tuple[int, int, int]:
    """(cases, case events, audit entries): what a refused request must leave alone."""
    with d.reading() as s:
        cases, events = (s.scalar(select(func.count()).select_from(t))
                         for t in (tables.cases, tables.case_events))
    return cases, events, len(d.audit.search(limit=1000))


def signed(body: bytes, secret: str = "s3cret", ts: int | None = None) -> dict[str, str]:
    stamp = str(ts if ts is not None else int(time.time()))
    return {"X-Suyuan-Timestamp": stamp, "X-Suyuan-Signature": sign(secret, body, stamp),
            "Content-Type": "application/json"}


def audit(d, action: str) -> list:
    return d.audit.search(action=action)


def case_in(d, area: str, title: str = "路灯不亮", **kw):
    return d.cases.create(NewCase(title=title, category=kw.pop("category", "urban_management"),
                                  source="hotline_12345", area_code=area, **kw), actor="t")


# -- signed webhooks ---------------------------------------------------------------------------

def test_hotline_webhook_creates_once_and_audits(d, api):
    body = json.dumps(ORDER, ensure_ascii=False).encode()
    r = api.post(f"{API}/webhooks/12345", content=body, headers=signed(body))
    assert r.status_code == 200, r.text
    got = r.json()["cases"]
    assert len(got) == 1 and got[0]["created"] is True
    case = d.cases.get(got[0]["case_id"])
    assert (case.source, case.source_ref, case.area_code) == ("hotline_12345", "GD-1", "C.T1.C1")
    again = api.post(f"{API}/webhooks/12345", content=body, headers=signed(body)).json()["cases"]
    assert again == [{"case_id": case.id, "created": False, "duplicates": []}]
    entries = audit(d, "smart.webhook_12345")
    assert [(e.actor, e.record) for e in entries] == [("webhook:12345", f"case:{case.id}")] * 2


@pytest.mark.parametrize("how", ["unsigned", "wrong_secret", "stale", "tampered", "garbage_ts",
                                 "user_token"])
def test_bad_signature_is_refused_and_writes_nothing(d, api, how):
    body = json.dumps(ORDER, ensure_ascii=False).encode()
    headers = {"unsigned": {"Content-Type": "application/json"},
               "wrong_secret": signed(body, "guess"),
               "stale": signed(body, ts=int(time.time()) - 3600),
               "tampered": signed(body.replace(b"GD-1", b"GD-2")),
               "garbage_ts": {**signed(body), "X-Suyuan-Timestamp": "yesterday"},
               "user_token": api.as_role("supervisor", "C")}[how]
    before = counts(d)
    r = api.post(f"{API}/webhooks/12345", content=body, headers=headers)
    assert r.status_code == 401, r.text
    assert r.json()["field"] in ("signature", "timestamp") and r.json()["hint"]
    assert counts(d) == before


def test_switched_off_webhook_is_403(make_deployment):
    cfg = copy.deepcopy(HTTP_CONFIG)
    cfg["plugins"]["smart"]["webhook_secret"] = ""
    d = make_deployment(plugins=["smart"], config=cfg)
    body = json.dumps(ORDER, ensure_ascii=False).encode()
    with ApiClient(d) as api:
        r = api.post(f"{API}/webhooks/12345", content=body, headers=signed(body, ""))
        assert r.status_code == 403 and r.json()["rule"] == "configured"
    assert counts(d)[0] == 0


@pytest.mark.parametrize(("payload", "field", "rule"), [
    ([ORDER, {**ORDER, "source_ref": "GD-2", "urgency": "火急"}], "[1].urgency", "one_of"),
    ([ORDER, {**ORDER, "source_ref": "GD-3", "area": "火星"}], "[1].area", "exists"),
    ([{**ORDER, "source_ref": ""}], "[0].source_ref", "required"),
    ([{**ORDER, "phone": "call me"}], "[0].phone", "digits"),
    ([ORDER, "not an object"], "body", "object"),
    ([], "body", "non_empty"),
])
def test_malformed_work_order_refuses_the_whole_push(d, api, payload, field, rule):
    body = json.dumps(payload, ensure_ascii=False).encode()
    before = counts(d)
    r = api.post(f"{API}/webhooks/12345", content=body, headers=signed(body))
    assert r.status_code == 422, r.text
    assert (r.json()["field"], r.json()["rule"]) == (field, rule)
    assert counts(d) == before  # the good first order was not written either


def test_body_that_is_not_json(d, api):
    body = b"\xff{not json"
    r = api.post(f"{API}/webhooks/12345", content=body, headers=signed(body))
    assert r.status_code == 422 and r.json()["field"] == "body" and r.json()["rule"] == "json"


def test_messaging_webhook_has_its_own_secret(d, api):
    msg = {"platform": "city_news", "message_id": "m-9", "text": "楼上装修噪音太大",
           "sender": {"name": "李四", "phone": "13900002222"}, "area_code": "C.T2.C1"}
    body = json.dumps(msg, ensure_ascii=False).encode()
    r = api.post(f"{API}/webhooks/messaging", content=body, headers=signed(body, "s3cret"))
    assert r.status_code == 401 and counts(d)[0] == 0  # the 12345 secret does not open it
    r = api.post(f"{API}/webhooks/messaging", content=body, headers=signed(body, "m3ssage"))
    assert r.status_code == 200, r.text
    case = d.cases.get(r.json()["cases"][0]["case_id"])
    assert (case.source, case.source_ref) == ("messaging", "city_news:m-9")
    assert audit(d, "smart.webhook_messaging")[0].actor == "webhook:messaging"


# -- mailbox and classification -----------------------------------------------------------------

def test_mailbox_letters_are_area_scoped(d, api):
    town1 = api.as_role("hotline_dispatcher", "C.T1")
    letter = {"box": "mayor", "letter_id": "L-1", "subject": "拖欠工资", "body": "工地老板拖欠工资三个月",
              "name": "王五", "phone": "13700003333", "area_code": "C.T1.C1"}
    r = api.post(f"{API}/mailbox", json=letter, headers=town1)
    assert r.status_code == 200, r.text
    case = d.cases.get(r.json()["cases"][0]["case_id"])
    assert (case.source, case.source_ref, case.category) == ("mailbox", "mayor:L-1", "labour")
    assert audit(d, "smart.mailbox")[0].actor.startswith("user:")
    before = counts(d)
    r = api.post(f"{API}/mailbox", json={**letter, "letter_id": "L-2", "area_code": "C.T2.C1"},
                 headers=town1)
    assert r.status_code == 403 and r.json()["rule"] == "cases.create"
    assert counts(d) == before  # created, then rolled back with the refusal
    r = api.post(f"{API}/mailbox", json={**letter, "box": "governor"}, headers=town1)
    assert r.status_code == 400 and r.json()["field"] == "box"
    assert counts(d) == before


def test_classification_suggest_and_confirm(d, api):
    case = case_in(d, "C.T1.C1", title="楼上漏水", description="楼上邻居家漏水到我家")
    other = case_in(d, "C.T2.C1", title="楼上漏水")
    town1 = api.as_role("hotline_dispatcher", "C.T1")
    r = api.get(f"{API}/classify", params={"text": "小区物业乱收物业费，电梯也坏了"}, headers=town1)
    assert r.status_code == 200 and r.json()[0]["category"] == "property_management"
    assert 0 < r.json()[0]["confidence"] <= 1 and r.json()[0]["label_zh"]
    got = api.get(f"{API}/cases/{case.id}/classification", headers=town1).json()
    assert got["suggestions"][0]["category"] == "neighbour" and got["confirmed"] is None
    r = api.post(f"{API}/cases/{case.id}/classification", json={"category": "neighbour"},
                 headers=town1)
    assert r.status_code == 200 and r.json()["category"] == "neighbour"
    assert d.cases.get(case.id).data["smart_confirmed_category"] == "neighbour"
    assert audit(d, "smart.category_confirmed")[0].record == f"case:{case.id}"
    handler = api.as_role("unit_handler", "C.T1")
    before = counts(d)
    assert api.post(f"{API}/cases/{case.id}/classification", json={"category": "ufo"},
                    headers=town1).json()["field"] == "category"
    assert api.post(f"{API}/cases/{case.id}/classification", json={"category": "neighbour"},
                    headers=handler).status_code == 403
    assert api.post(f"{API}/cases/{other.id}/classification", json={"category": "neighbour"},
                    headers=town1).status_code == 404  # outside her town: does not exist
    assert counts(d) == before


# -- dispatch -----------------------------------------------------------------------------------

def test_dispatch_sign_off_return_redispatch_urge_supervise(d, api):
    case = case_in(d, "C.T2.C1", category="labour")
    centre = api.as_role("hotline_dispatcher", "C")
    rs = api.as_role("unit_handler", "C", acts_for="organisation:RS")
    t1 = api.as_role("unit_handler", "C", acts_for="organisation:T1")
    t2 = api.as_role("unit_handler", "C", acts_for="organisation:T2")
    unbound = api.as_role("unit_handler", "C")
    unit = rs
    view = api.get(f"{API}/cases/{case.id}/dispatch", headers=centre).json()
    assert view["proposals"][0]["handler"] == "organisation:RS"
    r = api.post(f"{API}/cases/{case.id}/dispatch", json={"lead": "T1", "co": ["RS"]},
                 headers=centre)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "assigned" and r.json()["dispatch"]["lead"] == "T1"
    assert r.json()["deadline"] is not None
    assert api.post(f"{API}/cases/{case.id}/sign-off", json={"unit": "RS"},
                    headers=unit).json()["dispatch"]["signed"] == ["RS"]
    before = counts(d)
    bad = api.post(f"{API}/cases/{case.id}/return",
                   json={"unit": "T1", "reason": "too_busy", "basis": "忙"}, headers=t1)
    assert bad.status_code == 422 and bad.json()["field"] == "reason"
    assert api.post(f"{API}/cases/{case.id}/return", json={
        "unit": "RS", "reason": "wrong_locality", "basis": "x"}, headers=unit).json()[
        "rule"] == "lead_only"
    # RS's account cannot sign for or return T1's order: it acts for RS only
    for path, body in (("sign-off", {"unit": "T1"}),
                       ("return", {"unit": "T1", "reason": "wrong_locality", "basis": "x"})):
        r = api.post(f"{API}/cases/{case.id}/{path}", json=body, headers=rs)
        assert r.status_code == 403 and r.json()["rule"] == "acts_for_unit", r.text
        assert "acts for organisation:RS, not for T1" in r.json()["message"]
    r = api.post(f"{API}/cases/{case.id}/sign-off", json={"unit": "T1"}, headers=unbound)
    assert r.status_code == 403 and "acts for no unit" in r.json()["message"]
    assert counts(d) == before
    r = api.post(f"{API}/cases/{case.id}/return",
                 json={"unit": "T1", "reason": "wrong_locality", "basis": "属地在第2镇"},
                 headers=t1)
    assert r.status_code == 200 and r.json()["dispatch"]["returns"] == 1
    r = api.post(f"{API}/cases/{case.id}/dispatch", json={"lead": "T2"}, headers=centre)
    assert r.json()["assignees"] == ["organisation:T2"] and r.json()["dispatch"]["returns"] == 1
    assert api.post(f"{API}/cases/{case.id}/sign-off", json={"unit": "T2"},
                    headers=t2).status_code == 200
    assert api.post(f"{API}/cases/{case.id}/urge", json={"note": "请加快办理"},
                    headers=centre).status_code == 200
    r = api.post(f"{API}/cases/{case.id}/supervise", json={"note": "县领导督办", "due_workdays": 2},
                 headers=centre)
    assert r.status_code == 200
    assert api.post(f"{API}/cases/{case.id}/urge", json={"note": "催"},
                    headers=unit).status_code == 403  # a unit does not urge
    kinds = [e.kind for e in d.cases.timeline(case.id)]
    assert kinds.count("assign") == 2 and {"smart.sign_off", "smart.return", "smart.urge",
                                           "smart.supervise"} <= set(kinds)
    actions = {e.action for e in d.audit.search(record=f"case:{case.id}")}
    assert {"smart.dispatch", "smart.sign_off", "smart.return", "smart.urge",
            "smart.supervise"} <= actions
    units = api.get(f"{API}/units", headers=unit).json()
    assert {u["code"] for u in units} == {"CG", "RS", "T1", "T2"}


def test_a_town_official_sees_and_touches_her_town_only(d, api):
    mine, theirs = case_in(d, "C.T1.C1"), case_in(d, "C.T2.C1")
    town1 = api.as_role("hotline_dispatcher", "C.T1")
    handler1 = api.as_role("unit_handler", "C.T1", acts_for="organisation:T2")
    dispatch.dispatch(d, theirs.id, "T2", actor="centre")
    before = counts(d)
    for method, path, body, who in [
        ("GET", f"/cases/{theirs.id}/dispatch", None, town1),
        ("GET", f"/cases/{theirs.id}/deadline", None, town1),
        ("GET", f"/cases/{theirs.id}/classification", None, town1),
        ("POST", f"/cases/{theirs.id}/dispatch", {"lead": "T1"}, town1),
        ("POST", f"/cases/{theirs.id}/urge", {"note": "催"}, town1),
        ("POST", f"/cases/{theirs.id}/sign-off", {"unit": "T2"}, handler1),
        ("POST", f"/cases/{theirs.id}/deadline/pause", {"reason": "等材料"}, handler1),
        ("POST", f"/cases/{theirs.id}/extension", {"workdays": 2, "reason": "复杂"}, handler1),
        ("POST", f"/cases/{theirs.id}/callback", {"reached": False}, town1),
        ("POST", f"/cases/{theirs.id}/merge", {"into": mine.id}, town1),
        ("POST", f"/cases/{mine.id}/merge", {"into": theirs.id}, town1),
    ]:
        r = api.request(method, API + path, json=body, headers=who)
        assert r.status_code == 404, (path, r.status_code, r.text)
    for path in ("/overdue?area=C.T2", "/reminders?area=C.T2", "/callbacks/due?area=C.T2",
                 "/alerts?area=C.T2", "/ranking?period=2026-10&area=C.T2"):
        r = api.get(API + path, headers=town1)
        assert r.status_code == 403, (path, r.text)
    r = api.get(f"{API}/reports/C.T2/2026-10", headers=town1)
    assert r.status_code == 403 and r.json()["rule"] == "smart.reports"
    assert counts(d) == before


def test_nobody_signed_in_gets_401_and_no_role_403(d, api):
    case = case_in(d, "C.T1.C1")
    assert api.get(f"{API}/cases/{case.id}/dispatch").status_code == 401
    mediator = api.as_role("mediator", "C")
    r = api.post(f"{API}/cases/{case.id}/dispatch", json={"lead": "CG"}, headers=mediator)
    assert r.status_code == 403 and r.json()["rule"] == "smart.dispatch"
    assert api.get(f"{API}/alerts", headers=mediator).status_code == 403


# -- deadlines and callbacks ---------------------------------------------------------------------

def test_deadlines_pause_resume_extension_and_lists(d, api):
    old = case_in(d, "C.T1.C1", occurred_at=local(2025, 3, 3, 9))
    dispatch.dispatch(d, old.id, "CG", actor="centre", at=local(2025, 3, 3, 9))  # long overdue
    far = case_in(d, "C.T2.C1", occurred_at=local(2025, 3, 3, 9))
    dispatch.dispatch(d, far.id, "T2", actor="centre", at=local(2025, 3, 3, 9))
    live = case_in(d, "C.T1.C1")
    centre1 = api.as_role("hotline_dispatcher", "C.T1")
    unit1 = api.as_role("unit_handler", "C.T1", acts_for="organisation:CG")
    county = api.as_role("hotline_dispatcher", "C", username="county")
    assert [c["case_id"] for c in api.get(f"{API}/overdue", headers=centre1).json()] == [old.id]
    assert {c["case_id"] for c in api.get(f"{API}/overdue", headers=county).json()} == {
        old.id, far.id}
    api.post(f"{API}/cases/{live.id}/dispatch", json={"lead": "CG"}, headers=centre1)
    status = api.get(f"{API}/cases/{live.id}/deadline", headers=unit1).json()
    assert status["overdue"] is False and status["work_hours_left"] > 0
    r = api.post(f"{API}/cases/{live.id}/deadline/pause", json={"reason": "等待居民补充材料"},
                 headers=unit1)
    assert r.status_code == 200 and r.json()["paused"] and r.json()["deadline"] is None
    again = api.post(f"{API}/cases/{live.id}/deadline/pause", json={"reason": "再停"},
                     headers=unit1)
    assert again.status_code == 422 and again.json()["rule"] == "not_paused"
    r = api.post(f"{API}/cases/{live.id}/deadline/resume", headers=unit1)
    assert r.status_code == 200 and r.json()["deadline"] is not None
    before_deadline = r.json()["deadline"]
    r = api.post(f"{API}/cases/{live.id}/extension", json={"workdays": 5, "reason": "需现场勘查"},
                 headers=unit1)
    assert r.status_code == 200 and r.json()["extension_pending"]
    assert api.post(f"{API}/cases/{live.id}/extension/decision", json={"approve": True},
                    headers=unit1).status_code == 403  # the centre approves, not the unit
    r = api.post(f"{API}/cases/{live.id}/extension/decision", json={"approve": True},
                 headers=centre1)
    assert r.status_code == 200 and r.json()["deadline"] > before_deadline
    too_long = api.post(f"{API}/cases/{live.id}/extension", json={"workdays": 99, "reason": "x"},
                        headers=unit1)
    assert too_long.status_code == 422 and too_long.json()["field"] == "workdays"
    assert api.get(f"{API}/reminders", headers=centre1).status_code == 200
    actions = [e.action for e in d.audit.search(record=f"case:{live.id}")]
    assert {"smart.pause", "smart.resume", "smart.extension_request",
            "smart.extension_decision"} <= set(actions)


def test_callback_reopens_when_dissatisfied_and_due_list_is_scoped(d, api):
    case = case_in(d, "C.T1.C1")
    other = case_in(d, "C.T2.C1")
    for c in (case, other):
        dispatch.dispatch(d, c.id, "CG", actor="centre")
        for action in ("start", "resolve"):
            d.cases.act(c.id, action, actor="cg")
    centre1 = api.as_role("hotline_dispatcher", "C.T1")
    assert [x["case_id"] for x in api.get(f"{API}/callbacks/due", headers=centre1).json()] == [
        case.id]
    before = counts(d)
    bad = api.post(f"{API}/cases/{case.id}/callback",
                   json={"reached": True, "satisfaction": "dissatisfied", "reopen": True},
                   headers=centre1)
    assert bad.status_code == 422 and bad.json()["field"] == "reason"
    assert counts(d) == before
    r = api.post(f"{API}/cases/{case.id}/callback",
                 json={"reached": True, "satisfaction": "dissatisfied", "resolved": False,
                       "reason": "路灯仍不亮", "reopen": True}, headers=centre1)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "in_progress"
    assert api.get(f"{API}/callbacks/due", headers=centre1).json() == []
    assert audit(d, "smart.callback")[0].reason == "路灯仍不亮"


# -- duplicates, alerts, reports ----------------------------------------------------------------

def test_duplicates_are_proposed_merged_and_unmerged(d, api):
    for ref in ("GD-10", "GD-11"):
        body = json.dumps({**ORDER, "source_ref": ref}, ensure_ascii=False).encode()
        got = api.post(f"{API}/webhooks/12345", content=body, headers=signed(body)).json()
    first_id = d.cases.find_by_source("hotline_12345", "GD-10").id
    assert got["cases"][0]["duplicates"] == [first_id]
    centre = api.as_role("hotline_dispatcher", "C.T1")
    outsider = api.as_role("hotline_dispatcher", "C.T2")
    proposals = api.get(f"{API}/duplicates", headers=centre).json()
    assert len(proposals) == 1 and proposals[0]["case_area"] == "C.T1.C1"
    assert api.get(f"{API}/duplicates", headers=outsider).json() == []
    pid = proposals[0]["id"]
    assert api.post(f"{API}/duplicates/{pid}/merge", json={}, headers=outsider).status_code == 404
    r = api.post(f"{API}/duplicates/{pid}/merge", json={"reason": "同一诉求"}, headers=centre)
    assert r.status_code == 200 and r.json()["merged_into"] == first_id
    again = api.post(f"{API}/duplicates/{pid}/merge", json={}, headers=centre)
    assert again.status_code == 409 and again.json()["rule"] == "proposed"
    dup_id = r.json()["id"]
    r = api.post(f"{API}/cases/{dup_id}/unmerge", json={"reason": "实为不同路灯"}, headers=centre)
    assert r.status_code == 200 and r.json()["merged_into"] is None
    assert {e.action for e in d.audit.search(record=f"case:{dup_id}")} >= {"smart.merge",
                                                                          "smart.unmerge"}


def test_alerts_listed_acknowledged_and_closed_in_scope(d, api):
    mine = case_in(d, "C.T1.C1", title="有人扬言跳楼")
    case_in(d, "C.T2.C1", title="工人聚集堵路讨薪")
    alerts.scan(d)
    analyst1 = api.as_role("smart_analyst", "C.T1")
    rows = api.get(f"{API}/alerts", headers=analyst1).json()
    assert [r["case_id"] for r in rows] == [mine.id] and rows[0]["severity"] == "critical"
    county = api.as_role("smart_analyst", "C", username="county-analyst")
    assert len(api.get(f"{API}/alerts", headers=county).json()) == 2
    theirs = next(r for r in api.get(f"{API}/alerts", headers=county).json()
                  if r["case_id"] != mine.id)
    assert api.get(f"{API}/alerts/{theirs['id']}", headers=analyst1).status_code == 404
    assert api.post(f"{API}/alerts/{theirs['id']}/acknowledge", json={},
                    headers=analyst1).status_code == 404
    aid = rows[0]["id"]
    r = api.post(f"{API}/alerts/{aid}/acknowledge", json={"note": "已联系社区"}, headers=analyst1)
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = api.post(f"{API}/alerts/{aid}/close", json={"note": "已稳控"}, headers=analyst1)
    assert r.json()["status"] == "closed"
    again = api.post(f"{API}/alerts/{aid}/close", json={}, headers=analyst1)
    assert again.status_code == 422 and again.json()["rule"] == "open"
    detail = api.get(f"{API}/alerts/{aid}", headers=analyst1).json()
    assert [h["kind"] for h in detail["history"]] == ["raised", "acknowledged", "closed"]
    assert [e.action for e in d.audit.search(record=f"alert:{aid}")] == [
        "smart.alert_closed", "smart.alert_acknowledged"]
    assert api.get(f"{API}/alerts", params={"status": "bogus"},
                   headers=analyst1).status_code == 400


def test_reports_json_xlsx_html_and_ranking(d, api):
    case = case_in(d, "C.T1.C1")
    dispatch.dispatch(d, case.id, "CG", actor="centre")
    month = dt.datetime.now(TZ).strftime("%Y-%m")
    analyst = api.as_role("smart_analyst", "C.T1")
    r = api.get(f"{API}/reports/C.T1/{month}", headers=analyst)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["area_code"] == "C.T1" and body["period"] == month
    figures = {f["key"]: f["value"] for f in body["figures"]}
    assert figures["cases_received"] == 1
    x = api.get(f"{API}/reports/C.T1/{month}/xlsx", headers=analyst)
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert "attachment" in x.headers["content-disposition"]
    h = api.get(f"{API}/reports/C.T1/{month}/html", headers=analyst)
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert "诉求研判报告" in h.text and "http" not in h.text.split("<body>")[1]
    assert [e.detail["format"] for e in audit(d, "smart.report")] == ["html", "xlsx", "json"]
    for bad, rule in (("2026-Q1", "one_of"), ("last-week", None)):
        r = api.get(f"{API}/reports/C.T1/{bad}", headers=analyst)
        assert r.status_code in (400, 422) and (rule is None or r.json()["rule"] == rule), r.text
    assert api.get(f"{API}/reports/NOPE/{month}", headers=analyst).json()["rule"] == "exists"
    ranked = api.get(f"{API}/ranking", params={"period": month}, headers=analyst).json()
    assert [(u["unit"], u["dispatched"]) for u in ranked] == [("CG", 1)]
    town2 = api.as_role("smart_analyst", "C.T2")
    assert api.get(f"{API}/ranking", params={"period": month}, headers=town2).json() == []


def test_routes_are_in_the_openapi_document(api):
    paths = api.get("/api/v1/schema/openapi.json").json()["paths"]
    for path in ("/webhooks/12345", "/webhooks/messaging", "/mailbox", "/classify",
                 "/cases/{case_id}/dispatch", "/cases/{case_id}/return", "/overdue",
                 "/callbacks/due", "/duplicates", "/alerts", "/reports/{area_code}/{period}/xlsx",
                 "/ranking"):
        assert API + path in paths, path
    assert "/open311/v2/requests.json" in paths
    hook = paths[f"{API}/webhooks/12345"]["post"]
    assert "X-Suyuan-Signature" in hook["description"]
