"""The plugin manager: discovery, enabling exactly what the config names, and one-line errors."""

from __future__ import annotations

import datetime as dt
import re
import types
from typing import Any

import attrs
import pytest
from sqlalchemy import func, select

from suyuan_core import (
    Category,
    ConfigError,
    Deployment,
    EscalationTarget,
    PluginError,
    PluginSpec,
    Refusal,
    TransitionRefused,
    hookimpl,
)
from suyuan_core.tables import case_events
from suyuan_core.testing import Factories, run_cli


def make_plugin(name: str, **spec: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.plugin = PluginSpec(label=(f"{name}插件", f"{name} plugin"), **spec)  # type: ignore[attr-defined]
    return module


def build(tmp_path, enabled, extra, **tables) -> Deployment:
    data = {"deployment": {"database": f"sqlite:///{tmp_path}/x.db"},
            "plugins": {"enabled": enabled, **tables}}
    return Deployment.from_dict(data, extra_plugins=extra, discover=False)


def test_unknown_plugin_is_one_line_with_a_hint(tmp_path):
    extra = {"smart": make_plugin("smart")}
    with pytest.raises(PluginError) as err:
        build(tmp_path, ["smrt"], extra)
    text = err.value.one_line()
    assert "\n" not in text
    assert "unknown plugin 'smrt'" in text and "did you mean 'smart'" in text
    assert "[plugins] enabled" in text


def test_two_plugins_for_one_pillar(tmp_path):
    extra = {"smart": make_plugin("smart", pillar="smart"),
             "acme_smart": make_plugin("acme_smart", pillar="smart")}
    with pytest.raises(PluginError, match="both provide the pillar 'smart'"):
        build(tmp_path, ["smart", "acme_smart"], extra)
    # swapping the pillar for another vendor's is one line of config
    d = build(tmp_path, ["acme_smart"], extra)
    assert [p.name for p in d.plugins if p.pillar == "smart"] == ["acme_smart"]


def test_missing_requirement_conflict_and_cycle(tmp_path):
    extra = {"a": make_plugin("a", requires=["b"]), "b": make_plugin("b", requires=["a"]),
             "c": make_plugin("c", conflicts=["d"]), "d": make_plugin("d")}
    with pytest.raises(PluginError, match="'a' requires 'b', which is not enabled"):
        build(tmp_path, ["a"], extra)
    with pytest.raises(PluginError, match="'c' conflicts with 'd'"):
        build(tmp_path, ["c", "d"], extra)
    with pytest.raises(PluginError, match="dependency cycle"):
        build(tmp_path, ["a", "b"], extra)


def test_order_follows_requires_not_list_order(tmp_path):
    extra = {"base": make_plugin("base"), "top": make_plugin("top", requires=["base"])}
    d = build(tmp_path, ["top", "base"], extra)
    assert [p.name for p in d.plugins] == ["suyuan_core", "base", "top"]


def test_settings_validated_by_the_plugins_schema(tmp_path):
    @attrs.frozen
    class Settings:
        days: int = 3

    extra = {"p": make_plugin("p", settings=Settings)}
    d = build(tmp_path, ["p"], extra, p={"days": 5})
    assert d.settings("p") == Settings(days=5)
    with pytest.raises(PluginError, match=r"plugins\.p\.days: expected an integer"):
        build(tmp_path, ["p"], extra, p={"days": "five"})
    with pytest.raises(PluginError, match=r"unknown key\(s\) colour"):
        build(tmp_path, ["p"], extra, p={"colour": "red"})
    with pytest.raises(PluginError, match="settings for unknown plugin 'q'"):
        build(tmp_path, ["p"], extra, q={"x": 1})


def test_plugin_without_settings_class_refuses_settings(tmp_path):
    with pytest.raises(PluginError, match="takes no settings"):
        build(tmp_path, ["p"], {"p": make_plugin("p")}, p={"x": 1})


def test_duplicate_registration_names_both_plugins(tmp_path):
    module = make_plugin("dup")

    def suyuan_register_categories() -> list[Category]:
        return [Category(code="neighbour", label=("邻里", "Neighbours"))]
    module.suyuan_register_categories = hookimpl(suyuan_register_categories)  # type: ignore[attr-defined]
    with pytest.raises(PluginError, match="'neighbour' is registered by both 'suyuan_core' and 'dup'"):
        build(tmp_path, ["dup"], {"dup": module})


def test_unknown_hook_name_is_refused_at_registration(tmp_path):
    module = make_plugin("typo")

    @hookimpl
    def suyuan_case_valdate() -> None:  # a typo: matches no hook
        return None
    module.suyuan_case_valdate = suyuan_case_valdate  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="suyuan_case_valdate"):
        build(tmp_path, ["typo"], {"typo": module})


def test_no_global_state_between_deployments(make_deployment):
    refuse = make_plugin("refuser")

    @hookimpl
    def suyuan_case_before_transition(action: str) -> Refusal | None:
        return Refusal("no closing today") if action == "accept" else None
    refuse.suyuan_case_before_transition = suyuan_case_before_transition  # type: ignore[attr-defined]
    strict = make_deployment(extra_plugins={"refuser": refuse})
    plain = make_deployment()
    with pytest.raises(TransitionRefused, match="no closing today"):
        Factories(strict).case("accepted")
    assert Factories(plain).case("accepted").status.value == "accepted"


