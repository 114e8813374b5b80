import pytest

from accounts.models import Agency, AgencyType, Membership
from accounts.roles import ROLE_ACTIONS, STAFF_ROLES, Action, Role, role_allows
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_has_a_row_in_the_action_table():
    assert set(ROLE_ACTIONS) == set(Role)


def test_statistics_roles_never_see_identities():
    for role in (Role.STATISTICIAN, Role.MINISTRY_ANALYST, Role.PARTNER_API, Role.SYSTEM_ADMIN):
        assert not role_allows(role, Action.CASE_VIEW_IDENTITY)


def test_only_approvers_decide_support():
    deciders = {role for role in Role if role_allows(role, Action.SUPPORT_DECIDE)}
    assert deciders == {Role.APPROVER}


def test_agency_types_of_the_domain_are_seeded_in_two_languages():
    codes = set(AgencyType.objects.values_list("code", flat=True))
    assert {"border_guard", "police", "immigration", "mission_abroad", "commune_committee",
            "social_affairs_department", "social_centre", "victim_support_facility", "ministry",
            "partner_organisation"} <= codes
    assert not AgencyType.objects.filter(name_vi="").exists()
    assert not AgencyType.objects.filter(name_en="").exists()


def test_a_user_may_act_for_several_agencies_with_different_roles():
    user = UserFactory()
    centre, department = AgencyFactory(), AgencyFactory(type=AgencyType.objects.get(code="social_affairs_department"))
    MembershipFactory(user=user, agency=centre, role=Role.CASEWORKER)
    MembershipFactory(user=user, agency=department, role=Role.STATISTICIAN)

    assert user.can(Action.CASE_CREATE)
    assert user.can(Action.CASE_CREATE, agency=centre)
    assert not user.can(Action.CASE_CREATE, agency=department)
    assert user.can(Action.STATISTICS_VIEW, agency=department)


def test_inactive_memberships_and_agencies_grant_nothing():
    inactive = MembershipFactory(is_active=False)
    assert not inactive.user.can(Action.CASE_VIEW)
    closed = MembershipFactory(agency__is_active=False)
    assert not closed.user.can(Action.CASE_VIEW)


def test_two_factor_is_required_for_staff_roles_and_api_clients_never_use_the_pages():
    assert Role.PARTNER_API not in STAFF_ROLES
    assert MembershipFactory(role=Role.CASEWORKER).user.requires_two_factor
    assert not MembershipFactory(role=Role.PARTNER_API).user.may_use_browser
    assert UserFactory(is_staff=True).requires_two_factor


def test_the_same_role_twice_in_one_agency_is_refused():
    membership = MembershipFactory()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, agency=membership.agency, role=membership.role)


def test_agency_names_are_stored_in_nfc_and_folded_for_search():
    decomposed = "Trung tâm Công tác xã hội Đà Nẵng".encode().decode()
    import unicodedata

    agency = AgencyFactory(name=unicodedata.normalize("NFD", decomposed))
    agency.refresh_from_db()
    assert agency.name == unicodedata.normalize("NFC", decomposed)
    assert Agency.objects.filter(name_folded__contains="da nang").get() == agency
