"""The official decision document (Quyết định) as a PDF, on the official document layer
(accounts.documents: Decree 30/2020/NĐ-CP format, Tinos serif, shared numbering register, signing
block): legal bases, articles, the approved items, amounts in words, recipients."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.documents import DocumentType, document_html, official_context, render_pdf

from .models import Authority, LineStatus, PdfStatus, SupportDecision, Unit
from .words import amount_in_words, dong

logger = logging.getLogger(__name__)

# Who signs, by the deciding authority (the official title in the document).
SIGNER_TITLES = {
    Authority.PROVINCIAL_DEPARTMENT: "GIÁM ĐỐC",
    Authority.FACILITY_DIRECTOR: "GIÁM ĐỐC",
    Authority.COMMUNE_CHAIRMAN: "CHỦ TỊCH",
    Authority.DISTRICT_CHAIRMAN: "CHỦ TỊCH",
}
UNITS_VI = {Unit.ONE_OFF: "lần", Unit.PER_DAY: "ngày", Unit.PER_ITEM: "suất", Unit.ACTUAL_COST: "theo thực tế"}
HONORIFICS = {"female": "bà", "male": "ông"}


def _item_rows(approved) -> list[dict]:
    """The rows of the approved items' table (one dict a row; the columns are in _decision_items.html)."""
    return [{
        "number": index,
        # as the line was requested: a later correction of the catalogue does not rewrite the decision
        "name": line.item_name or line.item.name_vi,
        "basis": line.legal_basis or line.item.citation,
        "quantity": line.approved_quantity,
        "unit": UNITS_VI.get(line.item.unit, ""),
        "unit_amount": dong(line.unit_amount) if line.unit_amount else "",
        "amount": dong(line.approved_amount or 0),
    } for index, line in enumerate(approved, start=1)]


def decision_context(decision: SupportDecision) -> dict:
    request = decision.request
    agency = decision.agency
    person = request.person
    case = request.case
    lines = list(request.lines.select_related("item").order_by("item__regime", "item__sort_order", "pk"))
    approved = [line for line in lines if line.status in (LineStatus.APPROVED, LineStatus.PARTLY_APPROVED)]
    refused = [line for line in lines if line.status in (LineStatus.REJECTED, LineStatus.PARTLY_APPROVED)]
    total = sum(line.approved_amount or 0 for line in approved)
    refusals = [{
        "name": line.item_name or line.item.name_vi,
        "partly": line.status == LineStatus.PARTLY_APPROVED,
        "reason": line.decision_reason,
    } for line in refused]
    is_victim = person.pk == case.person_id
    home = ", ".join(unit.name for unit in (person.home_commune, person.home_province) if unit)
    funding_article = 2 + (1 if refusals else 0)
    effect_article = funding_article + 1
    head_title = SIGNER_TITLES.get(request.authority, "THỦ TRƯỞNG")
    bases = [f"Căn cứ {basis}" for basis in request.version.legal_basis_lines]
    bases.append(f"Xét đề nghị của {request.requesting_agency.name} ngày "
                 f"{request.application_date.strftime('%d/%m/%Y')} (hồ sơ số {case.case_number})")
    return {
        **official_context(
            agency=agency, document_type=DocumentType.DECISION, number_symbol=decision.document_number,
            day=decision.decision_date, abstract="Về việc hỗ trợ đối với nạn nhân bị mua bán",
            authority_line=f"{head_title} {agency.name.upper()}", legal_bases=bases,
            signing_authority=decision.signing_authority, head_title=head_title,
            signer_title=decision.signer_title, signer_name=decision.decided_by.get_full_name(),
            recipients=[f"Như Điều {effect_article}", "Lưu: VT, hồ sơ"],
            names_victim=True,  # a decision names the victim or the child accompanying them
        ),
        "decision": decision,
        "request": request,
        "person_name": person.full_name,
        "honorific": HONORIFICS.get(person.sex, "ông/bà"),
        "birth": person.birth_display,
        "home": home,
        "is_victim": is_victim,
        "case_number": case.case_number,
        "requesting_agency": request.requesting_agency.name,
        "rows": _item_rows(approved),
        "total": dong(total),
        "total_in_words": amount_in_words(total),
        "refusals": refusals,
        "funding_article": funding_article,
        "effect_article": effect_article,
        "version": request.version,
    }


def decision_html(decision: SupportDecision) -> str:
    return document_html("support/decision_pdf.html", decision_context(decision))


def decision_pdf_bytes(decision: SupportDecision) -> bytes:
    return render_pdf("support/decision_pdf.html", decision_context(decision))


def decision_store_pdf(decision_id: int) -> SupportDecision | None:
    """Render a pending decision's PDF and store it; mark it failed (with the error) if rendering fails.

    Safe to run twice: a decision whose PDF is no longer pending is left alone.
    """
    decision = (
        SupportDecision.objects.select_related(
            "request__person__home_commune", "request__person__home_province", "request__case",
            "request__version", "request__requesting_agency", "agency__jurisdiction__parent", "decided_by",
        ).filter(pk=decision_id).first()
    )
    if decision is None or decision.pdf_status != PdfStatus.PENDING:
        return decision
    try:
        content = decision_pdf_bytes(decision)
    except Exception as error:  # rendering failures are recorded, shown and can be retried
        logger.exception("Decision %s: PDF rendering failed", decision_id)
        SupportDecision.objects.filter(pk=decision_id, pdf_status=PdfStatus.PENDING).update(
            pdf_status=PdfStatus.FAILED, pdf_error=str(error)[:500],
        )
        return SupportDecision.objects.get(pk=decision_id)
    with transaction.atomic():
        locked = SupportDecision.objects.select_for_update().get(pk=decision_id)
        if locked.pdf_status != PdfStatus.PENDING:
            return locked
        locked.pdf.save(f"{locked.pk}.pdf", ContentFile(content), save=False)
        locked.pdf_status = PdfStatus.READY
        locked.pdf_error = ""
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_status", "pdf_error", "pdf_rendered_at"])
        return locked
