"""The pillar's HTTP routes through the real app: masking and unmasking with a reason, the town
official refused, sealed minors, the access report as CSV/XLSX, figures as suppressed counts,
the second vote 409 writing nothing, marriage dispatch; bad bodies 4xx naming the field."""

from __future__ import annotations

import io

import attrs
import pytest
from openpyxl import load_workbook
from suyuan_virtue import models as m
from suyuan_virtue.guardianship import Guardianships
from suyuan_virtue.registers import Registers
from suyuan_virtue.web import routes
from vt_testkit import PLAIN, UNMASKED, access, correction, count, deployment_with_keys

from suyuan_core import Organisation, Person
from suyuan_core.testing.http import ApiClient

API = "/api/v1/virtue"



@pytest.fixture
def d(make_deployment, tmp_path):
    d = deployment_with_keys(make_deployment, tmp_path)
    who = access(d, "seed", ("correction_officer", "C"))
    d.info = {"rec": Registers(d).add(who, correction()),
              "minor": Registers(d).add(who, correction(birth_date="2010-01-01"))}
    return d


@pytest.fixture
def api(d):
    with ApiClient(d) as client:
        yield client


def test_routes_are_in_the_openapi_document_behind_auth(api):
    doc = api.get("/api/v1/schema/openapi.json").json()
    ours = {p for p in doc["paths"] if p.startswith(API + "/")}
    declared = {f"{API}{p}".replace(":int}", "}").replace(":str}", "}")
                for h in routes() for p in h.paths}
    assert declared == ours and len(ours) >= 20
    assert api.get(f"{API}/registers/community_correction").status_code == 401


