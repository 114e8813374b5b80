"""Statistics dashboards, their downloads, the cases behind a figure, and the activities register."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.formviews import submit
from accounts.roles import Action
from accounts.web import require_action, requires
from victims.models import Case
from victims.readmodel import log_request_reads, person_name

from . import activities, deidentified, services
from .exports import dashboard_csv, dashboard_xlsx
from .forms import ActivityForm, StatisticsFilterForm
from .scope import NATIONAL, scoped_rows, statistics_geography
from .statistics import dashboard, threshold

LOG_CASES = "statistics.cases"
PAGE_SIZE = 50
# Tables whose rows are receptions of one kind: a figure there links to its cases (case-level actors).
LINKABLE = {
    "agency_type": "receiving_agency__type__code", "channel": "reception_channel", "province": "geo_province",
    "agency": "receiving_agency_id", "commune": "geo_commune", "destination": "destination_country",
}


def _board(request):
    geography = statistics_geography(request.actor)
    form = StatisticsFilterForm(request.GET or None, geography=geography)
    filters, period = form.filters()
    board = dashboard(request.actor, geography, filters)
    return geography, form, filters, period, board


def _link_rows(request, board):
    if not board.case_level:
        return
    query = request.GET.copy()
    for table in board.tables:
        if table.key not in LINKABLE:
            continue
        for row in table.rows:
            query["table"], query["key"] = table.key, row.key
            row.link = reverse("reporting:cases") + "?" + query.urlencode()


def _title(geography, period) -> str:
    return _("Statistics: %(where)s, %(period)s") % {"where": geography.label, "period": period.label}


@requires(Action.STATISTICS_VIEW)
@require_GET
def dashboard_view(request):
    geography, form, filters, period, board = _board(request)
    _link_rows(request, board)
    charts = [t.chart_data() for t in board.tables if t.chart_shown]
    query = request.GET.urlencode()
    return render(request, "reporting/dashboard.html", {
        "form": form, "board": board, "geography": geography, "period": period, "charts": charts,
        "title": _title(geography, period), "query": query,
        "can_export": request.actor.can(Action.REPORT_EXPORT),
        "national": geography.level == NATIONAL, "board_threshold": threshold(),
        "can_dataset": deidentified.may_read(request.actor),
    })


@requires(Action.REPORT_EXPORT)
@require_GET
def download(request, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    geography, form, filters, period, board = _board(request)
    title = _title(geography, period)
    stamp = f"{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(
            dashboard_xlsx(board, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(dashboard_csv(board), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="thong-ke-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(Action.STATISTICS_VIEW)
def cases_behind(request):
    """The cases behind a figure: only the actor's own visible cases, and only when every case behind
    the dashboard is visible to them (otherwise the figures are suppressed and do not link)."""
    require_action(request, Action.CASE_VIEW)
    geography, form, filters, period, board = _board(request)
    table, key = request.GET.get("table", ""), request.GET.get("key", "")
    if not board.case_level:
        raise PermissionDenied(_("Your role does not allow this."))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    receptions = scoped_rows(geography, filters).receptions
    if table in LINKABLE:
        receptions = receptions.filter(**{LINKABLE[table]: key or None}) if key else receptions.filter(
            Q(**{f"{LINKABLE[table]}__isnull": True}) | Q(**{LINKABLE[table]: ""}))
    elif table:
        raise Http404
    cases = (Case.objects.visible_to(request.actor, Action.CASE_VIEW).with_identity_flag(request.actor)
             .filter(pk__in=receptions.values("pk"))
             .select_related("person", "receiving_agency").order_by("-received_on", "-pk"))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    log_request_reads(request, rows, LOG_CASES)
    back = request.GET.copy()
    for name in ("table", "key", "page"):
        back.pop(name, None)
    return render(request, "reporting/cases.html", {
        "rows": [{"case": c, "name": person_name(c.person, c.identity_visible)} for c in rows], "page": page,
        "period": period, "back": reverse("reporting:dashboard") + "?" + back.urlencode() + f"#table-{table}",
    })


# ---------------------------------------------------------------------------------------------
# Programme activities
# ---------------------------------------------------------------------------------------------

def _may_list(request):
    if not activities.may_list(request.actor):
        raise PermissionDenied(_("Your role does not allow this."))


@login_required
def activity_list(request):
    _may_list(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    page = Paginator(activities.activity_list(request.actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reporting/activity_list.html", {
        "page": page, "activities": list(page.object_list),
        "can_record": request.actor.can(Action.ACTIVITY_RECORD), "agency_id": request.actor.agency_id,
    })


@requires(Action.ACTIVITY_RECORD)
@require_http_methods(["GET", "POST"])
def activity_create(request):
    form = ActivityForm(request.POST or None)
    if done := submit(request, form, lambda data: services.activity_create(actor=request.actor, **_values(data)),
                      success=_("The activity has been recorded."), then=lambda _a: redirect("reporting:activity_list")):
        return done
    return render(request, "reporting/activity_form.html", {"form": form, "title": _("Record an activity")})


@requires(Action.ACTIVITY_RECORD)
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = activities.activity_editable(request.actor).filter(pk=pk).first()
    if activity is None:
        raise Http404
    form = ActivityForm(request.POST or None, initial={
        name: getattr(activity, name) for name in services.ACTIVITY_FIELDS})
    if done := submit(request, form, lambda data: services.activity_update(
            actor=request.actor, activity=activity, **_values(data)),
            success=_("The activity has been updated."), then=lambda _a: redirect("reporting:activity_edit", pk=pk)):
        return done
    events = apps.get_model("reporting", "ProgrammeActivityEvent").objects.filter(
        pgh_obj_id=activity.pk).order_by("-pgh_created_at", "-pgh_id")
    if request.method == "POST" and not form.is_valid():
        messages.error(request, _("Check the fields marked below."))
    return render(request, "reporting/activity_form.html", {
        "form": form, "activity": activity, "events": list(events), "title": _("Edit the activity"),
    })


def _values(data: dict) -> dict:
    return {name: value for name, value in data.items() if name != "form_token"}
