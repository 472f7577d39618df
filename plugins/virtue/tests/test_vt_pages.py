"""The pillar's pages inside the site, signed in through the login form: the register page masks
by default and unmasks only with a reason (a refusal shown, the record still masked), a town
official sees nothing; the dashboard panel shows counts only, small ones suppressed; the Babel
catalog covers every template string."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from litestar.testing import TestClient
from suyuan_virtue.counselling import Counselling, ReferralInput
from suyuan_virtue.culture import Culture
from suyuan_virtue.guardianship import Guardianships
from suyuan_virtue.registers import Registers
from suyuan_virtue.selection import Selections
from vt_testkit import PLAIN, UNMASKED, access, audit, correction, deployment_with_keys

from suyuan_core import Person, templates
from suyuan_core.testing.http import ApiClient

PASSWORD = "pages-test-123"


@pytest.fixture
def site(make_deployment, tmp_path):
    d = deployment_with_keys(make_deployment, tmp_path)
    rec = Registers(d).add(access(d, "seed", ("correction_officer", "C")), correction())
    for name, role, area in (("sfs", "correction_officer", "C.T1"), ("town", "official", "C.T1"),
                             ("boss", "supervisor", "C")):
        d.accounts.add_user(name, name, PASSWORD, actor="t")
        d.accounts.grant(name, role, area, actor="t")
    return d, rec


def login(d, name) -> TestClient:
    client = TestClient(ApiClient(d).app, base_url="https://testserver.local")
    r = client.post("/login", data={"username": name, "password": PASSWORD},
                    follow_redirects=False)
    assert r.status_code in (302, 303), r.text
    return client


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no form token on the page"
    return found.group(1)


def test_the_register_page_masks_and_unmasks_only_with_a_reason_by_post(site):
    d, rec = site
    c = login(d, "sfs")
    r = c.get("/virtue/registers")
    assert r.status_code == 200 and "敏感登记簿" in r.text and "王**" in r.text
    assert PLAIN["name"] not in r.text
    r = c.get("/virtue/registers", params={"id": rec})
    assert 'data-masked="yes"' in r.text and "查看事由" in r.text and PLAIN["id_number"] not in r.text
    assert '<form method="post" class="unmask"' in r.text
    token = csrf(r.text)
    r = c.post("/virtue/registers", data={"csrf_token": token, "op": "unmask", "id": rec,
                                          "reason": ""})
    assert r.status_code == 200 and 'data-refused="required"' in r.text
    assert PLAIN["name"] not in r.text and 'data-masked="yes"' in r.text
    r = c.post("/virtue/registers", data={"csrf_token": token, "op": "unmask", "id": rec,
                                          "reason": "核实本月报到"}, follow_redirects=False)
    assert r.status_code == 200 and 'data-masked="no"' in r.text and PLAIN["id_number"] in r.text
    assert "核实本月报到" in r.text and "reason=" not in str(r.url)
    assert [e.reason for e in audit(d, UNMASKED)] == ["核实本月报到"]
    # a reason in the URL unmasks nothing any more
    r = c.get("/virtue/registers", params={"id": rec, "unmask": "1", "reason": "核实本月报到"})
    assert 'data-masked="yes"' in r.text and PLAIN["id_number"] not in r.text
    r = c.post("/virtue/registers", data={"op": "unmask", "id": rec, "reason": "核实本月报到"})
    assert r.status_code == 403 and PLAIN["name"] not in r.text  # no form token
    r = c.get("/virtue/registers", params={"id": rec}, headers={"Accept-Language": "en"})
    assert r.status_code == 200 and "Reason for unmasking" in r.text


def test_a_town_official_sees_nothing_on_the_page(site):
    d, rec = site
    c = login(d, "town")
    r = c.get("/virtue/registers")
    assert r.status_code == 200 and "没有您有权查看的记录" in r.text and "王**" not in r.text
    r = c.get("/virtue/registers", params={"id": rec})
    assert r.status_code == 404 and PLAIN["name"] not in r.text and "王**" not in r.text
    token = csrf(c.get("/virtue/selections").text)
    r = c.post("/virtue/registers", data={"csrf_token": token, "op": "unmask", "id": rec,
                                          "reason": "我想看看这个人"})
    assert r.status_code == 404 and PLAIN["name"] not in r.text
    assert audit(d, "virtue.register.refused")
    for path in ("/virtue/guardianships", "/virtue/counselling"):
        r = c.get(path)
        assert r.status_code == 200 and "没有您有权查看的记录" in r.text


def test_the_guardianship_pages_never_show_a_childs_identity(site):
    d, _ = site
    from test_vt_families import agreement

    g = Guardianships(d)
    mz = access(d, "seedmz", ("civil_affairs_officer", "C"))
    young = g.add(mz, agreement())  # 8 years old
    older = g.add(mz, agreement(child_name="赵大宝", child_birth_date="2010-06-01",
                                child_id_number="510121201006011234"))
    renewal = g.add(mz, agreement(signed_on="2027-02-20", term_start="2027-03-01",
                                  term_end="2028-02-28", consent_on="2027-02-18", renews=young))
    d.accounts.add_user("mz", "民政", PASSWORD, actor="t")
    d.accounts.grant("mz", "civil_affairs_officer", "C.T1", actor="t")
    c = login(d, "mz")
    r = c.get("/virtue/guardianships")
    assert r.status_code == 200 and "未满14周岁(不显示)" in r.text and "赵**" in r.text
    for plain in ("刘小雨", "510121201704011234", "2017-04-01", "赵大宝",
                  "510121201006011234", "510***********1234", "刘奶奶"):
        assert plain not in r.text, plain
    assert f'data-agreement="{older}"' in r.text and f'data-agreement="{renewal}"' in r.text
    r = c.get("/virtue/guardianships", params={"id": young})
    assert r.status_code == 200 and 'data-masked="yes"' in r.text and "刘**" in r.text
    assert f'data-renewed-by="{renewal}"' in r.text and "510121201704011234" not in r.text
    token = csrf(r.text)
    r = c.post("/virtue/guardianships", data={"csrf_token": token, "op": "review", "id": renewal,
                                              "on": "2027-06-01", "finding": "concerns",
                                              "note": "监护人外出务工"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(f"id={renewal}")
    r = c.get("/virtue/guardianships", params={"id": renewal})
    assert "存在问题" in r.text and "2027-12-01" in r.text and "监护人外出务工" not in r.text
    r = c.post("/virtue/guardianships", data={"csrf_token": token, "op": "review", "id": renewal,
                                              "on": "2027-06-01", "finding": "maybe"})
    assert r.status_code == 422 and "finding" in r.text
    r = c.post("/virtue/guardianships", data={"csrf_token": token, "op": "unmask", "id": young,
                                              "reason": ""})
    assert 'data-refused="required"' in r.text and "刘小雨" not in r.text
    r = c.post("/virtue/guardianships", data={"csrf_token": token, "op": "unmask", "id": young,
                                              "reason": "核实监护人变更"})
    assert 'data-masked="no"' in r.text and "刘小雨" in r.text and "刘奶奶" in r.text
    assert "510121201704011234" not in r.text and "2017-04-01" not in r.text
    r = c.get("/virtue/guardianships", params={"id": young}, headers={"Accept-Language": "en"})
    assert "Child under 14" in r.text


def test_the_counselling_page_lists_sessions_and_follow_ups_masked(site):
    d, _ = site
    d.roster.save([Person(external_id="XL1", name="心理咨询师甲", roles=("counsellor",),
                          areas=("C.T1",))])
    who = access(d, "seedxl", ("counsellor", "C"))
    rid = Counselling(d).refer(who, ReferralInput(
        area_code="C.T1.C1", source="grid_worker", name="周某某", consent_on="2026-03-01",
        concern="失业后失眠焦虑", phone="13700002222", counsellor="XL1"))
    d.accounts.add_user("xl", "心理", PASSWORD, actor="t")
    d.accounts.grant("xl", "counsellor", "C.T1", actor="t")
    c = login(d, "xl")
    r = c.get("/virtue/counselling")
    assert r.status_code == 200 and "周**" in r.text and "周某某" not in r.text
    assert "网格员发现" in r.text
    r = c.get("/virtue/counselling", params={"id": rid})
    token = csrf(r.text)
    r = c.post("/virtue/counselling", data={"csrf_token": token, "op": "session", "id": rid,
                                            "kind": "session", "held_on": "2026-03-03",
                                            "counsellor": "XL1", "outcome": "improved",
                                            "notes": "认知行为疗法"}, follow_redirects=False)
    assert r.status_code == 303
    r = c.get("/virtue/counselling", params={"id": rid})
    assert "2026-04-02" in r.text and "好转" in r.text and "认知行为疗法" not in r.text
    assert "失业后失眠焦虑" not in r.text and 'data-session-kind="session"' in r.text
    r = c.get("/virtue/counselling", params={"due": "1"})
    assert f'data-referral="{rid}"' in r.text and 'data-due="yes"' in r.text
    r = c.post("/virtue/counselling", data={"csrf_token": token, "op": "session", "id": rid,
                                            "held_on": "2026-02-01", "counsellor": "XL1"})
    assert r.status_code == 422 and "held_on" in r.text
    r = c.post("/virtue/counselling", data={"csrf_token": token, "op": "unmask", "id": rid,
                                            "reason": "安排回访"})
    assert "周某某" in r.text and "失业后失眠焦虑" in r.text and "认知行为疗法" in r.text


def test_the_culture_page_shows_brands_venues_and_events(site):
    d, _ = site
    cul = Culture(d)
    bid = cul.save_brand(code="tuqiao", kind="filial_piety", name="孝善文化", area_code="C.T1",
                         venues=("孝善文化博物馆",))
    cul.add_event(kind="brand_event", area_code="C.T1", title="孝善家庭分享会",
                  held_on="2025-09-09", attendance=120, actor="t", brand_id=bid)
    cul.add_event(kind="family_codes_reading", area_code="C.T1.C1", title="诵读家风家训",
                  held_on="2025-10-01", attendance=40, actor="t", readers=("老党员张", "老教师李"))
    c = login(d, "town")
    r = c.get("/virtue/culture")
    assert r.status_code == 200 and "孝善文化博物馆" in r.text and "孝善家庭分享会" in r.text
    assert '<strong data-figure="readings">1</strong>' in r.text and "老教师李" in r.text
    r = c.get("/virtue/culture", params={"id": bid}, headers={"Accept-Language": "en"})
    assert "Filial piety" in r.text and "Venues" in r.text
    assert c.get("/virtue/culture", params={"id": 999}).status_code == 404


def test_a_selection_is_taken_through_every_step_from_its_page(site):
    d, _ = site
    c = login(d, "boss")
    token = csrf(c.get("/virtue/selections").text)

    def step(**form):
        r = c.post("/virtue/selections", data={"csrf_token": token, **form},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        return r.headers["location"]

    where = step(op="create", kind="best_daughter_in_law", title="2025年度最美儿媳", year="2025",
                 places="1", area_code="C")
    sid = int(where.split("id=")[1])
    step(op="nominate", id=sid, nominee="李秀", area_code="C.T1.C1", deeds="照顾瘫痪婆婆十年")
    step(op="nominate", id=sid, nominee="王芳", area_code="C.T1.C1", deeds="孝老爱亲")
    noms = Selections(d).get(sid)["nominations"]
    step(op="approve", id=sid, nomination_id=noms[0]["id"])
    step(op="approve", id=sid, nomination_id=noms[1]["id"])
    step(op="notice", id=sid, on="2025-05-01")
    r = c.post("/virtue/selections", data={"csrf_token": token, "op": "open", "id": sid,
                                           "on": "2025-05-05"})
    assert r.status_code == 422 and "2025-05-09" in r.text  # the notice runs 7 days
    step(op="open", id=sid, on="2025-05-09")
    r = c.get("/virtue/selections", params={"id": sid})
    assert "投票中" in r.text and 'class="inline vote"' in r.text
    step(op="vote", id=sid, nomination_id=noms[0]["id"], household="HH0001")
    step(op="vote", id=sid, nomination_id=noms[0]["id"], household="HH0002")
    step(op="vote", id=sid, nomination_id=noms[1]["id"], household="HH0003")
    r = c.post("/virtue/selections", data={"csrf_token": token, "op": "vote", "id": sid,
                                           "nomination_id": noms[1]["id"], "household": "HH0001"})
    assert r.status_code == 409 and "HH0001" in r.text
    step(op="award", id=sid)
    r = c.get("/virtue/selections", params={"id": sid})
    assert "已表彰" in r.text and 'class="results"' in r.text
    results = r.text.split('class="results"')[1].split("</table>")[0]
    assert results.index("李秀") < results.index("王芳") and "★" in results
    kinds = re.findall(r'data-event="(\w+)"', r.text)
    assert kinds == ["created", "nominated", "nominated", "reviewed", "reviewed", "notice",
                     "vote_opened", "voted", "voted", "voted", "awarded"]
    town = login(d, "town")  # an official of one town may not run the county's selection
    r = town.post("/virtue/selections", data={"csrf_token": csrf(town.get(
        "/virtue/selections").text), "op": "award", "id": sid})
    assert r.status_code in (403, 409, 422)  # refused: no right, or already awarded


def test_the_dashboard_panel_shows_counts_only_suppressed(site):
    d, _ = site
    c = login(d, "boss")
    r = c.get("/dashboard", params={"area": "C"})
    assert r.status_code == 200
    assert 'data-figure="community_correction"' in r.text and "&lt;5" in r.text
    assert "/virtue/registers" not in r.text.split('data-figure="community_correction"')[1][:300]


def test_the_catalog_covers_every_template_string():
    root = Path(__file__).parents[1] / "src" / "suyuan_virtue"
    found = {msg for _, _, msg, *_ in extract_from_dir(
        str(root / "web"), method_map=[("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n",
                                              "trim_blocks": "True", "lstrip_blocks": "True"}})}
    zh = templates.translations("suyuan_virtue", "zh-Hans")
    missing = [m for m in found if isinstance(m, str) and zh.gettext(m) == m]
    assert found and not missing, missing
