"""suyuan-rule-of-law (诉源法治): legal services sunk into communities, legal education, courts
reaching out, judicial confirmation, invited mediation and online mediation.

The rule_of_law pillar as a third-party plugin: the legal service directory and the service halls
(群众工作之家), one legal advisor per community with its monthly report, 法治大讲堂 compliance and
the 谁执法谁普法 list, circuit sessions and court guidance, police mediation as a case route,
judicial confirmation of another pillar's mediation agreements (through hooks), cases delegated by
the court's mediation platform (through an adapter hook) and video mediation in an existing video
system (through a hook). It imports only suyuan_core's public API and keeps its tables in its own
Alembic branch.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import (
    Case,
    Category,
    CourtPlatform,
    Deployment,
    IntakeSource,
    Job,
    MigrationSource,
    Permission,
    PluginSpec,
    Role,
    RouteProposal,
    VideoRoom,
    hookimpl,
    implement,
    tables,
)
from suyuan_rule_of_law.models import metadata
from suyuan_rule_of_law.settings import Settings

__all__ = ["Settings", "plugin"]

plugin = PluginSpec(
    label=("诉源法治", "Rule of law"), pillar="rule_of_law", settings=Settings,
    description="Legal service directory and service halls, one legal advisor per community with "
                "monthly reports, legal education, circuit sessions, police mediation, judicial "
                "confirmation, invited mediation with the court's platform, video mediation.")

#: (code, zh, en, the core's roles that also grant it). Reading follows the core's cases.read,
#: roster.read and metrics.read in the caller's areas; these are the rights to change things.
PERMISSIONS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("rule_of_law.directory.edit", "维护法律服务资源库", "Edit the legal service directory",
     ("supervisor",)),
    ("rule_of_law.advisors.manage", "聘任法律顾问", "Assign legal advisors", ("supervisor",)),
    ("rule_of_law.advisors.record", "记录法律顾问工作", "Record legal advisors' work",
     ("official", "supervisor")),
    ("rule_of_law.education.record", "记录普法活动", "Record legal education",
     ("official", "supervisor")),
    ("rule_of_law.courts.record", "记录巡回审判", "Record circuit sessions and court guidance",
     ("supervisor",)),
    ("rule_of_law.confirmation.apply", "登记司法确认申请", "File judicial confirmation",
     ("mediator", "official", "supervisor")),
    ("rule_of_law.confirmation.decide", "登记法院司法确认结果", "Record the court's confirmation",
     ("supervisor",)),
    ("rule_of_law.delegations.manage", "办理委派委托调解", "Handle delegated cases",
     ("official", "supervisor")),
    ("rule_of_law.video.manage", "安排视频调解", "Schedule video mediation",
     ("mediator", "official", "supervisor")),
]

ROLES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("legal_advisor", "法律顾问", "Legal advisor",
     ("cases.read", "roster.read", "rule_of_law.advisors.record",
      "rule_of_law.education.record", "rule_of_law.confirmation.apply")),
    ("community_police", "社区民警", "Community police officer",
     ("cases.read", "cases.create", "cases.transition", "rule_of_law.video.manage")),
    ("invited_mediator", "特邀调解员", "Invited mediator",
     ("cases.read", "cases.transition", "rule_of_law.delegations.manage",
      "rule_of_law.video.manage")),
    ("court_clerk", "法院工作人员", "Court clerk",
     ("cases.read", "roster.read", "rule_of_law.confirmation.decide",
      "rule_of_law.courts.record", "rule_of_law.delegations.manage")),
]


@hookimpl
def suyuan_register_permissions() -> list[Permission]:
    return [Permission(code=c, label=(zh, en), granted_to=roles) for c, zh, en, roles in PERMISSIONS]


@hookimpl
def suyuan_register_roles() -> list[Role]:
    grants: Any = frozenset  # Role converts its permissions; typed as Any for mypy's attrs plugin
    return [Role(code=c, label=(zh, en), permissions=grants(p)) for c, zh, en, p in ROLES]


@hookimpl
def suyuan_register_intake_sources() -> list[IntakeSource]:
    return [IntakeSource(code="court_platform", label=("人民法院调解平台", "Court mediation platform"))]


@hookimpl
def suyuan_register_categories() -> list[Category]:
    """Sub-types the court will not confirm (身份/收养/婚姻), so an agreement's matter says so."""
    return [Category(code="marriage", label=("婚姻关系", "Marriage status"), parent="marriage_family"),
            Category(code="adoption", label=("收养关系", "Adoption"), parent="marriage_family"),
            Category(code="identity", label=("身份关系", "Identity (parentage)"),
                     parent="marriage_family"),
            Category(code="public_security", label=("治安纠纷", "Public-security dispute"),
                     parent="damages")]


