import datetime

from reporting.periods import parse_period

D = datetime.date


def test_presets(settings):
    assert (parse_period("year-2025").start, parse_period("year-2025").end) == (D(2025, 1, 1), D(2025, 12, 31))
    # The reporting year opens on 15 December of the year before (configurable).
    assert (parse_period("annual-2025").start, parse_period("annual-2025").end) == (D(2024, 12, 15), D(2025, 12, 14))
    assert (parse_period("half-2025").start, parse_period("half-2025").end) == (D(2024, 12, 15), D(2025, 6, 14))
    settings.STATISTICS_REPORTING_YEAR_START = (1, 1)
    assert (parse_period("half-2025").start, parse_period("half-2025").end) == (D(2025, 1, 1), D(2025, 6, 30))
    custom = parse_period("custom", D(2025, 2, 1), D(2025, 3, 31))
    assert (custom.start, custom.end, custom.preset) == (D(2025, 2, 1), D(2025, 3, 31), "custom")
    assert parse_period("custom", D(2025, 3, 1), D(2025, 2, 1)).preset.startswith("year-")  # inverted: ignored
    assert parse_period("year-1800").preset.startswith("year-")
