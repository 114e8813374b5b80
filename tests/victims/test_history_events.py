"""The case history reads its events with its own short statement (victims.history._events): it must
give exactly what pghistory's `Events.objects.references(case)` and `.tracks(persons)` give."""

import pytest
from pghistory.models import Events

from tests.reporting import population
from victims.history import _events
from victims.models import Case, Person

pytestmark = pytest.mark.django_db

FIELDS = ("pgh_slug", "pgh_model", "pgh_obj_model", "pgh_obj_id", "pgh_id", "pgh_label", "pgh_created_at",
          "pgh_data", "pgh_diff", "pgh_context_id", "pgh_context")


def as_rows(events) -> dict:
    return {event.pgh_slug: tuple(getattr(event, name) for name in FIELDS) for event in events}


def test_the_events_of_every_case_are_pghistorys():
    population.build()  # receptions, edits, outcomes, a merge, consent, stays, support, follow-up, closure
    cases = list(Case.objects.order_by("pk"))
    assert len(cases) >= 5

    compared, diffs = 0, 0
    for case in cases:
        person_ids = list(dict.fromkeys([case.person_id, *case.children.values_list("person_id", flat=True)]))
        expected = as_rows([*Events.objects.references(case), *Events.objects.tracks([Person(pk=pk) for pk in person_ids])])
        assert as_rows(_events(case.pk, person_ids)) == expected
        compared += len(expected)
        diffs += sum(1 for row in expected.values() if row[FIELDS.index("pgh_diff")])
    # The comparison covered updates (diffs) and the other apps' records, not only inserts.
    assert compared > 50 and diffs > 5
    models = {row[1] for case in cases for row in as_rows(_events(case.pk, [case.person_id])).values()}
    assert {"victims.CaseEvent", "victims.PersonEvent", "support.SupportRequestEvent", "facilities.StayEvent"} <= models
