import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit, Agency

from ..countries import is_country_code
from ..text import CleanTextModel
from ..workflow import Status
from .choices import (
    ChildRelationship,
    ClosureReason,
    ReceptionChannel,
    SharingParty,
    TraffickingPurpose,
)
from .person import Person, history_trackers
from .querysets import CaseQuerySet, CaseScopedQuerySet

EARLIEST_RECEPTION = datetime.date(2000, 1, 1)


def _user_fk(verbose_name, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=verbose_name, **kwargs
    )


class CaseNumberCounter(models.Model):
    """The last sequence number issued per agency and year. Locked row: numbers are never reused."""

    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="case_counter_agency_year_unique"),
        ]

    def __str__(self):
        return f"{self.agency_id}/{self.year}: {self.last_value}"


@pghistory.track(*history_trackers(), append_only=True)
class Case(CleanTextModel):
    """One case file per person received (tiếp nhận)."""

    case_number = models.CharField(_("case number"), max_length=40, unique=True, editable=False)
    # Indexed by `case_person_scope` (Meta), which also serves the foreign key.
    person = models.ForeignKey(Person, models.PROTECT, related_name="cases", verbose_name=_("person"),
                               db_index=False)
    receiving_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="received_cases", verbose_name=_("receiving agency"),
    )
    owning_agency = models.ForeignKey(  # indexed by `case_owner_received` (Meta)
        Agency, models.PROTECT, related_name="owned_cases", verbose_name=_("owning agency"),
        help_text=_("The agency responsible for the case now (changes with a handover)."), db_index=False,
    )
    province = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("province"),
        help_text=_("The victim's home province, else the receiving agency's province."),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.RECEIVED, db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    # Reception (tiếp nhận)
    reception_channel = models.CharField(
        _("reception channel"), max_length=30, choices=ReceptionChannel.choices,
    )
    received_on = models.DateField(_("date received"), db_index=True)
    reception_place = models.CharField(_("place received"), max_length=255, blank=True)
    reception_province = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("province received"),
    )

    # Trafficking details (sensitive)
    destination_country = models.CharField(_("destination country"), max_length=2, blank=True)
    destination_province = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("destination province"), help_text=_("For trafficking inside Viet Nam."),
    )
    purposes = ArrayField(
        models.CharField(max_length=30, choices=TraffickingPurpose.choices),
        verbose_name=_("purposes of trafficking"), default=list, blank=True,
    )
    purpose_other = models.CharField(_("other purpose"), max_length=255, blank=True)
    means_of_control = models.TextField(_("means of control"), max_length=2000, blank=True)
    recruitment = models.TextField(_("how the person was recruited"), max_length=2000, blank=True)
    trafficked_from = models.DateField(_("trafficked from"), null=True, blank=True)
    trafficked_until = models.DateField(_("trafficked until"), null=True, blank=True)
    immediate_needs = models.TextField(_("immediate needs"), max_length=2000, blank=True)
    # Health (sensitive, a part of its own: shared only with case.view_health)
    health_notes = models.TextField(_("health notes"), max_length=4000, blank=True)

    # Follow-up: the date the next home visit is due (kept by the follow-up services).
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True, db_index=True)

    # Form token of the reception form: a double submit finds the case made by the first one.
    intake_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    SENSITIVE_FIELDS = frozenset({
        "purposes", "purpose_other", "means_of_control", "recruitment", "trafficked_from",
        "trafficked_until", "immediate_needs", "destination_country", "destination_province",
        "reception_place", "health_notes",
    })
    # Parts of the file a referral shares on their own (each needs its action, not only identity).
    TRAFFICKING_FIELDS = frozenset({
        "purposes", "purpose_other", "means_of_control", "recruitment", "trafficked_from",
        "trafficked_until", "immediate_needs", "destination_country", "destination_province",
    })
    HEALTH_FIELDS = frozenset({"health_notes"})

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["intake_key"], condition=~models.Q(intake_key=""),
                name="case_intake_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["owning_agency", "status"], name="case_owner_status"),
            # An agency's own cases in the list's order (-received_on, -pk), read backwards: a deep
            # page of a border post reads its own entries, not the country's by date.
            models.Index(fields=["owning_agency", "received_on", "id"], name="case_owner_received"),
            models.Index(fields=["province", "status"], name="case_province_status"),
            # The overdue follow-up badge on every list page: the due date inside each scope path's
            # index, not a BitmapAnd with every past due date of the country (bench/results.md).
            models.Index(fields=["owning_agency", "next_visit_due"], name="case_owner_followup_due",
                         condition=models.Q(status=Status.FOLLOW_UP)),
            models.Index(fields=["province", "next_visit_due"], name="case_province_followup_due",
                         condition=models.Q(status=Status.FOLLOW_UP)),
            # A name search's persons to their cases and the scope without reading the cases' rows
            # (an index-only nested loop; victims.selectors._cases_matching).
            models.Index(fields=["person"], include=["id", "owning_agency", "province"], name="case_person_scope"),
            # The case-number search (`case_number__icontains` is UPPER(case_number) LIKE '%…%').
            GinIndex(OpClass(Upper("case_number"), name="gin_trgm_ops"), name="case_number_trgm"),
        ]

    def __str__(self):
        return self.case_number

    def clean(self):
        errors: dict[str, list] = {}

        def error(field, message):
            errors.setdefault(field, []).append(ValidationError(message))

        self.destination_country = (self.destination_country or "").upper()
        if self.received_on and self.received_on > timezone.localdate():
            error("received_on", _("The reception date cannot be in the future."))
        elif self.received_on and self.received_on < EARLIEST_RECEPTION:
            # The system's records start long after; 1800 or 0201 is a typing error, not a case.
            error("received_on", _("The reception date cannot be before 01/01/2000."))
        if self.destination_country and not is_country_code(self.destination_country):
            error("destination_country", _("Choose a country by its two-letter ISO code."))
        if len(set(self.purposes)) != len(self.purposes):
            error("purposes", _("Each purpose may be chosen once."))
        if TraffickingPurpose.OTHER in self.purposes and not self.purpose_other:
            error("purpose_other", _("Describe the other purpose."))
        if self.trafficked_from and self.trafficked_until and self.trafficked_from > self.trafficked_until:
            error("trafficked_until", _("The end date is before the start date."))
        for field in ("trafficked_from", "trafficked_until"):
            value = getattr(self, field)
            if value and value > timezone.localdate():
                error(field, _("This date cannot be in the future."))
        if self.destination_province_id and self.destination_province.level != AdministrativeUnit.Level.PROVINCE:
            error("destination_province", _("Choose a province."))
        if errors:
            raise ValidationError(errors)


