"""Finding the case to admit (issue #10 point 6): loosely typed numbers and names, within scope only."""

import pytest
from django.urls import reverse

from tests.victims.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def suggest(client, facility, typed):
    return client.get(reverse("facilities:admit_cases", args=[facility.pk]), {"case_number": typed})


def number_tail(case) -> str:
    """'TTCTXH-LS-2026-00001' -> 'ttctxh-ls-2026-1', as people type it."""
    *head, running = case.case_number.split("-")
    return "-".join(head).lower() + f"-{int(running)}"


def test_a_case_number_typed_without_zeros_capitals_or_dashes_is_found(world, signed_in):
    client = signed_in(world.caseworker)

    for typed in (number_tail(world.case), world.case.case_number.replace("-", "").lower()):
        body = suggest(client, world.facility, typed).content.decode()
        assert world.case.case_number in body, typed

    # The lookup itself accepts the loose number and opens the admission for that case.
    response = client.get(reverse("facilities:admit", args=[world.facility.pk]),
                          {"case_number": number_tail(world.case)})
    assert response.context["case"] == world.case


def test_a_name_without_diacritics_finds_the_case_with_its_name_shown(world, signed_in):
    body = suggest(signed_in(world.caseworker), world.facility, "lo thi mai").content.decode()

    assert world.case.case_number in body and "Lò Thị Mai" in body


def test_cases_out_of_the_users_scope_are_never_offered(world, signed_in):
    elsewhere = CaseFactory(receiving_agency=world.centre_hn, person=PersonFactory(full_name="Lò Thị Mai Anh"))

    body = suggest(signed_in(world.caseworker), world.facility, "lo thi mai").content.decode()

    assert world.case.case_number in body
    assert elsewhere.case_number not in body and "Mai Anh" not in body
    assert elsewhere.case_number not in suggest(signed_in(world.caseworker), world.facility,
                                                elsewhere.case_number).content.decode()


def test_only_those_who_admit_to_the_facility_may_search_through_it(world, signed_in):
    # Another province's caseworker, and a statistician of the same province: no search through it.
    assert suggest(signed_in(world.caseworker_hn), world.facility, "lo thi").status_code == 404
    assert suggest(signed_in(world.statistician), world.facility, "lo thi").status_code in (403, 404)
    # Signed out: sent to sign in.
    from django.test import Client
    assert suggest(Client(), world.facility, "lo thi").status_code == 302
