"""The referrals and contacts resources: sending through the service (consent, idempotency), the
inbox's filters and order, 409 on a second answer, contacts masked as on the pages, and the
referral webhook events told only to the clients that may read the referral."""

import datetime

import pytest
from django.utils import timezone

from accounts import apiclients, webhooks
from accounts.forms_api import TokenForm
from accounts.models import ApiScope, WebhookDelivery
from accounts.roles import Role
from tests.api.world import SECRETS, manager_of
from victims.models import Contact, Referral, ReferralStatus, ServiceKind, SharedPart
from victims.referrals import referral_send

pytestmark = pytest.mark.django_db

READ_WRITE = [ApiScope.REFERRALS_READ, ApiScope.REFERRALS_WRITE, ApiScope.CONTACTS_READ, ApiScope.CONTACTS_WRITE,
              ApiScope.CASES_READ]


def _body(world, **overrides):
    body = {"case": world.home.case.pk, "receiving_agency": "TT-HN", "reason": "Cần tạm trú an toàn",
            "services": ["shelter", "psychological"], "urgency": "urgent", "note": "Gọi trước khi đến",
            "shared_parts": ["identity"]}
    return {**body, **overrides}


def _refer(world, side="home", receiver="TT-HN", **kwargs):
    planted = getattr(world, side)
    caseworker = planted.case.owning_agency.memberships.filter(role=Role.CASEWORKER).first().user
    return referral_send(user=caseworker, case=planted.case, receiving_agency=world.agencies[receiver],
                         reason="Cần tạm trú", services=[ServiceKind.SHELTER], **kwargs)


def test_the_token_form_offers_the_referral_and_contact_scopes():
    offered = {value for value, _label in TokenForm().fields["scopes"].choices}
    assert {"referrals:read", "referrals:write", "contacts:read", "contacts:write"} <= offered


