"""The intake wizard: register a reception (tiếp nhận), then fill the declaration (tờ khai) in steps.

Thin views: the forms parse, the services validate and write, the selectors scope.

Access (tests/access/test_intake_matrix.py):
- the start page needs an acting role (the agency chosen in the header) that allows `case.create`:
  the reception is registered for that agency. Otherwise 403.
- the steps need a role that allows `case.edit` and `case.view_identity` (else 403), and the case in
  the user's scope for both (else 404, as if it did not exist).
- a closed case's steps are shown read-only; a POST to them answers 403 with a clear message.

Every step saves as it goes (a draft: the data is on the case and the person at once), so nothing
typed is lost; a step is complete when its data is there, whoever filled it and whenever.
"""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import yesno
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.formviews import apply_service_errors, submit
from accounts.models import AdministrativeUnit
from accounts.roles import Action

from .. import selectors, services
from ..countries import country_name
from ..duplicates import duplicates_for
from ..forms import intake as forms
from ..matching import Query
from ..models import Case, Person, Sex, SharingParty, TraffickingPurpose
from ..readmodel import log_request_reads
from ..workflow import Status

GET_POST = require_http_methods(["GET", "POST"])
COMMUNE_RESULTS = 50


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    icon: str
    optional: bool = False


RECEPTION, IDENTITY, ADDRESS, LANGUAGE = "tiep-nhan", "nhan-than", "dia-chi", "ngon-ngu"
TRAFFICKING, CHILDREN, NEEDS, CONSENT = "mua-ban", "tre-em", "nhu-cau", "dong-y"

STEPS = [
    Step(RECEPTION, gettext_lazy("Reception"), "door-open"),
    Step(IDENTITY, gettext_lazy("Identity"), "person-vcard"),
    Step(ADDRESS, gettext_lazy("Home address"), "house"),
    Step(LANGUAGE, gettext_lazy("Language"), "translate"),
    Step(TRAFFICKING, gettext_lazy("Trafficking details"), "signpost-split"),
    Step(CHILDREN, gettext_lazy("Accompanying children"), "people", optional=True),
    Step(NEEDS, gettext_lazy("Immediate needs"), "basket"),
    Step(CONSENT, gettext_lazy("Consent to share information"), "shield-check"),
]
STEPS_BY_SLUG = {step.slug: step for step in STEPS}

# The steps with one form that edits the person ("person") or the case ("case").
FORM_STEPS = {
    RECEPTION: (forms.ReceptionEditForm, "case"),
    IDENTITY: (forms.IdentityForm, "person"),
    ADDRESS: (forms.AddressForm, "person"),
    LANGUAGE: (forms.LanguageForm, "person"),
    TRAFFICKING: (forms.TraffickingForm, "case"),
    NEEDS: (forms.NeedsForm, "case"),
}


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def _case_for_intake(request, pk) -> Case:
    """The case, if the user may fill its declaration: 403 for roles that never may, else 404."""
    user = request.user
    if not (user.can(Action.CASE_EDIT) and user.can(Action.CASE_VIEW_IDENTITY)):
        raise PermissionDenied(_("Your role cannot fill in declarations."))
    case = selectors.case_get(user=user, pk=pk, action=Action.CASE_EDIT)
    if not case.identity_visible:  # the declaration is all identity and sensitive details
        raise Http404("No case matches the given query.")
    return case


def _log_view(request, case: Case) -> None:
    log_request_reads(request, [case], Action.CASE_VIEW)


def step_url(case: Case, slug: str) -> str:
    return reverse("victims:intake_step", args=[case.pk, slug])


def finish_url(case: Case) -> str:
    """The case page (victims:case_detail) when it exists, else the wizard's own summary."""
    try:
        return reverse("victims:case_detail", args=[case.pk])
    except NoReverseMatch:
        return reverse("victims:intake_summary", args=[case.pk])


def _next_url(request, case: Case, step: Step) -> str:
    if "stay" in request.POST:
        return step_url(case, step.slug)
    index = STEPS.index(step)
    if index + 1 < len(STEPS):
        return step_url(case, STEPS[index + 1].slug)
    return finish_url(case)


