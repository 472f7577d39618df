"""the pillar's area-path columns compare bytewise (``COLLATE "C"`` on PostgreSQL), so the
core's ``tables.under`` subtree filter is an index range on them too

Revision ID: sg0002_paths_bytewise
Revises: sg0001_initial
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "sg0002_paths_bytewise"
down_revision: str | None = "sg0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("sg_patrols", "grid_path"), ("sg_sunday_events", "area_path"))


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar(512) '
                   f'COLLATE "{collation}"')


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate("default")
