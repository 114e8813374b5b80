
"""Pages of the facilities app (thin: selectors read, services write, forms parse).

Pages of a kind the user's roles never allow answer 403; an object outside the user's scope (or a
facility reached only through a case, for anything but reading it) answers 404.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.formviews import submit
from accounts.models import AdministrativeUnit
from accounts.roles import Action
from accounts.web import acting_agency_or_none, require_action
from config import private_filters
from victims.models import Case
from victims.readmodel import log_request_reads, person_name

from . import forms, policy, selectors, services
from .case_lookup import find_cases, resolve_case
from .choices import (
    ApplicationStatus,
    FacilityStatus,
    FacilityType,
    FollowUpStatus,
    LicenceStatus,
    Service,
)
from .models import Facility, LicenceApplication, Stay

PAGE_SIZE = 25
GET_POST = require_http_methods(["GET", "POST"])


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _log_reads(request, stays, action: str) -> None:
    """Residents shown (by name or masked): one access-log row per case (ids only), one INSERT."""
    log_request_reads(request, list({stay.case_id: stay.case for stay in stays}.values()), action)


def case_url(case: Case) -> str | None:
    """The case page of the victims app, when it exists."""
    for name in ("victims:case_detail", "victims:case"):
        try:
            return reverse(name, args=[case.pk])
        except NoReverseMatch:
            continue
    return None


def _calling(service, **kwargs):
    """The `write` of `submit` for a service that takes the form's fields as they are."""
    return lambda data: service(**kwargs, **data)


def _form_page(request, template, **context):
    return render(request, f"facilities/{template}", context)


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def facility_list(request):
    require_action(request, Action.FACILITY_VIEW)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # NUL: PostgreSQL refuses it
    type_ = request.GET.get("type", "")
    status = request.GET.get("status", "")
    province = request.GET.get("province", "")
    facilities = selectors.facility_list(
        user=request.user, q=q, type=type_ if type_ in FacilityType.values else None,
        status=status if status in FacilityStatus.values else None,
        province=int(province) if province.isdigit() else None,
    )
    page = _page(request, facilities)
    return render(request, "facilities/facility_list.html", {
        "page": page, "q": q, "type": type_, "status": status, "province": province,
        "types": FacilityType.choices, "statuses": FacilityStatus.choices,
        "provinces": AdministrativeUnit.objects.current().provinces().filter(
            pk__in=Facility.objects.visible_to(request.user, Action.FACILITY_VIEW).values("province_id")
        ).order_by("name_folded"),
        "can_create": services.owner_agencies_for(request.user).exists(),
    })


@login_required
@GET_POST
def facility_create(request):
    owners = services.owner_agencies_for(request.user)
    if not owners.exists():
        raise PermissionDenied
    form = forms.FacilityForm(request.POST or None, owner_agencies=owners)
    if done := submit(request, form, _calling(services.facility_create, user=request.user),
                      success=_("The facility has been registered."), then=lambda facility: redirect("facilities:detail", pk=facility.pk)):
        return done
    return _form_page(request, "facility_form.html", form=form, title=_("Register a facility"))


@login_required
@GET_POST
def facility_edit(request, pk):
    facility = selectors.facility_get(user=request.user, pk=pk, action=Action.FACILITY_MANAGE)
    owners = services.owner_agencies_for(request.user, include=facility.owner_agency_id)
    form = forms.FacilityForm(request.POST or None, instance=facility, owner_agencies=owners)
    if done := submit(request, form, _calling(services.facility_update, user=request.user, facility=facility),
                      success=_("The facility has been updated."), then=lambda result: redirect("facilities:detail", pk=facility.pk)):
        return done
    return _form_page(request, "facility_form.html", form=form, facility=facility, title=_("Edit the facility"))


@login_required
@require_GET
def communes(request):
    """<option>s of the communes of a province, for the facility form (htmx)."""
    require_action(request, Action.FACILITY_MANAGE)
    province = request.GET.get("province", "")
    units = AdministrativeUnit.objects.none()
    if province.isdigit():
        units = AdministrativeUnit.objects.current().communes().filter(parent_id=province).order_by("name_folded")
    options = mark_safe('<option value="">---------</option>') + format_html_join(  # noqa: S308 (a constant)
        "", '<option value="{}">{}</option>', ((u.pk, u.name) for u in units)
    )
    return HttpResponse(options)


