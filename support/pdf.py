"""The official decision document (Quyết định) as a PDF, in the administrative document format
(Nghị định 30/2020/NĐ-CP): national motto, number, place and date, legal bases, articles, recipients,
signature. Rendered by WeasyPrint with the bundled Be Vietnam Pro font, text NFC-normalised."""

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import AdministrativeUnit
from accounts.text import nfc

from .models import Authority, LineStatus, PdfStatus, SupportDecision, Unit
from .words import amount_in_words, dong

logger = logging.getLogger(__name__)

FONT_FILES = {
    # Two subsets of one family: pango falls back glyph by glyph from Latin to Vietnamese.
    "latin_400": "vendor/be-vietnam-pro/files/be-vietnam-pro-latin-400-normal.woff",
    "latin_700": "vendor/be-vietnam-pro/files/be-vietnam-pro-latin-700-normal.woff",
    "vietnamese_400": "vendor/be-vietnam-pro/files/be-vietnam-pro-vietnamese-400-normal.woff",
    "vietnamese_700": "vendor/be-vietnam-pro/files/be-vietnam-pro-vietnamese-700-normal.woff",
    "latin_400_italic": "vendor/be-vietnam-pro/files/be-vietnam-pro-latin-400-italic.woff2",
    "vietnamese_400_italic": "vendor/be-vietnam-pro/files/be-vietnam-pro-vietnamese-400-italic.woff2",
}
# Who signs, by the deciding authority (the official title in the document).
SIGNER_TITLES = {
    Authority.PROVINCIAL_DEPARTMENT: "GIÁM ĐỐC",
    Authority.FACILITY_DIRECTOR: "GIÁM ĐỐC",
    Authority.COMMUNE_CHAIRMAN: "CHỦ TỊCH",
    Authority.DISTRICT_CHAIRMAN: "CHỦ TỊCH",
}
UNITS_VI = {Unit.ONE_OFF: "lần", Unit.PER_DAY: "ngày", Unit.PER_ITEM: "suất", Unit.ACTUAL_COST: "theo thực tế"}
HONORIFICS = {"female": "bà", "male": "ông"}


def _font_url(path: str) -> str:
    found = finders.find(path) or str(Path(settings.BASE_DIR) / "static" / path)
    return Path(found).resolve().as_uri()


def _place_and_date(place: str, day) -> str:
    """'Lạng Sơn, ngày 05 tháng 3 năm 2026': day below 10 and months 1-2 written with a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _place(province_name: str) -> str:
    """'Tỉnh Lạng Sơn' -> 'Lạng Sơn': the place name as written before the date."""
    for prefix in ("Tỉnh ", "Thành phố "):
        if province_name.startswith(prefix):
            return province_name[len(prefix):]
    return province_name


def _province_of(agency) -> AdministrativeUnit | None:
    unit = agency.jurisdiction
    if unit is None:
        return None
    return unit if unit.level == AdministrativeUnit.Level.PROVINCE else unit.province


def decision_context(decision: SupportDecision) -> dict:
    request = decision.request
    agency = decision.agency
    province = _province_of(agency)
    person = request.person
    case = request.case
    lines = list(request.lines.select_related("item").order_by("item__regime", "item__sort_order", "pk"))
    approved = [line for line in lines if line.status in (LineStatus.APPROVED, LineStatus.PARTLY_APPROVED)]
    refused = [line for line in lines if line.status in (LineStatus.REJECTED, LineStatus.PARTLY_APPROVED)]
    total = sum(line.approved_amount or 0 for line in approved)
    rows = [{
        "number": index,
        # as the line was requested: a later correction of the catalogue does not rewrite the decision
        "name": line.item_name or line.item.name_vi,
        "basis": line.legal_basis or line.item.citation,
        "quantity": line.approved_quantity,
        "unit": UNITS_VI.get(line.item.unit, ""),
        "unit_amount": dong(line.unit_amount) if line.unit_amount else "",
        "amount": dong(line.approved_amount or 0),
    } for index, line in enumerate(approved, start=1)]
    refusals = [{
        "name": line.item_name or line.item.name_vi,
        "partly": line.status == LineStatus.PARTLY_APPROVED,
        "reason": line.decision_reason,
    } for line in refused]
    is_victim = person.pk == case.person_id
    home = ", ".join(unit.name for unit in (person.home_commune, person.home_province) if unit)
    articles_after = 2 + (1 if refusals else 0)
    return {
        "decision": decision,
        "request": request,
        "agency_name": agency.name.upper(),
        "parent_body": f"ỦY BAN NHÂN DÂN {province.name.upper()}" if province else "",
        "place_and_date": _place_and_date(_place(province.name) if province else "Hà Nội", decision.decision_date),
        "signer_title": SIGNER_TITLES.get(request.authority, "THỦ TRƯỞNG ĐƠN VỊ"),
        "authority_line": f"{SIGNER_TITLES.get(request.authority, 'THỦ TRƯỞNG')} {agency.name.upper()}",
        "legal_basis": request.version.legal_basis_lines,
        "person_name": person.full_name,
        "honorific": HONORIFICS.get(person.sex, "ông/bà"),
        "birth": person.birth_display,
        "home": home,
        "is_victim": is_victim,
        "case_number": case.case_number,
        "requesting_agency": request.requesting_agency.name,
        "application_date": request.application_date.strftime("%d/%m/%Y"),
        "rows": rows,
        "total": dong(total),
        "total_in_words": amount_in_words(total),
        "refusals": refusals,
        "funding_article": 2 + (1 if refusals else 0),
        "effect_article": articles_after + 1,
        "version": request.version,
        "signer_name": decision.decided_by.get_full_name(),
        "fonts": {key: _font_url(path) for key, path in FONT_FILES.items()},
    }


def decision_html(decision: SupportDecision) -> str:
    with translation.override("vi"):
        return nfc(render_to_string("support/decision_pdf.html", decision_context(decision)))


def decision_pdf_bytes(decision: SupportDecision) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return HTML(string=decision_html(decision), base_url=str(settings.BASE_DIR)).write_pdf(font_config=font_config)


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
