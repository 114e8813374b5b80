"""API clients and their tokens: created, rotated and revoked by an agency manager (agency.manage)
of the client's agency. A token's secret is returned once and stored as a digest (django-rest-knox);
a client acts for its agency with the role given here, and a token only for its scopes."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .formviews import FieldErrors
from .models import ApiClient, ApiScope, ApiToken, Membership, User, WebhookDelivery
from .roles import API_CLIENT_ROLES, Action

MAX_TOKEN_DAYS = 366
WEBHOOK_EVENTS = {
    "support.decision_made": "A support request was decided",
    "referral.created": "A referral was sent to the agency",
    "referral.decided": "A referral was accepted or declined",
    "report.accepted": "The ministry accepted a periodic report of the province",
}


def managed_agencies(user):
    """The agency the actor manages (the acting membership's, when its role allows agency.manage)."""
    from victims.scoping import memberships_allowing

    return memberships_allowing(user, Action.AGENCY_MANAGE).values("agency_id")


def clients_visible_to(user):
    return ApiClient.objects.filter(agency_id__in=managed_agencies(user)).select_related(
        "agency", "membership", "user")


def client_get(*, user, pk) -> ApiClient:
    try:
        return clients_visible_to(user).get(pk=pk)
    except (ApiClient.DoesNotExist, ValueError, TypeError):
        raise Http404("No API client matches the given query.") from None


def _require_manager(user, agency):
    from victims.scoping import memberships_allowing

    if agency is None or not memberships_allowing(user, Action.AGENCY_MANAGE).filter(agency=agency).exists():
        raise PermissionDenied(_("Only a manager of the agency may manage its API clients."))


def _check_webhook(errors: FieldErrors, url: str, events) -> list[str]:
    events = sorted(set(events or []))
    unknown = [event for event in events if event not in WEBHOOK_EVENTS]
    if unknown:
        errors.add("webhook_events", _("Unknown event."), code="invalid")
    if events and not url:
        errors.add("webhook_url", _("Enter the address that receives the events."), code="required")
    if url and not url.startswith(("https://", "http://")):
        errors.add("webhook_url", _("Enter an http or https address."), code="invalid")
    return events


@transaction.atomic
def api_client_create(*, user, agency, name: str, role: str, webhook_url: str = "",
                      webhook_events=()) -> ApiClient:
    """A client of the agency: its own service account (no password, no browser session) with one
    membership (the agency, the role). Returns the client; its webhook secret is readable once."""
    _require_manager(user, agency)
    errors = FieldErrors()
    name = (name or "").strip()
    if not name:
        errors.add("name", _("Enter a name."), code="required")
    elif len(name) > 150:
        errors.add("name", _("At most 150 characters."), code="max_length")
    if role not in API_CLIENT_ROLES:
        errors.add("role", _("Choose a role for the client."), code="invalid")
    events = _check_webhook(errors, webhook_url, webhook_events)
    errors.raise_if_any()
    username = f"api-{agency.code.lower()}-{slugify(name)[:40]}-{secrets.token_hex(3)}"
    service_user = User.objects.create(username=username[:150], full_name=name, is_active=True)
    service_user.set_unusable_password()
    service_user.save(update_fields=["password"])
    membership = Membership.objects.create(user=service_user, agency=agency, role=role)
    return ApiClient.objects.create(
        name=name, agency=agency, user=service_user, membership=membership, webhook_url=webhook_url,
        webhook_secret=secrets.token_urlsafe(32) if webhook_url else "", webhook_events=events,
        created_by=user,
    )


@transaction.atomic
def api_client_set_webhook(*, user, client: ApiClient, webhook_url: str, webhook_events=()) -> ApiClient:
    client = _locked(user, client)
    errors = FieldErrors()
    events = _check_webhook(errors, webhook_url, webhook_events)
    errors.raise_if_any()
    if webhook_url and (not client.webhook_secret or webhook_url != client.webhook_url):
        client.webhook_secret = secrets.token_urlsafe(32)
    if not webhook_url:
        client.webhook_secret = ""
    client.webhook_url, client.webhook_events = webhook_url, events
    client.save(update_fields=["webhook_url", "webhook_events", "webhook_secret"])
    return client


def _locked(user, client) -> ApiClient:
    try:
        return clients_visible_to(user).select_for_update(of=("self",)).get(pk=client.pk)
    except ApiClient.DoesNotExist:
        raise Http404("No API client matches the given query.") from None


@transaction.atomic
def api_client_deactivate(*, user, client: ApiClient) -> ApiClient:
    """Stop a client: every token refused at once, its membership inactive."""
    client = _locked(user, client)
    client.is_active = False
    client.save(update_fields=["is_active"])
    Membership.objects.filter(pk=client.membership_id).update(is_active=False)
    client.tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=user)
    return client


