"""The plugin's own table, in its own metadata (its own Alembic branch)."""

from __future__ import annotations

import sqlalchemy as sa

from suyuan_core import tables

metadata = sa.MetaData()

referrals = sa.Table(
    "labour_referrals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
              sa.ForeignKey(tables.cases.c.id), nullable=False, index=True),
    sa.Column("commission", sa.String(200), nullable=False),
    sa.Column("referred_at", sa.DateTime, nullable=False),
)
