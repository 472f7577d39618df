"""areas.boundary, areas.centre_lat/centre_long: where an area is, so a report with a point can
be located to the smallest area holding it

Revision ID: c0007_i13_area_places
Revises: c0006_i16_jobs_notifications
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0007_i13_area_places"
down_revision: str | None = "c0006_i16_jobs_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# plain ALTER TABLE (SQLite ≥ 3.35 adds and drops columns itself): a batch copy of ``areas``
# would trip the foreign keys that point at it
def upgrade() -> None:
    op.add_column("areas", sa.Column("boundary", sa.JSON(), nullable=True))
    op.add_column("areas", sa.Column("centre_lat", sa.Float(), nullable=True))
    op.add_column("areas", sa.Column("centre_long", sa.Float(), nullable=True))


def downgrade() -> None:
    for name in ("centre_long", "centre_lat", "boundary"):
        op.drop_column("areas", name)