def _clean_token_input(scopes, days) -> tuple[list[str], int]:
    errors = FieldErrors()
    scopes = sorted(set(scopes or []))
    if not scopes:
        errors.add("scopes", _("Choose at least one scope."), code="required")
    elif set(scopes) - set(ApiScope.values):
        errors.add("scopes", _("Unknown scope."), code="invalid")
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors.add("expires_in_days", _("A token is valid for 1 to %(max)s days.") % {"max": MAX_TOKEN_DAYS},
                   code="invalid")
    errors.raise_if_any()
    return scopes, days


@transaction.atomic
def api_token_create(*, user, client: ApiClient, scopes, expires_in_days: int) -> tuple[ApiToken, str]:
    """A new token for the client: (token, secret). The secret is never stored or shown again."""
    client = _locked(user, client)
    if not client.is_active:
        raise ValidationError({"__all__": ValidationError(_("This client is stopped."), code="inactive")})
    scopes, days = _clean_token_input(scopes, expires_in_days)
    return ApiToken.objects.create(
        user=client.user, client=client, scopes=scopes, created_by=user,
        expiry=datetime.timedelta(days=days),
    )


def _token(user, pk) -> ApiToken:
    try:
        return ApiToken.objects.select_for_update(of=("self",)).select_related("client").get(
            pk=pk, client__in=clients_visible_to(user))
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("No token matches the given query.") from None


@transaction.atomic
def api_token_revoke(*, user, token: ApiToken) -> ApiToken:
    token = _token(user, token.pk)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), user
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


@transaction.atomic
def api_token_rotate(*, user, token: ApiToken, expires_in_days: int) -> tuple[ApiToken, str]:
    """A new token with the same scopes; the old one is revoked at once."""
    old = _token(user, token.pk)
    if not old.is_usable:
        raise ValidationError({"__all__": ValidationError(_("Only a token in use can be rotated."), code="invalid")})
    new = api_token_create(user=user, client=old.client, scopes=old.scopes, expires_in_days=expires_in_days)
    old.revoked_at, old.revoked_by = timezone.now(), user
    old.save(update_fields=["revoked_at", "revoked_by"])
    return new


def deliveries_visible_to(user):
    return WebhookDelivery.objects.filter(client__in=clients_visible_to(user)).select_related("client")


@transaction.atomic
def webhook_replay(*, user, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again (a new delivery with the same payload), e.g. after the receiver was down."""
    from .webhooks import queue_delivery

    try:
        original = deliveries_visible_to(user).get(pk=delivery.pk)
    except WebhookDelivery.DoesNotExist:
        raise Http404("No delivery matches the given query.") from None
    if not original.client.is_active or not original.client.webhook_url:
        raise ValidationError({"__all__": ValidationError(_("This client receives no events."), code="inactive")})
    replay = WebhookDelivery.objects.create(client=original.client, event=original.event,
                                            payload=original.payload, replay_of=original)
    queue_delivery(replay)
    return replay
