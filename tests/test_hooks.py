"""Every hook in hookspecs.py is documented, referenced in docs/hooks.md, and has a
``test_hook_<name>`` here that shows the core calling it (Datasette's rule)."""

from __future__ import annotations

import datetime as dt
import inspect
import sys
import types
from typing import Any

import click
import pytest

from suyuan_core import (
    Category,
    EscalationTarget,
    EventRule,
    IntakeSource,
    MetricDefinition,
    Permission,
    PluginSpec,
    Problem,
    Refusal,
    Role,
    RouteProposal,
    Suggestion,
    ValidationError,
    hookimpl,
    hookspecs,
)
from suyuan_core.testing import Factories, run_cli

HOOKS = sorted(name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
               if name.startswith("suyuan_"))


def test_every_hook_is_documented_and_tested():
    this = sys.modules[__name__]
    with open("docs/hooks.md", encoding="utf-8") as fh:
        docs = fh.read()
    for name in HOOKS:
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert "Called" in doc or "called" in doc, f"{name}: say when it is called"
        assert "Return" in doc or "return" in doc, f"{name}: say what it returns"
        assert hasattr(this, f"test_hook_{name}"), f"{name} has no test_hook_{name}"
        assert f"`{name}`" in docs, f"{name} is missing from docs/hooks.md"


