"""Support policy as data: versions with effective dates, their entitlement catalogue, and
per-province amounts. Rules change by adding rows (in the admin), never by editing code."""

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit

from .choices import Authority, Condition, PersonCategory, Regime, Unit


def history_trackers():
    return pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()


# Policy rows are seeded by migrations, so their history rows exist before any test runs; tests with
# serialized_rollback reload them with UPDATEs, which an append-only trigger would refuse. The
# history of policy edits is still recorded (and the admin log says who edited what).
POLICY_HISTORY = {"append_only": False}


class DateRange(Func):
    """daterange(lower, upper, '[]'): both ends included; an empty upper end is open."""

    function = "DATERANGE"
    output_field = DateRangeField()


def _validity_range():
    return DateRange("valid_from", "valid_to", RangeBoundary(inclusive_lower=True, inclusive_upper=True))


def _format(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


class ValidityQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def citation(*, document: str, article: str = "", clause: str = "", point: str = "") -> str:
    """A Vietnamese legal citation, smallest part first: "điểm b khoản 1 Điều 37 Luật 53/2024/QH15"."""
    parts = [f"điểm {point}" if point else "", f"khoản {clause}" if clause else "",
             f"Điều {article}" if article else "", document]
    return " ".join(part for part in parts if part)


class LegalBasis(models.Model):
    """Where a rule comes from (document, article, clause, point) and whether someone checked it
    against the text: a rule without a checked source is shown as "to be confirmed"."""

    basis_document = models.CharField(
        _("legal document"), max_length=200, blank=True,
        help_text=_("e.g. Luật 53/2024/QH15; for a province's own item, the provincial resolution."),
    )
    basis_article = models.CharField(_("article"), max_length=20, blank=True)
    basis_clause = models.CharField(_("clause"), max_length=20, blank=True)
    basis_point = models.CharField(_("point"), max_length=20, blank=True)
    basis_note = models.TextField(
        _("note on the legal basis"), blank=True,
        help_text=_("What the text says about this rule, where it was read, or why a choice was made."),
    )
    basis_confirmed = models.BooleanField(
        _("legal basis confirmed"), default=False,
        help_text=_("Ticked once someone has read the text cited and checked that it grants this to the "
                    "persons, under the conditions, set here (amounts have their own flag)."),
    )
    confirmed_by = models.CharField(_("confirmed by"), max_length=200, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def citation(self) -> str:
        return citation(document=self.basis_document, article=self.basis_article, clause=self.basis_clause,
                        point=self.basis_point)

    def clean_basis(self, errors: dict):
        if self.basis_confirmed and not (self.confirmed_by and self.confirmed_on):
            errors["confirmed_by"] = _("Say who confirmed the legal basis and when.")
        if self.basis_confirmed and not self.basis_document:
            errors["basis_document"] = _("A confirmed rule needs the document it comes from.")


@pghistory.track(*history_trackers(), **POLICY_HISTORY)
class PolicyVersion(models.Model):
    """One rule set (e.g. ND-09-2013), in force between two dates, nationally or in one province."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("e.g. ND-09-2013"))
    short_name = models.CharField(
        _("short name"), max_length=60, help_text=_("As cited in reasons, e.g. NĐ 09/2013."),
    )
    title = models.CharField(_("title"), max_length=255)
    legal_basis = models.TextField(
        _("legal basis"), help_text=_("One legal document per line; decisions cite them."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: until replaced."))
    province = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, related_name="+",
        limit_choices_to={"level": AdministrativeUnit.Level.PROVINCE}, verbose_name=_("province"),
        help_text=_("Empty for national rules; a province's own rules take precedence there."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-valid_from", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="policy_version_dates_ordered",
            ),
            ExclusionConstraint(
                name="policy_version_no_overlap",
                violation_error_message=_("Another version is in force for the same scope in this period."),
                expressions=[
                    (_validity_range(), RangeOperators.OVERLAPS),
                    (Coalesce("province", Value(0)), RangeOperators.EQUAL),
                ],
            ),
        ]

    def __str__(self):
        return f"{self.code} ({_format(self.valid_from)}–{_format(self.valid_to)})"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        if not self.valid_from:
            return
        overlapping = PolicyVersion.objects.exclude(pk=self.pk).filter(province=self.province).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        clash = overlapping.first()
        if clash:
            raise ValidationError({"valid_from": ValidationError(
                _("%(version)s is already in force for the same scope in this period. "
                  "End it first (set its end date)."),
                code="overlap", params={"version": str(clash)},
            )})

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]


@pghistory.track(*history_trackers(), **POLICY_HISTORY)
class EntitlementItem(LegalBasis):
    """One thing a person may receive under a version: its regime, amount, limits, who may get it,
    under which conditions, who decides it and how fast."""

    version = models.ForeignKey(
        PolicyVersion, models.CASCADE, related_name="items", verbose_name=_("policy version"),
    )
    code = models.SlugField(
        _("code"), max_length=60,
        help_text=_("The same code in every version for the same kind of support: limits count across versions."),
    )
    regime = models.PositiveSmallIntegerField(_("regime"), choices=Regime.choices)
    name_vi = models.CharField(_("Vietnamese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    default_amount = models.PositiveBigIntegerField(
        _("amount (VND)"), null=True, blank=True,
        help_text=_("Per unit. Empty: the actual cost, with no fixed amount."),
    )
    amount_confirmed = models.BooleanField(
        _("amount confirmed"), default=False,
        help_text=_("Untick while the amount is a default that an administrator has still to confirm."),
    )
    max_quantity_per_person = models.PositiveIntegerField(
        _("maximum per person"), null=True, blank=True,
        help_text=_("Days or items a person may receive in total (1 for a one-off); empty: no limit."),
    )
    extension_quantity = models.PositiveIntegerField(
        _("extension"), null=True, blank=True,
        help_text=_("Days or items an approved extension adds to the maximum; empty: no extension."),
    )
    max_amount_per_person = models.PositiveBigIntegerField(
        _("maximum amount per person (VND)"), null=True, blank=True,
    )
    eligible_categories = ArrayField(
        models.CharField(max_length=40, choices=PersonCategory.choices),
        verbose_name=_("eligible persons"), default=list,
    )
    conditions = ArrayField(
        models.CharField(max_length=40, choices=Condition.choices),
        verbose_name=_("conditions"), default=list, blank=True,
    )
    application_window_months = models.PositiveSmallIntegerField(
        _("application window (months)"), null=True, blank=True,
        help_text=_("Apply within this many months of the confirmation of identification; empty: any time."),
    )
    deciding_authority = models.CharField(_("deciding authority"), max_length=30, choices=Authority.choices)
    forward_days = models.PositiveSmallIntegerField(
        _("working days to forward"), default=0, help_text=_("e.g. the commune forwards the file."),
    )
    appraisal_days = models.PositiveSmallIntegerField(_("working days to appraise"), default=0)
    decision_days = models.PositiveSmallIntegerField(_("working days to decide"), default=0)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("entitlement item")
        verbose_name_plural = _("entitlement catalogue")
        ordering = ["version", "regime", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="entitlement_item_code_unique"),
        ]

    def __str__(self):
        return f"{self.version.code} · {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    @property
    def name_in_sentence(self) -> str:
        """The name as it reads inside a sentence: 'hỗ trợ học nghề'."""
        name = self.name
        return name[:1].lower() + name[1:]

    @property
    def condition_labels(self) -> list[str]:
        return [Condition(c).label if c in Condition.values else c for c in self.conditions]

    @property
    def category_labels(self) -> list[str]:
        return [PersonCategory(c).label if c in PersonCategory.values else c for c in self.eligible_categories]

    @property
    def deadline_days(self) -> int:
        return self.forward_days + self.appraisal_days + self.decision_days

    @property
    def is_one_off(self) -> bool:
        return self.unit == Unit.ONE_OFF

    @property
    def priced_per_unit(self) -> bool:
        """Amount = quantity × unit amount (else the caseworker enters the actual cost)."""
        return self.unit in (Unit.PER_DAY, Unit.PER_ITEM, Unit.ONE_OFF) and self.default_amount is not None

    def clean(self):
        errors = {}
        if not self.eligible_categories:
            errors["eligible_categories"] = _("Choose at least one kind of person.")
        if len(set(self.eligible_categories)) != len(self.eligible_categories):
            errors["eligible_categories"] = _("Each kind of person may be chosen once.")
        if self.extension_quantity and not self.max_quantity_per_person:
            errors["extension_quantity"] = _("An extension needs a maximum to extend.")
        self.clean_basis(errors)
        if errors:
            raise ValidationError(errors)


@pghistory.track(*history_trackers(), **POLICY_HISTORY)
class ProvinceAmount(models.Model):
    """A province's own amount for an item (provinces often pay more), with its own dates."""

    item = models.ForeignKey(
        EntitlementItem, models.CASCADE, related_name="province_amounts", verbose_name=_("item"),
    )
    province = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="+", verbose_name=_("province"),
        limit_choices_to={"level": AdministrativeUnit.Level.PROVINCE},
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=255, blank=True, help_text=_("e.g. the provincial council's resolution."),
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("province amount")
        verbose_name_plural = _("province amounts")
        ordering = ["item", "province", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="province_amount_dates_ordered",
            ),
            ExclusionConstraint(
                name="province_amount_no_overlap",
                violation_error_message=_("This province already has an amount for this item in this period."),
                expressions=[
                    (_validity_range(), RangeOperators.OVERLAPS),
                    ("item", RangeOperators.EQUAL),
                    ("province", RangeOperators.EQUAL),
                ],
            ),
        ]

    def __str__(self):
        return f"{self.item} · {self.province}: {self.amount}"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        if not (self.valid_from and self.item_id and self.province_id):
            return
        overlapping = ProvinceAmount.objects.exclude(pk=self.pk).filter(
            item_id=self.item_id, province_id=self.province_id,
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        if overlapping.exists():
            raise ValidationError({"valid_from": ValidationError(
                _("This province already has an amount for this item in this period."), code="overlap",
            )})


@pghistory.track(*history_trackers(), **POLICY_HISTORY)
class PolicyParameter(LegalBasis):
    """A named number of a version that other apps read (e.g. max_stay_days for facility stays,
    licence_appraisal_working_days): `support.policy.policy_parameter(name, on_date)`."""

    version = models.ForeignKey(
        PolicyVersion, models.CASCADE, related_name="parameters", verbose_name=_("policy version"),
    )
    name = models.SlugField(_("name"), max_length=60)
    value = models.IntegerField(_("value"))
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("policy parameter")
        verbose_name_plural = _("policy parameters")
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="policy_parameter_name_unique"),
        ]

    def __str__(self):
        return f"{self.version.code} · {self.name} = {self.value}"

    def clean(self):
        errors = {}
        self.clean_basis(errors)
        if errors:
            raise ValidationError(errors)
