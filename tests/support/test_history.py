"""Support rows appear in the case's history; without identity access their sensitive values are hidden."""

import pytest

from accounts.roles import Action, Role
from tests.support.factories import LAW53, request_support
from tests.victims.factories import agency, consented, member
from victims.history import HIDDEN, case_history
from victims.services import case_grant_access

pytestmark = pytest.mark.django_db


def test_a_support_share_without_identity_shows_support_requests_without_their_notes(ls, case):
    request_support(ls, case, [(LAW53, "clothing_set", 1)], note="Nạn nhân đang mang thai.")
    police = agency("police", "lang son", code="CA-LS-H")
    officer = member(police)
    consented(case)
    case_grant_access(user=ls.caseworker, case=case, grantee_agency=police,
                      actions=[Action.CASE_VIEW, Action.SUPPORT_VIEW], reason="Phối hợp")

    [event] = [e for e in case_history(officer, case) if e.pgh_model == "support.SupportRequestEvent"]
    assert event.pgh_data["note"] == HIDDEN and event.pgh_data["status"] == "pending"


def test_the_statistician_sees_no_support_rows_on_the_history(ls, case):
    """Statisticians have no support.view: support is not in their scope, on its pages or here."""
    request_support(ls, case, [(LAW53, "clothing_set", 1)], note="Nạn nhân đang mang thai.")
    statistician = member(ls.department, Role.STATISTICIAN)
    assert case_history(statistician, case)
    assert not [e for e in case_history(statistician, case) if e.pgh_model.startswith("support.")]


def test_the_owner_reads_the_support_notes(ls, case):
    request_support(ls, case, [(LAW53, "clothing_set", 1)], note="Nạn nhân đang mang thai.")
    [event] = [e for e in case_history(ls.caseworker, case) if e.pgh_model == "support.SupportRequestEvent"]
    assert event.pgh_data["note"] == "Nạn nhân đang mang thai."


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound as in a request"])
def test_support_rows_follow_the_readers_support_scope_bound_or_not(ls, case, bound):
    """Bound (a request), support rows are kept or dropped from the case row's scope, not by a query:
    the same answer as the query gives an unbound reader."""
    from accounts.actor import act_as

    request_support(ls, case, [(LAW53, "clothing_set", 1)])
    statistician, shared = member(ls.department, Role.STATISTICIAN), member(agency("police", "lang son", code="CA-LS-B"))
    consented(case)
    case_grant_access(user=ls.caseworker, case=case, grantee_agency=shared.memberships.get().agency,
                      actions=[Action.CASE_VIEW, Action.SUPPORT_VIEW], reason="Phối hợp")
    if bound:
        for user in (statistician, shared, ls.caseworker):
            act_as(user, user.memberships.get())

    def support_rows(user):
        return [e for e in case_history(user, case) if e.pgh_model.startswith("support.")]

    assert support_rows(ls.caseworker) and support_rows(shared)
    assert case_history(statistician, case) and not support_rows(statistician)
