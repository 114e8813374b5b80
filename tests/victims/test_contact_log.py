"""The contact log as its users meet it: a hotline officer records a call (the time filled in, errors in
Vietnamese beside the field with what was typed kept), finds it in the list, corrects it with history;
a reader without the identity right sees the caller masked."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import province
from victims import contacts
from victims.models import Contact

pytestmark = pytest.mark.django_db
CASE_ERROR = "Không có hồ sơ nào số này trong hồ sơ của bạn."

CALL = {
    "occurred_at": "15/11/2026 09:30", "channel": "hotline_111", "line": "", "kind": "suspected_case",
    "province": "", "outcome": "reported_to_police", "duration_minutes": "12",
    "summary": "Người gọi báo em gái bị đưa sang biên giới", "case_number": "",
    "caller_name": "Lường Văn Báo", "caller_phone": "0912 345 678", "caller_note": "anh trai",
}


def test_the_new_contact_form_starts_at_the_current_time(client_for):
    page = client_for("centre_caseworker").get(reverse("victims:contact_create")).content.decode()
    shown = re.search(r'name="occurred_at" value="([^"]+)"', page).group(1)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", shown)
    assert abs(datetime.datetime.strptime(shown, "%d/%m/%Y %H:%M") - timezone.localtime().replace(tzinfo=None)) \
        < datetime.timedelta(minutes=2)


def test_a_call_recorded_through_the_page_is_listed_and_opens(client_for, personas):
    client = client_for("centre_caseworker")
    response = client.post(reverse("victims:contact_create"), CALL)
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("victims:contact_detail",
                                                                           args=[contact.pk])
    assert contact.recording_agency == personas["centre_caseworker"].agency
    assert contact.duration_minutes == 12
    listing = client.get(reverse("victims:contact_list")).content.decode()
    assert reverse("victims:contact_detail", args=[contact.pk]) in listing
    assert "15/11/2026" in listing
    detail = client.get(reverse("victims:contact_detail", args=[contact.pk])).content.decode()
    assert "Lường Văn Báo" in detail and "0912 345 678" in detail


def test_bad_input_is_refused_beside_the_field_and_nothing_typed_is_lost(client_for):
    client = client_for("centre_caseworker")
    bad = {**CALL, "occurred_at": "32/13/2026", "case_number": "KHONG-CO-123"}
    page = client.post(reverse("victims:contact_create"), bad).content.decode()
    assert not Contact.objects.exists()
    assert 'id="id_occurred_at_error"' in page
    assert CASE_ERROR in page.split('id="id_case_number_error"')[1][:400]
    assert "Người gọi báo em gái bị đưa sang biên giới" in page  # the summary as typed
    assert 'value="Lường Văn Báo"' in page


def test_a_correction_keeps_the_history(client_for, personas):
    contact = contacts.contact_record(
        user=personas["centre_caseworker"], agency=personas["centre_caseworker"].agency,
        occurred_at=timezone.now(), channel="hotline_111", kind="information", outcome="answered",
        province=province("lang son"))
    client = client_for("centre_caseworker")
    response = client.post(reverse("victims:contact_edit", args=[contact.pk]),
                           {**CALL, "kind": "counselling", "outcome": "answered"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.kind == "counselling"
    history = contacts.contact_history(personas["centre_caseworker"], contact)
    assert len(history) >= 2


def test_a_reader_without_the_identity_right_sees_the_caller_masked(client_for, personas):
    contact = contacts.contact_record(
        user=personas["centre_caseworker"], agency=personas["centre_caseworker"].agency,
        occurred_at=timezone.now(), channel="hotline_111", kind="suspected_case",
        outcome="reported_to_police", province=province("lang son"),
        caller_name="Lường Văn Báo", caller_phone="0912 345 678")
    page = client_for("department_statistician").get(reverse("victims:contact_detail", args=[contact.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Lường Văn Báo" not in body and "0912 345 678" not in body
