"""suyuan-self-governance (诉源自治): residents settling their own disputes.

The self_governance pillar as a third-party plugin: mediator roster and committees, talk-and-reason
sessions, mediation agreements, routing, village rules and courtyard compacts, the four
deliberations and two disclosures, grid patrols, courtyard alliances and Citizens' Sunday. It
imports only suyuan_core's public API and keeps its tables in its own Alembic branch.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from suyuan_core import (
    Case,
    Category,
    ConfirmationDecision,
    Deployment,
    IntakeSource,
    MediationAgreement,
    MigrationSource,
    Permission,
    PluginSpec,
    Role,
    RouteProposal,
    hookimpl,
    implement,
)
from suyuan_self_governance.models import metadata
from suyuan_self_governance.settings import Settings

__all__ = ["Settings", "plugin"]

plugin = PluginSpec(
    label=("诉源自治", "Self-governance"), pillar="self_governance", settings=Settings,
    description="Mediators and committees, talk-and-reason sessions, mediation agreements, village "
                "rules, four deliberations two disclosures, grid patrols, courtyard alliances, "
                "Citizens' Sunday.")

#: (code, zh, en, the core's roles that also grant it). Reading follows the core's cases.read and
#: roster.read in the caller's areas; these are the rights to change things.
PERMISSIONS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("self_governance.roster.edit", "维护调解员与组织", "Edit mediators and bodies",
     ("supervisor",)),
    ("self_governance.sessions.record", "记录说事评理", "Record talk-and-reason sessions",
     ("mediator", "official", "supervisor")),
    ("self_governance.agreements.manage", "制作调解协议", "Draw up mediation agreements",
     ("mediator", "official", "supervisor")),
    ("self_governance.rules.manage", "维护村规民约", "Maintain village rules and compacts",
     ("official", "supervisor")),
    ("self_governance.procedures.manage", "办理四议两公开", "Run four-deliberations procedures",
     ("official", "supervisor")),
    ("self_governance.supervision.review", "村务监督", "Review as the supervision committee",
     ("supervisor",)),
    ("self_governance.patrols.record", "记录巡查", "Record patrols",
     ("grid_worker", "micro_grid_worker", "official", "supervisor")),
    ("self_governance.activities.record", "记录院落互助与百姓星期天",
     "Record courtyard alliance matters and Citizens' Sunday", ("official", "supervisor")),
]


@hookimpl
def suyuan_register_permissions() -> list[Permission]:
    return [Permission(code=c, label=(zh, en), granted_to=roles) for c, zh, en, roles in PERMISSIONS]


ROLES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("patrol_volunteer", "红袖套巡逻志愿者", "Red-armband patrol volunteer",
     ("cases.read", "cases.create", "self_governance.patrols.record")),
    ("supervision_member", "村(居)务监督委员会成员", "Supervision committee member",
     ("cases.read", "self_governance.supervision.review")),
    ("alliance_volunteer", "院落互助联盟志愿者", "Courtyard alliance volunteer",
     ("cases.read", "cases.create", "self_governance.activities.record")),
    ("committee_member", "人民调解委员会委员", "Mediation committee member",
     ("cases.read", "cases.create", "cases.transition", "roster.read",
      "self_governance.sessions.record", "self_governance.agreements.manage")),
]


@hookimpl
def suyuan_register_roles() -> list[Role]:
    grants: Any = frozenset  # Role converts its permissions; typed as Any for mypy's attrs plugin
    return [Role(code=c, label=(zh, en), permissions=grants(p)) for c, zh, en, p in ROLES]


@hookimpl
def suyuan_register_intake_sources() -> list[IntakeSource]:
    return [IntakeSource(code="courtyard_alliance", label=("院落互助联盟", "Courtyard alliance")),
            IntakeSource(code="citizens_sunday", label=("百姓星期天", "Citizens' Sunday"))]


@hookimpl
def suyuan_register_categories() -> list[Category]:
    return [Category(code="safety_hazard", label=("安全隐患", "Safety hazard"), parent="other")]


register_metrics = implement("suyuan_register_metrics", "suyuan_self_governance.metrics:METRICS")
register_migrations = implement("suyuan_register_migrations", MigrationSource(
    "self_governance", "suyuan_self_governance:migrations/versions", metadata))


register_commands = implement("suyuan_register_commands", "suyuan_self_governance.cli:build")
register_routes = implement("suyuan_register_routes", "suyuan_self_governance.web:routes")
register_pages = implement("suyuan_register_pages", "suyuan_self_governance.web.pages:pages")
register_dashboard_panels = implement(
    "suyuan_register_dashboard_panels", "suyuan_self_governance.web.pages:panels")


@hookimpl
def suyuan_case_route(case: Case, deployment: Deployment, session: Session) -> list[RouteProposal]:
    from suyuan_self_governance.routing import propose

    return propose(case, deployment, session)


@hookimpl
def suyuan_case_deadline(case: Case, action: str, now: dt.datetime,
                         deployment: Deployment) -> dt.datetime | None:
    """The mediation time limit (default one month) for disputes, from acceptance."""
    if action != "accept" or case.kind != "dispute":
        return None
    settings: Settings = deployment.settings("self_governance")
    if settings.mediation_limit_categories and case.category not in \
            settings.mediation_limit_categories:
        return None
    from suyuan_self_governance.sessions import mediation_deadline

    return mediation_deadline(deployment, settings, now)


@hookimpl
def suyuan_mediation_agreement(agreement_ref: str, deployment: Deployment,
                               session: Session) -> MediationAgreement | None:
    """Answer for ``self_governance:<id>``: the agreement as the public value other pillars read
    (the rule_of_law pillar's judicial confirmation)."""
    from suyuan_self_governance.agreements import public

    return public(deployment, session, agreement_ref)


@hookimpl
def suyuan_mediation_agreements(effective_from: dt.date, effective_to: dt.date,
                                deployment: Deployment,
                                session: Session) -> list[MediationAgreement]:
    """Our agreements still ``effective`` that took effect in the span (for the rule_of_law
    pillar's warning before the judicial-confirmation window closes)."""
    from suyuan_self_governance.agreements import effective_between

    return effective_between(deployment, session, effective_from, effective_to)


@hookimpl
def suyuan_judicial_confirmation_decided(decision: ConfirmationDecision, deployment: Deployment,
                                         session: Session) -> None:
    from suyuan_self_governance.agreements import decided

    decided(deployment, session, decision)


@hookimpl
def suyuan_demo_data(deployment: Deployment, seed: int, scale: float) -> None:
    from suyuan_self_governance.demo import generate

    generate(deployment, seed=seed, scale=scale)
