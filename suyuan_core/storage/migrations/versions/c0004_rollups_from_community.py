"""rollups are kept from the community level up

Grids and micro-grids are counted from their events on demand (AreaTree.rollup_areas); their
rollup rows written before this revision are dropped so that `suyuan metrics verify` agrees.

Revision ID: c0004_rollups_from_community
Revises: c0003_accounts
Create Date: 2026-11-26
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "c0004_rollups_from_community"
down_revision: str | None = "c0003_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM metric_rollups WHERE area_code IN "
               "(SELECT code FROM areas WHERE level IN ('grid', 'micro_grid'))")


def downgrade() -> None:
    # Nothing to restore: `suyuan metrics rebuild` on the older code writes them again.
    pass
