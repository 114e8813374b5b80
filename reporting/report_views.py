"""Pages of the periodic reports: thin views over report_selectors (reads) and report_services
(writes), every one through the actor. Out-of-scope reports answer 404; a role without reports 403."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.formviews import apply_service_errors, claim_form_token
from accounts.roles import Action

from . import report_selectors as selectors
from . import report_services as services
from .report_forms import NarrativeForm, PeriodForm, ReviewForm, SubmitForm
from .report_models import ReportRun, ReportStatus, ReportType
from .report_render import run_file_path

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reports_role(view):
    """Signed in, and the acting role prepares or reviews reports (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = getattr(request, "actor", None)
        if actor is None or not any(actor.can(a) for a in selectors.REPORT_ACTIONS):
            raise PermissionDenied(_("Your role does not allow this."))
        return view(request, *args, **kwargs)

    return wrapper


def _refused(request, error: ValidationError, report):
    messages.error(request, " ".join(error.messages))
    return redirect("reporting:report_detail", pk=report.pk)


@reports_role
@require_GET
def report_list(request):
    actor = request.actor
    context = {"reports": selectors.report_list(actor).exclude(province__isnull=True)[:200],
               "ministry": selectors.is_ministry(actor)}
    if context["ministry"]:
        choices = selectors.period_choices(actor)
        form = PeriodForm(request.GET or None)
        chosen = None
        if form.is_bound and form.is_valid():
            report_type = ReportType.objects.filter(pk=form.cleaned_data["report_type"]).first()
            if report_type is None:
                raise Http404("No report type matches the given query.")
            chosen = (report_type, form.cleaned_data["start"], form.cleaned_data["end"])
        elif form.is_bound:
            raise Http404("No period matches the given query.")
        elif choices:
            chosen = choices[0]
        context["choices"] = choices
        context["overview"] = selectors.period_overview(actor, *chosen) if chosen else None
    return render(request, "reporting/reports/report_list.html", context)


def _detail(request, report, *, narrative_form=None, review_form=None, status=200):
    actor = request.actor
    page = selectors.report_page(actor, report)
    own = not report.national and selectors.report_province_of(actor) == report.province_id
    return render(request, "reporting/reports/report_detail.html", {
        "page": page, "report": report,
        "can_prepare": own and actor.can(Action.REPORT_PREPARE) and report.status == ReportStatus.DRAFT,
        "can_submit": own and actor.can(Action.REPORT_SUBMIT),
        "can_review": selectors.is_ministry(actor) and not report.national and report.status == ReportStatus.SUBMITTED,
        "can_retry": (own and actor.can(Action.REPORT_PREPARE)) or (report.national and selectors.is_ministry(actor)),
        "narrative_form": narrative_form or NarrativeForm(sections=page.narrative_sections),
        "review_form": review_form or ReviewForm(), "submit_form": SubmitForm(),
        "refresh": any(run.in_progress for run in page.runs),
    }, status=status)


@reports_role
@require_GET
def report_detail(request, pk):
    return _detail(request, selectors.report_get(request.actor, pk))


@reports_role
@require_POST
def report_narrative(request, pk):
    report = selectors.report_get(request.actor, pk)
    page = selectors.report_page(request.actor, report)
    form = NarrativeForm(request.POST, sections=page.narrative_sections)
    if form.is_valid():
        try:
            services.report_save_narrative(actor=request.actor, report=report, texts=form.texts())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The narrative has been saved."))
            return redirect("reporting:report_detail", pk=report.pk)
    return _detail(request, report, narrative_form=form, status=400)


@reports_role
@require_POST
def report_regenerate(request, pk):
    report = selectors.report_get(request.actor, pk)
    try:
        services.report_regenerate(actor=request.actor, report=report)
    except ValidationError as error:
        return _refused(request, error, report)
    messages.success(request, _("The draft is being rendered again from the current figures."))
    return redirect("reporting:report_detail", pk=report.pk)


@reports_role
@require_POST
def report_submit(request, pk):
    report = selectors.report_get(request.actor, pk)
    form = SubmitForm(request.POST)
    if form.is_valid() and not claim_form_token(form.cleaned_data.get("form_token", "")):
        messages.info(request, _("This form was already sent; it was saved once."))
        return redirect("reporting:report_detail", pk=report.pk)
    try:
        services.report_submit(actor=request.actor, report=report)
    except ValidationError as error:
        return _refused(request, error, report)
    messages.success(request, _("The report has been signed and submitted to the ministry."))
    return redirect("reporting:report_detail", pk=report.pk)


@reports_role
@require_POST
def report_revision(request, pk):
    report = selectors.report_get(request.actor, pk)
    try:
        services.report_submit_revision(actor=request.actor, report=report)
    except ValidationError as error:
        return _refused(request, error, report)
    messages.success(request, _("A new revision with the current figures has been submitted."))
    return redirect("reporting:report_detail", pk=report.pk)


@reports_role
@require_POST
def report_review(request, pk):
    report = selectors.report_get(request.actor, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        if not claim_form_token(form.cleaned_data.get("form_token", "")):
            messages.info(request, _("This form was already sent; it was saved once."))
            return redirect("reporting:report_detail", pk=report.pk)
        try:
            services.report_review(actor=request.actor, report=report, decision=form.cleaned_data["decision"],
                                   comment=form.cleaned_data["comment"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, report)
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report has been accepted.") if form.cleaned_data["decision"] == "accept"
                             else _("The report has been returned to the province."))
            return redirect("reporting:report_detail", pk=report.pk)
    return _detail(request, report, review_form=form, status=400)


@reports_role
@require_POST
def run_retry(request, pk):
    run = selectors.run_get(request.actor, pk)
    try:
        services.run_retry(actor=request.actor, run=run)
    except ValidationError as error:
        return _refused(request, error, run.report)
    messages.success(request, _("The rendering has been queued again."))
    return redirect("reporting:report_detail", pk=run.report_id)


@reports_role
@require_GET
def run_download(request, pk, fmt):
    run: ReportRun = selectors.run_get(request.actor, pk)
    path = run_file_path(run, fmt)
    if path is None:
        raise Http404("No file matches the given query.")
    report = run.report
    unit = report.province.code if report.province_id else "toan-quoc"
    name = f"bao-cao-{report.report_type.code}-{unit}-{report.period_end:%Y%m%d}-r{run.revision}.{fmt}"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name,
                        content_type="application/pdf" if fmt == "pdf" else XLSX)


@reports_role
@require_GET
def report_compare(request, pk):
    report = selectors.report_get(request.actor, pk)
    return render(request, "reporting/reports/report_compare.html", {
        "report": report, "compare": selectors.revisions_side_by_side(report)})


@reports_role
@require_POST
def national_build(request):
    if not selectors.is_ministry(request.actor):
        raise PermissionDenied(_("Your role does not allow this."))
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a report type and a period."))
        return redirect("reporting:report_list")
    report_type = ReportType.objects.filter(pk=form.cleaned_data["report_type"]).first()
    if report_type is None:
        raise Http404("No report type matches the given query.")
    report = services.national_build(actor=request.actor, report_type=report_type,
                                     start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    messages.success(request, _("The national report is being rendered."))
    return redirect("reporting:report_detail", pk=report.pk)
