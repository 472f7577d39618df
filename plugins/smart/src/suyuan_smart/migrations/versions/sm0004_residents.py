"""smart: appeals filed on the residents' page (tracking code hash, photo, rating once)

Revision ID: sm0004_residents
Revises: sm0003_map_prevention
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sm0004_residents"
down_revision: str | None = "sm0003_map_prevention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CaseId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "smart_resident_appeals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("case_id", CaseId, sa.ForeignKey(
            "cases.id", name="fk_smart_resident_appeals_case_id_cases"), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("filed_at", sa.DateTime, nullable=False),
        sa.Column("photo_key", sa.String(64), nullable=True),
        sa.Column("photo", sa.LargeBinary, nullable=True),
        sa.Column("rated_at", sa.DateTime, nullable=True),
        sa.Column("rating", sa.String(32), nullable=True),
        sa.UniqueConstraint("code_hash", name="uq_smart_resident_appeals_code_hash"),
        sa.UniqueConstraint("case_id", name="uq_smart_resident_appeals_case_id"),
        sa.UniqueConstraint("photo_key", name="uq_smart_resident_appeals_photo_key"),
    )


def downgrade() -> None:
    op.drop_table("smart_resident_appeals")
