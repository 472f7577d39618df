"""compact rollups: fewer cells, the plain figure in one ``*``/``*`` cell

What ``metrics/rollup.py`` now stores: every area from the community up a month cell summed over
category and source (``category = source = '*'``), towns and the county also a plain day cell and
their month cells per category × source; every other cell is gone (counted from the events on
demand). Every new cell is a sum of
cells already stored, so the rewrite is exact, in SQL, without replaying events; `suyuan metrics
verify` agrees afterwards.

Revision ID: c0009_rollup_cells
Revises: c0008_i14_chain_heads
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "c0009_rollup_cells"
down_revision: str | None = "c0008_i14_chain_heads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "metric, area_code, grain, period_start"
_ABOVE = "(SELECT code FROM areas WHERE level IN ('town', 'county', 'court'))"


def upgrade() -> None:
    # the plain ('*', '*') cell of every area and grain, summed from the detailed cells (added
    # to a plain cell that is already there: a database downgraded and written to since)
    op.execute(f"INSERT INTO metric_rollups ({_KEY}, category, source, num, den) "
               f"SELECT {_KEY}, '*', '*', SUM(num), SUM(den) FROM metric_rollups "
               f"WHERE category <> '*' GROUP BY {_KEY} "
               f"ON CONFLICT ({_KEY}, category, source) DO UPDATE SET "
               "num = metric_rollups.num + excluded.num, den = metric_rollups.den + excluded.den")
    # what is no longer stored: split day cells, a community's split cells and its day cells
    op.execute("DELETE FROM metric_rollups WHERE category <> '*' AND (grain = 'day' OR "
               f"area_code NOT IN {_ABOVE})")
    op.execute(f"DELETE FROM metric_rollups WHERE grain = 'day' AND area_code NOT IN {_ABOVE}")


def downgrade() -> None:
    # A town's or the county's plain month cell is the sum of its split cells, which the older
    # code sums itself. The other plain cells stay: the older code reads them right unsplit; its split
    # figures of those cells need `suyuan metrics rebuild` on the older code.
    op.execute(f"DELETE FROM metric_rollups WHERE category = '*' AND grain = 'month' AND "
               f"area_code IN {_ABOVE}")
