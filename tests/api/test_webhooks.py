"""Webhooks: a decision made sends a signed event, through the real Redis broker and a real Celery
worker, to a real HTTP receiver on loopback; a failed POST is retried with backoff; the manager sees
the history and may replay it. A client that may not see the request is not told of it."""

import http.server
import json
import threading
import time

import pytest

from accounts import apiclients, webhooks
from accounts.models import WebhookDelivery
from accounts.roles import Role
from tests.api.world import manager_of
from tests.support.factories import LAW53, decide_all, request_support

pytestmark = [pytest.mark.celery_live, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Receiver:
    """A tiny HTTP server: answers `fail_first` POSTs with 500, then 200; keeps what it received."""

    def __init__(self, fail_first=0):
        self.received, self.fail_first = [], fail_first
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body, time.monotonic()))
                self.send_response(500 if len(receiver.received) <= receiver.fail_first else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def _wait(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _subscribed(agency, url, role=Role.PARTNER_API):
    return apiclients.api_client_create(user=manager_of(agency), agency=agency, name="Đối tác", role=role,
                                        webhook_url=url, webhook_events=["support.decision_made"])


def test_a_decision_is_sent_signed_and_retried_until_the_receiver_answers(world, celery_worker_live, settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 0.3
    receiver = Receiver(fail_first=2)
    try:
        partner = _subscribed(world.agencies["DT-HN"], receiver.url)
        outsider = _subscribed(world.agencies["TT-HN"], receiver.url, role=Role.CASEWORKER)
        centre = world.agencies["TT-LS"]
        caseworker = centre.memberships.filter(role=Role.CASEWORKER).first().user
        director = centre.memberships.filter(role=Role.APPROVER).first().user
        [pending] = request_support(type("W", (), {"caseworker": caseworker, "centre": centre}), world.home.case,
                                    [(LAW53, "underwear_set", 1)])
        decision = decide_all(director, pending)  # commits: the event is queued on commit

        assert _wait(lambda: WebhookDelivery.objects.filter(status="delivered").exists()), (
            list(WebhookDelivery.objects.values("status", "attempts", "last_error")))
        delivery = WebhookDelivery.objects.get()
        assert delivery.client == partner and delivery.attempts == 3 and delivery.last_status_code == 200
        assert not WebhookDelivery.objects.filter(client=outsider).exists()  # it may not see the request

        assert len(receiver.received) == 3
        times = [at for _headers, _body, at in receiver.received]
        assert times[2] - times[1] >= times[1] - times[0] >= 0.25  # exponential backoff
        headers, body, _at = receiver.received[-1]
        assert headers["X-Nanhan-Event"] == "support.decision_made"
        assert webhooks.verify(partner.webhook_secret, headers["X-Nanhan-Signature"], body)
        assert not webhooks.verify("another-secret", headers["X-Nanhan-Signature"], body)
        assert not webhooks.verify(partner.webhook_secret, headers["X-Nanhan-Signature"], body + b" ")
        payload = json.loads(body)
        assert payload["data"] == {"support_request": pending.pk, "case": world.home.case.pk,
                                   "decision": decision.pk, "outcome": "approved", "status": "approved",
                                   "decision_date": decision.decision_date.isoformat()}
        assert "Triệu" not in body.decode()

        # The manager sees the history and replays the event.
        replay = apiclients.webhook_replay(user=manager_of(world.agencies["DT-HN"]), delivery=delivery)
        assert _wait(lambda: WebhookDelivery.objects.get(pk=replay.pk).status == "delivered")
        assert len(receiver.received) == 4 and json.loads(receiver.received[-1][1])["data"] == payload["data"]
    finally:
        receiver.close()


def test_a_receiver_that_never_answers_is_given_up_after_the_last_attempt(world, celery_worker_live, settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 0.1
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver = Receiver(fail_first=100)
    try:
        partner = _subscribed(world.agencies["DT-HN"], receiver.url)
        delivery = WebhookDelivery.objects.create(client=partner, event="support.decision_made",
                                                  payload={"event": "support.decision_made", "data": {}})
        from django.db import transaction

        with transaction.atomic():
            webhooks.queue_delivery(delivery)
        assert _wait(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "failed")
        delivery.refresh_from_db()
        assert delivery.attempts == 3 and delivery.last_status_code == 500 and len(receiver.received) == 3
    finally:
        receiver.close()