@login_required
@require_GET
def facility_detail(request, pk):
    user = request.user
    facility = selectors.facility_get(user=user, pk=pk)
    today = timezone.localdate()
    context = {"facility": facility, "today": today}
    # Residents the user may see: all of them for the facility and the department, only the ones of
    # their own cases for an agency that reaches the facility through a case.
    residents = list(selectors.stay_list(user=user, facility=facility, state="current"))
    if facility.full_access:
        occupied = selectors.occupied_beds(facility)
        capacity = selectors.capacity_on(facility, today)
        context.update({
            "licence": selectors.valid_licence(facility, today) if facility.requires_licence else None,
            "capacity": capacity, "occupied": occupied, "free": max(capacity - occupied, 0),
            "scope": selectors.service_scope(facility, today),
            "licences": facility.licences.order_by("-issued_on", "-pk"),
            "applications": facility.licence_applications.order_by("-submitted_on", "-pk"),
            "inspections": selectors.inspection_list(user=user, facility=facility)[:10],
        })
    for stay in residents:
        stay.display_name = selectors.resident_name(stay)
    _log_reads(request, residents, "facility.residents")
    context.update({
        "residents": residents,
        "can_manage": selectors.can(user, Action.FACILITY_MANAGE, facility),
        "can_admit": selectors.can(user, Action.STAY_MANAGE, facility),
        "can_license": selectors.can(user, Action.FACILITY_LICENSE, facility),
        "can_inspect": selectors.can(user, Action.FACILITY_INSPECT, facility),
    })
    context["can_apply"] = facility.requires_licence and (context["can_manage"] or context["can_license"])
    return render(request, "facilities/facility_detail.html", context)


# ---------------------------------------------------------------------------------------------
# Stays
# ---------------------------------------------------------------------------------------------

def _person_choices(user, case: Case) -> list[tuple[int, str]]:
    identity = Case.objects.visible_to(user, Action.CASE_VIEW_IDENTITY).filter(pk=case.pk).exists()
    choices = []
    for person, is_child in selectors.admissible_persons(case):
        name = person_name(person, identity)
        role = _("child") if is_child else _("victim")
        birth = f", {person.birth_display}" if identity and person.birth_display else ""
        choices.append((person.pk, f"{name} ({role}{birth})"))
    return choices


@login_required
@require_GET
def stay_admit_cases(request, pk):
    """Search-as-you-type for the admission form: cases in the user's scope (htmx fragment)."""
    selectors.facility_get(user=request.user, pk=pk, action=Action.STAY_MANAGE)
    typed = request.GET.get("case_number", "")
    return render(request, "facilities/_case_suggestions.html", {
        "cases": find_cases(request.user, typed), "typed": typed.strip(), "facility_pk": pk,
    })


@login_required
@GET_POST
def stay_admit(request, pk):
    """Admission in two steps: find the case by its number, then choose who is admitted."""
    user = request.user
    facility = selectors.facility_get(user=user, pk=pk, action=Action.STAY_MANAGE)
    today = timezone.localdate()
    lookup = forms.CaseLookupForm(request.GET or None)
    case = None
    if lookup.is_bound and lookup.is_valid():
        case = resolve_case(Case.objects.visible_to(user, Action.CASE_VIEW).select_related("person"),
                            lookup.cleaned_data["case_number"])
        if case is None:
            lookup.add_error("case_number", _("No case with this number that you may see."))
    form = None
    if case is not None:
        scope = selectors.service_scope(facility, today) or frozenset()
        form = forms.AdmissionForm(request.POST or None, persons=_person_choices(user, case), services=scope,
                                   initial={"persons": [p.pk for p, _child in selectors.admissible_persons(case)]})
        if done := submit(request, form, lambda data: services.stay_admit(
                user=user, facility=facility, case=case, persons=data["persons"],
                admitted_on=data["admitted_on"], admission_reason=data["admission_reason"],
                services=data["services"], room=data["room"], bed=data["bed"],
            ), success=lambda stays: _("Admitted: %(count)s person(s).") % {"count": len(stays)},
                then=lambda stays: redirect("facilities:stay", pk=stays[0].pk)):
            return done
    elif request.method == "POST":
        raise Http404
    occupied = selectors.occupied_beds(facility)
    capacity = selectors.capacity_on(facility, today)
    return render(request, "facilities/stay_admit.html", {
        "facility": facility, "lookup": lookup, "case": case, "form": form,
        "free": max(capacity - occupied, 0), "max_stay_days": policy.max_stay_days(today),
        "policy_code": policy.policy_code(today),
    })


