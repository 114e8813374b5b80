"""Support rows appear in the case's history; without identity access their sensitive values are hidden."""

import pytest

from accounts.roles import Role
from tests.support.factories import LAW53, request_support
from tests.victims.factories import member
from victims.history import HIDDEN, case_history

pytestmark = pytest.mark.django_db


def test_the_case_history_shows_support_requests_without_their_notes_to_statisticians(ls, case):
    request_support(ls, case, [(LAW53, "clothing_set", 1)], note="Nạn nhân đang mang thai.")
    statistician = member(ls.department, Role.STATISTICIAN)

    [event] = [e for e in case_history(statistician, case) if e.pgh_model == "support.SupportRequestEvent"]
    assert event.pgh_data["note"] == HIDDEN and event.pgh_data["status"] == "pending"

    [event] = [e for e in case_history(ls.caseworker, case) if e.pgh_model == "support.SupportRequestEvent"]
    assert event.pgh_data["note"] == "Nạn nhân đang mang thai."
