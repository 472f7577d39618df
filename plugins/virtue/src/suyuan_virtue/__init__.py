"""suyuan-virtue (诉源德治): moral and family life as a pillar of dispute prevention.

Counselling referrals; the community-correction and resettlement registers (the most sensitive
personal data in the system: encrypted at rest, masked by default, minors sealed, excluded from
cases, search, exports and the dashboard's drill-down, PIA-gated, retention-limited, every access
audited); culture brands, family-code readings and moral-model selection (one vote per household);
elderly-care checks, adoption review and guardianship agreements for left-behind children; and
marriage/family disputes routed to a marriage mediator and a kin mediation team together.

It imports only suyuan_core's public API and keeps its tables in its own Alembic branch.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from suyuan_core import (
    Case,
    CaseEvent,
    Deployment,
    IntakeSource,
    MigrationSource,
    Permission,
    PluginSpec,
    Role,
    RouteProposal,
    SensitiveField,
    hookimpl,
    implement,
)
from suyuan_virtue.models import metadata
from suyuan_virtue.protection import ADMIN, REGISTERS, SEALED, read_perm, unmask_perm, write_perm
from suyuan_virtue.settings import Settings

__all__ = ["Settings", "plugin"]

plugin = PluginSpec(
    label=("诉源德治", "Virtue"), pillar="virtue", settings=Settings,
    description="Counselling, community correction and resettlement registers (encrypted, "
                "masked, sealed), culture brands and moral-model selection, families and "
                "children, marriage mediation.")

SELECTION = "virtue.selection.manage"
VOTE = "virtue.selection.vote"
CULTURE = "virtue.culture.manage"
FAMILIES = "virtue.families.manage"
MARRIAGE = "virtue.marriage.dispatch"


def _register_permissions() -> list[Permission]:
    out = []
    for code, (zh, en) in REGISTERS.items():
        # restricted: the administrator's all-permissions grant never reaches a register
        out += [Permission(code=read_perm(code), label=(f"查看{zh}记录(脱敏)", f"Read {en} (masked)"),
                           restricted=True),
                Permission(code=write_perm(code), label=(f"登记{zh}", f"Write {en}"),
                           restricted=True),
                Permission(code=unmask_perm(code), label=(f"查看{zh}完整信息",
                                                          f"Unmask {en}"), restricted=True)]
    return out


@hookimpl
def suyuan_register_permissions() -> list[Permission]:
    return [
        *_register_permissions(),
        Permission(code=SEALED, label=("查阅封存的未成年人记录", "Read sealed minors' records"),
                   restricted=True),
        Permission(code=ADMIN, label=("个人信息保护管理(影响评估、访问报告、保存期限)",
                                      "Privacy administration (PIA, access report, retention)"),
                   granted_to=("admin",)),
        Permission(code=SELECTION, label=("组织道德模范评选", "Run moral-model selections"),
                   granted_to=("official", "supervisor")),
        Permission(code=VOTE, label=("登记评选投票", "Record selection votes"),
                   granted_to=("official", "supervisor", "grid_worker")),
        Permission(code=CULTURE, label=("维护文化品牌与活动", "Maintain culture brands and events"),
                   granted_to=("official", "supervisor")),
        Permission(code=FAMILIES, label=("养老服务检查", "Elderly-care checks"),
                   granted_to=("official", "supervisor")),
        Permission(code=MARRIAGE, label=("婚姻家庭纠纷双渠道派单", "Dispatch marriage disputes to "
                                         "both channels"), granted_to=("official", "supervisor")),
    ]


def _all(register: str) -> tuple[str, str, str]:
    return read_perm(register), write_perm(register), unmask_perm(register)


ROLES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("correction_officer", "社区矫正工作人员", "Community-correction officer",
     _all("community_correction")),
    ("resettlement_officer", "安置帮教工作人员", "Resettlement officer", _all("resettlement")),
    ("judicial_authority", "司法机关工作人员", "Judicial authority",
     (read_perm("community_correction"), unmask_perm("community_correction"),
      read_perm("resettlement"), unmask_perm("resettlement"), SEALED)),
    ("privacy_officer", "个人信息保护负责人", "Privacy officer", (ADMIN,)),
    ("counsellor", "心理咨询师", "Counsellor", (*_all("counselling"), "roster.read")),
    ("psychiatric_staff", "精神科医务人员", "Psychiatric staff", (*_all("counselling"), "roster.read")),
    ("social_worker", "社会工作者", "Social worker",
     (read_perm("counselling"), write_perm("counselling"), "roster.read")),
    ("civil_affairs_officer", "民政工作人员", "Civil-affairs officer",
     (*_all("guardianship"), *_all("adoption"), FAMILIES, "roster.read")),
    ("marriage_mediator", "婚姻调解师", "Marriage mediator",
     ("cases.read", "cases.create", "cases.transition", "roster.read")),
]


@hookimpl
def suyuan_register_roles() -> list[Role]:
    grants: Any = frozenset  # Role converts its permissions; typed as Any for mypy's attrs plugin
    return [Role(code=c, label=(zh, en), permissions=grants(p)) for c, zh, en, p in ROLES]


@hookimpl
def suyuan_register_intake_sources() -> list[IntakeSource]:
    return [IntakeSource(code="youth_12355", label=("12355青少年服务台", "12355 youth line")),
            IntakeSource(code="women_federation", label=("网上妇联", "Online women's federation"))]


register_metrics = implement("suyuan_register_metrics", "suyuan_virtue.metrics:METRICS")
register_migrations = implement("suyuan_register_migrations", MigrationSource(
    "virtue", "suyuan_virtue:migrations/versions", metadata))


@hookimpl
def suyuan_register_sensitive_fields() -> list[SensitiveField]:
    """Every encrypted column of the registers (the core encrypts, decrypts, masks, audits the
    unmasking and rotates the key: :mod:`suyuan_virtue.sensitive`). Only marriage cases carry
    anything of ours in ``case.data``; ``virtue.child`` is declared so a stray value would still
    be masked."""
    from suyuan_virtue.sensitive import declared

    return [SensitiveField("virtue.child", "hidden", ("儿童信息", "Child's details")),
            *declared()]


register_commands = implement("suyuan_register_commands", "suyuan_virtue.cli:build")
register_routes = implement("suyuan_register_routes", "suyuan_virtue.web:routes")
register_pages = implement("suyuan_register_pages", "suyuan_virtue.web.pages:pages")
register_dashboard_panels = implement("suyuan_register_dashboard_panels", "suyuan_virtue.web.pages:panels")


@hookimpl
def suyuan_case_route(case: Case, deployment: Deployment, session: Session) -> list[RouteProposal]:
    from suyuan_virtue.marriage import propose

    return propose(case, deployment, session)


@hookimpl
def suyuan_case_after_transition(case: Case, event: CaseEvent, deployment: Deployment,
                                 session: Session) -> None:
    if event.kind != "assign":  # the only kind observe() keeps: skip the import for the rest
        return
    from suyuan_virtue.marriage import observe

    observe(case, event, deployment, session)


@hookimpl
def suyuan_demo_data(deployment: Deployment, seed: int, scale: float) -> None:
    from suyuan_virtue.demo import generate

    generate(deployment, seed=seed, scale=scale)
