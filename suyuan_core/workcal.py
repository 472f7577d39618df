"""The Chinese working-day calendar (DOMAIN-RULES §4): statutory holidays and make-up working days
from the ``chinesecalendar`` package (2004–2026), overlaid with the county's own table.

Public (exported from ``suyuan_core``) because more than one pillar counts periods: the smart
pillar's 12345 deadlines in working days, the rule_of_law pillar's judicial-confirmation window in
calendar days whose last day rolls past a holiday (民法典 Art 203, :meth:`WorkCalendar.period_end`).

A year neither knows is never guessed silently: :class:`MissingHolidayData` is raised, or (with
``missing_year = "flag"``) weekends-only is used and the result says so (``flagged``).
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable
from typing import ClassVar

import attrs
import chinese_calendar

from suyuan_core import ValidationError

PACKAGE_YEARS = range(2004, 2027)


class MissingHolidayData(ValidationError):
    """No holiday data for a year a deadline falls in."""


@attrs.frozen
class Span:
    """A computed instant and whether any day it depends on was in a year without holiday data."""

    at: dt.datetime
    flagged: bool = False
    years: tuple[int, ...] = ()


class WorkCalendar:
    """Working days in a time zone: the packaged statutory calendar overlaid with a county's own
    holidays and make-up working days; counts working-day limits and calendar-day periods."""

    #: the years the packaged statutory calendar knows (later ones need the county's table).
    package_years: ClassVar[range] = PACKAGE_YEARS

    def __init__(self, tz: str, *, holidays: Iterable[str] = (), workdays: Iterable[str] = (),
                 county_years: Iterable[int] = (), missing_year: str = "flag",
                 config_path: str = "plugins.smart") -> None:
        #: where the county's table lives in suyuan.toml (named in errors and hints).
        self.config_path = config_path
        self.tz = zoneinfo.ZoneInfo(tz)
        self.holidays = {self._date(d, "holidays") for d in holidays}
        self.workdays = {self._date(d, "workdays") for d in workdays}
        clash = self.holidays & self.workdays
        if clash:
            raise ValidationError(f"{min(clash)} is both a holiday and a working day",
                                  field=f"{config_path}.holidays", rule="disjoint")
        self.county_years = frozenset(county_years)
        self.missing_year = missing_year

    def _date(self, value: str, field: str) -> dt.date:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(f"{value!r} is not a date", field=f"{self.config_path}.{field}",
                                  rule="iso_date", hint="write e.g. 2027-02-08") from None

    def coverage(self, year: int) -> str | None:
        """Who knows ``year``: ``"county"`` (its own table wins), ``"package"``, or None."""
        if year in self.county_years:
            return "county"
        if year in PACKAGE_YEARS:
            return "package"
        return None

    def is_workday(self, day: dt.date, unknown: set[int] | None = None, *,
                   strict: bool = True) -> bool:
        """Whether ``day`` is a working day. A year nobody knows raises (``strict`` in refuse
        mode), or falls back to Monday–Friday and is added to ``unknown``."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        source = self.coverage(day.year)
        if source == "package":
            return _package_workday(day)
        if source is None:
            if strict and self.missing_year == "refuse":
                raise MissingHolidayData(
                    f"no holiday data for {day.year}: cannot count working days to {day}",
                    field="deadline", rule="holiday_calendar",
                    hint=f"load the county's {day.year} holiday table ({self.config_path}.holidays, "
                         f"workdays and county_years = [{day.year}]) or set missing_year = \"flag\"")
            if unknown is not None:
                unknown.add(day.year)
        return day.weekday() < 5

    def local(self, at: dt.datetime) -> dt.datetime:
        if at.tzinfo is None:
            raise ValidationError("needs a time zone", field="at", rule="aware_datetime")
        return at.astimezone(self.tz)

    def _end_of(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(23, 59, 59), self.tz)

    def add_workdays(self, start: dt.datetime, n: int) -> Span:
        """The end of the ``n``-th working day after ``start``'s day (the start day is not counted,
        民法典 Art 201). ``n = 0`` is the end of the start day itself."""
        unknown: set[int] = set()
        day = self.local(start).date()
        left = n
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day, unknown):
                left -= 1
        return Span(self._end_of(day), bool(unknown), tuple(sorted(unknown)))

    def add_work_minutes(self, start: dt.datetime, minutes: float) -> Span:
        """``start`` plus ``minutes`` of time counted on working days only (the clock stops on
        days off): the measure of a paused clock and of limits in working hours."""
        unknown: set[int] = set()
        at = self.local(start)
        left = dt.timedelta(minutes=minutes)
        while True:
            day_end = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(), self.tz)
            if self.is_workday(at.date(), unknown):
                room = day_end - at
                if left <= room:
                    return Span(at + left, bool(unknown), tuple(sorted(unknown)))
                left -= room
            at = day_end

    def work_minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Minutes of working-day time from ``start`` to ``end`` (negative when end is earlier)."""
        a, b = self.local(start), self.local(end)
        if b < a:
            return -self.work_minutes_between(end, start)
        total = dt.timedelta()
        at = a
        while at < b:
            day_end = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(), self.tz)
            stop = min(day_end, b)
            if self.is_workday(at.date(), strict=False):
                total += stop - at
            at = stop
        return total.total_seconds() / 60

    def period_end(self, start: dt.date, days: int) -> tuple[dt.date, bool]:
        """The last day of a period of ``days`` calendar days from ``start`` (the start day not
        counted, 民法典 Art 201); a last day that is a statutory holiday or a rest day moves to the
        first working day after it (Art 203; 民事诉讼法 Art 85). Returns the day and whether a year
        without holiday data was involved (weekends-only was used)."""
        unknown: set[int] = set()
        day = start + dt.timedelta(days=days)
        while not self.is_workday(day, unknown):
            day += dt.timedelta(days=1)
        return day, bool(unknown)

    def flagged_years(self, start: dt.datetime, end: dt.datetime) -> tuple[int, ...]:
        """The years between two instants that neither the package nor the county covers."""
        a, b = sorted((self.local(start).year, self.local(end).year))
        return tuple(y for y in range(a, b + 1) if self.coverage(y) is None)


@functools.lru_cache(maxsize=4096)
def _package_workday(day: dt.date) -> bool:
    """``chinese_calendar.is_workday`` checks its whole table on every call; a deadline counts
    many days, so remember the answers (the package's data never changes in a process)."""
    return bool(chinese_calendar.is_workday(day))