def test_sending_a_referral_is_idempotent_and_goes_through_the_service(world, token):
    api = token("TT-LS", role=Role.CASEWORKER, scopes=READ_WRITE)
    first = api.post("/api/v1/referrals/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="ref-1")
    assert first.status_code == 201, first.content
    again = api.post("/api/v1/referrals/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="ref-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    [referral] = Referral.objects.filter(case=world.home.case)
    assert referral.status == ReferralStatus.PENDING and referral.shared_parts == [SharedPart.IDENTITY]
    assert referral.sender_agency.code == "TT-LS" and referral.consent_id is not None
    assert first.json()["receiving_agency"] == "TT-HN" and first.json()["services"] == ["shelter", "psychological"]
    # The service's rules, in the one error shape: an open referral to the same agency, unknown parts.
    duplicate = api.post("/api/v1/referrals/", _body(world), format="json")
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"][0]["attr"] == "receiving_agency"
    unknown = api.post("/api/v1/referrals/", _body(world, receiving_agency="NOPE", services=[]), format="json")
    assert unknown.status_code == 400
    # A case outside the caller's scope is not found, whatever the body.
    assert api.post("/api/v1/referrals/", _body(world, case=world.away.case.pk), format="json").status_code == 404


def test_the_consent_rule_holds(world, token):
    from victims.models import Consent

    Consent.objects.filter(case=world.home.case).update(given=False)
    api = token("TT-LS", role=Role.CASEWORKER, scopes=READ_WRITE)
    response = api.post("/api/v1/referrals/", _body(world), format="json")
    assert response.status_code == 400, response.content
    assert not Referral.objects.filter(case=world.home.case).exists()


def test_a_second_accept_is_a_conflict(world, token):
    referral = _refer(world, shared_parts=[SharedPart.IDENTITY])
    receiver = token("TT-HN", role=Role.CASEWORKER, scopes=READ_WRITE)
    first = receiver.post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["status"] == ReferralStatus.ACCEPTED
    second = receiver.post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json")
    assert second.status_code == 409
    assert second.json()["errors"][0]["code"] == "conflict"
    declined = receiver.post(f"/api/v1/referrals/{referral.pk}/decline/", {"reason": "Hết chỗ"}, format="json")
    assert declined.status_code == 409
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.grant.revoked_at is None


def test_declining_needs_a_reason_and_ends_nothing_else(world, token):
    referral = _refer(world)
    receiver = token("TT-HN", role=Role.CASEWORKER, scopes=READ_WRITE)
    url = f"/api/v1/referrals/{referral.pk}/decline/"
    assert receiver.post(url, {"reason": ""}, format="json").status_code == 400
    response = receiver.post(url, {"reason": "Hết chỗ"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == ReferralStatus.DECLINED
    assert response.json()["answer_reason"] == "Hết chỗ"
    # The sender may not answer its own referral; a token without the write scope may not either.
    sender = token("TT-LS", role=Role.CASEWORKER, scopes=READ_WRITE)
    assert sender.post(f"/api/v1/referrals/{_refer(world, receiver='DT-HN').pk}/accept/", {},
                       format="json").status_code == 403
    read_only = token("TT-HN", role=Role.CASEWORKER, scopes=[ApiScope.REFERRALS_READ])
    assert read_only.post(url, {"reason": "x"}, format="json").status_code == 403


def test_the_inbox_filters_by_status_and_overdue_soonest_deadline_first(world, token):
    late = _refer(world, "home", "TT-HN")
    soon = _refer(world, "home", "DT-HN")
    Referral.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    other = token("TT-HN", role=Role.CASEWORKER, scopes=READ_WRITE)
    inbox = other.get("/api/v1/referrals/").json()
    assert [row["id"] for row in inbox["results"]] == [late.pk]
    assert inbox["results"][0]["overdue"] is True and inbox["results"][0]["victim"] is None
    sender = token("TT-LS", role=Role.CASEWORKER, scopes=READ_WRITE)
    assert [row["id"] for row in sender.get("/api/v1/referrals/sent/").json()["results"]] == [late.pk, soon.pk]
    assert [row["id"] for row in sender.get("/api/v1/referrals/sent/?overdue=true").json()["results"]] == [late.pk]
    other.post(f"/api/v1/referrals/{late.pk}/decline/", {"reason": "Hết chỗ"}, format="json")
    assert other.get("/api/v1/referrals/").json()["count"] == 0  # open ones by default
    assert other.get("/api/v1/referrals/?status=declined").json()["count"] == 1
    assert other.get("/api/v1/referrals/?status=all").json()["count"] == 1
    assert other.get("/api/v1/referrals/?status=nonsense").status_code == 400


def test_contacts_are_recorded_through_the_service_and_masked_as_on_the_pages(world, token):
    caseworker = token("TT-LS", role=Role.CASEWORKER, scopes=READ_WRITE)
    body = {"channel": "hotline_111", "kind": "suspected_case", "outcome": "answered", "province": "",
            "caller_name": SECRETS["home"]["name"], "caller_phone": "0912345678", "summary": "Nghi bị lừa bán",
            "case": world.home.case.pk}
    created = caseworker.post("/api/v1/contacts/", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert created.status_code == 201, created.content
    assert caseworker.post("/api/v1/contacts/", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1").json() == created.json()
    contact = Contact.objects.get(recording_agency__code="TT-LS")
    assert contact.caller_name == SECRETS["home"]["name"] and contact.case_id == world.home.case.pk
    assert created.json()["caller"]["name"] == SECRETS["home"]["name"]
    statistician = token("TT-LS", role=Role.STATISTICIAN, scopes=READ_WRITE)
    shown = statistician.get(f"/api/v1/contacts/{contact.pk}/").json()
    assert shown["caller"] == {"name": "T. T. H.", "phone": "***", "note": None}
    assert shown["summary"] == "***" and shown["caller_visible"] is False
    assert statistician.post("/api/v1/contacts/", body, format="json").status_code == 403  # no contact.record
    # A case outside the recorder's scope is refused as unknown; so is an unknown province.
    outside = caseworker.post("/api/v1/contacts/", {**body, "case": world.away.case.pk}, format="json")
    assert outside.status_code == 400 and outside.json()["errors"][0]["attr"] == "case"
    assert caseworker.post("/api/v1/contacts/", {**body, "province": "XX"}, format="json").status_code == 400
    assert token("TT-HN", role=Role.CASEWORKER, scopes=READ_WRITE).get(
        f"/api/v1/contacts/{contact.pk}/").status_code == 404


def _subscriber(world, code, role, events):
    agency = world.agencies[code]
    return apiclients.api_client_create(user=manager_of(agency), agency=agency, name=f"Hệ thống {code} {role}",
                                        role=role, webhook_url="https://example.invalid/hook", webhook_events=events)


def test_referral_events_are_told_only_to_the_clients_that_may_read_the_referral(
        world, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr("accounts.tasks.webhook_fanout.delay", lambda *args: queued.append(args))
    monkeypatch.setattr(webhooks, "queue_delivery", lambda delivery: None)
    events = ["referral.created", "referral.decided"]
    receiver = _subscriber(world, "TT-HN", Role.CASEWORKER, events)
    sender = _subscriber(world, "TT-LS", Role.CASEWORKER, events)
    _subscriber(world, "DT-HN", Role.PARTNER_API, events)  # reads the case (its share), not a party to the referral
    _subscriber(world, "SYT-LS", Role.CASEWORKER, events)  # the province's department: not told either
    with django_capture_on_commit_callbacks(execute=True):
        referral = _refer(world, shared_parts=[SharedPart.IDENTITY])
    assert queued == [("referral.created", referral.pk, queued[0][2])]
    created = webhooks.fanout("referral.created", referral.pk)
    assert [d.client_id for d in created] == [receiver.pk]
    assert created[0].payload["data"] == {
        "referral": referral.pk, "case": world.home.case.pk, "status": "pending", "sender_agency": "TT-LS",
        "receiving_agency": "TT-HN", "urgency": "normal", "due_on": referral.due_on.isoformat()}
    assert SECRETS["home"]["name"] not in str(created[0].payload)

    from victims.referrals import referral_accept

    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(user=receiver.user, referral=referral)
    assert [args[:2] for args in queued] == [("referral.decided", referral.pk)]
    decided = webhooks.fanout("referral.decided", referral.pk)
    assert sorted(d.client_id for d in decided) == sorted([receiver.pk, sender.pk])
    assert {d.payload["data"]["status"] for d in decided} == {"accepted"}
    assert WebhookDelivery.objects.filter(event="referral.decided").count() == 2
