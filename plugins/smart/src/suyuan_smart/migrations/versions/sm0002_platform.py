"""smart: messages back to the hotline platform (reply, completion, callback result)

Revision ID: sm0002_platform
Revises: sm0001_smart
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sm0002_platform"
down_revision: str | None = "sm0001_smart"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CaseId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "smart_platform_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("case_id", CaseId, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("next_try_at", sa.DateTime, nullable=True),
        sa.Column("sent_at", sa.DateTime, nullable=True),
        sa.Column("exported_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("key", name="uq_smart_platform_messages_key"),
    )
    op.create_index("ix_smart_platform_messages_case_id", "smart_platform_messages", ["case_id"])
    op.create_index("ix_smart_platform_messages_status", "smart_platform_messages",
                    ["status", "next_try_at"])


def downgrade() -> None:
    op.drop_table("smart_platform_messages")
