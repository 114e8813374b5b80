"""The contact log: hotline calls (111 and others), walk-ins and messages (issue 13).

No caller identity is required. When given (`CALLER_FIELDS`), it is protected like victim data:
shown only to readers with identity access, in the access log, within the contact's scope.
Scope (`Contact.objects.visible_to`): the recording agency, and the provincial social-affairs
department of the contact's province (or of the recording agency's province). Ministry roles have no
`contact.view`: they get counts from the statistics, never rows.
"""

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit, Agency

from ..text import CleanTextModel
from .case import Case
from .choices import ContactChannel, ContactKind, ContactOutcome
from .person import history_trackers

MAX_DURATION_MINUTES = 24 * 60


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user, action: str):
        from accounts.roles import roles_allowing

        from ..scoping import SOCIAL_AFFAIRS_DEPARTMENT, is_acting_user, memberships_allowing

        if not is_acting_user(user) or not roles_allowing(action):
            return self.none()
        memberships = memberships_allowing(user, action)
        departments = memberships.filter(
            agency__type__code=SOCIAL_AFFAIRS_DEPARTMENT,
            agency__jurisdiction__level=AdministrativeUnit.Level.PROVINCE,
        ).values("agency__jurisdiction_id")
        return self.filter(
            Q(recording_agency_id__in=memberships.values("agency_id"))
            | Q(province_id__in=departments)
            | Q(recording_agency__jurisdiction_id__in=departments)
            | Q(recording_agency__jurisdiction__parent_id__in=departments)
        )


@pghistory.track(*history_trackers(), append_only=True)
class Contact(CleanTextModel):
    occurred_at = models.DateTimeField(_("date and time"), default=timezone.now, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    line = models.CharField(_("line or address"), max_length=100, blank=True,
                            help_text=_("The hotline number or page, when not 111."))
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    province = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("province"), help_text=_("Where the caller is or where the case happens."),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=ContactOutcome.choices)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    summary = models.TextField(_("summary"), max_length=4000, blank=True,
                               help_text=_("What was asked and answered; no names unless needed."))
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="contacts",
                             verbose_name=_("case opened"))
    # Caller identity: optional, protected like victim data.
    caller_name = models.CharField(_("caller's name"), max_length=200, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=40, blank=True)
    caller_note = models.CharField(_("about the caller"), max_length=255, blank=True,
                                   help_text=_("E.g. the victim herself, a relative, a neighbour."))
    recording_agency = models.ForeignKey(Agency, models.PROTECT, related_name="+",
                                         verbose_name=_("recorded by agency"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    CALLER_FIELDS = ("caller_name", "caller_phone", "caller_note")
    SENSITIVE_FIELDS = frozenset({*CALLER_FIELDS, "summary"})

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["recording_agency", "-occurred_at"], name="contact_agency_time"),
            models.Index(fields=["province", "-occurred_at"], name="contact_province_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="contact_duration_bounded",
            ),
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def has_caller(self) -> bool:
        return any(getattr(self, name) for name in self.CALLER_FIELDS)

    def clean(self):
        errors = {}
        if self.occurred_at and self.occurred_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["occurred_at"] = _("The contact cannot be in the future.")
        if self.duration_minutes is not None and self.duration_minutes > MAX_DURATION_MINUTES:
            errors["duration_minutes"] = _("A contact lasts at most 24 hours.")
        if self.province_id and self.province.level != AdministrativeUnit.Level.PROVINCE:
            errors["province"] = _("Choose a province.")
        if self.outcome == ContactOutcome.CASE_OPENED and not self.case_id:
            errors["case"] = _("Give the case that was opened.")
        if errors:
            raise ValidationError(errors)
