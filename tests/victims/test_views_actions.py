"""Actions on the case page: one small form each, calling one service; errors next to the fields."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from victims import services
from victims.models import (
    AccessLog,
    CaseAccessGrant,
    CaseClosure,
    FollowUpVisit,
    IdentificationOutcome,
    ReceptionChannel,
    ReintegrationPlan,
    SharingParty,
    StatusTransition,
    VerificationRequest,
)
from victims.workflow import Status

from .factories import consented, days_ago, member
from .test_views_cases import client_as

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, case, *args):
    return reverse(f"victims:{name}", args=[case.pk, *args])


def received(world, name="Lò Thị Mai"):
    return services.case_register_reception(
        user=world.caseworker_ls, agency=world.centre_ls, reception_channel=ReceptionChannel.RESCUED,
        received_on=days_ago(20), full_name=name,
    )


def identified(world):
    case = received(world)
    services.verification_request(user=world.caseworker_ls, case=case, police_agency=world.police_ls)
    services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome="identified", document_type="police_confirmation",
        document_number="12/XN", document_date=days_ago(2), issuing_body="Công an tỉnh Lạng Sơn",
    )
    case.refresh_from_db()
    return case


def in_follow_up(world):
    case = identified(world)
    services.reintegration_plan_create(user=world.caseworker_ls, case=case, starts_on=days_ago(10))
    services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.FOLLOW_UP, reason="Về nhà")
    case.refresh_from_db()
    return case


def errors(response) -> dict:
    return {field: [str(e) for e in errs] for field, errs in response.context["form"].errors.items()}


# Verification ------------------------------------------------------------------------------------

def test_request_verification_from_a_police_unit(world):
    case = received(world)
    client = client_as(world.caseworker_ls)
    page = client.get(url("verification_request", case))
    assert page.status_code == 200
    choices = {agency.pk for agency in page.context["form"].fields["police_agency"].queryset}
    assert world.police_ls.pk in choices and world.police_hn.pk in choices
    assert world.centre_hn.pk not in choices and world.border_ls.pk not in choices  # police only

    response = client.post(url("verification_request", case), {"police_agency": world.centre_hn.pk, "note": "x"})
    assert response.status_code == 200 and "police_agency" in errors(response)
    assert not VerificationRequest.objects.exists()

    response = client.post(url("verification_request", case), {"police_agency": world.police_ls.pk,
                                                               "note": "Cần xác minh gấp"})
    assert response.status_code == 302 and response["Location"] == url("case_detail", case)
    case.refresh_from_db()
    assert case.status == Status.UNDER_IDENTIFICATION
    assert CaseAccessGrant.objects.filter(case=case, grantee_agency=world.police_ls).exists()


# Identification outcome -------------------------------------------------------------------------

def test_the_requested_police_unit_records_the_outcome_with_a_scan(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = received(world)
    services.verification_request(user=world.caseworker_ls, case=case, police_agency=world.police_ls)
    police = client_as(world.police_officer_ls)
    assert police.get(url("case_detail", case)).context["can_record_outcome"]

    # Without its confirming document: errors next to the fields, in Vietnamese, typed values kept.
    response = police.post(url("outcome_record", case), {"outcome": "identified", "issuing_body": "Công an tỉnh"})
    assert response.status_code == 200
    assert errors(response)["document_number"] == ["Kết quả xác định phải có văn bản xác nhận."]
    assert 'value="Công an tỉnh"' in response.content.decode()

    scan = SimpleUploadedFile("Lo Thi Mai - xac nhan.pdf", PDF, content_type="application/pdf")
    response = police.post(url("outcome_record", case), {
        "outcome": "identified", "document_type": "police_confirmation", "document_number": "45/XN-CAT",
        "document_date": days_ago(1).strftime("%d/%m/%Y"), "issuing_body": "Công an tỉnh Lạng Sơn",
        "scan": scan,
    })
    assert response.status_code == 302
    outcome = IdentificationOutcome.objects.get(case=case)
    assert outcome.recorded_by_agency == world.police_ls and outcome.scan
    assert "Mai" not in outcome.scan.name  # stored under a random name
    case.refresh_from_db()
    assert case.status == Status.IDENTIFIED

    # The scan: only through the scoped view, logged.
    download = client_as(world.caseworker_ls).get(url("outcome_scan", case, outcome.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"] and case.case_number in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/pdf"
    assert AccessLog.objects.filter(action="case.download_scan", object_id=str(case.pk)).exists()
    assert client_as(world.caseworker_hn).get(url("outcome_scan", case, outcome.pk)).status_code == 404
    assert client_as(world.statistician_ls).get(url("outcome_scan", case, outcome.pk)).status_code == 403
    page = client_as(world.caseworker_ls).get(url("case_detail", case)).content.decode()
    assert url("outcome_scan", case, outcome.pk) in page and settings.MEDIA_URL not in page


def test_a_scan_of_the_wrong_type_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = received(world)
    services.verification_request(user=world.caseworker_ls, case=case, police_agency=world.police_ls)
    response = client_as(world.police_officer_ls).post(url("outcome_record", case), {
        "outcome": "under_identification", "scan": SimpleUploadedFile("x.exe", b"MZ"),
    })
    assert response.status_code == 200 and "scan" in errors(response)
    assert not IdentificationOutcome.objects.exists()


def test_an_html_page_named_pdf_is_refused_on_the_form(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = received(world)
    services.verification_request(user=world.caseworker_ls, case=case, police_agency=world.police_ls)
    fake = SimpleUploadedFile("fake.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client_as(world.police_officer_ls).post(url("outcome_record", case), {
        "outcome": "under_identification", "scan": fake,
    })
    assert response.status_code == 200 and "scan" in errors(response)
    assert "PDF, JPG" in response.content.decode()
    assert not IdentificationOutcome.objects.exists() and not any(tmp_path.rglob("*"))


def test_only_police_of_the_requested_unit_record_the_outcome(world):
    case = received(world)
    services.verification_request(user=world.caseworker_ls, case=case, police_agency=world.police_ls)
    assert client_as(world.caseworker_ls).get(url("outcome_record", case)).status_code == 403  # not police
    assert client_as(world.police_officer_hn).get(url("outcome_record", case)).status_code == 404  # not asked
    assert client_as(world.approver_ls).get(url("outcome_record", case)).status_code == 403  # no such role
    other_police_ls = member(world.police_ls)
    assert client_as(other_police_ls).get(url("outcome_record", case)).status_code == 200


# Status -----------------------------------------------------------------------------------------

def test_status_changes_need_a_reason_and_follow_the_state_machine(world):
    case = identified(world)
    client = client_as(world.caseworker_ls)
    page = client.get(url("case_detail", case)).content.decode()
    assert 'data-testid="transition-in_support"' in page and "data-confirm=" in page

    response = client.post(url("case_transition", case), {"to_status": Status.FOLLOW_UP, "reason": "Về nhà"})
    assert response.status_code == 200
    assert errors(response)["to_status"] == ["Lập kế hoạch hồi gia, tái hòa nhập trước khi bắt đầu theo dõi."]
    response = client.post(url("case_transition", case), {"to_status": Status.CLOSED, "reason": "x"})
    assert "to_status" in errors(response)  # closing has its own form, with a reason for closing
    response = client.post(url("case_transition", case), {"to_status": Status.IN_SUPPORT, "reason": ""})
    assert "reason" in errors(response)
    response = client.post(url("case_transition", case), {"to_status": Status.IN_SUPPORT, "reason": "a\x00b"})
    assert "reason" in errors(response)
    response = client.post(url("case_transition", case), {"to_status": Status.IN_SUPPORT, "reason": "ạ" * 2001})
    assert "reason" in errors(response)
    assert StatusTransition.objects.filter(case=case, to_status=Status.IN_SUPPORT).count() == 0

    decomposed = unicodedata.normalize("NFD", "Cần hỗ trợ y tế")
    response = client.post(url("case_transition", case), {"to_status": Status.IN_SUPPORT, "reason": decomposed})
    assert response.status_code == 302
    transition = StatusTransition.objects.filter(case=case).latest("at")
    assert (transition.to_status, transition.by, transition.reason) == (
        Status.IN_SUPPORT, world.caseworker_ls, "Cần hỗ trợ y tế")


def test_a_form_sent_twice_is_saved_once(world):
    case = identified(world)
    client = client_as(world.caseworker_ls)
    token = client.get(url("plan_create", case)).context["form"].initial["form_token"]
    data = {"starts_on": days_ago(5).strftime("%d/%m/%Y"), "visit_interval_months": 1, "form_token": token,
            "goals": "Học nghề may"}
    first, second = client.post(url("plan_create", case), data), client.post(url("plan_create", case), data)
    assert first.status_code == second.status_code == 302
    assert ReintegrationPlan.objects.filter(case=case).count() == 1


def test_a_failed_submit_can_be_corrected_with_the_same_form(world):
    case = identified(world)
    client = client_as(world.caseworker_ls)
    token = client.get(url("plan_create", case)).context["form"].initial["form_token"]
    data = {"starts_on": days_ago(40).strftime("%d/%m/%Y"), "visit_interval_months": 1, "form_token": token}
    response = client.post(url("plan_create", case), data)  # before the reception date
    assert response.status_code == 200 and "starts_on" in errors(response)
    data["starts_on"] = days_ago(5).strftime("%d/%m/%Y")
    assert client.post(url("plan_create", case), data).status_code == 302
    assert ReintegrationPlan.objects.filter(case=case).count() == 1


# Follow-up and closure --------------------------------------------------------------------------

def test_record_a_follow_up_visit(world):
    case = in_follow_up(world)
    client = client_as(world.caseworker_ls)
    response = client.post(url("visit_record", case), {
        "visited_on": days_ago(-3).strftime("%d/%m/%Y"), "visitors": "Cán bộ xã", "place": "Nhà",
        "findings": "Ổn định",
    })
    assert "visited_on" in errors(response)  # in the future
    assert 'value="Cán bộ xã"' in response.content.decode()
    response = client.post(url("visit_record", case), {
        "visited_on": days_ago(1).strftime("%d/%m/%Y"), "visitors": "Cán bộ xã", "place": "Nhà",
        "findings": "Ổn định, đã đi học nghề",
    })
    assert response.status_code == 302
    visit = FollowUpVisit.objects.get(case=case)
    case.refresh_from_db()
    assert case.next_visit_due == visit.next_visit_on


def test_a_visit_outside_follow_up_is_not_offered(world):
    case = received(world)
    response = client_as(world.caseworker_ls).get(url("visit_record", case))
    assert response.status_code == 200 and response.context["not_available"]
    assert 'data-testid="action-form"' not in response.content.decode()
    assert not client_as(world.caseworker_ls).get(url("case_detail", case)).context["can_record_visit"]


def test_close_a_case_with_a_reason_after_a_confirmation(world):
    case = received(world)
    client = client_as(world.caseworker_ls)
    page = client.get(url("case_close", case)).content.decode()
    assert 'data-confirm="' in page
    response = client.post(url("case_close", case), {"reason": "other"})
    assert errors(response)["reason_detail"] == ["Mô tả lý do đóng hồ sơ."]
    response = client.post(url("case_close", case), {"reason": "duplicate"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED and CaseClosure.objects.get(case=case).reason == "duplicate"
    again = client.get(url("case_close", case))
    assert again.context["not_available"]


# Sharing ----------------------------------------------------------------------------------------

def test_share_the_case_with_another_agency_and_revoke_it(world):
    case = received(world)
    client = client_as(world.caseworker_ls)
    form = client.get(url("grant_create", case)).context["form"]
    assert world.centre_ls.pk not in {a.pk for a in form.fields["grantee_agency"].queryset}
    response = client.post(url("grant_create", case), {"grantee_agency": world.centre_hn.pk,
                                                       "actions": ["case.view_identity"], "reason": ""})
    assert "reason" in errors(response)
    share = {"grantee_agency": world.centre_hn.pk, "actions": ["case.view_identity"], "reason": "Chuyển về Hà Nội",
             "expires_at": days_ago(-30).strftime("%d/%m/%Y")}
    refused = client.post(url("grant_create", case), share)  # no consent recorded yet
    assert refused.status_code == 200 and "grantee_agency" in errors(refused)
    assert "Chưa ghi nhận sự đồng ý" in refused.content.decode()
    consented(case, SharingParty.SOCIAL_CENTRE)
    response = client.post(url("grant_create", case), share)
    assert response.status_code == 302
    grant = CaseAccessGrant.objects.get(case=case, grantee_agency=world.centre_hn)
    assert client_as(world.caseworker_hn).get(url("case_detail", case)).status_code == 200

    assert client_as(world.caseworker_hn).post(url("grant_revoke", case, grant.pk)).status_code == 404
    assert client.get(url("grant_revoke", case, grant.pk)).status_code == 405
    assert client.post(url("grant_revoke", case, grant.pk)).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == world.caseworker_ls
    assert client_as(world.caseworker_hn).get(url("case_detail", case)).status_code == 404
    response = client.post(url("grant_revoke", case, grant.pk), follow=True)  # already revoked
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


def test_the_department_manager_may_share_but_not_edit(world):
    case = received(world)
    manager = member(world.department_ls, Role.AGENCY_MANAGER)
    client = client_as(manager)
    assert client.get(url("grant_create", case)).status_code == 200
    assert client.get(url("case_transition", case)).status_code == 403
    perms = client.get(url("case_detail", case)).context["perms"]
    assert perms.grant and not perms.edit and not perms.record_outcome