@pghistory.track(*history_trackers(), append_only=True)
class CaseChild(CleanTextModel):
    """A child who came with the victim: a person of their own, linked to the case."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="children", verbose_name=_("case"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="child_links", verbose_name=_("child"))
    relationship = models.CharField(
        _("relationship to the victim"), max_length=20, choices=ChildRelationship.choices,
    )
    relationship_note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("accompanying child")
        verbose_name_plural = _("accompanying children")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="case_child_unique"),
        ]

    def __str__(self):
        return f"{self.case} / {self.person}"


@pghistory.track(*history_trackers(), append_only=True)
class Consent(CleanTextModel):
    """Consent to share information (or its refusal): with whom, when, recorded by whom."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="consents", verbose_name=_("case"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="consents", verbose_name=_("person"))
    given = models.BooleanField(_("consent given"), default=True)
    share_with = ArrayField(
        models.CharField(max_length=30, choices=SharingParty.choices),
        verbose_name=_("share with"), default=list, blank=True,
    )
    share_with_detail = models.CharField(_("share with (details)"), max_length=255, blank=True)
    recorded_on = models.DateField(_("date recorded"))
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_relationship = models.CharField(_("guardian's relationship"), max_length=100, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_on", "-pk"]

    def __str__(self):
        return f"{self.case} / {self.recorded_on}"


@pghistory.track(pghistory.InsertEvent(), append_only=True)
class StatusTransition(models.Model):
    """Every change of a case's status: from, to, who, when, why."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="transitions", verbose_name=_("case"))
    from_status = models.CharField(_("from"), max_length=30, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=Status.choices)
    by = _user_fk(_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case}: {self.from_status} → {self.to_status}"


@pghistory.track(*history_trackers(), append_only=True)
class CaseClosure(CleanTextModel):
    case = models.OneToOneField(Case, models.CASCADE, related_name="closure", verbose_name=_("case"))
    reason = models.CharField(_("reason for closing"), max_length=30, choices=ClosureReason.choices)
    reason_detail = models.TextField(_("details"), max_length=2000, blank=True)
    closed_on = models.DateField(_("date closed"))
    closed_by = _user_fk(_("closed by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        # The statistics count the period's closures by reason (reporting.statistics).
        indexes = [models.Index(fields=["closed_on"], include=["reason"], name="case_closure_closed_on")]

    def __str__(self):
        return f"{self.case} / {self.get_reason_display()}"
