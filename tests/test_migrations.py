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
        core_head = status["suyuan_core"][1]
        assert "la0001_referrals" in result.stdout and f"suyuan_core {core_head}" in result.stdout
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


def test_rollups_below_the_community_are_dropped_by_c0004(make_deployment):
    """Databases written before c0004 kept grid rollups; the upgrade drops them and verify agrees."""
    from alembic import command
    from sqlalchemy import func, insert, select

    from suyuan_core.metrics.verify import verify
    from suyuan_core.storage import migrate
    from suyuan_core.tables import metric_rollups

    d = make_deployment()
    Factories(d).case("closed", area_code="C.T1.C1.G1")
    cfg = migrate.alembic_config(d.engine, d.migrations)
    with d.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "c0003_accounts")
        conn.execute(insert(metric_rollups).values(
            metric="cases_closed", area_code="C.T1.C1.G1", grain="month",
            period_start=__import__("datetime").date(2026, 1, 1), category="neighbour",
            source="walk_in", num=1, den=0))
    assert verify(d)[1]  # the stale grid row is a difference
    d.upgrade()
    with d.reading() as s:
        grid_rows = s.scalar(select(func.count()).select_from(metric_rollups)
                             .where(metric_rollups.c.area_code == "C.T1.C1.G1"))
    assert grid_rows == 0
    assert verify(d)[1] == []
