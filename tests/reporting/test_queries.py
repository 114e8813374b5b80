"""Each dashboard costs the same number of queries whatever the population: pinned, and equal for the
known population and for it grown by 100 and by 1,000 persons (bulk factories)."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reporting.test_pages import client_for
from victims.models import Case, Person

pytestmark = pytest.mark.django_db
URL = reverse("reporting:dashboard") + "?period=year-2025"
# Session, user, membership, menu and filter choices, then the statistics themselves (the case-level
# check and the aggregate statements: persons, receptions and purposes are one statement over one scan of
# the receptions; the contacts tables added one), whatever the number of persons.
# The centre manager receives referrals: the menu counts its waiting inbox (one query); the case-level
# check reads the acting membership's scope sets once (victims.scoping.actor_sets: one query), which
# the ministry, never holding case-level access, does not need.
PINNED = {"ministry_analyst": 11, "department_statistician": 13, "centre_manager": 13}


def grow(world, n: int):
    agencies = [world.bp, world.ca, world.tt, world.xa, world.tthn]
    user = world.users["centre_caseworker"]
    persons = Person.objects.bulk_create([
        Person(full_name=f"Người thứ {i}", sex="female" if i % 3 else "male", birth_year=1970 + i % 45,
               nationality="VN" if i % 7 else "LA", home_province=world.ls)
        for i in range(n)
    ])
    Case.objects.bulk_create([
        Case(case_number=f"Q-{n}-{i}", person=person, receiving_agency=agencies[i % 5], owning_agency=agencies[i % 5],
             province=world.ls, reception_channel="rescued", received_on=datetime.date(2025, 1 + i % 12, 1 + i % 28),
             destination_country="CN" if i % 2 else "TH", purposes=["forced_labour"], created_by=user)
        for i, person in enumerate(persons)
    ])


def count(world, persona) -> int:
    client = client_for(world, persona)
    client.get(URL)  # warm: sessions, content types
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_population(world):
    before = {persona: count(world, persona) for persona in PINNED}
    for n in (100, 1000):
        with transaction.atomic():
            grow(world, n)
            after = {persona: count(world, persona) for persona in PINNED}
            transaction.set_rollback(True)
        assert after == before, n
    assert before == PINNED
