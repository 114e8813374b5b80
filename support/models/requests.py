"""Support requests, their decisions and official decision documents."""

import uuid
from pathlib import PurePath

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.documents.signing import SigningAuthority
from accounts.models import Agency
from victims.models import Case, Person
from victims.models.querysets import CaseScopedQuerySet
from victims.text import CleanTextModel

from .choices import (
    Authority,
    DecisionOutcome,
    DocumentType,
    LineStatus,
    PdfStatus,
    RequestStatus,
)
from .policy import EntitlementItem, PolicyVersion, history_trackers
from .querysets import RequestScopedQuerySet

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


def _random_name(folder: str, filename: str) -> str:
    """A random name: the file name a user chose may contain the victim's name."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"support/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def document_upload_to(instance, filename):
    return _random_name("documents", filename)


def decision_upload_to(instance, filename):
    return _random_name("decisions", ".pdf")


def validate_scan_size(file):
    if file.size > MAX_SCAN_BYTES:
        raise ValidationError(
            _("The scanned file is larger than %(max)s MB."), params={"max": MAX_SCAN_BYTES // 2**20},
        )


def _user_fk(verbose_name, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=verbose_name, **kwargs
    )


@pghistory.track(*history_trackers(), append_only=True)
class SupportRequest(CleanTextModel):
    """A request for support for one person (the victim or an accompanying child) under the policy
    version in force on the application date, to be decided by one agency."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="support_requests", verbose_name=_("case"))
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="support_requests", verbose_name=_("person supported"),
    )
    version = models.ForeignKey(
        PolicyVersion, models.PROTECT, related_name="requests", verbose_name=_("policy version"),
    )
    requesting_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="support_requests_made", verbose_name=_("requesting agency"),
    )
    requested_by = _user_fk(_("requested by"))
    authority = models.CharField(_("deciding authority"), max_length=30, choices=Authority.choices)
    deciding_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="support_requests_to_decide", verbose_name=_("deciding agency"),
    )
    application_date = models.DateField(_("application date"))
    due_date = models.DateField(_("decision due"), db_index=True)
    in_facility_stay = models.BooleanField(
        _("staying in a support facility"), default=False,
        help_text=_("The person is staying in a social centre or support facility on the application date."),
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING,
        db_index=True,
    )
    supersedes = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    # The request form's one-time token (one per deciding authority): a double submit finds these.
    submission_key = models.CharField(max_length=80, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"], condition=~Q(submission_key=""),
                name="support_request_submission_key_unique",
            ),
            # At most one pending request supersedes a given decision.
            models.UniqueConstraint(
                fields=["supersedes"], condition=Q(status="pending"),
                name="support_request_one_pending_supersession",
            ),
        ]
        indexes = [
            models.Index(fields=["deciding_agency", "status", "due_date"], name="support_request_queue"),
            models.Index(fields=["person", "status"], name="support_request_person"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.case} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    @property
    def is_decided(self) -> bool:
        return self.status in (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED, RequestStatus.REJECTED)


@pghistory.track(*history_trackers(), append_only=True)
class SupportRequestLine(CleanTextModel):
    """One item of a request: how much was asked for, and how much was approved."""

    request = models.ForeignKey(SupportRequest, models.CASCADE, related_name="lines", verbose_name=_("request"))
    item = models.ForeignKey(EntitlementItem, models.PROTECT, related_name="lines", verbose_name=_("item"))
    # The item as it read when requested: a later correction of the catalogue does not rewrite what
    # a decision granted nor the law it cited.
    item_name = models.CharField(_("item as requested"), max_length=200, blank=True)
    legal_basis = models.CharField(_("legal basis cited"), max_length=500, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_amount = models.PositiveBigIntegerField(_("amount per unit (VND)"), default=0)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    extension_requested = models.BooleanField(
        _("extension requested"), default=False,
        help_text=_("Ask to go beyond the maximum (e.g. a longer stay); the approver decides."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LineStatus.choices, default=LineStatus.PENDING)
    approved_quantity = models.PositiveIntegerField(_("approved quantity"), null=True, blank=True)
    approved_amount = models.PositiveBigIntegerField(_("approved amount (VND)"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)

    objects = RequestScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("requested item")
        verbose_name_plural = _("requested items")
        ordering = ["item__regime", "item__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="support_line_item_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="support_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__lte=F("amount")),
                name="support_line_approved_amount_within_request",
            ),
            models.CheckConstraint(
                condition=Q(approved_quantity__isnull=True) | Q(approved_quantity__lte=F("quantity")),
                name="support_line_approved_quantity_within_request",
            ),
        ]

    def __str__(self):
        return f"{self.request_id}: {self.item.code} × {self.quantity}"

    @property
    def is_approved(self) -> bool:
        return self.status in (LineStatus.APPROVED, LineStatus.PARTLY_APPROVED)


@pghistory.track(*history_trackers(), append_only=True)
class SupportDocument(CleanTextModel):
    """A supporting document of a request (e.g. the poor-household certificate)."""

    request = models.ForeignKey(
        SupportRequest, models.CASCADE, related_name="documents", verbose_name=_("request"),
    )
    document_type = models.CharField(_("document"), max_length=40, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=60)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=255, blank=True)
    scan = models.FileField(
        _("scanned document"), upload_to=document_upload_to, blank=True, max_length=200,
        validators=[FileExtensionValidator(SCAN_EXTENSIONS), validate_scan_size],
    )
    uploaded_by = _user_fk(_("added by"))
    uploaded_at = models.DateTimeField(_("added at"), default=timezone.now)

    objects = RequestScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_document_type_display()} {self.number}"


@pghistory.track(*history_trackers(), append_only=True)
class SupportDecision(CleanTextModel):
    """The decision on a request (quyết định), made once; approvals get a numbered official document."""

    request = models.OneToOneField(
        SupportRequest, models.PROTECT, related_name="decision", verbose_name=_("request"),
    )
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="support_decisions", verbose_name=_("agency"))
    decided_by = _user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    decision_date = models.DateField(_("decision date"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    # How the signer signs (Decree 30/2020: as head, KT., TM., Q., TL., TUQ.), chosen when deciding.
    signing_authority = models.CharField(
        _("signs as"), max_length=10, choices=SigningAuthority.choices, default=SigningAuthority.HEAD,
    )
    signer_title = models.CharField(_("title of the signer"), max_length=120, blank=True)
    # A decision taken on paper before the system (an agency's register imported): its number is
    # the paper's (`document_number`, no `number` from the agency's register), `decided_by` is the
    # user who recorded it, and it has no document rendered by the system.
    recorded_from_register = models.BooleanField(
        _("paper decision recorded from a register"), default=False, editable=False,
    )
    pdf = models.FileField(_("decision document"), upload_to=decision_upload_to, blank=True, max_length=200)
    pdf_status = models.CharField(
        _("document status"), max_length=20, choices=PdfStatus.choices, default=PdfStatus.NOT_NEEDED,
    )
    pdf_error = models.CharField(max_length=500, blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RequestScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("support decision")
        verbose_name_plural = _("support decisions")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], condition=Q(number__isnull=False),
                name="support_decision_number_unique",
            ),
        ]

    def __str__(self):
        return self.document_number or f"{self.get_outcome_display()} #{self.request_id}"
