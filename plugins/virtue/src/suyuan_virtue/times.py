"""Dates and times as the pillar stores them (naive UTC in the database, local days for people).

Kept small and local until the core's public time helpers land (issue 9)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from suyuan_core import Deployment, ValidationError


def tz(d: Deployment) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(d.config.core.deployment.timezone)


def today(d: Deployment) -> dt.date:
    return dt.datetime.now(tz(d)).date()


def now_db() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_db(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def from_db(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC)


def need_date(value: dt.date | str | None, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or value == "":
        raise ValidationError("a date is required", field=field, rule="required",
                              hint="YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not a date", field=field, rule="date",
                              hint="YYYY-MM-DD") from None


def strs(value: Iterable[Any]) -> tuple[str, ...]:
    """attrs converter: any iterable of texts → a tuple of str."""
    return tuple(str(v) for v in value)


def add_months(day: dt.date, months: int) -> dt.date:
    y, mth = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, mth + 1
    for d in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")
