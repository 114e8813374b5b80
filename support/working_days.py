"""Working days in Viet Nam: Monday to Friday, without public holidays (lunar New Year included),
plus the Saturdays the government swaps in as working days ("làm bù").

Deadlines counted in working days ("trong 9 ngày làm việc") start the day after the event, as the
decrees count them. Two functions, reused by other apps (facility licensing deadlines):

    add_working_days(date, n)      the date n working days after `date`
    working_days_between(a, b)     working days after a up to and including b (negative if b < a)
"""

import datetime
from functools import lru_cache

import holidays

SATURDAY = 5


@lru_cache(maxsize=64)
def _calendar(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """(public holidays, weekend days worked instead) of one year."""
    days = holidays.country_holidays("VN", years=year)
    workdays = frozenset(d for d in getattr(days, "weekend_workdays", ()) if d.year == year)
    return frozenset(days), workdays


def is_working_day(day: datetime.date) -> bool:
    public_holidays, weekend_workdays = _calendar(day.year)
    if day in weekend_workdays:
        return True
    return day.weekday() < SATURDAY and day not in public_holidays


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The date `n` working days after `day` (`day` itself is not counted); n = 0 gives `day`."""
    if n < 0:
        raise ValueError("n must not be negative")
    current = day
    while n:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            n -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`.

    The inverse of add_working_days: working_days_between(d, add_working_days(d, n)) == n.
    """
    if end < start:
        return -working_days_between(end, start)
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        count += is_working_day(current)
    return count
