"""The bare baselines' tables: plain copies of ``cases`` and ``case_events`` (same columns, same
types, same unique constraints and indexes, a foreign key from event to case) plus a bare rollup
table, in the same SQLite file as suyuan's own tables. No services, no hooks, no rollups: what a
hand-written SQLAlchemy application would write for "a case and its event"."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Id = BigInteger().with_variant(Integer(), "sqlite")


class Bare(DeclarativeBase):
    metadata = MetaData()
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class BareCase(Bare):
    __tablename__ = "bare_cases"
    __table_args__ = (
        UniqueConstraint("source", "source_ref", name="uq_bare_cases_source_ref"),
        Index("ix_bare_cases_area_path_status", "area_path", "status"),
        Index("ix_bare_cases_status_deadline", "status", "deadline"),
        Index("ix_bare_cases_category", "category"),
        Index("ix_bare_cases_reported_at", "reported_at"),
        Index("ix_bare_cases_merged_into", "merged_into"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    source_ref: Mapped[str | None] = mapped_column(String(128))
    area_code: Mapped[str] = mapped_column(String(64))
    area_path: Mapped[str] = mapped_column(String(512))
    level: Mapped[str] = mapped_column(String(16))
    handling_area_code: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(32))
    satisfaction: Mapped[str | None] = mapped_column(String(32))
    parties: Mapped[list[Any]] = mapped_column(JSON, default=list)
    assignees: Mapped[list[Any]] = mapped_column(JSON, default=list)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    merged_into: Mapped[int | None] = mapped_column(Id)


class BareEvent(Bare):
    __tablename__ = "bare_events"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_bare_events_case_seq"),
        Index("ix_bare_events_kind_occurred_at", "kind", "occurred_at"),
        Index("ix_bare_events_area_path_occurred_at", "area_path", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("bare_cases.id"))
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
    area_path: Mapped[str] = mapped_column(String(512))
    category: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    case_kind: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[dt.datetime | None] = mapped_column(DateTime)


class BareRollup(Bare):
    """The simplest rollup a hand-written dashboard would keep: one row per metric × area ×
    month, the figure's numerator and denominator already summed."""

    __tablename__ = "bare_rollups"

    metric: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    num: Mapped[int] = mapped_column(BigInteger)
    den: Mapped[int] = mapped_column(BigInteger)


class BareRollupFull(Bare):
    """A copy of suyuan's ``metric_rollups`` (same key): for the bulk comparison in which the bare
    side writes the rollup rows too."""

    __tablename__ = "bare_rollups_full"

    metric: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    grain: Mapped[str] = mapped_column(String(8), primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    num: Mapped[int] = mapped_column(BigInteger, default=0)
    den: Mapped[int] = mapped_column(BigInteger, default=0)


bare_rollups_full = BareRollupFull.__table__
bare_cases = BareCase.__table__
bare_events = BareEvent.__table__
bare_rollups = BareRollup.__table__


def reset(engine: Engine, *tables: Any) -> None:
    """Drop and recreate the given bare tables (all of them when none is given)."""
    chosen = list(tables) or None
    Bare.metadata.drop_all(engine, tables=chosen)
    Bare.metadata.create_all(engine, tables=chosen)
