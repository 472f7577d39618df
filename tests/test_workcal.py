"""The public working-day calendar (``suyuan_core.WorkCalendar``): periods in calendar days whose
last day rolls past holidays (民法典 Art 201/203), as judicial confirmation counts them."""

from __future__ import annotations

import datetime as dt

import pytest

from suyuan_core import ValidationError, WorkCalendar

CAL = WorkCalendar("Asia/Shanghai")


def test_period_end_counts_calendar_days_from_the_day_after():
    # 2026-03-02 (Monday) + 30 days = 2026-04-01 (Wednesday, a working day): no roll-over.
    assert CAL.period_end(dt.date(2026, 3, 2), 30) == (dt.date(2026, 4, 1), False)


def test_period_end_rolls_over_a_weekend_and_a_statutory_holiday():
    # 2026-09-01 + 30 = 2026-10-01, National Day: the holiday runs to 10-07, so the 8th is last.
    day, flagged = CAL.period_end(dt.date(2026, 9, 1), 30)
    assert not flagged and day > dt.date(2026, 10, 7) and CAL.is_workday(day)
    assert all(not CAL.is_workday(dt.date(2026, 10, 1) + dt.timedelta(days=i))
               for i in range((day - dt.date(2026, 10, 1)).days))
    # 2026-03-06 + 30 = 2026-04-05, a Sunday (and 清明): rolls to the next working day.
    sunday_end, _ = CAL.period_end(dt.date(2026, 3, 6), 30)
    assert sunday_end > dt.date(2026, 4, 5) and CAL.is_workday(sunday_end)


def test_a_county_table_wins_and_a_year_without_data_is_flagged():
    county = WorkCalendar("Asia/Shanghai", holidays=["2030-01-02"], county_years=[2030],
                          config_path="plugins.rule_of_law")
    assert county.period_end(dt.date(2030, 1, 1), 1) == (dt.date(2030, 1, 3), False)
    assert CAL.period_end(dt.date(2031, 1, 1), 1)[1] is True
    with pytest.raises(ValidationError) as err:
        WorkCalendar("Asia/Shanghai", holidays=["2030-13-01"], config_path="plugins.rule_of_law")
    assert err.value.field == "plugins.rule_of_law.holidays"
