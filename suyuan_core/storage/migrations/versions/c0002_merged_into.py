"""cases.merged_into: a duplicate merged into another case

Revision ID: c0002_merged_into
Revises: c0001_core
Create Date: 2026-11-26
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0002_merged_into"
down_revision: str | None = "c0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("merged_into", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                                     nullable=True))
    op.create_index("ix_cases_merged_into", "cases", ["merged_into"])


def downgrade() -> None:
    op.drop_index("ix_cases_merged_into", "cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("merged_into")
