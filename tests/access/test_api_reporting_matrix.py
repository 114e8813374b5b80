"""The permission matrix of the reporting resources of the API (statistics, programme activities, the
de-identified dataset) for the callers that matter to them; the main matrix
(tests/access/test_api_matrix.py) holds the same endpoints for the partner and agency callers.

Callers: m_sta a ministry client with the statistician role and every scope (the research-partner
path); m_nos the same client's token without the statistics, activities and dataset scopes; m_ses
the ministry analyst's browser session; d_sta the Lạng Sơn department's statistician client; o_cw a
client of another agency (the Hà Nội centre, caseworker); m_exp / m_rev an expired and a revoked
ministry token; anon no credentials.
Objects: home, the Lạng Sơn centre's activity in Lạng Sơn; away, the Hà Nội centre's in Hà Nội.
"""

import pytest
from django.utils import timezone

from accounts.apiclients import api_token_revoke
from accounts.models import ApiScope
from accounts.roles import Role
from tests.access.test_api_matrix import _activities, _session
from tests.api.world import api_for, make_token, manager_of
from tests.factories import province

pytestmark = pytest.mark.django_db

CALLERS = ["m_sta", "m_nos", "m_ses", "d_sta", "o_cw", "m_exp", "m_rev", "anon"]

# endpoint                  method object  m_sta m_nos m_ses d_sta o_cw m_exp m_rev anon
MATRIX = """
statistics                  GET    -       200   403   200   200   403   401   401   401
statistics-bad              GET    -       400   403   400   400   403   401   401   401
dataset                     GET    -       200   403   200   403   403   401   401   401
dataset-xlsx                GET    -       200   403   200   403   403   401   401   401
dataset-csv                 GET    -       200   403   200   403   403   401   401   401
activities                  GET    -       200   403   200   200   200   401   401   401
activities                  POST   -       201   403   403   201   201   401   401   401
activity                    GET    home    200   403   200   200   404   401   401   401
activity                    GET    away    200   403   200   404   200   401   401   401
activity                    PATCH  home    404   403   403   404   404   401   401   401
activity                    PATCH  away    404   403   403   404   200   401   401   401
"""
ROWS = [(e, m, o, dict(zip(CALLERS, map(int, codes), strict=True)))
        for e, m, o, *codes in (line.split() for line in MATRIX.strip().splitlines())]
NO_REPORTING = [ApiScope.CASES_READ, ApiScope.SUPPORT_READ, ApiScope.REFERRALS_READ]


def _caller(world, name):
    from django.test import Client

    if name == "anon":
        return Client()
    if name == "m_ses":
        return _session(world.personas["ministry_analyst"])
    agency, role, scopes = {
        "m_sta": ("BO", Role.STATISTICIAN, None), "m_nos": ("BO", Role.STATISTICIAN, NO_REPORTING),
        "m_exp": ("BO", Role.STATISTICIAN, None), "m_rev": ("BO", Role.STATISTICIAN, None),
        "d_sta": ("SYT-LS", Role.STATISTICIAN, None), "o_cw": ("TT-HN", Role.CASEWORKER, None),
    }[name]
    _client, token, secret = make_token(world.agencies[agency], role=role, scopes=scopes)
    if name == "m_exp":
        type(token).objects.filter(pk=token.pk).update(expiry=timezone.now() - timezone.timedelta(minutes=1))
    if name == "m_rev":
        api_token_revoke(user=manager_of(world.agencies[agency]), token=token)
    return api_for(secret)


def _request(activities, endpoint, obj):
    query = "?period=year-2025"
    paths = {"statistics": "/api/v1/statistics/" + query, "statistics-bad": "/api/v1/statistics/?period=custom&end=x",
             "dataset": "/api/v1/deidentified-dataset/" + query,
             "dataset-xlsx": "/api/v1/deidentified-dataset/xlsx/" + query,
             "dataset-csv": "/api/v1/deidentified-dataset/csv/" + query,
             "activities": "/api/v1/programme-activities/"}
    if endpoint == "activity":
        return f"/api/v1/programme-activities/{activities[f'activity-{obj}'].pk}/"
    return paths[endpoint]


@pytest.mark.parametrize("caller", CALLERS)
def test_reporting_api_matrix(world, caller):
    client = _caller(world, caller)
    activities = _activities(world)
    wrong = []
    for endpoint, method, obj, expected in ROWS:
        path = _request(activities, endpoint, obj)
        if method == "GET":
            response = client.get(path)
        else:
            body = {"participants": 70} if method == "PATCH" else {
                "kind": "communication", "held_on": "2025-04-01", "province": province("ha noi").code,
                "title": "Truyền thông", "participants": 20}
            response = getattr(client, method.lower())(path, body, content_type="application/json")
        if response.status_code != expected[caller]:
            wrong.append(f"{caller} {method} {path}: {response.status_code}, expected {expected[caller]} "
                         f"{response.content[:200]!r}")
        elif response.status_code == 200 and endpoint == "dataset":
            assert "note" in response.json()
    assert not wrong, "\n".join(wrong)
