"""Unmasking in the pillar goes by POST with the reason in the body, as the core's case does
(issue 14 point 3): GET routes take no ``unmask``/``reason`` (a query string ends up in access
logs and the browser's history), the POST routes need ``personal_data.unmask`` and a reason and
write an audit entry with the caller's address; the agreement page unmasks through a CSRF-checked
form."""

from __future__ import annotations

import io
import re
import types
import zipfile

import pytest
from sg_testkit import MEDIATORS, committee_input, new_case
from suyuan_self_governance.service import service

from suyuan_core import PluginSpec, Role, hookimpl
from suyuan_core.testing.http import ApiClient, PageClient

API = "/api/v1/self_governance"
PASSWORD = "correct horse battery staple 7"


def _privacy_role() -> types.ModuleType:
    """A role that may unmask but does not manage agreements (a privacy officer)."""
    module = types.ModuleType("privacy_role")
    module.plugin = PluginSpec(label=("测试", "test"))  # type: ignore[attr-defined]

    @hookimpl
    def suyuan_register_roles() -> list[Role]:
        perms: object = frozenset({"cases.read", "personal_data.unmask"})
        return [Role("privacy_officer", ("个人信息核查员", "Privacy officer"),
                     permissions=perms)]  # type: ignore[arg-type]

    module.suyuan_register_roles = suyuan_register_roles  # type: ignore[attr-defined]
    return module


@pytest.fixture
def d(make_deployment):
    d = make_deployment(plugins=["self_governance"], extra_plugins={"privacy": _privacy_role()})
    sg = service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(committee_input())
    return d


@pytest.fixture
def api(d):
    with ApiClient(d) as client:
        yield client


def _agreement(d, api) -> int:
    case = new_case(d)
    me = api.as_role("mediator", "C.T1.C1")
    r = api.post(f"{API}/sessions", headers=me, json={
        "case_id": case.id, "mediator": "M1", "held_at": "2026-03-05T15:00:00+08:00",
        "matter": "public", "reasons": ["sentiment", "law"],
        "participants": [{"name": "刘大妈", "role": "party"}, {"name": "周大爷", "role": "party"}],
        "outcome": "success", "summary": "说事评理"})
    assert r.status_code == 201, r.text
    r = api.post(f"{API}/agreements", headers=me, json={
        "case_id": case.id, "form": "written", "facts": "周家排水沟堵塞，雨水流入刘家院坝。",
        "issues": "排水沟的清理与改道", "terms": "周大爷一周内清理排水沟并改道。",
        "responsibilities": {"刘大妈": "配合施工", "周大爷": "清理并改道排水沟"},
        "performance_manner": "周大爷自行施工，社区调委会见证", "performance_due": "2026-03-15",
        "reached_on": "2026-03-05", "committee": "MC1"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _unmasks(d) -> list[tuple[str, str | None, str | None]]:
    return [(e.action, e.reason, e.ip) for e in d.audit.search(limit=500)
            if e.reason is not None]


def test_get_routes_ignore_unmask_in_the_query_and_post_routes_unmask(d, api):
    aid = _agreement(d, api)
    case_id = service(d).agreements.get(aid).case_id
    grid = api.as_role("grid_worker", "C.T1.C1")
    officer = api.as_role("privacy_officer", "C.T1.C1")
    query = {"unmask": "true", "reason": "核实当事人身份"}
    for path in (f"/agreements/{aid}", f"/agreements/{aid}/print"):
        assert "周大爷" not in api.get(f"{API}{path}", headers=officer, params=query).text
    assert _unmasks(d) == []
    # POST without the right, without a reason, then with both
    r = api.post(f"{API}/agreements/{aid}/unmask", headers=grid, json={"reason": "核实身份"})
    assert r.status_code == 403 and r.json()["rule"] == "personal_data.unmask"
    r = api.post(f"{API}/agreements/{aid}/unmask", headers=officer, json={})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    shown = api.post(f"{API}/agreements/{aid}/unmask", headers=officer,
                     json={"reason": "核实当事人身份"})
    assert shown.status_code == 200 and [p["name"] for p in shown.json()["parties"]] == [
        "刘大妈", "周大爷"]
    printed = api.post(f"{API}/agreements/{aid}/print/unmask", headers=officer,
                       json={"reason": "打印交当事人"})
    assert printed.status_code == 200 and "周大爷" in printed.text
    docx = api.post(f"{API}/agreements/{aid}/docx/unmask", headers=officer,
                    json={"reason": "导出交法院"})
    with zipfile.ZipFile(io.BytesIO(docx.content)) as z:
        assert "刘大妈" in z.read("word/document.xml").decode("utf-8")
    sessions = api.post(f"{API}/cases/{case_id}/sessions/unmask", headers=officer,
                        json={"reason": "核实参与人"})
    assert sessions.status_code == 200, sessions.text
    masked = api.get(f"{API}/cases/{case_id}/sessions", headers=officer, params=query).json()
    assert sessions.json() != masked
    assert [(a, r) for a, r, _ in _unmasks(d)] == [
        ("case.unmask", "核实参与人"), ("self_governance.agreement.docx", "导出交法院"),
        ("self_governance.agreement.print", "打印交当事人"),
        ("self_governance.agreement.read", "核实当事人身份")]
    assert all(ip not in (None, "") for _, _, ip in _unmasks(d))


def test_the_agreement_page_unmasks_through_a_csrf_checked_form(d, api):
    aid = _agreement(d, api)
    d.accounts.add_user("officer", "核查员", PASSWORD, actor="test")
    d.accounts.grant("officer", "privacy_officer", "C.T1.C1", actor="test")
    with PageClient(d) as site:
        site.sign_in("officer", PASSWORD)
        page = site.get(f"/self_governance/agreements?id={aid}&unmask=1&reason=x").text
        assert "周大爷" not in page and 'action="/self_governance/agreements"' in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        forged = site.post("/self_governance/agreements", data={"id": aid, "reason": "核实身份"})
        assert forged.status_code == 403 and "周大爷" not in forged.text
        short = site.post("/self_governance/agreements", data={"csrf_token": token, "id": aid})
        assert short.status_code == 422 and "周大爷" not in short.text
        shown = site.post("/self_governance/agreements",
                          data={"csrf_token": token, "id": aid, "reason": "核实当事人身份"})
        assert shown.status_code == 200 and "周大爷" in shown.text
    assert [(a, r) for a, r, _ in _unmasks(d)] == [
        ("self_governance.agreement.print", "核实当事人身份")]
