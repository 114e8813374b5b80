"""Password reset is throttled per address and per account, answers the same way, and is logged."""

import logging

import pytest
from django.core import mail

from accounts.models import PasswordResetAttempt
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = "/mat-khau/quen/"


def ask(client, email, ip="10.3.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_nine_requests_in_a_second_send_three_mails_to_one_account(client):
    UserFactory(email="hoa@example.gov.vn")
    answers = [ask(client, "hoa@example.gov.vn", ip=f"10.3.0.{i}") for i in range(9)]  # nine addresses
    assert len(mail.outbox) == 3
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/mat-khau/da-gui/")}


def test_one_address_cannot_ask_for_many_accounts(client):
    for i in range(8):
        UserFactory(email=f"u{i}@example.gov.vn")
        ask(client, f"u{i}@example.gov.vn")
    assert len(mail.outbox) == 5
    assert ask(client, "u0@example.gov.vn", ip="10.3.0.99").status_code == 302  # another address still may


def test_the_answer_is_the_same_for_unknown_addresses_and_when_throttled(client):
    UserFactory(email="hoa@example.gov.vn")
    known = ask(client, "hoa@example.gov.vn", ip="10.4.0.1")
    unknown = ask(client, "khong-co@example.gov.vn", ip="10.4.0.2")
    for _ in range(4):
        throttled = ask(client, "hoa@example.gov.vn", ip="10.4.0.3")
    assert known["Location"] == unknown["Location"] == throttled["Location"] == "/mat-khau/da-gui/"


def test_requests_are_logged_without_the_address_typed(client, caplog):
    UserFactory(email="hoa@example.gov.vn")
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        for _ in range(4):
            ask(client, "hoa@example.gov.vn")
    lines = [r.getMessage() for r in caplog.records if r.name == "accounts.security"]
    assert len(lines) == 4 and sum("sent=False" in line for line in lines) == 1
    assert not any("hoa@" in line for line in lines)
    assert PasswordResetAttempt.objects.count() == 4
    assert not PasswordResetAttempt.objects.filter(email_digest__contains="hoa").exists()
