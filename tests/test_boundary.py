"""The plugin boundary is an allowlist generated from ``suyuan_core.PUBLIC_MODULES``: CI's
import contract, the check of the repository's plugins' tests, and ``suyuan plugins check`` for
any installed plugin all come from it."""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path

import suyuan_core
from suyuan_core import PluginSpec
from suyuan_core.plugins import boundary
from suyuan_core.testing import run_cli

ROOT = Path(__file__).resolve().parent.parent


def repo_packages() -> list[Path]:
    return sorted(p for p in [*ROOT.glob("plugins/*/src/*"), *ROOT.glob("examples/*/src/*")]
                  if p.is_dir() and (p / "__init__.py").exists())


def test_importlinter_is_generated_from_the_public_api():
    names = [p.name for p in repo_packages()]
    want = boundary.importlinter_config(names)
    have = (ROOT / ".importlinter").read_text(encoding="utf-8")
    assert have == want, ("regenerate: suyuan plugins contract " + " ".join(sorted(names))
                          + " > .importlinter")


def test_every_internal_module_is_forbidden_by_default():
    internal = boundary.internal_modules()
    assert "suyuan_core.demo" in internal and "suyuan_core.cases" in internal
    for public in suyuan_core.PUBLIC_MODULES:
        assert public not in internal
        assert boundary.allowed(public) and boundary.allowed(public + ".anything")
    assert boundary.allowed("suyuan_core") and not boundary.allowed("suyuan_core.web")


def test_the_repositorys_plugins_and_their_tests_keep_the_boundary():
    packages = repo_packages()
    names = [p.name for p in packages]
    problems = []
    for package in packages:
        files = boundary.plugin_files(package)
        assert any("tests" in f.parts for f in files), f"{package}: its tests are not checked"
        problems += boundary.violations(files, package.name, names)
    assert not problems, "\n".join(map(str, problems))


def test_plugins_check_reports_an_import_of_a_core_internal(make_deployment, tmp_path,
                                                            monkeypatch):
    dist = tmp_path / "suyuan-leaky"
    package = dist / "src" / "suyuan_leaky"
    package.mkdir(parents=True)
    (dist / "pyproject.toml").write_text("[project]\nname = 'suyuan-leaky'\n", encoding="utf-8")
    (package / "__init__.py").write_text(textwrap.dedent("""\
        from suyuan_core import PluginSpec
        from suyuan_core.cases.service import CaseService

        plugin = PluginSpec(label=("漏", "Leaky"))
        """), encoding="utf-8")
    (dist / "tests").mkdir()
    (dist / "tests" / "test_leaky.py").write_text("from suyuan_core import demo\n",
                                                  encoding="utf-8")
    # installed as a third party's plugin is: a distribution with a ``suyuan`` entry point
    info = dist / "src" / "suyuan_leaky-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: suyuan-leaky\nVersion: 0.1\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text("[suyuan]\nleaky = suyuan_leaky\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(dist / "src"))
    assert isinstance(importlib.import_module("suyuan_leaky").plugin, PluginSpec)
    d = make_deployment(plugins=["leaky"])
    result = run_cli(d, "plugins", "check")
    assert result.exit_code == 1
    assert "suyuan_leaky/__init__.py:2: imports suyuan_core.cases.service" in result.stderr
    assert "test_leaky.py:1: imports suyuan_core.demo" in result.stderr
    assert "Traceback" not in result.output


def test_plugins_check_passes_a_plugin_on_the_public_api(make_deployment):
    d = make_deployment(plugins=["smart", "self_governance"])
    result = run_cli(d, "plugins", "check")
    assert result.exit_code == 0, result.output
