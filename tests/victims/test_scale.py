"""What keeps the case pages fast at national scale: capped counts, the search by ids, OLTP settings."""

import pytest
from django.db import connection
from django.urls import reverse

from victims.selectors import case_list
from victims.views import cases as case_views
from victims.workflow import Status

from .factories import CaseChildFactory, CaseFactory, PersonFactory, days_ago
from .test_views_cases import LIST, client_as, listed

pytestmark = pytest.mark.django_db


def test_the_list_counts_up_to_the_cap_then_says_more(world, monkeypatch):
    monkeypatch.setattr(case_views, "COUNT_CAP", 3)
    for _ in range(3):
        CaseFactory(receiving_agency=world.centre_ls)
    client = client_as(world.caseworker_ls)
    response = client.get(LIST)
    assert not response.context["page"].paginator.capped
    assert "3 hồ sơ" in response.content.decode()

    CaseFactory(receiving_agency=world.centre_ls)
    response = client.get(LIST)
    paginator = response.context["page"].paginator
    assert paginator.capped and paginator.count == 4 and paginator.count_label == "3+"
    assert "3+ hồ sơ" in response.content.decode()


def test_the_overdue_badge_is_capped_too(world, monkeypatch):
    monkeypatch.setattr(case_views, "COUNT_CAP", 1)
    for days in (10, 20):
        CaseFactory(receiving_agency=world.centre_ls, status=Status.FOLLOW_UP, next_visit_due=days_ago(days))
    response = client_as(world.caseworker_ls).get(LIST)
    assert response.context["overdue_label"] == "1+"
    assert '<span class="badge text-bg-danger">1+</span>' in response.content.decode()


def test_a_name_search_never_finds_a_case_through_a_masked_child_or_victim(world):
    """The ids are collected before the scope: the identity rule still holds on each way of matching."""
    case = CaseFactory(person=PersonFactory(full_name="Lò Thị Mai"), receiving_agency=world.centre_ls)
    CaseChildFactory(case=case, person=PersonFactory(full_name="Lò Văn Tú"))
    CaseFactory(person=PersonFactory(full_name="Lò Văn Tú"), receiving_agency=world.centre_hn)  # out of scope

    assert list(case_list(user=world.caseworker_ls, q="lo van tu")) == [case]
    assert list(case_list(user=world.statistician_ls, q="lo van tu")) == []  # a child's name: masked
    assert list(case_list(user=world.statistician_ls, q="lo thi mai")) == []
    assert list(case_list(user=world.statistician_ls, q=case.case_number.lower())) == [case]


def test_the_case_number_search_matches_any_part_of_the_number(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    CaseFactory(receiving_agency=world.centre_ls)
    client = client_as(world.caseworker_ls)
    response = client.post(LIST, {"q": case.case_number[-5:].lower()}, follow=True)
    assert listed(response) == [case.case_number]


def test_oltp_connections_run_without_jit_or_parallel_workers():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)


def test_the_page_links_say_page_n_only_once_capped(world, monkeypatch):
    monkeypatch.setattr(case_views, "COUNT_CAP", 2)
    monkeypatch.setattr(case_views, "PAGE_SIZE", 1)
    for _ in range(3):
        CaseFactory(receiving_agency=world.centre_ls)
    body = client_as(world.caseworker_ls).get(reverse("victims:case_list")).content.decode()
    assert "Trang 1" in body and "Trang 1 /" not in body
