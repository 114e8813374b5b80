"""The dashboards as pages and downloads: every level renders its tables, filters survive in the URL,
the XLSX has one formatted sheet per table, and no statistics body carries a name, paper number or
address of the population."""

import csv
import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from openpyxl import load_workbook

from tests.factories import totp_device
from tests.reporting.population import ADDRESSES, CALLERS, NAMES, PAPERS, PHONES

pytestmark = pytest.mark.django_db
QUERY = "?period=year-2025"
SECRETS = [*NAMES, *PAPERS, *ADDRESSES, *CALLERS, *PHONES]


def client_for(world, persona) -> Client:
    membership = world.memberships[persona]
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(membership.user).persistent_id
    session["membership_id"] = membership.pk
    session.save()
    return client


def sheets_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))


@pytest.mark.parametrize("persona", ["ministry_analyst", "department_statistician", "department_manager",
                                     "centre_manager", "department_approver", "hn_statistician"])
def test_no_statistics_body_names_anyone(world, persona):
    client = client_for(world, persona)
    bodies = [client.get(reverse("reporting:dashboard") + QUERY)]
    if persona != "department_approver":
        bodies.append(client.get(reverse("reporting:download", args=["xlsx"]) + QUERY))
        bodies.append(client.get(reverse("reporting:download", args=["csv"]) + QUERY))
    for response in bodies:
        assert response.status_code == 200
        text = (sheets_text(response.content) if response["Content-Type"].startswith("application/vnd")
                else response.content.decode("utf-8-sig"))
        leaks = [secret for secret in SECRETS if secret in text]
        assert not leaks, (persona, response["Content-Type"], leaks)
    assert "Triệu" not in bodies[0].content.decode()


def test_each_level_shows_its_own_tables(world):
    national = client_for(world, "ministry_analyst").get(reverse("reporting:dashboard") + QUERY).content.decode()
    assert 'id="table-province"' in national and 'id="table-agency"' not in national
    assert "&lt;5" in national  # the ministry sees small figures suppressed
    assert "cases-link" not in national  # and no link to cases it may not see
    province = client_for(world, "department_statistician").get(reverse("reporting:dashboard") + QUERY).content.decode()
    assert 'id="table-agency"' in province and 'id="table-commune"' in province and 'id="table-province"' not in province
    centre = client_for(world, "centre_manager").get(reverse("reporting:dashboard") + QUERY).content.decode()
    assert 'id="table-agency"' not in centre and "cases-link" in centre and "&lt;5" not in centre


def test_filters_survive_in_the_links(world):
    client = client_for(world, "ministry_analyst")
    query = f"?period=year-2025&province={world.ls.pk}&agency_type=border_guard"
    html = client.get(reverse("reporting:dashboard") + query).content.decode()
    assert f'href="/thong-ke/tai-ve.xlsx{query.replace("&", "&amp;")}"' in html
    assert f'<option value="{world.ls.pk}" selected>' in html


def test_the_xlsx_has_one_formatted_sheet_per_table_with_the_page_figures(world):
    client = client_for(world, "centre_manager")
    response = client.get(reverse("reporting:download", args=["xlsx"]) + QUERY)
    assert response["Content-Disposition"] == 'attachment; filename="thong-ke-20250101-20251231.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) >= 18
    sheet = book[book.sheetnames[0]]
    assert sheet.freeze_panes == "B2" and sheet["A1"].font.bold
    regimes = next(book[name] for name in book.sheetnames if book[name]["A1"].value == "Hỗ trợ theo chế độ")
    rows = {row[0]: row[1:] for row in regimes.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rows["Bất kỳ chế độ nào"] == (2, 5_950_000, 2, 4_450_000)
    assert rows["Chăm sóc y tế"] == (1, 1_000_000, 1, 1_000_000) if "Chăm sóc y tế" in rows else True
    amount_cell = next(c for c in regimes[2] if isinstance(c.value, int) and c.value >= 1000)
    assert amount_cell.number_format == "#,##0"


def test_the_csv_lists_every_figure(world):
    client = client_for(world, "ministry_analyst")
    content = client.get(reverse("reporting:download", args=["csv"]) + QUERY).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["Bảng", "Đếm", "Dòng", "Cột", "Giá trị"]
    assert ["Người được tiếp nhận và lượt tiếp nhận", "both", "Lượt tiếp nhận", "Số", "6"] in rows
    # the ministry's download is suppressed like its page: 4 persons show as "<5"
    assert ["Người được tiếp nhận và lượt tiếp nhận", "both", "Số người được tiếp nhận", "Số", "<5"] in rows


def test_the_cases_behind_a_figure_are_masked_for_the_statistician(world):
    client = client_for(world, "department_statistician")
    url = reverse("reporting:cases") + QUERY + "&table=channel&key=handed_back_at_border"
    html = client.get(url).content.decode()
    assert world.hoa_bp.case_number in html and world.lan_ca.case_number not in html
    assert NAMES[0] not in html and "H. T. P. H." in html


def test_a_chart_of_only_hidden_figures_is_replaced_by_a_note(world):
    """Four persons by sex are all small figures for the ministry: an empty chart frame would read as
    "nobody"; the page says why there is no chart, and a table with a figure to draw keeps its chart."""
    page = client_for(world, "ministry_analyst").get(reverse("reporting:dashboard") + QUERY).content.decode()
    assert 'data-testid="chart-hidden-sex"' in page
    assert 'id="chart-sex"' not in page
    department = client_for(world, "department_statistician").get(reverse("reporting:dashboard") + QUERY)
    assert 'id="chart-channel"' in department.content.decode()
