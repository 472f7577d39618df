"""Accounts and access: users, area-scoped role grants, tokens, sessions, masking and the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from suyuan_core.accounts.audit import AuditEntry, AuditLog
from suyuan_core.accounts.masking import SensitiveField
from suyuan_core.accounts.principal import Grant, Principal
from suyuan_core.accounts.privacy import Privacy
from suyuan_core.accounts.service import AccountService, NewSession, UserInfo

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

#: the demo logins ``suyuan demo`` creates: (user name, password, display name, role, area level)
DEMO_PASSWORD = "suyuan-demo"


@attrs.frozen
class DemoLogin:
    """A demo login a plugin adds (``suyuan_demo_logins``): who, the roles it holds where, what
    it acts for (``organisation:<unit>``), and a short description printed with the others."""

    username: str
    display_name: str
    grants: tuple[tuple[str, str], ...]
    what: str
    acts_for: str | None = None


def ensure_demo_users(d: Deployment) -> list[tuple[str, str, str]]:
    """Create the demo logins if missing (idempotent) and return ``(user, password, what)``.

    ``admin`` administers and supervises the whole county (may unmask personal data);
    ``town`` is an official of the first town; ``mediator`` a mediator of its first community.
    Call it after the area tree is loaded.
    """
    tree = d.areas.tree
    roots = tree.roots()
    if not roots:
        return []
    root = roots[0]
    towns = sorted(tree.children.get(root, []))
    town = towns[0] if towns else root
    communities = sorted(tree.children.get(town, []))
    community = communities[0] if communities else town
    wanted = [
        ("admin", "演示管理员", [("admin", root), ("supervisor", root)],
         "county administrator and supervisor"),
        ("town", "演示镇干部", [("official", town)], f"official of {tree.get(town).name_zh}"),
        ("mediator", "演示调解员", [("mediator", community)],
         f"mediator of {tree.get(community).name_zh}"),
    ]
    acts: dict[str, str | None] = {}
    for _, logins in d.call_each("suyuan_demo_logins", root=root, town=town,
                                 community=community):
        for login in logins or ():
            wanted.append((login.username, login.display_name, list(login.grants), login.what))
            acts[login.username] = login.acts_for
    existing = {u.username for u in d.accounts.users()}
    out = []
    for username, name, grants, what in wanted:
        if username not in existing:
            d.accounts.add_user(username, name, DEMO_PASSWORD, acts_for=acts.get(username),
                                actor="demo")
        for role, area in grants:
            if role in d.roles:
                d.accounts.grant(username, role, area, actor="demo")
        out.append((username, DEMO_PASSWORD, what))
    return out


__all__ = ["DEMO_PASSWORD", "AccountService", "AuditEntry", "AuditLog", "DemoLogin", "Grant",
           "NewSession",
           "Principal", "Privacy", "SensitiveField", "UserInfo", "ensure_demo_users"]
