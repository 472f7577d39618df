"""compact rollups: fewer cells, the plain figure in one ``*``/``*`` cell

What ``metrics/rollup.py`` now stores: town and county keep a day cell and a month cell summed
over category and source (``category = source = '*'``) and their month cells per category ×
source; communities keep their plain month cell only; day cells per category × source and a
community's split cells are gone (counted from the events on demand). Every new cell is a sum of
cells already stored, so the rewrite is exact, in SQL, without replaying events; `suyuan metrics
verify` agrees afterwards.

Revision ID: c0008_rollup_cells
Revises: c0007_i13_area_places
Create Date: 2026-12-03
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "c0008_rollup_cells"
down_revision: str | None = "c0007_i13_area_places"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "metric, area_code, grain, period_start"


def upgrade() -> None:
    # the plain ('*', '*') cell of every area and grain, summed from the detailed cells
    op.execute(f"INSERT INTO metric_rollups ({_KEY}, category, source, num, den) "
               f"SELECT {_KEY}, '*', '*', SUM(num), SUM(den) FROM metric_rollups "
               f"WHERE category <> '*' GROUP BY {_KEY}")
    op.execute("DELETE FROM metric_rollups WHERE category <> '*' AND (grain = 'day' OR "
               "area_code IN (SELECT code FROM areas WHERE level = 'community'))")
    op.execute("DELETE FROM metric_rollups WHERE grain = 'day' AND area_code IN "
               "(SELECT code FROM areas WHERE level = 'community')")


def downgrade() -> None:
    # The dropped cells cannot be summed back: `suyuan metrics rebuild` on the older code
    # writes them again.
    op.execute("DELETE FROM metric_rollups WHERE category = '*'")