register_metrics = implement("suyuan_register_metrics", "suyuan_rule_of_law.metrics:METRICS")
register_migrations = implement("suyuan_register_migrations", MigrationSource(
    "rule_of_law", "suyuan_rule_of_law:migrations/versions", metadata))


register_commands = implement("suyuan_register_commands", "suyuan_rule_of_law.cli:build")
register_routes = implement("suyuan_register_routes", "suyuan_rule_of_law.web:routes")
register_pages = implement("suyuan_register_pages", "suyuan_rule_of_law.web.pages:pages")
register_dashboard_panels = implement(
    "suyuan_register_dashboard_panels", "suyuan_rule_of_law.web.pages:panels")


@hookimpl
def suyuan_case_route(case: Case, deployment: Deployment, session: Session) -> list[RouteProposal]:
    """治安调解: a public-security dispute goes to the community police officer."""
    from suyuan_rule_of_law.courts import police_route

    return police_route(case, deployment, session)


@hookimpl
def suyuan_mediation_agreement_unperformed(case: Case, agreement: dict[str, Any],
                                           deployment: Deployment, session: Session) -> str | None:
    """What the parties can do about an agreement found not performed (Art 33): enforce it when
    the court confirmed it, apply jointly while the window is open, or sue."""
    from suyuan_rule_of_law.common import tz
    from suyuan_rule_of_law.confirmation import Confirmations

    e = tables.case_events.c
    last = session.scalar(sa.select(sa.func.max(e.occurred_at)).where(e.case_id == case.id))
    on = last.replace(tzinfo=dt.UTC).astimezone(tz(deployment)).date() if last else None
    note = Confirmations(deployment).unperformed_advice(agreement, session, on)
    if note and case.id is not None:
        deployment.cases.record(case.id, "rule_of_law.unperformed_advice", actor="rule_of_law",
                                session=session, data={"agreement": agreement.get("id"),
                                                       "advice": note})
    return note


@hookimpl
def suyuan_register_jobs(deployment: Deployment) -> list[Job]:
    """The court platform's sync (``platform_sync_every``) and the daily warning before a
    judicial-confirmation window closes."""
    from suyuan_rule_of_law.schedule import jobs

    return jobs(deployment)


register_notification_kinds = implement(
    "suyuan_register_notification_kinds", "suyuan_rule_of_law.notices:KINDS")


@hookimpl(trylast=True)
def suyuan_video_room(case_id: int, room: str, deployment: Deployment) -> VideoRoom | None:
    """The default: a room on the county's self-hosted Jitsi Meet (``video_base_url``/room)."""
    from suyuan_rule_of_law.video import jitsi_room

    return jitsi_room(deployment, room)


@hookimpl(trylast=True)
def suyuan_court_platform(system: str, deployment: Deployment) -> CourtPlatform | None:
    """The shipped adapters: ``file`` (an exchange folder) and ``http`` (the platform's API)."""
    from suyuan_rule_of_law.platform import adapter

    return adapter(deployment, system)


@hookimpl(trylast=True)
def suyuan_demo_data(deployment: Deployment, seed: int, scale: float) -> None:
    """Last, so the agreements the other pillars' demo data made (self_governance's) are there
    to go for judicial confirmation."""
    from suyuan_rule_of_law.demo import generate

    generate(deployment, seed=seed, scale=scale)
