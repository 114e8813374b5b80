"""Referral and handover pages (issue 13): status codes and what each body shows, as the sender (a
Lạng Sơn border post), the receiver (a Hà Nội centre) before and after accepting, after declining,
a role of the receiving agency that does not answer referrals, and an outsider (a Nghệ An centre).

Status codes: 200 the page; 302 done (then the page it goes to); 403 the role never does this (or
this agency is not the side that may); 404 out of scope; 405 wrong method.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from tests.factories import totp_device
from tests.victims.referral_world import WORDS, hand_over, referral_world, send
from victims import referrals
from victims.handover_pdf import handover_store_pdf
from victims.models import AccessLog, Referral, ReferralStatus, SharedPart

pytestmark = pytest.mark.django_db
SECRETS = WORDS.values()


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    session = c.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return c


@pytest.fixture
def w(db):
    return referral_world()


def body(response) -> str:
    return response.content.decode()


def assert_hides(response, *words):
    text = body(response)
    for word in words:
        assert word not in text, word


# persona      inbox sent create detail accept decline withdraw
PENDING = """
sender         200   200  200    200    403    403     302
receiver       200   200  404    200    302    302     403
approver       403   403  403    200    403    403     403
outsider       200   200  404    404    404    404     404
"""


@pytest.mark.parametrize("row", [line.split() for line in PENDING.strip().splitlines()], ids=lambda r: r[0])
def test_status_codes_while_pending(w, row):
    persona, *codes = row
    user = {"sender": w.sender, "receiver": w.receiver, "approver": w.receiver_approver, "outsider": w.outsider}[persona]
    c = client(user)
    referral = send(w)
    pages = [
        ("get", reverse("victims:referral_inbox"), {}),
        ("get", reverse("victims:referral_sent"), {}),
        ("get", reverse("victims:referral_create", args=[w.case.pk]), {}),
        ("get", reverse("victims:referral_detail", args=[referral.pk]), {}),
        ("post", reverse("victims:referral_accept", args=[referral.pk]), {}),
        ("post", reverse("victims:referral_decline", args=[referral.pk]), {"decline-reason": "Hết chỗ"}),
        ("post", reverse("victims:referral_withdraw", args=[referral.pk]), {"end-reason": "Không cần nữa"}),
    ]
    got = []
    for method, url, data in pages:
        got.append(str(getattr(c, method)(url, data).status_code))
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.PENDING, grant=None)
    assert got == codes


def test_wrong_method_and_anonymous(w):
    referral = send(w)
    c = client(w.receiver)
    assert c.get(reverse("victims:referral_accept", args=[referral.pk])).status_code == 405
    anonymous = Client().get(reverse("victims:referral_detail", args=[referral.pk]))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


def test_the_receiver_before_acceptance_sees_the_request_but_nothing_of_the_file(w):
    referral = send(w, parts=[SharedPart.IDENTITY])
    c = client(w.receiver)
    inbox = c.get(reverse("victims:referral_inbox"))
    assert w.case.case_number in body(inbox) and 'data-testid="nav-count">1' in body(inbox)
    assert_hides(inbox, *SECRETS)
    detail = c.get(reverse("victims:referral_detail", args=[referral.pk]))
    assert "Cần nơi tạm trú an toàn" in body(detail) and 'data-testid="accept-form"' in body(detail)
    assert_hides(detail, *SECRETS)
    assert c.get(reverse("victims:case_detail", args=[w.case.pk])).status_code == 404
    assert AccessLog.objects.filter(object_type="victims.referral", object_id=str(referral.pk),
                                    action="referral.view", user=w.receiver).exists()


def test_after_acceptance_the_receiver_sees_the_name_but_not_the_health_notes(w):
    referral = send(w, parts=[SharedPart.IDENTITY])
    c = client(w.receiver)
    response = c.post(reverse("victims:referral_accept", args=[referral.pk]), follow=True)
    assert response.status_code == 200
    page = c.get(reverse("victims:case_detail", args=[w.case.pk]))
    assert page.status_code == 200
    text = body(page)
    assert WORDS["name"] in text and WORDS["child"] in text and WORDS["id_number"] in text
    assert_hides(page, WORDS["health"], WORDS["trafficking"])
    assert 'data-testid="section-health"' in text and 'data-testid="referral-item"' in text
    # the sender sees the change of status, and the referral on its own case page
    sender = client(w.sender)
    sent = body(sender.get(reverse("victims:referral_sent")))
    assert "Đã nhận" in sent or "Accepted" in sent
    assert 'data-testid="referral-item"' in body(sender.get(reverse("victims:case_detail", args=[w.case.pk])))


def test_shared_health_shows_the_health_notes(w):
    referral = send(w, parts=[SharedPart.HEALTH, SharedPart.TRAFFICKING])
    referrals.referral_accept(user=w.receiver, referral=referral)
    page = client(w.receiver).get(reverse("victims:case_detail", args=[w.case.pk]))
    text = body(page)
    assert WORDS["health"] in text and WORDS["trafficking"] in text
    assert_hides(page, WORDS["name"], WORDS["child"], WORDS["id_number"])


def test_after_decline_the_receiver_sees_nothing_and_the_sender_sees_why(w):
    referral = send(w)
    c = client(w.receiver)
    assert c.post(reverse("victims:referral_decline", args=[referral.pk]), {"decline-reason": ""}).status_code == 200
    assert c.post(reverse("victims:referral_decline", args=[referral.pk]),
                  {"decline-reason": "Hết giường"}).status_code == 302
    assert c.get(reverse("victims:case_detail", args=[w.case.pk])).status_code == 404
    assert_hides(c.get(reverse("victims:referral_detail", args=[referral.pk])), *SECRETS)
    sender_page = body(client(w.sender).get(reverse("victims:referral_detail", args=[referral.pk])))
    assert "Hết giường" in sender_page and WORDS["name"] in sender_page


def test_a_second_accept_gets_a_clear_message(w):
    referral = send(w)
    client(w.receiver).post(reverse("victims:referral_accept", args=[referral.pk]))
    response = client(w.receiver2).post(reverse("victims:referral_accept", args=[referral.pk]), follow=True)
    assert response.status_code == 200
    assert "Trần Thu Hà" in body(response)
    assert Referral.objects.get(pk=referral.pk).answered_by == w.receiver


def test_the_outsider_sees_nothing_anywhere(w):
    referral = referrals.referral_accept(user=w.receiver, referral=send(w))
    handover = handover_store_pdf(hand_over(w, referral).pk)
    c = client(w.outsider)
    for name, pk in [("victims:referral_detail", referral.pk), ("victims:handover_create", referral.pk),
                     ("victims:handover_pdf", handover.pk), ("victims:case_detail", w.case.pk)]:
        assert c.get(reverse(name, args=[pk])).status_code == 404, name
    assert_hides(c.get(reverse("victims:referral_inbox")), *SECRETS)


def test_the_handover_form_the_escort_error_and_the_record(w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    referral = referrals.referral_accept(user=w.receiver, referral=send(w))
    url = reverse("victims:handover_create", args=[referral.pk])
    assert client(w.receiver).get(url).status_code == 404  # not the owner: the case is not its to hand over
    c = client(w.sender)
    form = c.get(url)
    assert form.status_code == 200 and "data-confirm" in body(form)
    data = {"handed_over_on": datetime.date.today().strftime("%d/%m/%Y"), "place": "Cửa khẩu Hữu Nghị",
            "handed_by_name": "Hoàng Văn Biên", "received_by_name": "Trần Thu Hà", "children": [w.child.pk],
            "escort_name": "", "papers": "Giấy xác nhận", "belongings": "01 ba lô"}
    refused = c.post(url, data)
    assert refused.status_code == 200
    assert "người chưa thành niên" in body(refused).lower() or "minor" in body(refused)
    assert c.post(url, {**data, "escort_name": "Nông Văn Hộ"}).status_code == 302
    handover = referral.__class__.objects.get(pk=referral.pk).handover
    handover_store_pdf(handover.pk)
    for user in (w.sender, w.receiver):
        response = client(user).get(reverse("victims:handover_pdf", args=[handover.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert AccessLog.objects.filter(action="handover.download", user=user,
                                        object_type="victims.handover").exists()
    assert client(w.receiver_approver).get(reverse("victims:handover_create", args=[referral.pk])).status_code == 403
    # the border post sees the case as handed over
    page = body(client(w.sender).get(reverse("victims:case_detail", args=[w.case.pk])))
    assert 'data-testid="handed-over"' in page and "Trung tâm Công tác xã hội Hà Nội" in page


def test_inbox_filters_survive_navigation_and_overdue_shows(w):
    referral = send(w)
    Referral.objects.filter(pk=referral.pk).update(due_on=datetime.date.today() - datetime.timedelta(days=2))
    c = client(w.receiver)
    assert 'data-testid="overdue"' in body(c.get(reverse("victims:referral_inbox"), {"overdue": "on"}))
    c.get(reverse("victims:referral_detail", args=[referral.pk]))
    again = c.get(reverse("victims:referral_inbox"))
    assert 'name="overdue" checked' in body(again) or 'checked' in body(again)
    assert 'data-testid="overdue"' in body(client(w.sender).get(reverse("victims:referral_sent")))


def test_closing_an_accepted_referral(w):
    referral = referrals.referral_accept(user=w.receiver, referral=send(w))
    url = reverse("victims:referral_close", args=[referral.pk])
    data = {"end-reason": "Đã hỗ trợ xong"}
    assert client(w.outsider).post(url, data).status_code == 404
    assert client(w.receiver_approver).post(url, data).status_code == 403  # neither side's role
    assert client(w.receiver).post(url, data).status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CLOSED
    assert client(w.receiver).get(reverse("victims:case_detail", args=[w.case.pk])).status_code == 404


def test_the_handover_record_needs_a_role_that_reads_identity(w, settings, tmp_path):
    from accounts.roles import Role
    from tests.victims.factories import member

    settings.MEDIA_ROOT = tmp_path
    statistician = member(w.centre, Role.STATISTICIAN)
    handover = handover_store_pdf(hand_over(w, referrals.referral_accept(user=w.receiver, referral=send(w))).pk)
    url = reverse("victims:handover_pdf", args=[handover.pk])
    assert client(statistician).get(url).status_code == 403
    assert client(w.receiver).get(url).status_code == 200


def test_the_inbox_runs_a_constant_number_of_queries(w, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.support.factories import make_case
    from tests.victims.factories import consented

    c = client(w.receiver)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(reverse("victims:referral_inbox")).status_code == 200
        return len(queries)

    referrals.referral_send(
        user=w.sender, case=w.case, receiving_agency=w.centre, reason="Tạm trú",
        services=["shelter", "item:clothing_set"], shared_parts=["identity"])
    few = count()
    for index in range(4):
        case = make_case(owner=w.border, full_name=f"Nạn nhân {index}", home=None)
        consented(case)
        referrals.referral_send(user=w.sender, case=case, receiving_agency=w.centre, reason="Tạm trú",
                                services=["shelter", "item:clothing_set"], shared_parts=["identity"])
    assert count() == few
