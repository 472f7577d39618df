"""What every route of the pillar shares: the caller's area scope (checked like the core's own
handlers: a record outside the caller's areas is 404 when they may not read there, 403 when they
may read but not do), the audit entry written in the change's transaction, and masking."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from sqlalchemy.orm import Session

from suyuan_core import Case, Deployment, NotFound, PermissionDenied, Principal, ValidationError

DeploymentDep = NamedDependency[Deployment]
PrincipalDep = NamedDependency[Principal]
AnyRequest = Request[Any, Any, Any]

READ = "cases.read"
ROSTER_READ = "roster.read"
ROSTER_EDIT = "self_governance.roster.edit"
SESSIONS = "self_governance.sessions.record"
AGREEMENTS = "self_governance.agreements.manage"
RULES = "self_governance.rules.manage"
PROCEDURES = "self_governance.procedures.manage"
SUPERVISION = "self_governance.supervision.review"
PATROLS = "self_governance.patrols.record"
ACTIVITIES = "self_governance.activities.record"
ASSIGN = "cases.assign"
UNMASK = "personal_data.unmask"


def client_ip(request: AnyRequest) -> str:
    return request.client.host if request.client else "-"


def path_of(d: Deployment, area_code: str, field: str = "area_code") -> str:
    if area_code not in d.areas.tree:
        raise ValidationError(f"no area with code {area_code!r}", field=field, rule="exists",
                              hint="see GET /api/v1/areas")
    return d.areas.tree.path(area_code)


def require(d: Deployment, principal: Principal, permission: str, area_code: str,
            field: str = "area_code") -> str:
    """The area's path if the caller holds ``permission`` there; else 403 naming both."""
    path = path_of(d, area_code, field)
    if not principal.can(permission, path):
        held = ", ".join(f"{g.role}@{g.area_code}" for g in principal.grants) or "nothing"
        raise PermissionDenied(f"you may not {permission} in area {area_code}", field=field,
                               rule=permission, hint=f"your roles cover: {held}")
    return path


def readable_case(d: Deployment, principal: Principal, case_id: int) -> Case:
    """The case, or 404 when it does not exist or lies outside the caller's areas."""
    case = d.cases.get(case_id)
    if not principal.can(READ, d.areas.tree.path(case.area_code)):
        raise NotFound(f"no case with id {case_id}", field="case_id", rule="exists")
    return case


def case_for(d: Deployment, principal: Principal, case_id: int, permission: str) -> Case:
    """A case the caller may read *and* act on with ``permission``."""
    case = readable_case(d, principal, case_id)
    require(d, principal, permission, case.area_code, field="case_id")
    return case


def in_scope(d: Deployment, principal: Principal, permission: str, area_code: str) -> bool:
    return area_code in d.areas.tree and principal.can(permission, d.areas.tree.path(area_code))


def areas_to_list(d: Deployment, principal: Principal, permission: str,
                  area: str | None) -> list[str]:
    """Area codes to look under: the one asked for (if the caller may), else each of theirs."""
    if area is not None:
        require(d, principal, permission, area, field="area")
        return [area]
    paths = set(principal.scope(permission))
    codes = sorted({g.area_code for g in principal.grants if g.area_path in paths})
    if not codes:
        raise PermissionDenied(f"you hold {permission} for no area", field="area",
                               rule=permission, hint="ask an administrator for a role")
    return codes


@contextmanager
def audited(d: Deployment, principal: Principal, request: AnyRequest, action: str,
            record: str | None = None, reason: str | None = None) -> Iterator[Session]:
    """A write transaction whose audit entry commits or rolls back with the change. The handler
    may set ``record`` later through the returned session's ``info``."""
    with d.transaction() as s:
        s.info["audit_record"] = record
        yield s
        d.audit.write(s, actor=principal.actor, action=f"self_governance.{action}",
                      record=s.info.get("audit_record"), reason=reason, ip=client_ip(request))


def may_unmask(d: Deployment, principal: Principal, area_code: str, unmask: bool,
               reason: str | None) -> bool:
    """Whether to show personal data: only on request, with the right and a reason (audited by
    the caller)."""
    if not unmask:
        return False
    d.privacy.check_unmask(principal, d.areas.tree.path(area_code), reason)
    return True


def mask_names(d: Deployment, names: Sequence[str], reveal: bool) -> dict[str, str]:
    """Each person's name as the viewer may see it (``张*``)."""
    if reveal:
        return {n: n for n in names}
    shown = d.privacy.parties([{"name": n} for n in names], False)
    return {n: p["name"] for n, p in zip(names, shown, strict=True)}
