"""The decision PDF, amounts in words and working days."""

import datetime

import pytest

from support.models import PdfStatus, SupportDecision
from support.pdf import decision_html, decision_store_pdf
from support.services import LineDecisionInput, decision_requeue_pdf, support_request_decide
from support.tasks import render_decision_pdf
from support.words import amount_in_words, dong, number_in_words
from support.working_days import add_working_days, is_working_day, working_days_between
from tests.support.factories import LAW53, add_child, request_support
from tests.support.pdftext import pdf_fonts, pdf_text


@pytest.fixture
def decision(ls, case):
    [request] = request_support(ls, case, [(LAW53, "vocational_training", 1, 1_000_000),
                                           (LAW53, "hardship_allowance", 1)],
                                stay=True, documents=["poor_household_certificate"])
    lines = {line.pk: LineDecisionInput(
        decision="approve" if line.item.code == "vocational_training" else "reject",
        reason="Chưa có giấy chứng nhận hộ nghèo hợp lệ.",
    ) for line in request.lines.all()}
    return support_request_decide(user=ls.approver, request=request, lines=lines,
                                  decision_date=datetime.date(2025, 9, 22))


@pytest.mark.django_db
def test_the_decision_pdf_reads_as_an_official_vietnamese_decision(decision):
    render_decision_pdf(decision.pk)  # the Celery task body

    decision.refresh_from_db()
    assert decision.pdf_status == PdfStatus.READY and decision.pdf_rendered_at
    with decision.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    fonts = pdf_fonts(data)  # only the bundled Tinos serif (@font-face "Tinos ..."), no system fallback
    assert fonts and all(name.startswith("Tinos-") for name in fonts), fonts
    text = pdf_text(data)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN",
        "SỞ Y TẾ TỈNH LẠNG SƠN", "Số: 1/QĐ-SYT-LS", "Lạng Sơn, ngày 22 tháng 9 năm 2025", "QUYẾT ĐỊNH",
        "Về việc hỗ trợ đối với nạn nhân bị mua bán", "Căn cứ Luật Phòng, chống mua bán người số 53/2024/QH15",
        "Lò Thị Mai", "Hỗ trợ học nghề", "1.000.000 đồng", "Bằng chữ: Một triệu đồng",
        "Trợ cấp khó khăn ban đầu. Lý do: Chưa có giấy chứng nhận hộ nghèo hợp lệ.", "Đặng Quốc Toàn",
    ]:
        assert expected in text, expected
    # the legal basis of the approved item, in its row (the table cell wraps: compare without spaces)
    cell = text.split("Hỗ trợ học nghề", 1)[1].split("1 lần", 1)[0]
    basis = "(Căn cứ điểm i khoản 1 Điều 37 Luật Phòng, chống mua bán người số 53/2024/QH15)"
    assert cell.replace(" ", "").replace("\n", "") == basis.replace(" ", "")


@pytest.mark.django_db
def test_the_pdf_names_an_accompanying_child_as_such(ls, case):
    child = add_child(case, birth_year=2019)
    [request] = request_support(ls, case, [(LAW53, "school_support", 1, 450_000)], person=child)
    decision = support_request_decide(user=ls.approver, request=request,
                                      lines={line.pk: LineDecisionInput("approve") for line in request.lines.all()})
    html = decision_html(decision)
    assert "người chưa thành niên đi cùng nạn nhân" in html
    assert "450.000 đồng" in html and "Bốn trăm năm mươi nghìn đồng" in html


@pytest.mark.django_db
def test_a_failed_rendering_is_recorded_and_can_be_retried(decision, ls, settings, django_capture_on_commit_callbacks):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]  # the template is gone
    decision_store_pdf(decision.pk)
    decision.refresh_from_db()
    assert decision.pdf_status == PdfStatus.FAILED and decision.pdf_error

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decision_requeue_pdf(user=ls.approver, decision=decision)
    assert len(callbacks) == 1
    decision.refresh_from_db()
    assert decision.pdf_status == PdfStatus.PENDING


@pytest.mark.django_db
def test_rendering_twice_is_harmless(decision):
    render_decision_pdf(decision.pk)
    first = SupportDecision.objects.get(pk=decision.pk).pdf.name
    render_decision_pdf(decision.pk)
    assert SupportDecision.objects.get(pk=decision.pk).pdf.name == first
    render_decision_pdf(999_999_999)  # a decision that does not exist (e.g. rolled back): nothing happens


@pytest.mark.parametrize(("amount", "words"), [
    (0, "Không đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (105, "Một trăm linh năm đồng"),
    (40_000, "Bốn mươi nghìn đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
    (2_345_678, "Hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám đồng"),
    (12_500_000_000, "Mười hai tỷ năm trăm triệu đồng"),
])
def test_amounts_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_amounts_in_figures():
    assert dong(1_000_000) == "1.000.000 đồng"
    assert number_in_words(1_001) == "một nghìn không trăm linh một"


def test_working_days_skip_weekends_and_vietnamese_holidays():
    # Lunar New Year 2026: 16-20 February are holidays.
    assert add_working_days(datetime.date(2026, 2, 13), 1) == datetime.date(2026, 2, 23)
    assert working_days_between(datetime.date(2026, 2, 13), datetime.date(2026, 2, 23)) == 1
    # National Day 2025 (1-2 September): Friday 29/08 + 1 working day = Wednesday 03/09.
    assert add_working_days(datetime.date(2025, 8, 29), 1) == datetime.date(2025, 9, 3)
    # A Saturday worked in exchange for a bridge holiday counts (26/04/2025).
    assert is_working_day(datetime.date(2025, 4, 26))
    assert not is_working_day(datetime.date(2025, 4, 30)) and not is_working_day(datetime.date(2025, 5, 2))
    assert add_working_days(datetime.date(2025, 3, 10), 0) == datetime.date(2025, 3, 10)
    assert working_days_between(datetime.date(2025, 9, 26), datetime.date(2025, 9, 15)) == -9
    with pytest.raises(ValueError):
        add_working_days(datetime.date(2025, 3, 10), -1)


@pytest.mark.parametrize("start", [datetime.date(2025, 1, 1) + datetime.timedelta(days=d) for d in range(0, 400, 37)])
@pytest.mark.parametrize("n", [0, 1, 5, 9, 15])
def test_working_days_between_is_the_inverse_of_add(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n
