"""`suyuan plugins new` writes a plugin whose own tests pass once it is installed."""

from __future__ import annotations

import os
import subprocess
import sys

from suyuan_core.testing import run_cli


def test_new_plugin_installs_and_passes_its_own_tests(tmp_path):
    target = tmp_path / "suyuan-family-codes"
    result = run_cli(None, "plugins", "new", "family_codes", "--dir", str(target),
                     "--label-zh", "家风家训", "--label-en", "Family codes", "--pillar", "virtue")
    assert result.exit_code == 0, result.output
    assert (target / "src/suyuan_family_codes/migrations/versions/family_codes_0001.py").exists()
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "--target", str(site), str(target)],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("SUYUAN_CONFIG", None)
    # litestar's current idioms: no deprecation warning from the generated routes
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-W", "error::DeprecationWarning", str(target / "tests")], cwd=target,
                         env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout
    for part in ("models.py", "api.py", "migrations/versions/family_codes_0001.py"):
        assert (target / "src/suyuan_family_codes" / part).exists()


def test_new_plugin_bad_input(tmp_path):
    bad = run_cli(None, "plugins", "new", "Family-Codes", "--dir", str(tmp_path / "x"))
    assert bad.exit_code == 1 and "not a plugin name" in bad.stderr
    assert not (tmp_path / "x").exists()
    (tmp_path / "y").mkdir()
    taken = run_cli(None, "plugins", "new", "ok", "--dir", str(tmp_path / "y"))
    assert taken.exit_code == 1 and "already exists" in taken.stderr
    pillar = run_cli(None, "plugins", "new", "ok", "--dir", str(tmp_path / "z"), "--pillar", "moon")
    assert pillar.exit_code == 1 and "not a pillar" in pillar.stderr
