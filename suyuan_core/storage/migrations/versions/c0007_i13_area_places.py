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


def upgrade() -> None:
    with op.batch_alter_table("areas") as batch:
        batch.add_column(sa.Column("boundary", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("centre_lat", sa.Float(), nullable=True))
        batch.add_column(sa.Column("centre_long", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("areas") as batch:
        batch.drop_column("centre_long")
        batch.drop_column("centre_lat")
        batch.drop_column("boundary")
