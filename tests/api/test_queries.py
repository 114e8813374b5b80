"""Query counts of every API list are pinned, and the same for 5 and 50 rows (one page)."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.actor import act_as
from accounts.models import Agency, ApiToken
from accounts.roles import Role
from config.api.urls import router
from reporting.services import activity_create
from support.services import delivery_record
from tests.api.world import api_for, make_token
from tests.facilities.factories import FacilityFactory, StayFactory
from tests.factories import MembershipFactory, province
from tests.support.factories import LAW53, decide_all, make_case, request_support
from tests.victims.factories import consented
from victims.contacts import contact_record
from victims.models import ContactChannel, ContactKind, ContactOutcome, ServiceKind, SharedPart
from victims.referrals import referral_send

pytestmark = pytest.mark.django_db

# list -> queries for one page: the token, the acting membership's scope sets (victims.scoping.
# actor_sets), the page's count and rows (support requests: + their lines), and the access-log INSERT
# in its savepoint (3).
PINNED = {
    "cases": 7, "persons": 7, "support-requests": 8, "deliveries": 7, "facilities": 7, "stays": 7,
    "referrals": 7, "contacts": 6, "programme-activities": 6,
}
# Lists a ministry client reads (statistician role). statistics: the token and the scope sets, the
# case-level check, the dashboard's statements (tests/reporting/test_queries.py) and the access-log INSERT
# in its savepoint (3); the dataset: the
# token and scope sets, its one statement, the access-log INSERT in its savepoint.
PINNED_MINISTRY = {"statistics": 12, "deidentified-dataset": 6}
# Reports (a ministry client, statistician): the token, the scope sets, the page's count and rows (with
# type, province and agency), and the access-log INSERT in its savepoint (3).
PINNED_REPORTS = {"reports": 7}
# Lists that are actions of a resource (not its router prefix).
PINNED_ACTIONS = {"referrals/sent": 7}


def grow(centre, count):
    recorder = centre.memberships.filter(role=Role.CASEWORKER).first()
    caseworker = recorder.user
    director = MembershipFactory(agency=centre, role=Role.APPROVER).user
    world = SimpleNamespace(caseworker=caseworker, centre=centre)
    other = Agency.objects.get(code="TT-HN")
    other_caseworker = other.memberships.filter(role=Role.CASEWORKER).first().user
    for _ in range(count):
        # A referral to the centre (its inbox), one from it (sent), and a hotline contact it logged.
        incoming = make_case(owner=other)
        consented(incoming)
        referral_send(user=other_caseworker, case=incoming, receiving_agency=centre, reason="Cần tạm trú",
                      services=[ServiceKind.SHELTER], shared_parts=[SharedPart.IDENTITY])
        contact_record(user=caseworker, agency=centre, occurred_at=timezone.now(), channel=ContactChannel.HOTLINE_111,
                       kind=ContactKind.INFORMATION, outcome=ContactOutcome.ANSWERED, caller_name="Người gọi",
                       province=province("lang son"))
        case = make_case(owner=centre)
        consented(case)
        referral_send(user=caseworker, case=case, receiving_agency=other, reason="Cần tạm trú",
                      services=[ServiceKind.SHELTER])
        facility = FacilityFactory(owner_agency=centre, province=province("lang son"))
        StayFactory(case=case, facility=facility)
        [support_request] = request_support(world, case, [(LAW53, "clothing_set", 1)])
        decide_all(director, support_request)
        delivery_record(user=caseworker, agency=centre, line=support_request.lines.get(),
                        delivered_on=timezone.localdate(), method="in_kind", quantity=1)
        activity_create(actor=act_as(caseworker, recorder), kind="communication", held_on=timezone.localdate(),
                        province=province("lang son"), title="Truyền thông", participants=40)
        del caseworker.acting_membership


def _count(api, url):
    # The token's last use is written at most once a minute (one UPDATE): not part of a list's count.
    ApiToken.objects.update(last_used_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()["count"]


def test_every_list_is_pinned():
    assert set(PINNED) | set(PINNED_MINISTRY) | set(PINNED_REPORTS) == {prefix for prefix, _viewset, _basename in router.registry}


def test_list_queries_do_not_grow_with_the_rows(personas):
    centre = personas["centre_caseworker"].agency
    api = api_for(make_token(centre, role=Role.CASEWORKER)[2])
    api.get("/api/v1/")  # the token's first use is recorded once
    grow(centre, 5)
    lists = {**PINNED, **PINNED_ACTIONS}
    small = {prefix: _count(api, f"/api/v1/{prefix}/") for prefix in lists}
    grow(centre, 45)
    large = {prefix: _count(api, f"/api/v1/{prefix}/") for prefix in lists}
    for prefix in lists:
        assert small[prefix][1] >= 5 and large[prefix][1] >= 50, (prefix, small[prefix], large[prefix])
    small_counts = {p: n for p, (n, _rows) in small.items()}
    assert small_counts == {p: n for p, (n, _rows) in large.items()}
    assert small_counts == lists


def _ministry_count(api, prefix):
    ApiToken.objects.update(last_used_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/v1/{prefix}/", {"period": "year-2025", "page_size": 200})
    assert response.status_code == 200, response.content
    body = response.json()
    if prefix == "statistics":
        summary = next(table for table in body["tables"] if table["key"] == "summary")
        return len(queries), summary["rows"][0]["cells"][0]["value"]
    return len(queries), body["count"]


@override_settings(DEIDENTIFIED_DATASET_K=1)
def test_ministry_lists_do_not_grow_with_the_rows(personas):
    centre = personas["centre_caseworker"].agency
    api = api_for(make_token(personas["ministry_analyst"].agency, role=Role.STATISTICIAN)[2])
    api.get("/api/v1/")
    grow(centre, 5)
    small = {prefix: _ministry_count(api, prefix) for prefix in PINNED_MINISTRY}
    grow(centre, 20)
    large = {prefix: _ministry_count(api, prefix) for prefix in PINNED_MINISTRY}
    for prefix in PINNED_MINISTRY:  # two persons a round (make_case: received 10/01/2025)
        assert small[prefix][1] >= 5 and large[prefix][1] >= 50, (prefix, small[prefix], large[prefix])
    small_counts = {p: n for p, (n, _rows) in small.items()}
    assert small_counts == {p: n for p, (n, _rows) in large.items()}
    assert small_counts == PINNED_MINISTRY


def _draft_years(first, last):
    from reporting.report_services import reports_draft_closed_periods

    for year in range(first, last + 1):  # two reports a year for each province's department
        reports_draft_closed_periods(today=datetime.date(year, 12, 20))


def test_the_report_list_does_not_grow_with_the_rows(personas):
    api = api_for(make_token(personas["ministry_analyst"].agency, role=Role.STATISTICIAN)[2])
    api.get("/api/v1/")
    _draft_years(2024, 2025)
    small = _count(api, "/api/v1/reports/")
    _draft_years(2012, 2023)
    large = _count(api, "/api/v1/reports/")
    assert small[1] >= 5 and large[1] >= 50, (small, large)
    assert small[0] == large[0] == PINNED_REPORTS["reports"]
