"""labour_referrals table

Revision ID: la0001_referrals
Revises:
Create Date: 2026-11-26
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "la0001_referrals"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("labour_arbitration",)
depends_on: str | Sequence[str] | None = "c0001_core"


def upgrade() -> None:
    op.create_table(
        "labour_referrals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("cases.id", name="fk_labour_referrals_case_id_cases"),
                  nullable=False),
        sa.Column("commission", sa.String(200), nullable=False),
        sa.Column("referred_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_labour_referrals_case_id", "labour_referrals", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_labour_referrals_case_id", "labour_referrals")
    op.drop_table("labour_referrals")
