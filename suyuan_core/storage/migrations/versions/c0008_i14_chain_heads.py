"""chain_heads: where each digest chain ends, kept by the database itself

A digest chain shows an edited or removed row, but not a removed *last* row: the chain that is
left is still a valid chain. ``chain_heads`` holds, per chain (``audit`` and ``case:<id>``), the
last row's number and digest, written by an AFTER INSERT trigger on ``audit_log`` and
``case_events``; ``suyuan integrity`` compares each chain's end with its head. The heads refuse
DELETE and any UPDATE that moves a head back, so cutting the tail of a chain means dropping
those triggers too. Rows already there get their heads here.

Revision ID: c0008_i14_chain_heads
Revises: c0007_i13_area_places
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0008_i14_chain_heads"
down_revision: str | None = "c0007_i13_area_places"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, the chain's name, the row's number in its chain)
SOURCES = (("audit_log", "'audit'", "id"), ("case_events", "'case:' || NEW.case_id", "seq"))


def upgrade() -> None:
    op.create_table(
        "chain_heads",
        sa.Column("chain", sa.String(40), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=True))
    op.execute("""INSERT INTO chain_heads (chain, seq, digest)
                  SELECT 'audit', id, digest FROM audit_log
                  WHERE id = (SELECT MAX(id) FROM audit_log)""")
    op.execute("""INSERT INTO chain_heads (chain, seq, digest)
                  SELECT 'case:' || e.case_id, e.seq, e.digest FROM case_events e
                  WHERE e.seq = (SELECT MAX(seq) FROM case_events m
                                 WHERE m.case_id = e.case_id)""")
    if op.get_bind().dialect.name == "postgresql":
        for table, chain, number in SOURCES:
            op.execute(f"""
                CREATE OR REPLACE FUNCTION {table}_head() RETURNS trigger AS $$
                BEGIN
                  INSERT INTO chain_heads (chain, seq, digest) VALUES ({chain}, NEW.{number},
                                                                       NEW.digest)
                  ON CONFLICT (chain) DO UPDATE SET seq = EXCLUDED.seq, digest = EXCLUDED.digest;
                  RETURN NULL;
                END; $$ LANGUAGE plpgsql""")
            op.execute(f"""CREATE TRIGGER {table}_head AFTER INSERT ON {table}
                           FOR EACH ROW EXECUTE FUNCTION {table}_head()""")
        op.execute("""
            CREATE OR REPLACE FUNCTION chain_heads_forward() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq OR NEW.chain <> OLD.chain THEN
                RAISE EXCEPTION 'chain_heads only move forward';
              END IF;
              RETURN NEW;
            END; $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER chain_heads_forward BEFORE UPDATE OR DELETE ON chain_heads
                       FOR EACH ROW EXECUTE FUNCTION chain_heads_forward()""")
    else:
        # INSERT OR REPLACE: a REPLACE fires no delete trigger (recursive triggers are off)
        for table, chain, number in SOURCES:
            op.execute(f"""CREATE TRIGGER {table}_head AFTER INSERT ON {table}
                           BEGIN INSERT OR REPLACE INTO chain_heads (chain, seq, digest)
                                 VALUES ({chain}, NEW.{number}, NEW.digest); END""")
        op.execute("""CREATE TRIGGER chain_heads_no_delete BEFORE DELETE ON chain_heads
                       BEGIN SELECT RAISE(ABORT, 'chain_heads only move forward'); END""")
        op.execute("""CREATE TRIGGER chain_heads_no_rewind BEFORE UPDATE ON chain_heads
                       WHEN NEW.seq < OLD.seq OR NEW.chain <> OLD.chain
                       BEGIN SELECT RAISE(ABORT, 'chain_heads only move forward'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, _, _ in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_head ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_head()")
        op.execute("DROP TRIGGER IF EXISTS chain_heads_forward ON chain_heads")
        op.execute("DROP FUNCTION IF EXISTS chain_heads_forward()")
    else:
        for table, _, _ in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_head")
    op.drop_table("chain_heads")