def completion(case: Case) -> dict[str, bool | None]:
    """Which steps have their data: True, False, or None for an optional step left empty."""
    person = case.person
    children = case.children.count()
    return {
        RECEPTION: bool(case.reception_channel and case.received_on),
        IDENTITY: bool(
            person.full_name and (person.date_of_birth or person.birth_year) and person.sex != Sex.UNKNOWN
            and (person.ethnicity_id or person.nationality != "VN")
        ),
        ADDRESS: bool(person.home_province_id or person.abroad_address),
        LANGUAGE: bool(person.language),
        TRAFFICKING: bool(case.purposes or case.destination_country or case.destination_province_id),
        CHILDREN: True if children else None,
        NEEDS: bool(case.immediate_needs),
        CONSENT: case.consents.filter(person_id=case.person_id).exists(),
    }


def _progress(case: Case, current: str, done: dict) -> list[dict]:
    return [
        {"slug": step.slug, "title": step.title, "icon": step.icon, "url": step_url(case, step.slug),
         "state": {True: "done", False: "todo", None: "optional"}[done[step.slug]],
         "current": step.slug == current, "number": number}
        for number, step in enumerate(STEPS, start=1)
    ]


def _render_step(request, case: Case, step: Step | None, template: str, context: dict, status: int = 200):
    done = completion(case)
    index = STEPS.index(step) if step else len(STEPS)
    context = {
        "case": case, "step": step, "steps": _progress(case, step.slug if step else "", done),
        "done_count": sum(1 for s in STEPS if not s.optional and done[s.slug]),
        "required_count": sum(1 for s in STEPS if not s.optional),
        "previous_url": step_url(case, STEPS[index - 1].slug) if index > 0 else None,
        "next_url": step_url(case, STEPS[index + 1].slug) if index + 1 < len(STEPS) else None,
        "summary_url": reverse("victims:intake_summary", args=[case.pk]),
        "finish_url": finish_url(case),
        "is_last": step is STEPS[-1],
        "read_only": case.status == Status.CLOSED,
        # Possible duplicates across agencies, before the declaration is finished (victims.duplicates).
        "duplicates": duplicates_for(request.actor, Query.of(case.person)),
        **context,
    }
    return render(request, template, context, status=status)


def _refuse_closed(request, case: Case, step: Step):
    return _render_step(request, case, step, "victims/intake/refused.html", {
        "message": _("This case is closed: its declaration can no longer be changed."),
    }, status=403)


# ---------------------------------------------------------------------------------------------
# Reception (tiếp nhận)
# ---------------------------------------------------------------------------------------------

@login_required
@GET_POST
def intake_start(request):
    """Register a reception for the acting agency; a second submit of the same form opens the same case."""
    membership = request.membership
    if not membership or not membership.allows(Action.CASE_CREATE):
        raise PermissionDenied(_("Your role cannot register receptions."))
    agency = membership.agency
    if request.method == "POST":
        form = forms.ReceptionForm(request.POST)

        def someone_elses_form(error):
            """The token is of another reception: this form gets a fresh one, with the errors on it."""
            if "idempotency_key" not in getattr(error, "error_dict", {}):
                return None
            fresh = _with_new_token(request.POST)
            apply_service_errors(fresh, error)
            return render(request, "victims/intake/start.html", {"form": fresh, "agency": agency})

        if "token" in form.errors:
            form = _with_new_token(request.POST)  # shown again with a fresh token, not saved
        elif (used := _case_of_used_token(request, request.POST.get("token"))) is not None:
            # Sent again (Back, then submit): this form already made a case; never a second one.
            messages.warning(request, _("This reception was already registered: case %(number)s. "
                                        "It has not been registered twice.") % {"number": used.case_number})
            return redirect(step_url(used, IDENTITY))
        elif done := submit(request, form, lambda data: services.case_register_reception(
            user=request.user, agency=agency, idempotency_key=data["token"].hex, **form.service_fields(),
        ), refused=someone_elses_form, success=lambda case: _("The reception has been registered: case %(number)s.") % {
            "number": case.case_number}, then=lambda case: redirect(step_url(case, IDENTITY))):
            return done
    elif (used := _case_of_used_token(request, request.GET.get("token"))) is not None:
        # Back to a form that was sent (static/js/intake.js asks for its token): show its case.
        return render(request, "victims/intake/start.html", {"registered_case": used, "agency": agency})
    else:
        form = forms.ReceptionForm(initial={
            "token": uuid.uuid4().hex, "received_on": timezone.localdate(),
            "reception_province": services.agency_province(agency), "sex": Sex.UNKNOWN,
        })
    return render(request, "victims/intake/start.html", {"form": form, "agency": agency})


