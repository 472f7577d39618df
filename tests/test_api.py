"""The JSON API: cases end to end, masking and unmasking, errors, paging, metrics, plugins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from suyuan_core.storage import tables

API = "/api/v1"
PARTIES = [{"name": "张三", "phone": "13812341234", "id_number": "110101199001011234",
            "address": "四川省成都市金堂县赵镇十里社区5组12号", "role": "applicant"},
           {"name": "李四", "phone": "13900001111", "anonymous": True, "role": "caller"}]


def count(d, table) -> int:
    with d.reading() as s:
        return s.scalar(select(func.count()).select_from(table))


def new_case(**overrides):
    body = {"title": "邻里噪音纠纷", "category": "neighbour", "source": "walk_in",
            "area_code": "C.T1.C1.G1", "parties": PARTIES}
    body.update(overrides)
    return body


def test_health_and_docs_need_no_sign_in_and_load_nothing_external(api):
    assert api.get(f"{API}/health").json()["database"] == "ok"
    doc = api.get(f"{API}/schema/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert f"{API}/cases" in doc["paths"] and f"{API}/cases/{{case_id}}/actions/{{action}}" in doc["paths"]
    page = api.get(f"{API}/schema").text
    assert "openapi.json" in page
    assert "http://" not in page and "https://" not in page and "//cdn" not in page


def test_every_api_route_needs_authentication(api):
    for path in ("/cases", "/cases/1", "/areas", "/roster/people", "/metrics", "/plugins",
                 "/auth/me", "/audit"):
        r = api.get(API + path)
        assert r.status_code == 401, path
        assert r.json()["field"] == "Authorization" and r.json()["hint"]
    r = api.get(f"{API}/cases", headers={"Authorization": "Bearer sy_not-a-token"})
    assert r.status_code == 401 and r.json()["rule"] == "bearer_token"


def test_case_lifecycle_over_http_writes_events_and_audit(api, deployment):
    from suyuan_core.testing.factories import Factories

    Factories(deployment).person(external_id="M1")  # assignment names someone on the roster
    h = api.as_role("supervisor", "C.T1", username="sup")
    r = api.post(f"{API}/cases", json=new_case(), headers=h)
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["parties"][0]["name"] == "张*" and case["parties"][0]["phone"] == "138****1234"
    assert case["parties"][0]["id_number"] == "110***********1234"
    assert case["parties"][1] == {"name": "匿名", "role": "caller", "anonymous": True}
    cid = case["id"]
    version = case["version"]
    steps = [("accept", {}), ("assign", {"assignees": ["person:M1"]}), ("start", {}),
             ("resolve", {}), ("close", {})]
    for action, extra in steps:
        r = api.post(f"{API}/cases/{cid}/actions/{action}",
                     json={"expected_version": version, "reason": f"{action} test", **extra},
                     headers=h)
        assert r.status_code == 200, r.text
        version = r.json()["version"]
    assert r.json()["status"] == "closed"
    r = api.post(f"{API}/cases/{cid}/callback",
                 json={"reached": True, "satisfaction": "satisfied"}, headers=h)
    assert r.status_code == 201 and r.json()["satisfaction"] == "satisfied"
    r = api.post(f"{API}/cases/{cid}/notes", json={"text": "回访完成"}, headers=h)
    assert r.status_code == 201
    r = api.post(f"{API}/cases/{cid}/attachments", json={
        "filename": "协议书.pdf", "content_type": "application/pdf", "size": 1024,
        "sha256": "a" * 64}, headers=h)
    assert r.status_code == 201
    detail = api.get(f"{API}/cases/{cid}", headers=h).json()
    kinds = [e["kind"] for e in detail["timeline"]]
    assert kinds == ["reported", "accept", "assign", "start", "resolve", "close", "callback",
                     "note", "attachment"]
    assert all(e["actor"] == "user:sup" for e in detail["timeline"])
    assert detail["timeline"][0]["data"]["parties"][0]["name"] == "张*"  # the timeline is masked too
    assert detail["allowed_actions"] == ["reopen"]
    actions = [e.action for e in deployment.audit.search(record=f"case:{cid}", limit=50)]
    assert {"case.create", "case.accept", "case.close", "case.callback", "case.read"} <= set(actions)


def test_illegal_transition_is_409_with_allowed_actions_and_writes_nothing(api, deployment):
    h = api.as_role("supervisor", "C")
    cid = api.post(f"{API}/cases", json=new_case(), headers=h).json()["id"]
    events, audits = count(deployment, tables.case_events), count(deployment, tables.audit_log)
    r = api.post(f"{API}/cases/{cid}/actions/resolve", json={"expected_version": 1}, headers=h)
    assert r.status_code == 409
    body = r.json()
    assert body["allowed"] == ["accept", "withdraw", "escalate"] and body["rule"] == "lifecycle"
    r = api.post(f"{API}/cases/{cid}/actions/accept", json={"expected_version": 7}, headers=h)
    assert r.status_code == 409 and r.json()["field"] == "expected_version"
    r = api.post(f"{API}/cases/{cid}/actions/escalate", json={"expected_version": 1}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = api.post(f"{API}/cases/{cid}/actions/fly", json={"expected_version": 1}, headers=h)
    assert r.status_code == 422 and "accept" in r.json()["hint"]
    assert (count(deployment, tables.case_events), count(deployment, tables.audit_log)) == (
        events, audits)


def test_bad_input_names_field_rule_and_fix_and_writes_nothing(api, deployment):
    h = api.as_role("supervisor", "C")
    before = count(deployment, tables.cases)
    cases = [
        (new_case(category="nope"), 422, "category"),
        (new_case(area_code="NOWHERE"), 422, "area_code"),
        (new_case(title=""), 400, "title"),
        (new_case(occurred_at="2026-05-01T08:00:00"), 422, "occurred_at"),
        ({"title": "x"}, 400, None),
        (new_case(extra_field=1), 400, None),
    ]
    for body, status, field in cases:
        r = api.post(f"{API}/cases", json=body, headers=h)
        assert r.status_code == status, (body, r.text)
        err = r.json()
        assert err["message"] and err["rule"] and err["hint"], err
        if field:
            assert err["field"] == field, err
    r = api.post(f"{API}/cases", content=b"{not json", headers={**h, "content-type": "application/json"})
    assert r.status_code == 400
    assert count(deployment, tables.cases) == before


def test_unmask_needs_the_right_a_reason_and_is_audited(api, deployment):
    sup = api.as_role("supervisor", "C.T1", username="sup")
    med = api.as_role("mediator", "C.T1.C1", username="med")
    cid = api.post(f"{API}/cases", json=new_case(), headers=sup).json()["id"]
    url = f"{API}/cases/{cid}/unmask"
    r = api.post(url, json={"reason": "回访当事人"}, headers=med)
    assert r.status_code == 403 and r.json()["rule"] == "personal_data.unmask"
    r = api.post(url, json={}, headers=sup)
    assert r.status_code == 422 and r.json()["field"] == "reason"
    # the reason travels in the body only: a GET takes no unmask or reason
    r = api.get(f"{API}/cases/{cid}", params={"unmask": "true", "reason": "回访当事人"}, headers=sup)
    assert r.json()["case"]["masked"] is True
    r = api.post(url, json={"reason": "回访当事人"}, headers=sup)
    assert r.status_code == 200
    parties = r.json()["case"]["parties"]
    assert parties[0]["name"] == "张三" and parties[0]["phone"] == "13812341234"
    assert parties[1]["name"] == "李四"  # the unmasking centre may see the anonymous caller
    assert r.json()["case"]["masked"] is False
    [entry] = deployment.audit.search(action="case.unmask")
    assert (entry.actor, entry.record, entry.reason) == ("user:sup", f"case:{cid}", "回访当事人")
    # the handling unit never sees the anonymous caller, not even masked
    masked = api.get(f"{API}/cases/{cid}", headers=med).json()["case"]["parties"][1]
    assert masked == {"name": "匿名", "role": "caller", "anonymous": True}


def test_cursor_paging_is_stable_and_filters_apply(api, deployment, factories):
    h = api.as_role("official", "C")
    for i in range(7):
        factories.case("reported", title=f"纠纷{i}", area_code="C.T1.C1.G1" if i % 2 else "C.T2.C1.G1")
    factories.case("in_progress", title="逾期纠纷", area_code="C.T1.C1.G1")
    seen, cursor = [], None
    while True:
        r = api.get(f"{API}/cases", params={"limit": 3, **({"cursor": cursor} if cursor else {})},
                    headers=h).json()
        seen += [c["id"] for c in r["items"]]
        if len(seen) == 3:  # a case arriving between pages does not shift the pages
            factories.case("reported", title="新来的")
        cursor = r["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == 8
    r = api.get(f"{API}/cases", params={"area": "C.T2"}, headers=h).json()
    assert {c["area_code"] for c in r["items"]} == {"C.T2.C1.G1"}
    r = api.get(f"{API}/cases", params={"status": "in_progress", "q": "逾期"}, headers=h).json()
    assert [c["title"] for c in r["items"]] == ["逾期纠纷"]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=60)).isoformat()
    r = api.get(f"{API}/cases", params={"reported_to": later, "status": "reported,accepted"},
                headers=h).json()
    assert len(r["items"]) == 8  # every case but the one in progress
    r = api.get(f"{API}/cases", params={"cursor": "garbage"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "cursor"
    r = api.get(f"{API}/cases", params={"status": "flying"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "status"


def test_overdue_filter(api, deployment, factories):
    h = api.as_role("official", "C")
    case = factories.case("accepted", at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    factories.case("accepted")
    r = api.get(f"{API}/cases", params={"overdue": "true"}, headers=h).json()
    assert [c["id"] for c in r["items"]] == [case.id] and r["items"][0]["overdue"] is True


def test_metrics_figure_series_and_drill_down(api, deployment, factories):
    h = api.as_role("official", "C")
    closed = factories.case("closed")
    factories.case("reported")
    defs = api.get(f"{API}/metrics", headers=h).json()
    assert defs and {"key", "label", "unit"} <= set(defs[0])
    key = next(m["key"] for m in defs if not m["gauge"])
    period = dt.datetime.now(dt.UTC).astimezone(deployment.metric_service.tz).strftime("%Y-%m")
    r = api.get(f"{API}/metrics/{key}", params={"area": "C", "period": period}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["figures"][0]["period"] == period
    series = api.get(f"{API}/metrics/{key}/series", params={"area": "C"}, headers=h).json()
    assert len(series["figures"]) == 12
    by_area = api.get(f"{API}/metrics/{key}", params={"area": "C", "by": "area"}, headers=h).json()
    assert {f["area_code"] for f in by_area["figures"]} == {"C.T1", "C.T2"}
    drill = api.get(f"{API}/metrics/cases_closed/drill", params={"area": "C", "period": period},
                    headers=h)
    if drill.status_code == 200:
        assert closed.id in [c["id"] for c in drill.json()["items"]]
    r = api.get(f"{API}/metrics/{key}", params={"period": "2026-13"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "period"
    r = api.get(f"{API}/metrics/nope", headers=h)
    assert r.status_code == 404 and r.json()["field"] == "metric"


def test_registries_areas_roster_and_plugins(api, deployment, factories):
    h = api.as_role("official", "C.T1")
    factories.person(external_id="M1", areas=("C.T1.C1",), phone="13700001234")
    factories.person(external_id="M2", areas=("C.T2.C1",))
    tree = api.get(f"{API}/areas", headers=h).json()
    assert tree[0]["code"] == "C" and tree[0]["children"][0]["code"] == "C.T1"
    people = api.get(f"{API}/roster/people", headers=h).json()
    assert [p["external_id"] for p in people] == ["M1"]  # M2 works in the other town
    assert people[0]["phone"] == "137****1234"
    r = api.get(f"{API}/roster/people", params={"area": "C.T2"}, headers=h)
    assert r.status_code == 403
    coverage = api.get(f"{API}/roster/coverage", headers=h).json()
    assert {c["area_code"]: c["members"] for c in coverage}["C.T1.C1"] == {"mediator": 1}
    roles = {r["code"] for r in api.get(f"{API}/roster/roles", headers=h).json()}
    assert {"mediator", "official", "admin"} <= roles
    plugins = api.get(f"{API}/plugins", headers=h).json()
    assert plugins[0]["name"] == "suyuan_core"
    assert api.get(f"{API}/categories", headers=h).json()


def test_session_login_needs_csrf_for_changes_and_is_throttled(api, deployment):
    deployment.accounts.add_user("amy", "Amy", "long-password")
    deployment.accounts.grant("amy", "official", "C")
    r = api.post(f"{API}/auth/login", json={"username": "amy", "password": "long-password"})
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    cookie = r.cookies.get("suyuan_session")
    assert cookie and "HttpOnly" in r.headers["set-cookie"] and "Secure" in r.headers["set-cookie"]
    api.cookies.set("suyuan_session", cookie)
    assert api.get(f"{API}/auth/me").json()["username"] == "amy"
    r = api.post(f"{API}/cases", json=new_case())
    assert r.status_code == 403 and r.json()["rule"] == "csrf"
    r = api.post(f"{API}/cases", json=new_case(), headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    assert api.post(f"{API}/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    api.cookies.clear()
    api.cookies.set("suyuan_session", cookie)
    assert api.get(f"{API}/auth/me").status_code == 401
    api.cookies.clear()
    for _ in range(deployment.config.core.web.login_max_failures):
        r = api.post(f"{API}/auth/login", json={"username": "amy", "password": "nope-nope"})
        assert r.status_code == 401 and r.json()["field"] == "password"
    r = api.post(f"{API}/auth/login", json={"username": "amy", "password": "long-password"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_audit_endpoint_is_for_county_administrators(api, deployment):
    admin = api.as_role("admin", "C")
    town_admin = api.as_role("admin", "C.T1")
    assert api.get(f"{API}/audit", headers=town_admin).status_code == 403
    r = api.get(f"{API}/audit", params={"action": "user."}, headers=admin)
    assert r.status_code == 200 and {e["action"] for e in r.json()} >= {"user.add", "user.grant"}
