"""The README's promises: two commands, the CI calling the test command, docs covering the code."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from suyuan_core.cli.main import cli
from suyuan_core.config import CoreConfig

ROOT = Path(__file__).resolve().parent.parent


def quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```[a-z]*\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    demo, test = quick_start()
    assert demo == "./dev demo" and test == "./dev test"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^\./dev test$", ci, re.M)
    assert "SUYUAN_TEST_DATABASE_URL" in ci and "./dev check" in ci


def test_config_reference_covers_every_key():
    doc = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    defaults = CoreConfig()
    for section in attrs.fields(CoreConfig):
        assert f"`[{section.name}]`" in doc
        for field in attrs.fields(type(getattr(defaults, section.name))):
            assert f"| `{field.name}` |" in doc, f"{section.name}.{field.name} is undocumented"


def test_cli_reference_covers_every_command():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"`suyuan {name}" in doc, f"suyuan {name} is undocumented"


def test_api_reference_is_generated_and_current():
    from suyuan_core.cli.apidoc import api_markdown

    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert doc == api_markdown(), "regenerate: suyuan docs api > docs/api.md"


def test_every_public_service_method_and_helper_is_documented():
    from suyuan_core.cli.apidoc import undocumented

    assert undocumented() == []


def test_api_reference_covers_every_service_and_public_module():
    import suyuan_core
    from suyuan_core.cli.apidoc import SERVICES, api_markdown

    doc = api_markdown()
    for where, cls in SERVICES:
        assert f"### `{where}` — `{cls.__name__}`" in doc
    for module in suyuan_core.PUBLIC_MODULES:
        assert f"### `{module}`" in doc
    assert "| `supervisor` |" in doc and "`personal_data.unmask`" in doc
