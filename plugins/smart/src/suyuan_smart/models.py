"""The plugin's own tables (its own Alembic branch ``smart``). Case facts live in case events;
these hold what is not a case: alerts, duplicate proposals, learned terms, generated reports."""

from __future__ import annotations

import sqlalchemy as sa

from suyuan_core import tables

metadata = sa.MetaData()
CaseId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: 排查预警: one row per alert; ``key`` makes a scan idempotent.
alerts = sa.Table(
    "smart_alerts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=True, index=True),
    sa.Column("category", sa.String(64), nullable=True),
    sa.Column("case_id", CaseId, sa.ForeignKey(tables.cases.c.id), nullable=True),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("data", sa.JSON, nullable=False, default=dict),
    sa.Column("status", sa.String(16), nullable=False, default="open"),
    sa.Column("raised_at", sa.DateTime, nullable=False, index=True),
)

#: every change to an alert (raised, acknowledged, closed, note): append-only.
alert_events = sa.Table(
    "smart_alert_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.Integer, sa.ForeignKey("smart_alerts.id"), nullable=False,
              index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("occurred_at", sa.DateTime, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
)

#: duplicate proposals: ``case_id`` repeats ``candidate_id`` with ``score``.
duplicates = sa.Table(
    "smart_duplicates", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", CaseId, sa.ForeignKey(tables.cases.c.id), nullable=False, index=True),
    sa.Column("candidate_id", CaseId, sa.ForeignKey(tables.cases.c.id), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reasons", sa.JSON, nullable=False, default=list),
    sa.Column("status", sa.String(16), nullable=False, default="proposed"),
    sa.Column("proposed_at", sa.DateTime, nullable=False),
    sa.Column("decided_by", sa.String(128), nullable=True),
    sa.Column("decided_at", sa.DateTime, nullable=True),
    sa.UniqueConstraint("case_id", "candidate_id"),
)

#: what classification learned from confirmed categories: term × category counts.
terms = sa.Table(
    "smart_terms", metadata,
    sa.Column("term", sa.String(64), primary_key=True),
    sa.Column("category", sa.String(64), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

#: reports generated (on demand or on schedule), so a scheduled run skips what exists.
reports = sa.Table(
    "smart_reports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("area_code", sa.String(64), nullable=False),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("fmt", sa.String(8), nullable=False),
    sa.Column("path", sa.String(500), nullable=False),
    sa.Column("generated_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("area_code", "period", "fmt"),
)

#: messages back to the hotline platform (reply, completion, callback result): queued once per
#: event (``key`` = case:seq), pushed signed and/or exported to a file; each is kept with its fate.
platform_messages = sa.Table(
    "smart_platform_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("case_id", CaseId, sa.ForeignKey(tables.cases.c.id), nullable=False, index=True),
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
    sa.Index("ix_smart_platform_messages_status", "status", "next_try_at"),
)

#: 预防措施: what was done in an area to prevent disputes (a talk, a patrol, a notice, a meeting
#: with a unit), recorded for the analysis report of the period it was taken in.
prevention_measures = sa.Table(
    "smart_prevention_measures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("area_code", sa.String(64), sa.ForeignKey(tables.areas.c.code), nullable=False,
              index=True),
    sa.Column("taken_on", sa.Date, nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("category", sa.String(64), nullable=True),
    sa.Column("nature", sa.String(32), nullable=True),
    sa.Column("responsible", sa.String(200), nullable=True),
    sa.Column("case_ids", sa.JSON, nullable=False, default=list),
    sa.Column("recorded_by", sa.String(128), nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
)

#: the residents' page (/residents): one row per appeal filed there — the tracking code's hash
#: (the code itself is shown to the resident once, never stored), the Open311 request it became,
#: the photo it carried (re-encoded, EXIF stripped) and when the resident rated the result (once).
resident_appeals = sa.Table(
    "smart_resident_appeals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code_hash", sa.String(64), nullable=False),
    sa.Column("case_id", CaseId, sa.ForeignKey(tables.cases.c.id), nullable=False),
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
