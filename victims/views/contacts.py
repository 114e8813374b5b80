"""The contact log: list (filters in the URL: no personal data among them), record, edit with history.

Access (tests/access/test_contacts_matrix.py): contact.view to read (403 otherwise), contact.record
to write; a contact outside the actor's scope answers 404. Caller identity masked without
case.view_identity; every list and page in the access log.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.formviews import submit
from accounts.roles import Action
from accounts.web import acting_agency, require_action

from .. import contacts
from ..forms.contacts import ContactFilterForm, ContactForm
from ..readmodel import log_request_reads

PAGE_SIZE = 25
SORTS = {"time": "occurred_at", "channel": "channel", "kind": "kind", "duration": "duration_minutes"}


def _sort(request) -> tuple[str, str]:
    value = request.GET.get("sort", "-time")
    key = value.lstrip("-")
    if key not in SORTS:
        return "-time", "-occurred_at"
    return value, ("-" if value.startswith("-") else "") + SORTS[key]


@login_required
@require_GET
def contact_list(request):
    require_action(request, Action.CONTACT_VIEW)
    form = ContactFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    sort, ordering = _sort(request)
    page = Paginator(contacts.contact_list(request.actor, ordering=ordering, **filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = list(page.object_list)
    visible = contacts.caller_visible(request.actor)
    for row in rows:
        row.caller = contacts.caller_display(row, visible)
    log_request_reads(request, rows, "contact.list")
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(request, "victims/contacts/list.html", {
        "form": form, "page": page, "contacts": rows, "sort": sort, "query": query.urlencode(),
        "sort_query": sort_query.urlencode(), "caller_visible": visible,
        "can_record": request.user.can(Action.CONTACT_RECORD),
        "sort_links": {key: (key if sort == f"-{key}" else f"-{key}") for key in SORTS},
    })


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    agency = acting_agency(request, Action.CONTACT_RECORD)
    # A hotline officer records the call as it ends: now is the likeliest time, and can be changed.
    form = ContactForm(request.POST or None, user=request.user,
                       initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)})
    if done := submit(request, form, lambda data: contacts.contact_record(
            user=request.user, agency=agency, **form.service_fields()),
            success=_("The contact has been recorded."),
            then=lambda contact: redirect("victims:contact_detail", pk=contact.pk)):
        return done
    return render(request, "victims/contacts/form.html", {"form": form, "contact": None})


@login_required
@require_GET
def contact_detail(request, pk):
    require_action(request, Action.CONTACT_VIEW)
    contact = contacts.contact_get(request.actor, pk)
    visible = contacts.caller_visible(request.actor)
    log_request_reads(request, [contact], "contact.view")
    case_visible = bool(contact.case_id) and _case_visible(request, contact.case_id)
    return render(request, "victims/contacts/detail.html", {
        "contact": contact, "caller": contacts.caller_display(contact, visible), "case_visible": case_visible,
        "history": contacts.contact_history(request.actor, contact),
        "can_edit": request.user.can(Action.CONTACT_RECORD) and request.user.can(Action.CASE_VIEW_IDENTITY),
    })


def _case_visible(request, case_pk) -> bool:
    from ..models import Case

    return Case.objects.visible_to(request.user, Action.CASE_VIEW).filter(pk=case_pk).exists()


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    require_action(request, Action.CONTACT_RECORD)
    require_action(request, Action.CASE_VIEW_IDENTITY)  # the form shows the caller's identity
    contact = contacts.contact_get(request.actor, pk, action=Action.CONTACT_RECORD)
    if request.method == "POST":
        form = ContactForm(request.POST, user=request.user)
        if done := submit(request, form, lambda data: contacts.contact_update(
                user=request.user, contact=contact, **form.service_fields()),
                success=_("Saved."), then=lambda result: redirect("victims:contact_detail", pk=contact.pk)):
            return done
    else:
        form = ContactForm(initial=ContactForm.initial_from(contact), user=request.user)
        log_request_reads(request, [contact], "contact.view")
    return render(request, "victims/contacts/form.html", {"form": form, "contact": contact})
