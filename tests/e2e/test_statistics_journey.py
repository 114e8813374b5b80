"""Browser journey: the ministry analyst opens the national dashboard, filters to 2025 and Lạng Sơn,
follows a chart to its table and downloads the XLSX; the cells read back equal the page's."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.reporting.population import NAMES, build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def page_table(page, key):
    """(label, [cell texts]) of every body and total row of a dashboard table."""
    rows = []
    for row in page.locator(f"#data-{key} tbody tr, #data-{key} tfoot tr").all():
        label = row.locator("th").inner_text().strip()
        rows.append((label, [cell.get_attribute("data-value") for cell in row.locator("td").all()]))
    return rows


def sheet_table(book, title):
    sheet = next(book[name] for name in book.sheetnames if book[name]["A1"].value == title)
    rows = []
    for values in sheet.iter_rows(min_row=2, values_only=True):
        if values[0] is None:
            break
        rows.append((values[0], [str(v) for v in values[1:] if v is not None]))
    return rows


def test_the_analyst_filters_follows_a_chart_and_downloads(signed_in_page, tmp_path):
    world = build()
    page = signed_in_page(world.users["ministry_analyst"])
    page.goto("/thong-ke/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thống kê")
    page.locator("#id_period").select_option("year-2025")
    page.locator("#id_province").select_option(str(world.ls.pk))
    page.get_by_test_id("apply-filters").click()
    expect(page).to_have_url(re.compile(rf"/thong-ke/\?period=year-2025&.*province={world.ls.pk}&"))
    expect(page.get_by_test_id("period-label")).to_contain_text("01/01/2025 – 31/12/2025")
    # The channels are all small figures for the ministry: a note instead of an empty chart. The
    # activities have figures to draw.
    expect(page.get_by_test_id("chart-hidden-channel")).to_be_visible()
    expect(page.locator("#chart-channel")).to_have_count(0)
    expect(page.locator("#chart-activities")).to_be_visible()

    page.get_by_test_id("chart-link-activities").click()
    expect(page).to_have_url(re.compile(rf"/thong-ke/\?period=year-2025&.*province={world.ls.pk}&.*#data-activities$"))
    expect(page.locator("#data-activities")).to_be_in_viewport()
    channel = page_table(page, "channel")
    summary = page_table(page, "summary")
    assert ("Được tiếp nhận ở nhiều tỉnh", ["0"]) in summary  # within Lạng Sơn alone
    assert dict(channel)["Được giải cứu"][0] == "<5"  # suppressed for the ministry

    with page.expect_download() as download:
        page.get_by_test_id("download-xlsx").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "thong-ke-20250101-20251231.xlsx"
    book = load_workbook(path)
    channel_title = page.locator("#title-channel").inner_text().strip()
    summary_title = page.locator("#title-summary").inner_text().strip()
    assert sheet_table(book, channel_title) == channel
    assert sheet_table(book, summary_title) == summary
    text = "".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
    assert not [name for name in NAMES if name in text]
    assert page.errors == []
