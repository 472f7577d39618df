"""area paths compare bytewise, so a subtree filter is an index range

On PostgreSQL the path columns take ``COLLATE "C"`` (see ``suyuan_core/storage/paths.py``): under a
linguistic collation the range ``prefix <= path < upper(prefix)`` would not be the prefix match.
SQLite's default collation is already bytewise: nothing to do there.

Revision ID: c0005_area_paths_bytewise
Revises: c0004_rollups_from_community
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "c0005_area_paths_bytewise"
down_revision: str | None = "c0004_rollups_from_community"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("areas", "path"), ("cases", "area_path"), ("case_events", "area_path"))


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
