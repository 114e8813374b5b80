"""Stays from a register: admitted and discharged as on the facility page, checked against their own days."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation

from accounts.roles import Role
from facilities.choices import DischargeDestination, FacilityStatus, Service
from facilities.models import Stay
from facilities.services import stay_extend
from imports.kinds.base import RowError
from imports.kinds.stays import StayKind
from tests.facilities.factories import FacilityFactory, StayFactory
from tests.victims.factories import CaseFactory, member
from victims import services
from victims.models import ReceptionChannel

from .conftest import context, row

pytestmark = pytest.mark.django_db
KIND = StayKind()
D = datetime.date
HISTORIC = {
    "facility": "CS-LS-01", "admitted_on": D(2019, 3, 15), "admission_reason": "Cần chỗ ở an toàn",
    "services": [Service.MEDICAL], "discharged_on": D(2019, 5, 20), "destination": DischargeDestination.FAMILY,
}


@pytest.fixture
def place(world):
    world.facility = FacilityFactory(owner_agency=world.centre, code="CS-LS-01", name="Cơ sở Bình An", beds=2)
    world.case = services.case_register_reception(
        user=world.caseworker, agency=world.centre, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
        received_on=D(2019, 3, 10), full_name="Lò Thị Mai", sex="female", birth_year=1999,
    )
    world.ctx = context(world.caseworker, world.centre)
    return world


def write(world, case=None, **values):
    return KIND.create(world.ctx, case or world.case, KIND.clean(world.ctx, row(**{**HISTORIC, **values})))


def errors_of(call) -> dict:
    """The row's errors, its writes rolled back (the engine writes each row in a savepoint)."""
    with translation.override("vi"):
        try:
            with transaction.atomic():
                call()
        except RowError as error:
            return error.errors
        except ValidationError as error:
            return RowError.from_validation_error(error, KIND.aliases).errors
    raise AssertionError("no error")


def other_stay(facility, admitted_on, discharged_on=None):
    stay = StayFactory(facility=facility, admitted_on=admitted_on, case=CaseFactory(received_on=admitted_on))
    if discharged_on:
        Stay.objects.filter(pk=stay.pk).update(discharged_on=discharged_on, destination=DischargeDestination.FAMILY)
    return stay


def test_a_stay_that_ended_years_ago_is_written_with_its_discharge(place):
    # The facility is full today: that says nothing about its beds in 2019.
    other_stay(place.facility, timezone.localdate() - datetime.timedelta(days=3))
    other_stay(place.facility, timezone.localdate() - datetime.timedelta(days=2))

    stay = write(place)

    stay.refresh_from_db()
    assert (stay.facility, stay.person, stay.admitted_on) == (place.facility, place.case.person, D(2019, 3, 15))
    assert (stay.discharged_on, stay.destination) == (D(2019, 5, 20), DischargeDestination.FAMILY)
    assert stay.services == sorted([Service.ACCOMMODATION, Service.MEDICAL])
    assert stay.admission_reason == "Cần chỗ ở an toàn"


def test_the_beds_are_counted_on_the_days_of_the_stay(place):
    other_stay(place.facility, D(2019, 1, 1), D(2019, 12, 31))
    other_stay(place.facility, D(2019, 4, 1), D(2019, 4, 30))  # the second bed goes in April

    errors = errors_of(lambda: write(place))

    assert list(errors) == ["facility"]
    assert "01/04/2019" in errors["facility"][0]
    assert not Stay.objects.filter(case=place.case).exists()
    # Left before the other came: there was a bed.
    assert write(place, discharged_on=D(2019, 3, 31)).discharged_on == D(2019, 3, 31)


def test_a_facility_closed_since_still_takes_its_history(place):
    place.facility.status = FacilityStatus.CLOSED
    place.facility.save()
    assert write(place).discharged_on == D(2019, 5, 20)


def test_a_person_cannot_have_stayed_in_two_places_at_once(place):
    write(place)
    errors = errors_of(lambda: write(place, line=2, admitted_on=D(2019, 5, 1), discharged_on=D(2019, 6, 1)))
    assert list(errors) == ["admitted_on"]
    # Leaving on the day of the next admission is no overlap.
    assert write(place, line=2, admitted_on=D(2019, 5, 20), discharged_on=D(2019, 6, 1))


def test_bad_values_give_vietnamese_messages_on_their_columns(place):
    errors = errors_of(lambda: write(place, discharged_on=D(2019, 3, 1)))
    assert errors == {"discharged_on": ["Ngày ra khỏi cơ sở không được trước ngày vào cơ sở."]}

    errors = errors_of(lambda: write(place, discharged_on=D(2019, 5, 1), destination=""))
    assert list(errors) == ["destination"]

    other = FacilityFactory(code="CS-KHAC")
    errors = errors_of(lambda: KIND.clean(place.ctx, row(**{**HISTORIC, "facility": other.code})))
    assert list(errors) == ["facility"]
    assert not Stay.objects.exists()


def test_a_case_out_of_scope_is_refused(place):
    case_hn = services.case_register_reception(
        user=place.caseworker_hn, agency=place.centre_hn, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
        received_on=D(2019, 3, 10), full_name="Vàng Thị Dua", sex="female", birth_year=2000,
    )
    with pytest.raises(Http404):
        write(place, case=case_hn)


def test_undo_removes_the_stay(place):
    stay = write(place)
    assert not KIND.changed_since(stay, timezone.now())
    KIND.undo(place.ctx, stay)
    assert not Stay.objects.exists()


def test_a_stay_extended_since_has_changed_and_cannot_be_undone(place):
    stay = write(place, discharged_on=None, destination="", admitted_on=timezone.localdate() - datetime.timedelta(days=5))
    imported_at = timezone.now()
    assert not KIND.changed_since(stay, imported_at)
    director = member(place.centre, Role.AGENCY_MANAGER)
    stay_extend(user=director, stay=stay, new_ends_on=stay.ends_on + datetime.timedelta(days=30),
                reason="Chưa về được gia đình", acting_agency=place.centre)
    assert KIND.changed_since(stay, imported_at)
    with pytest.raises(ValidationError):
        KIND.undo(place.ctx, stay)


def test_a_register_that_now_says_the_person_left_discharges_the_stay(place):
    staying = {**HISTORIC, "discharged_on": None, "destination": ""}
    stay = write(place, discharged_on=None, destination="")
    previous = {k: (v.isoformat() if isinstance(v, datetime.date) else v)
                for k, v in KIND.clean(place.ctx, row(**staying)).items()}

    stay = KIND.update(place.ctx, stay, KIND.clean(place.ctx, row(**HISTORIC)), previous)

    assert (stay.discharged_on, stay.destination) == (D(2019, 5, 20), DischargeDestination.FAMILY)
    with pytest.raises(RowError):  # another facility is another stay: corrected on the case page
        KIND.update(place.ctx, stay, KIND.clean(place.ctx, row(**{**HISTORIC, "admitted_on": D(2019, 3, 16)})),
                    previous)
