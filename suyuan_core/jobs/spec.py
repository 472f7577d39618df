"""What a plugin declares: a :class:`Job` — a name, how often, and the function that does it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import attrs

from suyuan_core.domain.labels import Label, label
from suyuan_core.errors import ValidationError

#: ``every``: a fixed interval (``"5m"``, ``"1h"``, ``"30m"``) or a calendar period.
PERIODS = ("day", "week", "month")
_INTERVAL = re.compile(r"^(\d+)(m|h)$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_AT = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _every(obj: object, attribute: attrs.Attribute[str], value: str) -> None:
    m = _INTERVAL.match(value)
    if value in PERIODS:
        return
    if m is None or int(m.group(1)) < 1 or (m.group(2) == "m" and 1440 % int(m.group(1)) != 0) or (
            m.group(2) == "h" and 24 % int(m.group(1)) != 0):
        raise ValidationError(f"every={value!r}: use 'Nm' or 'Nh' dividing a day evenly "
                              "(5m, 15m, 1h, 6h) or one of day, week, month",
                              field="Job.every", rule="interval")


def _name(obj: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _NAME.match(value) or len(value) > 100:
        raise ValidationError(f"job name {value!r} must be '<plugin>.<what>' in lower case "
                              "(e.g. smart.remind)", field="Job.name", rule="identifier")


def _at(obj: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and not _AT.match(value):
        raise ValidationError(f"at={value!r}: use HH:MM (local time)", field="Job.at", rule="time")


@attrs.frozen
class Job:
    """Work that runs by itself.

    ``run(deployment, slot)`` does the work for one *slot* — the start of the period it covers
    (an aware datetime in the deployment's time zone) — and returns a short summary (a dict or a
    line of text) that ``suyuan jobs`` shows. It may take a subset of those arguments. Raising
    marks the run failed; it is retried ``retries`` times, ``retry_minutes`` apart, and stays
    visible. The same (job, slot) never runs twice, even with several workers.

    ``every``: ``"15m"``/``"1h"``-style intervals that divide a day, or ``"day"``, ``"week"``
    (from Monday) or ``"month"``; ``at`` (``"HH:MM"``, local) shifts a calendar period's start,
    e.g. a weekly report ``every="week", at="07:30"``.
    """

    name: str = attrs.field(validator=_name)
    every: str = attrs.field(validator=_every)
    run: Callable[..., Any]
    label: Label = attrs.field(converter=label, default=attrs.Factory(
        lambda self: (self.name, self.name), takes_self=True))
    at: str | None = attrs.field(default=None, validator=_at)
    retries: int = attrs.field(default=3, validator=attrs.validators.and_(
        attrs.validators.ge(0), attrs.validators.le(20)))
    retry_minutes: int = attrs.field(default=5, validator=attrs.validators.and_(
        attrs.validators.ge(1), attrs.validators.le(1440)))
    provider: str = "suyuan_core"

    def slot(self, at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        return slot_of(self.every, at, tz, self.at)

    def next_slot(self, slot: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        """The start of the slot after ``slot``."""
        if self.every == "day":
            nxt = slot + dt.timedelta(days=1)
        elif self.every == "week":
            nxt = slot + dt.timedelta(days=7)
        elif self.every == "month":
            nxt = (slot.replace(day=28) + dt.timedelta(days=4)).replace(day=slot.day)
        else:
            return slot + _interval(self.every)
        return nxt.replace(tzinfo=None).replace(tzinfo=tz)


def _interval(every: str) -> dt.timedelta:
    m = _INTERVAL.match(every)
    assert m is not None
    n = int(m.group(1))
    return dt.timedelta(minutes=n) if m.group(2) == "m" else dt.timedelta(hours=n)


def slot_of(every: str, at: dt.datetime, tz: dt.tzinfo, start: str | None = None) -> dt.datetime:
    """The start of the slot ``at`` falls in (local time of ``tz``)."""
    local = at.astimezone(tz)
    if every not in PERIODS:
        step = int(_interval(every).total_seconds() // 60)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        minutes = (local.hour * 60 + local.minute) // step * step
        return (midnight.replace(tzinfo=None) + dt.timedelta(minutes=minutes)).replace(tzinfo=tz)
    hh, mm = (int(x) for x in (start or "00:00").split(":"))
    shifted = local - dt.timedelta(hours=hh, minutes=mm)
    day = shifted.date()
    if every == "week":
        day -= dt.timedelta(days=day.weekday())
    elif every == "month":
        day = day.replace(day=1)
    return dt.datetime.combine(day, dt.time(hh, mm), tz)
