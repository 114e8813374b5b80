"""The case state machine (victims.workflow) and the services that move a case along it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from victims import services
from victims.models import (
    CaseAccessGrant,
    ClosureReason,
    ConfirmingDocumentType,
    IdentificationResult,
    StatusTransition,
)
from victims.workflow import TRANSITIONS, Status, can_transition, next_statuses

from .factories import CaseFactory, ReintegrationPlanFactory, days_ago

pytestmark = pytest.mark.django_db

LEGAL = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets)]  # sorted: the same ids in every xdist worker
ILLEGAL = [(a, b) for a in Status for b in Status if b not in TRANSITIONS[a]]


def test_the_transition_table_covers_every_status_and_closed_is_final():
    assert set(TRANSITIONS) == set(Status)
    assert TRANSITIONS[Status.CLOSED] == frozenset()
    assert all(Status.CLOSED in TRANSITIONS[s] for s in Status if s != Status.CLOSED)
    assert next_statuses(Status.IDENTIFIED) == [Status.IN_SUPPORT, Status.FOLLOW_UP, Status.CLOSED]


@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
def test_legal_transitions(from_status, to_status):
    assert can_transition(from_status, to_status)


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_illegal_transitions(from_status, to_status):
    assert not can_transition(from_status, to_status)


def identified_case(world, **kwargs):
    return CaseFactory(receiving_agency=world.centre_ls, status=Status.IDENTIFIED, **kwargs)


def test_a_transition_moves_the_case_and_records_who_when_and_why(world):
    case = identified_case(world)
    transition = services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.IN_SUPPORT,
                                          reason="Tiếp nhận vào Trung tâm")
    case.refresh_from_db()

    assert case.status == Status.IN_SUPPORT
    assert (transition.from_status, transition.to_status) == (Status.IDENTIFIED, Status.IN_SUPPORT)
    assert transition.by == world.caseworker_ls
    assert transition.reason == "Tiếp nhận vào Trung tâm"
    assert abs(transition.at - timezone.now()) < datetime.timedelta(minutes=1)
    assert case.status_changed_at == transition.at


def test_an_illegal_transition_is_refused_with_a_clear_message_and_leaves_no_trace(world):
    case = CaseFactory(receiving_agency=world.centre_ls, status=Status.RECEIVED)
    with pytest.raises(ValidationError) as error:
        services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.FOLLOW_UP)
    # (follow-up also needs a plan; an in-support move shows the table's message)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.IN_SUPPORT)
        assert error.value.message_dict["to_status"] == ["Cannot move a case from Received to In support."]
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert not StatusTransition.objects.exists()


def test_identified_and_not_victim_need_an_identification_outcome(world):
    case = CaseFactory(receiving_agency=world.centre_ls, status=Status.UNDER_IDENTIFICATION)
    for target in (Status.IDENTIFIED, Status.NOT_VICTIM):
        with pytest.raises(ValidationError) as error:
            services.case_transition(user=world.caseworker_ls, case=case, to_status=target)
        assert error.value.error_dict["to_status"][0].code == "needs_outcome"


def test_closing_needs_a_closure_with_a_reason(world):
    case = identified_case(world)
    with pytest.raises(ValidationError) as error:
        services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.CLOSED)
    assert error.value.error_dict["to_status"][0].code == "needs_closure"

    closure = services.case_close(user=world.caseworker_ls, case=case, reason=ClosureReason.DECLINED_SUPPORT)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert closure.closed_by == world.caseworker_ls and closure.closed_on == timezone.localdate()
    assert case.transitions.get().to_status == Status.CLOSED


def test_a_closed_case_stays_closed(world):
    case = identified_case(world)
    services.case_close(user=world.caseworker_ls, case=case, reason=ClosureReason.DUPLICATE)
    with pytest.raises(ValidationError):
        services.case_close(user=world.caseworker_ls, case=case, reason=ClosureReason.DUPLICATE)
    with pytest.raises(ValidationError):
        services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.IN_SUPPORT)


def test_closing_for_another_reason_needs_the_details(world):
    case = identified_case(world)
    with pytest.raises(ValidationError) as error:
        services.case_close(user=world.caseworker_ls, case=case, reason=ClosureReason.OTHER)
    assert "reason_detail" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.case_close(user=world.caseworker_ls, case=case, reason=ClosureReason.DUPLICATE,
                            closed_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "closed_on" in error.value.message_dict


def test_follow_up_needs_a_reintegration_plan(world):
    case = identified_case(world)
    with pytest.raises(ValidationError) as error:
        services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.FOLLOW_UP)
    assert error.value.error_dict["to_status"][0].code == "needs_plan"

    services.reintegration_plan_create(user=world.caseworker_ls, case=case, starts_on=days_ago(3))
    services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.FOLLOW_UP)
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP


def test_writes_outside_the_users_scope_answer_404(world):
    case = identified_case(world)
    for user in (world.caseworker_hn, world.statistician_ls, world.analyst):
        with pytest.raises(Http404):
            services.case_transition(user=user, case=case, to_status=Status.IN_SUPPORT)
    with pytest.raises(Http404):
        services.case_close(user=world.approver_hn, case=case, reason=ClosureReason.DUPLICATE)
    case.refresh_from_db()
    assert case.status == Status.IDENTIFIED


def test_a_reason_with_a_nul_byte_is_refused(world):
    case = identified_case(world)
    with pytest.raises(ValidationError) as error:
        services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.IN_SUPPORT, reason="a\x00")
    assert "reason" in error.value.message_dict


# Verification and identification ---------------------------------------------------------------

def received_case(world):
    return CaseFactory(receiving_agency=world.border_ls, status=Status.RECEIVED)


def outcome_document(**overrides):
    return {
        "document_type": ConfirmingDocumentType.POLICE_CONFIRMATION,
        "document_number": "125/XN-CAT",
        "document_date": days_ago(1),
        "issuing_body": "Công an tỉnh Lạng Sơn",
        **overrides,
    }


def test_a_verification_request_moves_the_case_under_identification_and_opens_it_to_the_police(world):
    case = received_case(world)
    assert not services.Case.objects.visible_to(world.police_officer_ls, "case.view").exists()

    request = services.verification_request(user=world.border_guard, case=case, police_agency=world.police_ls)
    case.refresh_from_db()

    assert case.status == Status.UNDER_IDENTIFICATION
    assert request.requested_by == world.border_guard
    grant = CaseAccessGrant.objects.get(case=case)
    assert grant.grantee_agency == world.police_ls
    # the police verify with the whole declaration and the confirming documents (issue 13's parts)
    assert set(grant.actions) == {"case.view", "case.view_identity", "case.view_trafficking",
                                  "case.view_documents", "case.verify"}
    assert set(services.Case.objects.visible_to(world.police_officer_ls, "case.view_identity")) == {case}
    assert case.transitions.get().to_status == Status.UNDER_IDENTIFICATION


def test_verification_is_requested_from_a_police_unit_only(world):
    case = received_case(world)
    with pytest.raises(ValidationError) as error:
        services.verification_request(user=world.border_guard, case=case, police_agency=world.centre_ls)
    assert "police_agency" in error.value.message_dict


def test_the_requested_police_record_the_outcome_and_the_status_follows(world):
    case = received_case(world)
    services.verification_request(user=world.border_guard, case=case, police_agency=world.police_ls)

    outcome = services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome=IdentificationResult.IDENTIFIED, **outcome_document(),
    )
    case.refresh_from_db()

    assert case.status == Status.IDENTIFIED
    assert outcome.recorded_by_agency == world.police_ls
    assert outcome.request.police_agency == world.police_ls
    assert [t.to_status for t in case.transitions.all()] == [Status.UNDER_IDENTIFICATION, Status.IDENTIFIED]


def test_not_a_victim_then_closed(world):
    case = received_case(world)
    services.verification_request(user=world.border_guard, case=case, police_agency=world.police_ls)
    services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome=IdentificationResult.NOT_VICTIM, **outcome_document(),
    )
    services.case_close(user=world.border_guard, case=case, reason=ClosureReason.NOT_A_VICTIM)
    case.refresh_from_db()
    assert [t.to_status for t in case.transitions.all()] == [
        Status.UNDER_IDENTIFICATION, Status.NOT_VICTIM, Status.CLOSED,
    ]


def test_a_final_outcome_needs_its_confirming_document(world):
    case = received_case(world)
    services.verification_request(user=world.border_guard, case=case, police_agency=world.police_ls)
    with pytest.raises(ValidationError) as error:
        services.identification_record_outcome(user=world.police_officer_ls, case=case,
                                               outcome=IdentificationResult.IDENTIFIED)
    assert {"document_type", "document_number", "document_date", "issuing_body"} <= set(error.value.message_dict)

    still = services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome=IdentificationResult.UNDER_IDENTIFICATION,
    )
    assert still.pk


def test_other_police_units_and_non_police_owners_cannot_record_the_outcome(world):
    case = received_case(world)
    services.verification_request(user=world.border_guard, case=case, police_agency=world.police_ls)

    with pytest.raises(Http404):  # not asked: the case is not even visible to them
        services.identification_record_outcome(user=world.police_officer_hn, case=case,
                                               outcome=IdentificationResult.IDENTIFIED, **outcome_document())
    with pytest.raises(PermissionDenied):  # the owner, but a border guard post, not the police
        services.identification_record_outcome(user=world.border_guard, case=case,
                                               outcome=IdentificationResult.IDENTIFIED, **outcome_document())
    with pytest.raises(Http404):  # sees the case (province), cannot verify
        services.identification_record_outcome(user=world.approver_ls, case=case,
                                               outcome=IdentificationResult.IDENTIFIED, **outcome_document())
    case.refresh_from_db()
    assert case.status == Status.UNDER_IDENTIFICATION


def test_a_police_owner_identifies_without_a_request(world):
    case = CaseFactory(receiving_agency=world.police_ls, status=Status.RECEIVED)
    services.identification_record_outcome(user=world.police_officer_ls, case=case,
                                           outcome=IdentificationResult.IDENTIFIED, **outcome_document())
    case.refresh_from_db()
    assert case.status == Status.IDENTIFIED
    assert case.transitions.get().from_status == Status.RECEIVED


def test_an_outcome_that_the_state_machine_forbids_is_refused(world):
    case = CaseFactory(receiving_agency=world.police_ls, status=Status.IN_SUPPORT)
    with pytest.raises(ValidationError) as error:
        services.identification_record_outcome(user=world.police_officer_ls, case=case,
                                               outcome=IdentificationResult.NOT_VICTIM, **outcome_document())
    assert error.value.error_dict["to_status"][0].code == "invalid_transition"
    assert not case.identification_outcomes.exists()


def test_the_scanned_document_is_stored_under_a_random_name(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    case = CaseFactory(receiving_agency=world.police_ls, status=Status.RECEIVED)
    scan = SimpleUploadedFile("Nguyen Thi Hoa - xac nhan.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    outcome = services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome=IdentificationResult.IDENTIFIED, scan=scan,
        **outcome_document(),
    )
    assert outcome.scan.name.startswith("identification/")
    assert "Nguyen" not in outcome.scan.name and outcome.scan.name.endswith(".pdf")

    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    other = CaseFactory(receiving_agency=world.police_ls, status=Status.RECEIVED)
    with pytest.raises(ValidationError) as error:
        services.identification_record_outcome(user=world.police_officer_ls, case=other, scan=bad,
                                               outcome=IdentificationResult.IDENTIFIED, **outcome_document())
    assert "scan" in error.value.message_dict


def test_a_plan_can_follow_identified_and_follow_up_can_go_back_to_support(world):
    plan = ReintegrationPlanFactory(case__receiving_agency=world.centre_ls)
    services.case_transition(user=world.caseworker_ls, case=plan.case, to_status=Status.IN_SUPPORT,
                             reason="Cần hỗ trợ y tế")
    plan.case.refresh_from_db()
    assert plan.case.status == Status.IN_SUPPORT