@login_required
@require_http_methods(["GET", "POST"])
def stay_list(request):
    require_action(request, Action.FACILITY_VIEW)
    params = private_filters.params(request, "facilities:stays")  # a resident's name never in the URL
    if isinstance(params, HttpResponse):
        return params
    state = params.get("state", "current")
    state = state if state in ("current", "discharged", "all") else "current"
    q = params.get("q", "").replace("\x00", "").strip()[:100]
    facility_id = params.get("facility", "")
    facilities = Facility.objects.visible_to(request.user, Action.FACILITY_VIEW).order_by("name_folded")
    facility = facilities.filter(pk=facility_id).first() if facility_id.isdigit() else None
    page = _page(request, selectors.stay_list(user=request.user, facility=facility, state=state, q=q))
    for stay in page:
        stay.display_name = selectors.resident_name(stay)
    _log_reads(request, page, "stay.list")
    return render(request, "facilities/stay_list.html", {
        "page": page, "state": state, "q": q, "facility": facility, "facilities": facilities,
        "today": timezone.localdate(),
    })


@login_required
@require_GET
def stay_warnings(request):
    """Stays near or past the maximum of the policy in force: the list to act on."""
    require_action(request, Action.FACILITY_VIEW)
    today = timezone.localdate()
    page = _page(request, selectors.stays_near_limit(user=request.user, today=today))
    for stay in page:
        stay.display_name = selectors.resident_name(stay)
        stay.left = stay.days_left(today)
        stay.overdue_by = -stay.left
    _log_reads(request, page, "stay.list")
    return render(request, "facilities/stay_warnings.html", {
        "page": page, "today": today, "near_days": policy.NEAR_LIMIT_DAYS,
        "extendable": _ids(Facility.objects.visible_to(request.user, Action.STAY_EXTEND)),
    })


@login_required
@require_GET
def stay_detail(request, pk):
    user = request.user
    stay = selectors.stay_get(user=user, pk=pk)
    stay.display_name = selectors.resident_name(stay)
    companions = list(selectors.stay_list(user=user, state="all").filter(accompanying=stay))
    for companion in companions:
        companion.display_name = selectors.resident_name(companion)
    log_request_reads(request, [stay.case], "stay.view")
    following = Stay.objects.visible_to(user, Action.FACILITY_VIEW).filter(transferred_from=stay).first()
    return render(request, "facilities/stay_detail.html", {
        "stay": stay, "companions": companions, "today": timezone.localdate(),
        "extensions": stay.extensions.select_related("decided_by", "decided_by_agency"),
        "following": following, "case_url": case_url(stay.case),
        "can_manage": stay.is_current and Stay.objects.visible_to(user, Action.STAY_MANAGE).filter(pk=stay.pk).exists(),
        "can_extend": stay.is_current and not stay.is_child_stay
        and Stay.objects.visible_to(user, Action.STAY_EXTEND).filter(pk=stay.pk).exists(),
        "facility_visible": Facility.objects.visible_to(user, Action.FACILITY_VIEW).filter(pk=stay.facility_id).exists(),
    })


@login_required
@GET_POST
def stay_extend(request, pk):
    stay = selectors.stay_get(user=request.user, pk=pk, action=Action.STAY_EXTEND)
    stay.display_name = selectors.resident_name(stay)
    form = forms.ExtensionForm(request.POST or None)
    if done := submit(request, form, _calling(services.stay_extend, user=request.user, stay=stay, acting_agency=acting_agency_or_none(request)),
                      success=_("The extension has been recorded."), then=lambda result: redirect("facilities:stay", pk=stay.pk)):
        return done
    return _form_page(request, "stay_form.html", form=form, stay=stay, title=_("Extend the stay"),
                      submit=_("Record the extension"))


