"""What every route of the pillar shares: the caller's area scope (a record outside the caller's
areas is 404 when they may not read there, 403 when they may read but not change it), the audit
entry written in the change's transaction, and masking."""

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
METRICS_READ = "metrics.read"
LEDGER = "co_governance.ledger.manage"
CLOSE_OUT = "co_governance.ledger.close_out"
COMMITTEES = "co_governance.committees.manage"
PARTY = "co_governance.party.manage"
FORCES = "co_governance.forces.manage"
PARTICIPATION = "co_governance.participation.record"
HOURS = "co_governance.hours.record"
UNMASK = "personal_data.unmask"


def client_ip(request: AnyRequest) -> str:
    return request.client.host if request.client else "-"


def path_of(d: Deployment, area_code: str, field: str = "area_code") -> str:
    if not isinstance(area_code, str) or area_code not in d.areas.tree:
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


def readable(d: Deployment, principal: Principal, permission: str, area_code: str,
             what: str, field: str) -> None:
    """404 (not 403) for a record outside the caller's areas: its existence is not told."""
    if not principal.can(permission, d.areas.tree.path(area_code)):
        raise NotFound(f"no {what}", field=field, rule="exists")


def readable_case(d: Deployment, principal: Principal, case_id: int) -> Case:
    case = d.cases.get(case_id)
    readable(d, principal, READ, case.area_code, f"case with id {case_id}", "case_id")
    return case


def in_scope(d: Deployment, principal: Principal, permission: str, area_code: str) -> bool:
    return area_code in d.areas.tree and principal.can(permission, d.areas.tree.path(area_code))


def scope_paths(d: Deployment, principal: Principal, permission: str,
                area: str | None) -> list[str]:
    """Area paths to look under: the one asked for (if the caller may), else each of theirs."""
    if area is not None:
        return [require(d, principal, permission, area, field="area")]
    paths = sorted(set(principal.scope(permission)))
    if not paths:
        raise PermissionDenied(f"you hold {permission} for no area", field="area",
                               rule=permission, hint="ask an administrator for a role")
    return paths


@contextmanager
def audited(d: Deployment, principal: Principal, request: AnyRequest, action: str,
            record: str | None = None, reason: str | None = None) -> Iterator[Session]:
    """A write transaction whose audit entry commits or rolls back with the change."""
    with d.transaction() as s:
        s.info["audit_record"] = record
        yield s
        d.audit.write(s, actor=principal.actor, action=f"co_governance.{action}",
                      record=s.info.get("audit_record"), reason=reason, ip=client_ip(request))


def may_unmask(d: Deployment, principal: Principal, area_code: str, unmask: bool,
               reason: str | None) -> bool:
    """Whether to show personal data: only on request, with the right and a reason."""
    if not unmask:
        return False
    d.privacy.check_unmask(principal, d.areas.tree.path(area_code), reason)
    return True


def masked_names(d: Deployment, names: Sequence[str], reveal: bool) -> list[str]:
    if reveal:
        return list(names)
    return [p["name"] for p in d.privacy.parties([{"name": n} for n in names], False)]
