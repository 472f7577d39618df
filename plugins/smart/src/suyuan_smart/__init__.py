"""suyuan-smart (智治): the smart-governance pillar.

Online intake (12345 work orders from files and a signed webhook, the leaders' mailboxes, a
messaging webhook, Open311), classification, dispatch with sign-off and returns, deadlines on the
Chinese working-day calendar, callbacks, duplicate merging, early warning and analysis reports.
Built on the core's public API only, like any third-party plugin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from suyuan_core import (
    Case,
    CaseEvent,
    Category,
    DemoLogin,
    Deployment,
    IntakeSource,
    MigrationSource,
    Organisation,
    Permission,
    PluginSpec,
    Refusal,
    Role,
    RouteProposal,
    SensitiveField,
    Suggestion,
    hookimpl,
    implement,
)
from suyuan_smart.models import metadata
from suyuan_smart.settings import Settings

plugin = PluginSpec(label=("智治", "Smart governance"), pillar="smart", settings=Settings,
                    description="Online intake, dispatch, working-day deadlines, callbacks, "
                                "duplicates, early warning and analysis reports.")


@hookimpl
def suyuan_register_categories() -> list[Category]:
    """Appeal categories the 12345 hotline brings besides the 15 dispute types."""
    return [
        Category(code="urban_management", label=("城市管理", "Urban management")),
        Category(code="public_utilities", label=("水电气供应", "Water, power and gas")),
        Category(code="social_security", label=("社会保障", "Social security")),
        Category(code="policy_consult", label=("政策咨询", "Policy enquiry")),
    ]


@hookimpl
def suyuan_register_intake_sources() -> list[IntakeSource]:
    """New channels only (the core already has ``hotline_12345`` and ``mailbox``)."""
    return [
        IntakeSource(code="messaging", label=("网络平台留言", "Messaging platforms"),
                     case_kind="appeal"),
        IntakeSource(code="open311", label=("Open311 接口", "Open311 GeoReport v2"),
                     case_kind="appeal"),
    ]


@hookimpl
def suyuan_register_permissions() -> list[Permission]:
    return [
        Permission("smart.dispatch", ("派单督办", "Dispatch, urge, supervise, approve, call back")),
        Permission("smart.handle", ("承办工单", "Sign for, return, extend and pause orders")),
        Permission("smart.alerts", ("排查预警", "See and handle early warnings")),
        Permission("smart.reports", ("研判报告", "Analysis reports and unit ranking")),
        Permission("smart.callback", ("回访", "Call residents back and record satisfaction")),
        Permission("smart.prevention", ("预防措施", "Record the prevention measures taken"),
                   granted_to=("official",)),
    ]


@hookimpl
def suyuan_register_roles() -> list[Role]:
    """Granted per area like every role: a town's dispatcher sees her town only."""
    perms: Any = frozenset  # Role converts its permissions; typed as Any for mypy's attrs plugin
    return [
        Role("hotline_dispatcher", ("热线派单员", "Hotline dispatcher"), permissions=perms({
            "cases.read", "cases.create", "cases.transition", "cases.assign", "metrics.read",
            "smart.dispatch", "smart.alerts", "smart.reports", "smart.callback",
            "smart.prevention"})),
        Role("unit_handler", ("承办单位经办人", "Responsible unit's handler"), permissions=perms({
            "cases.read", "cases.transition", "smart.handle"})),
        Role("smart_analyst", ("研判人员", "Analyst"), permissions=perms({
            "cases.read", "metrics.read", "smart.alerts", "smart.reports",
            "smart.prevention"})),
        Role("callback_operator", ("回访员", "Callback operator"), permissions=perms({
            "cases.read", "cases.transition", "smart.callback"})),
    ]


@hookimpl
def suyuan_roster_organisations(deployment: Deployment) -> list[Organisation]:
    """The handling units of ``[[plugins.smart.units]]`` as roster organisations, so that an
    import assigning an order to ``organisation:<unit>`` passes the roster check; each sits in
    its first area the tree knows, else the county."""
    from suyuan_smart.common import settings

    tree = deployment.areas.tree
    roots = tree.roots()
    out = []
    for unit in settings(deployment).units:
        area = next((a for a in unit.areas if a in tree), roots[0] if roots else None)
        if area is not None:
            out.append(Organisation(external_id=unit.code, name=unit.name, kind="handling_unit",
                                    area_code=area))
    return out


