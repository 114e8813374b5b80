"""Issuing document numbers from the shared register."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from .models import DocumentNumberRegister, DocumentType


@dataclass(frozen=True)
class IssuedNumber:
    number: int
    symbol: str  # '12/QĐ-SYT-LS'


def document_symbol(number: int, document_type: str, agency) -> str:
    """'12/QĐ-SYT-LS': number / abbreviation of the document type - abbreviation of the issuing agency."""
    return f"{number}/{DocumentType(document_type).abbreviation}-{agency.code}"


def document_number_issue(*, agency, document_type: str, year: int) -> IssuedNumber:
    """The next number of `agency`'s register for `year` and `document_type`.

    Call it inside the transaction that saves the document: the register row stays locked until that
    transaction ends (concurrent issuers wait), and a rollback gives the number back, so numbers run on
    without gaps or repeats.
    """
    document_type = DocumentType(document_type)
    with transaction.atomic():
        DocumentNumberRegister.objects.bulk_create(
            [DocumentNumberRegister(agency=agency, year=year, document_type=document_type)], ignore_conflicts=True,
        )
        register = DocumentNumberRegister.objects.select_for_update().get(
            agency=agency, year=year, document_type=document_type,
        )
        register.last_number = F("last_number") + 1
        register.save(update_fields=["last_number"])
        register.refresh_from_db(fields=["last_number"])
    return IssuedNumber(register.last_number, document_symbol(register.last_number, document_type, agency))
