"""Every page that shows victim data writes the access log (ids only), and so do refused attempts."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from support.services import loan_create
from tests.support.factories import LAW53, make_case, request_support
from tests.victims.factories import agency, member
from victims.models import AccessLog

pytestmark = pytest.mark.django_db


def logged(action, **filters):
    return set(AccessLog.objects.filter(action=action, **filters).values_list("object_id", flat=True))


@pytest.fixture
def request_(ls, case):
    [support_request] = request_support(ls, case, [(LAW53, "clothing_set", 1)])
    return support_request


def test_the_case_list_and_its_search_log_each_row_shown(signed_in, ls, case):
    other = make_case(owner=ls.centre, full_name="Hà Thị Sen")
    client = signed_in(ls.caseworker)
    client.get(reverse("victims:case_list"))
    assert logged("case.list") == {str(case.pk), str(other.pk)}
    response = client.post(reverse("victims:case_list"), {"q": "sen"}, follow=True)  # a name: posted
    rows = AccessLog.objects.filter(action="case.list", request_id=response["X-Request-ID"])
    assert {row.object_id for row in rows} == {str(other.pk)}
    assert all(row.agency_id == ls.centre.pk and row.user_id == ls.caseworker.pk for row in rows)


def test_the_support_list_and_the_decision_queue_log_their_rows(signed_in, ls, request_):
    signed_in(ls.caseworker).get(reverse("support:request_list"))
    assert logged("support.list", object_type="support.supportrequest") == {str(request_.pk)}
    signed_in(ls.director).get(reverse("support:queue"))  # regimes 1-4: the receiving body decides
    assert logged("support.queue", user=ls.director) == {str(request_.pk)}


def test_downloads_and_detail_pages_log_what_they_show(signed_in, ls, case):
    loan = loan_create(user=ls.caseworker, agency=ls.centre, case=case, lender="social_policy_bank",
                       amount=10_000_000, term_months=12, purpose="Chăn nuôi",
                       applied_on=datetime.date(2025, 9, 20))
    client = signed_in(ls.caseworker)
    client.get(reverse("support:loan_detail", args=[loan.pk]))
    client.get(reverse("victims:case_detail", args=[case.pk]))
    assert logged("support.view", object_type="support.loan") == {str(loan.pk)}
    assert logged("case.view", object_type="victims.case") == {str(case.pk)}


def test_a_refused_attempt_is_logged_without_personal_data(signed_in, ls, case):
    outsider = member(agency("social_centre", "ha noi", code="TT-HN-X"))
    client = signed_in(outsider)
    assert client.get(reverse("victims:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("victims:case_detail", args=[999999])).status_code == 404
    assert client.get(reverse("support:queue")).status_code == 403
    rows = AccessLog.objects.filter(user=outsider, action__startswith="refused.")
    assert sorted((row.object_type, row.object_id, row.action) for row in rows) == [
        ("url:support:queue", "", "refused.403"),
        ("url:victims:case_detail", f"pk={case.pk}", "refused.404"),
        ("url:victims:case_detail", "pk=999999", "refused.404"),
    ]
    assert not AccessLog.objects.filter(user=outsider).exclude(action__startswith="refused.").exists()


def test_the_manager_lists_the_refused_attempts_of_the_agency_only(signed_in, ls, case):
    outsider_agency = agency("social_centre", "ha noi", code="TT-HN-Y")
    outsider = member(outsider_agency, user__full_name="Lê Văn Dò")
    manager = member(outsider_agency, Role.AGENCY_MANAGER)
    signed_in(outsider).get(reverse("victims:case_detail", args=[case.pk]))
    signed_in(ls.caseworker).get(reverse("victims:case_detail", args=[424242]))  # another agency's refusal

    html = signed_in(manager).get(reverse("victims:refused_attempts")).content.decode()
    assert html.count('data-testid="refused-row"') == 1
    assert "Lê Văn Dò" in html and f"pk={case.pk}" in html and "pk=424242" not in html
    assert signed_in(outsider).get(reverse("victims:refused_attempts")).status_code == 403