def test_masked_then_unmasked_with_a_reason_and_refused_without(api, d):
    h = api.as_role("correction_officer", "C.T1")
    rec = d.info["rec"]
    r = api.get(f"{API}/records/{rec}", headers=h)
    assert r.status_code == 200 and r.json()["fields"]["name"] == "王**"
    assert PLAIN["id_number"] not in r.text and PLAIN["offence"] not in r.text
    r = api.post(f"{API}/records/{rec}/unmask", json={}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "reason"
    assert PLAIN["name"] not in r.text
    r = api.post(f"{API}/records/{rec}/unmask", json={"reason": 5}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = api.post(f"{API}/records/{rec}/unmask", json={"reason": "核实报到情况"}, headers=h)
    assert r.status_code == 200 and r.json()["fields"]["id_number"] == PLAIN["id_number"]
    e = [x for x in d.audit.search(limit=100) if x.action == UNMASKED]
    assert e[0].reason == "核实报到情况" and e[0].ip
    # the reason never travels in a URL: the GET takes no unmask or reason parameter at all
    r = api.get(f"{API}/records/{rec}", params={"unmask": "true", "reason": "核实报到情况"},
                headers=h)
    assert r.status_code == 200 and r.json()["masked"] and PLAIN["name"] not in r.text
    assert len([x for x in d.audit.search(limit=100) if x.action == UNMASKED]) == 1
    doc = api.get("/api/v1/schema/openapi.json").json()
    for path, ops in doc["paths"].items():
        if path.startswith(API):
            for op in ops.values():
                names = {p["name"] for p in op.get("parameters", ()) if isinstance(p, dict)}
                assert not names & {"reason", "unmask"}, path


def test_guardianship_and_referral_unmask_by_post_only(api, d):
    from test_vt_families import agreement

    aid = Guardianships(d).add(access(d, "mz", ("civil_affairs_officer", "C")), agreement())
    h = api.as_role("civil_affairs_officer", "C.T1")
    r = api.get(f"{API}/guardianships/{aid}", headers=h)
    assert r.status_code == 200 and r.json()["child_name"] == "刘**"
    assert r.json()["reviews"] == [] and r.json()["renewed_by"] is None
    r = api.post(f"{API}/guardianships/{aid}/unmask", json={"reason": ""}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "reason" and "刘小雨" not in r.text
    r = api.post(f"{API}/guardianships/{aid}/unmask", json={"reason": "核实监护人"}, headers=h)
    assert r.status_code == 200 and r.json()["child_name"] == "刘小雨"
    social = api.as_role("social_worker", "C.T1")
    rid = api.post(f"{API}/referrals", json={"area_code": "C.T1.C1", "source": "grid_worker",
                                             "name": "赵大海", "consent_on": "2026-03-01"},
                   headers=social).json()["id"]
    r = api.post(f"{API}/referrals/{rid}/unmask", json={"reason": "安排咨询"}, headers=social)
    assert r.status_code == 403 and "赵大海" not in r.text  # a social worker may not unmask
    counsellor = api.as_role("counsellor", "C.T1")
    r = api.post(f"{API}/referrals/{rid}/unmask", json={"reason": "安排咨询"}, headers=counsellor)
    assert r.status_code == 200 and r.json()["name"] == "赵大海"


def test_a_town_official_of_the_same_town_is_refused(api, d):
    h = api.as_role("official", "C.T1")
    r = api.get(f"{API}/records/{d.info['rec']}", headers=h)
    assert r.status_code == 403  # holds no register right anywhere: the guard refuses
    assert PLAIN["name"] not in r.text and "王" not in r.text
    r = api.get(f"{API}/registers/community_correction", headers=h)
    assert r.status_code == 403
    other = api.as_role("correction_officer", "C.T2")
    assert api.get(f"{API}/records/{d.info['rec']}", headers=other).status_code == 404


def test_sealed_minor_only_for_the_judicial_authority(api, d):
    minor = d.info["minor"]
    officer = api.as_role("correction_officer", "C")
    assert api.get(f"{API}/records/{minor}", headers=officer).status_code == 404
    ids = [x["id"] for x in api.get(f"{API}/registers/community_correction",
                                    headers=officer).json()]
    assert ids == [d.info["rec"]]
    judge = api.as_role("judicial_authority", "C")
    r = api.get(f"{API}/records/{minor}", headers=judge)
    assert r.status_code == 200 and r.json()["minor"] is True


def test_access_report_exports_and_figures_are_suppressed_counts(api, d):
    h = api.as_role("correction_officer", "C.T1")
    api.post(f"{API}/records/{d.info['rec']}/unmask", json={"reason": "核实报到情况"}, headers=h)
    dpo = api.as_role("privacy_officer", "C")
    assert api.get(f"{API}/registers/community_correction/access-report",
                   headers=h).status_code == 403
    r = api.get(f"{API}/registers/community_correction/access-report",
                params={"format": "csv"}, headers=dpo)
    assert r.status_code == 200 and UNMASKED in r.content.decode("utf-8-sig")
    for value in PLAIN.values():
        assert value not in r.content.decode("utf-8-sig")
    r = api.get(f"{API}/registers/community_correction/access-report",
                params={"format": "xlsx"}, headers=dpo)
    book = load_workbook(io.BytesIO(r.content))
    assert book.active.max_row >= 3
    town = api.as_role("official", "C.T1")
    r = api.get(f"{API}/registers-figures", params={"area": "C.T1"}, headers=town)
    assert r.status_code == 200 and r.json()["community_correction"] == "<5"
    assert api.get(f"{API}/registers-figures", params={"area": "C.T2"},
                   headers=town).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"register": "community_correction"}, "area_code"),  # the first missing field, by name
    ({"nonsense": 1}, "register"),  # the body's schema: the first required field, by name
    ({**attrs.asdict(correction()), "term_start": 5}, "term_start"),
])
def test_bad_register_bodies_write_nothing(api, d, body, field):
    h = api.as_role("correction_officer", "C")
    before = count(d, m.register_records)
    if "helpers" in body:
        body = {**body, "helpers": list(body["helpers"])}
    r = api.post(f"{API}/registers", json=body, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and r.json()["hint"]
    assert count(d, m.register_records) == before


def test_second_vote_is_409_and_writes_nothing(api, d):
    h = api.as_role("official", "C")
    sid = api.post(f"{API}/selections", json={"kind": "best_daughter_in_law", "title": "最美儿媳",
                                              "year": 2026, "area_code": "C"}, headers=h).json()["id"]
    nid = api.post(f"{API}/selections/{sid}/nominations", json={
        "nominee": "李秀", "area_code": "C.T1.C1", "deeds": "照顾瘫痪婆婆十年"}, headers=h).json()["id"]
    assert api.post(f"{API}/nominations/{nid}/review", json={"approve": True},
                    headers=h).status_code == 201
    assert api.post(f"{API}/selections/{sid}/notice", json={"on": "2026-05-01"},
                    headers=h).json() == {"notice_until": "2026-05-08"}
    assert api.post(f"{API}/selections/{sid}/open", json={"on": "2026-05-09"},
                    headers=h).status_code == 201
    assert api.post(f"{API}/selections/{sid}/votes", json={"nomination_id": nid,
                                                           "household": "HH0001"},
                    headers=h).status_code == 201
    before = (count(d, m.votes), count(d, m.selection_events))
    r = api.post(f"{API}/selections/{sid}/votes", json={"nomination_id": nid,
                                                        "household": "HH0001"}, headers=h)
    assert r.status_code == 409 and r.json()["rule"] == "one_vote_per_household"
    assert (count(d, m.votes), count(d, m.selection_events)) == before
    api.post(f"{API}/selections/{sid}/award", json={}, headers=h)
    res = api.get(f"{API}/selections/{sid}/results", headers=h).json()
    assert res == [{"nomination_id": nid, "nominee": "李秀", "votes": 1, "awarded": True}]


def test_marriage_dispatch_over_http(api, d):
    d.roster.save([Person(external_id="HY1", name="婚姻调解师", roles=("marriage_mediator",),
                          areas=("C.T1",), gender="female")])
    d.roster.save_organisations([Organisation(external_id="QY1", name="亲友调解团",
                                              kind="kin_mediation_team", area_code="C.T1")])
    from suyuan_core import NewCase

    case = d.cases.create(NewCase(title="婚姻纠纷", category="marriage_family",
                                  source="women_federation", area_code="C.T1.C1"), actor="t")
    d.cases.act(case.id, "accept", actor="t")
    h = api.as_role("official", "C.T1")
    r = api.post(f"{API}/marriage/{case.id}/dispatch", headers=h)
    assert r.status_code == 201 and set(r.json()["assignees"]) == {"person:HY1",
                                                                    "organisation:QY1"}
    r = api.post(f"{API}/marriage/{case.id}/outcome", json={"channel": "kin_mediation_team",
                                                            "outcome": "maybe"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "outcome"
    channels = api.get(f"{API}/marriage/{case.id}/channels", headers=h).json()
    assert {c["channel"] for c in channels} == {"marriage_mediator", "kin_mediation_team"}
    far = api.as_role("official", "C.T2")
    assert api.post(f"{API}/marriage/{case.id}/dispatch", headers=far).status_code == 404


def test_an_unknown_or_empty_area_filter_is_refused_not_ignored(api):
    """The document lists the area codes; ``?area=`` or an unknown code is not "no filter"."""
    h = api.as_role("correction_officer", "C")
    assert api.get(f"{API}/selections", headers=h).status_code == 200
    for bad in ("", "NOPE"):
        got = api.get(f"{API}/selections", params={"area": bad}, headers=h)
        assert got.status_code == 422 and got.json()["field"] == "area", (bad, got.text)
    assert api.get(f"{API}/registers-figures", headers=h).status_code == 200
    for bad in ("", "NOPE"):
        got = api.get(f"{API}/registers-figures", params={"area": bad}, headers=h)
        assert got.status_code == 404 and got.json()["field"] == "area", (bad, got.text)


def test_an_impact_assessment_is_documented_field_by_field(api, d):
    """Its days are days, its findings texts of 1-4000 characters, as the service takes them;
    what the document admits (the review after the assessment) is recorded."""
    import re

    from suyuan_core.inputs import FILLED

    doc = api.get("/api/v1/schema/openapi.json").json()
    content = doc["paths"][f"{API}/pias"]["post"]["requestBody"]["content"]
    props = content["application/json"]["schema"]["properties"]
    for name in ("assessed_on", "review_due"):
        assert re.search(props[name]["pattern"], "2026-02-28"), name
        assert not re.search(props[name]["pattern"], "2026-02-29"), name
    for name in ("assessor", "purpose", "legal_basis", "necessity", "risks", "measures"):
        assert (props[name]["maxLength"], props[name]["pattern"]) == (4000, FILLED), name
    dpo = api.as_role("privacy_officer", "C")
    body = {"register": "adoption", "assessed_on": "2026-03-01", "review_due": "2027-03-01",
            **{k: "x" for k in ("assessor", "purpose", "legal_basis", "necessity", "risks",
                                "measures")}}
    assert api.post(f"{API}/pias", json=body, headers=dpo).status_code == 201
    r = api.post(f"{API}/pias", json={**body, "assessed_on": "2026-02-29"}, headers=dpo)
    assert r.status_code == 422 and r.json()["field"] == "assessed_on"
    r = api.post(f"{API}/pias", json={**body, "risks": "  "}, headers=dpo)
    assert r.status_code == 422 and r.json()["field"] == "risks"
