"""Reporting periods in the deployment's time zone: day, week (Mon–Sun), month, quarter, year."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import attrs

from suyuan_core import bounds
from suyuan_core.errors import ValidationError

GRAINS = ("day", "week", "month", "quarter", "year")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@attrs.frozen
class Period:
    """A half-open span of local days ``[start, end)``, with its grain."""

    grain: str
    start: dt.date

    @property
    def end(self) -> dt.date:
        if self.grain == "day":
            return self.start + dt.timedelta(days=1)
        if self.grain == "week":
            return self.start + dt.timedelta(days=7)
        return _add_months(self.start, {"month": 1, "quarter": 3, "year": 12}[self.grain])

    @classmethod
    def containing(cls, grain: str, day: dt.date) -> Period:
        if grain == "day":
            return cls(grain, day)
        if grain == "week":
            return cls(grain, day - dt.timedelta(days=day.weekday()))
        if grain == "month":
            return cls(grain, month_start(day))
        if grain == "quarter":
            return cls(grain, dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))
        if grain == "year":
            return cls(grain, dt.date(day.year, 1, 1))
        raise ValidationError(f"{grain!r} is not a period", field="period", rule="one_of",
                              hint="use day, week, month, quarter or year")

    def previous(self, n: int = 1) -> Period:
        p = self
        for _ in range(n):
            p = Period.containing(self.grain, p.start - dt.timedelta(days=1))
        return p

    def rollup_keys(self) -> tuple[str, list[dt.date]]:
        """Which rollup rows make up this period: days for day/week, months for the rest."""
        if self.grain in ("day", "week"):
            days = (self.end - self.start).days
            return "day", [self.start + dt.timedelta(days=i) for i in range(days)]
        months = {"month": 1, "quarter": 3, "year": 12}[self.grain]
        return "month", [_add_months(self.start, i) for i in range(months)]

    def __str__(self) -> str:
        s = self.start
        return {"day": s.isoformat(), "week": f"{s.isocalendar()[0]}-W{s.isocalendar()[1]:02d}",
                "month": f"{s:%Y-%m}", "quarter": f"{s.year}-Q{(s.month - 1) // 3 + 1}",
                "year": str(s.year)}[self.grain]


def _years(low: int, high: int) -> str:
    """A regex of the years ``low`` … ``high`` (whole centuries as ``19[0-9]{2}``)."""
    parts, year = [], low
    while year <= high:
        if year % 100 == 0 and year + 99 <= high:
            parts.append(f"{year // 100}[0-9]{{2}}")
            year += 100
        else:
            parts.append(str(year))
            year += 1
    return "|".join(parts)


def period_pattern(*grains: str, years: tuple[int, int] | None = None) -> str:
    """Exactly the periods of ``grains`` (default: all) :func:`parse_period` takes, as one regex
    (a JSON Schema ``pattern``): real days (29 February in leap years only), ISO weeks (W53 only
    in the years that have one), months, quarters and years, all within :data:`bounds.YEARS`;
    ASCII digits only. A route that takes only weeks and months says
    ``period_pattern("week", "month")``; ``years`` narrows the span (inclusive)."""
    low, high = years or bounds.YEARS
    span = range(low, high + 1)
    year = f"(?:{_years(low, high)})"
    leap = "|".join(str(y) for y in span if calendar.isleap(y))
    long = "|".join(str(y) for y in span if dt.date(y, 12, 28).isocalendar()[1] == 53)
    month = "(?:0[1-9]|1[0-2])"
    day = (f"{year}-{month}-(?:0[1-9]|1[0-9]|2[0-8])|{year}-(?:0[13-9]|1[0-2])-(?:29|30)"
           f"|{year}-(?:0[13578]|1[02])-31|(?:{leap})-02-29")
    week = f"{year}-W(?:0[1-9]|[1-4][0-9]|5[0-2])|(?:{long})-W53"
    forms = {"day": day, "week": week, "month": f"{year}-{month}", "quarter": f"{year}-Q[1-4]",
             "year": year}
    return "^(?:" + "|".join(forms[g] for g in grains or GRAINS) + ")$"


def _days_to(last: int) -> str:
    """A regex of the two-digit days ``01`` … ``last``."""
    parts = ["0[1-9]" if last >= 9 else f"0[1-{last}]"]
    for tens in range(1, last // 10 + 1):
        parts.append(f"{tens}[0-9]" if tens < last // 10 else f"{tens}[0-{last % 10}]")
    return "(?:" + "|".join(parts) + ")"


def days_up_to(last: dt.date) -> str:
    """Exactly the real days from the first counted year (:data:`bounds.YEARS`) up to ``last``,
    as one regex: the ``pattern`` the OpenAPI document gives a day that may not lie in the
    future (``inputs.accepts(not_future=True)``), computed for the deployment's today when the
    document is served. No look-arounds, so any JSON Schema tool can generate from it."""
    low = bounds.YEARS[0]
    parts = []
    if last.year > low:
        parts.append(period_pattern("day", years=(low, last.year - 1))[4:-2])
    for month in range(1, last.month):
        days = calendar.monthrange(last.year, month)[1]
        parts.append(f"{last.year}-{month:02d}-{_days_to(days)}")
    parts.append(f"{last.year}-{last.month:02d}-{_days_to(last.day)}")
    return "^(?:" + "|".join(parts) + ")$"


def weekday_pattern(weekday: int, years: tuple[int, int] | None = None) -> str:
    """Exactly the days (``YYYY-MM-DD``) that fall on ``weekday`` (Monday 0 … Sunday 6) in
    ``years`` (default :data:`bounds.YEARS`), as one regex: the ``pattern`` of a day a rule
    fixes to a weekday (百姓星期天 is held on Sundays). Years of one calendar (the weekday of
    1 January and leap or not) share their months' days, so the regex stays a few kilobytes."""
    low, high = years or bounds.YEARS
    shapes: dict[tuple[int, bool], list[int]] = {}
    for year in range(low, high + 1):
        shapes.setdefault((dt.date(year, 1, 1).weekday(), calendar.isleap(year)), []).append(year)
    parts = []
    for group in shapes.values():
        year = group[0]
        months = []
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            day = 1 + (weekday - first.weekday()) % 7
            last = calendar.monthrange(year, month)[1]
            days = "|".join(f"{d:02d}" for d in range(day, last + 1, 7))
            months.append(f"{month:02d}-(?:{days})")
        parts.append(f"(?:{'|'.join(str(y) for y in group)})-(?:{'|'.join(months)})")
    return "^(?:" + "|".join(parts) + ")$"


