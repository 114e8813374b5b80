"""Rendering a report run: the PDF in the administrative layout (accounts.documents: Decree
30/2020/NĐ-CP, Tinos, signing block), with charts drawn here as SVG, and the XLSX with the same
figures (one sheet per table). Both are rendered from the run's snapshot, never from live data.

Crash safety: each file is written to a temporary name in its final directory and moved into place
with `os.replace` (atomic on one filesystem), so a killed or failing render never leaves a half-written
file under the final name; the run is marked done only after both files are in place.
"""

from __future__ import annotations

import io
import logging
import os
from html import escape
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from accounts.documents import DocumentType, official_context, render_pdf
from accounts.documents.signing import SigningAuthority

from .report_figures import chart_data, province_geography, snapshot
from .report_models import ReportRun, RunStatus

logger = logging.getLogger(__name__)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
PARTIAL_SUFFIX = ".partial"


class RenderFault(RuntimeError):
    """The failure injected by REPORTS_RENDER_FAULT_FILE (to prove a failed render leaves nothing)."""


# ---------------------------------------------------------------------------------------------
# Charts: hand-rolled SVG bars (no chart library is installed; WeasyPrint draws SVG itself)
# ---------------------------------------------------------------------------------------------

def svg_bar_chart(chart: dict, width: int = 460, bar_height: int = 16) -> str:
    """Horizontal bars, one per row; a hidden (suppressed) value has no bar and shows its text."""
    labels, values, texts = chart["labels"], chart["values"], chart["texts"]
    top = max([v for v in values if isinstance(v, int | float)] or [0]) or 1
    label_width, gap = 190, 6
    height = len(labels) * (bar_height + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(chart["title"])}">']
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = gap + index * (bar_height + gap)
        parts.append(f'<text x="{label_width - 4}" y="{y + bar_height - 4}" text-anchor="end" '
                     f'font-size="9" font-family="Tinos Latin, Tinos Viet">{escape(label[:38])}</text>')
        length = 0 if not isinstance(value, int | float) else (width - label_width - 50) * value / top
        parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#4a6fa5"/>')
        parts.append(f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height - 4}" font-size="9" '
                     f'font-family="Tinos Latin, Tinos Viet">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# The documents
# ---------------------------------------------------------------------------------------------

def _kind_title(report) -> str:
    return {"half_year": "6 tháng", "annual": "năm"}.get(report.report_type.kind, "")


def report_context(run: ReportRun) -> dict:
    report = run.report
    tables = run.snapshot.get("tables", [])
    chart_keys = report.report_type.chart_keys or []
    if report.national:
        chart_keys = ["rollup", *chart_keys]
    charts = [{"title": t["title"], "svg": svg_bar_chart(chart_data(t))}
              for t in tables if t["key"] in chart_keys and t["rows"]]
    sections = [{"title": s["title"], "text": run.narrative.get(s["key"], "")}
                for s in report.report_type.narrative_sections]
    where = "toàn quốc" if report.national else report.province.name
    abstract = (f"Kết quả công tác tiếp nhận, xác minh, bảo vệ và hỗ trợ nạn nhân bị mua bán {_kind_title(report)} "
                f"({report.period_label}), {where}")
    context = {
        **official_context(
            agency=report.agency, document_type=DocumentType.REPORT,
            number_symbol=run.number_symbol or f"      /BC-{report.agency.code}",
            day=run.signed_on or timezone.localdate(), abstract=abstract,
            signing_authority=SigningAuthority.ON_BEHALF if run.signer_name else SigningAuthority.HEAD,
            head_title="CỤC TRƯỞNG" if report.national else "GIÁM ĐỐC", signer_name=run.signer_name,
            recipients=["Bộ Y tế (Cục Phòng, chống tệ nạn xã hội)" if not report.national else "Ban Chỉ đạo 138/CP",
                        "Lưu: VT"],
            names_victim=False,
        ),
        "report": report, "run": run, "tables": tables, "charts": charts, "sections": sections,
        "draft": not run.frozen and not report.national,
    }
    if report.national:  # the ministry's parent body, not the province it sits in
        context["parent_body"] = "BỘ Y TẾ"
    return context


def report_pdf_bytes(run: ReportRun) -> bytes:
    return render_pdf("reporting/reports/report_pdf.html", report_context(run))


def _sheet_title(title: str, used: set) -> str:
    from .exports import _sheet_title as title_of

    return title_of(title, used)


