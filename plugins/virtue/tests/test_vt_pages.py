"""The pillar's pages inside the site, signed in through the login form: the register page masks
by default and unmasks only with a reason (a refusal shown, the record still masked), a town
official sees nothing; the dashboard panel shows counts only, small ones suppressed; the Babel
catalog covers every template string."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from litestar.testing import TestClient
from suyuan_virtue.registers import Registers
from vt_testkit import PLAIN, access, correction, deployment_with_keys

from suyuan_core import templates
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


def test_the_register_page_masks_and_unmasks_only_with_a_reason(site):
    d, rec = site
    c = login(d, "sfs")
    r = c.get("/virtue/registers")
    assert r.status_code == 200 and "敏感登记簿" in r.text and "王**" in r.text
    assert PLAIN["name"] not in r.text
    r = c.get("/virtue/registers", params={"id": rec})
    assert 'data-masked="yes"' in r.text and "查看事由" in r.text and PLAIN["id_number"] not in r.text
    r = c.get("/virtue/registers", params={"id": rec, "unmask": "1", "reason": ""})
    assert 'data-refused="required"' in r.text and PLAIN["name"] not in r.text
    r = c.get("/virtue/registers", params={"id": rec, "unmask": "1", "reason": "核实本月报到"})
    assert 'data-masked="no"' in r.text and PLAIN["id_number"] in r.text
    assert "核实本月报到" in r.text
    r = c.get("/virtue/registers", params={"id": rec}, headers={"Accept-Language": "en"})
    assert r.status_code == 200


def test_a_town_official_sees_nothing_on_the_page(site):
    d, rec = site
    c = login(d, "town")
    r = c.get("/virtue/registers")
    assert r.status_code == 200 and "没有您有权查看的记录" in r.text and "王**" not in r.text
    r = c.get("/virtue/registers", params={"id": rec})
    assert r.status_code == 404 and PLAIN["name"] not in r.text and "王**" not in r.text
    r = c.get("/virtue/registers", params={"id": rec, "unmask": "1", "reason": "我想看看这个人"})
    assert r.status_code == 404 and PLAIN["name"] not in r.text


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
