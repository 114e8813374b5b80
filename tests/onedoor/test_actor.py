"""The actor: a user with several memberships acts for one at a time, with that membership's scope and
rights only; switching is explicit and written to the access log."""

import pytest
from django.urls import reverse

from accounts.actor import Actor, act_as
from accounts.roles import Action, Role
from tests.victims.factories import CaseFactory, agency, member
from victims.models import AccessLog, Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_hats():
    """A caseworker of the Lạng Sơn centre who is also the Hà Nội department's statistician."""
    centre_ls = agency("social_centre", "lang son", code="TT-LS-A")
    department_hn = agency("social_affairs_department", "ha noi", code="SYT-HN-A")
    user = member(centre_ls)
    statistician = user.memberships.create(agency=department_hn, role=Role.STATISTICIAN)
    caseworker = user.memberships.get(agency=centre_ls)
    ls_case = CaseFactory(receiving_agency=centre_ls)
    hn_case = CaseFactory(receiving_agency=agency("social_centre", "ha noi", code="TT-HN-A"))
    return user, caseworker, statistician, ls_case, hn_case


def test_an_unbound_user_acts_through_every_membership(two_hats):
    user, _, _, ls_case, hn_case = two_hats
    assert set(Case.objects.visible_to(user, Action.CASE_VIEW)) == {ls_case, hn_case}


def test_the_actor_sees_only_what_its_membership_allows(two_hats):
    user, caseworker, statistician, ls_case, hn_case = two_hats
    actor = act_as(user, caseworker)
    assert set(Case.objects.visible_to(actor, Action.CASE_VIEW)) == {ls_case}
    assert actor.can(Action.CASE_CREATE) and not actor.can(Action.STATISTICS_VIEW)

    actor = act_as(user, statistician)
    assert set(Case.objects.visible_to(actor, Action.CASE_VIEW)) == {hn_case}
    assert not Case.objects.visible_to(actor, Action.CASE_VIEW_IDENTITY).exists()
    assert not user.can(Action.CASE_CREATE)  # the user object carries the binding


def test_an_actor_for_no_membership_sees_nothing(two_hats):
    user, *_ = two_hats
    assert not Case.objects.visible_to(act_as(user, None), Action.CASE_VIEW).exists()


def test_a_user_cannot_act_through_someone_elses_membership(two_hats):
    user, caseworker, *_ = two_hats
    other = member(caseworker.agency)
    with pytest.raises(ValueError):
        act_as(other, caseworker)


def test_each_request_acts_for_the_membership_chosen_in_the_header(signed_in, two_hats):
    user, caseworker, statistician, ls_case, hn_case = two_hats
    client = signed_in(user)
    response = client.get(reverse("victims:case_list"))
    assert isinstance(response.wsgi_request.actor, Actor)
    chosen = response.wsgi_request.actor.membership
    listed = {case.pk for case in response.context["cases"]}
    assert listed == ({ls_case.pk} if chosen == caseworker else {hn_case.pk})

    client.post(reverse("accounts:switch_membership"), {"membership": statistician.pk})
    response = client.get(reverse("victims:case_list"))
    assert response.wsgi_request.actor.membership == statistician
    assert {case.pk for case in response.context["cases"]} == {hn_case.pk}
    assert client.get(reverse("victims:intake_start")).status_code == 403  # no case.create as statistician
    assert client.get(reverse("victims:case_detail", args=[ls_case.pk])).status_code == 404


def test_switching_membership_is_in_the_access_log(signed_in, two_hats):
    user, _, statistician, *_ = two_hats
    signed_in(user).post(reverse("accounts:switch_membership"), {"membership": statistician.pk})
    row = AccessLog.objects.get(action="membership.switch")
    assert (row.user_id, row.agency_id, row.object_id) == (user.pk, statistician.agency_id, str(statistician.pk))
