"""The demo support data loads once, through the services, with requests in every state."""

import pytest

from accounts.demo import seed_organisations
from support.demo import seed_support
from support.models import Delivery, Loan, RequestStatus, SupportDecision, SupportRequest
from victims.demo import seed_cases

pytestmark = pytest.mark.django_db


def test_seed_support_is_idempotent_and_covers_every_state():
    seed_organisations()
    seed_cases()
    assert seed_support() is True
    statuses = set(SupportRequest.objects.values_list("status", flat=True))
    assert statuses == {RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED,
                        RequestStatus.SUPERSEDED, RequestStatus.REJECTED}
    assert SupportDecision.objects.exclude(document_number="").count() >= 4
    assert Delivery.objects.exists() and Loan.objects.get().status == "disbursed"
    counts = (SupportRequest.objects.count(), SupportDecision.objects.count(), Delivery.objects.count())

    assert seed_support() is False
    assert (SupportRequest.objects.count(), SupportDecision.objects.count(), Delivery.objects.count()) == counts


def test_seed_support_needs_the_demo_cases():
    with pytest.raises(RuntimeError):
        seed_support()
