"""A plugin author's mistakes are one line naming the plugin and the fix, never a traceback
(``--debug`` shows it); ``plugins check`` and start-up say what a pillar's provider lacks."""

from __future__ import annotations

import logging
import types
from pathlib import Path
from typing import Any

import pytest

from suyuan_core import (
    ConfigError,
    Deployment,
    MigrationSource,
    Permission,
    PluginError,
    PluginSpec,
    hookimpl,
)
from suyuan_core.testing import Factories, run_cli

ROOT = Path(__file__).resolve().parent.parent


def plugin(name: str, **hooks: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.plugin = PluginSpec(label=("插件", "plugin"))  # type: ignore[attr-defined]
    for hook, fn in hooks.items():
        setattr(module, hook, fn)
    return module


def build(tmp_path: Path, extra: dict[str, Any], **tables: Any) -> Deployment:
    data = {"deployment": {"database": f"sqlite:///{tmp_path}/x.db"},
            "plugins": {"enabled": list(extra), **tables}}
    return Deployment.from_dict(data, extra_plugins=extra, discover=False)


def test_unknown_hook_name_is_one_line_with_did_you_mean(tmp_path):
    mod = plugin("typo", suyuan_case_valdate=hookimpl(lambda case: None))
    with pytest.raises(PluginError) as err:
        build(tmp_path, {"typo": mod})
    assert str(err.value) == (
        "plugin 'typo': suyuan_case_valdate is not a suyuan hook; did you mean "
        "'suyuan_case_validate'? (rename the function after a hook in docs/hooks.md, or drop "
        "its @hookimpl)")


def test_an_argument_the_hook_does_not_have(tmp_path):
    mod = plugin("arg", suyuan_case_validate=hookimpl(lambda cas, session: None))
    with pytest.raises(PluginError, match=r"^plugin 'arg': suyuan_case_validate has no argument "
                                          r"'cas'; did you mean 'case'\? \(suyuan_case_validate "
                                          r"offers case, deployment, session"):
        build(tmp_path, {"arg": mod})


def test_calling_a_hook_wrongly_is_one_line(deployment):
    with pytest.raises(PluginError, match=r"no hook named 'suyuan_case_rout'; did you mean "
                                          r"'suyuan_case_route'\?"):
        deployment.hook.suyuan_case_rout(case=None)
    with pytest.raises(PluginError, match=r"suyuan_case_route has no argument 'cse'"):
        deployment.hook.suyuan_case_route(cse=None, session=None)


def test_an_exception_inside_a_hook_names_plugin_hook_and_message(make_deployment):
    def validate(case: Any) -> None:
        return {}["county"]  # type: ignore[no-any-return]
    d = make_deployment(extra_plugins={"buggy": plugin(
        "buggy", suyuan_case_validate=hookimpl(validate))})
    with pytest.raises(PluginError) as err:
        Factories(d).case()
    assert str(err.value) == ("plugin 'buggy': suyuan_case_validate raised KeyError: 'county' "
                              "(fix suyuan_case_validate in the plugin 'buggy'; run with --debug "
                              "for the traceback)")
    assert err.value.status_code == 500 and isinstance(err.value.__cause__, KeyError)


def _versions(tmp_path: Path, **files: str) -> MigrationSource:
    folder = tmp_path / "versions"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.py").write_text(text, encoding="utf-8")
    return MigrationSource(branch_label="acme", location=str(folder))


REV = '''revision = "acme_0001"
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = {depends!r}
def upgrade(): pass
def downgrade(): pass
'''


@pytest.mark.parametrize(("files", "message"), [
    ({}, r"plugin 'acme': its migrations folder .* has no revisions \(write the first one with "
         r"`suyuan db revision --plugin acme"),
    ({"acme_0001": REV.format(down=None, labels=("acme_typo",), depends="c0001_core")},
     r"plugin 'acme': no revision in .* carries the branch label 'acme' \(set branch_labels = "
     r"\('acme',\)"),
    ({"acme_0001": REV.format(down="c0001_cor", labels=("acme",), depends=None)},
     r"plugin 'acme': revision acme_0001 \(acme_0001.py\) has down_revision 'c0001_cor', which "
     r"is no revision of the enabled branches; did you mean 'c0001_core'\?"),
    ({"acme_0001": REV.format(down=None, labels=("acme",), depends="c0009_future")},
     r"plugin 'acme': revision acme_0001 \(acme_0001.py\) has depends_on 'c0009_future'"),
])
def test_bad_migrations_are_one_line_naming_the_plugin(tmp_path, files, message):
    source = _versions(tmp_path, **files)
    d = build(tmp_path, {"acme": plugin("acme", suyuan_register_migrations=hookimpl(
        lambda: source))})
    with pytest.raises(ConfigError, match=message) as err:
        d.upgrade()
    assert "Traceback" not in str(err.value)
    with pytest.raises(ConfigError, match=message):
        d.migration_status()
    d.close()


def test_a_setting_key_typo_says_did_you_mean(tmp_path):
    import attrs

    @attrs.frozen
    class Settings:
        callback_workdays: int = 1

    mod = plugin("p")
    mod.plugin = PluginSpec(label=("p", "p"), settings=Settings)  # type: ignore[attr-defined]
    with pytest.raises(PluginError, match=r"plugins\.p: unknown key\(s\) callback_workday "
                                          r"\(did you mean 'callback_workday' → "
                                          r"'callback_workdays'\?\)"):
        build(tmp_path, {"p": mod}, p={"callback_workday": 2})


def test_a_plugins_settings_error_explains_its_missing_command(tmp_path):
    """Before, `suyuan smart --help` said "No such command 'smart'"."""
    config = tmp_path / "suyuan.toml"
    config.write_text(f'[deployment]\ndatabase = "sqlite:///{tmp_path}/x.db"\n'
                      '[plugins]\nenabled = ["smart"]\n'
                      '[plugins.smart]\ncallback_workday = 2\n', encoding="utf-8")
    result = run_cli(None, "--config", str(config), "smart", "--help")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "`suyuan smart` is not available because the deployment did not load" in result.stderr
    assert "did you mean 'callback_workday' → 'callback_workdays'?" in result.stderr
    debug = run_cli(None, "--debug", "--config", str(config), "smart", "--help")
    assert debug.exit_code == 1 and "Traceback" in debug.stderr


def test_plugins_check_warns_about_a_hook_without_hookimpl(tmp_path, make_deployment):
    from suyuan_core.plugins.checks import check

    def suyuan_case_validate(case: Any) -> None:  # forgot @hookimpl: pluggy ignores it
        return None
    d = make_deployment(extra_plugins={"forgetful": plugin(
        "forgetful", suyuan_case_validate=suyuan_case_validate)})
    report = check(d)
    assert report.warnings == ["plugin 'forgetful': suyuan_case_validate has no @hookimpl, so it "
                               "is never called (decorate it with @suyuan_core.hookimpl, or "
                               "rename it)"]
    assert report.problems == []


# -- pillar contracts ---------------------------------------------------------------------------
def _vendor(pillar: str, **hooks: Any) -> types.ModuleType:
    mod = plugin("acme_mediation", **hooks)
    mod.plugin = PluginSpec(label=("某调解", "Acme mediation"),  # type: ignore[attr-defined]
                            pillar=pillar)
    return mod


def test_a_swapped_pillar_provider_learns_what_it_lacks(make_deployment, caplog):
    from suyuan_core.plugins.checks import check

    vendor = _vendor("self_governance", suyuan_register_permissions=hookimpl(lambda: [
        Permission("self_governance.sessions.record", ("记录", "Record sessions"))]))
    with caplog.at_level(logging.WARNING, logger="suyuan.plugins"):
        d = make_deployment(extra_plugins={"acme_mediation": vendor})
    problems = check(d).problems
    lead = "pillar 'self_governance': plugin 'acme_mediation' "
    assert f"{lead}does not implement suyuan_case_route" in problems
    assert f"{lead}does not register the permission self_governance.agreements.manage" in problems
    assert f"{lead}does not register the metric mediation_agreements" in problems
    assert f"{lead}does not register the permission self_governance.sessions.record" \
        not in problems
    # start-up said so too, as warnings (the deployment still starts)
    logged = [r.getMessage() for r in caplog.records]
    assert f"{lead}does not implement suyuan_case_route (see `suyuan plugins check`)" in logged


def test_the_repositorys_pillars_keep_their_contracts(make_deployment):
    from suyuan_core.plugins.checks import check

    d = make_deployment(plugins=["self_governance", "smart"])
    assert check(d).problems == []


def test_a_rule_of_law_provider_must_answer_the_agreement_announcement(make_deployment):
    from suyuan_core.plugins.checks import check

    d = make_deployment(extra_plugins={"acme_mediation": _vendor("rule_of_law")})
    assert ("pillar 'rule_of_law': plugin 'acme_mediation' does not implement "
            "suyuan_mediation_agreement_unperformed") in check(d).problems


def test_plugins_check_cli(make_deployment):
    d = make_deployment(plugins=["self_governance", "smart"])
    result = run_cli(d, "plugins", "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("3 plugins ok")


def test_pillar_docs_are_current():
    from suyuan_core.plugins.contracts import contracts_markdown

    assert (ROOT / "docs" / "pillars.md").read_text(encoding="utf-8") == contracts_markdown(), \
        "run: suyuan docs pillars > docs/pillars.md"
