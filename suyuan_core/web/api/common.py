"""Helpers the API modules share: area scoping and how a case is shown to a caller."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from litestar import Request
from litestar.di import NamedDependency

from suyuan_core import timeutil
from suyuan_core.accounts.principal import Principal
from suyuan_core.deployment import Deployment
from suyuan_core.domain.cases import Case
from suyuan_core.errors import NotFound, PermissionDenied
from suyuan_core.web.addresses import client_address
from suyuan_core.web.dto import CaseOut, case_out

#: handler parameters filled by the API router's dependencies.
DeploymentDep = NamedDependency[Deployment]
PrincipalDep = NamedDependency[Principal]

#: which permission each lifecycle action needs.
ACTION_PERMISSION = {"assign": "cases.assign", "escalate": "cases.escalate"}


def action_permission(action: str) -> str:
    return ACTION_PERMISSION.get(action, "cases.transition")


def client_ip(request: Request[Any, Any, Any]) -> str:
    """The client's address as the audit log records it: the peer, or — when the peer is one of
    ``[web] trusted_proxies`` — the nearest address in ``X-Forwarded-For`` that is not a proxy
    (a client cannot forge its address by sending the header itself)."""
    d: Deployment = request.app.state["deployment"]
    return client_address(request.scope, d.config.core.web.trusted_proxies)


def area_path(d: Deployment, area_code: str) -> str:
    return d.areas.tree.path(area_code)


def require_area(d: Deployment, principal: Principal, permission: str, area_code: str) -> str:
    """The area's path, if the caller holds ``permission`` there; else 403 naming both."""
    path = area_path(d, area_code)
    if not principal.can(permission, path):
        raise PermissionDenied(f"you may not {permission} in area {area_code}",
                               field="area_code", rule=permission,
                               hint="your roles cover: " + (", ".join(
                                   f"{g.role}@{g.area_code}" for g in principal.grants) or "nothing"))
    return path


def default_area(d: Deployment, principal: Principal, permission: str) -> str:
    """The highest area where the caller holds ``permission`` (their natural starting point)."""
    best = None
    for g in principal.grants:
        if permission in g.permissions and (best is None or len(g.area_path) < len(best[1])):
            best = (g.area_code, g.area_path)
    if best is None:
        raise PermissionDenied(f"you hold {permission} for no area", field="area_code",
                               rule=permission, hint="ask an administrator for a role")
    return best[0]


def readable_case(d: Deployment, principal: Principal, case_id: int) -> tuple[Case, str]:
    """The case and its area path, or 404 when it does not exist *or* lies outside the caller's
    areas (so that ids outside one's remit reveal nothing)."""
    case = d.cases.get(case_id)
    path = area_path(d, case.area_code)
    if not principal.can("cases.read", path):
        raise NotFound(f"no case with id {case_id}", field="case_id", rule="exists")
    return case, path


def present(d: Deployment, case: Case, reveal: bool, now: dt.datetime | None = None) -> CaseOut:
    """A case as the caller sees it: parties and declared sensitive fields masked, and the
    phone and ID numbers in its title and description masked, unless ``reveal``."""
    parties = d.privacy.parties([p.as_dict() for p in case.parties], reveal)
    if not reveal:
        case = attrs.evolve(case, title=d.privacy.text(case.title, False) or case.title,
                            description=d.privacy.text(case.description, False) or "")
    return case_out(case, parties=parties, data=d.privacy.data(case.data, reveal),
                    masked=not reveal, now=now or timeutil.now())
