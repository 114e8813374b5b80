"""Pinned query counts: the case list and the case page cost the same whatever their size.

The budgets include the request's own queries (session, user, two-factor device, memberships,
menu) and the access-log INSERT. Panels of other apps (victims.panels) are left out of the pinned
budget of the case page, and checked separately to cost the same for a short and a long history.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from victims import panels, services
from victims.models import IdentificationResult, ReceptionChannel
from victims.views.cases import TIMELINE_ON_PAGE
from victims.workflow import Status

from .factories import CaseChildFactory, CaseFactory, consented, days_ago, member
from .test_views_cases import client_as

pytestmark = pytest.mark.django_db

# The list: 21, +2 when the province and agency filters are validated.
LIST_QUERIES = 23
# The page: 24 for a caseworker, +1 for the owner's manager (who opened the file).
PAGE_QUERIES = 25
# The whole history: the request's own, the case, its events and their lookups, the access log.
HISTORY_QUERIES = 15


def queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def no_panels(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})


def test_the_case_list_costs_the_same_for_5_and_50_rows(world, django_assert_max_num_queries):
    client = client_as(world.approver_ls)
    url = reverse("victims:case_list")
    filters = {"q": "thi", "status": Status.RECEIVED, "province": world.lang_son.pk,
               "receiving_agency": world.centre_ls.pk, "received_from": "01/01/2020", "sort": "-number"}
    for _ in range(5):
        CaseChildFactory(case=CaseFactory(receiving_agency=world.centre_ls))
    filtered = client.post(url, filters)["Location"]  # the filters are kept in the session: ?f=<key>
    with django_assert_max_num_queries(LIST_QUERIES):
        small = client.get(url)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(filtered)
    for _ in range(45):
        CaseChildFactory(case=CaseFactory(receiving_agency=world.centre_ls))
    with django_assert_max_num_queries(LIST_QUERIES):
        large = client.get(url)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(filtered)
    assert len(small.context["cases"]) == 5 and len(large.context["cases"]) == 25
    assert queries(client, url) == queries(client, url, page=2)


def _received_with_children(world, name="Lò Thị Mai"):
    user = world.caseworker_ls
    case = services.case_register_reception(
        user=user, agency=world.centre_ls, reception_channel=ReceptionChannel.RESCUED,
        received_on=days_ago(400), full_name=name,
    )
    for n in range(3):
        services.case_add_child(user=user, case=case, full_name=f"Lò Văn Bé {n}", relationship="child",
                                birth_year=2020 + n)
    return case


def _case_with_a_long_history(world, case=None):
    user = world.caseworker_ls
    case = case or _received_with_children(world)
    services.person_update_declaration(user=user, person=case.person, home_province=world.lang_son,
                                       other_names="Mai Lò")
    services.case_update_declaration(user=user, case=case, purposes=["forced_labour"], destination_country="CN")
    services.consent_record(user=user, case=case, share_with=["police", "health", "social_centre"])
    services.verification_request(user=user, case=case, police_agency=world.police_ls)
    services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome=IdentificationResult.IDENTIFIED,
        document_type="police_confirmation", document_number="1/XN", document_date=days_ago(390),
        issuing_body="Công an tỉnh Lạng Sơn",
    )
    services.case_grant_access(user=user, case=case, grantee_agency=world.centre_hn, actions=["case.view"],
                               reason="Phối hợp")
    services.case_transition(user=user, case=case, to_status=Status.IN_SUPPORT, reason="Hỗ trợ y tế")
    services.reintegration_plan_create(user=user, case=case, starts_on=days_ago(370))
    services.case_transition(user=user, case=case, to_status=Status.FOLLOW_UP, reason="Về nhà")
    for n in range(12):
        services.followup_visit_record(user=user, case=case, visited_on=days_ago(360 - 30 * n),
                                       visitors="Cán bộ xã", place="Nhà", findings=f"Lần {n}")
    return case


@pytest.mark.parametrize("reader", ["caseworker_ls", "manager_ls", "statistician_ls"])
def test_the_case_page_costs_the_same_for_a_short_and_a_long_timeline(
    world, reader, no_panels, django_assert_max_num_queries,
):
    short = services.case_register_reception(
        user=world.caseworker_ls, agency=world.centre_ls, reception_channel=ReceptionChannel.RESCUED,
        received_on=days_ago(10), full_name="Vàng Thị Dua",
    )
    long = _case_with_a_long_history(world)
    if reader == "manager_ls":  # the owner's manager also reads who opened the file
        user = member(world.centre_ls, Role.AGENCY_MANAGER)
    else:
        user = getattr(world, reader)
    client = client_as(user)
    with django_assert_max_num_queries(PAGE_QUERIES):
        few = client.get(reverse("victims:case_detail", args=[short.pk]))
    with django_assert_max_num_queries(PAGE_QUERIES):
        many = client.get(reverse("victims:case_detail", args=[long.pk]))
    assert len(few.context["timeline"]) <= 3 and not few.context["timeline_has_older"]
    # The long one shows its newest entries and links to the whole history.
    assert len(many.context["timeline"]) == TIMELINE_ON_PAGE and many.context["timeline_has_older"]
    assert reverse("victims:case_history", args=[long.pk]) in many.content.decode()
    assert queries(client, reverse("victims:case_detail", args=[short.pk])) == queries(
        client, reverse("victims:case_detail", args=[long.pk]))


@pytest.mark.parametrize("reader", ["caseworker_ls", "statistician_ls"])
def test_the_history_page_lists_every_entry_at_the_same_cost(world, reader, django_assert_max_num_queries):
    short = _received_with_children(world, name="Vàng Thị Dua")
    long = _case_with_a_long_history(world)
    client = client_as(getattr(world, reader))
    with django_assert_max_num_queries(HISTORY_QUERIES):
        few = client.get(reverse("victims:case_history", args=[short.pk]))
    with django_assert_max_num_queries(HISTORY_QUERIES):
        many = client.get(reverse("victims:case_history", args=[long.pk]))
    assert len(few.context["timeline"]) == few.context["page"].paginator.count < TIMELINE_ON_PAGE
    assert many.context["page"].paginator.count > 30  # all of it, where the case page shows 20
    assert many.context["timeline"][0].at >= many.context["timeline"][-1].at  # newest first
    assert queries(client, reverse("victims:case_history", args=[short.pk])) == queries(
        client, reverse("victims:case_history", args=[long.pk]))


def test_registered_panels_do_not_make_the_page_depend_on_the_history(world):
    """With the panels the other apps have registered: a case in follow-up costs the same when it
    has just started and after a year of visits and more (the status stays the same: a panel may
    well show other things for other statuses)."""
    user = world.caseworker_ls
    case = _received_with_children(world)
    services.verification_request(user=user, case=case, police_agency=world.police_ls)
    services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome=IdentificationResult.IDENTIFIED,
        document_type="police_confirmation", document_number="1/XN", document_date=days_ago(390),
        issuing_body="Công an tỉnh Lạng Sơn",
    )
    services.reintegration_plan_create(user=user, case=case, starts_on=days_ago(370))
    services.case_transition(user=user, case=case, to_status=Status.FOLLOW_UP, reason="Về nhà")
    client = client_as(user)
    url = reverse("victims:case_detail", args=[case.pk])
    short = queries(client, url)
    consented(case)
    services.case_grant_access(user=user, case=case, grantee_agency=world.centre_hn, actions=["case.view"],
                               reason="Phối hợp")
    services.consent_record(user=user, case=case, share_with=["police", "health", "social_centre"])
    for n in range(12):
        services.followup_visit_record(user=user, case=case, visited_on=days_ago(360 - 30 * n),
                                       visitors="Cán bộ xã", place="Nhà", findings=f"Lần {n}")
    assert len(client.get(url).context["timeline"]) == TIMELINE_ON_PAGE
    assert queries(client, url) == short
