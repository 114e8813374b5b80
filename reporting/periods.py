"""Reporting periods: the 6-month and annual reporting periods, a calendar year, or a custom range.

The reporting year's first day is configuration (`STATISTICS_REPORTING_YEAR_START`, month and day,
default 15 December of the year before: the annual report is due before 15 December). The 6-month
period is the first half of the reporting year.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    preset: str  # "year-2025", "half-2025", "annual-2025" or "custom"

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def months(self) -> list[datetime.date]:
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return months


def _year_start(year: int) -> datetime.date:
    month, day = getattr(settings, "STATISTICS_REPORTING_YEAR_START", (12, 15))
    # A start in the last months belongs to the year before (15/12/2024 opens the 2025 reporting year).
    return datetime.date(year - 1 if month > 6 else year, month, day)


def reporting_year(year: int) -> Period:
    start = _year_start(year)
    return Period(start, _year_start(year + 1) - datetime.timedelta(days=1), f"annual-{year}")


def reporting_half(year: int) -> Period:
    start = _year_start(year)
    month = start.month + 6
    half_end = start.replace(year=start.year + (month - 1) // 12, month=(month - 1) % 12 + 1)
    return Period(start, half_end - datetime.timedelta(days=1), f"half-{year}")


def calendar_year(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"year-{year}")


PRESET = re.compile(r"^(year|half|annual)-(\d{4})$")
BUILDERS = {"year": calendar_year, "half": reporting_half, "annual": reporting_year}


def parse_period(preset: str, start: datetime.date | None = None, end: datetime.date | None = None) -> Period:
    """A period from a preset code, or a custom range; the current calendar year by default."""
    if preset == "custom" and start and end and start <= end:
        return Period(start, end, "custom")
    if match := PRESET.match(preset or ""):
        year = int(match.group(2))
        if 2000 <= year <= 2100:
            return BUILDERS[match.group(1)](year)
    return calendar_year(timezone.localdate().year)


def preset_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    today = today or timezone.localdate()
    choices = []
    for year in range(today.year, today.year - 6, -1):
        choices.append((f"year-{year}", _("Year %(year)s") % {"year": year}))
        choices.append((f"half-{year}", _("6-month report %(year)s") % {"year": year}))
        choices.append((f"annual-{year}", _("Annual report %(year)s") % {"year": year}))
    choices.append(("custom", _("Custom range")))
    return choices
