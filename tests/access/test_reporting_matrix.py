"""Permission matrix of the statistics pages, downloads and the activities register: persona × URL ×
method → status. Statistics need `statistics.view`, downloads `report.export`; the cases behind a
figure need case access as well (the ministry has none); activities are recorded by agencies and
edited by their own agency only (another agency's activity answers 404)."""

import datetime

import pytest
from django.urls import reverse

from accounts.actor import act_as
from reporting.models import ProgrammeActivity
from reporting.services import activity_create
from tests.access.personas import PERSONAS
from tests.factories import province

pytestmark = pytest.mark.django_db

ALL = frozenset(PERSONAS)
STATISTICS = frozenset({"department_approver", "department_manager", "department_statistician", "other_approver",
                        "ministry_analyst"})
EXPORT = frozenset({"department_manager", "department_statistician", "ministry_analyst"})
CASE_LEVEL = STATISTICS - {"ministry_analyst"}
DATASET = frozenset({"ministry_analyst"})  # national geography only: a department's statistician is refused
RECORDERS = frozenset({"centre_caseworker", "border_caseworker", "police_caseworker", "other_caseworker",
                       "department_manager", "department_statistician"})

# name, kwargs, query, allowed, status for the others, GET only
ROWS = [
    ("reporting:dashboard", {}, "?period=year-2025", STATISTICS, 403, True),
    ("reporting:download", {"fmt": "xlsx"}, "?period=year-2025", EXPORT, 403, True),
    ("reporting:download", {"fmt": "csv"}, "?period=year-2025", EXPORT, 403, True),
    ("reporting:cases", {}, "?period=year-2025&table=channel&key=rescued", CASE_LEVEL, 403, True),
    ("reporting:deidentified", {}, "?period=year-2025", DATASET, 403, True),
    ("reporting:deidentified_download", {"fmt": "xlsx"}, "?period=year-2025", DATASET, 403, True),
    ("reporting:deidentified_download", {"fmt": "csv"}, "?period=year-2025", DATASET, 403, True),
    ("reporting:activity_list", {}, "", RECORDERS | STATISTICS, 403, True),
    ("reporting:activity_create", {}, "", RECORDERS, 403, False),
    ("reporting:activity_edit", "activity", "", {"centre_caseworker"}, None, False),
]


def expected_status(allowed, denied, get_only, persona, method) -> int:
    if persona == "partner":  # the partner API role never has a browser session
        return 302
    if method == "post" and get_only and persona in allowed:
        return 405
    if persona in allowed:
        return 200
    if denied is None:  # another agency's activity: 404 for other recorders, 403 for the rest
        return 404 if persona in RECORDERS else 403
    return denied


@pytest.fixture
def activity(personas):
    user = personas["centre_caseworker"]
    return activity_create(actor=act_as(user, user.memberships.get()), kind="communication",
                           held_on=datetime.date(2025, 4, 1), province=province("lang son"), title="Chợ phiên",
                           participants=80)


@pytest.mark.parametrize(("name", "kwargs", "query", "allowed", "denied", "get_only"), ROWS,
                         ids=[f"{row[0].split(':')[1]}-{row[1].get('fmt', '') if isinstance(row[1], dict) else ''}"
                              for row in ROWS])
def test_matrix(personas, activity, client_for, name, kwargs, query, allowed, denied, get_only):
    del personas["centre_caseworker"].acting_membership
    url = reverse(name, kwargs={"pk": activity.pk} if kwargs == "activity" else kwargs) + query
    before = list(ProgrammeActivity.objects.values_list("pk", "participants"))
    wrong = []
    for persona in sorted(ALL):
        client = client_for(persona)
        for method in ("get", "post"):
            expected = expected_status(allowed, denied, get_only, persona, method)
            status = getattr(client, method)(url).status_code
            if status != expected:
                wrong.append(f"{persona} {method.upper()} {url}: {status}, expected {expected}")
    assert wrong == []
    assert before == list(ProgrammeActivity.objects.values_list("pk", "participants")), "an empty POST changed something"


def test_every_reporting_url_has_a_row():
    from tests.access.test_anonymous import ALL_URLS

    # The periodic reports have their own matrix (tests/access/test_reports_matrix.py).
    names = {name for name, _ in ALL_URLS if name.startswith("reporting:") and not name.startswith("reporting:report_")}
    assert names == {row[0] for row in ROWS}
