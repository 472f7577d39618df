"""Accounts: users, area-scoped grants, tokens, sessions, throttling, masking and the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from suyuan_core import NewCase, NotAuthenticated, ValidationError
from suyuan_core.accounts import DEMO_PASSWORD, ensure_demo_users
from suyuan_core.accounts.masking import mask_address, mask_id_number, mask_name, mask_party, mask_phone
from suyuan_core.errors import TooManyAttempts
from suyuan_core.storage import tables


def count(d, table) -> int:
    with d.reading() as s:
        return s.scalar(select(func.count()).select_from(table))


def test_masking_follows_the_domain_rules():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("110101199001011234") == "110***********1234"
    assert mask_address("四川省成都市金堂县赵镇十里社区5组12号").startswith("四川省成都市")
    assert "12号" not in mask_address("四川省成都市金堂县赵镇十里社区5组12号")
    hidden = mask_party({"name": "李四", "phone": "13900001111", "anonymous": True, "role": "caller"})
    assert hidden == {"name": "匿名", "role": "caller", "anonymous": True}


def test_user_grant_scopes_permissions_to_the_subtree(deployment):
    d = deployment
    d.accounts.add_user("amy", "Amy", "long-password")
    d.accounts.grant("amy", "mediator", "C.T1.C1")
    p = d.accounts.as_user("amy")
    tree = d.areas.tree
    assert p.can("cases.read", tree.path("C.T1.C1.G1.M1"))
    assert p.can("cases.read", tree.path("C.T1.C1"))
    assert not p.can("cases.read", tree.path("C.T1"))       # above her community
    assert not p.can("cases.read", tree.path("C.T1.C2"))    # the neighbouring community
    assert not p.can("cases.assign", tree.path("C.T1.C1"))  # mediators do not assign
    assert p.scope("cases.read") == [tree.path("C.T1.C1")]


def test_bad_user_input_names_the_field_and_writes_nothing(deployment):
    d = deployment
    with pytest.raises(ValidationError) as err:
        d.accounts.add_user("Bad Name", "x", "long-password")
    assert err.value.field == "username"
    with pytest.raises(ValidationError) as err:
        d.accounts.add_user("bob", "Bob", "short")
    assert err.value.field == "password"
    assert count(d, tables.users) == 0
    d.accounts.add_user("bob", "Bob", "long-password")
    with pytest.raises(ValidationError) as err:
        d.accounts.grant("bob", "no_such_role", "C")
    assert err.value.field == "role"
    assert count(d, tables.user_grants) == 0


def test_tokens_are_hashed_at_rest_and_can_be_revoked(deployment):
    d = deployment
    d.accounts.add_user("robot", "Robot", None)
    d.accounts.grant("robot", "official", "C")
    token = d.accounts.make_token("robot", "intake")
    with d.reading() as s:
        stored = s.scalar(select(tables.api_tokens.c.token_hash))
    assert token not in stored and len(stored) == 64
    assert d.accounts.authenticate_token(token).username == "robot"
    with pytest.raises(NotAuthenticated):
        d.accounts.authenticate_token(token + "x")
    [info] = d.accounts.tokens("robot")
    d.accounts.revoke_token("robot", info.id)
    with pytest.raises(NotAuthenticated):
        d.accounts.authenticate_token(token)


def test_sessions_are_signed_and_logins_throttled(deployment):
    d = deployment
    d.accounts.add_user("amy", "Amy", "long-password")
    new = d.accounts.login("amy", "long-password", ip="10.0.0.1")
    assert d.accounts.authenticate_session(new.cookie).username == "amy"
    sid, _, sig = new.cookie.partition(".")
    with pytest.raises(NotAuthenticated):
        d.accounts.authenticate_session(sid + "." + "0" * len(sig))
    d.accounts.logout(new.cookie)
    with pytest.raises(NotAuthenticated):
        d.accounts.authenticate_session(new.cookie)
    for _ in range(d.config.core.web.login_max_failures):
        with pytest.raises(NotAuthenticated):
            d.accounts.login("amy", "wrong-password", ip="10.0.0.2")
    with pytest.raises(TooManyAttempts):  # even the right password, until the window passes
        d.accounts.login("amy", "long-password", ip="10.0.0.2")
    d.accounts.set_password("amy", "another-password")
    with d.transaction() as s:  # an administrator clears the failures
        s.execute(tables.login_failures.delete())
    assert d.accounts.login("amy", "another-password").principal.username == "amy"


def test_audit_log_is_append_only(deployment):
    d = deployment
    d.accounts.add_user("amy", "Amy", "long-password")
    entries = d.audit.search(record="user:amy")
    assert [e.action for e in entries] == ["user.add"]
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError), d.transaction() as s:
            s.execute(text(statement))
    assert d.audit.search(record="user:amy")[0].actor == "cli"


def test_demo_users_are_idempotent(deployment):
    first = ensure_demo_users(deployment)
    assert ensure_demo_users(deployment) == first
    assert [u for u, _, _ in first] == ["admin", "town", "mediator"]
    assert deployment.accounts.login("admin", DEMO_PASSWORD).principal.can(
        "personal_data.unmask", "/C/")


def test_cli_users_and_audit(deployment, cli):
    r = cli("users", "add", "amy", "--name", "Amy", "--password", "long-password",
            "--role", "mediator", "--area", "C.T1.C1")
    assert r.exit_code == 0, r.output
    r = cli("users", "add", "bob", "--password", "long-password", "--role", "nope", "--area", "C")
    assert r.exit_code == 1 and "role" in r.stderr and "Traceback" not in r.output
    assert count(deployment, tables.users) == 1  # bob was not half-made
    r = cli("users", "grant", "amy", "official", "C.T2")
    assert r.exit_code == 0 and "C.T2" in r.stdout
    r = cli("users", "list", "--json")
    assert '"official"' in r.stdout and '"C.T1.C1"' in r.stdout
    r = cli("users", "token", "amy", "--name", "script")
    token = r.stdout.strip().splitlines()[0]
    assert token.startswith("sy_")
    assert deployment.accounts.authenticate_token(token).username == "amy"
    r = cli("audit", "--user", "cli", "--json")
    actions = {e["action"] for e in __import__("json").loads(r.stdout)}
    assert {"user.add", "user.grant", "token.create"} <= actions
    r = cli("audit", "--since", "not-a-date")
    assert r.exit_code == 1 and "since" in r.stderr


def test_token_cache_never_outlives_a_change_in_this_process(deployment):
    d = deployment
    d.accounts.add_user("robot", "Robot", None)
    d.accounts.grant("robot", "official", "C.T1")
    token = d.accounts.make_token("robot")
    assert d.accounts.authenticate_token(token).can("cases.read", "/C/C.T1/")
    assert d.accounts.cached_token(token) is not None
    d.accounts.grant("robot", "official", "C.T2")  # a new grant is seen at once
    assert d.accounts.cached_token(token) is None
    assert d.accounts.authenticate_token(token).can("cases.read", "/C/C.T2/")
    d.accounts.set_active("robot", False)  # so is disabling
    assert d.accounts.cached_token(token) is None
    with pytest.raises(NotAuthenticated):
        d.accounts.authenticate_token(token)


def test_a_grid_workers_account_acts_only_in_its_grid(deployment, api):
    """``grid:<area>``: whatever area the grant covers, the account acts in its own grid only;
    the refusal names the rule (``acts_for_grid``) and writes nothing."""
    d = deployment
    d.accounts.add_user("gw", "网格员", None, acts_for="grid:C.T1.C1.G1")
    d.accounts.grant("gw", "grid_worker", "C.T1")  # a town-wide grant, as often handed out
    p = d.accounts.as_user("gw")
    tree = d.areas.tree
    assert p.grid == "C.T1.C1.G1"
    assert p.can("cases.create", tree.path("C.T1.C1.G1.M1"))
    assert not p.can("cases.create", tree.path("C.T1.C1.G2"))  # the grant covers it, the grid not
    assert p.granted("cases.create", tree.path("C.T1.C1.G2"))
    assert not p.can("cases.read", tree.path("C.T1.C1"))
    assert p.scope("cases.read") == [tree.path("C.T1.C1.G1")]
    h = {"Authorization": f"Bearer {d.accounts.make_token('gw', actor='t')}"}
    case = {"title": "楼道堆物", "category": "neighbour", "source": "patrol"}
    mine = api.post("/api/v1/cases", headers=h, json={**case, "area_code": "C.T1.C1.G1"})
    assert mine.status_code == 201, mine.text
    before = count(d, tables.cases)
    r = api.post("/api/v1/cases", headers=h, json={**case, "area_code": "C.T1.C1.G2"})
    assert r.status_code == 403 and r.json()["rule"] == "acts_for_grid", r.text
    assert "C.T1.C1.G1" in r.json()["message"] and r.json()["field"] == "area_code"
    assert count(d, tables.cases) == before
    other = d.cases.create(NewCase(title="邻网格", category="neighbour", source="walk_in",
                                   area_code="C.T1.C1.G2"), actor="t")
    r = api.get(f"/api/v1/cases/{other.id}", headers=h)
    assert r.status_code == 403 and r.json()["rule"] == "acts_for_grid"
    listed = [c["id"] for c in api.get("/api/v1/cases", headers=h).json()["items"]]
    assert listed == [mine.json()["id"]]
    # unbound, the same grant reaches the whole town again
    d.accounts.set_acts_for("gw", None, actor="t")
    assert d.accounts.as_user("gw").can("cases.create", tree.path("C.T1.C1.G2"))


@pytest.mark.parametrize(("acts_for", "rule"), [("grid:C.T1", "grid"), ("grid:NOPE", "exists"),
                                                ("grid", "acts_for")])
def test_a_grid_binding_must_name_a_grid(deployment, acts_for, rule):
    d = deployment
    with pytest.raises(ValidationError) as err:
        d.accounts.add_user("gw", "网格员", "long-password", acts_for=acts_for)
    assert (err.value.field, err.value.rule) == ("acts_for", rule)
    assert count(d, tables.users) == 0
    d.accounts.add_user("gw", "网格员", "long-password")
    with pytest.raises(ValidationError):
        d.accounts.set_acts_for("gw", acts_for)
    assert d.accounts.as_user("gw").acts_for is None
