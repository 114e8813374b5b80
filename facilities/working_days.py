"""Working days in Viet Nam, for licensing deadlines ("15 ngày làm việc").

The support app owns the calendar (`support/working_days.py`: public holidays from the `holidays`
package, lunar New Year included, and the Saturdays worked instead). It is used when present,
imported at call time; the fallback below has the same API (without swapped Saturdays) so that
facilities never depend on support at import time. The lead may merge the two.
"""

import datetime
from functools import lru_cache

import holidays
from django.apps import apps

SATURDAY = 5


def _support_calendar():
    if not apps.is_installed("support"):
        return None
    try:
        from support import working_days as calendar
    except ImportError:
        return None
    return calendar


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: datetime.date) -> bool:
    if calendar := _support_calendar():
        return calendar.is_working_day(day)
    return day.weekday() < SATURDAY and day not in _holidays(day.year)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The date `n` working days after `day` (`day` itself is not counted); `n` = 0 gives `day`."""
    if calendar := _support_calendar():
        return calendar.add_working_days(day, n)
    if n < 0:
        raise ValueError("n must not be negative")
    current = day
    while n:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            n -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
    if calendar := _support_calendar():
        return calendar.working_days_between(start, end)
    if end < start:
        return -working_days_between(end, start)
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        count += is_working_day(current)
    return count
