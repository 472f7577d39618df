"""suyuan-co-governance (诉源共治): the Party, trade and industry bodies and social forces
working together (seed §四).

The co_governance pillar as a third-party plugin: Party organisations and the Party groups in
mediation bodies, Party members' part in cases; trade and industry mediation committees with
their declared coverage, routing and figures; the land-acquisition and demolition ledger
(挂号 + 销号); social organisations, volunteers and their hours, deputies, retired judicial and
police officers, the law society, chambers of commerce and trade associations. It imports only
suyuan_core's public API and keeps its tables in its own Alembic branch.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from suyuan_co_governance.models import metadata
from suyuan_co_governance.settings import Settings
from suyuan_core import (
    Case,
    CaseEvent,
    Category,
    Deployment,
    MigrationSource,
    Permission,
    PluginSpec,
    Role,
    RouteProposal,
    SensitiveField,
    hookimpl,
    implement,
)

__all__ = ["Settings", "plugin"]

plugin = PluginSpec(
    label=("诉源共治", "Co-governance"), pillar="co_governance", settings=Settings,
    description="Party organisations in dispute work, trade and industry mediation committees, "
                "the land-acquisition and demolition ledger (挂号 + 销号), social forces.")

#: (code, zh, en, the core's roles that also grant it). Reading follows the core's cases.read,
#: roster.read and metrics.read in the caller's areas; these are the rights to change things.
PERMISSIONS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("co_governance.ledger.manage", "征地拆迁台账挂号与进展", "Register ledger issues and progress",
     ("official", "supervisor")),
    ("co_governance.ledger.close_out", "征地拆迁台账销号", "Close out ledger issues",
     ("official", "supervisor")),
    ("co_governance.committees.manage", "维护行业调解委员会", "Maintain industry committees",
     ("supervisor",)),
    ("co_governance.party.manage", "维护党组织与党员", "Maintain Party organisations and members",
     ("official", "supervisor")),
    ("co_governance.forces.manage", "维护社会力量", "Maintain social forces",
     ("official", "supervisor")),
    ("co_governance.participation.record", "记录参与化解", "Record participation in cases",
     ("mediator", "official", "supervisor")),
    ("co_governance.hours.record", "记录志愿服务时长", "Record volunteer hours",
     ("official", "supervisor")),
]


@hookimpl
def suyuan_register_permissions() -> list[Permission]:
    return [Permission(code=c, label=(zh, en), granted_to=roles) for c, zh, en, roles in PERMISSIONS]


ROLES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("party_member", "党员", "Party member", ("cases.read",)),
    ("volunteer", "志愿者", "Volunteer", ("cases.read",)),
    ("deputy", "两代表一委员", "Deputy or CPPCC member", ("cases.read",)),
    ("retired_judicial", "退休司法人员", "Retired judicial officer", ("cases.read",)),
    ("retired_police", "退休政法干警", "Retired police/legal officer", ("cases.read",)),
    ("committee_mediator", "行业调解员", "Industry committee mediator",
     ("cases.read", "cases.transition", "roster.read", "co_governance.participation.record")),
]


@hookimpl
def suyuan_register_roles() -> list[Role]:
    grants: Any = frozenset  # Role converts its permissions; typed as Any for mypy's attrs plugin
    return [Role(code=c, label=(zh, en), permissions=grants(p)) for c, zh, en, p in ROLES]


@hookimpl
def suyuan_register_categories(deployment: Deployment) -> list[Category]:
    """农产品纠纷 (farm produce), a sub-type of production and business, for the agriculture
    committee — unless the county's own code list already has it."""
    if "farm_produce" in deployment.categories:
        return []
    return [Category(code="farm_produce", label=("农产品纠纷", "Farm produce"),
                     parent="production_business")]


register_metrics = implement("suyuan_register_metrics", "suyuan_co_governance.metrics:METRICS")


@hookimpl
def suyuan_register_sensitive_fields() -> list[SensitiveField]:
    from suyuan_co_governance.models import ledger_issues

    # the people a ledger issue affects: masked in every list, page and export unless unmasked
    return [SensitiveField("affected", "name", label=("受影响群众", "People affected"),
                           table=ledger_issues.name)]


register_migrations = implement("suyuan_register_migrations", MigrationSource(
    "co_governance", "suyuan_co_governance:migrations/versions", metadata))


register_commands = implement("suyuan_register_commands", "suyuan_co_governance.cli:build")
register_routes = implement("suyuan_register_routes", "suyuan_co_governance.web:routes")
register_pages = implement("suyuan_register_pages", "suyuan_co_governance.web.pages:pages")
register_dashboard_panels = implement(
    "suyuan_register_dashboard_panels", "suyuan_co_governance.web.pages:panels")


@hookimpl
def suyuan_case_route(case: Case, deployment: Deployment, session: Session) -> list[RouteProposal]:
    from suyuan_co_governance.committees import Committees

    return Committees(deployment).propose(case, session)


@hookimpl
def suyuan_case_after_transition(case: Case, event: CaseEvent, deployment: Deployment,
                                 session: Session) -> None:
    if event.kind not in ("assign", "resolve", "fail", "refer", "withdraw", "reopen"):
        return
    from suyuan_co_governance.committees import Committees

    Committees(deployment).observe(case, event, session)


@hookimpl
def suyuan_demo_data(deployment: Deployment, seed: int, scale: float) -> None:
    from suyuan_co_governance.demo import generate

    generate(deployment, seed=seed, scale=scale)
