"""Who sees which facility, address, stay, licence and inspection (fail closed; leak tests assert the
out-of-scope rows exist before asserting they are not returned)."""

import pytest

from accounts.roles import Action, Role
from facilities import selectors
from facilities.models import Facility, Inspection, Licence, Stay
from tests.victims.factories import CaseAccessGrantFactory, CaseFactory, agency, member

from .factories import InspectionFactory, LicenceFactory, StayFactory

pytestmark = pytest.mark.django_db


def visible(user, action=Action.FACILITY_VIEW):
    return set(Facility.objects.visible_to(user, action))


def test_the_owner_and_the_department_of_the_province_see_a_facility(world):
    assert visible(world.caseworker) == {world.facility}
    assert visible(world.director) == {world.facility}
    assert visible(world.approver) == {world.facility}
    assert visible(world.statistician) == {world.facility}
    assert visible(world.approver_hn) == {world.facility_hn}


def test_nobody_else_sees_facilities_there_is_no_public_list(world):
    ministry = member(agency("ministry", None), Role.MINISTRY_ANALYST)
    partner = member(agency("partner_organisation", "ha noi"), Role.PARTNER_API)
    assert Facility.objects.count() == 2  # the rows exist ...
    for user in (world.border_guard, ministry, partner, member(agency("police", "lang son"))):
        assert visible(user) == set()  # ... and are not returned
    from tests.factories import UserFactory

    assert visible(UserFactory()) == set()


def test_a_case_holding_agency_sees_the_facility_where_its_victim_stays_but_not_the_rest(world):
    border_case = CaseFactory(receiving_agency=world.border_ls, created_by=world.border_guard)
    own_stay = StayFactory(facility=world.facility, case=border_case)
    other_stay = StayFactory(facility=world.facility, case=world.case)
    LicenceFactory(facility=world.facility)
    InspectionFactory(facility=world.facility, lead_agency=world.department_ls)

    assert visible(world.border_guard) == {world.facility}
    assert visible(world.border_guard, Action.FACILITY_VIEW_ADDRESS) == set()
    assert set(Stay.objects.visible_to(world.border_guard, Action.FACILITY_VIEW)) == {own_stay}
    assert other_stay in Stay.objects.all()
    assert Licence.objects.exists() and not Licence.objects.visible_to(world.border_guard, Action.FACILITY_VIEW).exists()
    assert Inspection.objects.exists() and not Inspection.objects.visible_to(world.border_guard, Action.FACILITY_VIEW).exists()
    facility = selectors.facility_get(user=world.border_guard, pk=world.facility.pk)
    assert not facility.address_visible and not facility.full_access


def test_an_agency_sees_the_stay_only_when_the_share_names_facility_view(world):
    stay = StayFactory(facility=world.facility, case=world.case)
    police = agency("police", "lang son")
    officer = member(police)
    assert not Stay.objects.visible_to(officer, Action.FACILITY_VIEW).exists()
    CaseAccessGrantFactory(case=world.case, grantee_agency=police, actions=["case.view"])
    assert not Stay.objects.visible_to(officer, Action.FACILITY_VIEW).exists()  # the case, not the stay
    CaseAccessGrantFactory(case=world.case, grantee_agency=police, actions=["case.view", "facility.view"])
    assert set(Stay.objects.visible_to(officer, Action.FACILITY_VIEW)) == {stay}


def test_addresses_only_for_roles_with_the_address_action_in_scope(world):
    assert visible(world.caseworker, Action.FACILITY_VIEW_ADDRESS) == {world.facility}
    assert visible(world.approver, Action.FACILITY_VIEW_ADDRESS) == {world.facility}
    assert visible(world.statistician, Action.FACILITY_VIEW_ADDRESS) == set()  # department, but no need
    assert visible(world.approver_hn, Action.FACILITY_VIEW_ADDRESS) == {world.facility_hn}


def test_actions_have_their_own_paths(world):
    # Licensing and inspection: the department only; admission: the facility's agency only.
    assert visible(world.director, Action.FACILITY_LICENSE) == set()
    assert visible(world.approver, Action.FACILITY_LICENSE) == {world.facility}
    assert visible(world.director, Action.FACILITY_INSPECT) == set()
    assert visible(world.caseworker, Action.STAY_MANAGE) == {world.facility}
    assert visible(world.approver, Action.STAY_MANAGE) == set()
    assert visible(world.director, Action.STAY_EXTEND) == {world.facility}
    assert visible(world.approver, Action.STAY_EXTEND) == {world.facility}
    assert visible(world.caseworker, Action.STAY_EXTEND) == set()
    assert visible(world.department_manager, Action.FACILITY_MANAGE) == {world.facility}
    assert visible(world.caseworker, Action.FACILITY_MANAGE) == set()


def test_inactive_memberships_see_nothing(world):
    membership = world.caseworker.memberships.get()
    membership.is_active = False
    membership.save()
    assert visible(world.caseworker) == set()


def test_resident_names_are_masked_without_identity_access(world):
    StayFactory(facility=world.facility, case=world.case)
    (stay,) = selectors.stay_list(user=world.statistician)
    assert selectors.resident_name(stay) == "L. T. M."
    (stay,) = selectors.stay_list(user=world.caseworker)
    assert selectors.resident_name(stay) == "Lò Thị Mai"


def test_searching_by_name_needs_identity_access(world):
    StayFactory(facility=world.facility, case=world.case)
    assert selectors.stay_list(user=world.caseworker, q="lo thi").count() == 1
    assert selectors.stay_list(user=world.statistician, q="lo thi").count() == 0
    assert selectors.stay_list(user=world.statistician, q=world.case.case_number).count() == 1