register_routes = implement("suyuan_register_routes", "suyuan_smart.api:ROUTES")
register_metrics = implement("suyuan_register_metrics", "suyuan_smart.metrics:METRICS")
register_migrations = implement("suyuan_register_migrations", MigrationSource(
    "smart", "suyuan_smart:migrations/versions", metadata))


@hookimpl
def suyuan_register_root_routes(deployment: Deployment) -> list[Any]:
    """Open311 GeoReport v2 at ``/open311/v2`` and the residents' page at ``/residents``, a
    client of that endpoint."""
    from suyuan_smart.open311_http import router
    from suyuan_smart.residents.pages import router as residents

    return [router(), residents(deployment)]


@hookimpl
def suyuan_case_deadline(case: Case, action: str, now: dt.datetime,
                         deployment: Deployment) -> dt.datetime | None:
    from suyuan_smart.deadlines import deadline_for

    return deadline_for(deployment, case, action, now)


@hookimpl
def suyuan_case_route(case: Case, deployment: Deployment) -> list[RouteProposal]:
    from suyuan_smart.dispatch import propose

    return propose(deployment, case)


@hookimpl
def suyuan_case_classify(text: str, deployment: Deployment) -> list[Suggestion]:
    from suyuan_smart.classify import suggest

    return suggest(deployment, text)


@hookimpl
def suyuan_case_before_transition(case: Case, action: str,
                                  data: dict[str, Any]) -> Refusal | None:
    """A paused clock keeps the case open (the core refuses actions on a merged duplicate)."""
    if action == "close" and case.data.get("smart_paused"):
        return Refusal("计时暂停中: the clock is paused waiting on the resident; resume it first")
    return None


register_pages = implement("suyuan_register_pages", "suyuan_smart.web.pages:pages")
register_jobs = implement("suyuan_register_jobs", "suyuan_smart.schedule:JOBS")


@hookimpl
def suyuan_case_after_transition(case: Case, event: CaseEvent, deployment: Deployment,
                                 session: Session) -> None:
    """Tell the unit, the hotline centre or both (dispatch, return, urge, reminder …), and queue
    what the hotline platform must hear back (reply, completion, callback result)."""
    if event.kind == "assign" or event.kind.startswith("smart."):
        from suyuan_smart.notices import after_event

        after_event(deployment, case, event, session)
    if event.kind in ("smart.reply", "close", "callback"):
        from suyuan_smart.platform import queue

        queue(deployment, case, event, session)


register_commands = implement("suyuan_register_commands", "suyuan_smart.cli:build")


@hookimpl
def suyuan_demo_logins(deployment: Deployment, root: str) -> list[DemoLogin]:
    """The three desks of the 12345 loop: the hotline centre, a handling unit, the callback
    team (county-wide, as the county's hotline centre is)."""
    from suyuan_smart.common import settings
    from suyuan_smart.demo import DEMO_UNITS

    unit = next((u.code for u in settings(deployment).units), DEMO_UNITS[0])
    return [
        DemoLogin("hotline", "演示热线派单员", (("hotline_dispatcher", root),),
                  "12345 hotline centre: dispatch, returns, urge, extensions, ranking"),
        DemoLogin("unit", f"演示承办单位 {unit}", (("unit_handler", root),),
                  f"handling unit {unit}: its own queue, sign-for, return, reply",
                  acts_for=f"organisation:{unit}"),
        DemoLogin("callback", "演示回访员", (("callback_operator", root),),
                  "callback team: callbacks due, satisfaction"),
    ]


@hookimpl
def suyuan_demo_data(deployment: Deployment, seed: int, scale: float) -> None:
    from suyuan_smart.demo import generate

    generate(deployment, seed=seed, scale=scale)


__all__ = ["Session", "plugin"]


@hookimpl
def suyuan_register_sensitive_fields(deployment: Deployment) -> list[SensitiveField]:
    """What Open311 intake puts into ``case.data`` about the caller: masked for everyone
    without ``personal_data.unmask``."""
    return [  # address and location: the core's (it keeps them when it locates a case)
        SensitiveField("open311_email", "email", ("电子邮箱", "Caller's e-mail")),
        SensitiveField("open311_device_id", "hidden", ("设备号", "Caller's device id")),
        SensitiveField("open311_account_id", "hidden", ("账号", "Caller's account id")),
    ]
