"""The handover record (Biên bản bàn giao) as a PDF, on the official document layer
(accounts.documents: Decree 30/2020/NĐ-CP format, Tinos serif, the numbering register): the two
agencies, the parties present, the person and the children, papers and belongings, both signatures."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.documents import DocumentType, official_context, place_and_date, render_pdf

from .models import Handover, RecordStatus

logger = logging.getLogger(__name__)
SEX_VI = {"female": "Nữ", "male": "Nam"}


def _person_row(person, relationship: str = "") -> dict:
    home = ", ".join(unit.name for unit in (person.home_commune, person.home_province) if unit)
    return {"name": person.full_name, "sex": SEX_VI.get(person.sex, "—"), "birth": person.birth_display or "—",
            "home": home or person.abroad_address or "—", "relationship": relationship}


def handover_context(handover: Handover) -> dict:
    case = handover.case
    children = [
        _person_row(link.person, link.get_relationship_display())
        for link in handover.children.select_related("person__home_commune", "person__home_province").order_by("pk")
    ]
    return {
        **official_context(
            agency=handover.from_agency, document_type=DocumentType.HANDOVER_RECORD,
            number_symbol=handover.document_number, day=handover.handed_over_on,
            abstract="Về việc bàn giao nạn nhân bị mua bán", head_title="ĐẠI DIỆN BÊN GIAO",
            names_victim=True,
        ),
        "handover": handover,
        "case_number": case.case_number,
        "from_agency": handover.from_agency.name,
        "to_agency": handover.to_agency.name,
        # "ngày 05 tháng 02 năm 2026": the date as the place-and-date line writes it
        "opening": place_and_date("", handover.handed_over_on).lstrip(", "),
        "victim": _person_row(case.person),
        "children": children,
        "reason": handover.referral.reason,
    }


def handover_pdf_bytes(handover: Handover) -> bytes:
    return render_pdf("victims/handover_pdf.html", handover_context(handover))


def handover_store_pdf(handover_id: int) -> Handover | None:
    """Render a pending handover record and store it once; mark it failed if rendering fails.

    Safe to run twice: a record that is no longer pending is left alone (the same file stays).
    """
    handover = (
        Handover.objects.select_related(
            "case__person__home_commune", "case__person__home_province", "referral",
            "from_agency__jurisdiction__parent", "to_agency",
        ).filter(pk=handover_id).first()
    )
    if handover is None or handover.pdf_status != RecordStatus.PENDING:
        return handover
    try:
        content = handover_pdf_bytes(handover)
    except Exception as error:  # recorded and shown; rendering can be retried
        logger.exception("Handover %s: PDF rendering failed", handover_id)
        Handover.objects.filter(pk=handover_id, pdf_status=RecordStatus.PENDING).update(
            pdf_status=RecordStatus.FAILED, pdf_error=str(error)[:500],
        )
        return Handover.objects.get(pk=handover_id)
    with transaction.atomic():
        locked = Handover.objects.select_for_update().get(pk=handover_id)
        if locked.pdf_status != RecordStatus.PENDING:
            return locked
        locked.pdf.save(f"{locked.pk}.pdf", ContentFile(content), save=False)
        locked.pdf_status = RecordStatus.READY
        locked.pdf_error = ""
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_status", "pdf_error", "pdf_rendered_at"])
        return locked
