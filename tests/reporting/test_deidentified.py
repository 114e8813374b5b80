"""The de-identified dataset (reporting.deidentified): one row per person of the known population,
CTDC's core fields, k-anonymity on the quasi-identifiers, a note of what was generalised and withheld,
and no name, paper, address, commune or exact date of the population in the files.

The property tests feed random populations to the same SQL (real PostgreSQL) through a `persons`
CTE of their own: no released combination of quasi-identifiers occurs fewer than k times, and
released + withheld = persons."""

import csv
import datetime
import io
import zipfile
from collections import Counter

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.actor import act_as
from reporting import deidentified
from reporting.scope import Filters
from tests.reporting.population import ADDRESSES, CALLERS, NAMES, PAPERS, PHONES
from tests.reporting.test_pages import QUERY, client_for
from victims.models import AccessLog

pytestmark = pytest.mark.django_db
YEAR_2025 = Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))


def analyst(world):
    membership = world.memberships["ministry_analyst"]
    return act_as(membership.user, membership)


def sheets(content: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def xml_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))


def note(rows: list[list]) -> dict:
    return {row[0]: row[1] for row in rows if row and row[0] is not None and len(row) > 1}


# ---------------------------------------------------------------------------------------------
# The known population
# ---------------------------------------------------------------------------------------------

def test_one_row_per_person_with_the_ctdc_fields(world, settings):
    """k = 1: every person released exactly. Hoa, received three times by three agencies and merged,
    is one row, with her first reception's destination, every purpose and the regimes delivered."""
    settings.DEIDENTIFIED_DATASET_K = 1
    data = deidentified.dataset(analyst(world), YEAR_2025)
    assert (data.persons, data.withheld, len(data.rows)) == (4, 0, 4)  # Hoa, Lan, Somsak, Mai (not 2024's)
    by_key = {(r["gender"], r["age_broad"], r["citizenship"]): r for r in data.rows}
    hoa = next(r for r in data.rows if r["country_of_exploitation"] == "CN" and r["age_broad"] == "9–17")
    assert hoa == {"gender": "female", "age_broad": "9–17", "majority_status": "minor", "citizenship": "VN",
                   "country_of_exploitation": "CN", "year_of_registration": "2025",
                   "type_of_exploitation": ["forced_marriage"], "means_of_control": None,
                   "regimes_received": [1, 2, 5], "generalisation_level": 0}
    lan = by_key[("female", "30–38", "VN")]
    assert lan["type_of_exploitation"] == ["forced_labour", "sexual_exploitation"]
    assert lan["regimes_received"] == [] and lan["country_of_exploitation"] == "CN"
    somsak = by_key[("male", "24–26", "LA")]
    assert somsak["country_of_exploitation"] == "" and somsak["majority_status"] == "adult"
    mai = next(r for r in data.rows if r["gender"] == "female" and r["type_of_exploitation"] == [])
    assert (mai["age_broad"], mai["majority_status"], mai["country_of_exploitation"]) == ("9–17", "minor", "")


def test_with_the_default_k_the_small_population_is_withheld_and_the_note_says_so(world, client_for_world):
    """k = 11 (the default) and four persons: every row is withheld, and the note says four."""
    response = client_for_world("ministry_analyst").get(reverse("reporting:deidentified_download", args=["xlsx"]) + QUERY)
    assert response.status_code == 200
    book = sheets(response.content)
    data_sheet, note_sheet = book.values()
    assert len(data_sheet) == 1  # the header only
    figures = note(note_sheet)
    assert figures["Số người"] == 4 and figures["Số dòng công bố"] == 0
    assert figures["Số dòng bị giữ lại (tổ hợp vẫn xuất hiện ít hơn k lần)"] == 4
    assert figures["k (mỗi tổ hợp các định danh gián tiếp được công bố xuất hiện ít nhất k lần)"] == 11


def test_k_two_generalises_the_two_girls_and_withholds_the_rest(world, settings):
    """k = 2: Hoa and Mai (female, 9–17, VN, 2025) differ in destination and purpose; widened to
    level 2 they share 0–17, Viet Nam/abroad... still differ (CN vs not recorded): withheld. The note
    counts follow the rows."""
    settings.DEIDENTIFIED_DATASET_K = 2
    data = deidentified.dataset(analyst(world), YEAR_2025)
    assert data.persons == 4 and data.withheld + len(data.rows) == 4
    assert all(count >= 2 for count in Counter(
        tuple(str(r[f]) for f in ("gender", "age_broad", "citizenship", "country_of_exploitation",
                                  "year_of_registration", "type_of_exploitation")) for r in data.rows).values())


