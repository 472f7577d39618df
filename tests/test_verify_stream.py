"""``metrics verify`` streams a month at a time and checks slices (issue 15 point 4)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from suyuan_core import Period
from suyuan_core.metrics.verify import verify
from suyuan_core.tables import metric_rollups
from suyuan_core.testing import run_cli

JAN = dt.datetime(2026, 1, 15, 3, tzinfo=dt.UTC)
MAR = dt.datetime(2026, 3, 10, 3, tzinfo=dt.UTC)


def _history(factories):
    factories.case("closed", at=JAN, area_code="C.T1.C1.G1")
    factories.case("closed", at=MAR, area_code="C.T2.C2")
    factories.case("in_progress", at=MAR, area_code="C.T1.C2.G2.M1")


def _tamper(d, area: str, month: dt.date) -> None:
    r = metric_rollups.c
    with d.transaction() as s:
        done = s.execute(update(metric_rollups).where(
            r.metric == "cases_closed", r.area_code == area, r.grain == "month",
            r.period_start == month, r.category == "*").values(num=r.num + 1))
        assert done.rowcount == 1


def test_slices_agree_with_the_whole(deployment, factories):
    _history(factories)
    counts, diffs = verify(deployment)
    assert diffs == [] and counts["cases"] == 3 and counts["rollups"] > 0
    town, town_diffs = verify(deployment, area_code="C.T1")
    assert town_diffs == [] and town["cases"] == 2 and 0 < town["rollups"] < counts["rollups"]
    march, march_diffs = verify(deployment, period=Period("month", dt.date(2026, 3, 1)))
    assert march_diffs == [] and 0 < march["rollups"] < counts["rollups"]


def test_a_tampered_cell_is_found_by_its_slice_only(deployment, factories):
    _history(factories)
    _tamper(deployment, "C.T1", dt.date(2026, 1, 1))
    whole = verify(deployment)[1]
    assert len(whole) == 1 and whole[0].key.startswith("cases_closed/C.T1/month/2026-01-01/")
    assert verify(deployment, area_code="C.T1")[1] == whole
    assert verify(deployment, area_code="C.T2")[1] == []  # another town's subtree is clean
    assert verify(deployment, period=Period("month", dt.date(2026, 3, 1)))[1] == []
    assert verify(deployment, period=Period("quarter", dt.date(2026, 1, 1)))[1] == whole


def test_verify_cli_slices_and_progress(deployment, factories):
    _history(factories)
    ok = run_cli(deployment, "metrics", "verify", "--area", "C.T2", "--period", "2026-Q1")
    assert ok.exit_code == 0, ok.output
    assert "verify: ok" in ok.stdout and "rollups 2026-03" in ok.stderr
    _tamper(deployment, "C.T2", dt.date(2026, 3, 1))
    bad = run_cli(deployment, "metrics", "verify", "--period", "2026-03", "--quiet")
    assert bad.exit_code == 1 and "DIFFERENT rollup cases_closed/C.T2/month/2026-03-01" in bad.stderr
    assert "checked" not in bad.stderr
    unknown = run_cli(deployment, "metrics", "verify", "--area", "NOPE")
    assert unknown.exit_code != 0 and "Traceback" not in unknown.output