#: every period :func:`parse_period` accepts, and nothing else: the ``pattern`` the OpenAPI
#: document gives a period parameter (searched, as JSON Schema does; parse_period searches it).
PERIOD_PATTERN = period_pattern()

_PATTERNS = [
    (re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$"), "day"),
    (re.compile(r"^([0-9]{4})-W([0-9]{2})$"), "week"),
    (re.compile(r"^([0-9]{4})-([0-9]{2})$"), "month"),
    (re.compile(r"^([0-9]{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^([0-9]{4})$"), "year"),
]
_EXACT = re.compile(PERIOD_PATTERN)


def parse_period(text: str) -> Period:
    """``2026-05-03`` (day), ``2026-W18`` (week), ``2026-05`` (month), ``2026-Q2``, ``2026``:
    what :data:`PERIOD_PATTERN` matches (a year out of range is named as such)."""
    exact = isinstance(text, str) and _EXACT.search(text) is not None
    for pattern, grain in _PATTERNS:
        m = pattern.match(text) if isinstance(text, str) else None
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        if not bounds.YEARS[0] <= g[0] <= bounds.YEARS[1]:
            raise ValidationError(f"{text!r} lies outside the years suyuan counts",
                                  field="period", rule="range",
                                  hint=f"give a period in {bounds.YEARS[0]}–{bounds.YEARS[1]}")
        if not exact:
            break
        if grain == "day":
            return Period("day", dt.date(g[0], g[1], g[2]))
        if grain == "week":
            return Period("week", dt.date.fromisocalendar(g[0], g[1], 1))
        if grain == "month":
            return Period("month", dt.date(g[0], g[1], 1))
        if grain == "quarter":
            return Period("quarter", dt.date(g[0], 3 * g[1] - 2, 1))
        return Period("year", dt.date(g[0], 1, 1))
    raise ValidationError(f"{str(text)[:60]!r} is not a period", field="period", rule="period",
                          hint="write 2026-05-03, 2026-W18, 2026-05, 2026-Q2 or 2026")
