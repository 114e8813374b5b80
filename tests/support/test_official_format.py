"""The decision PDF in the state format (Decree 30/2020/NĐ-CP, Appendix I), read back with pdfplumber:
font, margins, page numbers, element styles, date line, signing block, confidentiality mark.

Writes build/documents/decision-page1.png for a reviewer to compare with the appendix's model layout."""

import datetime
import io
from pathlib import Path

import pdfplumber
import pytest
from django.conf import settings
from django.urls import reverse

from support.models import SupportDecision
from support.pdf import decision_html
from support.services import LineDecisionInput, support_request_decide
from support.tasks import render_decision_pdf
from tests.support.factories import LAW53, request_support
from tests.support.pdftext import pdf_fonts

MM = 72 / 25.4  # PDF points per millimetre
A4_WIDTH, A4_HEIGHT = 210 * MM, 297 * MM
TOP, BOTTOM, LEFT, RIGHT = 20 * MM, 20 * MM, 30 * MM, 15 * MM  # the margins the layer prints with
TOLERANCE = 1  # pt: half a border line may straddle the edge of the text area
PNG = Path(settings.BASE_DIR) / "build" / "documents" / "decision-page1.png"
REASON = ("Hộ gia đình chưa có giấy chứng nhận hộ nghèo hợp lệ tại thời điểm đề nghị; đề nghị bổ sung "
          "giấy chứng nhận do Ủy ban nhân dân cấp xã cấp theo quy định và nộp lại hồ sơ. ")


@pytest.fixture
def pdf(ls, case):
    """A decision of 05/02/2026, signed KT. by a deputy director, long enough for two pages."""
    # Regimes 5-6: the provincial department decides them (Law 53/2024).
    [request] = request_support(ls, case, [(LAW53, "vocational_training", 1, 3_000_000),
                                           (LAW53, "hardship_allowance", 1)],
                                stay=True, documents=["poor_household_certificate"])
    lines = {line.pk: LineDecisionInput(
        decision="approve" if line.item.code == "vocational_training" else "reject", reason=REASON * 9,
    ) for line in request.lines.all()}
    decision = support_request_decide(
        user=ls.approver, request=request, lines=lines, decision_date=datetime.date(2026, 2, 5),
        signing_authority="kt", signer_title="Phó Giám đốc",
    )
    render_decision_pdf(decision.pk)
    decision = SupportDecision.objects.get(pk=decision.pk)
    assert decision.signing_authority == "kt" and decision.signer_title == "Phó Giám đốc"  # stored with it
    with decision.pdf.open("rb") as handle:
        data = handle.read()
    with pdfplumber.open(io.BytesIO(data)) as document:
        document.data = data
        yield document


def sized(char, low, high):
    """The character's size is within the appendix's range (pt; PDF sizes carry rounding noise)."""
    return low - 0.05 <= char["size"] <= high + 0.05


def lines_of(page):
    return page.extract_text_lines(return_chars=True)


def line_with(page, text):
    found = [line for line in lines_of(page) if text in line["text"]]
    assert found, f"{text!r} not on page {page.page_number}"
    return found[0]


def chars_of(line, text):
    """The characters of `text` inside a text line."""
    start = line["text"].index(text)
    chars = [c for c in line["chars"] if c["text"].strip()][
        len(line["text"][:start].replace(" ", "")):len(line["text"][:start + len(text)].replace(" ", ""))]
    assert "".join(c["text"] for c in chars) == text.replace(" ", "")
    return chars


def test_the_embedded_font_is_the_bundled_serif(pdf):
    assert pdf_fonts(pdf.data) and all(name.startswith("Tinos-") for name in pdf_fonts(pdf.data)), pdf_fonts(pdf.data)
    fonts = {c["fontname"].split("+", 1)[-1] for page in pdf.pages for c in page.chars}
    assert fonts >= {"Tinos-Latin", "Tinos-Latin-Bold", "Tinos-Latin-Italic", "Tinos-Viet"}, fonts
    assert all(c["non_stroking_color"] in ((0,), (0, 0, 0), [0], [0, 0, 0], None) for page in pdf.pages
               for c in page.chars), "text is black"


def test_a4_portrait_and_every_text_box_inside_the_prescribed_margins(pdf):
    assert len(pdf.pages) == 2
    for page in pdf.pages:
        assert (round(page.width), round(page.height)) == (round(A4_WIDTH), round(A4_HEIGHT))
        body = [c for c in page.chars if c["top"] >= TOP]  # the page number alone sits in the top margin
        assert body
        boxes = body + page.rects + page.lines
        assert min(b["x0"] for b in boxes) >= LEFT - TOLERANCE
        assert max(b["x1"] for b in boxes) <= A4_WIDTH - RIGHT + TOLERANCE
        assert min(b["top"] for b in boxes) >= TOP - TOLERANCE
        assert max(b["bottom"] for b in boxes) <= A4_HEIGHT - BOTTOM + TOLERANCE
        # The body fills the width: justified text reaches both margins.
        assert min(c["x0"] for c in body) < LEFT + 1 and max(c["x1"] for c in body) > A4_WIDTH - RIGHT - 2


