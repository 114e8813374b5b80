"""The policy parameters of facilities: data, with the support app's answer first."""

import datetime

import pytest

from facilities import policy
from support import working_days

pytestmark = pytest.mark.django_db


def test_the_fallback_table_covers_every_date_once():
    rows = policy.FALLBACK_POLICY
    assert rows[0].valid_from is None and rows[-1].valid_to is None
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.valid_from == before.valid_to + datetime.timedelta(days=1)
    assert {row.code for row in rows} == {"ND-09-2013", "LAW-53-2024"}
    for day in (datetime.date(2013, 1, 1), datetime.date(2025, 6, 30), datetime.date(2025, 7, 1), datetime.date(2040, 1, 1)):
        assert policy.fallback_row(day)


@pytest.mark.parametrize(("day", "days", "code"), [
    (datetime.date(2024, 12, 31), 60, "ND-09-2013"),
    (datetime.date(2025, 6, 30), 60, "ND-09-2013"),
    (datetime.date(2025, 7, 1), 120, "LAW-53-2024"),
    (datetime.date(2026, 3, 1), 120, "LAW-53-2024"),
])
def test_max_stay_by_date(day, days, code):
    assert policy.max_stay_days(day) == days
    assert policy.fallback_row(day).parameters[policy.MAX_STAY_DAYS] == days
    assert policy.policy_code(day) == code


def test_the_support_policy_wins_when_it_knows_the_parameter(monkeypatch):
    support_policy = pytest.importorskip("support.policy")

    def policy_parameter(name, day):
        if name == policy.MAX_STAY_DAYS:
            return 90
        raise LookupError(name)

    monkeypatch.setattr(support_policy, "policy_parameter", policy_parameter, raising=False)
    assert policy.max_stay_days(datetime.date(2026, 1, 1)) == 90
    assert policy.licence_appraisal_working_days(datetime.date(2026, 1, 1)) == 5  # unknown there: the fallback


def test_working_days_skip_weekends_and_tet():
    friday = datetime.date(2026, 2, 13)  # Tết 2026: 16–20 February
    assert working_days.add_working_days(friday, 1) == datetime.date(2026, 2, 23)
    assert working_days.add_working_days(friday, 5) == datetime.date(2026, 2, 27)
    assert working_days.working_days_between(friday, datetime.date(2026, 2, 27)) == 5
    assert working_days.working_days_between(datetime.date(2026, 2, 27), friday) == -5
    assert working_days.add_working_days(friday, 0) == friday
    for n in range(0, 30, 7):
        start = datetime.date(2025, 12, 20)
        assert working_days.working_days_between(start, working_days.add_working_days(start, n)) == n
