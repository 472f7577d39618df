"""suyuan-labour-arbitration: refer unsettled labour disputes to the arbitration commission."""

from __future__ import annotations

from typing import Any

import attrs
import click
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import (
    Case,
    CaseEvent,
    Category,
    Deployment,
    EventRule,
    IntakeSource,
    MetricDefinition,
    MigrationSource,
    Permission,
    PluginSpec,
    Refusal,
    RouteProposal,
    hookimpl,
)
from suyuan_labour_arbitration.models import metadata, referrals

LABOUR = ("labour", "wage_arrears")
READ = "labour_arbitration.referrals.read"


@attrs.frozen
class Settings:
    """``[plugins.labour_arbitration]`` in suyuan.toml."""

    #: the commission referrals go to when the referral does not name one.
    default_commission: str = "县劳动人事争议仲裁委员会"
    #: whether a referral must name the commission explicitly.
    require_commission: bool = True
    #: the labour-dispute mediation committee proposed for labour cases (routing).
    committee: str = "labour_mediation_committee"


plugin = PluginSpec(label=("劳动仲裁衔接", "Labour arbitration referrals"), settings=Settings,
                    description="Refers unsettled labour disputes to the arbitration commission.")


@hookimpl
def suyuan_register_categories() -> list[Category]:
    return [Category(code="wage_arrears", label=("欠薪纠纷", "Wage arrears"), parent="labour")]


@hookimpl
def suyuan_register_intake_sources() -> list[IntakeSource]:
    return [IntakeSource(code="labour_inspection", label=("劳动监察移送", "Labour inspection"))]


def _is_labour(f: Any) -> bool:
    return f.category in LABOUR


@hookimpl
def suyuan_register_permissions() -> list[Permission]:
    return [Permission(READ, ("查看仲裁移送", "Read arbitration referrals"),
                       granted_to=("official", "supervisor"))]


@hookimpl
def suyuan_register_routes() -> list[Any]:
    from suyuan_labour_arbitration.api import referral_list

    return [referral_list]


@hookimpl
def suyuan_case_route(case: Case, deployment: Deployment) -> list[RouteProposal] | None:
    if case.category not in LABOUR:
        return None
    committee = deployment.settings("labour_arbitration").committee
    return [RouteProposal("organisation", committee, 0.8, "劳动争议先由劳动争议调解委员会调解")]


@hookimpl
def suyuan_register_metrics() -> list[MetricDefinition]:
    return [MetricDefinition(
        key="labour_referrals", label=("劳动仲裁移送数", "Referred to labour arbitration"),
        unit="count", numerator=EventRule({"refer"}, "refer events of labour cases", _is_labour))]


@hookimpl
def suyuan_register_migrations() -> MigrationSource:
    return MigrationSource(branch_label="labour_arbitration",
                           location="suyuan_labour_arbitration:migrations/versions",
                           metadata=metadata)


@hookimpl
def suyuan_case_before_transition(case: Case, action: str, data: dict[str, Any],
                                  deployment: Deployment) -> Refusal | None:
    settings: Settings = deployment.settings("labour_arbitration")
    if (action == "refer" and case.category in ("labour", "wage_arrears")
            and settings.require_commission and not data.get("commission")):
        return Refusal("劳动争议移送须写明仲裁委员会 (data.commission): a labour referral must name "
                       "the arbitration commission")
    return None


@hookimpl
def suyuan_case_after_transition(case: Case, event: CaseEvent, deployment: Deployment,
                                 session: Session) -> None:
    if event.kind == "refer" and case.category in LABOUR:
        settings: Settings = deployment.settings("labour_arbitration")
        session.execute(referrals.insert().values(
            case_id=case.id, commission=event.data.get("commission", settings.default_commission),
            referred_at=event.occurred_at.replace(tzinfo=None)))


@hookimpl
def suyuan_register_commands(deployment: Deployment | None) -> list[click.Command]:
    @click.group("labour")
    def labour() -> None:
        """劳动仲裁衔接: labour arbitration referrals."""

    @labour.command("referrals")
    def list_referrals() -> None:
        """List the referrals made so far."""
        if deployment is None:
            raise click.UsageError("no deployment configured")
        with deployment.reading() as s:
            for row in s.execute(sa.select(referrals).order_by(referrals.c.id)):
                click.echo(f"{row.case_id}\t{row.commission}\t{row.referred_at:%Y-%m-%d}")

    return [labour]
