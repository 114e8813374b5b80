"""Periodic reports on a real Celery worker through the real Redis broker: beat's entry drafts the
reports of the closed period and the worker renders PDF and XLSX whose text and cells match the
statistics of the same population; a render that fails half-way is retried with backoff and leaves
exactly one report, one run and no partial file; two concurrent submits decide once."""

import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.actor import act_as
from config.celery import app
from reporting import report_services as services
from reporting.models import Report, ReportRun, RunStatus
from reporting.report_figures import table_value
from tests.reporting.population import build
from tests.reporting.reportfiles import assert_files_match, run_pdf_text, run_xlsx_sheets

pytestmark = [pytest.mark.celery_live, pytest.mark.django_db(transaction=True)]


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REPORTS_RENDER_RETRY_BACKOFF = 0.5
    return tmp_path


def send_beat_entry(today: str):
    """Send what beat sends: the schedule's task, by name, through the broker."""
    entry = settings.CELERY_BEAT_SCHEDULE["reports-draft-closed-periods"]
    return app.send_task(entry["task"], kwargs={"today": today})


def test_beat_drafts_and_the_worker_renders_the_statistics(celery_worker_live, media, settings):
    settings.STATISTICS_SUPPRESSION_THRESHOLD = 1  # every figure shown: the exact numbers reach the files
    world = build()
    send_beat_entry("2025-12-20")
    assert wait_for(lambda: ReportRun.objects.filter(status=RunStatus.DONE).count() == 4), list(
        ReportRun.objects.values_list("status", "error"))
    send_beat_entry("2025-12-20")  # beat's next tick: nothing new
    time.sleep(2)
    assert Report.objects.count() == 4 and ReportRun.objects.count() == 4

    report = Report.objects.get(report_type__code="annual", province=world.ls)
    run = report.runs.get()
    assert assert_files_match(run, world.ls, report.report_type.table_keys) > 60
    # The known figures of Lạng Sơn (tests/reporting/population.py), as the files show them.
    assert table_value(run.snapshot, "summary", "persons") == 3
    sheets = run_xlsx_sheets(run)
    summary = next(rows for rows in sheets.values() if rows[0][0] == "Người được tiếp nhận và lượt tiếp nhận")
    assert [row[:2] for row in summary[1:5]] == [["Số người được tiếp nhận", 3], ["trong đó nữ", 3],
                                                 ["trong đó dưới 18 tuổi", 2], ["Lượt tiếp nhận", 4]]
    text = "".join(run_pdf_text(run).split())
    assert "Sốngườiđượctiếpnhận3" in text and "Lượttiếpnhận4" in text and "DỰTHẢO" in text
    assert len(list(Path(media, "reports").rglob("*.partial"))) == 0


def test_a_render_failing_half_way_is_retried_into_one_report_and_no_partial_file(celery_worker_live, media,
                                                                                   settings, tmp_path_factory):
    world = build()
    fault = tmp_path_factory.mktemp("fault") / "fail-next-render"
    settings.REPORTS_RENDER_FAULT_FILE = str(fault)
    services.reports_draft_closed_periods(today=__import__("datetime").date(2025, 12, 20))
    assert wait_for(lambda: ReportRun.objects.filter(status=RunStatus.DONE).count() == 4)
    report = Report.objects.get(report_type__code="annual", province=world.ls)
    run = report.runs.get()
    first_pdf = (Path(media) / run.pdf).read_bytes()

    fault.write_text("once")  # the next render writes half its PDF, then fails
    settings.REPORTS_RENDER_RETRY_BACKOFF = 4
    approver = world.memberships["department_approver"]
    services.report_regenerate(actor=act_as(approver.user, approver), report=report)
    # The failure is recorded with its reason; half a PDF sits under the temporary name only, and
    # the final name still holds the previous complete file.
    assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == RunStatus.FAILED, 60)
    assert "REPORTS_RENDER_FAULT_FILE" in ReportRun.objects.get(pk=run.pk).error
    directory = Path(media) / "reports" / str(report.pk)
    partial = directory / f"r1-{run.pk}.pdf.partial"
    assert partial.exists() and not partial.read_bytes().rstrip().endswith(b"%%EOF")
    assert (Path(media) / run.pdf).read_bytes() == first_pdf
    # The retry, after the backoff, finishes the same run.
    assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == RunStatus.DONE)
    run.refresh_from_db()
    assert run.attempts == 2 and run.error == ""
    assert ReportRun.objects.filter(report=report).count() == 1
    assert Report.objects.filter(report_type__code="annual", province=world.ls).count() == 1
    files = sorted(p.name for p in directory.iterdir())
    assert files == [f"r1-{run.pk}.pdf", f"r1-{run.pk}.xlsx"]  # no partial file, no second copy
    pdf = (Path(media) / run.pdf).read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > len(first_pdf) // 2
    assert "SỞ Y TẾ TỈNH LẠNG SƠN" in " ".join(run_pdf_text(run).split())


def test_two_concurrent_submits_decide_once(media, celery_worker_live):
    world = build()
    services.reports_draft_closed_periods(today=__import__("datetime").date(2025, 12, 20))
    report = Report.objects.get(report_type__code="annual", province=world.ls)
    approver = world.memberships["department_approver"]
    services.report_save_narrative(actor=act_as(approver.user, approver), report=report,
                                   texts={"results": "a", "difficulties": "b", "recommendations": "c"})
    results, barrier = [], threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            services.report_submit(actor=act_as(approver.user, approver), report=report)
            results.append("submitted")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["This report has already been submitted.", "submitted"] or sorted(results) == [
        "Báo cáo này đã được gửi.", "submitted"]
    assert report.events.filter(step="submitted").count() == 1
    assert report.runs.get().number_symbol == "1/BC-SYT-LS"
