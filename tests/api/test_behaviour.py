"""What partners rely on: errors in one shape, 404 out of scope, 409 on a conflict, Idempotency-Key,
ETag / If-Match (412), rate limits (429 with Retry-After), the access log naming the client."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import ApiScope, IdempotencyRecord
from accounts.roles import Role
from config.api.throttling import ClientRateThrottle
from support.models import Delivery
from tests.api.world import manager_of
from tests.factories import totp_device
from victims.models import AccessLog

pytestmark = pytest.mark.django_db


def _delivery(world, **overrides):
    body = {"line": world.home.line.pk, "delivered_on": timezone.localdate().isoformat(), "method": "in_kind",
            "quantity": 1, "delivered_by_name": "Chị Mai"}
    return {**body, **overrides}


def test_a_retried_post_with_the_same_key_creates_once_and_answers_the_same(world, token):
    api = token("DT-HN")
    first = api.post("/api/v1/deliveries/", _delivery(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    again = api.post("/api/v1/deliveries/", _delivery(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Delivery.objects.filter(line=world.home.line).count() == 1
    other_body = api.post("/api/v1/deliveries/", _delivery(world, quantity=2), format="json",
                          HTTP_IDEMPOTENCY_KEY="k-1")
    assert other_body.status_code == 422
    assert other_body.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert Delivery.objects.filter(line=world.home.line).count() == 1
    # The key belongs to its caller: another client's same key is another request.
    other_client = token("DT-HN")
    assert other_client.post("/api/v1/deliveries/", _delivery(world), format="json",
                             HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    assert Delivery.objects.filter(line=world.home.line).count() == 2


def test_a_refused_create_frees_its_key(world, token):
    api = token("DT-HN")
    refused = api.post("/api/v1/deliveries/", _delivery(world, quantity=99), format="json",
                       HTTP_IDEMPOTENCY_KEY="k-2")
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="k-2").exists()
    assert api.post("/api/v1/deliveries/", _delivery(world), format="json",
                    HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201


def test_field_errors_have_one_shape_for_the_serializer_and_the_service(world, token):
    api = token("DT-HN")
    response = api.post("/api/v1/deliveries/", {"line": "x", "method": "teleport"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert {error["attr"] for error in body["errors"]} >= {"line", "method", "delivered_on"}
    assert all(set(error) == {"code", "detail", "attr"} for error in body["errors"])
    # A rule of the support service (never more than approved) comes back in the same shape.
    response = api.post("/api/v1/deliveries/", _delivery(world, quantity=3), format="json")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["attr"] == "quantity" and error["code"] == "above_approval"
    assert "2" in error["detail"]


def test_vietnamese_error_text_by_default(world, token):
    api = token("DT-HN")
    response = api.post("/api/v1/deliveries/", _delivery(world, quantity=3), format="json")
    assert "Chỉ" in response.json()["errors"][0]["detail"] or "chỉ" in response.json()["errors"][0]["detail"]


def test_out_of_scope_is_404_even_for_writes(world, token):
    api = token("DT-HN")
    assert api.get(f"/api/v1/cases/{world.away.case.pk}/").status_code == 404
    response = api.post("/api/v1/deliveries/", _delivery(world, line=world.away.line.pk), format="json")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_deciding_a_decided_request_is_a_conflict(world, token):
    api = token("TT-LS", role=Role.APPROVER)
    line = world.home.line
    response = api.post(f"/api/v1/support-requests/{world.home.request.pk}/decision/",
                        {"lines": [{"line": line.pk, "decision": "approve"}]}, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["errors"][0]["code"] == "conflict"


def _manager_session(world):
    manager = manager_of(world.agencies["TT-LS"])
    client = Client()
    client.force_login(manager)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(manager).persistent_id
    session.save()
    return client


def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(world):
    browser = _manager_session(world)
    url = f"/api/v1/facilities/{world.home.facility.pk}/"
    read = browser.get(url)
    assert read.status_code == 200
    etag = read["ETag"]
    first = browser.patch(url, {"beds": 40}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    assert first.json()["beds"] == 40 and first["ETag"] != etag
    stale = browser.patch(url, {"beds": 12}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["errors"][0]["code"] == "precondition_failed"
    world.home.facility.refresh_from_db()
    assert world.home.facility.beds == 40
    fresh = browser.patch(url, {"beds": 12}, content_type="application/json", HTTP_IF_MATCH=first["ETag"])
    assert fresh.status_code == 200


def test_the_session_needs_its_csrf_token_for_writes(world):
    browser = _manager_session(world)
    browser.handler.enforce_csrf_checks = True
    response = browser.patch(f"/api/v1/facilities/{world.home.facility.pk}/", {"beds": 3},
                             content_type="application/json")
    assert response.status_code == 403


def test_rate_limit_per_client_answers_429_with_retry_after(world, token, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/min"})
    api, other = token("DT-HN"), token("DT-HN")
    statuses = [api.get("/api/v1/cases/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("/api/v1/cases/")
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 60
    assert limited.json()["errors"][0]["code"] == "throttled"
    assert other.get("/api/v1/cases/").status_code == 200  # the limit is per client


def test_every_read_is_in_the_access_log_with_the_client(world, token):
    api = token("DT-HN")
    client = api.api_client
    api.get("/api/v1/cases/")
    api.get(f"/api/v1/cases/{world.home.case.pk}/")
    rows = AccessLog.objects.filter(user=client.user)
    assert {(row.action, row.object_type, row.object_id) for row in rows} >= {
        ("api.case.list", "victims.case", str(world.home.case.pk)),
        ("api.case.view", "victims.case", str(world.home.case.pk)),
    }
    assert {row.agency_id for row in rows} == {world.agencies["DT-HN"].pk}


def test_a_refused_id_is_in_the_access_log_with_the_client(world, token):
    api = token("DT-HN")
    assert api.get(f"/api/v1/cases/{world.away.case.pk}/").status_code == 404
    row = AccessLog.objects.get(user=api.api_client.user)
    assert row.action == "refused.404" and row.object_type == "url:api:case-detail"
    assert row.object_id == f"pk={world.away.case.pk}" and row.agency_id == world.agencies["DT-HN"].pk


def test_expired_revoked_and_unknown_tokens_answer_401(world, token):
    for api in (token("DT-HN", state="expired"), token("DT-HN", state="revoked")):
        response = api.get("/api/v1/cases/")
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "authentication_failed"
    bogus = token("DT-HN")
    bogus.credentials(HTTP_AUTHORIZATION="Token nh_" + "0" * 64)
    assert bogus.get("/api/v1/cases/").status_code == 401


def test_a_token_without_the_scope_is_refused(world, token):
    api = token("DT-HN", scopes=[ApiScope.SUPPORT_READ])
    assert api.get("/api/v1/cases/").status_code == 403
    assert api.get("/api/v1/support-requests/").status_code == 200
    assert api.post("/api/v1/deliveries/", _delivery(world), format="json").status_code == 403


def test_pagination_has_a_maximum_page_size(world, token):
    body = token("TT-LS", role=Role.CASEWORKER).get("/api/v1/cases/?page_size=100000").json()
    assert set(body) == {"count", "next", "previous", "results"}


def test_filters_and_ordering(world, token):
    api = token("TT-LS", role=Role.CASEWORKER)
    number = world.home.case.case_number
    assert [row["case_number"] for row in api.get(f"/api/v1/cases/?case_number={number}").json()["results"]] == [number]
    assert api.get("/api/v1/cases/?status=closed").json()["count"] == 0
    assert api.get("/api/v1/cases/?ordering=-case_number").status_code == 200
    assert api.get("/api/v1/cases/?status=nonsense").status_code == 400
    since = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert api.get(f"/api/v1/deliveries/?delivered_from={since}").json()["count"] == 0
