import pytest

from accounts.demo import seed_organisations
from facilities import selectors
from facilities.choices import ApplicationStatus
from facilities.demo import seed_facilities
from facilities.models import Facility, Inspection, Licence, LicenceApplication, Stay, StayExtension
from victims.demo import seed_cases

pytestmark = pytest.mark.django_db


def test_the_demo_has_residents_licences_in_every_state_and_inspections():
    seed_organisations()
    seed_cases()
    assert seed_facilities() is True
    assert seed_facilities() is False  # idempotent

    assert Facility.objects.count() >= 6
    assert {licence.state for licence in Licence.objects.all()} == {"active", "suspended", "revoked", "superseded",
                                                                   "expired"}
    assert set(LicenceApplication.objects.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert any(a.is_overdue() for a in LicenceApplication.objects.all())
    assert Inspection.objects.filter(status="completed").exists() and Inspection.objects.filter(status="planned").exists()
    assert Stay.objects.current().filter(accompanying__isnull=False).exists()  # a child with her mother
    assert Stay.objects.filter(discharged_on__isnull=False, destination="family").exists()
    assert StayExtension.objects.exists()

    from accounts.models import User

    approver = User.objects.get(username="pheduyet.ls")
    warned = list(selectors.stays_near_limit(user=approver))
    assert any(stay.is_past_limit() for stay in warned) and any(not stay.is_past_limit() for stay in warned)
