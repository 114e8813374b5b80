"""Permission matrix of the periodic reports: persona × URL × method → status, on Lạng Sơn's annual
draft (rendered) and the ministry's national report.

- Lạng Sơn's department (approver, manager, statistician) reads its own reports and prepares them;
  only the approver signs and submits. Hà Nội's department answers 404 on Lạng Sơn's reports.
- Only the ministry accepts or returns, and builds and downloads the national report (404 for a
  province). Roles without reports (caseworkers, partners) get 403.
Empty POSTs are refused or change nothing that matters (asserted after the sweep)."""

import datetime

import pytest
from django.urls import reverse

from reporting import report_services as services
from reporting.models import Report, ReportStatus, ReportType
from reporting.report_render import run_render
from tests.access.personas import PERSONAS
from tests.access.test_anonymous import ALL_URLS

pytestmark = pytest.mark.django_db

ALL = frozenset(PERSONAS)
LS = frozenset({"department_approver", "department_manager", "department_statistician"})
READERS = LS | {"other_approver", "ministry_analyst"}  # roles with reports: the list opens
MINISTRY = frozenset({"ministry_analyst"})
SUBMITTER = frozenset({"department_approver"})


def expect(persona, method, *, get=None, post=None, readers=READERS, in_scope=LS | MINISTRY):
    """get/post: {persona set: status} for in-scope readers; others of `readers` 404, the rest 403."""
    if persona == "partner":  # the partner API role never has a browser session
        return 302
    if persona not in readers:
        return 403
    table = get if method == "get" else post
    if set(table.values()) == {405}:  # the method is refused before any lookup
        return 405
    if persona not in in_scope:
        return 404
    for personas, status in table.items():
        if persona in personas:
            return status
    raise AssertionError(f"no expectation for {persona} {method}")


# name, kwargs builder, {persona set: status} for GET, for POST, readers, in scope
ROWS = [
    ("reporting:report_list", lambda w: {}, {READERS: 200}, {READERS: 405}, READERS, READERS),
    ("reporting:report_detail", lambda w: {"pk": w.ls.pk}, {LS | MINISTRY: 200}, {LS | MINISTRY: 405},
     READERS, LS | MINISTRY),
    ("reporting:report_compare", lambda w: {"pk": w.ls.pk}, {LS | MINISTRY: 200}, {LS | MINISTRY: 405},
     READERS, LS | MINISTRY),
    # An empty narrative is saved (302); the ministry does not write a province's narrative.
    ("reporting:report_narrative", lambda w: {"pk": w.ls.pk}, {LS | MINISTRY: 405}, {LS: 302, MINISTRY: 403},
     READERS, LS | MINISTRY),
    ("reporting:report_regenerate", lambda w: {"pk": w.ls.pk}, {LS | MINISTRY: 405}, {LS: 302, MINISTRY: 403},
     READERS, LS | MINISTRY),
    # The approver's submit is refused with a message (no narrative); the others may not sign.
    ("reporting:report_submit", lambda w: {"pk": w.ls.pk}, {LS | MINISTRY: 405},
     {SUBMITTER: 302, (LS - SUBMITTER) | MINISTRY: 403}, READERS, LS | MINISTRY),
    ("reporting:report_revision", lambda w: {"pk": w.ls.pk}, {LS | MINISTRY: 405},
     {SUBMITTER: 302, (LS - SUBMITTER) | MINISTRY: 403}, READERS, LS | MINISTRY),
    # Only the ministry reviews: its empty form answers 400 with the errors beside the fields.
    ("reporting:report_review", lambda w: {"pk": w.ls.pk}, {LS | MINISTRY: 405}, {MINISTRY: 400, LS: 403},
     READERS, LS | MINISTRY),
    ("reporting:report_run_retry", lambda w: {"pk": w.ls_run.pk}, {LS | MINISTRY: 405}, {LS: 302, MINISTRY: 403},
     READERS, LS | MINISTRY),
    ("reporting:report_run_download", lambda w: {"pk": w.ls_run.pk, "fmt": "pdf"}, {LS | MINISTRY: 200},
     {LS | MINISTRY: 405}, READERS, LS | MINISTRY),
    ("reporting:report_national", lambda w: {}, {READERS: 405}, {MINISTRY: 302, READERS - MINISTRY: 403},
     READERS, READERS),
    # A department drafts an on-demand report of its own province (the empty form: 400); not the ministry.
    ("reporting:report_on_demand", lambda w: {}, {READERS: 405}, {READERS - MINISTRY: 400, MINISTRY: 403},
     READERS, READERS),
]
# The national report: the ministry's alone (a province, whatever its role, answers 404).
NATIONAL_ROWS = [
    ("reporting:report_detail", lambda w: {"pk": w.national.pk}),
    ("reporting:report_run_download", lambda w: {"pk": w.national_run.pk, "fmt": "xlsx"}),
]


