"""Admission, extension, discharge and transfer of residents (lưu trú)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from facilities import policy, selectors, services
from facilities.choices import (
    DischargeDestination,
    FacilityStatus,
    FacilityType,
    GenderPolicy,
    Service,
)
from facilities.models import Stay, StayExtension
from tests.victims.factories import CaseChildFactory, CaseFactory, PersonFactory, consented
from victims.models import CaseAccessGrant, Sex, SharingParty
from victims.workflow import Status

from .factories import FacilityFactory, LicenceFactory, StayFactory, days_ago, today

pytestmark = pytest.mark.django_db


def admit(world, persons=None, facility=None, user=None, case=None, **overrides):
    case = case or world.case
    fields = {
        "user": user or world.caseworker, "facility": facility or world.facility, "case": case,
        "persons": persons if persons is not None else [case.person],
        "admitted_on": days_ago(3), "admission_reason": "Cần nơi ở an toàn", "room": "P1", "bed": "G1",
    }
    return services.stay_admit(**{**fields, **overrides})


def codes(error: ValidationError, field: str) -> list[str]:
    return [e.code for e in error.error_dict.get(field, [])]


# Admission -------------------------------------------------------------------------------------

def test_a_victim_and_her_child_are_admitted_together_each_taking_a_bed(world):
    mother, child = admit(world, persons=[world.case.person, world.child])

    assert mother.person == world.case.person and mother.accompanying is None
    assert child.person == world.child and child.accompanying == mother
    assert child.ends_on == mother.ends_on
    assert Service.ACCOMMODATION in mother.services
    assert Stay.objects.current().filter(facility=world.facility).count() == 2


def test_the_maximum_stay_is_the_one_of_the_policy_in_force_on_the_admission_date(world):
    assert policy.max_stay_days(datetime.date(2025, 6, 30)) == 60
    assert policy.max_stay_days(datetime.date(2025, 7, 1)) == 120

    stay = admit(world)[0]
    expected = policy.max_stay_days(stay.admitted_on)
    assert stay.max_stay_days == expected
    assert stay.ends_on == stay.admitted_on + datetime.timedelta(days=expected - 1)  # admission day is day 1
    assert stay.policy_code == policy.policy_code(stay.admitted_on)


def test_an_admission_under_the_old_decree_allows_60_days(world):
    case = CaseFactory(receiving_agency=world.centre_ls, received_on=datetime.date(2025, 6, 1), created_by=world.caseworker)
    stay = admit(world, case=case, admitted_on=datetime.date(2025, 6, 20))[0]
    assert (stay.max_stay_days, stay.ends_on, stay.policy_code) == (60, datetime.date(2025, 8, 18), "ND-09-2013")


def test_capacity_is_never_exceeded(world):
    world.facility.beds = 2
    world.facility.save()
    admit(world, persons=[world.case.person, world.child])
    other = CaseFactory(receiving_agency=world.centre_ls, created_by=world.caseworker)

    with pytest.raises(ValidationError) as error:
        admit(world, case=other)
    assert codes(error.value, "persons") == ["capacity"]
    assert "0" in str(error.value.error_dict["persons"][0].message % error.value.error_dict["persons"][0].params)


def test_a_child_counts_a_bed_so_mother_and_child_need_two(world):
    world.facility.beds = 1
    world.facility.save()
    with pytest.raises(ValidationError) as error:
        admit(world, persons=[world.case.person, world.child])
    assert codes(error.value, "persons") == ["capacity"]
    assert not Stay.objects.exists()


def test_a_child_alone_is_admitted_only_where_the_mother_stays(world):
    with pytest.raises(ValidationError) as error:
        admit(world, persons=[world.child])
    assert codes(error.value, "persons") == ["without_parent"]

    mother = admit(world)[0]
    child = admit(world, persons=[world.child])[0]
    assert child.accompanying == mother and child.ends_on == mother.ends_on


def test_only_persons_of_the_case_can_be_admitted(world):
    stranger = PersonFactory()
    with pytest.raises(ValidationError) as error:
        admit(world, persons=[world.case.person, stranger])
    assert codes(error.value, "persons") == ["not_in_case"]


def test_a_person_has_one_current_stay_at_a_time(world):
    admit(world)
    with pytest.raises(ValidationError) as error:
        admit(world)
    assert codes(error.value, "persons") == ["already_staying"]


def test_a_facility_cannot_admit_for_a_service_outside_its_scope(world):
    world.facility.services = [Service.ACCOMMODATION, Service.ESSENTIAL_NEEDS]
    world.facility.save()
    with pytest.raises(ValidationError) as error:
        admit(world, services=[Service.MEDICAL])
    assert codes(error.value, "services") == ["outside_scope"]
    assert "Medical care" in str(error.value) or "Chăm sóc y tế" in str(error.value)


def test_a_licensed_shelter_admits_only_within_its_licence(world):
    licence = LicenceFactory(facility__owner_agency=world.centre_ls, services=[Service.ACCOMMODATION, Service.PSYCHOLOGICAL],
                             capacity=1)
    shelter = licence.facility
    with pytest.raises(ValidationError) as error:
        admit(world, facility=shelter, services=[Service.LEGAL_AID])
    assert codes(error.value, "services") == ["outside_scope"]

    admit(world, facility=shelter, services=[Service.PSYCHOLOGICAL])
    # The licensed capacity (1) caps the beds (10).
    other = CaseFactory(receiving_agency=world.centre_ls, created_by=world.caseworker)
    with pytest.raises(ValidationError) as error:
        admit(world, facility=shelter, case=other)
    assert codes(error.value, "persons") == ["capacity"]


@pytest.mark.parametrize("state", ["none", "suspended", "expired"])
def test_a_shelter_without_a_valid_licence_admits_no_one(world, state):
    shelter = FacilityFactory(owner_agency=world.centre_ls, type=FacilityType.NGO_SHELTER)
    if state == "suspended":
        LicenceFactory(facility=shelter, status="suspended")
    elif state == "expired":
        LicenceFactory(facility=shelter, issued_on=days_ago(2000), valid_until=days_ago(10))
    with pytest.raises(ValidationError) as error:
        admit(world, facility=shelter)
    assert codes(error.value, "facility") == ["no_licence"]


def test_a_women_only_facility_does_not_admit_a_man_but_takes_boys_with_their_mother(world):
    man = CaseFactory(receiving_agency=world.centre_ls, person__sex=Sex.MALE, person__full_name="Hoàng Văn Nam",
                      created_by=world.caseworker)
    with pytest.raises(ValidationError) as error:
        admit(world, case=man)
    assert codes(error.value, "persons") == ["gender"]
    assert world.facility.gender_policy == GenderPolicy.WOMEN_ONLY
    assert len(admit(world, persons=[world.case.person, world.child])) == 2  # the child is a boy


def test_a_facility_without_children_refuses_them(world):
    world.facility.accepts_children = False
    world.facility.save()
    with pytest.raises(ValidationError) as error:
        admit(world, persons=[world.case.person, world.child])
    assert codes(error.value, "persons") == ["no_children"]


def test_a_suspended_facility_or_a_closed_case_admits_no_one(world):
    world.facility.status = FacilityStatus.SUSPENDED
    world.facility.save()
    with pytest.raises(ValidationError) as error:
        admit(world)
    assert codes(error.value, "facility") == ["not_active"]

    world.facility.status = FacilityStatus.ACTIVE
    world.facility.save()
    world.case.status = Status.CLOSED
    world.case.save()
    with pytest.raises(ValidationError) as error:
        admit(world)
    assert codes(error.value, "case") == ["closed"]


def test_admission_dates_and_reason_are_checked(world):
    with pytest.raises(ValidationError) as error:
        admit(world, admitted_on=today() + datetime.timedelta(days=1), admission_reason=" ")
    assert codes(error.value, "admitted_on") == ["future"]
    assert codes(error.value, "admission_reason") == ["required"]
    with pytest.raises(ValidationError) as error:
        admit(world, admitted_on=world.case.received_on - datetime.timedelta(days=1))
    assert codes(error.value, "admitted_on") == ["too_early"]


def test_only_the_facility_agency_admits_and_only_cases_it_may_see(world):
    with pytest.raises(Http404):
        admit(world, user=world.border_guard)  # a case holder, not the facility's agency
    with pytest.raises(Http404):
        admit(world, user=world.approver)  # the department licenses; it does not admit
    hidden = CaseFactory(created_by=world.caseworker_hn, receiving_agency=world.centre_hn)
    with pytest.raises(Http404):
        admit(world, case=hidden)  # the centre may not see this case
    assert not Stay.objects.exists()


def test_an_admission_is_in_the_case_history(world):
    from victims.history import case_history

    mother, _child = admit(world, persons=[world.case.person, world.child])
    events = [e for e in case_history(world.caseworker, world.case) if e.pgh_model == "facilities.StayEvent"]
    assert [e.pgh_label for e in events] == ["insert", "insert"]
    assert {e.pgh_data["person_id"] for e in events} == {world.case.person.pk, world.child.pk}
    assert all(e.actor == world.caseworker for e in events)


# Extension ---------------------------------------------------------------------------------------

def test_an_extension_is_a_decision_with_a_reason_and_a_new_end_date(world):
    mother, child = admit(world, persons=[world.case.person, world.child])
    new_end = mother.ends_on + datetime.timedelta(days=30)

    extension = services.stay_extend(user=world.director, stay=mother, new_ends_on=new_end,
                                     reason="Chờ xác minh gia đình", decision_number="12/QĐ-TT")

    assert (extension.previous_ends_on, extension.new_ends_on) == (mother.ends_on, new_end)
    assert extension.decided_by == world.director and extension.decided_by_agency == world.centre_ls
    mother.refresh_from_db()
    child.refresh_from_db()
    assert mother.ends_on == child.ends_on == new_end


def test_the_department_may_extend_but_not_a_caseworker_nor_another_province(world):
    stay = admit(world)[0]
    extension = services.stay_extend(user=world.approver, stay=stay, new_ends_on=stay.ends_on + datetime.timedelta(days=5),
                                     reason="Quyết định của Sở")
    assert extension.decided_by_agency == world.department_ls
    for user in (world.caseworker, world.approver_hn, world.border_guard):
        with pytest.raises(Http404):
            services.stay_extend(user=user, stay=stay, new_ends_on=stay.ends_on + datetime.timedelta(days=60), reason="x")


def test_the_extension_is_recorded_for_the_agency_the_user_acts_for(world):
    from accounts.models import Membership
    from accounts.roles import Role

    Membership.objects.create(user=world.approver, agency=world.centre_ls, role=Role.AGENCY_MANAGER)
    stay = admit(world)[0]
    as_department = services.stay_extend(user=world.approver, stay=stay, acting_agency=world.department_ls,
                                         new_ends_on=stay.ends_on + datetime.timedelta(days=5), reason="Sở quyết định")
    as_director = services.stay_extend(user=world.approver, stay=stay, acting_agency=world.centre_ls,
                                       new_ends_on=stay.ends_on + datetime.timedelta(days=9), reason="Giám đốc quyết định")
    assert (as_department.decided_by_agency, as_director.decided_by_agency) == (world.department_ls, world.centre_ls)


def test_an_extension_must_move_the_end_later_and_give_a_reason(world):
    mother, child = admit(world, persons=[world.case.person, world.child])
    with pytest.raises(ValidationError) as error:
        services.stay_extend(user=world.director, stay=mother, new_ends_on=mother.ends_on, reason="")
    assert codes(error.value, "new_ends_on") == ["not_later"]
    assert codes(error.value, "reason") == ["required"]
    with pytest.raises(ValidationError) as error:
        services.stay_extend(user=world.director, stay=child, new_ends_on=child.ends_on + datetime.timedelta(days=1),
                             reason="x")
    assert codes(error.value, "stay") == ["child"]
    assert not StayExtension.objects.exists()


# Discharge ---------------------------------------------------------------------------------------

def test_the_children_leave_with_their_mother(world):
    mother, child = admit(world, persons=[world.case.person, world.child])
    rows = services.stay_discharge(user=world.caseworker, stay=mother, discharged_on=today(),
                                   destination=DischargeDestination.FAMILY, note="Gia đình đón về")
    assert {r.pk for r in rows} == {mother.pk, child.pk}
    for stay in (mother, child):
        stay.refresh_from_db()
        assert (stay.discharged_on, stay.destination, stay.discharged_by) == (today(), "family", world.caseworker)
    assert Stay.objects.current().count() == 0


def test_a_child_may_leave_alone_and_the_mother_stays(world):
    mother, child = admit(world, persons=[world.case.person, world.child])
    services.stay_discharge(user=world.caseworker, stay=child, discharged_on=today(),
                            destination=DischargeDestination.OTHER, destination_detail="Ông bà ngoại nhận nuôi")
    mother.refresh_from_db()
    assert mother.is_current


def test_discharge_checks(world):
    stay = admit(world)[0]
    with pytest.raises(ValidationError) as error:
        services.stay_discharge(user=world.caseworker, stay=stay, discharged_on=stay.admitted_on - datetime.timedelta(days=1),
                                destination="nowhere")
    assert codes(error.value, "discharged_on") == ["too_early"]
    assert codes(error.value, "destination") == ["required"]
    with pytest.raises(ValidationError) as error:
        services.stay_discharge(user=world.caseworker, stay=stay, discharged_on=today(),
                                destination=DischargeDestination.OTHER_FACILITY)
    assert codes(error.value, "destination_detail") == ["required"]
    services.stay_discharge(user=world.caseworker, stay=stay, discharged_on=today(), destination="family")
    with pytest.raises(ValidationError) as error:
        services.stay_discharge(user=world.caseworker, stay=stay, discharged_on=today(), destination="family")
    assert codes(error.value, "stay") == ["discharged"]


# Transfer ----------------------------------------------------------------------------------------

def test_a_transfer_moves_mother_and_child_keeps_the_end_date_and_shares_the_case(world):
    mother, child = admit(world, persons=[world.case.person, world.child])
    target = FacilityFactory(owner_agency=world.ngo_ls, name="Nhà tạm lánh", beds=2)
    consented(world.case, SharingParty.PARTNER_ORGANISATION)

    new_mother, new_child = services.stay_transfer(user=world.caseworker, stay=mother, to_facility=target,
                                                   transferred_on=today(), reason="Cần hỗ trợ tâm lý chuyên sâu")

    mother.refresh_from_db()
    assert mother.destination == DischargeDestination.OTHER_FACILITY and mother.destination_facility == target
    assert new_mother.facility == target and new_mother.transferred_from == mother
    assert new_child.accompanying == new_mother and new_child.transferred_from == child
    assert new_mother.ends_on == mother.ends_on  # a transfer does not restart the maximum stay
    grant = CaseAccessGrant.objects.get(case=world.case, grantee_agency=world.ngo_ls)
    assert "case.view_identity" in grant.actions and grant.revoked_at is None


def test_a_transfer_beyond_the_victims_consent_is_refused_and_moves_nobody(world):
    mother, _child = admit(world, persons=[world.case.person, world.child])
    target = FacilityFactory(owner_agency=world.ngo_ls, name="Nhà tạm lánh", beds=2)
    consented(world.case, SharingParty.SOCIAL_CENTRE)  # not partner organisations
    stays_before = Stay.objects.count()
    with pytest.raises(ValidationError) as error:
        services.stay_transfer(user=world.caseworker, stay=mother, to_facility=target, transferred_on=today(),
                               reason="Cần hỗ trợ tâm lý chuyên sâu")
    assert codes(error.value, "to_facility") == ["no_consent"]
    mother.refresh_from_db()
    assert mother.is_current and Stay.objects.count() == stays_before
    assert not CaseAccessGrant.objects.filter(case=world.case, grantee_agency=world.ngo_ls).exists()


def test_a_transfer_needs_free_beds_at_the_target(world):
    mother, _child = admit(world, persons=[world.case.person, world.child])
    target = FacilityFactory(owner_agency=world.ngo_ls, beds=1)
    with pytest.raises(ValidationError) as error:
        services.stay_transfer(user=world.caseworker, stay=mother, to_facility=target, transferred_on=today(), reason="x")
    assert codes(error.value, "to_facility") == ["capacity"]
    mother.refresh_from_db()
    assert mother.is_current


def test_transfer_targets_are_in_the_province_or_the_victims_home_province(world):
    stay = admit(world)[0]
    home = FacilityFactory(province=world.ha_noi)
    world.case.person.home_province = world.ha_noi
    world.case.person.save()
    elsewhere = FacilityFactory(province=world.lang_son.__class__.objects.provinces().get(name_folded__endswith="nghe an"))
    stay = selectors.stay_get(user=world.caseworker, pk=stay.pk)
    targets = set(selectors.transfer_targets(user=world.caseworker, stay=stay))
    assert home in targets and world.facility not in targets and elsewhere not in targets
    with pytest.raises(Http404):
        services.stay_transfer(user=world.caseworker, stay=stay, to_facility=elsewhere, transferred_on=today(), reason="x")


# Warning list ------------------------------------------------------------------------------------

def test_the_warning_list_shows_stays_near_or_past_the_limit(world):
    past = StayFactory(facility=world.facility, case=CaseFactory(receiving_agency=world.centre_ls),
                       admitted_on=days_ago(130))
    near = StayFactory(facility=world.facility, case=CaseFactory(receiving_agency=world.centre_ls),
                       admitted_on=days_ago(110))
    far = StayFactory(facility=world.facility, case=CaseFactory(receiving_agency=world.centre_ls),
                      admitted_on=days_ago(10))
    done = StayFactory(facility=world.facility, case=CaseFactory(receiving_agency=world.centre_ls),
                       admitted_on=days_ago(200), discharged_on=days_ago(1), destination="family")
    child_case = CaseChildFactory(case=past.case)
    StayFactory(facility=world.facility, case=past.case, person=child_case.person, accompanying=past,
                admitted_on=past.admitted_on, ends_on=past.ends_on)

    warned = list(selectors.stays_near_limit(user=world.caseworker))
    assert warned == [past, near]  # most urgent first; the child counts with her mother
    assert warned[0].companion_count == 1
    assert far not in warned and done not in warned
    assert past.is_past_limit() and not near.is_past_limit()
    assert selectors.stays_near_limit(user=world.caseworker_hn).count() == 0


def test_in_stay_on_tells_support_whether_a_person_stayed_on_a_day(world):
    stay = StayFactory(facility=world.facility, case=world.case, admitted_on=days_ago(20), discharged_on=days_ago(5),
                       destination="family")
    person = stay.person
    assert selectors.in_stay_on(user=world.caseworker, person=person, day=days_ago(10))
    assert selectors.in_stay_on(user=world.caseworker, person=person, day=days_ago(5))
    assert not selectors.in_stay_on(user=world.caseworker, person=person, day=days_ago(4))
    assert not selectors.in_stay_on(user=world.caseworker, person=person, day=days_ago(21))
    assert not selectors.in_stay_on(user=world.caseworker_hn, person=person, day=days_ago(10))  # out of scope
