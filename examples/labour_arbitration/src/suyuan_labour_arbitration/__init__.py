"""suyuan-labour-arbitration: refer unsettled labour disputes to the arbitration commission.

The smallest complete third-party plugin (copy it to start yours): its own table on its own
migration branch, a permissioned route, a metric, a routing rule, a CLI group, settings checked at
start-up, a refusal and a write in the event's transaction — on the public API only."""

from __future__ import annotations

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

import suyuan_core as sy
from suyuan_core import tables

LABOUR = ("labour", "wage_arrears")
READ = "labour_arbitration.referrals.read"
metadata = sa.MetaData()
referrals = sa.Table(
    "labour_referrals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
              sa.ForeignKey(tables.cases.c.id), nullable=False, index=True),
    sa.Column("commission", sa.String(200), nullable=False),
    sa.Column("referred_at", sa.DateTime, nullable=False))


@attrs.frozen
class Settings:
    """``[plugins.labour_arbitration]`` in suyuan.toml."""

    default_commission: str = "县劳动人事争议仲裁委员会"  #: when a referral names none
    require_commission: bool = True  #: a referral must name its commission
    committee: str = "labour_mediation_committee"  #: proposed for labour cases (routing)


plugin = sy.PluginSpec(label=("劳动仲裁衔接", "Labour arbitration referrals"), settings=Settings,
                       description="Refers unsettled labour disputes to the arbitration commission.")
register_migrations = sy.implement("suyuan_register_migrations", sy.MigrationSource(
    "labour_arbitration", "suyuan_labour_arbitration:migrations/versions", metadata))
register_routes = sy.implement("suyuan_register_routes", "suyuan_labour_arbitration.api:ROUTES")
register_commands = sy.implement("suyuan_register_commands", "suyuan_labour_arbitration.cli:build")
register_categories = sy.implement("suyuan_register_categories", [
    sy.Category(code="wage_arrears", label=("欠薪纠纷", "Wage arrears"), parent="labour")])
register_intake_sources = sy.implement("suyuan_register_intake_sources", [
    sy.IntakeSource(code="labour_inspection", label=("劳动监察移送", "Labour inspection"))])
register_permissions = sy.implement("suyuan_register_permissions", [
    sy.Permission(READ, ("查看仲裁移送", "Read arbitration referrals"),
                  granted_to=("official", "supervisor"))])
register_metrics = sy.implement("suyuan_register_metrics", [sy.MetricDefinition(
    key="labour_referrals", label=("劳动仲裁移送数", "Referred to labour arbitration"), unit="count",
    numerator=sy.EventRule({"refer"}, "refer events of labour cases", lambda f: f.category in LABOUR))])


@sy.hookimpl
def suyuan_case_route(case: sy.Case, deployment: sy.Deployment) -> list[sy.RouteProposal] | None:
    if case.category in LABOUR:
        committee = deployment.settings("labour_arbitration").committee
        return [sy.RouteProposal("organisation", committee, 0.8, "劳动争议先由劳动争议调解委员会调解")]
    return None


@sy.hookimpl
def suyuan_case_before_transition(case: sy.Case, action: str, data: dict[str, object],
                                  deployment: sy.Deployment) -> sy.Refusal | None:
    if (action == "refer" and case.category in LABOUR and not data.get("commission")
            and deployment.settings("labour_arbitration").require_commission):
        return sy.Refusal("劳动争议移送须写明仲裁委员会 (data.commission): a labour referral must "
                          "name the arbitration commission")
    return None


@sy.hookimpl
def suyuan_case_after_transition(case: sy.Case, event: sy.CaseEvent, deployment: sy.Deployment,
                                 session: Session) -> None:
    if event.kind == "refer" and case.category in LABOUR:
        default = deployment.settings("labour_arbitration").default_commission
        session.execute(referrals.insert().values(
            case_id=case.id, commission=event.data.get("commission", default),
            referred_at=event.occurred_at.replace(tzinfo=None)))