@pytest.fixture
def reports(personas, settings, tmp_path):
    from types import SimpleNamespace

    from accounts.actor import act_as

    settings.MEDIA_ROOT = tmp_path
    services.reports_draft_closed_periods(today=datetime.date(2025, 12, 20))
    ls = Report.objects.get(report_type__code="annual", province=personas["department_approver"].agency.jurisdiction)
    ls_run = run_render(ls.runs.get().pk)
    ministry = personas["ministry_analyst"]
    national = services.national_build(actor=act_as(ministry, ministry.memberships.get()),
                                       report_type=ReportType.objects.get(code="annual"),
                                       start=ls.period_start, end=ls.period_end)
    del ministry.acting_membership
    national_run = run_render(national.runs.get().pk)
    return SimpleNamespace(ls=ls, ls_run=ls_run, national=national, national_run=national_run)


@pytest.mark.parametrize(("name", "kwargs", "get", "post", "readers", "in_scope"), ROWS,
                         ids=[row[0].split(":")[1] for row in ROWS])
def test_matrix(reports, client_for, name, kwargs, get, post, readers, in_scope):
    url = reverse(name, kwargs=kwargs(reports))
    wrong = []
    for persona in sorted(ALL):
        client = client_for(persona)
        for method in ("get", "post"):
            expected = expect(persona, method, get=get, post=post, readers=readers, in_scope=in_scope)
            status = getattr(client, method)(url).status_code
            if status != expected:
                wrong.append(f"{persona} {method.upper()} {url}: {status}, expected {expected}")
    assert wrong == []
    ls = Report.objects.get(pk=reports.ls.pk)
    assert ls.status == ReportStatus.DRAFT and ls.revision == 1, "an empty POST submitted or reviewed the report"


@pytest.mark.parametrize(("name", "kwargs"), NATIONAL_ROWS, ids=[row[0].split(":")[1] for row in NATIONAL_ROWS])
def test_the_national_report_is_the_ministrys(reports, client_for, name, kwargs):
    url = reverse(name, kwargs=kwargs(reports))
    wrong = []
    for persona in sorted(ALL):
        expected = 302 if persona == "partner" else 200 if persona in MINISTRY else 404 if persona in READERS else 403
        status = client_for(persona).get(url).status_code
        if status != expected:
            wrong.append(f"{persona} GET {url}: {status}, expected {expected}")
    assert wrong == []


def test_pages_show_what_each_reader_may_do(reports, client_for):
    """The buttons follow the rights: the statistician prepares but cannot sign; the approver signs;
    the ministry reviews; the list shows the province its own reports only."""
    url = reverse("reporting:report_detail", args=[reports.ls.pk])
    submit, review = reverse("reporting:report_submit", args=[reports.ls.pk]), reverse(
        "reporting:report_review", args=[reports.ls.pk])
    statistician = client_for("department_statistician").get(url).content.decode()
    assert reverse("reporting:report_narrative", args=[reports.ls.pk]) in statistician and submit not in statistician
    approver = client_for("department_approver").get(url).content.decode()
    assert submit in approver and review not in approver
    ministry = client_for("ministry_analyst").get(url).content.decode()
    assert submit not in ministry and reverse("reporting:report_narrative", args=[reports.ls.pk]) not in ministry
    other = client_for("other_approver").get(reverse("reporting:report_list")).content.decode()
    assert other.count('data-testid="report-row"') == 2  # Hà Nội's own annual and half-year drafts
    assert reverse("reporting:report_detail", args=[reports.ls.pk]) not in other
    home = client_for("department_approver").get(reverse("home")).content.decode()
    assert 'data-testid="reports-waiting"' in home and url in home
    assert 'data-testid="reports-waiting"' not in client_for("centre_caseworker").get(reverse("home")).content.decode()


def test_every_report_url_has_a_row():
    names = {name for name, _ in ALL_URLS if name.startswith("reporting:report_")}
    assert names == {row[0] for row in ROWS} | {row[0] for row in NATIONAL_ROWS}