def test_hook_failure_in_after_transition_rolls_back_the_event(make_deployment):
    boom = make_plugin("boom")

    @hookimpl
    def suyuan_case_after_transition(event: Any) -> None:
        if event.kind == "accept":
            raise RuntimeError("observer failed")
    boom.suyuan_case_after_transition = suyuan_case_after_transition  # type: ignore[attr-defined]
    d = make_deployment(extra_plugins={"boom": boom})
    case = Factories(d).case("reported")
    with pytest.raises(PluginError, match=r"^plugin 'boom': suyuan_case_after_transition raised "
                                          r"RuntimeError: observer failed") as failed:
        d.cases.act(case.id, "accept", actor="t")
    assert isinstance(failed.value.__cause__, RuntimeError)  # the traceback behind --debug
    with d.reading() as s:
        assert s.scalar(select(func.count()).select_from(case_events)) == 1
    assert d.cases.get(case.id).status.value == "reported"
    assert d.metric_service.figure("escalations", "C", __import__(
        "suyuan_core").Period.containing("year", dt.date.today())).num == 0


def test_escalation_target_first_result_wins(make_deployment):
    court = make_plugin("straight_to_town")

    @hookimpl
    def suyuan_case_escalation_target(case: Any) -> EscalationTarget:
        return EscalationTarget(level="town", area_code="C.T1", reason="土地纠纷直接上报镇")
    court.suyuan_case_escalation_target = suyuan_case_escalation_target  # type: ignore[attr-defined]
    d = make_deployment(extra_plugins={"straight_to_town": court})
    case = Factories(d).case("accepted", area_code="C.T1.C1.G1")
    case = d.cases.act(case.id, "escalate", actor="t", reason="复杂")
    assert (case.level.name, case.handling_area_code) == ("town", "C.T1")


def test_plugins_list_json_and_bad_config_one_line(deployment, tmp_path):
    result = run_cli(deployment, "plugins", "list", "--json")
    assert result.exit_code == 0
    import json

    rows = json.loads(result.stdout)
    head = deployment.migration_status()["suyuan_core"][1]
    assert rows[0]["name"] == "suyuan_core" and rows[0]["migration"] == {"database": head,
                                                                         "head": head}
    bad = tmp_path / "bad.toml"
    bad.write_text('[plugins]\nenabled = ["nope"]\n', encoding="utf-8")
    result = run_cli(None, "--config", str(bad), "plugins", "list")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "unknown plugin 'nope'" in result.stderr
    assert "Traceback" not in result.output


def test_config_errors_name_the_path(tmp_path):
    bad = tmp_path / "suyuan.toml"
    bad.write_text('[cases]\ndefault_deadline_days = "thirty"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cases\.default_deadline_days: expected an integer"):
        Deployment.from_file(bad)
    bad.write_text("[deployment\nname=1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Deployment.from_file(bad)
    with pytest.raises(ConfigError, match="does not exist"):
        Deployment.from_file(tmp_path / "missing.toml")


def test_hooks_run_in_the_documented_order_through_one_path(make_deployment, monkeypatch,
                                                             capsys):
    """A plugin before the plugins it requires, unrelated plugins in [plugins] enabled order, the
    core last; d.hook and d.call_each are the same pluggy call (so the trace shows it)."""
    calls: list[str] = []

    def proposer(name: str) -> Any:
        @hookimpl
        def suyuan_case_route(case: Any) -> list[str]:
            calls.append(name)
            return [f"from {name}"]
        return suyuan_case_route

    extra = {}
    for name, requires in (("base", []), ("top", ["base"]), ("side", [])):  # top requires base
        extra[name] = make_plugin(name, requires=requires)
        extra[name].suyuan_case_route = proposer(name)  # type: ignore[attr-defined]
    extra["side"].suyuan_roster_candidates = hookimpl(  # type: ignore[attr-defined]
        lambda case: [])
    monkeypatch.setenv("SUYUAN_TRACE_HOOKS", "1")
    d = make_deployment(extra_plugins=extra)  # enabled as base, top, side
    case = Factories(d).case("accepted")
    with d.reading() as s:
        credited = d.call_each("suyuan_case_route", case=case, session=s)
        plain = d.hook.suyuan_case_route(case=case, session=s)
    assert [n for n, _ in credited] == ["top", "base", "side"]
    assert calls == ["top", "base", "side"] * 2
    assert [r for _, r in credited] == plain == [["from top"], ["from base"], ["from side"]]
    # the core's own implementations come last
    assert d.hook.suyuan_roster_candidates.implemented_by == ["side", "suyuan_core"]
    err = capsys.readouterr().err
    # start-up registration goes through pluggy too: every registration hook is traced
    for hook in ("suyuan_register_categories", "suyuan_register_metrics",
                 "suyuan_register_migrations", "suyuan_startup"):
        assert re.search(rf"hook: +{hook}", err), hook
    assert len(re.findall(r"hook: +suyuan_case_route", err)) == 2
    d.close()


def test_trace_switch_prints_hook_calls(deployment, factories, monkeypatch, capsys):
    monkeypatch.setenv("SUYUAN_TRACE_HOOKS", "1")
    d = Deployment.from_file(deployment.config.path)
    try:
        Factories(d).case("accepted")
    finally:
        d.close()
    err = capsys.readouterr().err
    assert re.search(r"hook: +suyuan_case_validate", err)
    assert re.search(r"hook: +suyuan_case_deadline", err)
