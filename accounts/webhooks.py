"""Webhooks: events sent to the API clients that asked for them, signed, by Celery, with retries.

An app publishes an event after its write commits: `publish("support.decision_made", decision)`.
The fan-out task finds the clients subscribed to the event and keeps those that may see the record
*as that client* (its membership bound with act_as, then the record's own scope): a client learns
only of what it could read through the API. Payloads carry ids and states, never personal data.

Each delivery is a POST of JSON with
  X-Nanhan-Event: <event>, X-Nanhan-Delivery: <id>,
  X-Nanhan-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the client's secret>
retried with exponential backoff (WEBHOOK_BACKOFF_SECONDS × 2^attempt) until a 2xx answer or
WEBHOOK_MAX_ATTEMPTS; the manager sees each delivery and may replay it.

To add an event: one `Event` entry below, its label in `apiclients.WEBHOOK_EVENTS` and the form,
and a `publish` call in the service that makes it happen.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

SIGNATURE_HEADER = "X-Nanhan-Signature"
TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class Event:
    model: str  # app_label.ModelName of the record the event is about
    action: str  # the action a client needs on that record to be told (its scope)
    payload: Callable[[object], dict]
    # The agencies told of it, besides the record's scope (e.g. only the two sides of a referral:
    # not the province's department that reads the case); None: everyone in scope.
    audience: Callable[[object], set[int]] | None = None
    # The record as the client may read it, for models without `visible_to` (reports have their own
    # selector); None: `model.objects.visible_to(user, action)`.
    lookup: Callable[[object, int], object] | None = None  # (actor, pk) -> the record or None


def _decision_payload(decision) -> dict:
    request = decision.request
    return {"support_request": request.pk, "case": request.case_id, "decision": decision.pk,
            "outcome": decision.outcome, "status": request.status,
            "decision_date": decision.decision_date.isoformat()}


def _referral_payload(referral) -> dict:
    # Ids and states only: before acceptance the receiver may read the referral, never the file.
    return {"referral": referral.pk, "case": referral.case_id, "status": referral.status,
            "sender_agency": referral.sender_agency.code, "receiving_agency": referral.receiving_agency.code,
            "urgency": referral.urgency, "due_on": referral.due_on.isoformat()}


def _report_payload(report) -> dict:
    return {"report": report.pk, "report_type": report.report_type.code,
            "province": report.province.code if report.province_id else None, "status": report.status,
            "revision": report.revision, "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat()}


def _visible_report(actor, pk):
    from reporting.report_selectors import reports_visible_to

    return reports_visible_to(actor).filter(pk=pk).first()


EVENTS: dict[str, Event] = {
    "support.decision_made": Event("support.SupportDecision", "support.view", _decision_payload),
    # Sent: the receiving agency's clients that answer referrals (its inbox).
    "referral.created": Event("victims.Referral", "referral.receive", _referral_payload,
                              audience=lambda referral: {referral.receiving_agency_id}),
    # Accepted or declined: both sides, each through its own scope.
    "referral.decided": Event("victims.Referral", "case.view", _referral_payload,
                              audience=lambda referral: {referral.sender_agency_id, referral.receiving_agency_id}),
    # Accepted by the ministry: the province's department that submitted it.
    "report.accepted": Event("reporting.Report", "report.prepare", _report_payload,
                             audience=lambda report: {report.agency_id}, lookup=_visible_report),
}


def publish(event: str, obj) -> None:
    """Queue the event for the subscribed clients once the current transaction commits."""
    from .tasks import webhook_fanout

    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    occurred_at = timezone.now().isoformat()
    transaction.on_commit(lambda: webhook_fanout.delay(event, obj.pk, occurred_at))


def fanout(event: str, pk: int, occurred_at: str | None = None) -> list:
    """One delivery per client subscribed when the event happened that may see the record."""
    from accounts.actor import act_as

    from .models import ApiClient, WebhookDelivery

    spec = EVENTS[event]
    model = apps.get_model(spec.model)
    created = []
    clients = ApiClient.objects.filter(
        is_active=True, membership__is_active=True, webhook_events__contains=[event],
    ).exclude(webhook_url="").select_related("user", "membership", "membership__agency")
    occurred_at = datetime.datetime.fromisoformat(occurred_at) if occurred_at else timezone.now()
    clients = clients.filter(created_at__lte=occurred_at)
    for client in clients:
        actor = act_as(client.user, client.membership)
        obj = (spec.lookup(actor, pk) if spec.lookup is not None
               else model.objects.visible_to(client.user, spec.action).filter(pk=pk).first())
        if obj is None or (spec.audience is not None and client.membership.agency_id not in spec.audience(obj)):
            continue
        payload = {"event": event, "occurred_at": occurred_at.isoformat(), "data": spec.payload(obj)}
        created.append(WebhookDelivery.objects.create(client=client, event=event, payload=payload))
    for delivery in created:
        queue_delivery(delivery)
    return created


def queue_delivery(delivery) -> None:
    from .tasks import webhook_deliver

    transaction.on_commit(lambda: webhook_deliver.delay(delivery.pk))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """What a receiver does (examples/ and the tests use it): the signature and a fresh timestamp."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}")


def attempt(delivery) -> bool:
    """One POST of the delivery; records the answer. True when the receiver answered 2xx."""
    body = json.dumps({"id": delivery.pk, **delivery.payload}, ensure_ascii=False, sort_keys=True).encode()
    client = delivery.client
    if not client.webhook_url.startswith(("https://", "http://")):
        raise ValueError("A webhook URL is http or https")
    request = urllib.request.Request(client.webhook_url, data=body, method="POST", headers={  # noqa: S310 (checked above)
        "Content-Type": "application/json", "User-Agent": "nanhan-webhooks/1",
        "X-Nanhan-Event": delivery.event, "X-Nanhan-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(client.webhook_secret, int(time.time()), body),
    })
    delivery.attempts += 1
    status, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310 (http/https checked above)
            status = response.status
    except urllib.error.HTTPError as failure:
        status, error = failure.code, f"HTTP {failure.code}"
    except (urllib.error.URLError, OSError, ValueError) as failure:
        error = str(getattr(failure, "reason", failure))[:255]
    ok = status is not None and 200 <= status < 300
    delivery.last_status_code, delivery.last_error = status, error
    if ok:
        delivery.status, delivery.delivered_at = delivery.Status.DELIVERED, timezone.now()
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = delivery.Status.FAILED
    else:
        delivery.status = delivery.Status.RETRYING
    delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at"])
    return ok


def backoff(attempts: int) -> float:
    return min(settings.WEBHOOK_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0)), 3600)
