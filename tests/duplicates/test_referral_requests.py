"""'Ask for a referral' reaches the agency holding the match: its referrals page lists the request
with a button that opens the referral form of its own case, addressed to the asking agency."""

import pytest
from django.urls import reverse

from tests.duplicates.test_merge import actor, world  # noqa: F401  (the shared fixture)
from victims import duplicates
from victims.referrals import referral_send

pytestmark = pytest.mark.django_db


def test_the_holder_sees_the_request_and_the_form_is_addressed_to_the_asker(world, signed_in):  # noqa: F811
    duplicates.duplicate_request_referral(user=actor(world.centre_worker), case=world.second, agency=world.border)

    page = signed_in(world.border_officer).get(reverse("victims:referral_sent"))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="referral-request"' in body
    assert world.first.case_number in body and world.centre.name in body
    assert world.second.case_number not in body  # nothing of the asking agency's file

    form_url = f'{reverse("victims:referral_create", args=[world.first.pk])}?to={world.centre.pk}'
    assert form_url in body
    form = signed_in(world.border_officer).get(form_url).content.decode()
    assert f'<option value="{world.centre.pk}" selected' in form


def test_the_request_goes_once_the_case_is_referred_to_the_asker(world):  # noqa: F811
    duplicates.duplicate_request_referral(user=actor(world.centre_worker), case=world.second, agency=world.border)
    holder = actor(world.border_officer)
    [request] = duplicates.referral_requests_for(holder)
    assert request.case == world.first and request.agency == world.centre

    referral_send(user=holder.user, case=world.first, receiving_agency=world.centre, reason="Trùng hồ sơ",
                  services=["shelter"], shared_parts=["identity"])
    assert duplicates.referral_requests_for(actor(world.border_officer)) == []


def test_the_asking_agency_is_not_shown_its_own_request(world):  # noqa: F811
    duplicates.duplicate_request_referral(user=actor(world.centre_worker), case=world.second, agency=world.border)
    assert duplicates.referral_requests_for(actor(world.centre_worker)) == []
