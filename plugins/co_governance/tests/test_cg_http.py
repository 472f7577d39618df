"""The pillar's HTTP API: the ledger flow and its refusals, the committees with the conflict rule,
participation and hours; area scoping (404 outside the caller's areas for reads, 403 for writes);
every bad body answered 4xx naming the field, with nothing written; the XLSX export."""

from __future__ import annotations

import io

import pytest
from cg_testkit import CONFIG, ORGS, PEOPLE, UNITS, count, new_case
from openpyxl import load_workbook
from suyuan_co_governance import models as m
from suyuan_co_governance.service import service

from suyuan_core.testing.http import ApiClient

BASE = "/api/v1/co_governance"
REGISTER = {"project": "成巴高速金堂段征地", "subject": "青苗补偿标准争议", "area_code": "C.T1.C1",
            "unit": "U-GZ", "affected_count": 12, "affected": ["刘大妈", "周大爷"],
            "deadline": "2026-03-31", "measures": "重新测量", "registered_on": "2026-03-01"}
CLOSE = {"evidence": ["补偿协议"], "signed_off_by": "U-GZ", "signatory": "李科长",
         "lawsuit": False, "closed_on": "2026-03-20"}


@pytest.fixture
def api(make_deployment):
    d = make_deployment(plugins=["co_governance"], config=CONFIG)
    cg = service(d)
    cg.forces.save_orgs([*UNITS, *ORGS])
    cg.forces.save_people(PEOPLE)
    with ApiClient(d) as client:
        yield client


