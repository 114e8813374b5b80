"""Browser journey: a social-centre caseworker requests vocational training and the hardship allowance
(regimes 5-6, decided by the province under Law 53/2024) for an identified victim; the provincial
approver approves one and rejects the other with a reason; the
decision PDF is prepared in the background and downloads with the right Vietnamese text and amounts.

Selectors use test ids and field names, so the journey holds in Vietnamese and in English.
"""

import datetime
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.roles import Role
from support.models import SupportDecision, SupportRequest
from support.tasks import render_decision_pdf
from tests.conftest import PASSWORD
from tests.factories import totp_device
from tests.support.factories import make_case
from tests.support.pdftext import pdf_text
from tests.victims.factories import agency, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, user, device):
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã xác thực").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.get_by_role("button", name="Xác thực").click()
    expect(page.get_by_test_id("current-membership")).to_be_visible()


def sign_out(page):
    page.locator("form[action='/dang-xuat/'] button").click()


def test_request_approve_reject_and_download_the_decision(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = datetime.date.today()
    centre = agency("social_centre", "lang son", code="TTCTXH-LS", name="Trung tâm Công tác xã hội tỉnh Lạng Sơn")
    department = agency("social_affairs_department", "lang son", code="SYT-LS", name="Sở Y tế tỉnh Lạng Sơn")
    caseworker = member(centre, Role.CASEWORKER, user__username="lan.vi", user__full_name="Vi Thị Lan")
    approver = member(department, Role.APPROVER, user__username="toan.dang", user__full_name="Đặng Quốc Toàn")
    case = make_case(owner=centre, full_name="Lò Thị Mai", sex="female", birth_year=2000,
                     received_on=today - datetime.timedelta(days=30), confirmed_on=today - datetime.timedelta(days=20))
    page.on("dialog", lambda dialog: dialog.accept())  # "record this decision?" confirmation

    # The caseworker requests vocational training and the hardship allowance.
    sign_in(page, caseworker, totp_device(caseworker))
    page.goto(f"/ho-tro/ho-so/{case.pk}/")
    expect(page.get_by_test_id("support-summary")).to_contain_text("Lò Thị Mai")
    page.locator(f"a[href='/ho-tro/ho-so/{case.pk}/de-nghi/moi/']").first.click()
    start = page.get_by_test_id("request-start")
    start.locator("input[name=in_facility_stay]").check()
    start.locator("button[type=submit]").click()

    form = page.get_by_test_id("request-form")
    expect(page.get_by_test_id("policy-version")).to_contain_text("Luật 53/2024")
    training = form.get_by_test_id("line-vocational_training")
    expect(training.get_by_test_id("basis-vocational_training")).to_contain_text("điểm i khoản 1 Điều 37")
    training.locator("input[name$='-selected']").check()
    training.locator("input[name$='-amount']").fill("1000000")
    form.get_by_test_id("line-hardship_allowance").locator("input[name$='-selected']").check()
    document = form.get_by_test_id("document-0")
    document.locator("select[name='documents-0-document_type']").select_option("poor_household_certificate")
    document.locator("input[name='documents-0-number']").fill("15/GCN-UBND")
    form.get_by_test_id("submit-request").click()

    expect(page).to_have_url(re.compile(r"/ho-tro/de-nghi/\d+/$"))
    expect(page.get_by_test_id("request-status").first).to_have_text(re.compile("Chờ quyết định|Waiting for a decision"))
    request = SupportRequest.objects.get()
    assert request.deciding_agency == department and request.version.code == "LAW-53-2024"
    sign_out(page)

    # The provincial approver finds it in the queue and decides item by item.
    sign_in(page, approver, totp_device(approver))
    page.goto("/ho-tro/cho-quyet-dinh/")
    row = page.get_by_test_id("queue-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(case.case_number)
    row.locator(f"a[href='/ho-tro/de-nghi/{request.pk}/quyet-dinh/']").click()

    decide = page.get_by_test_id("decide-form")
    expect(decide.get_by_test_id("decide-vocational_training")).to_contain_text("1.000.000 ₫")
    allowance = decide.get_by_test_id("decide-hardship_allowance")
    allowance.locator("input[type=radio][value=reject]").check()
    decide.get_by_test_id("submit-decision").click()
    expect(allowance.locator(".invalid-feedback")).to_be_visible()  # a rejection needs its reason
    expect(allowance.locator("input[type=radio][value=reject]")).to_be_checked()  # what was chosen is kept
    allowance.locator("textarea").fill("Giấy chứng nhận hộ nghèo đã hết hạn.")
    decide.get_by_test_id("submit-decision").click()

    expect(page).to_have_url(f"{page.url.split('/ho-tro/')[0]}/ho-tro/de-nghi/{request.pk}/")
    expect(page.get_by_test_id("decision-number")).to_have_text("1/QĐ-SYT-LS")
    expect(page.get_by_test_id("decision-document")).to_have_attribute("aria-busy", "true")  # being prepared

    # No worker runs in this test: run the task body, as the worker would; the page notices by itself.
    render_decision_pdf(SupportDecision.objects.get().pk)
    download_link = page.get_by_test_id("decision-download")
    expect(download_link).to_be_visible(timeout=15_000)
    with page.expect_download() as download_info:
        download_link.click()
    pdf = download_info.value
    assert pdf.suggested_filename == "quyet-dinh-1-QĐ-SYT-LS.pdf"
    with open(pdf.path(), "rb") as handle:
        text = pdf_text(handle.read())
    for expected in ("QUYẾT ĐỊNH", "Về việc hỗ trợ đối với nạn nhân bị mua bán", "SỞ Y TẾ TỈNH LẠNG SƠN",
                     "Số: 1/QĐ-SYT-LS", "Lò Thị Mai", "1.000.000 đồng", "Bằng chữ: Một triệu đồng",
                     "Trợ cấp khó khăn ban đầu. Lý do: Giấy chứng nhận hộ nghèo đã hết hạn.", "Đặng Quốc Toàn"):
        assert expected in text, expected
