"""The Chinese working-day calendar: now part of the core's public API (``suyuan_core``), since the
rule_of_law pillar counts periods on it too. Kept as this module so existing imports keep working."""

from __future__ import annotations

from suyuan_core import MissingHolidayData, Span, WorkCalendar

__all__ = ["MissingHolidayData", "Span", "WorkCalendar"]
