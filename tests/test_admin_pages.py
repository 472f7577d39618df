"""The administrator manages accounts, role grants, what an account acts for, tokens and areas in
the browser; every change is audited; bad input is a 4xx naming the field and changes nothing;
only an administrator of the whole deployment may."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from suyuan_core.testing.http import ApiClient

PASSWORD = "admin-pages-123"


@pytest.fixture
def site(deployment):
    d = deployment
    for name, role, area in (("boss", "admin", "C"), ("town", "official", "C.T1")):
        d.accounts.add_user(name, name, PASSWORD, actor="t")
        d.accounts.grant(name, role, area, actor="t")
    with TestClient(ApiClient(d).app, base_url="https://testserver.local") as c:
        yield c


def sign_in(c, name):
    c.post("/login", data={"username": name, "password": PASSWORD, "next": "/"})
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get("/inbox").text).group(1)


def post(c, token, **form):
    return c.post("/admin/users", data={"csrf_token": token, **form}, follow_redirects=False)


def test_accounts_grants_binding_tokens_and_areas_in_the_browser(deployment, site):
    d = deployment
    token = sign_in(site, "boss")
    assert post(site, token, op="add", username="wang", display_name="王", password="wang-pass-123",
                acts_for="organisation:CG").status_code == 303
    assert post(site, token, op="grant", username="wang", role="official",
                area_code="C.T1").status_code == 303
    assert post(site, token, op="bind", username="wang", acts_for="organisation:RS").status_code == 303
    r = post(site, token, op="token", username="wang", days="30")
    assert r.status_code == 200 and "仅显示一次" in r.text
    made = re.search(r'<code>([^<]+)</code>', r.text).group(1)
    assert d.accounts.authenticate_token(made).username == "wang"
    [tok] = d.accounts.tokens("wang")
    assert post(site, token, op="revoke_token", username="wang",
                token_id=str(tok.id)).status_code == 303
    assert post(site, token, op="revoke", username="wang", role="official",
                area_code="C.T1").status_code == 303
    assert post(site, token, op="disable", username="wang").status_code == 303
    assert post(site, token, op="area", code="C.T1.C9", name_zh="第9社区", level="community",
                parent_code="C.T1").status_code == 303
    info = d.accounts.user("wang")
    assert (info.acts_for, info.grants, info.active) == ("organisation:RS", (), False)
    assert "C.T1.C9" in d.areas.tree
    actions = [e.action for e in d.audit.search(actor="user:boss", limit=100)]
    for action in ("user.add", "user.grant", "user.acts_for", "user.revoke", "user.disable",
                   "area.add"):
        assert action in actions, action
    page = site.get("/admin/users").text
    assert "organisation:RS" in page and "wang" in page


def test_bad_input_changes_nothing_and_only_admins_may(deployment, site):
    d = deployment
    token = sign_in(site, "boss")
    before = len(d.audit.search(limit=1000))
    for form, field in ((dict(op="add", username="X Y", password="long-enough-1"), "username"),
                        (dict(op="grant", username="town", role="nope", area_code="C"), "role"),
                        (dict(op="bind", username="town", acts_for="not valid"), "acts_for"),
                        (dict(op="token", username="town", days="soon"), "days"),
                        (dict(op="area", code="C.T1.X", name_zh="x", level="town",
                              parent_code="C.T1"), "level"),
                        (dict(op="disable", username="boss"), "username"),
                        (dict(op="explode"), "op")):
        r = post(site, token, **form)
        assert 400 <= r.status_code < 500 and field in r.text, (form, r.status_code)
    assert len(d.audit.search(limit=1000)) == before
    assert len(d.accounts.users()) == 2
    site.post("/logout", data={"csrf_token": token})
    town = sign_in(site, "town")
    r = post(site, town, op="add", username="sneaky", password="long-enough-1")
    assert r.status_code == 403 and "sneaky" not in {u.username for u in d.accounts.users()}
