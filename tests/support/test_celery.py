"""The decision PDF is rendered by a real Celery worker, through the real Redis broker, after commit."""

import time

import pytest

from support.models import PdfStatus, SupportDecision
from tests.support.factories import LAW53, decide_all, lang_son, make_case, request_support
from tests.support.pdftext import pdf_text

pytestmark = [pytest.mark.celery_live, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_approval_queues_the_pdf_and_a_worker_renders_it(celery_worker_live, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = lang_son()
    case = make_case(owner=world.centre, full_name="Hà Thị Nguyệt")
    [request] = request_support(world, case, [(LAW53, "clothing_set", 2)])

    decision = decide_all(world.director, request)  # commits; the task is sent on commit

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        decision = SupportDecision.objects.get(pk=decision.pk)
        if decision.pdf_status != PdfStatus.PENDING:
            break
        time.sleep(0.25)
    assert decision.pdf_status == PdfStatus.READY, decision.pdf_error
    with decision.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Hà Thị Nguyệt" in text and "300.000 đồng" in text and "Ba trăm nghìn đồng" in text
