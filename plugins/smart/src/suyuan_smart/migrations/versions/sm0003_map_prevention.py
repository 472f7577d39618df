"""smart: prevention measures (预防措施) recorded for the analysis report

Revision ID: sm0003_map_prevention
Revises: sm0002_platform
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sm0003_map_prevention"
down_revision: str | None = "sm0002_platform"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "smart_prevention_measures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("area_code", sa.String(64), sa.ForeignKey("areas.code"), nullable=False),
        sa.Column("taken_on", sa.Date, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("nature", sa.String(32), nullable=True),
        sa.Column("responsible", sa.String(200), nullable=True),
        sa.Column("case_ids", sa.JSON, nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_smart_prevention_measures_area_code", "smart_prevention_measures",
                    ["area_code"])
    op.create_index("ix_smart_prevention_measures_taken_on", "smart_prevention_measures",
                    ["taken_on"])


def downgrade() -> None:
    op.drop_index("ix_smart_prevention_measures_taken_on", "smart_prevention_measures")
    op.drop_index("ix_smart_prevention_measures_area_code", "smart_prevention_measures")
    op.drop_table("smart_prevention_measures")
