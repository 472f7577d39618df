"""The pillar's pages and dashboard panel inside the site: signed in through the login form,
zh-Hans first with English, nothing fetched from elsewhere, and the same area scoping as the API;
its Babel catalog covers every template string."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from sg_testkit import MEDIATORS, committee_input, new_case, session_input
from suyuan_self_governance.procedures import StepInput
from suyuan_self_governance.service import service
from suyuan_self_governance.web.pages import translations
from test_sg_agreements import agreement_input

from suyuan_core.testing.http import PageClient

PASSWORD = "pages-test-123"


@pytest.fixture
def d(make_deployment):
    d = make_deployment(plugins=["self_governance"])
    sg = service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(committee_input())
    case = new_case(d)
    sg.sessions.record(session_input(case.id), actor="t")
    a = sg.agreements.draft(agreement_input(case.id), actor="t")
    for who in ("刘大妈", "周大爷", "mediator"):
        sg.agreements.sign(a.id, who, "2026-03-06", actor="t")
    sg.agreements.seal(a.id, "2026-03-07", actor="t")
    proc = sg.procedures.open(area_code="C.T1.C1", title="修建村道", matter="collective_project",
                              proposed_on="2026-03-01", content="党支部提议", actor="t")
    sg.procedures.step(StepInput(procedure_id=proc.id, step="consult", occurred_on="2026-03-02"),
                       actor="t")
    sg.procedures.step(StepInput(procedure_id=proc.id, step="review", occurred_on="2026-03-03",
                                 meeting={"body": "party_members_meeting", "members": 30,
                                          "present": 21, "yes": 20}), actor="t")
    sg.procedures.step(StepInput(procedure_id=proc.id, step="decide", occurred_on="2026-03-04",
                                 meeting={"body": "representative_assembly", "members": 30,
                                          "present": 20, "yes": 11}), actor="t")
    for username, role, area in (("med", "mediator", "C.T1.C1"), ("grid", "grid_worker", "C.T1.C1"),
                                 ("far", "official", "C.T2"),
                                 ("town", "official", "C.T1")):
        d.accounts.add_user(username, username, PASSWORD, actor="t")
        d.accounts.grant(username, role, area, actor="t")
    return d


@pytest.fixture
def site(d):
    with PageClient(d) as client:
        yield client




PAGES = ["/self_governance/agreements", "/self_governance/agreements?id=1",
         "/self_governance/procedures", "/self_governance/procedures?id=1",
         "/dashboard?area=C.T1.C1&period=2026-03"]


def test_pages_render_in_chinese_and_english_without_external_resources(site):
    site.sign_in("town", PASSWORD)
    for lang, words in (("zh-Hans", ["人民调解协议书", "全部协议", "步骤", "诉源自治",
                                     "说事评理调解成功率"]),
                        ("en", ["All agreements", "Steps", "Self-governance",
                                "Talk-and-reason success rate"])):
        site.cookies.set("suyuan_lang", lang)
        seen = ""
        for path in PAGES:
            r = site.get(path)
            assert r.status_code == 200, (path, r.text[:300])
            assert f'<html lang="{lang}">' in r.text
            urls = re.findall(r'\s(?:src|href|action)="([^"]+)"', r.text)
            assert all(u.startswith(("/", "#", "?")) for u in urls), (path, urls)
            seen += r.text
        for word in words:
            assert word in seen, (lang, word)


def test_the_agreement_page_is_the_signable_document(site):
    site.sign_in("med", PASSWORD)
    page = site.get("/self_governance/agreements?id=1").text
    assert 'id="agreement" data-status="effective"' in page
    for text in ("当事人基本情况", "刘大妈", "周大爷", "履行期限", "一社区人民调解委员会（印章）：2026-03-07",
                 "/api/v1/self_governance/agreements/1/print",
                 "/api/v1/self_governance/agreements/1/docx"):
        assert text in page, text
    # the standalone print view and the DOCX answer to the same session cookie
    assert "人民调解协议书" in site.get("/api/v1/self_governance/agreements/1/print").text
    assert site.get("/api/v1/self_governance/agreements/1/docx").content[:2] == b"PK"


def test_pages_keep_to_the_viewers_areas_and_mask_for_readers(site):
    site.sign_in("grid", PASSWORD)
    page = site.get("/self_governance/agreements?id=1").text
    assert "刘**" in page and "刘大妈" not in page and "个人信息已脱敏" in page
    site.cookies.clear()
    site.sign_in("far", PASSWORD)
    assert 'data-agreement="1"' not in site.get("/self_governance/agreements").text
    assert site.get("/self_governance/agreements?id=1").status_code == 404
    assert site.get("/self_governance/procedures?id=1").status_code == 404
    assert "修建村道" not in site.get("/self_governance/procedures").text


def test_the_procedure_page_shows_steps_quorum_and_disclosure_deadline(site):
    site.sign_in("med", PASSWORD)
    page = site.get("/self_governance/procedures?id=1").text
    assert [m for m in re.findall(r'data-step="(\w+)"', page)] == ["propose", "consult", "review",
                                                                  "decide"]
    assert 'id="next-step">决议公开' in page
    assert "达到法定人数" in page and "村民代表会议须有三分之二以上组成人员参加" in page
    assert "2026-03-09" in page  # resolution disclosure due 5 days after the decision
    listing = site.get("/self_governance/procedures").text
    assert 'class="overdue"' in listing  # nothing disclosed since March


def test_the_dashboard_panel_shows_the_pillars_figures(site):
    site.sign_in("town", PASSWORD)
    page = site.get("/dashboard?area=C.T1.C1&period=2026-03").text
    panel = page[page.index("诉源自治"):]
    assert re.search(r'data-metric="talk_and_reason_success_rate"><span class="label">'
                     r'说事评理调解成功率</span><span class="value">100.00%</span>'
                     r'<span class="label">1 / 1</span>', panel)
    assert 'data-metric="patrol_coverage_rate"' in panel
    assert 'data-metric="courtyard_satisfaction_rate"' in panel


def test_every_template_string_is_translated():
    root = Path(__file__).parents[1] / "src" / "suyuan_self_governance" / "web"
    method_map = [("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                                        "lstrip_blocks": "True"}}
    found = {m[2] for m in extract_from_dir(str(root), method_map, options) if m[2]}
    assert len(found) > 40
    zh = translations("zh-Hans")
    missing = sorted(s for s in found if zh.gettext(s) == s)
    assert not missing, missing
