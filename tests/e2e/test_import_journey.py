"""Browser journey of issue 17, with a real Celery worker: a Lạng Sơn centre caseworker opens the
import page from the menu, downloads the template, fills it with the centre's old register (one date
a clerk got wrong), uploads it, reads the error by row and column, corrects the file, uploads it
again, confirms, and finds the persons in the case list by names typed without diacritics. The
import page is also checked at phone width: nothing scrolls sideways."""

import datetime
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.victims.factories import agency, member

pytestmark = [pytest.mark.e2e, pytest.mark.celery_live,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The centre's register as a clerk kept it: Vietnamese names, a former province (Hà Giang, merged
# into Tuyên Quang on 1/7/2025) among the home provinces.
RECEPTIONS = [
    ("TN-2019-001", datetime.date(2019, 1, 14), "Nguyễn Thị Hoa", 1998, "Hà Giang"),
    ("TN-2019-002", datetime.date(2019, 2, 3), "Lò Thị Mai", 2001, "Lào Cai"),
    ("TN-2019-003", "31/02/2019", "Vàng Thị Dua", 1995, "Hà Giang"),  # no 31 February
    ("TN-2019-004", datetime.date(2019, 3, 20), "Hoàng Thị Lan", 1990, "Lạng Sơn"),
    ("TN-2019-005", datetime.date(2019, 4, 8), "Triệu Thị Mỷ", 2000, "Cao Bằng"),
]
BAD_ROW = 4  # the sheet's row of TN-2019-003 (row 1 is the header)
DATE_ERROR = "“31/02/2019” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy."
CHECKED, IMPORTED = "Đã kiểm tra: chờ bạn xác nhận", "Đã nhập"
WORKER = 120_000  # ms: the check and the import run on the shared machine's worker


def headers(sheet) -> dict[str, int]:
    """Column header (without the required mark) -> column number."""
    return {str(cell.value).removesuffix(" *"): cell.column for cell in sheet[1] if cell.value}


def fill(book, sheet_name: str, rows: list[dict]) -> None:
    sheet = book[sheet_name]
    columns = headers(sheet)
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=number, column=columns[header], value=value)


def counts(page) -> dict[str, list[str]]:
    """The check's table as read: sheet -> [new, updated, unchanged, with errors]."""
    table = {}
    for row in page.get_by_test_id("count-row").all():
        cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
        table[cells[0]] = cells[1:]
    return table


