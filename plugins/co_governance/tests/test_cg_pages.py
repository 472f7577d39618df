"""The pillar's pages and dashboard panel inside the site: signed in through the login form,
zh-Hans first with English, nothing fetched from elsewhere, the ledger with its filters, overdue
first, export and print links, the same area scoping as the API, and a Babel catalog covering
every template string."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from cg_testkit import (
    CONFIG,
    ORGS,
    PEOPLE,
    UNITS,
    agriculture_committee,
    close_input,
    health_committee,
    new_case,
    register_input,
)
from suyuan_co_governance.common import today
from suyuan_co_governance.party import PartyOrgInput
from suyuan_co_governance.service import service
from suyuan_co_governance.social import HoursInput, ParticipationInput

from suyuan_core import Organisation, templates
from suyuan_core.testing.http import PageClient

PASSWORD = "pages-test-123"


@pytest.fixture(scope="module")
def d(tmp_path_factory):
    from suyuan_core.testing.kit import DeploymentFactory

    factory = DeploymentFactory(tmp_path_factory.mktemp("cg-pages"))
    d = factory(plugins=["co_governance"], config=CONFIG)
    cg = service(d)
    cg.forces.save_orgs([*UNITS, *ORGS])
    cg.forces.save_people(PEOPLE)
    day = today(d)
    for subject, days, unit in (("A 晚", -5, "U-GZ"), ("B 更晚", -10, "U-GZ"), ("C 镇", 30, "U-T1")):
        cg.ledger.register(register_input(subject=subject, unit=unit, deadline=(
            day + dt.timedelta(days=days)).isoformat()), actor="t")
    done, _ = cg.ledger.register(register_input(subject="D 已销号"), actor="t")
    cg.ledger.close_out(done.id, close_input(), actor="t")
    cg.ledger.register(register_input(subject="E 二镇", area_code="C.T2.C1", deadline=(
        day + dt.timedelta(days=20)).isoformat()), actor="t")
    cg.committees.save(health_committee())
    cg.committees.save(agriculture_committee())
    case = new_case(d, category="medical")
    d.cases.act(case.id, "assign", actor="t", data={"assignees": ["organisation:IC-HEALTH"]},
                occurred_at=dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC))
    d.roster.save_organisations([Organisation(external_id="MC1", name="一社区人民调解委员会",
                                              kind="mediation_committee", area_code="C.T1.C1")])
    cg.party.save_org(PartyOrgInput(external_id="PG1", name="一社区调委会党小组", kind="group",
                                    area_code="C.T1.C1", host="MC1"))
    cg.forces.participate(ParticipationInput(force="party_member", role="mediator",
                                             person="PM1", case_id=case.id,
                                             occurred_at="2026-03-04T10:00+08:00"), actor="t")
    cg.forces.record_hours(HoursInput(volunteer="V1", served_on="2026-03-02", hours=2,
                                      activity="法治志愿服务"), actor="t")
    for username, role, area in (("county", "official", "C"), ("town", "official", "C.T1"),
                                 ("far", "official", "C.T2")):
        d.accounts.add_user(username, username, PASSWORD, actor="t")
        d.accounts.grant(username, role, area, actor="t")
    yield d
    factory.close()


@pytest.fixture
def site(d):
    with PageClient(d) as client:
        yield client




PAGES = ["/co_governance/ledger", "/co_governance/ledger?id=1", "/co_governance/ledger?overdue=1",
         "/co_governance/committees", "/co_governance/committees?id=IC-HEALTH",
         "/co_governance/forces", "/dashboard?area=C&period=2026-03"]


def test_pages_render_in_chinese_and_english_without_external_resources(site):
    site.sign_in("county", PASSWORD)
    for lang, words in (("zh-Hans", ["征地拆迁台账", "未销号问题", "逾期", "导出 Excel", "打印",
                                     "按责任单位统计", "行业调解委员会", "诉源共治",
                                     "党员参与化解案件数", "调解组织建立党组织情况"]),
                        ("en", ["Land-acquisition ledger", "Open issues", "Export XLSX", "Print",
                                "By responsible unit", "Co-governance",
                                "Cases with Party-member participation"])):
        site.cookies.set("suyuan_lang", lang)
        seen = ""
        for path in PAGES:
            r = site.get(path)
            assert r.status_code == 200, (path, r.text[:300])
            assert f'<html lang="{lang}">' in r.text
            urls = re.findall(r'\s(?:src|href|action)="([^"]+)"', r.text)
            assert all(u.startswith(("/", "#", "?")) or u == "" for u in urls), (path, urls)
            seen += r.text
        for word in words:
            assert word in seen, (lang, word)


def test_the_ledger_page_puts_overdue_first_and_filters(site):
    site.sign_in("county", PASSWORD)
    page = site.get("/co_governance/ledger").text
    order = re.findall(r'<tr data-issue="(\d+)"( class="overdue")?', page)
    # B (deadline 03-05) and A (03-10) are overdue, most overdue first; then open C, E; closed D
    subjects = re.findall(r'<td>([A-E] [^<]+)</td>', page)
    assert subjects[:2] == ["B 更晚", "A 晚"] and subjects[-1] == "D 已销号"
    assert [bool(o[1]) for o in order][:2] == [True, True] and not order[-1][1]
    assert 'href="/api/v1/co_governance/ledger/export.xlsx?lang=zh-Hans"' in page
    assert '<button type="button" id="ledger-print">' in page  # wired by ledger.js (no inline JS)
    assert site.get("/api/v1/co_governance/assets/ledger.js").headers["content-type"].startswith(
        "text/javascript")
    css = site.get("/api/v1/co_governance/assets/ledger.css")
    assert css.status_code == 200 and "@media print" in css.text
    assert site.get("/api/v1/co_governance/assets/nope.css").status_code == 404
    overdue = site.get("/co_governance/ledger?overdue=1").text
    assert re.findall(r'<td>([A-E] [^<]+)</td>', overdue) == ["B 更晚", "A 晚"]
    assert "export.xlsx?overdue=1" in overdue
    unit = site.get("/co_governance/ledger?unit=U-T1").text
    assert re.findall(r'<td>([A-E] [^<]+)</td>', unit) == ["C 镇"]
    closed = site.get("/co_governance/ledger?status=closed").text
    assert re.findall(r'<td>([A-E] [^<]+)</td>', closed) == ["D 已销号"]
    assert site.get("/co_governance/ledger?status=nope").status_code == 422


def test_the_issue_page_shows_its_entries_and_masks_the_people(site):
    site.sign_in("county", PASSWORD)
    page = site.get("/co_governance/ledger?id=4").text
    assert re.findall(r'data-entry="(\w+)"', page) == ["register", "close_out"]
    assert "补偿协议(12户签字)" in page and "止诉于行业" in page
    assert "刘**" in page and "刘大妈" not in page


def test_pages_keep_to_the_viewers_areas(site):
    site.sign_in("far", PASSWORD)
    page = site.get("/co_governance/ledger").text
    assert re.findall(r'<td>([A-E] [^<]+)</td>', page) == ["E 二镇"]
    assert site.get("/co_governance/ledger?id=1").status_code == 404
    assert site.get("/co_governance/ledger?area=C.T1").status_code == 404


def test_the_committee_figures_drill_to_their_cases(site):
    site.sign_in("county", PASSWORD)
    page = site.get("/co_governance/committees").text
    assert 'data-committee="IC-HEALTH"' in page and "县卫生健康局" in page
    cases = site.get("/co_governance/committees?id=IC-HEALTH&result=open").text
    assert re.findall(r'data-case="(\d+)"', cases) == ["1"]


def test_the_dashboard_panel_shows_the_pillars_figures(site):
    site.sign_in("county", PASSWORD)
    page = site.get("/dashboard?area=C&period=2026-03").text
    panel = page[page.index("诉源共治"):]
    assert re.search(r'href="/cases\?metric=cases_with_party_participation&amp;area=C&amp;'
                     r'period=2026-03" data-metric="cases_with_party_participation"><span '
                     r'class="label">党员参与化解案件数</span><span class="value">1</span>', panel)
    assert 'href="/co_governance/ledger?area=C&amp;overdue=1" data-metric="land_ledger_overdue"' \
        in panel
    assert re.search(r'data-metric="mediation_bodies_with_party_group"><span class="label">'
                     r'建立党组织的调解组织占比</span><span class="value">33.33%</span>'
                     r'<span class="label">1 / 3</span>', panel)  # MC1 of MC1 and 2 committees


def test_every_template_string_is_translated():
    root = Path(__file__).parents[1] / "src" / "suyuan_co_governance" / "web"
    method_map = [("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                                        "lstrip_blocks": "True"}}
    found = {m[2] for m in extract_from_dir(str(root), method_map, options) if m[2]}
    assert len(found) > 60
    zh = templates.translations("suyuan_co_governance", "zh-Hans")
    missing = sorted(s for s in found if zh.gettext(s) == s)
    assert not missing, missing
