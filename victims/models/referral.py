"""Referrals (chuyển tuyến): one agency asks another to take a case, or one service need of it,
sharing named parts of the file (DOMAIN.md §1-2; issue 13)."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

from ..text import CleanTextModel
from .access import CaseAccessGrant
from .case import Case, Consent
from .person import history_trackers
from .querysets import ReferralQuerySet


class SharedPart(models.TextChoices):
    """The parts of the file a referral may share; each maps onto grant actions
    (victims.referrals.SHARED_PART_ACTIONS). The case itself (case.view, masked) always comes."""

    IDENTITY = "identity", _("Identity")
    TRAFFICKING = "trafficking", _("Trafficking details")
    HEALTH = "health", _("Health")
    DOCUMENTS = "documents", _("Documents")
    SUPPORT = "support", _("Support history")


class ServiceKind(models.TextChoices):
    """Kinds of service a referral asks for (the six regimes, interpretation, a stay, the return home);
    entitlement items of the catalogue are referred to as `item:<code>`."""

    SHELTER = "shelter", _("Shelter and essential needs")
    MEDICAL = "medical", _("Medical care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    INTERPRETATION = "interpretation", _("Interpretation")
    EDUCATION = "education", _("Schooling and vocational training")
    HARDSHIP = "hardship", _("Initial hardship allowance and loans")
    RETURN_HOME = "return_home", _("Return home and reintegration follow-up")
    VERIFICATION = "verification", _("Verification and identification")
    TAKE_OVER = "take_over", _("Taking over the whole case")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn by the sender")
    CLOSED = "closed", _("Closed")
    HANDED_OVER = "handed_over", _("Case handed over")


OPEN_REFERRAL_STATUSES = frozenset({ReferralStatus.PENDING, ReferralStatus.ACCEPTED})


def _user_fk(verbose_name, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=verbose_name, **kwargs
    )


@pghistory.track(*history_trackers(), append_only=True)
class Referral(CleanTextModel):
    case = models.ForeignKey(Case, models.CASCADE, related_name="referrals", verbose_name=_("case"))
    sender_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="referrals_sent", verbose_name=_("referring agency"),
    )
    receiving_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="referrals_received", verbose_name=_("receiving agency"),
    )
    reason = models.TextField(_("reason for the referral"), max_length=2000)
    services = ArrayField(models.CharField(max_length=80), verbose_name=_("services requested"), default=list)
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    shared_parts = ArrayField(
        models.CharField(max_length=20, choices=SharedPart.choices), verbose_name=_("parts of the file shared"),
        default=list, blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PENDING, db_index=True,
    )
    sent_by = _user_fk(_("sent by"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    due_on = models.DateField(_("answer due by"), db_index=True)
    answered_by = _user_fk(_("answered by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_reason = models.TextField(_("reason for the answer"), max_length=2000, blank=True)
    ended_by = _user_fk(_("ended by"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), max_length=2000, blank=True)
    # The share made on acceptance; ended (revoked) by decline, withdrawal or closing.
    grant = models.OneToOneField(
        CaseAccessGrant, models.PROTECT, null=True, blank=True, related_name="referral", verbose_name=_("access"),
    )
    consent = models.ForeignKey(Consent, models.PROTECT, null=True, blank=True, related_name="referrals",
                                verbose_name=_("consent"))
    consent_override_reason = models.TextField(_("reason for sharing beyond the consent"), max_length=2000,
                                               blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["receiving_agency", "status", "due_on"], name="referral_inbox"),
            models.Index(fields=["sender_agency", "status", "due_on"], name="referral_sent"),
        ]

    def __str__(self):
        return f"{self.case} → {self.receiving_agency_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.status == ReferralStatus.PENDING and self.due_on < (today or timezone.localdate())