@login_required
@GET_POST
def stay_discharge(request, pk):
    stay = selectors.stay_get(user=request.user, pk=pk, action=Action.STAY_MANAGE)
    stay.display_name = selectors.resident_name(stay)
    form = forms.DischargeForm(request.POST or None)
    if done := submit(request, form, _calling(services.stay_discharge, user=request.user, stay=stay),
                      success=_("The discharge has been recorded."), then=lambda result: redirect("facilities:stay", pk=stay.pk)):
        return done
    return _form_page(request, "stay_form.html", form=form, stay=stay, title=_("Discharge from the facility"),
                      submit=_("Discharge"), danger=True,
                      confirm=_("Discharge this resident (and the children staying with her)? This cannot be undone."))


def _visible_stay(request, target: Stay, fallback: Stay) -> Stay:
    """The stay at the receiving facility when the user may see it, else the one they came from."""
    if Stay.objects.visible_to(request.user, Action.FACILITY_VIEW).filter(pk=target.pk).exists():
        return target
    return fallback


@login_required
@GET_POST
def stay_transfer(request, pk):
    stay = selectors.stay_get(user=request.user, pk=pk, action=Action.STAY_MANAGE)
    stay.display_name = selectors.resident_name(stay)
    form = forms.TransferForm(request.POST or None, targets=selectors.transfer_targets(user=request.user, stay=stay))
    if done := submit(request, form, _calling(services.stay_transfer, user=request.user, stay=stay),
                      success=_("The transfer has been recorded."),
                      then=lambda new_stays: redirect("facilities:stay", pk=_visible_stay(request, new_stays[0], stay).pk)):
        return done
    return _form_page(request, "stay_form.html", form=form, stay=stay, title=_("Transfer to another facility"),
                      submit=_("Transfer"), danger=True,
                      confirm=_("Transfer this resident (and the children staying with her)? This cannot be undone."))


# ---------------------------------------------------------------------------------------------
# Licensing
# ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def licensing(request):
    require_action(request, Action.FACILITY_VIEW)
    tab = request.GET.get("tab", "applications")
    tab = tab if tab in ("applications", "licences") else "applications"
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    if tab == "applications":
        rows = selectors.application_list(user=request.user, status=status if status in ApplicationStatus.values else None,
                                          overdue=overdue, today=today)
        statuses = ApplicationStatus.choices
    else:
        valid_states = [*LicenceStatus.values, "expired"]
        rows = selectors.licence_list(user=request.user, state=status if status in valid_states else None, today=today)
        statuses = [*LicenceStatus.choices, ("expired", _("Expired"))]
    return render(request, "facilities/licensing.html", {
        "page": _page(request, rows), "tab": tab, "status": status, "overdue": overdue, "statuses": statuses,
        "today": today,
    })


def _licensable_facility(user, pk):
    facilities = (Facility.objects.visible_to(user, Action.FACILITY_MANAGE)
                  | Facility.objects.visible_to(user, Action.FACILITY_LICENSE))
    facility = facilities.filter(pk=pk).select_related("province").first()
    if facility is None:
        raise Http404
    return facility


@login_required
@GET_POST
def licence_apply(request, pk):
    return _application_page(request, _licensable_facility(request.user, pk))


@login_required
@GET_POST
def licence_renew(request, pk):
    licence = selectors.licence_get(user=request.user, pk=pk)
    return _application_page(request, _licensable_facility(request.user, licence.facility_id), licence)


def _application_page(request, facility, licence=None):
    initial = {"applicant": facility.owner_agency.name, "proposed_capacity": facility.beds or None,
               "proposed_services": facility.services}
    if licence is not None:
        initial.update({"proposed_capacity": licence.capacity, "proposed_services": licence.services})
    form = forms.ApplicationForm(request.POST or None, initial=initial)
    if done := submit(request, form, _calling(services.licence_apply, user=request.user, facility=facility,
                                              previous_licence=licence),
                      success=_("The application has been recorded."),
                      then=lambda application: _after_application(request, application, facility)):
        return done
    title = _("Apply for the renewal of licence %(number)s") % {"number": licence.number} if licence else _(
        "Apply for a licence")
    return _form_page(request, "licence_form.html", form=form, facility=facility, title=title,
                      submit=_("Record the application"))


