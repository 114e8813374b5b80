"""The policy parameters of facilities come from the support policy versions (data)."""

import datetime

import pytest

from facilities import policy
from support import working_days

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("day", "days", "code"), [
    (datetime.date(2024, 12, 31), 60, "ND-09-2013"),
    (datetime.date(2025, 6, 30), 60, "ND-09-2013"),
    (datetime.date(2025, 7, 1), 120, "LAW-53-2024"),
    (datetime.date(2026, 3, 1), 120, "LAW-53-2024"),
])
def test_max_stay_by_date(day, days, code):
    assert policy.max_stay_days(day) == days
    assert policy.policy_code(day) == code


def test_licensing_deadlines_follow_the_version_in_force():
    assert policy.licence_appraisal_working_days(datetime.date(2025, 6, 30)) == 15
    assert policy.licence_decision_working_days(datetime.date(2025, 6, 30)) == 7
    assert policy.licence_appraisal_working_days(datetime.date(2025, 7, 1)) == 5
    assert policy.licence_decision_working_days(datetime.date(2025, 7, 1)) == 3


def test_an_administrator_changing_the_parameter_changes_the_rule():
    from support.models import PolicyParameter

    PolicyParameter.objects.filter(version__code="LAW-53-2024", name=policy.MAX_STAY_DAYS).update(value=90)
    assert policy.max_stay_days(datetime.date(2026, 1, 1)) == 90


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
