"""Browser journey of a periodic report, with a real Celery worker: the 2025 reporting year closes
(beat's entry), Lạng Sơn's approver writes the narrative and submits, the ministry returns it with a
comment, the province resubmits, the ministry accepts, builds the national annual report and downloads
it; the PDF's text and the XLSX's cells are read back."""

import re
import time

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from config.celery import app
from reporting.models import ReportRun, RunStatus
from tests.reporting.population import build
from tests.support.pdftext import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.celery_live, pytest.mark.django_db(transaction=True)]
NARRATIVE = ["Đã tiếp nhận kịp thời ba nạn nhân.", "Thiếu phiên dịch tiếng Trung ở biên giới.",
             "Bổ sung kinh phí hỗ trợ ban đầu."]


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_a_report_goes_up_and_the_ministry_downloads_the_national_report(
        signed_in_page, celery_worker_live, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATISTICS_SUPPRESSION_THRESHOLD = 1  # exact figures, to read them back
    world = build()
    entry = settings.CELERY_BEAT_SCHEDULE["reports-draft-closed-periods"]
    app.send_task(entry["task"], kwargs={"today": "2025-12-20"})  # the period closes
    assert wait_for(lambda: ReportRun.objects.filter(status=RunStatus.DONE).count() == 4)

    # The department's approver finds the draft on the home page, writes the narrative and submits.
    approver = signed_in_page(world.users["department_approver"])
    asked = []  # signing and submitting cannot be undone: the page asks first
    approver.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    approver.goto("/")
    approver.get_by_test_id("reports-waiting").get_by_role("link", name=re.compile("Báo cáo năm")).click()
    expect(approver.get_by_test_id("report-status")).to_have_text("Dự thảo")
    for label, text in zip(["Kết quả thực hiện", "Khó khăn, vướng mắc và nguyên nhân", "Đề xuất, kiến nghị"],
                           NARRATIVE, strict=True):
        approver.get_by_label(label).fill(text)
    approver.get_by_role("button", name="Lưu phần đánh giá").click()
    expect(approver.get_by_text("Đã lưu phần đánh giá.")).to_be_visible()
    approver.get_by_role("button", name="Ký và gửi lên Bộ").click()
    expect(approver.get_by_test_id("report-status")).to_have_text("Đã gửi")
    assert asked == ["Ký và gửi báo cáo lên Bộ? Số liệu và tệp được giữ nguyên như hiện tại."]
    report_url = approver.url

    # The ministry sees it submitted after the due date (15/12/2025: late), a province without a
    # report as missing, and returns Lạng Sơn's with a comment.
    ministry = signed_in_page(world.users["ministry_analyst"])
    ministry.goto("/thong-ke/bao-cao/")
    expect(ministry.get_by_test_id("province-row").filter(has_text=world.ls.name)).to_have_attribute(
        "data-state", "late")
    expect(ministry.get_by_test_id("province-row").filter(has_text=world.ls.name)).to_contain_text("Trễ hạn")
    expect(ministry.get_by_test_id("province-row").filter(has_text="Cao Bằng")).to_have_attribute(
        "data-state", "missing")
    ministry.get_by_role("link", name=world.ls.name).click()
    ministry.get_by_label("Trả lại cho tỉnh").check()
    ministry.get_by_role("button", name="Ghi nhận quyết định").click()
    expect(ministry.get_by_text("Nêu lý do trả lại báo cáo.")).to_be_visible()  # beside the field
    ministry.get_by_label("Ý kiến").fill("Bổ sung số liệu tập huấn cán bộ xã.")
    ministry.get_by_role("button", name="Ghi nhận quyết định").click()
    expect(ministry.get_by_test_id("report-status")).to_have_text("Dự thảo")

    # The province sees the comment, resubmits (the narrative is kept); the ministry accepts.
    approver.goto(report_url)
    expect(approver.get_by_test_id("event-comment")).to_have_text("Bổ sung số liệu tập huấn cán bộ xã.")
    expect(approver.get_by_label("Kết quả thực hiện")).to_have_value(NARRATIVE[0])
    approver.get_by_role("button", name="Ký và gửi lên Bộ").click()
    expect(approver.get_by_test_id("report-status")).to_have_text("Đã gửi")
    ministry.goto(report_url)
    ministry.get_by_label("Chấp nhận").check()
    ministry.get_by_role("button", name="Ghi nhận quyết định").click()
    expect(ministry.get_by_test_id("report-status")).to_have_text("Đã chấp nhận")
    steps = [item.get_attribute("data-step") for item in ministry.get_by_test_id("report-event").all()]
    assert steps == ["created", "narrative", "submitted", "returned", "submitted", "accepted"]

    # The national annual report: built, rendered by the worker (the page follows), downloaded.
    ministry.goto("/thong-ke/bao-cao/")
    expect(ministry.get_by_test_id("province-row").filter(has_text=world.ls.name)).to_have_attribute(
        "data-state", "accepted")
    ministry.get_by_role("button", name="Lập báo cáo toàn quốc từ các báo cáo tỉnh đã được chấp nhận").click()
    expect(ministry.get_by_test_id("download-pdf")).to_be_visible(timeout=90_000)
    with ministry.expect_download() as download:
        ministry.get_by_test_id("download-pdf").click()
    pdf = (tmp_path / "national.pdf")
    download.value.save_as(pdf)
    text = "".join(pdf_text(pdf.read_bytes()).split())
    assert "Đốichiếusốngười" in text and "BÁOCÁO" in text and "toànquốc" in text
    assert "".join(f"{world.ls.name}34".split()) in text  # Lạng Sơn: 3 persons, 4 receptions
    with ministry.expect_download() as download:
        ministry.get_by_test_id("download-xlsx").click()
    xlsx = tmp_path / "national.xlsx"
    download.value.save_as(xlsx)
    book = load_workbook(xlsx)
    sheets = {book[name]["A1"].value: [list(r) for r in book[name].iter_rows(min_row=2, values_only=True)]
              for name in book.sheetnames}
    assert sheets["Các báo cáo tỉnh đã được chấp nhận"][:2] == [[world.ls.name, 3, 4], ["Tổng các báo cáo tỉnh", 3, 4]]
    reconciliation = {row[0]: row[1] for row in sheets["Đối chiếu số người"] if row and row[0]}
    assert reconciliation["Số người trên toàn quốc (mỗi người một lần)"] == 4
    assert reconciliation["Lượt tiếp nhận: tổng các báo cáo tỉnh đã được chấp nhận"] == 4
    assert reconciliation["Lượt tiếp nhận tính trên toàn quốc"] == 6  # Hà Nội's report is not accepted yet
