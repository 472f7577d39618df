"""What every route of the pillar shares, on the core's public ``suyuan_core.http`` helpers (so
the pillar refuses and audits exactly as the core does): a record outside the caller's areas is
404 when they may not read there, 403 when they may read but not change it; the audit entry is
written in the change's transaction; personal data is masked unless unmasked with a reason."""

from __future__ import annotations

from suyuan_core import Deployment, NotFound, PermissionDenied, Principal, http

AnyRequest = http.AnyRequest
DeploymentDep = http.DeploymentDep
PrincipalDep = http.PrincipalDep
audited = http.audited
client_ip = http.client_ip
in_scope = http.in_scope
may_unmask = http.may_unmask
readable_case = http.readable_case
require = http.require_area

READ = http.READ
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


def readable(d: Deployment, principal: Principal, permission: str, area_code: str,
             what: str, field: str) -> None:
    """404 (not 403) for a record outside the caller's areas: its existence is not told."""
    if not principal.can(permission, d.areas.tree.path(area_code)):
        raise NotFound(f"no {what}", field=field, rule="exists",
                       hint="check the id; records outside your areas are not shown")


def scope_paths(d: Deployment, principal: Principal, permission: str,
                area: str | None) -> list[str]:
    """Area paths to look under: the one asked for (if the caller may), else each of theirs;
    403 when they hold ``permission`` nowhere."""
    paths = sorted(set(http.listing_scope(d, principal, permission, area)))
    if not paths:
        raise PermissionDenied(f"you hold {permission} for no area", field="area",
                               rule=permission, hint="ask an administrator for a role")
    return paths