def _after_application(request, application, facility):
    if LicenceApplication.objects.visible_to(request.user, Action.FACILITY_VIEW).filter(pk=application.pk).exists():
        return redirect("facilities:application", pk=application.pk)
    return redirect("facilities:detail", pk=facility.pk)


@login_required
@require_GET
def application_detail(request, pk):
    application = selectors.application_get(user=request.user, pk=pk)
    can_license = selectors.can(request.user, Action.FACILITY_LICENSE, application.facility)
    today = timezone.localdate()
    return render(request, "facilities/application_detail.html", {
        "application": application, "facility": application.facility, "today": today,
        "overdue": application.is_overdue(today), "overdue_days": application.working_days_overdue(today),
        "can_appraise": can_license and application.status == ApplicationStatus.SUBMITTED,
        "can_decide": can_license and application.status == ApplicationStatus.APPRAISED,
        "licence": getattr(application, "licence", None) if application.status == ApplicationStatus.GRANTED else None,
        "service_labels": dict(Service.choices),
    })


@login_required
@GET_POST
def application_appraise(request, pk):
    application = selectors.application_get(user=request.user, pk=pk, action=Action.FACILITY_LICENSE)
    form = forms.AppraisalForm(request.POST or None)
    if done := submit(request, form, _calling(services.application_appraise, user=request.user, application=application),
                      success=_("The appraisal has been recorded."), then=lambda result: redirect("facilities:application", pk=application.pk)):
        return done
    return _form_page(request, "licence_form.html", form=form, facility=application.facility,
                      application=application, title=_("Appraisal of the application"),
                      submit=_("Record the appraisal"))


@login_required
@GET_POST
def application_decide(request, pk):
    application = selectors.application_get(user=request.user, pk=pk, action=Action.FACILITY_LICENSE)
    today = timezone.localdate()
    form = forms.DecisionForm(request.POST or None, initial={
        "services": application.proposed_services, "capacity": application.proposed_capacity,
        "valid_until": services.add_years(today, policy.LICENCE_MAX_YEARS) - datetime.timedelta(days=1),
    })
    if done := submit(request, form, lambda data: services.application_decide(
            user=request.user, application=application, decided_on=data["decided_on"], granted=data["granted"],
            decision_number=data["decision_number"], decision_signer=data["decision_signer"], note=data["note"],
            licence_number=data["licence_number"], valid_until=data["valid_until"],
            services=data["services"] or None, capacity=data["capacity"],
    ), success=_("The decision has been recorded."), then=lambda result: redirect("facilities:application", pk=application.pk)):
        return done
    return _form_page(request, "licence_form.html", form=form, facility=application.facility,
                      application=application, title=_("Decision of the provincial chairman"),
                      submit=_("Record the decision"))


@login_required
@require_GET
def licence_detail(request, pk):
    licence = selectors.licence_get(user=request.user, pk=pk)
    can_license = selectors.can(request.user, Action.FACILITY_LICENSE, licence.facility)
    can_manage = selectors.can(request.user, Action.FACILITY_MANAGE, licence.facility)
    return render(request, "facilities/licence_detail.html", {
        "licence": licence, "facility": licence.facility,
        "changes": licence.status_changes.select_related("recorded_by"),
        "can_suspend": can_license and licence.status == LicenceStatus.ACTIVE,
        "can_reinstate": can_license and licence.status == LicenceStatus.SUSPENDED,
        "can_revoke": can_license and licence.status in (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED),
        "can_renew": (can_license or can_manage) and licence.status in (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED),
        "service_labels": dict(Service.choices),
    })


LICENCE_CHANGE_PAGES = {
    "suspend": (_("Suspend the licence"), _("Suspend"), None),
    "reinstate": (_("Lift the suspension"), _("Lift the suspension"), None),
    "revoke": (_("Revoke the licence"), _("Revoke"),
               _("Revoke this licence? The facility will be closed and this cannot be undone.")),
}