def no_sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_centre_imports_its_old_register_corrects_a_row_and_finds_the_persons(
        signed_in_page, celery_worker_live, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    centre = agency("social_centre", "lang son", code="TTCTXH-LS", name="Trung tâm Công tác xã hội tỉnh Lạng Sơn")
    caseworker = member(centre, user__full_name="Hoàng Thị Thu")
    page = signed_in_page(caseworker)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    # From the menu to the import page; nothing imported yet.
    page.goto("/")
    page.locator("#mainnav").get_by_role("link", name="Nhập sổ cũ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập sổ cũ")
    expect(page.get_by_test_id("no-imports")).to_be_visible()

    # The template: one sheet per kind of row with Vietnamese headers, and the explanations.
    with page.expect_download() as download:
        page.get_by_test_id("template-all").click()
    assert download.value.suggested_filename == "mau-nhap-so-dang-ky.xlsx"
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    book = load_workbook(template)
    assert {"Lượt tiếp nhận", "Trẻ em đi cùng", "Hướng dẫn"} <= set(book.sheetnames)
    reception_headers = [cell.value for cell in book["Lượt tiếp nhận"][1]]
    assert reception_headers[:3] == ["Số sổ đăng ký *", "Ngày tiếp nhận *", "Hình thức tiếp nhận *"]
    assert {"Họ và tên *", "Tỉnh quê quán", "Năm sinh"} <= set(reception_headers)
    assert "Quan hệ *" in [cell.value for cell in book["Trẻ em đi cùng"][1]]

    # The clerk types the register into it: five receptions, one child, one impossible date.
    fill(book, "Lượt tiếp nhận", [
        {"Số sổ đăng ký": number, "Ngày tiếp nhận": received, "Hình thức tiếp nhận": "Được trao trả qua biên giới",
         "Nơi tiếp nhận": "Cửa khẩu Hữu Nghị", "Họ và tên": name, "Giới tính": "Nữ", "Năm sinh": born,
         "Tỉnh quê quán": home, "Nước bị đưa đến": "Trung Quốc"}
        for number, received, name, born, home in RECEPTIONS
    ])
    fill(book, "Trẻ em đi cùng", [{"Số sổ đăng ký": "TN-2019-001", "Số thứ tự dòng": 1,
                                   "Họ và tên trẻ": "Nguyễn Văn An", "Giới tính": "Nam", "Năm sinh": 2017,
                                   "Quan hệ": "Con"}])
    register = tmp_path / "so-tiep-nhan-2019.xlsx"
    book.save(register)

    # Upload: the worker checks every row; the page follows by itself.
    page.get_by_label("Tệp sổ đăng ký").set_input_files(register)
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("so-tiep-nhan-2019.xlsx")
    expect(page.get_by_test_id("import-status")).to_have_text(CHECKED, timeout=WORKER)
    expect(page.get_by_role("heading", name="1 dòng có lỗi")).to_be_visible()
    error = page.get_by_test_id("error-row")
    expect(error).to_have_count(1)
    assert [cell.strip() for cell in error.locator("td").all_inner_texts()] == [
        "Lượt tiếp nhận", str(BAD_ROW), "Ngày tiếp nhận", DATE_ERROR]
    assert counts(page) == {"Lượt tiếp nhận": ["4", "0", "0", "1"], "Trẻ em đi cùng": ["1", "0", "0", "0"]}

    # Phone width: the check's tables scroll inside their box, the page never sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page) <= 1
    page.set_viewport_size({"width": 1366, "height": 800})

    # The clerk corrects the date in the file and uploads it again (this check is simply left).
    book = load_workbook(register)
    book["Lượt tiếp nhận"].cell(row=BAD_ROW, column=headers(book["Lượt tiếp nhận"])["Ngày tiếp nhận"],
                                value="28/02/2019")
    book.save(register)
    page.get_by_role("link", name="Nhập sổ cũ").first.click()
    expect(page.get_by_test_id("import-row")).to_have_count(1)
    page.get_by_label("Tệp sổ đăng ký").set_input_files(register)
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_test_id("import-status")).to_have_text(CHECKED, timeout=WORKER)
    expect(page.get_by_test_id("error-row")).to_have_count(0)
    assert counts(page) == {"Lượt tiếp nhận": ["5", "0", "0", "0"], "Trẻ em đi cùng": ["1", "0", "0", "0"]}

    # Confirm (the page asks first), and the worker imports.
    page.get_by_role("button", name="Nhập các dòng hợp lệ").click()
    expect(page.get_by_test_id("import-status")).to_have_text(IMPORTED, timeout=WORKER)
    assert asked == ["Nhập ngay các dòng không có lỗi vào hồ sơ?"]
    assert counts(page)["Lượt tiếp nhận"][0] == "5"
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page) <= 1
    page.set_viewport_size({"width": 1366, "height": 800})

    # The case list has them, found by names typed without diacritics.
    page.get_by_test_id("to-cases").click()
    expect(page).to_have_url(re.compile(r"/ho-so/$"))
    expect(page.get_by_test_id("case-row")).to_have_count(5)
    for typed, name in (("nguyen thi hoa", "Nguyễn Thị Hoa"), ("vang thi dua", "Vàng Thị Dua")):
        page.get_by_role("searchbox").fill(typed)
        page.get_by_role("button", name="Tìm kiếm").click()
        rows = page.get_by_test_id("case-row")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text(name)
    assert page.errors == []
