"""Licensing: application → appraisal (department) → decision (chairman) → licence → renewal,
suspension, revocation; deadlines in working days per the policy version."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from facilities import policy, selectors, services
from facilities.choices import (
    ApplicationStatus,
    FacilityStatus,
    FacilityType,
    LicenceStatus,
    Service,
)
from facilities.models import Licence, LicenceStatusChange
from support import working_days

from .factories import FacilityFactory, LicenceFactory, days_ago, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter(world):
    return FacilityFactory(owner_agency=world.ngo_ls, type=FacilityType.NGO_SHELTER, name="Ngôi nhà Bình yên LS",
                           beds=12)


def apply(world, shelter, user=None, **overrides):
    fields = {
        "user": user or world.approver, "facility": shelter, "applicant": "Hội LHPN tỉnh Lạng Sơn",
        "submitted_on": days_ago(2), "proposed_services": [Service.ACCOMMODATION, Service.PSYCHOLOGICAL],
        "proposed_capacity": 10, "documents": ["application_form", "staff_list"],
    }
    return services.licence_apply(**{**fields, **overrides})


def grant(world, application, **overrides):
    fields = {
        "user": world.approver, "application": application, "decided_on": today(), "granted": True,
        "decision_number": "123/QĐ-UBND", "decision_signer": "Chủ tịch UBND tỉnh", "licence_number": "05/GP-UBND",
        "valid_until": today() + datetime.timedelta(days=3 * 365),
    }
    return services.application_decide(**{**fields, **overrides})


def codes(error, field):
    return [e.code for e in error.error_dict.get(field, [])]


def test_the_full_workflow_issues_a_licence_with_its_scope(world, shelter):
    application = apply(world, shelter)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.appraisal_due == working_days.add_working_days(
        application.submitted_on, policy.licence_appraisal_working_days(application.submitted_on))

    services.application_appraise(user=world.approver, application=application, appraised_on=today(), recommend=True,
                                  note="Đủ điều kiện")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPRAISED
    assert application.decision_due == working_days.add_working_days(today(), policy.licence_decision_working_days(
        application.submitted_on))

    grant(world, application, services=[Service.ACCOMMODATION])
    application.refresh_from_db()
    licence = application.licence
    assert application.status == ApplicationStatus.GRANTED
    assert (licence.number, licence.services, licence.capacity, licence.status) == (
        "05/GP-UBND", [Service.ACCOMMODATION], 10, LicenceStatus.ACTIVE)
    assert licence.status_changes.get().kind == "issued"
    assert selectors.service_scope(shelter, today()) == {Service.ACCOMMODATION}


def test_deadlines_follow_the_policy_version_of_the_submission_date():
    # ND-09-2013: appraisal 15 working days, decision 7; LAW-53-2024: 5 and 3.
    assert policy.licence_appraisal_working_days(datetime.date(2025, 6, 30)) == 15
    assert policy.licence_decision_working_days(datetime.date(2025, 6, 30)) == 7
    assert policy.licence_appraisal_working_days(datetime.date(2025, 7, 1)) == 5
    assert policy.licence_decision_working_days(datetime.date(2025, 7, 1)) == 3


def test_an_application_filed_before_tet_is_due_after_the_holiday(world, shelter):
    # Friday 13/2/2026; Tết holidays 16–20/2/2026: 5 working days end on Friday 27/2.
    application = apply(world, shelter, submitted_on=datetime.date(2026, 2, 13))
    assert application.appraisal_due == datetime.date(2026, 2, 27)


def test_overdue_steps_are_flagged(world, shelter):
    application = apply(world, shelter, submitted_on=days_ago(60))
    assert application.is_overdue(today())
    assert application.working_days_overdue(today()) > 0
    assert list(selectors.application_list(user=world.approver, overdue=True)) == [application]

    services.application_appraise(user=world.approver, application=application, appraised_on=today(), recommend=True,
                                  note="Chậm do thiếu hồ sơ")
    application.refresh_from_db()
    assert application.appraised_late and not application.is_overdue(today())
    assert list(selectors.application_list(user=world.approver, overdue=True)) == []


def test_the_department_appraises_and_decides_not_the_applicant(world, shelter):
    application = apply(world, shelter)
    for user in (world.director, world.caseworker, world.approver_hn, world.border_guard):
        with pytest.raises(Http404):
            services.application_appraise(user=user, application=application, appraised_on=today(), recommend=True,
                                          note="x")


def test_a_returned_application_is_final_and_a_refusal_needs_reasons(world, shelter):
    application = apply(world, shelter)
    services.application_appraise(user=world.approver, application=application, appraised_on=today(), recommend=False,
                                  note="Thiếu giấy tờ về cơ sở vật chất")
    with pytest.raises(ValidationError) as error:
        grant(world, application)
    assert codes(error.value, "status") == ["invalid_transition"]

    second = apply(world, shelter)
    services.application_appraise(user=world.approver, application=second, appraised_on=today(), recommend=True, note="x")
    with pytest.raises(ValidationError) as error:
        grant(world, second, granted=False, note="")
    assert codes(error.value, "decision_note") == ["required"]


def test_a_licence_is_valid_for_at_most_five_years(world, shelter):
    application = apply(world, shelter)
    services.application_appraise(user=world.approver, application=application, appraised_on=today(), recommend=True, note="x")
    with pytest.raises(ValidationError) as error:
        grant(world, application, valid_until=services.add_years(today(), 5) + datetime.timedelta(days=1))
    assert codes(error.value, "valid_until") == ["too_long"]
    grant(world, application, valid_until=services.add_years(today(), 5))


def test_one_open_application_at_a_time_and_only_for_facilities_that_need_a_licence(world, shelter):
    apply(world, shelter)
    with pytest.raises(ValidationError) as error:
        apply(world, shelter)
    assert codes(error.value, "facility") == ["open"]
    with pytest.raises(ValidationError) as error:
        apply(world, world.facility)  # a public social work centre
    assert codes(error.value, "facility") == ["no_licence_needed"]


def test_the_owner_may_apply_but_not_grant(world, shelter):
    from accounts.roles import Role
    from tests.victims.factories import member

    ngo_manager = member(world.ngo_ls, Role.AGENCY_MANAGER)
    application = apply(world, shelter, user=ngo_manager)
    assert application.created_by == ngo_manager
    with pytest.raises(Http404):
        services.application_appraise(user=ngo_manager, application=application, appraised_on=today(),
                                      recommend=True, note="x")


def test_a_renewal_replaces_the_licence_it_renews(world, shelter):
    old = LicenceFactory(facility=shelter, number="01/GP", issued_on=days_ago(1700), valid_until=today() + datetime.timedelta(days=30))
    application = apply(world, shelter, previous_licence=old)
    assert application.kind == "renewal"
    services.application_appraise(user=world.approver, application=application, appraised_on=today(), recommend=True, note="x")
    grant(world, application, licence_number="02/GP")
    old.refresh_from_db()
    assert old.status == LicenceStatus.SUPERSEDED
    assert old.status_changes.last().kind == "superseded"
    assert selectors.valid_licence(shelter, today()).number == "02/GP"


def test_suspension_lifting_and_revocation_with_reason_and_date(world, shelter):
    licence = LicenceFactory(facility=shelter)
    services.licence_suspend(user=world.approver, licence=licence, on_date=today(), reason="Vi phạm an toàn",
                             decision_number="9/QĐ")
    licence.refresh_from_db()
    shelter.refresh_from_db()
    assert licence.status == LicenceStatus.SUSPENDED and shelter.status == FacilityStatus.SUSPENDED
    assert selectors.service_scope(shelter, today()) is None  # no admissions while suspended

    services.licence_reinstate(user=world.approver, licence=licence, on_date=today(), reason="Đã khắc phục")
    shelter.refresh_from_db()
    assert shelter.status == FacilityStatus.ACTIVE

    services.licence_revoke(user=world.approver, licence=licence, on_date=today(), reason="Tái phạm nghiêm trọng")
    licence.refresh_from_db()
    shelter.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED and shelter.status == FacilityStatus.CLOSED
    changes = list(LicenceStatusChange.objects.filter(licence=licence).values_list("kind", "reason"))
    assert changes == [("suspended", "Vi phạm an toàn"), ("reinstated", "Đã khắc phục"),
                       ("revoked", "Tái phạm nghiêm trọng")]
    with pytest.raises(ValidationError) as error:
        services.licence_reinstate(user=world.approver, licence=licence, on_date=today(), reason="x")
    assert codes(error.value, "status") == ["invalid_transition"]


def test_a_licence_change_needs_a_reason_and_a_date_not_in_the_future(world, shelter):
    licence = LicenceFactory(facility=shelter)
    with pytest.raises(ValidationError) as error:
        services.licence_revoke(user=world.approver, licence=licence, on_date=today() + datetime.timedelta(days=1), reason="")
    assert codes(error.value, "reason") == ["required"]
    assert codes(error.value, "on_date") == ["future"]
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.ACTIVE


def test_expired_licences_read_as_expired(world, shelter):
    licence = LicenceFactory(facility=shelter, issued_on=days_ago(2000), valid_until=days_ago(1))
    assert licence.state == "expired"
    assert list(selectors.licence_list(user=world.approver, state="expired")) == [licence]
    assert list(selectors.licence_list(user=world.approver, state="active")) == []
