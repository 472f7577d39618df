"""The core's tables (typed SQLAlchemy 2 mappings). Public: plugins may reference these tables
(e.g. ``ForeignKey(tables.Case.__table__.c.id)``) but write them only through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from suyuan_core.storage.paths import AREA_PATH

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Integer ids that autoincrement on SQLite (INTEGER PRIMARY KEY) and are BIGINT on PostgreSQL.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class AreaRow(Base):
    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    #: materialised path "/county/town/…/code/" so a subtree is one prefix match.
    path: Mapped[str] = mapped_column(AREA_PATH, index=True)
    #: a GeoJSON Polygon or MultiPolygon (coordinates long, lat; WGS 84), if known.
    boundary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: the area's centre (e.g. the government seat), if known.
    centre_lat: Mapped[float | None] = mapped_column(Float)
    centre_long: Mapped[float | None] = mapped_column(Float)


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("source", "source_ref"),
        Index("ix_cases_area_path_status", "area_path", "status"),
        Index("ix_cases_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(64))
    source_ref: Mapped[str | None] = mapped_column(String(128))
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"))
    area_path: Mapped[str] = mapped_column(AREA_PATH)
    level: Mapped[str] = mapped_column(String(16))
    handling_area_code: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(32))
    satisfaction: Mapped[str | None] = mapped_column(String(32))
    parties: Mapped[list[Any]] = mapped_column(JSON, default=list)
    assignees: Mapped[list[Any]] = mapped_column(JSON, default=list)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: set by a ``merge`` event: this case is a duplicate of that one (and counts in no figure).
    merged_into: Mapped[int | None] = mapped_column(Id, index=True)


class CaseEventRow(Base):
    """Append-only. The case columns repeated here are the case as it was at the event, so that a
    metric formula, a drill-down or a verify is one pass over this table."""

    __tablename__ = "case_events"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        Index("ix_case_events_kind_occurred_at", "kind", "occurred_at"),
        Index("ix_case_events_area_path_occurred_at", "area_path", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    status_before: Mapped[str | None] = mapped_column(String(16))
    status_after: Mapped[str] = mapped_column(String(16))
    level_before: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    area_code: Mapped[str] = mapped_column(String(64))
    area_path: Mapped[str] = mapped_column(AREA_PATH)
    category: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    case_kind: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: SHA-256 of the previous event's digest and this event (a chain per case): an edited or
    #: removed event breaks it, and `suyuan integrity` names where (suyuan_core.integrity).
    digest: Mapped[str | None] = mapped_column(String(64))


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(64))
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), index=True)


class PersonRow(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(16))
    employment: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(32))
    capacity: Mapped[int] = mapped_column(Integer)
    specialities: Mapped[list[Any]] = mapped_column(JSON, default=list)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    active_from: Mapped[dt.date | None] = mapped_column(Date)
    active_to: Mapped[dt.date | None] = mapped_column(Date)


class PersonRoleRow(Base):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           primary_key=True)
    role: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class PersonAreaRow(Base):
    __tablename__ = "person_areas"

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), primary_key=True, index=True)


class MetricRollupRow(Base):
    """Running sums per metric × area × day or month × category × source; which cells are kept
    (``*`` = every category or source) is decided in ``metrics/rollup.py``."""

    __tablename__ = "metric_rollups"

    metric: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    grain: Mapped[str] = mapped_column(String(8), primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    num: Mapped[int] = mapped_column(BigInteger, default=0)
    den: Mapped[int] = mapped_column(BigInteger, default=0)


areas = cast(Table, AreaRow.__table__)
cases = cast(Table, CaseRow.__table__)
case_events = cast(Table, CaseEventRow.__table__)
organisations = cast(Table, OrganisationRow.__table__)
persons = cast(Table, PersonRow.__table__)
person_roles = cast(Table, PersonRoleRow.__table__)
person_areas = cast(Table, PersonAreaRow.__table__)
metric_rollups = cast(Table, MetricRollupRow.__table__)


# ---------------------------------------------------------------------------------------------
# Accounts (migration c0003_accounts): users, their area-scoped role grants, API tokens, web
# sessions, login throttling and the append-only audit log.
# ---------------------------------------------------------------------------------------------

class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    #: argon2id hash; None for a machine account that only uses API tokens.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    #: the roster member this account belongs to (``persons.external_id``), if any.
    person_external_id: Mapped[str | None] = mapped_column(String(128))
    #: what the account acts for, e.g. ``organisation:city_water`` (a handling unit's account
    #: signs for and returns that unit's orders only). None: the person themself.
    acts_for: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class UserGrantRow(Base):
    """A user holds ``role`` over the subtree of ``area_code``."""

    __tablename__ = "user_grants"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    role: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), primary_key=True)


class ApiTokenRow(Base):
    """Only the SHA-256 of a token is kept; the token itself is shown once, when made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class WebSessionRow(Base):
    """A signed-in browser. ``id`` is the SHA-256 of the session id in the (signed) cookie."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LoginFailureRow(Base):
    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class AccountSecretRow(Base):
    """Secrets the deployment makes for itself (the cookie signing key), shared by all workers."""

    __tablename__ = "account_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class AuditRow(Base):
    """Append-only (a trigger refuses UPDATE and DELETE): who did or read what, when, and why."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_actor_at", "actor", "at"),
        Index("ix_audit_log_record_at", "record", "at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    record: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: the audit log's own chain: SHA-256 of the previous entry's digest and this entry.
    digest: Mapped[str | None] = mapped_column(String(64))


class ChainHeadRow(Base):
    """Where each digest chain ends (``audit``, ``case:<id>``): written by triggers on every
    insert into ``audit_log`` and ``case_events`` (migration c0008), so a removed last row —
    which leaves a valid, shorter chain — still shows."""

    __tablename__ = "chain_heads"

    chain: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[str | None] = mapped_column(String(64))


# ``Table`` (not ``FromClause``) so that ``.insert()`` and ``update(...)`` type-check.
users = cast(Table, UserRow.__table__)
user_grants = cast(Table, UserGrantRow.__table__)
api_tokens = cast(Table, ApiTokenRow.__table__)
web_sessions = cast(Table, WebSessionRow.__table__)
login_failures = cast(Table, LoginFailureRow.__table__)
account_secrets = cast(Table, AccountSecretRow.__table__)
audit_log = cast(Table, AuditRow.__table__)
chain_heads = cast(Table, ChainHeadRow.__table__)


# ---------------------------------------------------------------------------------------------
# Scheduled work and notifications (migration c0006_i16_jobs_notifications).
# ---------------------------------------------------------------------------------------------

class JobRunRow(Base):
    """One run of a declared job for one slot. The unique (job, slot) is what keeps a slot from
    running twice across workers: the insert is the claim."""

    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("job", "slot"),
        Index("ix_job_runs_status_next_try_at", "status", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(100))
    #: the start of the period the run covers, ISO 8601 in the deployment's time zone.
    slot: Mapped[str] = mapped_column(String(40))
    #: running, succeeded, failed (a retry is due at ``next_try_at``) or gave_up.
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    next_try_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    summary: Mapped[Any] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text)


class NotificationRow(Base):
    """The outbox: who must be told what, through which channel, and what became of it."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_channel_recipient_read_at", "channel", "recipient", "read_at"),
        Index("ix_notifications_status_next_try_at", "status", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(Id, index=True)
    area_code: Mapped[str | None] = mapped_column(String(64))
    #: ``inbox`` (the web pages' in-app inbox) or a channel named in ``[notifications.channels]``.
    channel: Mapped[str] = mapped_column(String(64))
    #: the user name (inbox) or the channel's name (an outside channel posts to its group).
    recipient: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    #: pending, sent, failed (retried at ``next_try_at``) or gave_up.
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    next_try_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: the same message is queued once: (dedup) is unique when given (e.g. one reminder per
    #: deadline per recipient).
    dedup: Mapped[str | None] = mapped_column(String(300), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


job_runs = cast(Table, JobRunRow.__table__)
notifications = cast(Table, NotificationRow.__table__)