def plugin_with(name: str, **hooks: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.plugin = PluginSpec(label=("测试", "test"))  # type: ignore[attr-defined]
    for hook, fn in hooks.items():
        fn.__name__ = hook
        setattr(module, hook, hookimpl(fn))
    return module


@pytest.fixture
def with_hooks(make_deployment):
    def build(**hooks: Any):
        return make_deployment(extra_plugins={"p": plugin_with("p", **hooks)})
    return build


def test_hook_suyuan_register_categories(with_hooks):
    d = with_hooks(suyuan_register_categories=lambda: [
        Category("ip", ("知识产权纠纷", "Intellectual property"),
                 valid_from=dt.date(2030, 1, 1))])
    assert d.categories["ip"].provider == "p"
    with pytest.raises(ValidationError, match="not valid on"):
        Factories(d).case(category="ip")


def test_hook_suyuan_register_intake_sources(with_hooks):
    d = with_hooks(suyuan_register_intake_sources=lambda: [
        IntakeSource("wechat", ("微信", "WeChat"), case_kind="appeal")])
    assert Factories(d).case(source="wechat").kind == "appeal"


def test_hook_suyuan_register_roles(with_hooks):
    d = with_hooks(suyuan_register_roles=lambda: [
        Role("counsellor", ("心理咨询师", "Counsellor"), permissions={"cases.read"})])
    assert d.roles["counsellor"].provider == "p"
    Factories(d).person(roles=("counsellor",))


def test_hook_suyuan_register_permissions(with_hooks):
    d = with_hooks(suyuan_register_permissions=lambda: [
        Permission("p.reports.read", ("查看报告", "Read reports"))],
        suyuan_register_roles=lambda: [Role("analyst", ("分析员", "Analyst"),
                                            permissions={"p.reports.read"})])
    assert d.permissions["p.reports.read"].provider == "p"
    from suyuan_core import PluginError

    with pytest.raises(PluginError, match="grants unknown permission"):
        with_hooks(suyuan_register_roles=lambda: [Role("x", ("x", "x"), permissions={"no.such"})])


def test_permission_granted_to_existing_roles(with_hooks):
    d = with_hooks(suyuan_register_permissions=lambda: [
        Permission("p.reports.read", ("查看报告", "Read reports"), granted_to=("official",))])
    assert "p.reports.read" in d.roles["official"].permissions
    assert d.roles["official"].provider == "suyuan_core"
    assert "p.reports.read" not in d.roles["mediator"].permissions
    from suyuan_core import PluginError

    with pytest.raises(PluginError, match="granted to unknown role 'nobody'"):
        with_hooks(suyuan_register_permissions=lambda: [
            Permission("p.x.y", ("x", "x"), granted_to=("nobody",))])


def test_hook_suyuan_register_metrics(with_hooks):
    d = with_hooks(suyuan_register_metrics=lambda: [MetricDefinition(
        key="notes_written", label=("记录数", "Notes"), unit="count",
        numerator=EventRule({"note"}, "note events"))])
    case = Factories(d).case()
    d.cases.note(case.id, "已联系", actor="t")
    from suyuan_core import Period

    p = Period.containing("year", dt.date.today())
    assert d.metric_service.figure("notes_written", "C", p).num == 1


def test_hook_suyuan_register_migrations(make_deployment):
    d = make_deployment(plugins=["labour_arbitration"])
    assert d.migration_owners == {"suyuan_core": "suyuan_core",
                                  "labour_arbitration": "labour_arbitration"}
    assert d.migration_status()["labour_arbitration"] == ("la0001_referrals", "la0001_referrals")


def test_hook_suyuan_register_commands(make_deployment):
    @click.command("hello")
    def hello() -> None:
        click.echo("你好")
    d = make_deployment(extra_plugins={"p": plugin_with(
        "p", suyuan_register_commands=lambda: [hello])})
    # in-process plugins are not entry points, so call the hook the CLI calls
    found = [c.name for _, cs in d.call_each("suyuan_register_commands") for c in cs]
    assert found == ["hello"]
    labour = make_deployment(plugins=["labour_arbitration"])
    assert run_cli(labour, "labour", "referrals").exit_code == 0
    assert "labour" in run_cli(labour, "--help").stdout


def test_hook_suyuan_case_validate(with_hooks):
    d = with_hooks(suyuan_case_validate=lambda case: [Problem("title", "标题太短")]
                   if len(case.title) < 3 else None)
    with pytest.raises(ValidationError, match="标题太短") as err:
        Factories(d).case(title="短")
    assert err.value.field == "title"
    assert Factories(d).case(title="足够长的标题").id


def test_hook_suyuan_case_classify(with_hooks):
    d = with_hooks(suyuan_case_classify=lambda text: [
        Suggestion("labour", 0.9, "欠薪"), Suggestion("nope", 1.0, "unknown category dropped"),
        Suggestion("neighbour", 0.2, "")] if "工资" in text else [])
    found = d.routing.classify("老板拖欠工资")
    assert [(s.category, s.confidence) for s in found] == [("labour", 0.9), ("neighbour", 0.2)]


def test_hook_suyuan_case_route(with_hooks):
    d = with_hooks(suyuan_case_route=lambda case: [
        RouteProposal("organisation", "labour_bureau", 0.95, "劳动争议由人社局处理")])
    case = Factories(d).case("accepted", category="labour")
    proposals = d.routing.propose(case)
    assert proposals[0].handler_id == "labour_bureau" and proposals[0].provider == "p"


def test_hook_suyuan_case_deadline(with_hooks):
    d = with_hooks(suyuan_case_deadline=lambda case, now: now + dt.timedelta(days=7)
                   if case.source == "hotline_12345" else None)
    hotline = Factories(d).case("accepted", source="hotline_12345")
    walk_in = Factories(d).case("accepted")
    assert hotline.deadline - hotline.reported_at < dt.timedelta(days=7, minutes=1)
    assert walk_in.deadline - walk_in.reported_at > dt.timedelta(days=29)  # core default


def test_hook_suyuan_case_before_transition(with_hooks):
    d = with_hooks(suyuan_case_before_transition=lambda case, action, data: [
        Refusal("调解协议未签字")] if action == "close" and not data.get("signed") else None)
    case = Factories(d).case("resolved")
    from suyuan_core import TransitionRefused

    with pytest.raises(TransitionRefused, match="调解协议未签字"):
        d.cases.act(case.id, "close", actor="t")
    assert d.cases.act(case.id, "close", actor="t", data={"signed": True}).status.value == "closed"


def test_hook_suyuan_case_after_transition(with_hooks):
    seen: list[tuple[str, int]] = []
    d = with_hooks(suyuan_case_after_transition=lambda case, event: seen.append(
        (event.kind, case.version)))
    Factories(d).case("assigned")
    assert seen == [("reported", 1), ("accept", 2), ("assign", 3)]


def test_hook_suyuan_case_escalation_target(with_hooks):
    d = with_hooks(suyuan_case_escalation_target=lambda case, reason: EscalationTarget(
        "county", "C", "重大纠纷直报县") if "重大" in reason else None)
    case = Factories(d).case("accepted", area_code="C.T1.C1.G1")
    up = d.cases.act(case.id, "escalate", actor="t", reason="普通")
    assert up.level.name == "community"
    up = d.cases.act(case.id, "escalate", actor="t", reason="重大群体性纠纷")
    assert (up.level.name, up.handling_area_code) == ("county", "C")


def test_hook_suyuan_roster_validate_member(with_hooks):
    d = with_hooks(suyuan_roster_validate_member=lambda person: [
        Problem("phone", "调解员须登记电话")] if "mediator" in person.roles and not person.phone
        else [])
    with pytest.raises(ValidationError, match="调解员须登记电话"):
        Factories(d).person()
    assert d.roster.count() == 0
    Factories(d).person(phone="13800001234")


def test_hook_suyuan_roster_member_changed(with_hooks):
    seen: list[tuple[str, str]] = []
    d = with_hooks(suyuan_roster_member_changed=lambda person, change: seen.append(
        (person.external_id, change)))
    p = Factories(d).person(external_id="M9")
    d.roster.save([p])
    assert seen == [("M9", "added"), ("M9", "updated")]


def test_hook_suyuan_roster_candidates(with_hooks):
    d = with_hooks(suyuan_roster_candidates=lambda case: [
        RouteProposal("person", "STUDIO-1", 0.99, "张大爷调解室")])
    case = Factories(d).case("accepted")
    assert d.routing.propose(case)[0].handler_id == "STUDIO-1"


def test_hook_suyuan_roster_organisations(make_deployment):
    """Organisations declared by configuration reach the roster once the tree has their area,
    so assigning to them passes the roster check."""
    from suyuan_core import Organisation
    from suyuan_core.testing import standard_areas

    d = make_deployment(areas=False, extra_plugins={"p": plugin_with(
        "p", suyuan_roster_organisations=lambda: [
            Organisation("U9", "县住建局", "handling_unit", "C.T2")])})
    assert d.roster.organisations() == ()  # no tree yet: it waits
    d.areas.import_areas(standard_areas())
    assert [o.external_id for o in d.roster.organisations()] == ["U9"]
    assert d.roster.missing_handlers(["organisation:U9", "organisation:U8"]) == {
        "organisation:U8"}


def test_hook_suyuan_startup(make_deployment):
    seen = []
    make_deployment(extra_plugins={"p": plugin_with(
        "p", suyuan_startup=lambda deployment: seen.append(len(deployment.metrics)))})
    assert seen and seen[0] >= 10  # called after the registries are complete


def test_hook_suyuan_demo_data(make_deployment):
    seen = []
    d = make_deployment(extra_plugins={"p": plugin_with(
        "p", suyuan_demo_data=lambda seed, scale: seen.append((seed, scale)))})
    d.hook.suyuan_demo_data(deployment=d, seed=7, scale=0.5)
    assert seen == [(7, 0.5)]


def test_a_hook_answered_by_one_plugin_alone(make_deployment):
    from suyuan_core import PluginError

    seen: list[str] = []
    d = make_deployment(extra_plugins={
        "p": plugin_with("p", suyuan_demo_data=lambda seed, scale: seen.append("p")),
        "q": plugin_with("q", suyuan_demo_data=lambda seed, scale: seen.append("q"))})
    call = d.hook.suyuan_demo_data
    assert set(call.implemented_by) >= {"p", "q"}
    call.only("q", seed=1, scale=1.0)
    assert seen == ["q"]
    call(seed=1, scale=1.0)
    assert sorted(seen) == ["p", "q", "q"]
    with pytest.raises(PluginError) as err:
        call.only("nobody", seed=1, scale=1.0)
    assert "does not implement" in str(err.value) and "p" in (err.value.hint or "")


def test_hook_suyuan_mediation_agreement_unperformed(with_hooks):
    # Called by the pillar that keeps agreements (self_governance) inside its follow-up
    # transaction; a rule_of_law plugin answers without either importing the other.
    seen = []

    def confirm(case, agreement, session):
        seen.append((case.id, agreement["effective_on"], session is not None))
        return f"司法确认申请 for agreement {agreement['id']}"

    d = with_hooks(suyuan_mediation_agreement_unperformed=confirm)
    case = Factories(d).case("resolved")
    with d.transaction() as s:
        notes = d.hook.suyuan_mediation_agreement_unperformed(
            case=case, agreement={"id": 7, "case_id": case.id, "effective_on": "2026-03-05"},
            deployment=d, session=s)
    assert notes == ["司法确认申请 for agreement 7"] and seen == [(case.id, "2026-03-05", True)]


def test_hook_suyuan_register_routes(with_hooks):
    from litestar import get

    from suyuan_core.testing.http import ApiClient

    @get("/ping", sync_to_thread=False)
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    d = with_hooks(suyuan_register_routes=lambda deployment: [ping])
    with ApiClient(d) as api:
        assert "/api/v1/p/ping" in api.get("/api/v1/schema/openapi.json").json()["paths"]
        assert api.get("/api/v1/p/ping").status_code == 401  # the same authentication
        assert api.get("/api/v1/p/ping", headers=api.as_role("mediator", "C")).json() == {
            "pong": "yes"}
    with pytest.raises(Exception, match="app"):
        with_hooks(suyuan_register_routes=lambda app: [])  # an argument the spec does not have


def test_hook_suyuan_register_root_routes(with_hooks):
    from litestar import Router, get

    from suyuan_core import PUBLIC_ROUTE, PluginError
    from suyuan_core.testing.http import ApiClient

    @get("/open", opt={PUBLIC_ROUTE: True}, sync_to_thread=False)
    def open_() -> dict[str, str]:
        return {"open": "yes"}

    @get("/closed", sync_to_thread=False)
    def closed() -> dict[str, str]:
        return {"closed": "yes"}

    d = with_hooks(suyuan_register_root_routes=lambda deployment: [
        Router(path="/std/v1", route_handlers=[open_, closed])])
    with ApiClient(d) as api:
        paths = api.get("/api/v1/schema/openapi.json").json()["paths"]
        assert "/std/v1/open" in paths and "/std/v1/closed" in paths
        assert api.get("/std/v1/open").json() == {"open": "yes"}
        assert api.get("/std/v1/closed").status_code == 401  # the same authentication
        assert api.get("/std/v1/closed", headers=api.as_role("mediator", "C")).json() == {
            "closed": "yes"}
    for path in ("/api/v2", "/cases/extra", "/", "/static/x"):
        bad = with_hooks(suyuan_register_root_routes=lambda deployment, path=path: [
            Router(path=path, route_handlers=[closed])])
        with pytest.raises(PluginError, match="may not mount"):
            ApiClient(bad)
    loose = with_hooks(suyuan_register_root_routes=lambda deployment: [closed])
    with pytest.raises(PluginError, match="Routers"):
        ApiClient(loose)


def test_hook_suyuan_register_sensitive_fields(with_hooks):
    from suyuan_core import NewCase, SensitiveField

    d = with_hooks(suyuan_register_sensitive_fields=lambda: [SensitiveField("minor.name", "name")])
    case = d.cases.create(NewCase(title="监护", category="neighbour", source="walk_in",
                                  area_code="C.T1.C1", data={"minor": {"name": "小明"}}), actor="t")
    shown = d.privacy.data(case.data, reveal=False)
    assert shown == {"minor": {"name": "小*"}} and case.data == {"minor": {"name": "小明"}}
    assert d.privacy.data(case.data, reveal=True) == case.data


def test_hook_suyuan_register_pages(with_hooks):
    from suyuan_core import Page
    from suyuan_core.web import create_app

    page = Page("sessions", ("调解", "Mediation"), render=lambda: "<p>ok</p>")
    d = with_hooks(suyuan_register_pages=lambda: [page])
    app = create_app(d)
    assert app.state["pages"] == [("p", page)]
    assert "/p/sessions" in {r.path for r in app.routes}


def test_hook_suyuan_register_dashboard_panels(with_hooks):
    from suyuan_core import DashboardPanel
    from suyuan_core.web import create_app

    panel = DashboardPanel("mediation", ("调解", "Mediation"), render=lambda **_: "<p>ok</p>")
    early = DashboardPanel("first", ("先", "First"), render=lambda **_: "", order=1)
    d = with_hooks(suyuan_register_dashboard_panels=lambda: [panel, early])
    assert create_app(d).state["panels"] == [("p", early), ("p", panel)]


def test_reference_docs_are_current(deployment):
    from pathlib import Path

    from suyuan_core.cli.docs import hooks_markdown

    assert Path("docs/hooks.md").read_text(encoding="utf-8") == hooks_markdown(), \
        "run: suyuan docs hooks > docs/hooks.md"
    result = run_cli(deployment, "docs", "metrics")
    assert Path("docs/metrics.md").read_text(encoding="utf-8") == result.stdout, \
        "run: suyuan --config <core-only deployment> docs metrics > docs/metrics.md"


def test_every_hook_has_an_example_that_is_a_valid_implementation():
    """The docs' examples (docs/hooks.md, from the hookspec docstrings) are real code: each
    defines the hook it documents, with arguments the hook has, using the public API only."""
    import datetime as dt_
    import types as types_

    import suyuan_core
    from suyuan_core.cli.docs import example_of
    from suyuan_core.plugins.calling import check_impls

    for name in HOOKS:
        code = example_of(inspect.getdoc(getattr(hookspecs, name)) or "")
        assert code, f"{name} has no Example:: in its docstring"
        module = types_.ModuleType(f"example_{name}")
        namespace = {n: getattr(suyuan_core, n) for n in suyuan_core.__all__}
        namespace.update(click=click, dt=dt_, hookimpl=hookimpl)
        module.__dict__.update(namespace)
        exec(compile(code, f"<example of {name}>", "exec"), module.__dict__)
        assert hasattr(module, name), f"the example of {name} does not define it"
        check_impls(f"example_{name}", module)  # name and arguments match the spec


def test_hook_suyuan_register_jobs(with_hooks):
    from suyuan_core import Job

    d = with_hooks(suyuan_register_jobs=lambda: [
        Job("p.sync", every="15m", run=lambda deployment, slot: {"slot": slot.isoformat()},
            label=("同步", "Sync"))])
    assert d.jobs.get("p.sync").provider == "p"
    [run] = [r for r in d.jobs.run_due() if r.job == "p.sync"]
    assert run.status == "succeeded" and run.summary == {"slot": run.slot}


def test_hook_suyuan_register_notification_kinds(with_hooks):
    from suyuan_core import NotificationKind, PluginError

    d = with_hooks(suyuan_register_notification_kinds=lambda: [
        NotificationKind("p_hearing", ("开庭提醒", "Hearing reminder"))])
    assert d.notifications.kinds["p_hearing"].provider == "p"
    d.accounts.add_user("wang", "王", "long-enough-pw")
    d.notifications.notify("p_hearing", to=["wang"], subject="明日开庭")
    assert [n.kind for n in d.notifications.inbox("wang")] == ["p_hearing"]
    with pytest.raises(PluginError, match="notification kind 'overdue' is registered by both"):
        with_hooks(suyuan_register_notification_kinds=lambda: [
            NotificationKind("overdue", ("x", "x"))])


def test_hook_suyuan_demo_logins(with_hooks):
    from suyuan_core import DemoLogin
    from suyuan_core.accounts import DEMO_PASSWORD, ensure_demo_users

    d = with_hooks(suyuan_demo_logins=lambda root, town: [
        DemoLogin("desk", "前台", (("official", town),), "front desk", acts_for="organisation:X")])
    logins = ensure_demo_users(d)
    assert ("desk", DEMO_PASSWORD, "front desk") in logins
    info = d.accounts.user("desk")
    assert info.acts_for == "organisation:X" and info.grants == (("official", "C.T1"),)
    assert d.accounts.as_user("desk").acts_for == "organisation:X"


def test_hook_suyuan_mediation_agreement(with_hooks):
    # A keeper answers only for its own references; the first answer wins.
    from suyuan_core import MediationAgreement

    def keeper(agreement_ref, session):
        plugin, _, local = agreement_ref.partition(":")
        if plugin != "p":
            return None
        return MediationAgreement(ref=agreement_ref, case_id=int(local), area_code="C.T1.C1",
                                  matter="neighbour", parties=[{"name": "甲"}, {"name": "乙"}],
                                  effective_on=dt.date(2026, 3, 5), status="effective")

    d = with_hooks(suyuan_mediation_agreement=keeper)
    with d.transaction() as s:
        found = d.hook.suyuan_mediation_agreement(agreement_ref="p:7", deployment=d, session=s)
        other = d.hook.suyuan_mediation_agreement(agreement_ref="q:7", deployment=d, session=s)
    assert found.keeper == "p" and found.case_id == 7 and found.party_names == ("甲", "乙")
    assert other is None
    with pytest.raises(ValidationError, match="<plugin>:<id>"):
        MediationAgreement(ref="7", case_id=7, area_code="C", matter="x", parties=[],
                           effective_on=None, status="draft")


def test_hook_suyuan_mediation_agreements(with_hooks):
    # Every keeper answers with its own agreements in the span; the caller merges them.
    from suyuan_core import MediationAgreement

    def keeper(effective_from, effective_to, session):
        day = dt.date(2026, 3, 5)
        if not effective_from <= day <= effective_to:
            return []
        return [MediationAgreement(ref="p:1", case_id=1, area_code="C.T1.C1", matter="neighbour",
                                   parties=[{"name": "甲"}, {"name": "乙"}], effective_on=day,
                                   status="effective")]

    d = with_hooks(suyuan_mediation_agreements=keeper)
    with d.transaction() as s:
        found = d.hook.suyuan_mediation_agreements(
            effective_from=dt.date(2026, 3, 1), effective_to=dt.date(2026, 3, 31), deployment=d,
            session=s)
        none = d.hook.suyuan_mediation_agreements(
            effective_from=dt.date(2026, 4, 1), effective_to=dt.date(2026, 4, 30), deployment=d,
            session=s)
    assert [a.ref for group in found for a in group] == ["p:1"]
    assert [a for group in none for a in group] == []


def test_hook_suyuan_judicial_confirmation_decided(with_hooks):
    from suyuan_core import ConfirmationDecision, MediationAgreement

    seen = []
    d = with_hooks(suyuan_judicial_confirmation_decided=lambda decision, agreement, session:
                   seen.append((decision.outcome, agreement.ref, session is not None)))
    agreement = MediationAgreement(ref="p:1", case_id=1, area_code="C", matter="neighbour",
                                   parties=[{"name": "甲"}], effective_on=dt.date(2026, 3, 5),
                                   status="effective")
    decision = ConfirmationDecision(agreement_ref="p:1", outcome="confirmed",
                                    decided_on=dt.date(2026, 3, 20),
                                    court_case_number="(2026)川0121民特1号", application_id=1)
    with d.transaction() as s:
        d.hook.suyuan_judicial_confirmation_decided(decision=decision, agreement=agreement,
                                                    deployment=d, session=s)
    assert seen == [("confirmed", "p:1", True)]
    with pytest.raises(ValidationError, match="outcome"):
        ConfirmationDecision(agreement_ref="p:1", outcome="maybe", decided_on=dt.date(2026, 1, 1),
                             court_case_number="x", application_id=1)


def test_hook_suyuan_court_platform(with_hooks):
    from suyuan_core import CourtPlatform

    class Platform:
        name = "county"

        def pull(self):
            return [{"platform_ref": "W-1"}]

        def push(self, results):
            return len(results)

    d = with_hooks(suyuan_court_platform=lambda system: Platform() if system == "county" else None)
    found = d.hook.suyuan_court_platform(system="county", deployment=d)
    assert isinstance(found, CourtPlatform) and found.pull() == [{"platform_ref": "W-1"}]
    assert d.hook.suyuan_court_platform(system="other", deployment=d) is None


def test_hook_suyuan_video_room(with_hooks):
    from suyuan_core import VideoRoom

    d = with_hooks(suyuan_video_room=lambda case_id, room: VideoRoom(
        system="county-vc", room=room, join_url=f"https://vc.example.invalid/{room}?case={case_id}"))
    found = d.hook.suyuan_video_room(case_id=3, room="r-3", deployment=d)
    assert found.join_url == "https://vc.example.invalid/r-3?case=3" and found.system == "county-vc"


def test_implement_answers_a_hook_in_one_line_importing_its_target_on_the_first_call(
        make_deployment, tmp_path, monkeypatch):
    from suyuan_core import implement

    (tmp_path / "lazy_cli_target.py").write_text(
        "import click\n"
        "def build(deployment):\n"
        "    return click.Command('lazy-cmd', help=str(deployment is None))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = types.ModuleType("p")
    module.plugin = PluginSpec(label=("测试", "test"))  # type: ignore[attr-defined]
    # a value is returned as it is; a "module:attr" callable is imported when first called and
    # given the hook arguments it names
    module.cats = implement("suyuan_register_categories",  # type: ignore[attr-defined]
                            [Category(code="lazy_cat", label=("懒", "Lazy"), parent="other")])
    module.cmds = implement("suyuan_register_commands",  # type: ignore[attr-defined]
                            "lazy_cli_target:build")
    d = make_deployment(extra_plugins={"p": module})
    assert d.categories["lazy_cat"].provider == "p"
    assert "lazy_cli_target" not in sys.modules  # the CLI hook has not been asked yet
    [(_, command)] = [(p, c) for p, c in d.call_each("suyuan_register_commands",
                                                          deployment=None) if p == "p"]
    assert "lazy_cli_target" in sys.modules
    assert (command.name, command.help) == ("lazy-cmd", "True")
    sys.modules.pop("lazy_cli_target")


def test_implement_refuses_a_misspelt_hook_or_target_in_one_line():
    from suyuan_core import PluginError, implement

    with pytest.raises(PluginError, match="did you mean 'suyuan_register_routes'"):
        implement("suyuan_register_route", "x:y")
    bad = implement("suyuan_register_routes", "no_colon_here")
    with pytest.raises(PluginError, match=r"package\.module:attribute"):
        bad()
