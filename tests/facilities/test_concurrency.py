"""Capacity under concurrent admissions, against the real PostgreSQL: two connections, one bed."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from facilities import services
from facilities.models import Facility, Stay
from tests.victims.factories import CaseFactory

from .factories import days_ago

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(calls):
    """Run the calls in threads (each its own database connection), all released at once while the
    main thread holds the facility row, so every call is inside its transaction at the same time."""
    results: dict[int, str] = {}
    barrier = threading.Barrier(len(calls))

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            results[index] = "ok"
        except ValidationError as error:
            results[index] = ",".join(e.code for errors in error.error_dict.values() for e in errors)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    return threads, results


def admission(world, case, facility=None):
    return lambda: services.stay_admit(
        user=world.caseworker, facility=facility or world.facility, case=case, persons=[case.person],
        admitted_on=days_ago(1), admission_reason="Cần nơi ở",
    )


def test_two_admissions_for_the_last_bed_exactly_one_succeeds(world):
    world.facility.beds = 3
    world.facility.save()
    services.stay_admit(user=world.caseworker, facility=world.facility, case=world.case,
                        persons=[world.case.person, world.child], admitted_on=days_ago(2), admission_reason="x")
    first = CaseFactory(receiving_agency=world.centre_ls, created_by=world.caseworker)
    second = CaseFactory(receiving_agency=world.centre_ls, created_by=world.caseworker)
    threads, results = race([admission(world, first), admission(world, second)])

    with transaction.atomic():
        Facility.objects.select_for_update().get(pk=world.facility.pk)  # hold the row
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        assert results == {}, "both admissions must be waiting for the facility lock"
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == ["capacity", "ok"]
    assert Stay.objects.filter(facility=world.facility, discharged_on__isnull=True).count() == 3


def test_the_same_person_admitted_in_two_facilities_at_once_gets_one_stay(world):
    other = Facility.objects.create(
        code="CS-LS-02", name="Cơ sở thứ hai", type=world.facility.type, owner_agency=world.centre_ls,
        province=world.lang_son, rooms=1, beds=5, services=world.facility.services, created_by=world.caseworker,
    )
    threads, results = race([admission(world, world.case), admission(world, world.case, facility=other)])
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == ["already_staying", "ok"]
    assert Stay.objects.filter(person=world.case.person, discharged_on__isnull=True).count() == 1