def test_the_files_carry_no_name_paper_commune_or_exact_date(world, client_for_world, settings):
    settings.DEIDENTIFIED_DATASET_K = 1
    client = client_for_world("ministry_analyst")
    xlsx = client.get(reverse("reporting:deidentified_download", args=["xlsx"]) + QUERY)
    text_csv = client.get(reverse("reporting:deidentified_download", args=["csv"]) + QUERY)
    assert xlsx.status_code == text_csv.status_code == 200
    bodies = [xml_text(xlsx.content), text_csv.content.decode("utf-8-sig")]
    agencies = [world.bp.name, world.ca.name, world.tt.name, world.xa.name, world.tthn.name]
    dates = []
    for case in (world.hoa_bp, world.hoa_tt, world.hoa_hn, world.lan_ca, world.somsak_hn, world.mai_xa):
        dates += [f"{case.received_on:%d/%m/%Y}", case.received_on.isoformat()]
    dates += ["20/05/2008", "2008-05-20"]
    secrets = [*NAMES, *PAPERS, *ADDRESSES, *CALLERS, *PHONES, world.commune.name, *agencies, *dates]
    for body in bodies:
        assert [s for s in secrets if s in body] == []
    rows = list(csv.reader(io.StringIO(bodies[1])))
    assert rows[0][:6] == ["Giới tính", "Nhóm tuổi khi đăng ký", "Trẻ em hay người lớn", "Quốc tịch",
                           "Quốc gia bị bóc lột", "Năm đăng ký"]
    assert sorted(row[3] for row in rows[1:5]) == ["Lào", "Việt Nam", "Việt Nam", "Việt Nam"]
    assert sum(r[4:6] == ["Trung Quốc", "2025"] for r in rows[1:5]) == 2  # Hoa and Lan
    # Released rows are in the access log (the persons' ids), as other exports.
    logged = set(AccessLog.objects.filter(action=deidentified.LOG_DOWNLOAD).values_list("object_id", flat=True))
    assert logged == {str(p.pk) for p in (world.hoa, world.lan, world.somsak, world.mai)}


def test_the_page_describes_the_dataset_and_links_the_downloads(world, client_for_world):
    body = client_for_world("ministry_analyst").get(reverse("reporting:deidentified") + QUERY).content.decode()
    assert "Counter-Trafficking Data Collaborative" in body and "k = 11" in body
    assert reverse("reporting:deidentified_download", args=["xlsx"]) + QUERY in body
    assert "<code>CountryOfExploitation</code>" in body
    dashboard = client_for_world("ministry_analyst").get(reverse("reporting:dashboard") + QUERY).content.decode()
    assert 'data-testid="deidentified-link"' in dashboard
    provincial = client_for_world("department_statistician")
    assert 'data-testid="deidentified-link"' not in provincial.get(reverse("reporting:dashboard") + QUERY).content.decode()
    assert provincial.get(reverse("reporting:deidentified") + QUERY).status_code == 403


@pytest.fixture
def client_for_world(world):
    return lambda persona: client_for(world, persona)


# ---------------------------------------------------------------------------------------------
# Properties on random populations (the same SQL, a `persons` CTE of their own)
# ---------------------------------------------------------------------------------------------

SEXES = st.sampled_from(["female", "female", "male", ""])
COUNTRIES = st.sampled_from(["VN", "VN", "VN", "CN", "CN", "LA", "KH", "TH", "KR", "MY", "DE", "AO", ""])
AGES = st.one_of(st.none(), st.integers(0, 70), st.sampled_from([8, 9, 17, 18, 29, 30, 47, 48]))
YEARS = st.integers(2018, 2026)
PURPOSES = st.sampled_from(["", "sexual_exploitation", "forced_labour", "forced_marriage",
                            "forced_labour,sexual_exploitation", "child_sale_adoption,forced_marriage", "other"])
PERSON = st.tuples(SEXES, COUNTRIES, AGES, YEARS, COUNTRIES, PURPOSES)
POPULATIONS = st.lists(PERSON, max_size=120)


def run(population, k):
    columns = list(zip(*population, strict=True)) if population else [[]] * 6
    sql = """persons AS (
      SELECT t.*, '{}'::int[] AS regimes
      FROM unnest(%s::int[], %s::text[], %s::text[], %s::int[], %s::int[], %s::text[], %s::text[])
        AS t(x_person, sex, nat, age, year, dest, purposes))"""
    params = [list(range(1, len(population) + 1)), *[list(c) for c in columns]]
    return deidentified.anonymise(sql, params, k)