def report_xlsx_bytes(run: ReportRun) -> bytes:
    """One sheet per table: the cells as published (a suppressed figure as "<5" or "x", never its value)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set = set()
    for table in run.snapshot.get("tables", []):
        sheet = workbook.create_sheet(_sheet_title(table["title"], used))
        sheet.append([table["title"]] + [c["label"] for c in table["columns"]])
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table["rows"] + ([table["total"]] if table.get("total") else []):
            cells = []
            for column, (text, hidden) in zip(table["columns"], row["cells"], strict=True):
                value = row["values"].get(column["key"])
                cells.append(text if hidden or value is None else value)
            sheet.append([row["label"], *cells])
        sheet.column_dimensions["A"].width = 45
        sheet.append([])
        sheet.append([table["counts_label"]])
        if table["note"]:
            sheet.append([table["note"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Storing a run: temporary name, then moved into place
# ---------------------------------------------------------------------------------------------

def run_directory(run: ReportRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "reports" / str(run.report_id)


def _inject_fault() -> None:
    """A real failure, for the crash test: raise once while the temporary file is half-written.
    The next attempt overwrites the partial file and moves it into place."""
    path = getattr(settings, "REPORTS_RENDER_FAULT_FILE", "")
    if path and os.path.exists(path):
        os.remove(path)
        raise RenderFault("Lỗi giả lập khi đang tạo tệp (REPORTS_RENDER_FAULT_FILE)")


def _write(final: Path, content: bytes, *, fault: bool = False) -> None:
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    with open(partial, "wb") as handle:
        half = len(content) // 2
        handle.write(content[:half])
        handle.flush()
        if fault:
            _inject_fault()  # as a killed worker would, it leaves the partial file behind
        handle.write(content[half:])
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, final)


def _claim(run_id: int) -> ReportRun | None:
    """Mark the run rendering; None when there is nothing to do (done, or a frozen run already has files)."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).order_by().first()
        if run is None or run.status == RunStatus.DONE:
            return None
        # QUEUED, FAILED (a retry) or RENDERING (a redelivered task whose worker died): render again.
        run.status, run.started_at, run.error = RunStatus.RENDERING, timezone.now(), ""
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "error", "attempts"])
    return ReportRun.objects.select_related(
        "report__report_type", "report__province", "report__agency__jurisdiction__parent",
    ).get(pk=run_id)


def run_render(run_id: int) -> ReportRun | None:
    """Render a run's PDF and XLSX and move them into place; raise on failure (after recording it),
    so the task retries. Running it again on a done run does nothing."""
    run = _claim(run_id)
    if run is None:
        return None
    if not run.frozen:  # a draft shows the figures as they are when it is rendered
        report = run.report
        run.snapshot = snapshot(province_geography(report.province), report.period_start, report.period_end,
                                report.report_type.table_keys or None)
        ReportRun.objects.filter(pk=run.pk).update(snapshot=run.snapshot)
    directory = run_directory(run)
    directory.mkdir(parents=True, exist_ok=True)
    names = {"pdf": f"r{run.revision}-{run.pk}.pdf", "xlsx": f"r{run.revision}-{run.pk}.xlsx"}
    try:
        pdf = report_pdf_bytes(run)
        xlsx = report_xlsx_bytes(run)
        _write(directory / names["pdf"], pdf, fault=True)
        _write(directory / names["xlsx"], xlsx)
    except Exception as error:
        logger.exception("Report run %s: rendering failed", run_id)
        ReportRun.objects.filter(pk=run_id, status=RunStatus.RENDERING).update(
            status=RunStatus.FAILED, error=str(error)[:500], finished_at=timezone.now())
        raise
    relative = {k: str((directory / v).relative_to(settings.MEDIA_ROOT)) for k, v in names.items()}
    with transaction.atomic():
        locked = ReportRun.objects.select_for_update().get(pk=run_id)
        locked.status, locked.error, locked.finished_at = RunStatus.DONE, "", timezone.now()
        locked.pdf, locked.xlsx = relative["pdf"], relative["xlsx"]
        locked.save(update_fields=["status", "error", "finished_at", "pdf", "xlsx"])
    return locked


def run_file_path(run: ReportRun, fmt: str) -> Path | None:
    name = run.pdf if fmt == "pdf" else run.xlsx if fmt == "xlsx" else ""
    if run.status != RunStatus.DONE or not name:
        return None
    path = Path(settings.MEDIA_ROOT) / name
    return path if path.is_file() else None
