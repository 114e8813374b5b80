"""The reporting resources of the API: statistics as the dashboard publishes them (same suppression),
programme activities (the register's rules: own agency's writes, 404 for another's), and the
de-identified dataset (same k-anonymity code as the page's files)."""

import datetime
import io
from collections import Counter

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from accounts.actor import act_as
from accounts.models import ApiScope
from accounts.roles import Role
from reporting import deidentified
from reporting.models import ProgrammeActivity
from reporting.periods import parse_period
from reporting.scope import Filters, statistics_geography
from reporting.services import activity_create
from reporting.statistics import dashboard
from tests.api.world import api_for, make_token
from tests.factories import province
from victims.models import AccessLog

pytestmark = pytest.mark.django_db


def _actor_of(client):
    return act_as(client.user, client.membership)


def test_statistics_are_the_dashboards_published_cells(world):
    """A ministry client (statistician) sees the national figures, suppressed (it sees no case): every
    cell of every table is the page's (value, text, hidden), and a hidden cell carries no value."""
    client, _token, secret = make_token(world.agencies["BO"], role=Role.STATISTICIAN)
    response = api_for(secret).get("/api/v1/statistics/", {"period": "custom", "start": "2020-01-01",
                                                          "end": datetime.date.today().isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    actor = _actor_of(client)
    geography = statistics_geography(actor)
    period = parse_period("custom", datetime.date(2020, 1, 1), datetime.date.today())
    board = dashboard(actor, geography, Filters(start=period.start, end=period.end))
    assert body["geography"] == {"level": "national", "label": geography.label} and not body["case_level"]
    assert [t["key"] for t in body["tables"]] == [t.key for t in board.tables]
    summary = next(t for t in body["tables"] if t["key"] == "summary")
    persons = next(r for r in summary["rows"] if r["key"] == "persons")
    # Two persons received in the world: under the threshold, shown "<5", no value.
    assert persons["cells"] == [{"value": None, "text": "<5", "suppressed": True}]
    for table, published in zip(body["tables"], board.tables, strict=True):
        for row, expected in zip(table["rows"], published.rows, strict=True):
            assert [(c["value"], c["text"], c["suppressed"]) for c in row["cells"]] == [
                (None if hidden else value, text, hidden) for value, text, hidden in expected.cells]


def test_a_statistics_call_is_in_the_access_log_with_the_client(world):
    client, _token, secret = make_token(world.agencies["SYT-LS"], role=Role.STATISTICIAN)
    assert api_for(secret).get("/api/v1/statistics/", {"period": "year-2025"}).status_code == 200
    row = AccessLog.objects.get(action="api.statistics.list")
    assert (row.user_id, row.agency_id) == (client.user_id, world.agencies["SYT-LS"].pk)
    assert (row.object_type, row.object_id) == ("accounts.administrativeunit",
                                                str(world.agencies["SYT-LS"].jurisdiction_id))


def test_statistics_refuse_bad_filters_with_field_errors(world):
    _client, _token, secret = make_token(world.agencies["SYT-LS"], role=Role.STATISTICIAN)
    response = api_for(secret).get("/api/v1/statistics/", {"period": "custom", "start": "31/02/2025x"})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error" and body["errors"][0]["attr"] == "start"


def test_statistics_without_the_scope_are_refused(world):
    _client, _token, secret = make_token(world.agencies["SYT-LS"], role=Role.STATISTICIAN,
                                         scopes=[ApiScope.ACTIVITIES_READ])
    response = api_for(secret).get("/api/v1/statistics/")
    assert response.status_code == 403 and response.json()["type"] == "client_error"


def _activity(agency, title="Truyền thông ở chợ", **counts):
    membership = agency.memberships.filter(role=Role.CASEWORKER).first()
    return activity_create(actor=act_as(membership.user, membership), kind="communication",
                           held_on=datetime.date(2025, 4, 1), province=province("lang son"), title=title,
                           **({"participants": 80} | counts))


def test_activities_record_list_correct_as_the_register(world):
    mine = world.agencies["TT-LS"]
    theirs = _activity(world.agencies["TT-HN"], title="Hoạt động của Hà Nội")
    _client, _token, secret = make_token(mine, role=Role.CASEWORKER)
    api = api_for(secret)
    created = api.post("/api/v1/programme-activities/", {
        "kind": "training", "held_on": "2025-08-01", "province": province("lang son").code,
        "title": "Tập huấn cán bộ xã", "participants": 30, "trainees": 30}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["agency"] == "TT-LS" and created.json()["trainees"] == 30
    pk = created.json()["id"]
    listed = api.get("/api/v1/programme-activities/").json()
    assert [row["title"] for row in listed["results"]] == ["Tập huấn cán bộ xã"]  # not Hà Nội's
    read = api.get(f"/api/v1/programme-activities/{pk}/")
    etag = read["ETag"]
    patched = api.patch(f"/api/v1/programme-activities/{pk}/", {"participants": 35}, format="json",
                        HTTP_IF_MATCH=etag)
    assert patched.status_code == 200 and patched.json()["participants"] == 35
    stale = api.patch(f"/api/v1/programme-activities/{pk}/", {"participants": 40}, format="json",
                      HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert ProgrammeActivity.objects.get(pk=pk).participants == 35
    assert api.patch(f"/api/v1/programme-activities/{theirs.pk}/", {"participants": 1},
                     format="json").status_code == 404
    # The model's rules, as the form's: a training needs trainees; a future date is refused.
    bad = api.post("/api/v1/programme-activities/", {
        "kind": "training", "held_on": "2999-01-01", "province": province("lang son").code, "title": "Sai",
        "participants": 3}, format="json")
    assert bad.status_code == 400
    assert {e["attr"] for e in bad.json()["errors"]} == {"held_on", "trainees"}
    unknown = api.post("/api/v1/programme-activities/", {
        "kind": "communication", "held_on": "2025-01-01", "province": "XX", "title": "Sai", "participants": 3},
        format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["attr"] == "province"


def test_a_department_statistician_lists_its_provinces_activities_but_corrects_none_of_another_agency(world):
    ls = _activity(world.agencies["TT-LS"], title="Lạng Sơn")
    _activity(world.agencies["TT-HN"], title="Hà Nội ở Lạng Sơn")  # held in Lạng Sơn by a Hà Nội agency
    _client, _token, secret = make_token(world.agencies["SYT-LS"], role=Role.STATISTICIAN)
    api = api_for(secret)
    titles = sorted(row["title"] for row in api.get("/api/v1/programme-activities/").json()["results"])
    assert titles == ["Hà Nội ở Lạng Sơn", "Lạng Sơn"]
    assert api.get(f"/api/v1/programme-activities/{ls.pk}/").status_code == 200
    assert api.patch(f"/api/v1/programme-activities/{ls.pk}/", {"participants": 1}, format="json").status_code == 404


def _ministry_api(world, scopes=None):
    return api_for(make_token(world.agencies["BO"], role=Role.STATISTICIAN, scopes=scopes)[2])


@override_settings(DEIDENTIFIED_DATASET_K=1)
def test_the_dataset_as_json_and_files_for_a_ministry_client(world):
    """A ministry client with the statistician role (the research-partner path): the two files'
    victims, one row each, CTDC fields, paginated; the same rows in the XLSX."""
    api = _ministry_api(world)
    year = 2025  # the world's files were received on 10/01/2025
    query = {"period": f"year-{year}", "page_size": 1}
    page = api.get("/api/v1/deidentified-dataset/", query)
    assert page.status_code == 200, page.content
    body = page.json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]
    assert body["note"]["persons"] == 2 and body["note"]["withheld"] == 0 and body["note"]["k"] == 1
    rows = body["results"] + api.get(body["next"]).json()["results"]
    assert sorted(row["citizenship"] for row in rows) == ["VN", "VN"]
    assert all(row["means_of_control"] is None and row["year_of_registration"] == str(year) for row in rows)
    text = page.content.decode()
    for secret in ("Triệu Thị Hằng", "Quàng Thị Xuyến", "084199001234", "Giữ hộ chiếu"):
        assert secret not in text
    xlsx = api.get("/api/v1/deidentified-dataset/xlsx/", {"period": f"year-{year}"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.worksheets[0].max_row == 3  # header + two persons
    csv_file = api.get("/api/v1/deidentified-dataset/csv/", {"period": f"year-{year}"}, HTTP_ACCEPT="text/csv")
    assert csv_file.status_code == 200 and csv_file["Content-Type"].startswith("text/csv")
    assert AccessLog.objects.filter(action="api.deidentified.download").count() == 4


def test_the_dataset_keeps_k_through_the_api(world):
    """The default k (11) and two persons: nothing is released, and the note says both were withheld."""
    body = _ministry_api(world).get("/api/v1/deidentified-dataset/", {
        "period": "year-2025"}).json()
    assert body["count"] == 0 and body["results"] == []
    assert (body["note"]["persons"], body["note"]["withheld"], body["note"]["k"]) == (2, 2, 11)


@override_settings(DEIDENTIFIED_DATASET_K=3)
def test_released_combinations_through_the_api_occur_at_least_k_times(world):
    for _ in range(4):
        from tests.support.factories import make_case

        make_case(owner=world.agencies["TT-LS"])
    body = _ministry_api(world).get("/api/v1/deidentified-dataset/", {
        "period": "year-2025", "page_size": 200}).json()
    assert body["note"]["persons"] == 6 and body["count"] + body["note"]["withheld"] == 6
    keys = ("gender", "age_broad", "citizenship", "country_of_exploitation", "year_of_registration")
    counts = Counter((*(r[k] for k in keys), tuple(r["type_of_exploitation"])) for r in body["results"])
    assert counts and all(n >= 3 for n in counts.values())


def test_the_dataset_is_the_ministrys_only(world):
    for agency, role in (("SYT-LS", Role.STATISTICIAN), ("TT-LS", Role.APPROVER)):
        api = api_for(make_token(world.agencies[agency], role=role)[2])
        assert api.get("/api/v1/deidentified-dataset/").status_code == 403
        assert api.get("/api/v1/deidentified-dataset/xlsx/").status_code == 403
    without = _ministry_api(world, scopes=[ApiScope.STATISTICS_READ])
    assert without.get("/api/v1/deidentified-dataset/").status_code == 403
    assert without.get("/api/v1/statistics/").status_code == 200
    assert deidentified.may_read(None) is False


def test_a_retried_activity_create_records_it_once(world):
    api = api_for(make_token(world.agencies["TT-LS"], role=Role.CASEWORKER)[2])
    body = {"kind": "communication", "held_on": "2025-04-01", "province": province("lang son").code,
            "title": "Truyền thông ở chợ phiên", "participants": 60}
    first = api.post("/api/v1/programme-activities/", body, format="json", HTTP_IDEMPOTENCY_KEY="act-1")
    again = api.post("/api/v1/programme-activities/", body, format="json", HTTP_IDEMPOTENCY_KEY="act-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert ProgrammeActivity.objects.filter(title="Truyền thông ở chợ phiên").count() == 1
