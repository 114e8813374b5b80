"""Explicit grants, the append-only access log and the change history (pghistory)."""

import datetime

import pghistory
import pytest
from django.core.exceptions import ValidationError
from django.db import InternalError, ProgrammingError, connection, transaction
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from victims import services
from victims.history import case_history
from victims.models import AccessLog, Case, ClosureReason
from victims.selectors import access_log_for_case, can_view_access_log
from victims.workflow import Status

from .factories import CaseChildFactory, CaseFactory, PersonFactory, consented, days_ago, member

pytestmark = pytest.mark.django_db


# Grants -----------------------------------------------------------------------------------------

def test_the_owner_shares_a_case_with_another_agency_and_revokes_it(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    consented(case)
    grant = services.case_grant_access(user=world.caseworker_ls, case=case, grantee_agency=world.centre_hn,
                                       actions=["case.view_identity"], reason="Chuyển về Hà Nội")
    assert set(grant.actions) == {"case.view", "case.view_identity"}  # view comes with any action
    assert set(Case.objects.visible_to(world.caseworker_hn, "case.view_identity")) == {case}

    services.case_revoke_grant(user=world.caseworker_ls, grant=grant)
    grant.refresh_from_db()
    assert grant.revoked_by == world.caseworker_ls and grant.revoked_at
    assert not Case.objects.visible_to(world.caseworker_hn, "case.view").exists()
    with pytest.raises(ValidationError):
        services.case_revoke_grant(user=world.caseworker_ls, grant=grant)


def test_a_grant_names_one_grantee_shareable_actions_a_reason_and_a_future_expiry(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    cases = [
        ({"grantee_agency": world.centre_hn, "grantee_user": world.caseworker_hn}, "grantee_agency"),
        ({}, "grantee_agency"),
        ({"grantee_agency": world.centre_hn, "actions": ["case.grant"]}, "actions"),
        ({"grantee_agency": world.centre_hn, "actions": []}, "actions"),
        ({"grantee_agency": world.centre_hn, "reason": ""}, "reason"),
        ({"grantee_agency": world.centre_hn, "expires_at": timezone.now() - datetime.timedelta(hours=1)},
         "expires_at"),
    ]
    for overrides, field in cases:
        fields = {"actions": ["case.view"], "reason": "Giới thiệu", **overrides}
        with pytest.raises(ValidationError) as error:
            services.case_grant_access(user=world.caseworker_ls, case=case, **fields)
        assert field in error.value.message_dict, overrides


def test_only_those_who_may_share_a_case_grant_access(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    consented(case)
    services.case_grant_access(user=world.caseworker_ls, case=case, grantee_agency=world.centre_hn,
                               actions=["case.view", "case.edit"], reason="Phối hợp")
    for user in (world.caseworker_hn, world.statistician_ls, world.approver_ls):
        with pytest.raises(Http404):  # a grantee cannot re-share; approvers have no case.grant
            services.case_grant_access(user=user, case=case, grantee_agency=world.police_hn,
                                       actions=["case.view"], reason="x")


# Access log -------------------------------------------------------------------------------------

def test_the_access_log_keeps_ids_and_no_personal_data(world):
    case = CaseFactory(receiving_agency=world.centre_ls, person=PersonFactory(full_name="Nguyễn Thị Hoa"))
    row = services.access_log_write(user=world.caseworker_ls, agency=world.centre_ls, obj=case,
                                    action="case.view", request_id="abc123def456")
    row.refresh_from_db()
    assert (row.user_id, row.agency_id, row.object_type, row.object_id, row.action, row.request_id) == (
        world.caseworker_ls.pk, world.centre_ls.pk, "victims.case", str(case.pk), "case.view", "abc123def456",
    )
    values = " ".join(str(v) for v in AccessLog.objects.values_list().get(pk=row.pk))
    assert "Hoa" not in values and "Nguy" not in values


def test_the_access_log_is_append_only_in_the_database(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    row = services.access_log_write(user=world.caseworker_ls, agency=world.centre_ls, obj=case, action="case.view")

    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(action="case.export")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AccessLog._meta.db_table} SET user_id = NULL")  # noqa: S608
    assert AccessLog.objects.get(pk=row.pk).action == "case.view"


def test_a_search_logs_one_row_per_case_returned_in_one_insert(world, django_assert_num_queries):
    cases = [CaseFactory(receiving_agency=world.centre_ls) for _ in range(3)]
    with django_assert_num_queries(3):  # savepoint, insert, release
        services.access_log_write_many(user=world.caseworker_ls, agency=world.centre_ls, objects=cases,
                                       action="case.search", request_id="r-123456789")
    assert AccessLog.objects.filter(action="case.search").count() == 3


def test_who_opened_the_file_is_shown_to_the_owners_managers_only(world):
    case = CaseFactory(receiving_agency=world.border_ls)
    services.access_log_write(user=world.approver_ls, agency=world.department_ls, obj=case, action="case.view")

    assert can_view_access_log(world.manager_ls, case)
    assert [row.user for row in access_log_for_case(user=world.manager_ls, case=case)] == [world.approver_ls]
    for user in (world.border_guard, world.approver_ls, member(world.department_ls, Role.AGENCY_MANAGER)):
        assert not can_view_access_log(user, case)
        assert list(access_log_for_case(user=user, case=case)) == []


# Change history ---------------------------------------------------------------------------------

def test_history_records_before_and_after_with_the_user_and_request_id(world):
    case = CaseFactory(receiving_agency=world.border_ls, person=PersonFactory(full_name="Lò Thị Mai"))
    with pghistory.context(request_id="req-0001-abcd"):
        services.person_update_declaration(user=world.border_guard, person=case.person, full_name="Lò Thị Mải")

    events = case_history(world.border_guard, case)
    [update] = [e for e in events if e.pgh_obj_model == "victims.Person" and e.pgh_label == "update"]
    assert update.pgh_diff["full_name"] == ["Lò Thị Mai", "Lò Thị Mải"]
    assert update.actor == world.border_guard
    assert update.request_id == "req-0001-abcd"


def test_history_covers_the_case_its_children_and_what_hangs_off_it(world):
    case = CaseFactory(receiving_agency=world.police_ls, status=Status.RECEIVED, received_on=days_ago(20))
    child = CaseChildFactory(case=case)
    services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome="identified", document_type="police_confirmation",
        document_number="12/XN", document_date=days_ago(1), issuing_body="Công an tỉnh Lạng Sơn",
    )
    services.case_transition(user=world.police_officer_ls, case=case, to_status=Status.IN_SUPPORT)
    models = {event.pgh_obj_model for event in case_history(world.police_officer_ls, case)}

    assert {"victims.Case", "victims.Person", "victims.CaseChild", "victims.IdentificationOutcome",
            "victims.StatusTransition"} <= models
    child_events = [e for e in case_history(world.police_officer_ls, case)
                    if e.pgh_obj_model == "victims.Person" and e.pgh_obj_id == str(child.person_id)]
    assert child_events


def test_history_is_scoped_and_masked(world):
    case = CaseFactory(receiving_agency=world.centre_ls, person=PersonFactory(full_name="Nguyễn Thị Hoa"))
    services.case_update_declaration(user=world.caseworker_ls, case=case, means_of_control="Bị đánh đập")

    with pytest.raises(Http404):
        case_history(world.caseworker_hn, case)
    events = case_history(world.statistician_ls, case)
    person = next(e for e in events if e.pgh_obj_model == "victims.Person")
    assert person.pgh_data["full_name"] == "N. T. H."
    assert "name_folded" not in person.pgh_data
    update = next(e for e in events if e.pgh_obj_model == "victims.Case" and e.pgh_label == "update")
    assert update.pgh_diff["means_of_control"] == [None, "***"]
    assert "Bị đánh đập" not in repr([e.pgh_data for e in events])


def test_history_catches_changes_made_outside_the_services_too(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    Case.objects.filter(pk=case.pk).update(immediate_needs="Quần áo ấm")  # a bulk update, no save()
    events = [e for e in case_history(world.caseworker_ls, case) if e.pgh_label == "update"]
    assert events[-1].pgh_diff["immediate_needs"] == ["", "Quần áo ấm"]


def test_history_is_append_only(world):
    from django.apps import apps

    case = CaseFactory(receiving_agency=world.centre_ls)
    CaseEvent = apps.get_model("victims", "CaseEvent")
    assert CaseEvent.objects.filter(pgh_obj=case).exists()
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        CaseEvent.objects.filter(pgh_obj=case).delete()
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        CaseEvent.objects.filter(pgh_obj=case).update(immediate_needs="sửa lịch sử")


def test_the_timeline_takes_a_constant_number_of_queries(world, django_assert_max_num_queries):
    case = CaseFactory(receiving_agency=world.centre_ls, status=Status.IDENTIFIED, received_on=days_ago(20))
    with django_assert_max_num_queries(6):
        short = case_history(world.caseworker_ls, case)
    for _ in range(5):
        CaseChildFactory(case=case)
        services.case_update_declaration(user=world.caseworker_ls, case=case, immediate_needs=f"x{_}")
    services.case_close(user=world.caseworker_ls, case=case, reason=ClosureReason.DUPLICATE)
    with django_assert_max_num_queries(6):
        long = case_history(world.caseworker_ls, case)
    assert len(long) > len(short) + 10
