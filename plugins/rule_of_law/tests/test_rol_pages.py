"""The pillar's pages in zh-Hans (and English): the advisor's monthly report, lecture compliance
with the communities that fell short, confirmation applications with their deadlines, the
dashboard panel; scoped to the caller's areas; nothing fetched from outside."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from rol_testkit import agreement
from suyuan_rule_of_law.advisors import ActivityInput, TermInput
from suyuan_rule_of_law.confirmation import ApplicationInput
from suyuan_rule_of_law.education import LectureInput
from suyuan_rule_of_law.web.pages import panel

from suyuan_core import Period
from suyuan_core.testing.http import PageClient

PASSWORD = "pages-test-123"


@pytest.fixture
def site(d, rol, keeper):
    rol.advisors.assign(TermInput(advisor="L1", area_code="C.T1.C1", start_on="2026-01-01"))
    rol.advisors.record(ActivityInput(advisor="L1", area_code="C.T1.C1", kind="consultation",
                                      day="2026-03-03", count=7), actor="t")
    for day in ("2026-03-05", "2026-03-19"):
        rol.education.record(LectureInput(kind="legal_lecture", area_code="C.T1.C1",
                                          held_on=day, topic="民法典", attendance=40), actor="t")
    a = agreement(d, keeper, 1)
    rol.confirmations.apply(ApplicationInput(agreement_ref=a.ref, applied_on="2026-03-10",
                                             applicants=["刘大妈", "周大爷"], court="赵镇人民法庭"),
                            actor="t")
    for username, role, area in (("town", "official", "C.T1"), ("far", "official", "C.T2")):
        d.accounts.add_user(username, username, PASSWORD, actor="t")
        d.accounts.grant(username, role, area, actor="t")
    with PageClient(d) as client:
        yield client




def page(api, path, headers=None):
    r = api.get(path)
    assert r.status_code == 200, r.text
    assert not re.search(r'(src|href)="https?://', r.text)  # nothing from outside
    return r.text


def test_advisor_report_page_in_chinese_and_english(site):
    site.sign_in("town", PASSWORD)
    html = page(site, "/rule_of_law/advisors?advisor=L1&month=2026-03")
    assert "法律顾问一月一通报" in html and "张律师" in html and ">7<" in html
    assert "法律咨询" in html
    assert "report.xlsx?month=2026-03" in html and "report/print" in html
    site.cookies.set("suyuan_lang", "en")
    english = page(site, "/rule_of_law/advisors?advisor=L1&month=2026-03")
    assert "Consultations" in english and "Advisor's monthly report" in english
    site.sign_in("far", PASSWORD)
    assert site.get("/rule_of_law/advisors?advisor=L1&month=2026-03").status_code == 404


def test_lecture_compliance_lists_the_communities_short_of_lectures(site):
    site.sign_in("town", PASSWORD)
    html = page(site, "/rule_of_law/lectures?month=2026-03")
    assert "2镇" not in html  # another town's communities are not shown
    assert "1镇2社区" in html and html.count("<tr>") >= 2
    assert "未达标" in html or "Fell short" in html
    assert site.get("/rule_of_law/lectures?month=2026-14").status_code in (400, 422)


def test_confirmations_page_shows_the_courts_deadline(site):
    site.sign_in("town", PASSWORD)
    html = page(site, "/rule_of_law/confirmations")
    assert "keeper:1" in html and "2026-03-13" in html  # accept within 3 days


def test_dashboard_panel(d, site):
    html = panel(d, "C.T1", Period.containing("month", dt.date(2026, 3, 1)))
    assert "法律顾问覆盖率" in html and "法治大讲堂开展率" in html
    assert 'data-metric="legal_lecture_compliance_rate"' in html
