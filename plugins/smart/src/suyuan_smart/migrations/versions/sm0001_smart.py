"""smart pillar tables: alerts, alert events, duplicate proposals, learned terms, reports

Revision ID: sm0001_smart
Revises:
Create Date: 2026-11-26
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sm0001_smart"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("smart",)
depends_on: str | Sequence[str] | None = "c0001_core"

CaseId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "smart_alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("area_code", sa.String(64), nullable=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("case_id", CaseId, sa.ForeignKey("cases.id", name="fk_smart_alerts_case_id_cases"),
                  nullable=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("raised_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("key", name="uq_smart_alerts_key"),
    )
    op.create_index("ix_smart_alerts_area_code", "smart_alerts", ["area_code"])
    op.create_index("ix_smart_alerts_raised_at", "smart_alerts", ["raised_at"])
    op.create_table(
        "smart_alert_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer,
                  sa.ForeignKey("smart_alerts.id", name="fk_smart_alert_events_alert_id"),
                  nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_smart_alert_events_alert_id", "smart_alert_events", ["alert_id"])
    op.create_table(
        "smart_duplicates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", CaseId,
                  sa.ForeignKey("cases.id", name="fk_smart_duplicates_case_id_cases"),
                  nullable=False),
        sa.Column("candidate_id", CaseId,
                  sa.ForeignKey("cases.id", name="fk_smart_duplicates_candidate_id_cases"),
                  nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("proposed_at", sa.DateTime, nullable=False),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("case_id", "candidate_id", name="uq_smart_duplicates_pair"),
    )
    op.create_index("ix_smart_duplicates_case_id", "smart_duplicates", ["case_id"])
    op.create_table(
        "smart_terms",
        sa.Column("term", sa.String(64), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "smart_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("area_code", sa.String(64), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("fmt", sa.String(8), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("generated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("area_code", "period", "fmt", name="uq_smart_reports_area_period_fmt"),
    )


def downgrade() -> None:
    op.drop_table("smart_reports")
    op.drop_table("smart_terms")
    op.drop_index("ix_smart_duplicates_case_id", "smart_duplicates")
    op.drop_table("smart_duplicates")
    op.drop_index("ix_smart_alert_events_alert_id", "smart_alert_events")
    op.drop_table("smart_alert_events")
    op.drop_index("ix_smart_alerts_raised_at", "smart_alerts")
    op.drop_index("ix_smart_alerts_area_code", "smart_alerts")
    op.drop_table("smart_alerts")
