import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

from ..text import CleanTextModel
from .case import Case
from .person import history_trackers
from .querysets import CaseAccessGrantQuerySet


@pghistory.track(*history_trackers(), append_only=True)
class CaseAccessGrant(CleanTextModel):
    """An explicit share of one case (referral, assignment, verification) with an agency or a user."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="access_grants", verbose_name=_("case"))
    grantee_agency = models.ForeignKey(
        Agency, models.PROTECT, null=True, blank=True, related_name="case_grants",
        verbose_name=_("agency"),
    )
    grantee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="case_grants",
        verbose_name=_("user"),
    )
    actions = ArrayField(models.CharField(max_length=40), verbose_name=_("actions"))
    reason = models.CharField(_("reason"), max_length=255)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("revoked by"),
    )
    # The consent that allows this share (withdrawing it ends the share), or an agency manager's
    # written reason for sharing beyond it. Neither for shares inside the owning agency.
    consent = models.ForeignKey(
        "victims.Consent", models.PROTECT, null=True, blank=True, related_name="grants",
        verbose_name=_("consent"),
    )
    consent_override_reason = models.TextField(_("reason for sharing beyond the consent"), max_length=2000, blank=True)

    objects = CaseAccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("case access grant")
        verbose_name_plural = _("case access grants")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(grantee_agency__isnull=False, grantee_user__isnull=True)
                    | models.Q(grantee_agency__isnull=True, grantee_user__isnull=False)
                ),
                name="case_grant_one_grantee",
            ),
        ]

    def __str__(self):
        return f"{self.case} → {self.grantee_agency or self.grantee_user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class AccessLog(models.Model):
    """Who opened or exported what: ids only, never personal data. Rows can be added, never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.DO_NOTHING, db_constraint=False, null=True, related_name="+",
        verbose_name=_("user"),
    )
    agency = models.ForeignKey(
        Agency, models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+",
        verbose_name=_("agency"),
    )
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    action = models.CharField(_("action"), max_length=40)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"], name="access_log_object")]
        triggers = [
            pgtrigger.Protect(
                name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_type}:{self.object_id}"
