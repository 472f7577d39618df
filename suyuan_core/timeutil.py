"""Times are aware in Python and naive UTC in the database (SQLite has no time zones)."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_db(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:  # entry points check suyuan_core.bounds first; this is the backstop
        from suyuan_core.errors import ValidationError

        raise ValidationError(f"{value.isoformat()} is outside the range suyuan stores",
                              field="time", rule="range", hint="give a time between 1901 and 2199") from None


def from_db(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.replace(tzinfo=dt.UTC)


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()
