"""The de-identified dataset's page and downloads (reporting.deidentified): for the ministry."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from victims.models import Person
from victims.readmodel import log_request_reads

from . import deidentified
from .forms import StatisticsFilterForm


def _reader_required(view):
    """The dataset's readers only (403 before anything else, as `requires` on the other pages)."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not deidentified.may_read(getattr(request, "actor", None)):
            raise PermissionDenied(_("Your role does not allow this."))
        return view(request, *args, **kwargs)

    return check


def _filters(request):
    geography = deidentified.require_reader(request.actor)
    form = StatisticsFilterForm(request.GET or None, geography=geography)
    filters, period = form.filters()
    return geography, form, filters, period


@login_required
@_reader_required
@require_GET
def page(request):
    geography, form, filters, period = _filters(request)
    return render(request, "reporting/deidentified.html", {
        "form": form, "geography": geography, "period": period, "query": request.GET.urlencode(),
        "k": deidentified.k_threshold(), "standard": deidentified.STANDARD, "columns": deidentified.columns(),
    })


@login_required
@_reader_required
@require_GET
def download(request, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    _geography, _form, filters, _period = _filters(request)
    data = deidentified.dataset(request.actor, filters)
    # The access log names the persons whose rows the file carries (ids stay in the log, not the file).
    log_request_reads(request, [Person(pk=pk) for pk in data.person_ids], deidentified.LOG_DOWNLOAD)
    if fmt == "xlsx":
        response = HttpResponse(deidentified.dataset_xlsx(data),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(deidentified.dataset_csv(data), content_type="text/csv; charset=utf-8")
    stamp = f"{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="du-lieu-phi-dinh-danh-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
