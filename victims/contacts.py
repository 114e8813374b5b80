"""The contact log (hotline 111 and others, walk-ins, messages): selectors and services.

Scope is `Contact.objects.visible_to(actor, action)` (victims.models.contact). Caller identity is
shown only to readers whose role allows case.view_identity (`caller_visible`), else masked; every
list and page writes the access log (ids only). For statistics count `Contact.channel` and
`Contact.kind` (choices in victims.models.choices: ContactChannel, ContactKind, ContactOutcome).
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404

from accounts.actor import as_user
from accounts.formviews import FieldErrors, history_context
from accounts.roles import Action

from .models import Case, Contact
from .readmodel import mask_name, sensitive_value
from .services import acting_membership_for

CONTACT_FIELDS = frozenset({
    "occurred_at", "channel", "line", "kind", "province", "outcome", "duration_minutes", "summary",
    "case", "caller_name", "caller_phone", "caller_note",
})
CONTACT_ORDERINGS = {"occurred_at", "-occurred_at", "channel", "-channel", "kind", "-kind",
                     "duration_minutes", "-duration_minutes"}


def caller_visible(actor) -> bool:
    return bool(as_user(actor).can(Action.CASE_VIEW_IDENTITY))


def contact_list(actor, *, channel="", kind="", outcome="", province=None, occurred_from=None,
                 occurred_to=None, ordering="-occurred_at"):
    contacts = Contact.objects.visible_to(actor, Action.CONTACT_VIEW).select_related(
        "province", "recording_agency", "case")
    if channel:
        contacts = contacts.filter(channel=channel)
    if kind:
        contacts = contacts.filter(kind=kind)
    if outcome:
        contacts = contacts.filter(outcome=outcome)
    if province:
        contacts = contacts.filter(province=province)
    if occurred_from:
        contacts = contacts.filter(occurred_at__date__gte=occurred_from)
    if occurred_to:
        contacts = contacts.filter(occurred_at__date__lte=occurred_to)
    if ordering not in CONTACT_ORDERINGS:
        ordering = "-occurred_at"
    return contacts.order_by(ordering, "-pk")


def contact_get(actor, pk, action: str = Action.CONTACT_VIEW) -> Contact:
    try:
        return Contact.objects.visible_to(actor, action).select_related(
            "province", "recording_agency", "case", "recorded_by").get(pk=pk)
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise Http404("No contact matches the given query.") from None


def caller_display(contact: Contact, visible: bool) -> dict:
    """The caller's identity for a reader: as recorded, or masked (name initials, hidden values)."""
    return {
        "name": contact.caller_name if visible else mask_name(contact.caller_name),
        "phone": sensitive_value(contact.caller_phone, visible),
        "note": sensitive_value(contact.caller_note, visible),
        "summary": sensitive_value(contact.summary, visible),
    }


def _check_case(actor, errors: FieldErrors, case):
    """The linked case must be one the actor may see (else it is refused as unknown)."""
    if case is not None and not Case.objects.visible_to(actor, Action.CASE_VIEW).filter(pk=case.pk).exists():
        errors.add("case", "No case matches the given query.")


def contact_record(*, user, agency, **fields) -> Contact:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"Not contact fields: {sorted(unknown)}")
    with transaction.atomic(), history_context(user):
        acting_membership_for(user, agency, Action.CONTACT_RECORD)
        contact = Contact(recording_agency=agency, recorded_by=as_user(user), **fields)
        errors = FieldErrors()
        errors.clean(contact, exclude=["recording_agency", "recorded_by"])
        _check_case(user, errors, fields.get("case"))
        errors.raise_if_any()
        contact.save()
        return contact


def contact_update(*, user, contact: Contact, **fields) -> Contact:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"Not contact fields: {sorted(unknown)}")
    with transaction.atomic(), history_context(user):
        try:
            contact = Contact.objects.visible_to(user, Action.CONTACT_RECORD).select_for_update(of=("self",)).get(
                pk=contact.pk)
        except Contact.DoesNotExist:
            raise Http404("No contact matches the given query.") from None
        for name, value in fields.items():
            setattr(contact, name, value)
        errors = FieldErrors()
        errors.clean(contact)
        if "case" in fields:
            _check_case(user, errors, fields["case"])
        errors.raise_if_any()
        contact.save()
        return contact


def contact_history(actor, contact: Contact) -> list[dict]:
    """Who changed the contact and which fields (values of caller fields only with identity access)."""
    from pghistory.models import Events

    visible = caller_visible(actor)
    events = list(Events.objects.tracks(contact).order_by("pgh_created_at", "pgh_id"))
    users = {}
    ids = {e.pgh_context.get("user") for e in events if e.pgh_context}
    if ids:
        from accounts.models import User

        users = User.objects.in_bulk([i for i in ids if i])
    rows = []
    for event in events:
        diff = event.pgh_diff or {}
        labels = []
        fields = {f.attname: f for f in Contact._meta.concrete_fields}
        for name in sorted(diff):
            field = fields.get(name)
            if field is None or name in ("updated_at", "created_at"):
                continue
            labels.append(str(field.verbose_name) + ("" if visible or name not in Contact.SENSITIVE_FIELDS else " (***)"))
        who = users.get((event.pgh_context or {}).get("user"))
        rows.append({"at": event.pgh_created_at, "label": event.pgh_label, "who": who, "fields": labels})
    return rows
