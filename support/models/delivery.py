"""What was actually delivered or paid against approvals, and loans (regime 6)."""

import pghistory
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from victims.models import Case, Person
from victims.models.querysets import CaseScopedQuerySet
from victims.text import CleanTextModel

from .choices import DeliveryMethod, Lender, LoanStatus
from .policy import history_trackers
from .querysets import LineScopedQuerySet, LoanScopedQuerySet
from .requests import SCAN_EXTENSIONS, SupportRequestLine, _random_name, validate_scan_size


def receipt_upload_to(instance, filename):
    return _random_name("receipts", filename)


def _user_fk(verbose_name, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=verbose_name, **kwargs
    )


@pghistory.track(*history_trackers(), append_only=True)
class Delivery(CleanTextModel):
    """A payment or a delivery in kind against one approved line; never more than approved."""

    line = models.ForeignKey(
        SupportRequestLine, models.PROTECT, related_name="deliveries", verbose_name=_("approved item"),
    )
    delivered_on = models.DateField(_("date"))
    method = models.CharField(_("how"), max_length=20, choices=DeliveryMethod.choices)
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), default=0)
    delivered_by_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="+", verbose_name=_("delivered by"),
    )
    delivered_by_name = models.CharField(_("name of the official"), max_length=150, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=60, blank=True)
    receipt_scan = models.FileField(
        _("scanned receipt"), upload_to=receipt_upload_to, blank=True, max_length=200,
        validators=[FileExtensionValidator(SCAN_EXTENSIONS), validate_scan_size],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # The form's one-time token: a double submit finds the first record.
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = LineScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery or payment")
        verbose_name_plural = _("deliveries and payments")
        ordering = ["-delivered_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0) | Q(amount__gt=0), name="delivery_not_empty"),
            models.UniqueConstraint(
                fields=["submission_key"], condition=~Q(submission_key=""), name="delivery_submission_key_unique",
            ),
        ]

    def __str__(self):
        return f"{self.line} · {self.delivered_on}: {self.amount}"


@pghistory.track(*history_trackers(), append_only=True)
class Loan(CleanTextModel):
    """A preferential loan (regime 6) arranged for a victim: the lender decides, we record."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="loans", verbose_name=_("case"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="loans", verbose_name=_("borrower"))
    lender = models.CharField(_("lender"), max_length=30, choices=Lender.choices)
    lender_name = models.CharField(
        _("lender's name"), max_length=255, blank=True, help_text=_("Branch or fund; required for another lender."),
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    interest_rate = models.DecimalField(
        _("interest rate (% per year)"), max_digits=5, decimal_places=2, null=True, blank=True,
    )
    purpose = models.CharField(_("purpose"), max_length=255)
    applied_on = models.DateField(_("applied on"))
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LoanStatus.choices, default=LoanStatus.APPLIED)
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+", verbose_name=_("recorded for"))
    recorded_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive"),
            models.UniqueConstraint(
                fields=["submission_key"], condition=~Q(submission_key=""), name="loan_submission_key_unique",
            ),
        ]

    def __str__(self):
        return f"{self.case} · {self.get_lender_display()} {self.amount}"


@pghistory.track(*history_trackers(), append_only=True)
class LoanRepayment(CleanTextModel):
    loan = models.ForeignKey(Loan, models.PROTECT, related_name="repayments", verbose_name=_("loan"))
    paid_on = models.DateField(_("paid on"))
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = LoanScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan repayment")
        verbose_name_plural = _("loan repayments")
        ordering = ["-paid_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="loan_repayment_positive")]

    def __str__(self):
        return f"{self.loan_id} · {self.paid_on}: {self.amount}"