def _case_of_used_token(request, token) -> Case | None:
    """The case this user's reception form with `token` already registered, if any."""
    try:
        key = uuid.UUID(str(token or "")).hex
    except ValueError:
        return None
    # Scoped like every read: the user's own reception, still in the acting agency's scope.
    return Case.objects.visible_to(request.user, Action.CASE_VIEW).filter(
        intake_key=key, created_by=request.user).first()


def _with_new_token(data):
    data = data.copy()
    data["token"] = uuid.uuid4().hex
    form = forms.ReceptionForm(data)
    form.is_valid()
    return form


# ---------------------------------------------------------------------------------------------
# The declaration (tờ khai)
# ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def intake(request, pk):
    """Open the declaration at its first step that still lacks data (or at the summary)."""
    case = _case_for_intake(request, pk)
    done = completion(case)
    for step in STEPS:
        if done[step.slug] is False:
            return redirect(step_url(case, step.slug))
    return redirect("victims:intake_summary", pk=case.pk)


@login_required
@GET_POST
def intake_step(request, pk, step):
    step = STEPS_BY_SLUG.get(step)
    if step is None:
        raise Http404("No such step.")
    case = _case_for_intake(request, pk)
    if request.method == "POST" and case.status == Status.CLOSED:
        return _refuse_closed(request, case, step)
    if step.slug == CHILDREN:
        return _children_step(request, case, step)
    if step.slug == CONSENT:
        return _consent_step(request, case, step)

    form_class, target = FORM_STEPS[step.slug]
    obj = case.person if target == "person" else case
    kwargs = {}
    if form_class is forms.AddressForm:
        kwargs["commune_search_url"] = reverse("victims:intake_communes")
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        service = services.person_update_declaration if target == "person" else services.case_update_declaration
        if done := submit(request, form, lambda data: service(user=request.user, **{target: obj}, **data),
                          success=_("Saved."),
                          then=lambda result: redirect(_next_url(request, case, step))):
            return done
    else:
        form = form_class(initial=form_class.initial_from(obj), **kwargs)
        _log_view(request, case)
    return _render_step(request, case, step, "victims/intake/step.html", {"form": form})


def _children_step(request, case: Case, step: Step):
    """Each accompanying child is a person of their own, linked to the case."""
    if request.method == "POST":
        form = forms.ChildForm(request.POST)

        def already_there(error):  # a double submit: the child is in the list already
            if not _is_duplicate_child(error):
                return None
            messages.info(request, _("This child is already registered in this case."))
            return redirect(step_url(case, step.slug))

        if done := submit(request, form, lambda data: services.case_add_child(user=request.user, case=case, **data),
                          refused=already_there, success=_("The child has been added."),
                          then=lambda result: redirect(step_url(case, step.slug))):
            return done
    else:
        form = forms.ChildForm()
        _log_view(request, case)
    children = case.children.select_related("person").order_by("pk")
    return _render_step(request, case, step, "victims/intake/children.html", {
        "form": form, "children": children, "received_on": case.received_on,
    })


def _is_duplicate_child(error: ValidationError) -> bool:
    codes = [e.code for e in getattr(error, "error_dict", {}).get("full_name", [])]
    return codes == ["duplicate"] and len(error.error_dict) == 1


def _consent_step(request, case: Case, step: Step):
    """Consent to share information, for the victim or a child; a guardian consents for a minor."""
    persons = [case.person, *(link.person for link in case.children.select_related("person").order_by("pk"))]
    if request.method == "POST":
        form = forms.ConsentForm(request.POST, persons=persons)
        if done := submit(request, form, lambda data: services.consent_record(user=request.user, case=case, **data),
                          success=_("The consent has been recorded."),
                          then=lambda result: redirect(_next_url(request, case, step))):
            return done
    else:
        form = forms.ConsentForm(persons=persons, initial={"person": case.person.pk})
        _log_view(request, case)
    return _render_step(request, case, step, "victims/intake/consent.html", {
        "form": form, "consents": _consents(case),
    })


