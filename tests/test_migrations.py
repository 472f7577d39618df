"""Alembic: the core's branch plus one branch per plugin, applied together or later."""

from __future__ import annotations

from sqlalchemy import inspect

from suyuan_core import Deployment
from suyuan_core.testing import Factories, run_cli
from suyuan_core.testing.kit import dump_toml


def test_enabling_a_plugin_later_and_upgrading_again(make_deployment):
    core_only = make_deployment()
    case = Factories(core_only).case("accepted")
    assert "labour_referrals" not in inspect(core_only.engine).get_table_names()

    path = core_only.config.path
    data = {"deployment": {"database": core_only.config.core.deployment.database},
            "plugins": {"enabled": ["labour_arbitration"]}}
    path.write_text(dump_toml(data), encoding="utf-8")
    later = Deployment.from_file(path)
    try:
        status = later.migration_status()
        assert status["labour_arbitration"] == (None, "la0001_referrals")
        check = run_cli(later, "plugins", "check")
        assert check.exit_code == 1 and "run `suyuan db upgrade`" in check.stderr
        result = run_cli(later, "db", "upgrade")
        assert result.exit_code == 0, result.output
        assert "la0001_referrals" in result.stdout and "c0003_accounts" in result.stdout
        assert "labour_referrals" in inspect(later.engine).get_table_names()
        assert later.migration_status()["labour_arbitration"] == ("la0001_referrals",) * 2
        assert later.cases.get(case.id).status.value == "accepted"  # data kept
        again = run_cli(later, "db", "upgrade")  # idempotent
        assert again.exit_code == 0
        assert run_cli(later, "plugins", "check").exit_code == 0
    finally:
        later.close()


def test_db_status_lists_each_branch(make_deployment):
    d = make_deployment(plugins=["labour_arbitration"])
    result = run_cli(d, "db", "status")
    assert result.exit_code == 0
    assert "suyuan_core" in result.stdout and "labour_arbitration" in result.stdout


def test_commands_on_a_database_not_upgraded_say_so(make_deployment):
    d = make_deployment(upgrade=False)
    result = run_cli(d, "cases", "show", "1")
    assert result.exit_code == 1
    assert "suyuan db upgrade" in result.stderr and "Traceback" not in result.output
