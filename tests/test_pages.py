"""The web pages over the real app: sign-in, CSRF on forms, the case flow, the dashboard and its
drill-down, area scoping, languages (Babel catalogs) and no external resource anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from litestar.testing import TestClient

from suyuan_core.accounts import DEMO_PASSWORD, ensure_demo_users
from suyuan_core.web import create_app
from suyuan_core.web.pages.i18n import translations

PAGES = ["/", "/cases", "/cases/new", "/areas", "/roster", "/dashboard", "/admin/users",
         "/admin/plugins", "/admin/audit"]


@pytest.fixture
def site(deployment):
    ensure_demo_users(deployment)
    with TestClient(create_app(deployment), base_url="https://testserver.local") as client:
        yield client


def sign_in(client, username="admin", password=DEMO_PASSWORD):
    r = client.post("/login", data={"username": username, "password": password, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_pages_need_sign_in(site):
    for path in PAGES:
        r = site.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    r = site.post("/login", data={"username": "admin", "password": "wrong-one"})
    assert r.status_code == 401 and "wrong user name or password" in r.text


def test_every_page_renders_in_chinese_and_english_without_external_resources(site, factories):
    factories.case("closed")
    sign_in(site)
    for lang in ("zh-Hans", "en"):
        site.cookies.set("suyuan_lang", lang)
        for path in [*PAGES, "/cases/1"]:
            r = site.get(path)
            assert r.status_code == 200, (path, r.text[:300])
            assert f'<html lang="{lang}">' in r.text
            urls = re.findall(r'\s(?:src|href|action)="([^"]+)"', r.text)
            assert all(u.startswith(("/", "#", "?")) for u in urls), (path, urls)
            assert "default-src 'self'" in r.headers["content-security-policy"]
    site.cookies.set("suyuan_lang", "zh-Hans")
    assert "我的工作" in site.get("/").text
    site.cookies.set("suyuan_lang", "en")
    assert "My work" in site.get("/").text


def test_case_flow_through_forms_and_dashboard_drill_down(site, deployment):
    from suyuan_core.testing.factories import Factories

    Factories(deployment).person(external_id="M1")  # assignment names someone on the roster
    sign_in(site)
    form = site.get("/cases/new").text
    r = site.post("/cases/new", data={"csrf_token": csrf(form), "title": "楼上漏水纠纷",
                                      "area_code": "C.T1.C1.G1", "category": "neighbour",
                                      "source": "walk_in", "party_name": "张三",
                                      "party_phone": "13812341234"}, follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    page = site.get(url).text
    assert "张*" in page and "138****1234" in page and "13812341234" not in page
    for action, extra in [("accept", {}), ("assign", {"assignees": "person:M1"}), ("start", {}),
                          ("resolve", {}), ("close", {})]:
        version = re.search(r'name="expected_version" value="(\d+)"', page).group(1)
        r = site.post(f"{url}/act", data={"csrf_token": csrf(page), "action": action,
                                          "expected_version": version, **extra},
                      follow_redirects=False)
        assert r.status_code == 303, r.text
        page = site.get(url).text
    assert 'id="case-status">办结' in page
    dash = site.get("/dashboard?area=C").text
    link = re.search(r'href="(/cases\?metric=cases_closed[^"]*)"', dash).group(1)
    drilled = site.get(link.replace("&amp;", "&")).text
    assert "楼上漏水纠纷" in drilled and 'id="drill-count">1<' in drilled
    assert "<svg" in dash  # the trend and category charts are inline SVG


def test_forms_refuse_a_missing_csrf_token_and_write_nothing(site, deployment, factories):
    case = factories.case("reported")
    sign_in(site)
    r = site.post(f"/cases/{case.id}/act", data={"action": "accept", "expected_version": "1"})
    assert r.status_code == 403 and "CSRF" in r.text
    assert deployment.cases.get(case.id).version == 1


def test_pages_keep_to_the_users_areas(site, deployment, factories):
    other = factories.case("reported", area_code="C.T2.C1.G1")
    mine = factories.case("reported", area_code="C.T1.C1.G1")
    sign_in(site, "mediator")  # a mediator of C.T1.C1
    listing = site.get("/cases").text
    assert f'href="/cases/{mine.id}"' in listing and f'href="/cases/{other.id}"' not in listing
    assert site.get(f"/cases/{other.id}").status_code == 404
    assert site.get("/admin/audit").status_code == 403
    page = site.get(f"/cases/{mine.id}").text
    r = site.post(f"/cases/{other.id}/act", data={"csrf_token": csrf(page), "action": "accept",
                                                 "expected_version": "1"})
    assert r.status_code == 404 and deployment.cases.get(other.id).version == 1


def test_every_template_string_is_translated():
    root = Path(__file__).parents[1] / "suyuan_core" / "web"
    method_map = [("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                                        "lstrip_blocks": "True"}}
    found = {m[2] for m in extract_from_dir(str(root), method_map, options) if m[2]}
    assert len(found) > 50
    zh = translations("zh-Hans")
    missing = sorted(s for s in found if zh.gettext(s) == s)
    assert not missing, missing


def test_the_case_page_unmasks_by_post_with_a_reason_never_in_the_url(site, deployment,
                                                                        factories):
    from suyuan_core import Party

    case = factories.case("reported", parties=(Party(name="张三丰", phone="13812341234"),))
    sign_in(site)  # the county administrator holds personal_data.unmask
    page = site.get(f"/cases/{case.id}").text
    assert "13812341234" not in page and "138****1234" in page
    assert f'method="post" action="/cases/{case.id}/unmask"' in page
    # the old GET form's parameters show nothing
    assert "13812341234" not in site.get(f"/cases/{case.id}?unmask=1&reason=核实身份").text
    no_reason = site.post(f"/cases/{case.id}/unmask", data={"csrf_token": csrf(page)})
    assert no_reason.status_code == 422 and "13812341234" not in no_reason.text
    forged = site.post(f"/cases/{case.id}/unmask", data={"reason": "核实身份信息"})
    assert forged.status_code == 403
    shown = site.post(f"/cases/{case.id}/unmask", data={"csrf_token": csrf(page),
                                                        "reason": "核实身份信息"})
    assert shown.status_code == 200 and "13812341234" in shown.text
    [entry] = deployment.audit.search(action="case.unmask")
    assert entry.record == f"case:{case.id}" and entry.reason == "核实身份信息"
