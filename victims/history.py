"""The change history of a case for its timeline: pghistory events of the case and everything on it.

Events come from the database triggers of django-pghistory (so bulk updates are caught too); each
carries its context: the user, the request id and the agency (config.middleware.HistoryMiddleware),
or the user set by the services outside a request.
"""

from django.db.models import Q
from pghistory.models import Events

from accounts.models import User

from .models import Case, Person
from .selectors import case_get
from .text import mask_name

HIDDEN = "***"
# What a user without identity access must not read in the history, per tracked model.
SENSITIVE_HISTORY_FIELDS: dict[str, frozenset[str]] = {
    "victims.Person": Person.SENSITIVE_FIELDS,
    "victims.Case": Case.SENSITIVE_FIELDS,
    "victims.Consent": frozenset({"guardian_name", "guardian_relationship", "note", "share_with_detail"}),
    "victims.CaseChild": frozenset({"relationship_note"}),
    "victims.VerificationRequest": frozenset({"note"}),
    "victims.IdentificationOutcome": frozenset({"document_number", "scan", "note"}),
    "victims.ReintegrationPlan": frozenset({"family_assessment", "goals"}),
    "victims.FollowUpVisit": frozenset({"findings", "place", "visitors"}),
    "victims.CaseClosure": frozenset({"reason_detail"}),
}
# Never shown: internal columns.
INTERNAL_FIELDS = frozenset({"intake_key", "name_folded"})
# Without identity access, a model of another app that did not register its sensitive fields shows
# none of its values (fail closed): only these link columns.
ALWAYS_SHOWN = frozenset({"id", "case", "case_id"})


def register_sensitive_history_fields(model_label: str, fields) -> None:
    """Other apps whose models hang off a case name the fields a user without identity access must
    not see in the case history (call from AppConfig.ready)."""
    SENSITIVE_HISTORY_FIELDS[model_label] = frozenset(fields)


def case_history(user: User, case: Case) -> list[Events]:
    """Events of the case, its persons (victim and children) and the rows hanging off it, oldest first.

    Scoped: 404 unless the user may view the case. Without identity access, names are masked and
    sensitive values hidden. Each event gets `actor` (User or None), `request_id` and `agency_id`.
    A constant number of queries, whatever the length of the history.
    """
    case = case_get(user=user, pk=case.pk)
    persons = list(Person.objects.filter(Q(pk=case.person_id) | Q(child_links__case=case)).distinct().only("pk"))
    events = list(Events.objects.references(case)) + list(Events.objects.tracks(persons))
    events.sort(key=lambda event: (event.pgh_created_at, event.pgh_model, event.pgh_id))

    contexts = [event.pgh_context or {} for event in events]
    user_ids = {context.get("user") for context in contexts} - {None}
    actors = User.objects.in_bulk(user_ids) if user_ids else {}
    for event, context in zip(events, contexts, strict=True):
        event.actor = actors.get(context.get("user"))
        event.request_id = context.get("request_id")
        event.agency_id = context.get("agency")
        _clean(event, identity_visible=case.identity_visible)
    return events


def _clean(event, *, identity_visible: bool) -> None:
    registered = SENSITIVE_HISTORY_FIELDS.get(event.pgh_obj_model)
    hide_all = not identity_visible and registered is None
    sensitive = set() if identity_visible else (registered or set())
    for attr in ("pgh_data", "pgh_diff"):
        values = getattr(event, attr) or {}
        for field in list(values):
            if field in INTERNAL_FIELDS:
                del values[field]
            elif (hide_all and field not in ALWAYS_SHOWN) or field in sensitive or field.removesuffix("_id") in sensitive:
                # Foreign keys appear by column name (home_commune_id); the lists name the field.
                values[field] = _hide(field, values[field], diff=attr == "pgh_diff")
        setattr(event, attr, values)


def _hide(field, value, *, diff: bool):
    if diff:
        return [_hide(field, item, diff=False) for item in value]
    if field == "full_name" and isinstance(value, str):
        return mask_name(value)
    return None if value in (None, "", []) else HIDDEN
