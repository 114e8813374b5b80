"""An import of an agency's register (ImportBatch) and what it wrote (ImportedRecord).

The records the import wrote keep the agency's own reference (register number and line), the
fingerprint of the row as read, and the row's original cells (the old place names among them): a
second import of the same file finds them and writes nothing.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency


def register_upload_to(instance, filename: str) -> str:
    # A random name: the register's own file name may carry a person's name.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{instance.agency_id}/{uuid.uuid4().hex}.{suffix}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked: waiting for your confirmation")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class ImportBatch(models.Model):
    """One uploaded file: checked (a dry run that writes nothing), then imported once confirmed."""

    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+", verbose_name=_("agency"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to=register_upload_to, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file fingerprint (SHA-256)"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    # {kind: {"create": n, "update": n, "unchanged": n, "error": n}, "persons_linked": n, "for_review": n}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # [{"sheet", "row", "column", "message"}], in the order of the file
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # [{"key", "original", "candidates": [[unit id, name], …]}]: places the user must pick
    ambiguities = models.JSONField(_("places to pick"), default=list, blank=True)
    resolutions = models.JSONField(_("places picked"), default=dict, blank=True)  # key -> unit id
    # [{"sheet", "row", "reference", "person_id", "reasons"}]: probable duplicates sent for review
    duplicates = models.JSONField(_("possible duplicates"), default=list, blank=True)
    failure = models.TextField(_("reason of the failure"), blank=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("confirmed by"),
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agency", "-created_at"], name="import_agency_recent")]

    def __str__(self):
        return self.file_name

    @property
    def progress_percent(self) -> int:
        return min(100, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)


class ImportedRecord(models.Model):
    """A register row the system holds: the agency's reference, the object it wrote, the row as read."""

    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+", verbose_name=_("agency"))
    kind = models.CharField(_("kind"), max_length=20)
    register_number = models.CharField(_("register number"), max_length=100)
    reference = models.CharField(_("reference"), max_length=120)
    fingerprint = models.CharField(max_length=64)
    created_by_batch = models.ForeignKey(
        ImportBatch, models.PROTECT, related_name="created_records", verbose_name=_("created by the import"),
    )
    batch = models.ForeignKey(
        ImportBatch, models.PROTECT, related_name="records", verbose_name=_("last written by the import"),
    )
    case = models.ForeignKey(
        "victims.Case", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("case"),
    )
    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    cleaned = models.JSONField(default=dict)  # what was written, to tell what a changed row changes
    source = models.JSONField(_("original cells"), default=dict)  # header -> the cell as written
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "reference"], name="imported_record_reference_unique"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="imported_record_object"),
            models.Index(fields=["agency", "register_number"], name="imported_record_register"),
        ]

    def __str__(self):
        return f"{self.kind} {self.reference}"