def test_no_page_number_on_page_1_and_a_centred_one_in_the_top_margin_of_page_2(pdf):
    first, second = pdf.pages
    assert not [c for c in first.chars if c["bottom"] <= TOP], "page 1 has nothing in its top margin"
    number = [c for c in second.chars if c["bottom"] <= TOP]
    assert "".join(c["text"] for c in number) == "2"
    centre = (min(c["x0"] for c in number) + max(c["x1"] for c in number)) / 2
    assert abs(centre - (LEFT + (A4_WIDTH - RIGHT)) / 2) < 1  # centred between the margins
    assert all(sized(c, 13, 14) and "Bold" not in c["fontname"] for c in number)


def test_the_place_and_date_line_is_italic_with_leading_zeros_under_the_motto(pdf):
    page = pdf.pages[0]
    line = line_with(page, "ngày 05 tháng 02 năm 2026")
    date = chars_of(line, "Lạng Sơn, ngày 05 tháng 02 năm 2026")
    assert "".join(c["text"] for c in date).replace(" ", "") == "LạngSơn,ngày05tháng02năm2026"
    assert all("Italic" in c["fontname"] and sized(c, 13, 14) for c in date)
    motto = line_with(page, "Độc lập - Tự do - Hạnh phúc")
    motto_chars = chars_of(motto, "Độc lập - Tự do - Hạnh phúc")
    assert date[0]["top"] > motto["bottom"]
    centre = lambda chars: (chars[0]["x0"] + chars[-1]["x1"]) / 2  # noqa: E731
    assert abs(centre(date) - centre(motto_chars)) < 3  # both centred in the right-hand column
    # The motto: bold 13-14, the national name bold capitals 12-13 above it, a line as long as the motto.
    assert all("Bold" in c["fontname"] and sized(c, 13, 14) for c in motto_chars)
    national = chars_of(line_with(page, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert all("Bold" in c["fontname"] and sized(c, 12, 13) for c in national)
    rules = [r for r in page.rects + page.lines if motto["bottom"] <= r["bottom"] <= motto["bottom"] + 4]
    assert any(abs((r["x1"] - r["x0"]) - (motto_chars[-1]["x1"] - motto_chars[0]["x0"])) < 2 for r in rules)


def test_element_styles_follow_the_appendix(pdf):
    page = pdf.pages[0]
    agency = chars_of(line_with(page, "SỞ Y TẾ TỈNH LẠNG SƠN"), "SỞ Y TẾ TỈNH LẠNG SƠN")
    assert all("Bold" in c["fontname"] and sized(c, 12, 13) for c in agency)
    number = line_with(page, "Số: 1/QĐ-SYT-LS")
    assert all("Bold" not in c["fontname"] and sized(c, 13, 14) for c in chars_of(number, "Số: 1/QĐ-SYT-LS"))
    title = [line for line in lines_of(page) if line["text"] == "QUYẾT ĐỊNH"][0]
    assert all("Bold" in c["fontname"] and sized(c, 13, 14) for c in title["chars"] if c["text"].strip())
    abstract = line_with(page, "Về việc hỗ trợ đối với nạn nhân bị mua bán")
    assert abstract["top"] > title["bottom"] and all("Bold" in c["fontname"] for c in abstract["chars"] if c["text"].strip())
    # Legal bases: italic, each on its own line(s) ending with ";", the last with ".".
    lines = lines_of(page)
    start = next(i for i, line in enumerate(lines) if line["text"] == "GIÁM ĐỐC SỞ Y TẾ TỈNH LẠNG SƠN")
    end = next(i for i, line in enumerate(lines) if line["text"] == "QUYẾT ĐỊNH:")
    preamble = lines[start + 1:end]
    assert all("Italic" in c["fontname"] for line in preamble for c in line["chars"] if c["text"].strip())
    paragraphs = " ".join(line["text"] for line in preamble).replace("; Căn cứ", ";\nCăn cứ").replace(
        "; Xét đề nghị", ";\nXét đề nghị").split("\n")
    assert [p.split()[0] for p in paragraphs] == ["Căn", "Căn", "Xét"]
    assert [p[-1] for p in paragraphs] == [";", ";", "."]
    starts = [line for line in preamble if line["text"].startswith(("Căn cứ", "Xét đề nghị"))]
    assert len(starts) == 3 and all(line["x0"] > LEFT + 12.7 * MM - 1 for line in starts)  # 1.27 cm indent
    second = pdf.pages[1]
    heading = line_with(second, "Nơi nhận:")
    assert all("Bold" in c["fontname"] and "Italic" in c["fontname"] and c["size"] == pytest.approx(12, abs=0.1)
               for c in chars_of(heading, "Nơi nhận:"))
    recipients = [line_with(second, "- Như Điều 4;"), line_with(second, "- Lưu: VT, hồ sơ.")]
    assert all(c["size"] == pytest.approx(11, abs=0.1) for line in recipients for c in chars_of(line, line["text"][:8]))


def test_the_kt_signing_block_prints_its_two_lines_above_the_signer(pdf):
    page = pdf.pages[-1]
    on_behalf = line_with(page, "KT. GIÁM ĐỐC")
    deputy = line_with(page, "PHÓ GIÁM ĐỐC")
    name = line_with(page, "Đặng Quốc Toàn")
    kt, phó, signer = (chars_of(on_behalf, "KT. GIÁM ĐỐC"), chars_of(deputy, "PHÓ GIÁM ĐỐC"),
                       chars_of(name, "Đặng Quốc Toàn"))
    assert on_behalf["bottom"] <= deputy["top"] < on_behalf["bottom"] + 10  # the next line
    assert name["top"] > deputy["bottom"] + 30  # room for the signature
    centre = lambda chars: (chars[0]["x0"] + chars[-1]["x1"]) / 2  # noqa: E731
    assert abs(centre(kt) - centre(phó)) < 2 and abs(centre(kt) - centre(signer)) < 2
    assert centre(kt) > A4_WIDTH / 2  # on the right, opposite "Nơi nhận"
    assert all("Bold" in c["fontname"] and sized(c, 13, 14) for c in kt + phó + signer)


def test_a_decision_naming_the_victim_carries_the_confidentiality_mark_under_its_number(pdf):
    page = pdf.pages[0]
    number = line_with(page, "Số: 1/QĐ-SYT-LS")
    mark = line_with(page, "Tài liệu có thông tin cá nhân của nạn")
    assert number["bottom"] < mark["top"] < number["bottom"] + 20
    assert mark["x1"] < A4_WIDTH / 2  # the left-hand column, under the number and symbol (box 10a)
    assert mark["top"] < line_with(page, "QUYẾT ĐỊNH")["top"]
    boxes = [r for r in page.rects if r["top"] < mark["top"] and r["bottom"] > mark["bottom"]
             and r["x0"] <= mark["x0"] and r["x1"] >= mark["x1"]]
    assert boxes, "the mark is framed"


def test_the_suite_writes_page_1_as_a_png_for_review(pdf):
    PNG.parent.mkdir(parents=True, exist_ok=True)
    PNG.unlink(missing_ok=True)
    pdf.pages[0].to_image(resolution=110).save(PNG)
    from PIL import Image

    with Image.open(PNG) as image:
        width, height = image.size
    assert image.format == "PNG" and width / height == pytest.approx(210 / 297, abs=0.01) and width > 800


@pytest.mark.django_db
def test_the_signing_variant_is_chosen_when_deciding_and_stored_with_the_decision(ls, case, signed_in):
    [request] = request_support(ls, case, [(LAW53, "hardship_allowance", 1)],  # the department decides it
                                documents=["poor_household_certificate"])
    client = signed_in(ls.approver)
    url = reverse("support:request_decide", args=[request.pk])
    page = client.get(url)
    assert 'name="signing_authority"' in page.content.decode() and page.context["form"]["signing_authority"].value() == "head"
    [line] = request.lines.all()
    data = {"decision_date": datetime.date.today().strftime("%d/%m/%Y"), f"line-{line.pk}-decision": "approve",
            "signing_authority": "tl", "signer_title": ""}

    missing = client.post(url, data)  # TL. prints the signer's own title: it must be given
    assert missing.status_code == 200 and not SupportDecision.objects.exists()
    assert missing.context["form"].errors["signer_title"] == ["Nhập chức vụ của người ký."]

    data["signer_title"] = "Chánh Văn phòng"
    done = client.post(url, data, follow=True)
    decision = SupportDecision.objects.get()
    assert (decision.signing_authority, decision.signer_title) == ("tl", "Chánh Văn phòng")
    assert "TL.: ký thừa lệnh người đứng đầu · Chánh Văn phòng" in done.content.decode()  # shown with the decision
    html = decision_html(decision)
    assert "TL. GIÁM ĐỐC" in html and "CHÁNH VĂN PHÒNG" in html
