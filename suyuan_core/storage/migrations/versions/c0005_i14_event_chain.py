"""case events append-only in the database, and a digest chain over case events and the audit log

Adds ``digest`` to ``case_events`` and ``audit_log``, fills it for the rows already there (a
chain per case, and one over the audit log in id order), and puts on ``case_events`` the same
triggers ``audit_log`` has: UPDATE and DELETE are refused by the database itself.

Revision ID: c0005_i14_event_chain
Revises: c0005_area_paths_bytewise
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0005_i14_event_chain"
down_revision: str | None = "c0005_area_paths_bytewise"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from suyuan_core import integrity

    op.add_column("case_events", sa.Column("digest", sa.String(64), nullable=True))
    op.add_column("audit_log", sa.Column("digest", sa.String(64), nullable=True))
    bind = op.get_bind()
    integrity.backfill(bind, "case_events")
    _drop_append_only("audit_log")
    integrity.backfill(bind, "audit_log")
    _append_only("audit_log")
    _append_only("case_events")


def downgrade() -> None:
    _drop_append_only("case_events")
    _drop_append_only("audit_log")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("digest")
    with op.batch_alter_table("case_events") as batch_op:
        batch_op.drop_column("digest")
    _append_only("audit_log")


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql""")
        op.execute(f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                       FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""")
    else:
        for what in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER {table}_no_{what.lower()} BEFORE {what} ON {table}
                           BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""")


def _drop_append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    else:
        for what in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{what}")
