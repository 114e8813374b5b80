"""Partner API clients: a machine account acting for exactly one agency with one role.

- `ApiClient`: created by an agency manager. Its own service user (no password, never a browser
  session) holds one membership (the client's agency and role): `accounts.actor.act_as(client.user,
  client.membership)` makes every scope and service act for exactly that agency and role.
- `ApiToken`: django-rest-knox tokens (stored as a SHA-512 digest, the secret shown once), with an
  expiry, scopes (which kinds of call) and a revocation time kept for the record.
- `IdempotencyRecord`: a create call's Idempotency-Key, its caller, the request's hash and the
  response, so a retried POST answers the same response without creating twice.
- `WebhookDelivery`: one event sent (or to be sent) to a client's webhook URL, with its attempts.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiScope(models.TextChoices):
    """What a token may be used for (on top of what the client's role allows)."""

    CASES_READ = "cases:read", _("Read case files and persons")
    SUPPORT_READ = "support:read", _("Read support requests and deliveries")
    DELIVERIES_WRITE = "deliveries:write", _("Record support delivered")
    DECISIONS_WRITE = "decisions:write", _("Decide support requests")
    FACILITIES_READ = "facilities:read", _("Read facilities and stays")
    FACILITIES_WRITE = "facilities:write", _("Edit facilities")
    STATISTICS_READ = "statistics:read", _("Read statistics")
    REFERRALS_READ = "referrals:read", _("Read referrals sent to or by the agency")
    REFERRALS_WRITE = "referrals:write", _("Send, accept and decline referrals")
    CONTACTS_READ = "contacts:read", _("Read the contact log")
    CONTACTS_WRITE = "contacts:write", _("Record contacts")
    ACTIVITIES_READ = "activities:read", _("Read programme activities")
    ACTIVITIES_WRITE = "activities:write", _("Record and correct programme activities")
    DATASET_READ = "dataset:read", _("Read the de-identified case-level dataset")
    REPORTS_READ = "reports:read", _("Read periodic reports and download their files")


class ApiClient(models.Model):
    name = models.CharField(_("name"), max_length=150)
    agency = models.ForeignKey("accounts.Agency", models.PROTECT, related_name="api_clients", verbose_name=_("agency"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_client", verbose_name=_("service account"),
    )
    membership = models.OneToOneField(
        "accounts.Membership", models.PROTECT, related_name="api_client", verbose_name=_("acts as"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    # The HMAC key is needed to sign, so it is kept (and shown once, when set).
    webhook_secret = models.CharField(max_length=128, blank=True, editable=False)
    webhook_events = ArrayField(models.CharField(max_length=60), default=list, blank=True,
                                verbose_name=_("webhook events"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["agency_id", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def role(self) -> str:
        return self.membership.role


class ApiToken(AbstractAuthToken):
    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="tokens", verbose_name=_("client"))
    scopes = ArrayField(models.CharField(max_length=40, choices=ApiScope.choices), default=list,
                        verbose_name=_("scopes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.token_key}…"

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class IdempotencyRecord(models.Model):
    key = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key")]

    def __str__(self):
        return f"{self.method} {self.path} ({self.user_id})"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="webhook_deliveries", verbose_name=_("client"))
    event = models.CharField(_("event"), max_length=60)
    payload = models.JSONField(_("payload"))  # ids and states only, never personal data
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    replay_of = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} → {self.client_id} ({self.status})"
