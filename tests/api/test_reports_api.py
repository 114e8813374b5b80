"""Periodic reports in the API: a province's client reads its own reports' status and files, the
ministry's every report, anyone else none (404 for another province's); the files are the page's;
every call is in the access log; the ministry's acceptance is a webhook to the province's clients."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from accounts import apiclients, webhooks
from accounts.actor import act_as
from accounts.models import ApiScope, WebhookDelivery
from accounts.roles import Role
from reporting import report_services
from reporting.models import Report, ReportRun, ReportStatus
from reporting.report_render import run_render
from tests.api.world import api_for, make_token, manager_of
from tests.factories import MembershipFactory
from victims.models import AccessLog

pytestmark = pytest.mark.django_db
CLOSED = datetime.date(2025, 12, 20)  # the 2025 reporting year and its first half have closed


@pytest.fixture
def reports(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    drafted = report_services.reports_draft_closed_periods(today=CLOSED)
    for run in ReportRun.objects.filter(report__in=drafted):
        run_render(run.pk)
    return {(r.report_type.code, r.province.code): r for r in Report.objects.select_related("province", "report_type")}


NARRATIVE = {"results": "Đã tiếp nhận và hỗ trợ kịp thời.", "difficulties": "Thiếu cán bộ.",
             "recommendations": "Tăng kinh phí."}


def _submitted(world, report):
    approver = world.personas["department_approver"]
    actor = act_as(approver, approver.memberships.get())
    report_services.report_save_narrative(actor=actor, report=report, texts=NARRATIVE)
    return report_services.report_submit(actor=actor, report=report)


def _province_code(world, agency_code):
    return world.agencies[agency_code].jurisdiction.code


def test_a_department_reads_its_provinces_reports_and_no_other(world, reports):
    _client, _token, secret = make_token(world.agencies["SYT-LS"], role=Role.STATISTICIAN,
                                         scopes=[ApiScope.REPORTS_READ])
    api = api_for(secret)
    body = api.get("/api/v1/reports/").json()
    ls, hn = _province_code(world, "SYT-LS"), _province_code(world, "SYT-HN")
    assert sorted((r["report_type"], r["province"]) for r in body["results"]) == [("annual", ls), ("half-year", ls)]
    assert {r["status"] for r in body["results"]} == {ReportStatus.DRAFT}
    other = reports[("annual", hn)]
    assert api.get(f"/api/v1/reports/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/reports/{other.pk}/pdf/").status_code == 404


def test_the_detail_shows_the_rendering_and_the_files_are_the_pages(world, reports):
    _client, _token, secret = make_token(world.agencies["SYT-LS"], role=Role.APPROVER,
                                         scopes=[ApiScope.REPORTS_READ])
    api = api_for(secret)
    report = reports[("annual", _province_code(world, "SYT-LS"))]
    detail = api.get(f"/api/v1/reports/{report.pk}/")
    assert detail.status_code == 200 and detail["ETag"]
    data = detail.json()
    assert data["shown_revision"] == 1 and data["runs"][0]["status"] == "done"
    assert data["runs"][0]["files"] == {"pdf": True, "xlsx": True}
    run = report.runs.get()
    pdf = api.get(f"/api/v1/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == (Path(settings.MEDIA_ROOT) / run.pdf).read_bytes()
    xlsx = api.get(f"/api/v1/reports/{report.pk}/xlsx/")
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert len(book.worksheets) >= 1
    logged = set(AccessLog.objects.filter(object_id=str(report.pk)).values_list("action", flat=True))
    assert {"api.report.view", "api.report.download.pdf", "api.report.download.xlsx"} <= logged


def test_the_ministry_reads_every_province_and_a_token_needs_the_scope(world, reports):
    _client, _token, secret = make_token(world.agencies["BO"], role=Role.STATISTICIAN,
                                         scopes=[ApiScope.REPORTS_READ])
    body = api_for(secret).get("/api/v1/reports/", {"report_type": "annual"}).json()
    assert sorted(r["province"] for r in body["results"]) == sorted(
        [_province_code(world, "SYT-LS"), _province_code(world, "SYT-HN")])
    _client, _token, secret = make_token(world.agencies["BO"], role=Role.STATISTICIAN,
                                         scopes=[ApiScope.STATISTICS_READ])
    assert api_for(secret).get("/api/v1/reports/").status_code == 403


def test_agencies_that_do_not_report_read_none(world, reports):
    for agency, role in (("TT-LS", Role.CASEWORKER), ("DT-HN", Role.PARTNER_API)):
        _client, _token, secret = make_token(world.agencies[agency], role=role, scopes=[ApiScope.REPORTS_READ])
        response = api_for(secret).get("/api/v1/reports/")
        assert response.status_code == 403, (agency, response.content)


def test_acceptance_is_told_to_the_provinces_subscribed_clients_only(world, reports):
    ls_department, hn_department = world.agencies["SYT-LS"], world.agencies["SYT-HN"]
    subscribed = apiclients.api_client_create(
        user=manager_of(ls_department), agency=ls_department, name="Hệ thống của Sở", role=Role.STATISTICIAN,
        webhook_url="http://127.0.0.1:9/hook", webhook_events=["report.accepted"])
    elsewhere = apiclients.api_client_create(
        user=manager_of(hn_department), agency=hn_department, name="Hệ thống Sở khác", role=Role.STATISTICIAN,
        webhook_url="http://127.0.0.1:9/hook", webhook_events=["report.accepted"])
    report = reports[("annual", _province_code(world, "SYT-LS"))]
    _submitted(world, report)
    analyst = world.personas["ministry_analyst"]
    report_services.report_review(actor=act_as(analyst, analyst.memberships.get()), report=report, decision="accept")

    [delivery] = webhooks.fanout("report.accepted", report.pk)
    assert delivery.client == subscribed
    assert not WebhookDelivery.objects.filter(client=elsewhere).exists()
    assert delivery.payload["data"] == {
        "report": report.pk, "report_type": "annual", "province": _province_code(world, "SYT-LS"),
        "status": "accepted", "revision": 1, "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat()}
    assert "Triệu" not in str(delivery.payload)


def test_a_ministry_statistician_reads_reports_but_may_not_review(world, reports):
    membership = MembershipFactory(agency=world.agencies["BO"], role=Role.STATISTICIAN)
    actor = act_as(membership.user, membership)
    report = reports[("annual", _province_code(world, "SYT-LS"))]
    _submitted(world, report)
    from django.core.exceptions import PermissionDenied

    from reporting.report_selectors import report_get
    assert report_get(actor, report.pk) == report
    with pytest.raises(PermissionDenied):
        report_services.report_review(actor=actor, report=report, decision="accept")