QI_KEYS = ("q_age", "q_sex", "q_nat", "q_dest", "q_year", "q_purposes")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(population=POPULATIONS, k=st.integers(1, 15))
def test_no_released_combination_occurs_fewer_than_k_times(population, k):
    found = run(population, k)
    released = Counter(tuple(row[q] for q in QI_KEYS) for row in found if row["released"])
    assert all(count >= k for count in released.values()), released
    # released + withheld = persons, each person once
    assert sorted(row["x_person"] for row in found) == list(range(1, len(population) + 1))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(population=POPULATIONS, k=st.integers(1, 15))
def test_released_values_generalise_the_true_ones(population, k):
    """A released row never says something false: its age band holds the age, its places are the
    country, its region or Viet Nam/abroad, its year span holds the year."""
    for row in run(population, k):
        sex, nat, age, year, dest, purposes = population[row["x_person"] - 1]
        assert row["q_sex"] == sex
        if age is None:
            assert row["q_age"] == ""
        else:
            low, _, high = row["q_age"].rstrip("+").partition("–")
            assert int(low) <= age and (not high or age <= int(high))
        for code, shown in ((nat, row["q_nat"]), (dest, row["q_dest"])):
            assert shown in {code, deidentified.ABROAD if code not in ("", "VN") else code,
                             *(f"region:{r}" for r, codes in deidentified.REGIONS.items() if code in codes),
                             "region:other_countries" if code and code != "VN" and not any(
                                 code in codes for codes in deidentified.REGIONS.values()) else code}
        start, _, end = row["q_year"].partition("–")
        assert int(start) <= year <= int(end or start)
        assert row["q_purposes"] in {purposes, deidentified.SEVERAL if "," in purposes else purposes}


def test_a_group_of_exactly_k_is_released_exactly_and_one_fewer_is_generalised():
    k = 3
    same = ("female", "VN", 20, 2025, "CN", "forced_marriage")
    assert all(row["released"] and row["lvl"] == 0 for row in run([same] * k, k))
    found = run([same] * (k - 1) + [("female", "VN", 22, 2025, "CN", "forced_marriage")], k)
    # 18–20 and 21–23 differ; widened to 18–29 the three are one group: released at level 1.
    assert [(row["lvl"], row["q_age"], row["released"]) for row in found] == [(1, "18–29", True)] * 3


def test_the_note_sheet_says_what_was_generalised_and_withheld():
    """Three rows exact, three widened to 18–29 (level 1), one alone whatever its level: withheld."""
    k = 3
    exact = ("male", "LA", 40, 2024, "LA", "forced_labour")
    girls = [("female", "VN", 20, 2025, "CN", "forced_marriage")] * 2 + [("female", "VN", 22, 2025, "CN",
                                                                          "forced_marriage")]
    alone = ("female", "KH", 60, 2019, "TH", "organ_removal")
    found = run([exact] * 3 + girls + [alone], k)
    released = [row for row in found if row["released"]]
    data = deidentified.Dataset(
        geography=deidentified.Geography("national", label="Toàn quốc"), filters=YEAR_2025, k=k,
        rows=[deidentified.record(row) for row in released], persons=len(found), withheld=len(found) - len(released),
        by_level={level: sum(row["lvl"] == level for row in released) for level in (0, 1, 2)})
    book = sheets(deidentified.dataset_xlsx(data))
    rows, figures = book["Dữ liệu"], note(book["Ghi chú"])
    assert len(rows) == 1 + 6
    assert figures["Số người"] == 7 and figures["Số dòng công bố"] == 6
    assert figures["Số dòng công bố nguyên giá trị"] == 3
    assert figures["Số dòng được khái quát hóa (mức 1: tuổi theo nhóm rộng hơn; quốc gia thay bằng khu vực)"] == 3
    assert figures["Số dòng bị giữ lại (tổ hợp vẫn xuất hiện ít hơn k lần)"] == 1
    assert any(line[:1] == ["Thủ đoạn khống chế"] and str(line[1]).startswith("Không có:") for line in book["Ghi chú"])
    widened = [r for r in rows[1:] if r[1] == "18–29"]
    assert len(widened) == 3 and all(r[4] == "Đông Á" for r in widened)  # China as its region
