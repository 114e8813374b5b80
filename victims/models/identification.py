import uuid
from pathlib import PurePath

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

from ..text import CleanTextModel
from .case import Case
from .choices import ConfirmingDocumentType, IdentificationResult
from .person import history_trackers
from .querysets import CaseScopedQuerySet

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


def scan_upload_to(instance, filename: str) -> str:
    """A random name: the file name a user chose may contain the victim's name."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"identification/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def validate_scan_size(file):
    if file.size > MAX_SCAN_BYTES:
        raise ValidationError(
            _("The scanned file is larger than %(max)s MB."), params={"max": MAX_SCAN_BYTES // 2**20},
        )


@pghistory.track(*history_trackers(), append_only=True)
class VerificationRequest(CleanTextModel):
    """A request to a police unit to verify and identify the person (xác minh)."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="verification_requests", verbose_name=_("case"),
    )
    police_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="verification_requests", verbose_name=_("police unit"),
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.case} → {self.police_agency}"


@pghistory.track(*history_trackers(), append_only=True)
class IdentificationOutcome(CleanTextModel):
    """The result of identification (xác định), backed by a confirming document."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="identification_outcomes", verbose_name=_("case"),
    )
    request = models.ForeignKey(
        VerificationRequest, models.SET_NULL, null=True, blank=True, related_name="outcomes",
        verbose_name=_("verification request"),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=IdentificationResult.choices)
    document_type = models.CharField(
        _("confirming document"), max_length=40, choices=ConfirmingDocumentType.choices, blank=True,
    )
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    issuing_body = models.CharField(_("issued by"), max_length=255, blank=True)
    scan = models.FileField(
        _("scanned document"), upload_to=scan_upload_to, blank=True, max_length=200,
        validators=[FileExtensionValidator(SCAN_EXTENSIONS), validate_scan_size],
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by"),
    )
    recorded_by_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="+", verbose_name=_("recorded by agency"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("identification outcome")
        verbose_name_plural = _("identification outcomes")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.case}: {self.get_outcome_display()}"

    def clean(self):
        errors: dict[str, list] = {}
        final = self.outcome in (IdentificationResult.IDENTIFIED, IdentificationResult.NOT_VICTIM)
        if final:
            for field in ("document_type", "document_number", "document_date", "issuing_body"):
                if not getattr(self, field):
                    errors.setdefault(field, []).append(ValidationError(
                        _("An outcome of identification needs its confirming document."),
                        code="required",
                    ))
        if self.document_date and self.document_date > timezone.localdate():
            errors.setdefault("document_date", []).append(
                ValidationError(_("This date cannot be in the future."))
            )
        if errors:
            raise ValidationError(errors)