@login_required
@require_GET
def intake_summary(request, pk):
    """Everything declared so far, step by step, with links back to each step."""
    case = _case_for_intake(request, pk)
    _log_view(request, case)
    case_page = finish_url(case)
    done = completion(case)
    return _render_step(request, case, None, "victims/intake/summary.html", {
        "sections": [
            {"step": step, "url": step_url(case, step.slug), "rows": rows, "table": table,
             "state": {True: "done", False: "todo", None: "optional"}[done[step.slug]]}
            for step, rows, table in _summary(case)
        ],
        "case_page_url": None if case_page == request.path else case_page,
    })


def _label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _summary(case: Case):
    person = case.person
    children = list(case.children.select_related("person").order_by("pk"))
    consents = _consents(case)
    steps = STEPS_BY_SLUG

    def rows(model, obj, names):
        return [(_label(model, name), _display(obj, name)) for name in names]

    yield steps[RECEPTION], [
        *rows(Case, case, ["reception_channel", "received_on", "reception_place", "reception_province"]),
        (_label(Case, "receiving_agency"), case.receiving_agency.name),
    ], None
    yield steps[IDENTITY], rows(Person, person, [
        "full_name", "other_names", "sex", "date_of_birth", "ethnicity", "nationality", "id_paper_type",
        "id_paper_number"]), None
    yield steps[ADDRESS], rows(Person, person, [
        "home_province", "home_commune", "home_address_detail", "abroad_address"]), None
    yield steps[LANGUAGE], rows(Person, person, ["language", "interpreter_needed"]), None
    yield steps[TRAFFICKING], rows(Case, case, [
        "destination_country", "destination_province", "purposes", "purpose_other", "recruitment",
        "means_of_control", "trafficked_from", "trafficked_until"]), None
    yield steps[CHILDREN], None, [
        f"{link.person.full_name} · {link.person.get_sex_display()} · {link.person.birth_display or '—'}"
        f" · {link.get_relationship_display()}"
        for link in children
    ]
    yield steps[NEEDS], rows(Case, case, ["immediate_needs", "health_notes"]), None
    yield steps[CONSENT], None, [
        f"{_date(consent.recorded_on)} · {consent.person.full_name} · "
        f"{_('Agrees') if consent.given else _('Refuses')}"
        f"{' · ' + consent.share_with_labels if consent.share_with_labels else ''}"
        f"{' · ' + consent.guardian_name if consent.guardian_name else ''}"
        for consent in consents
    ]


def _display(obj, name: str) -> str:
    """A field's value as people read it: choice labels, names, dd/mm/yyyy, yes/no."""
    if name == "date_of_birth":
        return obj.birth_display
    if name in ("nationality", "destination_country"):
        code = getattr(obj, name)
        return country_name(code) if code else ""
    if name == "purposes":
        return ", ".join(str(label) for value, label in TraffickingPurpose.choices if value in obj.purposes)
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if field.choices:
        return getattr(obj, f"get_{name}_display")() if value else ""
    if isinstance(value, bool):
        return yesno(value)
    if hasattr(value, "strftime"):
        return _date(value)
    return "" if value is None else str(value)


def _consents(case: Case) -> list:
    consents = list(case.consents.select_related("person", "recorded_by").order_by("-recorded_on", "-pk"))
    labels = dict(SharingParty.choices)
    for consent in consents:
        consent.share_with_labels = ", ".join(str(labels.get(value, value)) for value in consent.share_with)
    return consents


# ---------------------------------------------------------------------------------------------
# The commune picker
# ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def commune_search(request):
    """Current communes whose name contains the query, with or without diacritics; JSON for tom-select."""
    query = request.GET.get("q", "").replace("\x00", "")[:100]
    units = AdministrativeUnit.objects.current().communes().select_related("parent")
    province = request.GET.get("province", "")
    if province:
        if not (province.isascii() and province.isdigit() and len(province) < 19):
            return JsonResponse({"results": []})
        units = units.filter(parent_id=int(province))
    units = units.search(query).order_by("name_folded", "pk")[:COMMUNE_RESULTS]
    return JsonResponse({"results": [
        {"id": unit.pk, "text": unit.name, "province_id": unit.parent_id,
         "province": unit.parent.name if unit.parent_id else ""}
        for unit in units
    ]})
