"""Time as the core handles it, for plugins to handle it the same way (public).

Times are **aware** in Python and **naive UTC** in the database (SQLite has no time zones, and
one convention for every table lets a plugin's rows be compared with the core's). Days and
periods are **local** to the deployment (``[deployment] timezone``, e.g. Asia/Shanghai): a case
reported at 23:30 local time on 3 May counts on 3 May, whatever UTC says.

* :func:`to_db` / :func:`from_db`: aware ↔ naive UTC, at the database's edge.
* :func:`iso`: the ISO 8601 text every API response uses (always in UTC, ``+00:00``).
* :func:`parse_datetime` / :func:`parse_date`: input from a form, a JSON body or a CSV cell, with
  a :class:`~suyuan_core.ValidationError` naming the field when it is not a time or has no zone.
* :func:`zone`, :func:`local_date`, :func:`today`, :func:`local_time`, :func:`period_of`: the
  deployment's local day and period.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache
from typing import TYPE_CHECKING, overload

from suyuan_core.errors import ValidationError
from suyuan_core.metrics.periods import Period

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

__all__ = ["from_db", "iso", "local_date", "local_time", "not_future", "now", "parse_date", "parse_datetime",
           "period_of", "standing_day", "to_db", "today", "zone"]


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


@overload
def to_db(value: dt.datetime) -> dt.datetime: ...
@overload
def to_db(value: None) -> None: ...
def to_db(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time as the database stores it: naive UTC. A naive time is refused (it has no
    zone to convert from) rather than silently taken as local or UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"to_db needs an aware datetime, got naive {value!r}")
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:  # entry points check suyuan_core.bounds first; this is the backstop
        from suyuan_core.errors import ValidationError

        raise ValidationError(f"{value.isoformat()} is outside the range suyuan stores",
                              field="time", rule="range",
                              hint="give a time between 1901 and 2199") from None


@overload
def from_db(value: dt.datetime) -> dt.datetime: ...
@overload
def from_db(value: None) -> None: ...
def from_db(value: dt.datetime | None) -> dt.datetime | None:
    """A time read from the database (naive UTC) as an aware UTC time."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 text in UTC (``2026-05-03T01:30:00+00:00``), as every response of the API shows
    times; ``None`` stays ``None``. Converts to UTC first, so a local time and its UTC twin give
    the same text."""
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def parse_datetime(value: dt.datetime | str, field: str = "time") -> dt.datetime:
    """An aware time from ISO 8601 text (or a datetime); 422 naming ``field`` when the text is
    not a time or has no zone (``2026-05-03T09:30+08:00``): a naive time would be ambiguous."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(f"{value!r} is not a date-time (ISO 8601)", field=field,
                                  rule="datetime", hint="e.g. 2026-05-03T09:30+08:00") from None
    if not isinstance(value, dt.datetime):
        raise ValidationError(f"{value!r} is not a date-time", field=field, rule="datetime",
                              hint="e.g. 2026-05-03T09:30+08:00")
    if value.tzinfo is None:
        raise ValidationError("needs a time zone, e.g. 2026-05-03T09:30+08:00", field=field,
                              rule="aware_datetime", hint="add +08:00 (or Z for UTC)")
    return value


def parse_date(value: dt.date | str, field: str = "date") -> dt.date:
    """A calendar day from ``YYYY-MM-DD`` text (or a date; a datetime gives its own date); 422
    naming ``field`` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{value!r} is not a date (YYYY-MM-DD)", field=field,
                              rule="date", hint="e.g. 2026-05-03") from None


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def zone(d: Deployment) -> zoneinfo.ZoneInfo:
    """The deployment's time zone (``[deployment] timezone``)."""
    return _zone(d.config.core.deployment.timezone)


def local_date(d: Deployment, at: dt.datetime) -> dt.date:
    """The deployment's local day of ``at`` (an aware time): the day figures count it on."""
    return at.astimezone(zone(d)).date()


def today(d: Deployment) -> dt.date:
    """Today in the deployment's time zone."""
    return local_date(d, now())


def not_future(d: Deployment, day: dt.date, field: str,
               hint: str = "date it today or earlier") -> dt.date:
    """``day``, or a 422 naming ``field`` when it lies after the deployment's today (what has
    happened is recorded once it has happened). Declare the field
    ``inputs.accepts(not_future=True)`` so the OpenAPI document says so too."""
    if day > today(d):
        raise ValidationError(f"{day.isoformat()} is in the future", field=field,
                              rule="not_future", hint=hint)
    return day


def local_time(d: Deployment, day: dt.date, at: dt.time = dt.time(12)) -> dt.datetime:
    """An aware time on a local ``day`` (noon unless ``at`` says otherwise): to date an event
    someone reports only by its day."""
    return dt.datetime.combine(day, at, zone(d))


def period_of(d: Deployment, grain: str, at: dt.datetime | dt.date) -> Period:
    """The period (``day``/``week``/``month``/``quarter``/``year``) holding ``at``'s local day,
    as the metrics count it."""
    day = local_date(d, at) if isinstance(at, dt.datetime) else at
    return Period.containing(grain, day)


def standing_day(d: Deployment, period: Period) -> dt.date:
    """The day a standing figure (how many communities have an advisor, which issues are overdue)
    is taken on for ``period``: its last day, or today while the period is still running — so
    last May's figure stays last May's."""
    return min(period.end - dt.timedelta(days=1), today(d))
