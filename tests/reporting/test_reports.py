"""Periodic reports on the known population (tests/reporting/population.py): the drafts of a closed
period, the files' figures, the chain (submit, return, resubmit, accept) with every step recorded,
frozen figures after a correction, and the national roll-up of the accepted provincial reports.

Renders run inline here (`run_render`); tests/reporting/test_report_worker.py runs them on a real
worker through the real broker."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.actor import act_as
from reporting import report_services as services
from reporting.models import Report, ReportEvent, ReportRun, ReportStatus, ReportType
from reporting.report_figures import table_value
from reporting.report_render import run_render
from tests.factories import MembershipFactory, totp_device
from tests.reporting.reportfiles import assert_files_match, run_pdf_text, run_xlsx_sheets
from victims.services import case_update_declaration

pytestmark = pytest.mark.django_db
D = datetime.date
CLOSED = D(2025, 12, 20)  # the 2025 reporting year (15/12/2024–14/12/2025) and its first half have closed
NARRATIVE = {"results": "Đã tiếp nhận và hỗ trợ kịp thời.", "difficulties": "Thiếu cán bộ tại xã biên giới.",
             "recommendations": "Tăng kinh phí hỗ trợ ban đầu."}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def actor(world, persona):
    membership = world.memberships[persona]
    return act_as(membership.user, membership)


def hn_approver(world):
    membership = MembershipFactory(agency=world.sythn, role="approver", user__username="st_hn_approver",
                                   user__full_name="Trần Văn Duyệt")
    return act_as(membership.user, membership)


def annual(world, province):
    return Report.objects.get(report_type__code="annual", province=province)


def client_as(client, user):
    client.force_login(user)
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def test_the_standard_types_are_data_with_their_source():
    types = {t.code: t for t in ReportType.objects.all()}
    assert {"annual", "half-year", "on-demand"} <= set(types)
    assert (types["annual"].due_month, types["annual"].due_day) == (12, 15)
    assert "2021–2025" in types["annual"].source and "15/12" in types["annual"].source
    assert "to be confirmed" in types["half-year"].source
    assert [s["key"] for s in types["annual"].narrative_sections] == ["results", "difficulties", "recommendations"]


def test_a_closed_period_drafts_one_report_per_province_once(world):
    assert settings.CELERY_BEAT_SCHEDULE["reports-draft-closed-periods"]["task"] == "reporting.draft_periodic_reports"
    created = services.reports_draft_closed_periods(today=CLOSED)
    assert sorted((r.report_type.code, r.province.name, r.period_start, r.period_end, r.due_on) for r in created) == [
        ("annual", world.hn.name, D(2024, 12, 15), D(2025, 12, 14), D(2025, 12, 15)),
        ("annual", world.ls.name, D(2024, 12, 15), D(2025, 12, 14), D(2025, 12, 15)),
        ("half-year", world.hn.name, D(2024, 12, 15), D(2025, 6, 14), D(2025, 6, 29)),
        ("half-year", world.ls.name, D(2024, 12, 15), D(2025, 6, 14), D(2025, 6, 29)),
    ]
    assert services.reports_draft_closed_periods(today=CLOSED) == []  # idempotent
    assert Report.objects.count() == 4 and ReportRun.objects.count() == 4
    assert set(ReportEvent.objects.values_list("step", "user")) == {("created", None)}
    # On its last day the 2025 year has not closed: the latest closed one is 2024's.
    earlier = services.reports_draft_closed_periods(today=D(2025, 12, 14))
    assert {(r.report_type.code, r.period_start, r.period_end) for r in earlier} == {
        ("annual", D(2023, 12, 15), D(2024, 12, 14))}


def test_a_draft_renders_the_statistics_of_its_province(world, client):
    services.reports_draft_closed_periods(today=CLOSED)
    report = annual(world, world.ls)
    run = run_render(report.runs.get().pk)
    assert run.status == "done" and run.pdf.endswith(".pdf") and run.xlsx.endswith(".xlsx")
    checked = assert_files_match(run, world.ls, report.report_type.table_keys)
    assert checked > 60
    text = " ".join(run_pdf_text(run).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "BÁO CÁO" in text and "DỰ THẢO" in text and "SỞ Y TẾ TỈNH LẠNG SƠN" in text
    assert "BIỂU ĐỒ" in text  # the charts' section, drawn as SVG
    # Lạng Sơn: Hoa (twice), Lan and Mai: 3 persons, 4 receptions, below 5 so published as "<5".
    assert table_value(run.snapshot, "summary", "persons") == 3
    assert table_value(run.snapshot, "summary", "receptions") == 4
    sheets = run_xlsx_sheets(run)
    summary = next(rows for rows in sheets.values() if rows[0][0] == "Người được tiếp nhận và lượt tiếp nhận")
    assert summary[1][1] == "<5"
    # Never a name: the files carry aggregates only.
    assert not any(name in text for name in ("Hứa Thị Phương Hoa", "Đinh Thị Lan Chi", "Lục Thị Mai Anh"))
    # The page shows the run done with its downloads.
    client_as(client, world.users["department_statistician"])
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert 'data-status="done"' in page and reverse("reporting:report_run_download", args=[run.pk, "pdf"]) in page
    download = client.get(reverse("reporting:report_run_download", args=[run.pk, "xlsx"]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_the_chain_submit_return_resubmit_accept(world, client):
    services.reports_draft_closed_periods(today=CLOSED)
    report = annual(world, world.ls)
    statistician, approver = actor(world, "department_statistician"), actor(world, "department_approver")
    ministry = actor(world, "ministry_analyst")

    with pytest.raises(ValidationError, match="Write these sections"):
        services.report_submit(actor=approver, report=report)
    services.report_save_narrative(actor=statistician, report=report, texts=NARRATIVE)
    with pytest.raises(PermissionDenied):  # the statistician writes; only the approver signs
        services.report_submit(actor=statistician, report=report)
    with pytest.raises(PermissionDenied):  # another province's department never acts on it
        services.report_save_narrative(actor=actor(world, "hn_statistician"), report=report, texts=NARRATIVE)
    with pytest.raises(PermissionDenied):  # the province cannot accept its own report
        services.report_review(actor=approver, report=report, decision="accept")

    services.report_submit(actor=approver, report=report)
    report.refresh_from_db()
    first = report.runs.get(revision=1)
    assert report.status == ReportStatus.SUBMITTED and first.frozen
    assert first.number_symbol == "1/BC-SYT-LS" and first.narrative == NARRATIVE
    assert first.signer_name == world.users["department_approver"].get_full_name()
    with pytest.raises(ValidationError, match="already been submitted"):
        services.report_submit(actor=approver, report=report)

    with pytest.raises(ValidationError) as error:
        services.report_review(actor=ministry, report=report, decision="return", comment=" ")
    assert "comment" in error.value.error_dict
    services.report_review(actor=ministry, report=report, decision="return", comment="Bổ sung số liệu tập huấn.")
    report.refresh_from_db()
    assert (report.status, report.revision) == (ReportStatus.DRAFT, 2)
    assert report.runs.get(revision=2).frozen is False and report.runs.get(revision=1).frozen

    services.report_submit(actor=approver, report=report)
    services.report_review(actor=ministry, report=report, decision="accept")
    with pytest.raises(ValidationError, match="not waiting for a review"):
        services.report_review(actor=ministry, report=report, decision="return", comment="Muộn")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.runs.get(revision=2).number_symbol == "2/BC-SYT-LS"

    steps = list(report.events.values_list("step", "revision", "user__username", "comment"))
    assert steps == [
        ("created", 1, None, ""), ("narrative", 1, "st_dept_stat", ""), ("submitted", 1, "st_dept_approver", ""),
        ("returned", 1, "st_ministry", "Bổ sung số liệu tập huấn."), ("submitted", 2, "st_dept_approver", ""),
        ("accepted", 2, "st_ministry", ""),
    ]
    client_as(client, world.users["ministry_analyst"])
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert page.count('data-testid="report-event"') == 6 and "Bổ sung số liệu tập huấn." in page
    assert "Cục Phòng, chống tệ nạn xã hội" in page  # who acted, with the agency
    overview = client.get(reverse("reporting:report_list")).content.decode()
    assert 'data-state="accepted"' in overview


def test_a_submitted_report_keeps_its_figures_and_files_after_a_correction(world, client):
    services.reports_draft_closed_periods(today=CLOSED)
    report = annual(world, world.ls)
    approver = actor(world, "department_approver")
    services.report_save_narrative(actor=approver, report=report, texts=NARRATIVE)
    services.report_submit(actor=approver, report=report)
    first = run_render(report.runs.get(revision=1).pk)
    pdf, xlsx = (Path(settings.MEDIA_ROOT) / first.pdf).read_bytes(), (Path(settings.MEDIA_ROOT) / first.xlsx).read_bytes()
    frozen = first.snapshot
    assert table_value(frozen, "destination", "TH", "receptions") is None

    # The centre corrects Hoa's reception: the destination was Thailand.
    case_update_declaration(user=world.users["centre_caseworker"], case=world.hoa_tt, destination_country="TH")

    first.refresh_from_db()
    assert first.snapshot == frozen and run_render(first.pk) is None  # a done, frozen run never renders again
    assert (Path(settings.MEDIA_ROOT) / first.pdf).read_bytes() == pdf
    assert (Path(settings.MEDIA_ROOT) / first.xlsx).read_bytes() == xlsx
    client_as(client, world.users["department_approver"])
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="data-changed"' in page and reverse("reporting:report_revision", args=[report.pk]) in page

    client.post(reverse("reporting:report_revision", args=[report.pk]))
    report.refresh_from_db()
    second = run_render(report.runs.get(revision=2).pk)
    assert report.status == ReportStatus.SUBMITTED and second.frozen
    assert table_value(second.snapshot, "destination", "TH", "receptions") == 1
    assert second.pdf != first.pdf and (Path(settings.MEDIA_ROOT) / first.pdf).read_bytes() == pdf
    assert_files_match(second, world.ls, report.report_type.table_keys)
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="data-changed"' not in page
    with pytest.raises(ValidationError, match="not changed"):
        services.report_submit_revision(actor=approver, report=report)

    client_as(client, world.users["ministry_analyst"])
    compare = client.get(reverse("reporting:report_compare", args=[report.pk])).content.decode()
    assert compare.count('data-testid="compare-table"') == len(second.snapshot["tables"])
    assert 'data-testid="differs"' in compare and "Thái Lan" in compare


def test_the_national_report_rolls_up_the_accepted_provincial_reports(world, client):
    services.reports_draft_closed_periods(today=CLOSED)
    ministry = actor(world, "ministry_analyst")
    for province, approver in ((world.ls, actor(world, "department_approver")), (world.hn, hn_approver(world))):
        report = annual(world, province)
        services.report_save_narrative(actor=approver, report=report, texts=NARRATIVE)
        services.report_submit(actor=approver, report=report)
    ls, hn = annual(world, world.ls), annual(world, world.hn)
    services.report_review(actor=ministry, report=ls, decision="accept")
    rt = ls.report_type

    # Only Lạng Sơn accepted: its receptions alone, Hà Nội counted as without an accepted report.
    national = services.national_build(actor=ministry, report_type=rt, start=ls.period_start, end=ls.period_end)
    snap = national.runs.get(revision=1).snapshot
    assert table_value(snap, "rollup", "total", "receptions") == 4 and table_value(snap, "rollup", "total", "persons") == 3
    assert snap["reconciled"] is False

    services.report_review(actor=ministry, report=hn, decision="accept")
    national = services.national_build(actor=ministry, report_type=rt, start=ls.period_start, end=ls.period_end)
    run = run_render(national.runs.get(revision=2).pk)
    snap = run.snapshot
    frozen = {p.province.name: p.runs.get(revision=p.revision).snapshot for p in (ls, hn)}
    # Receptions: the sum of the accepted reports (LS 4 + HN 2), equal to the national count.
    assert table_value(snap, "rollup", world.ls.name, "receptions") == table_value(frozen[world.ls.name], "summary", "receptions") == 4
    assert table_value(snap, "rollup", world.hn.name, "receptions") == table_value(frozen[world.hn.name], "summary", "receptions") == 2
    assert table_value(snap, "reconciliation", "receptions_sum") == 6 == table_value(snap, "reconciliation", "receptions_national")
    # Persons: 3 + 2 in the provincial reports, 4 counted once nationally: Hoa was received in both.
    assert table_value(snap, "reconciliation", "persons_sum") == 5
    assert table_value(snap, "reconciliation", "persons_once") == 4 == table_value(snap, "summary", "persons")
    assert table_value(snap, "reconciliation", "multi_province") == 1
    assert snap["reconciled"] is True
    text = " ".join(run_pdf_text(run).split())
    assert "Đối chiếu số người" in text and "CỤC PHÒNG, CHỐNG TỆ NẠN XÃ HỘI" in text
    sheets = run_xlsx_sheets(run)
    rollup = next(rows for rows in sheets.values() if rows[0][0] == "Các báo cáo tỉnh đã được chấp nhận")
    assert [row[0] for row in rollup[1:4]] == sorted([world.ls.name, world.hn.name]) + ["Tổng các báo cáo tỉnh"]

    # Ministry staff download it; a province never sees the national report.
    client_as(client, world.users["ministry_analyst"])
    response = client.get(reverse("reporting:report_run_download", args=[run.pk, "pdf"]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"%PDF"
    client_as(client, world.users["department_approver"])
    assert client.get(reverse("reporting:report_detail", args=[national.pk])).status_code == 404
    assert client.get(reverse("reporting:report_run_download", args=[run.pk, "pdf"])).status_code == 404
