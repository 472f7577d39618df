"""docs/tutorial.md is executed: its code blocks are the files of a plugin, which is installed
and must pass its own tests (with deprecation warnings as errors)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def blocks() -> dict[str, str]:
    text = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    return {path: code for path, code in
            re.findall(r"^```[a-z]+ file=(\S+)\n(.*?)^```$", text, re.S | re.M)}


def test_the_tutorial_builds_a_plugin_that_passes_its_tests(tmp_path):
    files = blocks()
    assert {"pyproject.toml", "src/suyuan_property_mediation/__init__.py",
            "tests/test_property_mediation.py"} <= set(files)
    target = tmp_path / "suyuan-property-mediation"
    for path, code in files.items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_text(code, encoding="utf-8")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "--target", str(site), str(target)],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("SUYUAN_CONFIG", None)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-W", "error::DeprecationWarning", str(target / "tests")], cwd=target,
                         env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout
