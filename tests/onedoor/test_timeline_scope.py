"""The case timeline shows another app's records only to readers who may see them in that app's scope.

A police caseworker given a `case.view` share reads the case, but not its support requests, loans or
stays: those answer 404 on their own pages, so the timeline must not show them either.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Action, Role
from support.services import loan_create
from tests.facilities.factories import FacilityFactory, StayFactory
from tests.support.factories import LAW53, request_support
from tests.victims.factories import agency, consented, member
from victims.history import case_history
from victims.services import case_grant_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_case(ls, case):
    request_support(ls, case, [(LAW53, "clothing_set", 1)])
    loan_create(user=ls.caseworker, agency=ls.centre, case=case, lender="social_policy_bank",
                amount=20_000_000, term_months=24, purpose="Chăn nuôi", applied_on=datetime.date(2025, 3, 12))
    StayFactory(case=case, facility=FacilityFactory(owner_agency=ls.centre))
    police = agency("police", "ha noi", code="CA-HN-T")
    officer = member(police, Role.CASEWORKER)
    consented(case)
    case_grant_access(user=ls.caseworker, case=case, grantee_agency=police,
                      actions=[Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY], reason="Phối hợp điều tra")
    return case, officer


def labels(events):
    return {event.pgh_obj_model.split(".")[0] for event in events}


def test_the_owner_sees_support_loans_and_stays_on_the_timeline(ls, shared_case):
    case, _ = shared_case
    assert {"support", "facilities", "victims"} <= labels(case_history(ls.caseworker, case))


def test_a_case_view_share_shows_no_support_loan_or_stay_entries(shared_case):
    case, officer = shared_case
    events = case_history(officer, case)
    assert events, "the share still shows the case's own history"
    assert labels(events) == {"victims"}


def test_the_case_page_of_the_share_does_not_name_the_loan(signed_in, shared_case):
    case, officer = shared_case
    client = signed_in(officer)
    html = client.get(reverse("victims:case_detail", args=[case.pk])).content.decode()
    assert case.case_number in html
    assert "20.000.000" not in html and "Chăn nuôi" not in html
    loan = case.loans.get()
    assert client.get(reverse("support:loan_detail", args=[loan.pk])).status_code == 404


def test_the_case_page_shows_the_stays_panel_to_the_owner_only(signed_in, ls, shared_case):
    case, officer = shared_case
    owner_html = signed_in(ls.caseworker).get(reverse("victims:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="case-stays"' in owner_html and 'data-testid="stay-row"' in owner_html
    share_html = signed_in(officer).get(reverse("victims:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="case-stays"' not in share_html
