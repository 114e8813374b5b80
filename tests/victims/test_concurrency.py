"""Real concurrent submissions (threads, each with its own database connection and transaction)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from victims import services
from victims.models import Case, ReceptionChannel

from .factories import agency, days_ago, member

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submit_together(n, make_call):
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait(timeout=10)
            return make_call(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_a_form_submitted_twice_at_the_same_moment_creates_one_case():
    border = agency("border_guard", "lang son", code="BP-TEST")
    officer = member(border)

    def submit(_):
        return services.case_register_reception(
            user=officer, agency=border, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
            received_on=days_ago(1), full_name="Lò Thị Mai", idempotency_key="form-token-0001",
        ).pk

    assert len(set(submit_together(4, submit))) == 1
    assert Case.objects.count() == 1


def test_simultaneous_receptions_get_consecutive_unique_numbers():
    border = agency("border_guard", "lang son", code="BP-TEST")
    officer = member(border)

    def submit(i):
        return services.case_register_reception(
            user=officer, agency=border, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
            received_on=days_ago(1), full_name=f"Nạn nhân {i}", idempotency_key=f"form-{i}",
        ).case_number

    numbers = submit_together(5, submit)
    year = timezone.localdate().year
    assert sorted(numbers) == [f"BP-TEST-{year}-{n:05d}" for n in range(1, 6)]
