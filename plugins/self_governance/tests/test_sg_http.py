"""The pillar's HTTP routes through the real app (litestar TestClient over the core's ``api``
client), on SQLite and on PostgreSQL: area scoping like the core's, audit entries in the same
transaction, personal data masked, and bad input refused with the field and the rule — and
nothing written."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from sg_testkit import MEDIATORS, committee_input, count, kinds, new_case, person
from suyuan_self_governance import models as m
from suyuan_self_governance.service import service
from suyuan_self_governance.web import routes

from suyuan_core.testing.http import ApiClient

API = "/api/v1/self_governance"


@pytest.fixture
def d(make_deployment):
    d = make_deployment(plugins=["self_governance"])
    sg = service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(committee_input())
    return d


@pytest.fixture
def api(d):
    with ApiClient(d) as client:
        yield client


def session_body(case_id, mediator="M1", outcome="success", **extra):
    body = {"case_id": case_id, "mediator": mediator, "held_at": "2026-03-05T15:00:00+08:00",
            "matter": "public", "reasons": ["sentiment", "law"],
            "participants": [{"name": "刘大妈", "role": "party"},
                             {"name": "周大爷", "role": "party"}],
            "outcome": outcome, "summary": "说事评理"}
    body.update(extra)
    return body


AGREEMENT = {"form": "written", "facts": "周家排水沟堵塞，雨水流入刘家院坝。",
             "issues": "排水沟的清理与改道", "terms": "周大爷一周内清理排水沟并改道。",
             "responsibilities": {"刘大妈": "配合施工", "周大爷": "清理并改道排水沟"},
             "performance_manner": "周大爷自行施工，社区调委会见证",
             "performance_due": "2026-03-15", "reached_on": "2026-03-05", "committee": "MC1"}


def audit_actions(d, prefix="self_governance."):
    return [e.action for e in d.audit.search(limit=500) if e.action.startswith(prefix)]


def assert_refused(r, status, field, rule):
    assert r.status_code == status, r.text
    body = r.json()
    assert (body["field"], body["rule"]) == (field, rule), body
    assert body["message"] and body["hint"]


# -- the routes are the core's kind of routes ---------------------------------------------------
def test_every_route_is_in_the_openapi_document_behind_auth_and_the_permission_guard(api):
    doc = api.get("/api/v1/schema/openapi.json").json()
    ours = {p for p in doc["paths"] if p.startswith(API + "/")}
    declared = {f"{API}{path}" for handler in routes() for path in handler.paths}
    declared = {p.replace(":int}", "}").replace(":str}", "}") for p in declared}
    assert declared == ours and len(ours) >= 30
    for path, item in doc["paths"].items():
        if path.startswith(API):
            for op in item.values():
                assert op["tags"] == ["self_governance"] and op["summary"], path
    body = doc["paths"][f"{API}/sessions"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    assert {"case_id", "mediator", "matter", "reasons", "outcome"} <= set(schema["required"])
    assert api.get(f"{API}/mediators").status_code == 401
    grid = api.as_role("grid_worker", "C.T1.C1")
    r = api.post(f"{API}/sessions", headers=grid, json=session_body(1))
    assert_refused(r, 403, "permission", "self_governance.sessions.record")


def test_roles_get_the_pillars_permissions(d):
    assert "self_governance.sessions.record" in d.roles["mediator"].permissions
    assert "self_governance.procedures.manage" in d.roles["official"].permissions
    assert "self_governance.procedures.manage" not in d.roles["mediator"].permissions
    assert "self_governance.patrols.record" in d.roles["grid_worker"].permissions
    assert "self_governance.roster.edit" in d.roles["supervisor"].permissions


# -- sessions and agreements --------------------------------------------------------------------
def test_a_mediator_settles_a_case_and_its_agreement_takes_effect(d, api):
    case = new_case(d)
    me = api.as_role("mediator", "C.T1.C1")
    r = api.post(f"{API}/sessions", headers=me, json=session_body(case.id))
    assert r.status_code == 201, r.text
    assert r.json()["case_status"] == "resolved"
    assert [p["name"] for p in r.json()["participants"]] == ["刘**", "周**"]
    listed = api.get(f"{API}/cases/{case.id}/sessions", headers=me).json()
    assert [s["outcome"] for s in listed] == ["success"]

    r = api.post(f"{API}/agreements", headers=me, json={"case_id": case.id, **AGREEMENT})
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["status"] == "draft" and a["copies"] == 3
    assert a["missing"] == ["刘大妈 签名", "周大爷 签名", "调解员签名", "调解委员会印章"]
    for signer, day in (("刘大妈", "2026-03-05"), ("周大爷", "2026-03-06"), ("mediator", "2026-03-06")):
        r = api.post(f"{API}/agreements/{a['id']}/signatures", headers=me,
                     json={"signer": signer, "on": day})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "draft"
    r = api.post(f"{API}/agreements/{a['id']}/seal", headers=me, json={"on": "2026-03-07"})
    assert r.json()["status"] == "effective" and r.json()["effective_on"] == "2026-03-07"
    r = api.post(f"{API}/agreements/{a['id']}/follow-ups", headers=me,
                 json={"checked_on": "2026-03-16", "result": "performed", "note": "已改道"})
    assert r.status_code == 201 and r.json()["agreement"]["status"] == "performed"
    assert "self_governance.agreement_effective" in kinds(d, case.id)
    assert "self_governance.performance" in kinds(d, case.id)
    assert audit_actions(d) == ["self_governance.session.record", "self_governance.agreement.draft",
                                *["self_governance.agreement.sign"] * 3,
                                "self_governance.agreement.seal",
                                "self_governance.agreement.follow_up"][::-1]

    # printable: the HTML print view and the DOCX name the parties for those who manage it
    page = api.get(f"{API}/agreements/{a['id']}/print", headers=me)
    assert page.headers["content-type"].startswith("text/html")
    assert "人民调解协议书" in page.text and "周大爷" in page.text and "2026-03-07" in page.text
    docx = api.get(f"{API}/agreements/{a['id']}/docx", headers=me)
    assert docx.headers["content-type"].endswith("wordprocessingml.document")
    with zipfile.ZipFile(io.BytesIO(docx.content)) as z:
        assert "刘大妈" in z.read("word/document.xml").decode("utf-8")
    assert "self_governance.agreement.print" in audit_actions(d)
    # a grid worker of the same community may read it, with the parties masked
    grid = api.as_role("grid_worker", "C.T1.C1")
    shown = api.get(f"{API}/agreements/{a['id']}", headers=grid).json()
    assert [p["name"] for p in shown["parties"]] == ["刘**", "周**"]
    assert set(shown["responsibilities"]) == {"刘**", "周**"}
    printed = api.get(f"{API}/agreements/{a['id']}/print", headers=grid).text
    assert "周大爷" not in printed and "周**" in printed
    r = api.post(f"{API}/agreements/{a['id']}/unmask", headers=grid, json={"reason": "核实身份"})
    assert_refused(r, 403, "unmask", "personal_data.unmask")


def test_a_mediator_outside_her_area_is_refused_and_nothing_is_written(d, api):
    case = new_case(d)  # in C.T1.C1.G1
    me = api.as_role("mediator", "C.T1.C1")
    before = d.cases.get(case.id).version
    r = api.post(f"{API}/sessions", headers=me, json=session_body(case.id, mediator="M2"))
    assert_refused(r, 422, "mediator", "covers_area")
    assert "C.T1.C2" in r.json()["message"] or "1镇2社区" in r.json()["message"]
    assert count(d, m.sessions) == 0 and d.cases.get(case.id).version == before
    assert audit_actions(d) == []
    r = api.post(f"{API}/cases/{case.id}/assign", headers=api.as_role("official", "C.T1"),
                 json={"mediator": "M2"})
    assert_refused(r, 422, "mediator", "covers_area")
    assert d.cases.get(case.id).version == before


def test_other_areas_cases_are_invisible_and_untouchable(d, api):
    case = new_case(d)  # C.T1.C1
    other_community = api.as_role("mediator", "C.T1.C2")
    r = api.post(f"{API}/sessions", headers=other_community, json=session_body(case.id))
    assert_refused(r, 404, "case_id", "exists")
    assert api.get(f"{API}/cases/{case.id}/sessions", headers=other_community).status_code == 404
    other_town = api.as_role("official", "C.T2")
    assert api.get(f"{API}/cases/{case.id}/route", headers=other_town).status_code == 404
    # may read but not act: a grid worker of the community cannot assign
    grid = api.as_role("grid_worker", "C.T1.C1")
    r = api.post(f"{API}/cases/{case.id}/assign", headers=grid, json={"mediator": "M1"})
    assert_refused(r, 403, "permission", "cases.assign")
    town = api.as_role("official", "C.T1")
    proposals = api.get(f"{API}/cases/{case.id}/route", headers=town).json()
    assert proposals[0]["handler_id"] == "M1" and "擅长" in proposals[0]["reason"]
    assert {p["handler_id"] for p in proposals} <= {"M1", "M3", "M4", "M5"}
    assert count(d, m.sessions) == 0


def test_bad_bodies_name_the_field_and_the_rule(d, api):
    case = new_case(d)
    me = api.as_role("mediator", "C.T1.C1")
    cases = [
        ({"case_id": "one"}, "case_id", "type"),
        (session_body(case.id, reasons="law"), "reasons", "type"),
        (session_body(case.id, fee=50), "SessionInput.fee", "no_fee"),
        (session_body(case.id, colour="red"), "SessionInput", "known_fields"),
        (session_body(case.id, matter="money"), "matter", "one_of"),
        (session_body(case.id, held_at="2026-03-05T15:00"), "held_at", "aware_datetime"),
        (session_body(case.id, outcome="failure"), "informed_of_other_routes",
         "mediation_law_art26"),
        ({k: v for k, v in session_body(case.id).items() if k != "mediator"}, "mediator",
         "required"),
        (session_body(case.id, summary="a\x00b"), "summary", "text"),
        (session_body(2**70), "case_id", "range"),
    ]
    for body, field, rule in cases:
        r = api.post(f"{API}/sessions", headers=me, json=body)
        assert r.status_code in (400, 422), (body, r.text)
        assert (r.json()["field"], r.json()["rule"]) == (field, rule), (body, r.json())
    assert count(d, m.sessions) == 0 and audit_actions(d) == []


# -- roster -------------------------------------------------------------------------------------
def test_roster_routes_keep_the_committee_rules_and_refuse_duplicates(d, api):
    town = api.as_role("supervisor", "C.T1")
    listed = api.get(f"{API}/mediators", headers=api.as_role("mediator", "C.T1.C1")).json()
    assert {x["external_id"]: x["background"] for x in listed}["M1"] == "veteran_party_member"
    assert "M2" not in {x["external_id"] for x in listed}  # she covers another community
    new = {"external_id": "M9", "name": "孙桂兰", "background": "veteran_cadre",
           "areas": ["C.T1.C2"], "gender": "female"}
    r = api.post(f"{API}/mediators", headers=town, json={"mediators": [new, new]})
    assert_refused(r, 422, "mediators[1].external_id", "unique")
    assert count(d, m.mediators) == len(MEDIATORS)
    r = api.post(f"{API}/mediators", headers=api.as_role("supervisor", "C.T2"),
                 json={"mediators": [new]})
    assert_refused(r, 403, "mediators[0].areas", "self_governance.roster.edit")
    assert api.post(f"{API}/mediators", headers=town, json={"mediators": [new]}).json() == \
        {"added": 1, "updated": 0}
    r = api.put(f"{API}/mediators/M9/availability", headers=town,
                json={"available": False, "until": "2026-06-30"})
    assert r.status_code == 200 and r.json()["unavailable_until"] == "2026-06-30"

    two = {"external_id": "MC2", "name": "二社区人民调解委员会", "kind": "mediation_committee",
           "area_code": "C.T1.C2", "term_start": "2025-01-01", "elected_by": "2024年居民会议",
           "members": [{"person": "M2", "position": "chair"}, {"person": "M9"}]}
    r = api.post(f"{API}/bodies", headers=town, json=two)
    assert_refused(r, 422, "members", "mediation_law_art8_size")
    person(d, "P7", ("mediator",), ("C.T1.C2",))
    person(d, "P8", ("mediator",), ("C.T1.C2",))
    two["members"] = [{"person": "M2", "position": "chair"}, {"person": "P7"}, {"person": "P8"}]
    r = api.post(f"{API}/bodies", headers=town, json=two)
    assert_refused(r, 422, "members", "mediation_law_art8_woman")
    two["members"][2] = {"person": "M9"}
    r = api.post(f"{API}/bodies", headers=town, json=two)
    assert r.status_code == 200 and r.json()["term_end"] == "2028-01-01"
    community = api.as_role("mediator", "C.T1.C1")
    assert api.get(f"{API}/bodies/MC2", headers=community).status_code == 404
    assert [b["external_id"] for b in api.get(f"{API}/bodies", headers=community).json()] == ["MC1"]
    assert "self_governance.body.save" in audit_actions(d)


# -- village rules and four-two -----------------------------------------------------------------
def test_village_rules_versions_filing_and_diff(d, api):
    official = api.as_role("official", "C.T1")
    rule = {"kind": "village_rules", "area_code": "C.T1.C1", "title": "一社区居民公约",
            "text": "一、邻里和睦。\n二、爱护环境。", "adopted_on": "2025-03-01",
            "meeting_ref": "2025年第1次居民会议",
            "meeting": {"body": "residents_assembly", "members": 100, "present": 60, "yes": 55}}
    assert api.post(f"{API}/rules", headers=official, json=rule).json() == \
        {"document_id": 1, "version": 1}
    inquorate = {**rule, "meeting": {**rule["meeting"], "present": 50, "yes": 50}}
    r = api.post(f"{API}/rules", headers=official, json=inquorate)
    assert_refused(r, 422, "meeting.present", "organic_law_art22_quorum")
    v2 = {**rule, "text": "一、邻里和睦。\n二、爱护环境。\n三、垃圾分类。", "adopted_on": "2026-01-10"}
    assert api.post(f"{API}/rules", headers=official, json=v2).json()["version"] == 2
    r = api.post(f"{API}/rules/1/versions/2/filing", headers=official,
                 json={"filed_at": "2026-01-05"})
    assert_refused(r, 409, "filed_at", "period")
    assert api.post(f"{API}/rules/1/versions/2/filing", headers=official,
                    json={"filed_at": "2026-01-15"}).status_code == 200
    doc = api.get(f"{API}/rules/1", headers=official).json()
    assert [v["filed_at"] for v in doc["versions"]] == [None, "2026-01-15"]
    diff = api.get(f"{API}/rules/1/diff", headers=official, params={"old": 1, "new": 2}).json()
    assert "+三、垃圾分类。" in diff["diff"]
    assert api.get(f"{API}/rules/1", headers=api.as_role("official", "C.T2")).status_code == 404
    r = api.post(f"{API}/rules", headers=api.as_role("mediator", "C.T1.C1"), json=rule)
    assert_refused(r, 403, "permission", "self_governance.rules.manage")


def test_four_two_procedure_through_http(d, api):
    official = api.as_role("official", "C.T1")
    r = api.post(f"{API}/procedures", headers=official, json={
        "area_code": "C.T1.C1", "title": "修建村道", "matter": "collective_project",
        "proposed_on": "2026-03-01", "content": "党支部提议修建村道"})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    step = f"{API}/procedures/{pid}/steps"

    def steps():
        with d.reading() as s:
            return s.scalar(sa.select(sa.func.count()).select_from(m.procedure_steps))

    r = api.post(step, headers=official, json={"step": "decide", "occurred_on": "2026-03-02"})
    assert_refused(r, 409, "step", "four_two_order")
    assert "consult" in r.json()["message"] and steps() == 1
    assert api.post(step, headers=official, json={"step": "consult", "occurred_on": "2026-03-03",
                                                  "content": "两委商议"}).status_code == 201
    review = {"step": "review", "occurred_on": "2026-03-05",
              "meeting": {"body": "party_members_meeting", "members": 30, "present": 20,
                          "yes": 18}}
    assert api.post(step, headers=official, json=review).status_code == 201
    decide = {"step": "decide", "occurred_on": "2026-03-08",
              "meeting": {"body": "representative_assembly", "members": 30, "present": 19,
                          "yes": 19}}
    r = api.post(step, headers=official, json=decide)
    assert_refused(r, 422, "meeting.present", "organic_law_art26_quorum")
    assert steps() == 3
    decide["meeting"] |= {"present": 20, "yes": 10}  # quorate, but 10 of 20 is not a majority
    r = api.post(step, headers=official, json={**decide, "procedure_id": pid + 1})
    assert_refused(r, 422, "procedure_id", "path")
    decide["meeting"]["yes"] = 11
    r = api.post(step, headers=official, json=decide)
    assert r.status_code == 201 and r.json()["decision"] == "adopted"
    assert r.json()["next_step"] == "disclose_resolution"
    late = api.get(f"{API}/procedures/overdue", headers=official, params={"on": "2026-03-20"})
    assert [(o["procedure_id"], o["step"]) for o in late.json()] == [(pid, "disclose_resolution")]
    assert api.get(f"{API}/procedures/overdue", headers=api.as_role("official", "C.T2"),
                   params={"on": "2026-03-20"}).json() == []
    # the supervision committee reviews; a member who is not on it is refused
    person(d, "S1", ("supervision_member",), ("C.T1.C1",), gender="female")
    person(d, "S2", ("supervision_member",), ("C.T1.C1",))
    person(d, "S3", ("supervision_member",), ("C.T1.C1",))
    service(d).roster.save_body(committee_input(
        external_id="SC1", name="一社区居务监督委员会", kind="supervision_committee",
        members=[{"person": "S1", "position": "chair"}, "S2", "S3"]))
    review_body = {"committee": "SC1", "subject": "村道决议", "reviewers": ["S1", "M1"],
                   "finding": "approved", "opinion": "程序合规", "reviewed_on": "2026-03-10",
                   "procedure_id": pid}
    sup = api.as_role("supervision_member", "C.T1.C1")
    r = api.post(f"{API}/supervision-reviews", headers=sup, json=review_body)
    assert_refused(r, 409, "reviewers[1]", "committee_member")
    review_body["reviewers"] = ["S1", "S2"]
    assert api.post(f"{API}/supervision-reviews", headers=sup, json=review_body).status_code == 201
    shown = api.get(f"{API}/procedures/{pid}", headers=sup).json()
    assert [s["step"] for s in shown["steps"]] == ["propose", "consult", "review", "decide"]
    assert shown["reviews"][0]["finding"] == "approved"
    assert api.get(f"{API}/procedures/{pid}", headers=api.as_role("official", "C.T2")).status_code \
        == 404


# -- grid and neighbourhood ---------------------------------------------------------------------
def test_a_patrol_hazard_opens_a_case_and_coverage_counts_it(d, api):
    person(d, "G1", ("grid_worker",), ("C.T1.C1.G1",))
    me = api.as_role("grid_worker", "C.T1.C1.G1")
    patrol = {"grid_code": "C.T1.C1.G1", "patroller": "G1",
              "started_at": "2026-03-04T09:00:00+08:00", "ended_at": "2026-03-04T10:30:00+08:00",
              "hazards": [{"title": "楼道堆放杂物", "category": "safety_hazard"}]}
    r = api.post(f"{API}/patrols", headers=me, json=patrol)
    assert r.status_code == 201, r.text
    (case_id,) = r.json()["cases"]
    case = d.cases.get(case_id)
    assert (case.source, case.level.name, case.area_code) == ("patrol", "grid", "C.T1.C1.G1")
    r = api.post(f"{API}/patrols", headers=me, json={**patrol, "grid_code": "C.T1.C1.G2"})
    assert_refused(r, 403, "grid_code", "self_governance.patrols.record")
    assert count(d, m.patrols) == 1
    cov = api.get(f"{API}/patrols/coverage", headers=api.as_role("official", "C.T1"),
                  params={"area": "C.T1.C1", "period": "2026-03"}).json()
    assert cov["covered_grid_weeks"] == 1 and cov["grid_weeks"] == 2 * 6
    assert [p["cases"] for p in api.get(f"{API}/patrols", headers=me).json()] == [[case_id]]


def test_courtyard_alliance_and_citizens_sunday(d, api):
    service(d).roster.save_body(committee_input(
        external_id="CA1", name="幸福院落互助联盟", kind="courtyard_alliance",
        area_code="C.T1.C1.G1", members=[{"person": "M1", "position": "lead"}]))
    official = api.as_role("official", "C.T1")
    r = api.post(f"{API}/alliance-matters", headers=official, json={
        "alliance": "CA1", "matter_kind": "small", "title": "楼道灯坏了",
        "handled_at": "2026-03-04T19:00:00+08:00", "satisfaction": "satisfied"})
    assert r.status_code == 201 and r.json()["status"] == "closed"
    summary = api.get(f"{API}/alliances/CA1/summary", headers=official).json()
    assert summary["matters"] == 1 and summary["satisfaction_rate"] == 100.0
    event = {"area_code": "C.T1.C1", "held_on": "2026-03-08", "platform": "learning",
             "title": "法治讲座", "attendance": 45, "matters": [{"title": "停车难"}]}
    r = api.post(f"{API}/sunday-events", headers=official, json={**event, "held_on": "2026-03-09"})
    assert_refused(r, 422, "held_on", "sunday")
    r = api.post(f"{API}/sunday-events", headers=official, json=event)
    assert r.status_code == 201 and len(r.json()["cases"]) == 1
    eid = r.json()["event_id"]
    r = api.post(f"{API}/sunday-events/{eid}/matters", headers=official, json={"title": "噪音扰民"})
    assert r.status_code == 201 and d.cases.get(r.json()["case_id"]).source == "citizens_sunday"
    assert api.post(f"{API}/sunday-events/{eid}/matters", headers=api.as_role("official", "C.T2"),
                    json={"title": "x"}).status_code == 404
    assert [e["attendance"] for e in api.get(f"{API}/sunday-events", headers=official).json()] == [45]
