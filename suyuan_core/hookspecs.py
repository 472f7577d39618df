"""Every hook a suyuan plugin can implement.

Rules for all hooks (as in pluggy/pytest and Datasette):

* hooks are called with keyword arguments only; an implementation may accept **any subset** of a
  hook's arguments, so adding an argument later breaks no plugin;
* hooks marked *first result wins* stop at the first implementation that returns something other
  than ``None``; all others collect every non-``None`` result in a list;
* order comes from ``requires``, never from install order: a plugin's implementations run
  *before* those of the plugins it requires (so it can override their first-result hooks),
  plugins that do not require one another run in the order of ``[plugins] enabled``, and the
  core's built-in implementations run **last**. Registration hooks fill the registries in the
  reverse order (the core's items first), so lists read dependencies first;
* there is one way to call a hook, through pluggy (``SUYUAN_TRACE_HOOKS=1`` prints every call):
  ``deployment.hook.<name>(**kwargs)`` returns the list of non-``None`` results in that order
  (or the first result), and ``deployment.call_each(name, **kwargs)`` the same results as
  ``(plugin, result)`` pairs. ``deployment`` is passed for you; an unknown hook or argument is
  a one-line error;
* an implementation that raises a :class:`~suyuan_core.SuyuanError` (e.g. a ``ValidationError``)
  refuses on purpose and the error goes to the user as it is; any other exception is a bug in
  the plugin and becomes one line naming the plugin, the hook and the message (the traceback is
  behind ``--debug``).

Implement a hook with ``@suyuan_core.hookimpl`` on a module-level function named like the spec;
a misspelt name or an argument the hook does not have is refused at start-up, with a
did-you-mean, and ``suyuan plugins check`` warns about a ``suyuan_*`` function without
``@hookimpl`` (pluggy would silently ignore it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click
import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session

    from suyuan_core.accounts import DemoLogin
    from suyuan_core.accounts.masking import SensitiveField
    from suyuan_core.deployment import Deployment
    from suyuan_core.domain.agreements import (
        ConfirmationDecision,
        CourtPlatform,
        MediationAgreement,
        VideoRoom,
    )
    from suyuan_core.domain.cases import Case, CaseEvent
    from suyuan_core.domain.metrics import MetricDefinition
    from suyuan_core.domain.registry_items import (
        Category,
        EscalationTarget,
        IntakeSource,
        Permission,
        Problem,
        Refusal,
        RouteProposal,
        Suggestion,
    )
    from suyuan_core.domain.roster import Organisation, Person, Role
    from suyuan_core.jobs.spec import Job
    from suyuan_core.notifications.spec import NotificationKind
    from suyuan_core.plugins.spec import DashboardPanel, MigrationSource, Page

PROJECT = "suyuan"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------------------------------
# Registration: called once, when a Deployment starts, in dependency order.
# ---------------------------------------------------------------------------------------------

@hookspec
def suyuan_register_categories(deployment: Deployment) -> Sequence[Category] | None:
    """Add case categories to the code list.

    Called once at start-up. Return a list of :class:`~suyuan_core.Category`; a code that another
    plugin (or the core's default list) already registered is a start-up error naming both.

    Example::

        @hookimpl
        def suyuan_register_categories():
            return [Category("wage_arrears", ("欠薪纠纷", "Wage arrears"), parent="labour")]
    """


@hookspec
def suyuan_register_intake_sources(deployment: Deployment) -> Sequence[IntakeSource] | None:
    """Add intake channels (e.g. ``hotline_12345``, ``open311``) that cases may come in through.

    Called once at start-up. Return a list of :class:`~suyuan_core.IntakeSource`; duplicate codes
    are a start-up error.

    Example::

        @hookimpl
        def suyuan_register_intake_sources():
            return [IntakeSource("wechat", ("微信", "WeChat"), case_kind="appeal")]
    """


@hookspec
def suyuan_register_roles(deployment: Deployment) -> Sequence[Role] | None:
    """Add roster roles (``mediator``, ``grid_worker`` …), each with the permissions it grants.

    Called once at start-up. Return a list of :class:`~suyuan_core.Role`.

    Example::

        @hookimpl
        def suyuan_register_roles():
            return [Role("legal_advisor", ("法律顾问", "Legal advisor"),
                         permissions={"cases.read", "acme.opinions.write"})]
    """


@hookspec
def suyuan_register_permissions(deployment: Deployment) -> Sequence[Permission] | None:
    """Add permissions (dotted codes, e.g. ``self_governance.sessions.record``) roles may grant.

    Called once at start-up. Return a list of :class:`~suyuan_core.Permission`. A permission's
    ``granted_to`` adds it to roles others registered (e.g. ``("official", "supervisor")``), after
    every plugin's roles are in; an unknown role there is a start-up error.

    Example::

        @hookimpl
        def suyuan_register_permissions():
            return [Permission("acme.opinions.write", ("出具法律意见", "Write legal opinions"),
                               granted_to=("official", "supervisor"))]
    """


@hookspec
def suyuan_register_metrics(deployment: Deployment) -> Sequence[MetricDefinition] | None:
    """Add metric definitions; the core computes them, keeps their rollups and drills them down.

    Called once at start-up. Return a list of :class:`~suyuan_core.MetricDefinition`. A flow metric's
    rollup is filled from the moment it is registered; run ``suyuan metrics rebuild`` to backfill.

    Example::

        @hookimpl
        def suyuan_register_metrics():
            return [MetricDefinition(
                key="acme_referrals", label=("移送数", "Referrals"), unit="count",
                numerator=EventRule({"refer"}, "refer events of labour cases",
                                    lambda f: f.category == "labour"))]
    """


@hookspec
def suyuan_register_migrations(deployment: Deployment) -> MigrationSource | None:
    """Declare the plugin's own tables: its Alembic branch and the SQLAlchemy metadata they live in.

    Called once at start-up. Return a :class:`~suyuan_core.MigrationSource` (branch label, a
    ``"package:folder"`` version location whose first revision has ``down_revision = None`` and
    ``depends_on`` the core revision it needs, and the ``MetaData``). ``suyuan db upgrade`` applies
    the heads of the core and of every enabled plugin's branch.

    Example::

        @hookimpl
        def suyuan_register_migrations():
            from suyuan_acme.models import metadata  # sa.MetaData() holding the plugin's tables

            return MigrationSource(branch_label="acme", location="suyuan_acme:migrations/versions",
                                   metadata=metadata)
    """


@hookspec
def suyuan_register_routes(deployment: Deployment) -> Sequence[Any] | None:
    """Add HTTP route handlers, mounted under ``/api/v1/<plugin>/``.

    Called once when the HTTP app is built. Return a list of litestar route handlers or routers.
    They appear in the OpenAPI document and obey the same authentication and authorisation:
    ``opt={"permission": ...}`` names what the caller must hold; a machine-to-machine webhook
    instead says ``opt={SIGNED_BY: verify}`` and is verified by its signature, not a user (see
    ``suyuan_core.plugins.routes``).

    Example::

        @hookimpl
        def suyuan_register_routes():
            from litestar import get

            @get("/hello", opt={"permission": "acme.opinions.write"}, sync_to_thread=False)
            def hello() -> dict[str, str]:
                return {"hello": "world"}  # served at /api/v1/acme/hello

            return [hello]
    """


@hookspec
def suyuan_register_root_routes(deployment: Deployment) -> Sequence[Any] | None:
    """Mount litestar routers at the site root, outside ``/api/v1``, for protocols whose paths a
    standard fixes (Open311 GeoReport v2 at ``/open311/v2/…``).

    Called once when the HTTP app is built. Return a list of ``litestar.Router`` objects, each
    with the full path it lives at (``Router(path="/open311/v2", route_handlers=[...])``). They
    appear in the OpenAPI document and sit behind the same authentication, guards and
    dependencies as ``/api/v1`` — a handler that must be reachable without signing in says so
    with ``opt={PUBLIC_ROUTE: True}`` or ``opt={SIGNED_BY: verify}`` (see
    ``suyuan_core.plugins.routes``). A router may carry its own ``exception_handlers`` (for a
    standard's error format). A path whose first segment the core uses (``/api``, ``/static``,
    ``/cases`` …), another enabled plugin's name, or a prefix another plugin already mounted is a
    start-up error.

    Example::

        @hookimpl
        def suyuan_register_root_routes():
            from litestar import Router, get

            @get("/services.json", opt={PUBLIC_ROUTE: True}, sync_to_thread=False)
            def services() -> list[dict[str, str]]:
                return [{"service_code": "streetlight"}]

            return [Router(path="/open311/v2", route_handlers=[services])]
    """


@hookspec
def suyuan_register_commands(
        deployment: Deployment | None) -> click.Command | Sequence[click.Command] | None:
    """Add CLI commands; a plugin's group appears as ``suyuan <group> …``.

    Called once when the CLI starts (``deployment`` may be None when no configuration is found,
    e.g. for ``suyuan --help``). Return a ``click.Command`` or ``click.Group``, or a list of them.

    Example::

        @hookimpl
        def suyuan_register_commands(deployment):
            @click.group("acme", help="Acme's commands.")
            def acme() -> None:
                pass

            @acme.command()
            def hello() -> None:
                click.echo(deployment.config.core.deployment.name if deployment else "no deployment")

            return [acme]
    """


@hookspec
def suyuan_register_pages(deployment: Deployment) -> Sequence[Page] | None:
    """Add web pages, each mounted at ``/<plugin>/<path>`` and linked from the navigation for
    users holding its ``permission``.

    Called once when the web app is built (not per request). Return
    :class:`~suyuan_core.Page` objects; ``render`` is called per request with any of
    ``deployment``, ``principal``, ``query`` and ``lang`` and returns HTML. Dashboard panels
    come from ``suyuan_register_dashboard_panels``.

    Example::

        @hookimpl
        def suyuan_register_pages():
            def render(deployment, lang):
                return "<p>调解案件一览</p>" if lang == "zh-Hans" else "<p>Mediation cases</p>"

            return [Page("overview", ("调解一览", "Mediation overview"), render,
                         permission="cases.read")]  # at /acme/overview
    """


@hookspec
def suyuan_register_dashboard_panels(deployment: Deployment) -> Sequence[DashboardPanel] | None:
    """Add panels to the county dashboard (``/dashboard``).

    Called once when the web app is built (not per request). Return
    :class:`~suyuan_core.DashboardPanel` objects; the dashboard shows them by ``order`` then
    ``key``, each ``render(deployment, area_code, period)`` (and optionally ``lang``,
    ``principal``) returning HTML for the area and period the viewer picked.

    Example::

        @hookimpl
        def suyuan_register_dashboard_panels():
            def render(deployment, area_code, period):
                figure = deployment.metric_service.figure("cases_received", area_code, period)
                return f"<p>{figure.num}</p>"

            return [DashboardPanel("acme", ("受理", "Received"), render, order=50)]
    """


@hookspec
def suyuan_register_sensitive_fields(deployment: Deployment) -> Sequence[SensitiveField] | None:
    """Declare keys of ``case.data`` that hold personal data (DOMAIN-RULES §5).

    Called once, the first time a case is shown to a user. Return
    :class:`~suyuan_core.SensitiveField` objects, e.g.
    ``SensitiveField("virtue.guardian_phone", "phone")``; a dotted path reaches into nested dicts.
    Every API output masks them (``name`` → ``张*``, ``phone`` → ``138****1234``, ``id_number``,
    ``address``, ``email`` → ``z***@example.cn``, or ``hidden`` → ``***``) unless the viewer
    holds ``personal_data.unmask`` for the case's area and gives a reason, which is written to
    the audit log. Parties' names, phones, ID numbers, addresses and e-mail addresses are always
    masked; they need no declaration. Phone and ID numbers found in free text (a description, a
    note) are masked on every masked view too. A column of the plugin's own table is declared
    with ``table=``: ``SensitiveField("phone", "phone", table="virtue_volunteers")``, and shown
    through ``suyuan_core.http.shown_row``. With ``encrypted=True`` as well, the column is kept
    encrypted at rest: the plugin writes ``deployment.privacy.encrypt(value)``, ``privacy.row``
    decrypts before masking, and ``suyuan keys rotate`` re-encrypts it under a new key (the keys
    come from ``[privacy]``, never from the database). A plugin with rights of its own for
    unmasking passes ``permission=`` to ``privacy.unmask``.

    Example::

        @hookimpl
        def suyuan_register_sensitive_fields():
            return [SensitiveField("acme.guardian_phone", "phone"),
                    SensitiveField("phone", "phone", table="acme_volunteers"),
                    SensitiveField("id_number_enc", "id_number", table="acme_volunteers",
                                   encrypted=True)]
    """


@hookspec
def suyuan_register_jobs(deployment: Deployment) -> Sequence[Job] | None:
    """Declare scheduled work: what runs and how often.

    Called once at start-up. Return :class:`~suyuan_core.Job` objects; the core runs them (an
    embedded scheduler inside ``suyuan serve`` by default, ``suyuan worker`` processes on a
    PostgreSQL queue for several machines), records each run in ``job_runs`` — one row per job
    and slot, so a slot never runs twice across workers — retries a failed run, and lists the
    runs in ``suyuan jobs``. A job name declared twice is a start-up error naming both plugins.
    Example::

        @hookimpl
        def suyuan_register_jobs():
            def sync(deployment, slot):
                sent = push_pending(deployment, since=slot)
                return {"pushed": sent}          # what ``suyuan jobs`` shows as done
            return [Job("rule_of_law.platform_sync", every="15m", run=sync,
                        label=("平台同步", "Platform sync"))]
    """


@hookspec
def suyuan_register_notification_kinds(deployment: Deployment) -> (
        Sequence[NotificationKind] | None):
    """Add kinds of notification (the core has dispatch, return, urge, supervision, reminder,
    overdue, overdue_notice, callback_due, alert and judicial_window).

    Called once at start-up. Return :class:`~suyuan_core.NotificationKind` objects; a code
    registered twice is a start-up error. A plugin then emits with
    ``deployment.notifications.notify(kind, to=[...], subject=..., case_id=...)``; every
    notification lands in the recipients' in-app inbox and in each outside channel
    ``[notifications.channels]`` routes that kind to.

    Example::

        @hookimpl
        def suyuan_register_notification_kinds():
            return [NotificationKind("acme_hearing", ("仲裁开庭", "Arbitration hearing"))]
    """


# ---------------------------------------------------------------------------------------------
# Case hooks: called by the case services inside the transaction that writes the change.
# ---------------------------------------------------------------------------------------------

@hookspec
def suyuan_case_validate(case: Case, deployment: Deployment, session: Session) -> (
        Sequence[Problem] | None):
    """Check a new case before it is written.

    Called once per new case (also per imported row). Return a list of
    :class:`~suyuan_core.Problem` (field, message); any problem refuses the case and nothing is
    written. Return None or ``[]`` when the case is fine.

    Example::

        @hookimpl
        def suyuan_case_validate(case):
            if case.category == "wage_arrears" and not case.parties:
                return [Problem("parties", "a wage-arrears case names the employer")]
            return None
    """


@hookspec
def suyuan_case_classify(text: str, case: Case | None, deployment: Deployment) -> (
        Sequence[Suggestion] | None):
    """Suggest categories for free text (e.g. word segmentation plus keyword rules).

    Called when an officer asks for suggestions. Return :class:`~suyuan_core.Suggestion` objects
    with a confidence in [0, 1]; the core merges and sorts all plugins' suggestions.

    Example::

        @hookimpl
        def suyuan_case_classify(text):
            if "工资" in text:
                return [Suggestion("labour", 0.8, "mentions wages (工资)")]
            return None
    """


@hookspec
def suyuan_case_route(case: Case, deployment: Deployment, session: Session) -> (
        Sequence[RouteProposal] | None):
    """Propose who should handle a case.

    Called when a case is to be assigned (``suyuan cases route`` / the assign form). Return
    :class:`~suyuan_core.RouteProposal` objects, each with a score in [0, 1] and a reason; the core
    sorts every plugin's proposals by score. The officer decides.

    Example::

        @hookimpl
        def suyuan_case_route(case):
            if case.category == "labour":
                return [RouteProposal("organisation", "labour_mediation_committee", 0.9,
                                      "labour disputes go to the labour mediation committee")]
            return None
    """


@hookspec(firstresult=True)
def suyuan_case_deadline(case: Case, action: str, now: dt.datetime, deployment: Deployment) -> (
        dt.datetime | None):
    """Compute the case's deadline.

    Called when a case is accepted, escalated or reopened (``action``), unless the action's data
    already carries a ``deadline``; ``now`` is when the action happens. **First result wins.**
    Return an aware datetime, or None to let the next plugin (and finally the core's default of
    ``[cases] default_deadline_days`` calendar days) decide.

    Example::

        @hookimpl
        def suyuan_case_deadline(case, action, now):
            if action == "accept" and case.kind == "dispute":
                return now + dt.timedelta(days=30)  # People's Mediation: one month
            return None
    """


@hookspec
def suyuan_case_before_transition(case: Case, action: str, data: dict[str, Any], actor: str,
                                  deployment: Deployment, session: Session) -> (
        Sequence[Refusal] | Refusal | None):
    """Veto a lifecycle action before anything is written.

    Called after the core has checked the action is allowed from the current status. Return a
    :class:`~suyuan_core.Refusal` (or a list of them) to refuse, with the reason shown to the user;
    return None to allow. The transition is refused if any plugin refuses.

    Example::

        @hookimpl
        def suyuan_case_before_transition(case, action, data):
            if action == "refer" and not data.get("commission"):
                return Refusal("移送须写明接收机构: name the receiving body (data.commission)")
            return None
    """


@hookspec
def suyuan_case_after_transition(case: Case, event: CaseEvent, deployment: Deployment,
                                 session: Session) -> None:
    """Observe a change to a case (every event, including notes and callbacks).

    Called inside the same transaction, after the event and the case row are written: whatever the
    plugin writes with ``session`` commits or rolls back with the event. Raising aborts the change.
    The return value is ignored.

    Example::

        @hookimpl
        def suyuan_case_after_transition(case, event, session):
            if event.kind == "refer":
                from suyuan_acme.models import referrals

                session.execute(referrals.insert().values(case_id=case.id,
                                                          commission=event.data["commission"]))
    """


@hookspec(firstresult=True)
def suyuan_case_escalation_target(case: Case, reason: str, deployment: Deployment) -> (
        EscalationTarget | None):
    """Choose where an escalated case goes.

    Called when a case is escalated, before anything is written. **First result wins.**
    Return an :class:`~suyuan_core.EscalationTarget`, or None to use the default: one level up
    the area tree (grid → community → town → county → court).

    Example::

        @hookimpl
        def suyuan_case_escalation_target(case, reason):
            if case.category == "forest_land":
                return EscalationTarget("county", "510121", "山林土地纠纷由县级处理")
            return None
    """


# ---------------------------------------------------------------------------------------------
# Roster hooks
# ---------------------------------------------------------------------------------------------

@hookspec
def suyuan_roster_validate_member(person: Person, deployment: Deployment, session: Session) -> (
        Sequence[Problem] | None):
    """Check a roster member before it is written (added, imported or changed).

    Called once per member, inside the writing transaction. Return
    :class:`~suyuan_core.Problem` objects to refuse; None or ``[]`` to accept.

    Example::

        @hookimpl
        def suyuan_roster_validate_member(person):
            if "lawyer" in person.roles and not person.organisation:
                return [Problem("organisation", "a lawyer names the law firm")]
            return None
    """


@hookspec
def suyuan_roster_member_changed(person: Person, change: str, deployment: Deployment,
                                 session: Session) -> None:
    """Observe a roster change (``change`` is ``"added"``, ``"updated"`` or ``"removed"``).

    Called inside the writing transaction. The return value is ignored.

    Example::

        @hookimpl
        def suyuan_roster_member_changed(person, change, deployment, session):
            if change == "removed":
                deployment.audit.write(session, actor="acme", action="acme.member_left",
                                       record=f"person:{person.external_id}")
    """


@hookspec
def suyuan_roster_organisations(deployment: Deployment) -> Sequence[Organisation] | None:
    """Declare organisations that exist by configuration (e.g. the handling units a plugin's
    config lists), so that assigning a case to them passes the roster check like any other.

    Called by ``suyuan db upgrade`` (after the migrations) and after an area import, when the
    area tree may have changed; the core saves what is returned onto the roster, idempotent on
    ``external_id`` (an organisation whose ``area_code`` is not in the tree yet is left for the
    next call). Return :class:`~suyuan_core.Organisation` objects, or None.

    Example::

        @hookimpl
        def suyuan_roster_organisations(deployment):
            county = deployment.areas.tree.roots()[0]
            return [Organisation("U01", "县住建局", "handling_unit", county)]
    """


@hookspec
def suyuan_roster_candidates(case: Case, deployment: Deployment, session: Session) -> (
        Sequence[RouteProposal] | None):
    """Propose roster members able to take a case (coverage, speciality, capacity).

    Called with ``suyuan_case_route`` whenever proposals for a case are asked for; the core's own
    implementation proposes active members covering the case's area who have room. Return
    :class:`~suyuan_core.RouteProposal` objects with ``handler_kind = "person"``.

    Example::

        @hookimpl
        def suyuan_roster_candidates(case):
            if case.category == "labour":
                return [RouteProposal("person", "M0042", 0.7, "labour law speciality")]
            return None
    """


# ---------------------------------------------------------------------------------------------
# Between pillars: one pillar announces, another may act, neither imports the other.
# ---------------------------------------------------------------------------------------------

@hookspec
def suyuan_mediation_agreement_unperformed(case: Case, agreement: dict[str, Any],
                                           deployment: Deployment, session: Session) -> (
        str | None):
    """A mediation agreement that has taken effect is found **not performed** at a follow-up.

    Called by the plugin that keeps mediation agreements (the ``self_governance`` pillar) inside
    the transaction that records the follow-up, once per "not performed" finding. Under the
    People's Mediation Law Art 33 the parties may then *jointly* apply to the basic-level court
    for judicial confirmation (司法确认) **within 30 days of the agreement taking effect**; a
    ``rule_of_law`` plugin implements this hook to open that application or to tell the officer
    what to do. Whatever the implementation writes with ``session`` commits or rolls back with the
    follow-up; raising aborts it.

    :param case: the case the agreement settled (its current state).
    :param agreement: the agreement as plain data (the caller's ``as_dict()``): at least ``id``,
        ``case_id``, ``form`` (``written``/``oral``), ``parties`` (list of ``{"name", "role", …}``),
        ``terms``, ``performance_manner``, ``performance_due`` and ``effective_on`` (ISO dates).
    :return: a one-line note of what was done (e.g. "司法确认申请 #12 已登记"), shown to the officer
        and stored with the follow-up; None when the plugin did nothing. Every note is kept.

    Example::

        @hookimpl
        def suyuan_mediation_agreement_unperformed(case, agreement):
            # People's Mediation Law Art 33: joint application within 30 days of taking effect
            return f"可申请司法确认 (agreement {agreement['id']}, effective {agreement['effective_on']})"
    """


@hookspec(firstresult=True)
def suyuan_mediation_agreement(agreement_ref: str, deployment: Deployment, session: Session) -> (
        MediationAgreement | None):
    """Look up a mediation agreement another pillar keeps, by its reference.

    Called by a pillar that acts on agreements it does not keep — the ``rule_of_law`` pillar when
    parties apply for judicial confirmation (人民调解法 Art 33) — inside its transaction.
    ``agreement_ref`` is ``"<plugin>:<id>"`` (``"self_governance:12"``): each keeper answers only
    for references that start with its own name and returns None for the others. **First result
    wins.**

    :return: a :class:`~suyuan_core.MediationAgreement` (parties, effective date, matter = the
        case's category, case id, area, the keeper's status), or None when the reference is not
        yours or names no agreement.

    Example::

        @hookimpl
        def suyuan_mediation_agreement(agreement_ref, session):
            plugin, _, local = agreement_ref.partition(":")
            if plugin != "self_governance":
                return None
            return MediationAgreement(
                ref=agreement_ref, case_id=42, area_code="C.T1.C1", matter="neighbour",
                parties=({"name": "甲", "role": "applicant"}, {"name": "乙", "role": "respondent"}),
                effective_on=None, status="effective")
    """


@hookspec
def suyuan_mediation_agreements(effective_from: dt.date, effective_to: dt.date,
                                deployment: Deployment, session: Session) -> (
        Sequence[MediationAgreement] | None):
    """List the mediation agreements a pillar keeps that took effect in a span of days.

    Called by a pillar that watches agreements it does not keep — the ``rule_of_law`` pillar's
    daily ``rule_of_law.confirmation_window`` job, which warns before an agreement's 30-day joint
    application window (人民调解法 Art 33) closes — inside its transaction. Each keeper returns
    its own agreements whose ``effective_on`` lies in ``[effective_from, effective_to]``
    (both days included) and whose state is still ``effective`` (not yet confirmed, performed
    or void); the caller merges every keeper's answer.

    :return: :class:`~suyuan_core.MediationAgreement` values (as ``suyuan_mediation_agreement``
        returns them), or None / ``[]`` when there are none.

    Example::

        @hookimpl
        def suyuan_mediation_agreements(effective_from, effective_to):
            return [MediationAgreement(
                ref="acme:3", case_id=42, area_code="C.T1.C1", matter="neighbour",
                parties=({"name": "甲"}, {"name": "乙"}), effective_on=effective_from,
                status="effective")]
    """


@hookspec
def suyuan_judicial_confirmation_decided(decision: ConfirmationDecision,
                                         agreement: MediationAgreement, deployment: Deployment,
                                         session: Session) -> None:
    """A court decided an application for judicial confirmation of a mediation agreement.

    Called by the pillar that files the application (``rule_of_law``) inside the transaction that
    records the decision. ``decision.outcome`` is ``"confirmed"`` (the agreement becomes
    enforceable) or ``"refused"`` (the parties may re-mediate or sue). The agreement's keeper
    (``agreement.keeper``) moves the agreement's state (e.g. to ``court_confirmed``); other
    plugins may observe. Raising aborts the decision. The return value is ignored.

    Example::

        @hookimpl
        def suyuan_judicial_confirmation_decided(decision, agreement, deployment, session):
            if agreement.keeper == "acme":
                deployment.audit.write(session, actor="acme", action="acme.agreement.court_decided",
                                       record=agreement.ref, detail={"outcome": decision.outcome})
    """


@hookspec(firstresult=True)
def suyuan_court_platform(system: str, deployment: Deployment) -> CourtPlatform | None:
    """Connect to a court's online mediation platform (人民法院调解平台, 和合智解 …).

    Called when delegated cases are synchronised (``suyuan rule-of-law platform sync``, or the
    scheduled ``rule_of_law.platform_sync`` job);
    ``system`` is the configured adapter name (e.g. ``"file"``, ``"http"``, or a county's own).
    **First result wins**; a plugin that requires the one shipping the default adapters runs
    first and may answer for its own system name.

    :return: an object meeting :class:`~suyuan_core.CourtPlatform` (``pull()`` the delegated
        cases, ``push(results)`` the results; both idempotent), or None when ``system`` is not
        yours.

    Example::

        @hookimpl
        def suyuan_court_platform(system):
            if system != "acme_court":
                return None
            from suyuan_acme.court import AcmeCourtPlatform  # has pull() and push(results)

            return AcmeCourtPlatform()
    """


@hookspec(firstresult=True)
def suyuan_video_room(case_id: int, room: str, deployment: Deployment) -> VideoRoom | None:
    """Build the join link of a remote (video) mediation session in an existing video system.

    Called when an officer schedules an online mediation session for a case (the county public
    legal service centre's 远程视频系统). ``room`` is a unique room name the caller chose.
    **First result wins**: the ``rule_of_law`` plugin answers with a self-hosted Jitsi Meet URL
    (its ``video_base_url`` + room); a county plugin that requires it answers first with its own
    system's link.

    :return: a :class:`~suyuan_core.VideoRoom` (system, room, join URL), or None to let the next
        plugin answer.

    Example::

        @hookimpl
        def suyuan_video_room(case_id, room):
            return VideoRoom("acme_video", room, f"https://video.example.org/{room}?case={case_id}")
    """


# ---------------------------------------------------------------------------------------------
# Deployment life
# ---------------------------------------------------------------------------------------------

@hookspec
def suyuan_demo_data(deployment: Deployment, seed: int, scale: float) -> None:
    """Add the plugin's share of the demo deployment (``suyuan demo``).

    Called once, after the core has loaded the Jintang area tree and roster and generated its case
    events. ``seed`` makes the data deterministic (use ``random.Random(seed)``); ``scale`` is the
    requested case count divided by the default 20,000, so a quick demo stays quick. Write through
    the services (every case change an event) so the figures come from events. Return value ignored.

    Example::

        @hookimpl
        def suyuan_demo_data(deployment, seed, scale):
            import random

            rng = random.Random(seed)
            for case in deployment.case_query.page(CaseFilter(), limit=round(50 * scale)).cases:
                if rng.random() < 0.3:
                    deployment.cases.note(case.id, "走访当事人", actor="demo")
    """


@hookspec
def suyuan_demo_logins(deployment: Deployment, root: str, town: str, community: str) -> (
        Sequence[DemoLogin] | None):
    """Add demo logins for the plugin's own desks (``suyuan demo``, printed with the core's
    ``admin``, ``town`` and ``mediator``; same password).

    Called once when the demo's logins are made, after the area tree is loaded; ``root``,
    ``town`` and ``community`` are the area codes the core's own logins use. Return
    :class:`~suyuan_core.DemoLogin` objects (user name, display name, ``(role, area)`` grants,
    a description, and optionally what the account acts for, e.g. ``organisation:<unit>``).

    Example::

        @hookimpl
        def suyuan_demo_logins(town):
            return [DemoLogin("arbiter", "仲裁员", (("mediator", town),), "labour arbitration desk")]
    """


@hookspec
def suyuan_startup(deployment: Deployment) -> None:
    """Start whatever the plugin needs once the deployment is assembled.

    Called once after every registration hook has run and the registries are complete (for each
    Deployment: CLI command, web worker, test). The return value is ignored.

    Example::

        @hookimpl
        def suyuan_startup(deployment):
            settings = deployment.settings("acme")
            if settings.api_url and not settings.api_url.startswith("https://"):
                raise ConfigError("plugins.acme.api_url: use https", hint="fix suyuan.toml")
    """