def test_the_ledger_flow_over_http(api):
    h = api.as_role("official", "C.T1")
    r = api.post(f"{BASE}/ledger", json=REGISTER, headers=h)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["outcome"] == "registered"
    issue = body["issue"]
    assert issue["affected"] == ["刘**", "周**"]  # masked by default
    r = api.post(f"{BASE}/ledger/{issue['id']}/progress",
                 json={"text": "已测量", "occurred_on": "2026-03-05"}, headers=h)
    assert r.status_code == 200, r.text
    r = api.post(f"{BASE}/ledger/{issue['id']}/close-out", json=CLOSE, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    again = api.post(f"{BASE}/ledger", json={**REGISTER, "registered_on": "2026-04-02",
                                             "deadline": "2026-04-30"}, headers=h)
    assert again.status_code == 201 and again.json()["outcome"] == "reopened"
    assert again.json()["issue"]["id"] == issue["id"]
    listed = api.get(f"{BASE}/ledger", headers=h).json()
    assert [i["id"] for i in listed] == [issue["id"]]
    shown = api.get(f"{BASE}/ledger/{issue['id']}", headers=h).json()
    assert [e["kind"] for e in shown["entries"]] == ["register", "progress", "close_out", "reopen"]
    units = api.get(f"{BASE}/ledger/units", headers=h).json()
    assert units[0]["unit"] == "U-GZ" and units[0]["registered"] == 1
    # each write audited once, in its own transaction, naming the record (no core safety-net
    # entry on top)
    actions = [e.action for e in api.deployment.audit.search(limit=100)]
    assert actions.count("co_governance.ledger.register") == 2
    assert actions.count("co_governance.ledger.close_out") == 1
    assert "co_governance.http" not in actions


def test_unmasking_the_people_affected_needs_the_right_and_a_reason(api):
    official = api.as_role("official", "C.T1")
    issue = api.post(f"{BASE}/ledger", json=REGISTER, headers=official).json()["issue"]
    url = f"{BASE}/ledger/{issue['id']}/unmask"
    why = {"reason": "核实补偿名单"}
    assert api.post(url, json=why, headers=official).status_code == 403
    sup = api.as_role("supervisor", "C")
    assert api.post(url, json={}, headers=sup).status_code == 422  # no reason
    assert api.post(url, json={"reason": "x" * 501}, headers=sup).status_code == 422
    r = api.post(url, json=why, headers=sup)
    assert r.status_code == 200 and r.json()["affected"] == ["刘大妈", "周大爷"]
    # the reason never travels in a URL: the GET takes no unmask or reason
    assert api.get(f"{BASE}/ledger/{issue['id']}?unmask=true&reason=x",
                   headers=sup).json()["affected"] == ["刘**", "周**"]
    # masked by declaration (SensitiveField on the column) in the issue, the list and the export
    plain = api.get(f"{BASE}/ledger/{issue['id']}", headers=sup).json()["affected"]
    listed = [i for i in api.get(f"{BASE}/ledger", headers=sup).json() if i["id"] == issue["id"]]
    assert plain == listed[0]["affected"] == ["刘**", "周**"]
    assert issue["affected"] == ["刘**", "周**"]
    d = api.deployment
    entries = [e for e in d.audit.search(limit=50) if e.action == "personal_data.unmask"]
    assert [(e.record, e.reason) for e in entries] == [(f"ledger:{issue['id']}", "核实补偿名单")]


@pytest.mark.parametrize("change, field, status", [
    ({"evidence": []}, "evidence", 422),
    ({"signed_off_by": "U-T1"}, "signed_off_by", 422),
    ({"lawsuit": "no"}, "lawsuit", 422),
    ({"evidence": "补偿协议"}, "evidence", 422),
])
def test_a_bad_close_out_over_http_names_the_field_and_writes_nothing(api, change, field, status):
    h = api.as_role("official", "C.T1")
    issue = api.post(f"{BASE}/ledger", json=REGISTER, headers=h).json()["issue"]
    d = api.deployment
    before = (count(d, m.ledger_entries), count(d, m.ledger_issues))
    r = api.post(f"{BASE}/ledger/{issue['id']}/close-out", json={**CLOSE, **change}, headers=h)
    assert r.status_code == status, r.text
    assert r.json()["field"] == field and r.json()["hint"]
    assert (count(d, m.ledger_entries), count(d, m.ledger_issues)) == before
    assert api.get(f"{BASE}/ledger/{issue['id']}", headers=h).json()["status"] == "open"


def test_ledger_scoping_404_for_reads_and_403_for_writes(api):
    mine = api.as_role("official", "C.T1")
    issue = api.post(f"{BASE}/ledger", json=REGISTER, headers=mine).json()["issue"]
    far = api.as_role("official", "C.T2")
    assert api.get(f"{BASE}/ledger/{issue['id']}", headers=far).status_code == 404
    assert api.get(f"{BASE}/ledger", headers=far).json() == []
    assert api.get(f"{BASE}/ledger?area=C.T1", headers=far).status_code == 403
    r = api.post(f"{BASE}/ledger/{issue['id']}/close-out", json=CLOSE, headers=far)
    assert r.status_code == 404
    assert api.post(f"{BASE}/ledger", json=REGISTER, headers=far).status_code == 403
    reader = api.as_role("grid_worker", "C.T1.C1")
    assert api.get(f"{BASE}/ledger/{issue['id']}", headers=reader).status_code == 200
    r = api.post(f"{BASE}/ledger/{issue['id']}/close-out", json=CLOSE, headers=reader)
    assert r.status_code == 403
    assert count(api.deployment, m.ledger_entries) == 1


def test_the_export_is_an_xlsx_with_overdue_first(api):
    h = api.as_role("official", "C.T1")
    api.post(f"{BASE}/ledger", json={**REGISTER, "subject": "晚", "deadline": "2026-03-05"},
             headers=h)
    api.post(f"{BASE}/ledger", json={**REGISTER, "subject": "更晚", "deadline": "2026-03-02"},
             headers=h)
    r = api.get(f"{BASE}/ledger/export.xlsx", headers=h)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "挂号号 Ref."
    assert [row[2] for row in rows[1:]] == ["更晚", "晚"]
    assert rows[1][6] == "刘**、周**"  # masked
    assert wb.worksheets[1].title == "责任单位 Units"


def test_committees_over_http_with_the_conflict_rule(api):
    sup = api.as_role("supervisor", "C")
    committee = {"external_id": "IC-HEALTH", "name": "县医调委", "area_code": "C",
                 "sponsor": "县卫生健康局", "coverage": [{"category": "medical", "area_code": "C"}]}
    assert api.post(f"{BASE}/committees", json=committee, headers=sup).status_code == 200
    r = api.post(f"{BASE}/committees", json={**committee, "external_id": "IC-2"}, headers=sup)
    assert r.status_code == 409 and r.json()["rule"] == "coverage_conflict"
    assert api.get(f"{BASE}/committees/IC-2", headers=sup).status_code == 404
    d = api.deployment
    case = new_case(d, category="medical")
    d.cases.act(case.id, "assign", actor="t", data={"assignees": ["organisation:IC-HEALTH"]})
    figures = api.get(f"{BASE}/committees/figures", headers=sup).json()
    assert figures[0]["committee"] == "IC-HEALTH" and figures[0]["caseload"] == 1
    cases = api.get(f"{BASE}/committees/IC-HEALTH/cases?result=open", headers=sup).json()
    assert [c["case_id"] for c in cases] == [case.id]
    official = api.as_role("official", "C.T1")
    r = api.post(f"{BASE}/committees", json={**committee, "external_id": "IC-3",
                                             "coverage": [{"category": "traffic",
                                                           "area_code": "C"}]}, headers=official)
    assert r.status_code == 403


def test_participation_and_hours_over_http(api):
    d = api.deployment
    case = new_case(d)
    h = api.as_role("mediator", "C.T1.C1")
    r = api.post(f"{BASE}/participations", json={"force": "party_member", "role": "mediator",
                                                 "person": "PM1", "case_id": case.id}, headers=h)
    assert r.status_code == 201, r.text
    assert [e.kind for e in d.cases.timeline(case.id)][-1] == "co_governance.participation"
    listed = api.get(f"{BASE}/participations?case_id={case.id}", headers=h).json()
    assert [p["person"] for p in listed] == ["PM1"]
    official = api.as_role("official", "C.T1")
    r = api.post(f"{BASE}/hours", json={"volunteer": "V1", "served_on": "2999-01-01", "hours": 2,
                                        "activity": "普法"}, headers=official)
    assert r.status_code == 422 and r.json()["field"] == "served_on"
    assert count(d, m.service_hours) == 0
    r = api.post(f"{BASE}/hours", json={"volunteer": "V1", "served_on": "2026-03-01", "hours": 2,
                                        "activity": "普法"}, headers=official)
    assert r.status_code == 201
    assert api.get(f"{BASE}/hours", headers=official).json()[0]["hours"] == 2
    far = api.as_role("mediator", "C.T2.C1")
    r = api.post(f"{BASE}/participations", json={"force": "party_member", "role": "mediator",
                                                 "person": "PM2", "case_id": case.id}, headers=far)
    assert r.status_code == 404


def test_party_routes(api):
    sup = api.as_role("supervisor", "C")
    d = api.deployment
    from suyuan_core import Organisation

    d.roster.save_organisations([Organisation(external_id="MC1", name="调委会",
                                              kind="mediation_committee", area_code="C.T1.C1")])
    r = api.post(f"{BASE}/party/orgs", json={"external_id": "PG1", "name": "调委会党小组",
                                             "kind": "group", "area_code": "C.T1.C1",
                                             "host": "MC1"}, headers=sup)
    assert r.status_code == 200, r.text
    bodies = api.get(f"{BASE}/party/bodies?area=C&with_group=true", headers=sup).json()
    assert [b["external_id"] for b in bodies] == ["MC1"]
    r = api.post(f"{BASE}/party/orgs", json={"external_id": "PG2", "name": "x", "kind": "group",
                                             "area_code": "C.T1.C1"}, headers=sup)
    assert r.status_code == 422 and r.json()["field"] == "host"
