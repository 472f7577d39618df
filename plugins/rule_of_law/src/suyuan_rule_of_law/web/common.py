"""What every route of the pillar shares: the caller's area scope (a record outside the caller's
areas is 404 when they may not read there, 403 when they may read but not act), and the audit entry
written in the change's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from sqlalchemy.orm import Session

from suyuan_core import Deployment, NotFound, PermissionDenied, Principal, ValidationError, http

DeploymentDep = NamedDependency[Deployment]
PrincipalDep = NamedDependency[Principal]
AnyRequest = Request[Any, Any, Any]

READ = "cases.read"
ROSTER_READ = "roster.read"
METRICS_READ = "metrics.read"
DIRECTORY = "rule_of_law.directory.edit"
ADVISORS_MANAGE = "rule_of_law.advisors.manage"
ADVISORS_RECORD = "rule_of_law.advisors.record"
EDUCATION = "rule_of_law.education.record"
COURTS = "rule_of_law.courts.record"
APPLY = "rule_of_law.confirmation.apply"
DECIDE = "rule_of_law.confirmation.decide"
DELEGATIONS = "rule_of_law.delegations.manage"
VIDEO = "rule_of_law.video.manage"


def path_of(d: Deployment, area_code: str, field: str = "area_code") -> str:
    if area_code not in d.areas.tree:
        raise ValidationError(f"no area with code {area_code!r}", field=field, rule="exists",
                              hint="see GET /api/v1/areas")
    return d.areas.tree.path(area_code)


def readable(d: Deployment, principal: Principal, area_code: str, what: str,
             permission: str = READ) -> None:
    """404 (as if it did not exist) when the caller may not read in the record's area."""
    if area_code not in d.areas.tree or not principal.can(permission, d.areas.tree.path(area_code)):
        raise NotFound(f"no {what}", field="id", rule="exists")


def require(d: Deployment, principal: Principal, permission: str, area_code: str,
            field: str = "area_code") -> str:
    """The area's path if the caller holds ``permission`` there; else 403 naming both."""
    path = path_of(d, area_code, field)
    if not principal.can(permission, path):
        held = ", ".join(f"{g.role}@{g.area_code}" for g in principal.grants) or "nothing"
        raise PermissionDenied(f"you may not {permission} in area {area_code}", field=field,
                               rule=permission, hint=f"your roles cover: {held}")
    return path


def scope(d: Deployment, principal: Principal, permission: str, area: str | None) -> list[str]:
    """Area codes to look under: the one asked for (if the caller may read there), else each of
    the caller's own."""
    if area is not None:
        require(d, principal, permission, area, field="area")
        return [area]
    paths = set(principal.scope(permission))
    codes = sorted({g.area_code for g in principal.grants if g.area_path in paths})
    if not codes:
        raise PermissionDenied(f"you hold {permission} for no area", field="area",
                               rule=permission, hint="ask an administrator for a role")
    return codes


def paths(d: Deployment, codes: list[str]) -> list[str]:
    return [d.areas.tree.path(c) for c in codes]


@contextmanager
def audited(d: Deployment, principal: Principal, request: AnyRequest, action: str,
            record: str | None = None) -> Iterator[Session]:
    """A write transaction whose audit entry (``rule_of_law.<action>``) commits or rolls back
    with the change: the handler passes this session to the service, so a failed write leaves
    neither. It marks the request audited, so the core's automatic entry is not written too."""
    with http.audited(d, principal, request, f"rule_of_law.{action}", record) as s:
        yield s
