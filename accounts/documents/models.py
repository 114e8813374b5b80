"""The numbering register: one row per issuing agency, year and document type."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    """Kinds of official document the system issues; the abbreviations are those of Appendix III."""

    DECISION = "decision", _("Decision")
    HANDOVER_RECORD = "handover_record", _("Handover record")
    REPORT = "report", _("Report")

    @property
    def abbreviation(self) -> str:
        return ABBREVIATIONS[self]

    @property
    def title(self) -> str:
        """The type name as printed on the document (always Vietnamese, the language of the state format)."""
        return TITLES[self]


ABBREVIATIONS = {DocumentType.DECISION: "QĐ", DocumentType.HANDOVER_RECORD: "BB", DocumentType.REPORT: "BC"}
TITLES = {DocumentType.DECISION: "QUYẾT ĐỊNH", DocumentType.HANDOVER_RECORD: "BIÊN BẢN",
          DocumentType.REPORT: "BÁO CÁO"}


class DocumentNumberRegister(models.Model):
    """The last number issued by an agency in a year for a document type.

    Numbers come from this locked row, never from MAX()+1 over the documents, so they are never
    reused, and they are taken inside the transaction that saves the document, so never skipped.
    """

    agency = models.ForeignKey("accounts.Agency", models.PROTECT, related_name="+", verbose_name=_("agency"))
    year = models.PositiveSmallIntegerField(_("year"))
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        app_label = "accounts"
        verbose_name = _("document number register")
        verbose_name_plural = _("document number registers")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "document_type"], name="document_register_unique"),
        ]

    def __str__(self):
        return f"{self.agency_id}/{self.year}/{self.document_type}: {self.last_number}"
