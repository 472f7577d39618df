"""The pillar's HTTP routes through the real app: in the OpenAPI document behind authentication,
area scoping (404 outside the caller's areas for reads, 403 for writes), audited writes, the
monthly report as JSON, XLSX and print, and bad input refused naming the field — nothing written."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from rol_testkit import agreement
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.advisors import TermInput
from suyuan_rule_of_law.web import routes

from suyuan_core import period_pattern
from suyuan_core.testing.http import ApiClient

API = "/api/v1/rule_of_law"


@pytest.fixture
def api(d, rol):
    rol.advisors.assign(TermInput(advisor="L1", area_code="C.T1.C1", start_on="2026-01-01"))
    rol.advisors.assign(TermInput(advisor="L2", area_code="C.T2.C1", start_on="2026-01-01"))
    with ApiClient(d) as client:
        yield client


def rows(d, table) -> int:
    with d.reading() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(table)))


def test_routes_are_documented_and_behind_authentication(api):
    doc = api.get("/api/v1/schema/openapi.json").json()
    ours = {p for p in doc["paths"] if p.startswith(API + "/")}
    declared = {f"{API}{path}" for handler in routes() for path in handler.paths}
    declared = {p.replace(":int}", "}").replace(":str}", "}") for p in declared}
    assert declared == ours and len(ours) >= 18
    assert api.get(f"{API}/advisors/coverage").status_code == 401


def test_coverage_and_report_are_scoped_to_the_callers_areas(api, d):
    town1 = api.as_role("official", "C.T1")
    body = api.get(f"{API}/advisors/coverage", headers=town1).json()
    assert body["communities"] == 2 and body["covered"] == 1
    assert {r["area_code"] for r in body["rows"]} == {"C.T1.C1", "C.T1.C2"}
    assert api.get(f"{API}/advisors/coverage?area=C.T2", headers=town1).status_code == 403
    r = api.get(f"{API}/advisors/L1/report?month=2026-03", headers=town1)
    assert r.status_code == 200 and r.json()["advisor_name"] == "张律师"
    assert api.get(f"{API}/advisors/L2/report?month=2026-03", headers=town1).status_code == 404
    x = api.get(f"{API}/advisors/L1/report.xlsx?month=2026-03", headers=town1)
    assert x.status_code == 200 and x.content[:2] == b"PK"
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(x.content))["L1"]["A2"].value.startswith("村(社区)")
    p = api.get(f"{API}/advisors/L1/report/print?month=2026-03", headers=town1)
    assert p.status_code == 200 and "一月一通报" in p.text
    assert api.get(f"{API}/advisors/L1/report?month=2026-3", headers=town1).status_code == 400


def test_an_activity_outside_the_advisors_area_is_a_clear_422_and_writes_nothing(api, d):
    sup = api.as_role("supervisor", "C")
    r = api.post(f"{API}/advisors/activities", headers=sup, json={
        "advisor": "L1", "area_code": "C.T1.C2", "kind": "consultation", "day": "2026-03-03"})
    assert r.status_code == 422 and r.json()["field"] == "area_code"
    assert r.json()["rule"] == "advisor_area" and rows(d, m.advisor_activities) == 0
    r = api.post(f"{API}/lectures", headers=sup, json={
        "kind": "legal_lecture", "area_code": "C.T1.C2", "held_on": "2026-03-03",
        "topic": "民法典", "attendance": 30, "speaker": "L1"})
    assert r.status_code == 422 and r.json()["rule"] == "advisor_area"
    assert rows(d, m.lectures) == 0
    r = api.post(f"{API}/lectures", headers=sup, json={
        "kind": "legal_lecture", "area_code": "C.T1.C1", "held_on": "2026-03-03",
        "topic": "民法典", "attendance": 30, "speaker": "L1", "fee": 5})
    assert r.status_code == 422 and "fee" in r.json()["message"] and rows(d, m.lectures) == 0
    r = api.post(f"{API}/lectures", headers=sup, json={
        "kind": "legal_lecture", "area_code": "C.T1.C1", "held_on": "2026-03-03",
        "topic": "民法典", "attendance": 30, "speaker": "L1"})
    assert r.status_code == 201
    actions = [e.action for e in d.audit.search(limit=50)]
    assert "rule_of_law.lecture" in actions


def test_writes_outside_the_callers_areas_are_403(api, d):
    town2 = api.as_role("official", "C.T2")
    r = api.post(f"{API}/lectures", headers=town2, json={
        "kind": "legal_lecture", "area_code": "C.T1.C1", "held_on": "2026-03-03",
        "topic": "民法典", "attendance": 30})
    assert r.status_code == 403 and rows(d, m.lectures) == 0


def test_judicial_confirmation_over_http(api, d, keeper):
    a = agreement(d, keeper, 1, effective_on="2026-03-02")
    official = api.as_role("official", "C.T1")
    r = api.post(f"{API}/confirmations", headers=official, json={
        "agreement_ref": a.ref, "applied_on": "2026-04-02", "applicants": ["刘大妈", "周大爷"],
        "court": "金堂县人民法院"})
    assert r.status_code == 422 and r.json()["rule"] == "art33_window"
    assert rows(d, m.confirmations) == 0
    r = api.post(f"{API}/confirmations", headers=official, json={
        "agreement_ref": a.ref, "applied_on": "2026-03-20", "applicants": ["刘大妈", "周大爷"],
        "court": "金堂县人民法院"})
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    # the official may file, not decide
    assert api.post(f"{API}/confirmations/{app_id}/accept", headers=official, json={
        "on": "2026-03-21", "court_case_number": "(2026)川0121民特3号"}).status_code == 403
    clerk = api.as_role("court_clerk", "C")
    r = api.post(f"{API}/confirmations/{app_id}/accept", headers=clerk, json={
        "on": "2026-03-21", "court_case_number": "(2026)川0121民特3号"})
    assert r.status_code == 201 and r.json()["status"] == "accepted"
    r = api.post(f"{API}/confirmations/{app_id}/decide", headers=clerk,
                 json={"on": "2026-03-30", "outcome": "confirmed"})
    assert r.json()["status"] == "confirmed" and keeper.decisions == [(a.ref, "confirmed")]
    town2 = api.as_role("official", "C.T2")
    assert api.get(f"{API}/confirmations/{app_id}", headers=town2).status_code == 404
    assert [x["id"] for x in api.get(f"{API}/confirmations", headers=official).json()] == [app_id]
    assert api.get(f"{API}/confirmations", headers=town2).json() == []
    # the agreement is confirmed: a second application is the agreement's state, a 409
    r = api.post(f"{API}/confirmations", headers=official, json={
        "agreement_ref": a.ref, "applied_on": "2026-03-21", "applicants": ["刘大妈", "周大爷"]})
    assert r.status_code == 409 and r.json()["rule"] == "once"


def test_an_agreement_reference_is_documented_and_one_no_keeper_knows_is_a_404(api, d, keeper):
    doc = api.get("/api/v1/schema/openapi.json").json()
    content = doc["paths"][f"{API}/confirmations"]["post"]["requestBody"]["content"]
    props = content["application/json"]["schema"]["properties"]
    assert re.search(props["agreement_ref"]["pattern"], "self_governance:12")
    assert not re.search(props["agreement_ref"]["pattern"], "self_governance:²")
    assert props["applicants"]["minItems"] == 1
    assert props["applied_on"]["pattern"] == period_pattern("day")
    official = api.as_role("official", "C.T1")
    for ref in ("nobody:1", "self_governance:99999999999999999999"):
        r = api.post(f"{API}/confirmations", headers=official, json={
            "agreement_ref": ref, "applied_on": "2026-03-20", "applicants": ["刘大妈"]})
        assert r.status_code == 404 and r.json()["field"] == "agreement_ref", r.text


def test_the_areas_a_resource_serves_are_the_deployments_codes(api, d):
    doc = api.get("/api/v1/schema/openapi.json").json()
    content = doc["paths"][f"{API}/directory"]["post"]["requestBody"]["content"]
    serves = content["application/json"]["schema"]["properties"]["serves"]
    assert serves["items"]["enum"] == sorted(d.areas.tree.areas)


@pytest.fixture
def writes(api, d, rol):
    """A case with a video session, a circuit session and a delegated case to write to."""
    from rol_testkit import at
    from suyuan_rule_of_law.courts import CircuitInput
    from suyuan_rule_of_law.directory import ResourceInput
    from suyuan_rule_of_law.invited import DelegationInput
    from suyuan_rule_of_law.video import ScheduleInput

    from suyuan_core import NewCase, Person

    case = d.cases.create(NewCase(title="邻里纠纷", category="neighbour", source="application",
                                  area_code="C.T1.C1", occurred_at=at("2026-03-02")), actor="t")
    video = rol.video.schedule(ScheduleInput(case_id=case.id, scheduled_at=at("2026-03-05"),
                                             participants=["刘大妈", "周大爷"]), actor="t")
    circuit = rol.courts.record(CircuitInput(kind="open_air_court", court="赵镇人民法庭",
                                             area_code="C.T1.C1", held_on="2026-03-06",
                                             attendance=40, problems=["土地流转"]), actor="t")
    rol.directory.save([ResourceInput(external_id="INV1", name="商事调解中心",
                                      kind="commercial_mediation", area_code="C", invited=True)])
    d.roster.save([Person(external_id="IM1", name="钱", roles=("invited_mediator",),
                          areas=("C",), organisation="INV1")])
    rol.invited.receive([DelegationInput(
        platform_ref="H-1", mode="delegated", title="买卖合同纠纷", category="contract",
        area_code="C.T1.C1", organisation="INV1", mediator="IM1", received_on="2026-03-02")],
        actor="t")
    delegation = rol.invited.find()[0]["id"]
    return {"video": video["id"], "circuit": circuit, "delegation": delegation}


def write_calls(ids):
    return [
        ("video_attendance", f"/video-sessions/{ids['video']}/attendance",
         {"attended": ["刘大妈"]}),
        ("video_outcome", f"/video-sessions/{ids['video']}/outcome", {"outcome": "settled"}),
        ("circuit_follow_up", f"/circuit-sessions/{ids['circuit']}/follow-up",
         {"on": "2026-03-20", "follow_up": "已向镇政府通报土地流转问题"}),
        ("delegation_result", f"/delegations/{ids['delegation']}/result",
         {"result": "settled", "closed_on": "2026-03-10"}),
        ("duty", "/duties", {"department": "县司法局", "year": 2026, "item": "民法典进社区",
                             "kind": "legal_lecture", "target": 12}),
    ]


def state(d, rol, ids) -> tuple:
    video = rol.video.get(ids["video"])
    circuit = rol.courts.find(session_id=ids["circuit"])[0]
    delegation = rol.invited.find(delegation_id=ids["delegation"])[0]
    return (video["attended"], video["outcome"], circuit["follow_up"], delegation["result"],
            len(rol.education.duties(2026)))


def test_a_write_whose_audit_entry_fails_leaves_nothing(api, d, rol, writes):
    """The write and its audit entry are one transaction: when the entry cannot be written, the
    change is not kept either (and the caller gets an error, not a half-done write)."""
    before = state(d, rol, writes)
    sup = api.as_role("supervisor", "C", ("court_clerk", "C"))
    real = d.audit.write

    def failing(session, *, action, **kwargs):
        if action.startswith("rule_of_law."):
            raise RuntimeError("the audit log is unavailable")
        return real(session, action=action, **kwargs)

    d.audit.write = failing
    try:
        for _action, path, body in write_calls(writes):
            r = api.post(f"{API}{path}", headers=sup, json=body)
            assert r.status_code == 500, (path, r.status_code, r.text)
    finally:
        d.audit.write = real
    assert state(d, rol, writes) == before


def test_each_write_has_one_audit_entry_and_answers_what_it_wrote(api, d, rol, writes):
    sup = api.as_role("supervisor", "C", ("court_clerk", "C"))
    seen = []
    for action, path, body in write_calls(writes):
        since = len(d.audit.search(limit=500))
        r = api.post(f"{API}{path}", headers=sup, json=body)
        assert r.status_code == 201, (path, r.text)
        seen.append(r.json())
        new = d.audit.search(limit=500)[: len(d.audit.search(limit=500)) - since]
        assert [e.action for e in new] == [f"rule_of_law.{action}"], (path, new)
    assert seen[2]["follow_up"] == "已向镇政府通报土地流转问题"
    assert seen[3]["result"] == "settled" and seen[3]["closed_on"] == "2026-03-10"
    assert state(d, rol, writes) == (["刘大妈"], "settled", "已向镇政府通报土地流转问题",
                                     "settled", 1)


def test_request_bodies_are_documented_from_the_input_classes(api):
    doc = api.get("/api/v1/schema/openapi.json").json()

    def body(path):
        content = doc["paths"][f"{API}{path}"]["post"]["requestBody"]["content"]
        return content["application/json"]["schema"]

    lecture = body("/lectures")
    assert set(lecture["required"]) == {"kind", "area_code", "held_on", "topic", "attendance"}
    assert lecture["properties"]["kind"]["enum"] == ["legal_lecture", "case_based_teaching",
                                                     "seven_into"]
    assert lecture["properties"]["attendance"]["maximum"] == 5000
    assert lecture["properties"]["held_on"]["format"] == "date"
    assert lecture.get("additionalProperties") is False
    assert body("/confirmations/{application_id}/decide")["properties"]["outcome"]["enum"] == [
        "confirmed", "refused"]
    sup = api.as_role("supervisor", "C")
    r = api.post(f"{API}/lectures", headers=sup, json={
        "kind": "legal_lecture", "area_code": "C.T1.C1", "held_on": "2026-03-03",
        "topic": "民法典", "attendance": "thirty"})
    assert r.status_code == 422 and (r.json()["field"], r.json()["rule"]) == ("attendance", "type")
