"""Pages of imports: thin views over imports.services, for the acting agency only (404 otherwise)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Action

from . import services
from .forms import PlacesForm, UploadForm
from .models import ImportStatus
from .workbook import build_template, template_kinds

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 100


def importer(view):
    """Signed in, and the acting role imports registers (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = getattr(request, "actor", None)
        if actor is None or not actor.can(Action.RECORDS_IMPORT):
            raise PermissionDenied(_("Your role does not allow this."))
        return view(request, *args, **kwargs)

    return wrapper


def _list(request, form, status=200):
    page = Paginator(services.batches_for(request.actor), 25).get_page(request.GET.get("page"))
    return render(request, "imports/import_list.html", {
        "form": form, "page": page, "kinds": template_kinds(),
    }, status=status)


@importer
@require_GET
def import_list(request):
    return _list(request, UploadForm())


@importer
@require_POST
def import_upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list(request, form, status=400)
    try:
        batch = services.import_upload(user=request.user, agency=request.actor.agency, file=form.cleaned_data["file"])
    except ValidationError as error:
        for message in error.message_dict.get("file", error.messages):
            form.add_error("file", message)
        return _list(request, form, status=400)
    return redirect("imports:detail", pk=batch.pk)


@importer
@require_GET
def template_download(request, kind: str = ""):
    kinds = template_kinds(kind or None)
    if not kinds:
        raise Http404("No such template.")
    name = f"mau-nhap-{kind or 'so-dang-ky'}.xlsx"
    response = HttpResponse(build_template(kinds), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@importer
@require_GET
def import_detail(request, pk):
    batch = services.batch_get(request.actor, pk)
    errors = Paginator(_in_file_order(batch.errors), ERRORS_PER_PAGE).get_page(request.GET.get("errors"))
    return render(request, "imports/import_detail.html", {
        "batch": batch, "errors": errors, "summary": _summary(batch),
        "places_form": PlacesForm(ambiguities=batch.ambiguities) if batch.ambiguities else None,
        "blockers": services.undo_blockers(batch) if batch.status == ImportStatus.IMPORTED else [],
        "nothing_new": _nothing_new(batch),
        "same_file": services.batches_for(request.actor).filter(
            file_sha256=batch.file_sha256, status=ImportStatus.IMPORTED).exclude(pk=batch.pk).first(),
    })


@importer
@require_GET
def import_progress(request, pk):
    batch = services.batch_get(request.actor, pk)
    return JsonResponse({
        "status": batch.status, "status_label": batch.get_status_display(), "done": batch.rows_done,
        "total": batch.rows_total, "percent": batch.progress_percent, "running": batch.is_running,
    })


@importer
@require_POST
def import_pick_places(request, pk):
    batch = services.batch_get(request.actor, pk)
    form = PlacesForm(request.POST, ambiguities=batch.ambiguities)
    if not form.is_valid():
        messages.error(request, _("Pick the current unit of every place listed."))
        return redirect("imports:detail", pk=batch.pk)
    return _act(request, batch, services.import_pick_places, picks=form.picks())


@importer
@require_POST
def import_confirm(request, pk):
    return _act(request, services.batch_get(request.actor, pk), services.import_confirm)


@importer
@require_POST
def import_undo(request, pk):
    return _act(request, services.batch_get(request.actor, pk), services.import_undo,
                success=_("The import was undone: the records it created were removed."))


def _act(request, batch, service, success: str = "", **fields):
    """A button of the import page: the service decides; a refusal is shown as a message."""
    try:
        service(actor=request.actor, batch=batch, **fields)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if success:
            messages.success(request, success)
    return redirect("imports:detail", pk=batch.pk)


def _in_file_order(errors: list[dict]) -> list[dict]:
    """Errors sheet by sheet (the template's order), row by row: the check records them as the
    rows finish (children after their reception), which read as a jumble against the file."""
    sheets = {str(kind.title): index for index, kind in enumerate(template_kinds())}
    return sorted(errors, key=lambda error: (sheets.get(str(error.get("sheet")), len(sheets)), error.get("row") or 0))


def _summary(batch) -> list[dict]:
    rows = []
    for kind in template_kinds():
        counts = batch.counts.get(kind.code) or {}
        if counts:
            rows.append({"title": kind.title, "create": counts.get("create", 0), "update": counts.get("update", 0),
                         "unchanged": counts.get("unchanged", 0), "error": counts.get("error", 0)})
    return rows


def _nothing_new(batch) -> bool:
    counts = [batch.counts.get(kind.code) or {} for kind in template_kinds()]
    return (batch.status in (ImportStatus.VALIDATED, ImportStatus.IMPORTED) and any(counts)
            and not any(c.get("create") or c.get("update") for c in counts))