@login_required
@GET_POST
def licence_change(request, pk, action):
    licence = selectors.licence_get(user=request.user, pk=pk, action=Action.FACILITY_LICENSE)
    title, submit_label, confirm = LICENCE_CHANGE_PAGES[action]
    form = forms.LicenceChangeForm(request.POST or None)
    if done := submit(request, form, _calling(services.licence_change, user=request.user, licence=licence, action=action),
                      success=_("The licence has been updated."), then=lambda result: redirect("facilities:licence", pk=licence.pk)):
        return done
    return _form_page(request, "licence_form.html", form=form, facility=licence.facility, licence=licence,
                      title=f"{title} {licence.number}", submit=submit_label, confirm=confirm,
                      danger=action != "reinstate")


# ---------------------------------------------------------------------------------------------
# Inspections
# ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def inspection_list(request):
    require_action(request, Action.FACILITY_VIEW)
    follow_up = request.GET.get("follow_up", "")
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    rows = selectors.inspection_list(user=request.user, follow_up=follow_up if follow_up in FollowUpStatus.values else None,
                                     overdue=overdue, today=today)
    return render(request, "facilities/inspection_list.html", {
        "page": _page(request, rows), "follow_up": follow_up, "overdue": overdue,
        "follow_ups": FollowUpStatus.choices, "today": today,
    })


@login_required
@GET_POST
def inspection_create(request, pk):
    facility = selectors.facility_get(user=request.user, pk=pk, action=Action.FACILITY_INSPECT)
    form = forms.InspectionCreateForm(request.POST or None)
    if done := submit(request, form, _calling(services.inspection_create, user=request.user, facility=facility, acting_agency=acting_agency_or_none(request)),
                      success=_("The inspection has been recorded."), then=lambda inspection: redirect("facilities:inspection", pk=inspection.pk)):
        return done
    return _form_page(request, "licence_form.html", form=form, facility=facility,
                      title=_("Record an inspection"), submit=_("Save"), section="inspections")


@login_required
@require_GET
def inspection_detail(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    can_inspect = selectors.can(request.user, Action.FACILITY_INSPECT, inspection.facility)
    return render(request, "facilities/inspection_detail.html", {
        "inspection": inspection, "facility": inspection.facility, "today": timezone.localdate(),
        "can_record": can_inspect and inspection.status == "planned",
        "can_follow_up": can_inspect and inspection.follow_up_status in (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS),
    })


@login_required
@GET_POST
def inspection_findings(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk, action=Action.FACILITY_INSPECT)
    form = forms.FindingsForm(request.POST or None, initial={"team": inspection.team})
    if done := submit(request, form, _calling(services.inspection_record_findings, user=request.user, inspection=inspection),
                      success=_("The findings have been recorded."), then=lambda result: redirect("facilities:inspection", pk=inspection.pk)):
        return done
    return _form_page(request, "licence_form.html", form=form, facility=inspection.facility,
                      title=_("Findings of the inspection"), submit=_("Save"), section="inspections")


@login_required
@GET_POST
def inspection_follow_up(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk, action=Action.FACILITY_INSPECT)
    form = forms.FollowUpForm(request.POST or None)
    if done := submit(request, form, _calling(services.inspection_update_follow_up, user=request.user, inspection=inspection),
                      success=_("The follow-up has been recorded."), then=lambda result: redirect("facilities:inspection", pk=inspection.pk)):
        return done
    return _form_page(request, "licence_form.html", form=form, facility=inspection.facility,
                      title=_("Follow-up of the required actions"), submit=_("Save"), section="inspections")


# ---------------------------------------------------------------------------------------------
# Occupancy
# ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def dashboard(request):
    require_action(request, Action.FACILITY_VIEW)
    today = timezone.localdate()
    provinces = selectors.occupancy(user=request.user, today=today)
    facilities = [row for province in provinces for row in province.children]
    chart = {
        "labels": [row.label for row in facilities],
        "residents": [row.residents for row in facilities],
        "free": [row.free for row in facilities],
        "residentsLabel": _("Residents"), "freeLabel": _("Free beds"),
    }
    totals = selectors.OccupancyRow(label=_("Total"))
    for row in provinces:
        for attr in ("beds", "residents", "past_limit", "facilities", "completed_days", "completed_stays"):
            setattr(totals, attr, getattr(totals, attr) + getattr(row, attr))
    return render(request, "facilities/dashboard.html", {
        "provinces": provinces, "totals": totals, "chart": chart, "today": today,
    })

