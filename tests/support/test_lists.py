"""Lists: scoped (out-of-scope rows exist and are not shown), masked, and a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from support.models import RequestStatus
from support.selectors import decision_queue, request_list, support_summary_for_case
from tests.support.factories import LAW53, decide_all, make_case, request_support
from tests.victims.factories import agency, member

pytestmark = pytest.mark.django_db


def fill(ls, count, **kwargs):
    for _ in range(count):
        case = make_case(owner=ls.centre, **kwargs)
        # regimes 5-6: the items that go to the provincial department's queue under Law 53/2024
        [request] = request_support(ls, case, [(LAW53, "vocational_training", 1, 3_000_000),
                                               (LAW53, "job_counselling", 1, 0)])
    return request


@pytest.fixture
def hanoi():
    centre = agency("social_centre", "ha noi")
    department = agency("social_affairs_department", "ha noi")
    world = type("W", (), {})()
    world.centre, world.department = centre, department
    world.caseworker, world.approver = member(centre), member(department, Role.APPROVER)
    case = make_case(owner=centre, home="ha noi")
    [world.request] = request_support(world, case, [(LAW53, "vocational_training", 1, 3_000_000)])
    return world


def test_lists_show_only_requests_in_scope(ls, hanoi):
    mine = fill(ls, 1)
    assert hanoi.request.pk  # the out-of-scope row exists
    assert [r.pk for r in request_list(user=ls.caseworker)] == [mine.pk]
    assert [r.pk for r in request_list(user=ls.approver)] == [mine.pk]
    assert [r.pk for r in decision_queue(user=ls.approver)] == [mine.pk]
    assert [r.pk for r in decision_queue(user=hanoi.approver)] == [hanoi.request.pk]
    assert list(request_list(user=member(agency("police", "lang son")))) == []


def test_names_are_masked_for_users_without_identity_access(ls):
    case = make_case(owner=ls.centre, full_name="Lò Thị Mai")
    request_support(ls, case, [(LAW53, "clothing_set", 1)])
    statistician = member(ls.department, Role.STATISTICIAN)
    assert list(request_list(user=statistician)) == []  # no support.view at all
    manager = member(ls.department, Role.AGENCY_MANAGER)
    [row] = request_list(user=manager)
    assert row.identity_visible  # managers may see identities in their province


def test_the_queue_is_sorted_by_deadline_and_marks_overdue(ls, signed_in):
    today = datetime.date.today()
    old = make_case(owner=ls.centre, received_on=today - datetime.timedelta(days=90))
    [late] = request_support(ls, old, [(LAW53, "vocational_training", 1, 3_000_000)],
                             on=today - datetime.timedelta(days=40))
    recent = make_case(owner=ls.centre, received_on=today - datetime.timedelta(days=5))
    [fresh] = request_support(ls, recent, [(LAW53, "vocational_training", 1, 3_000_000)],
                              on=today - datetime.timedelta(days=1))
    page = signed_in(ls.approver).get(reverse("support:queue"))
    rows = list(page.context["page"])
    assert [r.pk for r in rows] == [late.pk, fresh.pk]
    assert rows[0].days_left < 0 < rows[1].days_left
    assert page.content.decode().count('data-testid="overdue"') == 1


def test_decided_requests_leave_the_queue_and_own_requests_never_enter_it(ls, case):
    both = member(ls.department, Role.CASEWORKER)
    member(ls.department, Role.APPROVER, user=both)
    [own] = request_support(ls, case, [(LAW53, "clothing_set", 1)], user=both, agency=ls.department)
    assert own not in decision_queue(user=both)
    decide_all(ls.approver, own)
    assert list(decision_queue(user=ls.approver)) == []
    assert own.pk in [r.pk for r in request_list(user=ls.caseworker, status=RequestStatus.APPROVED)]


@pytest.mark.parametrize(("url_name", "user_attr"), [
    ("support:request_list", "caseworker"), ("support:request_list", "approver"), ("support:queue", "approver"),
])
def test_list_pages_make_the_same_number_of_queries_for_1_or_25_rows(ls, signed_in, url_name, user_attr):
    client = signed_in(getattr(ls, user_attr))
    url = reverse(url_name)
    fill(ls, 1)
    client.get(url)  # warm up the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    fill(ls, 24)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
    assert len(many) == len(few), [q["sql"] for q in many][len(few):]


def test_list_pages_have_a_pinned_query_budget(ls, signed_in, django_assert_max_num_queries):
    fill(ls, 25)
    caseworker = signed_in(ls.caseworker)
    caseworker.get(reverse("support:request_list"))
    with django_assert_max_num_queries(16):  # session, user, memberships, scope, 1 page + count + 2 prefetches
        caseworker.get(reverse("support:request_list"))
    approver = signed_in(ls.approver)
    approver.get(reverse("support:queue"))
    with django_assert_max_num_queries(15):
        approver.get(reverse("support:queue"))


def test_the_case_support_page_has_a_pinned_query_budget(ls, signed_in, django_assert_max_num_queries):
    case = make_case(owner=ls.centre)
    for code in ("clothing_set", "underwear_set", "winter_clothing"):
        [request] = request_support(ls, case, [(LAW53, code, 1)])
        decide_all(ls.director, request)
    client = signed_in(ls.caseworker)
    client.get(reverse("support:case_support", args=[case.pk]))
    with django_assert_max_num_queries(33):
        assert client.get(reverse("support:case_support", args=[case.pk])).status_code == 200


def test_the_summary_is_none_for_users_who_may_not_see_support(ls, case):
    police = member(agency("police", "lang son"))
    assert support_summary_for_case(police, case) is None
    assert support_summary_for_case(ls.caseworker, case) is not None
