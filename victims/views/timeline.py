"""The case timeline: the change history (victims.history.case_history) in words people read.

Each pghistory event becomes one entry: who (user and agency), when, what happened, why (the reason
of a status change), and the values that changed. Foreign keys (agencies, provinces, ethnic groups,
users) are looked up in bulk, one query per kind, whatever the length of the history.
Sensitive values arrive already hidden ("***", masked names) for users without identity access.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import AdministrativeUnit, Agency, User
from accounts.roles import Action
from victims.countries import country_name
from victims.history import ACTOR_COLUMNS, HIDDEN, case_history
from victims.models import Case, EthnicGroup
from victims.workflow import Status

# Columns that say nothing to a reader (or are shown by another entry, like status changes).
SKIPPED = frozenset({
    "id", "case_id", "person_id", "plan_id", "request_id", "created_at", "updated_at", "created_by_id",
    "recorded_by_id", "requested_by_id", "granted_by_id", "closed_by_id", "by_id", "status",
    "status_changed_at", "next_visit_due", "intake_key", "name_folded", "recorded_by_agency_id",
    "name_match", "id_paper_key", "merged_into_id",
    "requested_at", "recorded_at", "granted_at", "at",
})
LOOKUP_MODELS = (Agency, AdministrativeUnit, EthnicGroup, User)


@dataclass
class Entry:
    at: datetime.datetime
    kind: str  # icon / colour: reception, identity, status, verification, outcome, followup, ...
    title: str
    actor: User | None = None
    agency: Agency | None = None
    reason: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Excerpt:
    """What the case page shows of the timeline (the whole of it has a page of its own)."""
    newest: list[Entry]  # newest first
    status_changes: list[Entry]  # all of them, oldest first
    has_older: bool  # older entries than `newest` exist


STATUS_MODEL = "victims.StatusTransition"
EXCERPT_WINDOW = 3


def case_timeline(user, case: Case) -> list[Entry]:
    """The timeline of a case for this user, oldest first (404 if the case is out of scope)."""
    events = case_history(user, case, read_actors=False)
    return _entries(events, case, _lookups(events))


def case_timeline_excerpt(user, case: Case, count: int) -> Excerpt:
    """The newest `count` entries and every status change, built from the newest events only: the
    page costs the same for a case received last week and one followed for twenty years (the events
    are still read in one statement, whatever their number). Many events make no entry of their
    own (the case row's status columns change with every status change and visit), so the window
    is three times `count`: a window of such events shows fewer entries, never wrong ones."""
    events = case_history(user, case, read_actors=False)
    window = events[-EXCERPT_WINDOW * count:]
    statuses = [event for event in events if event.pgh_obj_model == STATUS_MODEL]
    lookups = _lookups([*window, *statuses])
    entries = _entries(reversed(window), case, lookups)
    return Excerpt(newest=entries[:count], status_changes=_entries(statuses, case, lookups),
                   has_older=len(entries) > count or len(window) < len(events))


def _entries(events, case: Case, lookups) -> list[Entry]:
    return [entry for event in events if (entry := _entry(event, case, lookups)) is not None]


# ---------------------------------------------------------------------------------------------

def _model(event) -> type[models.Model]:
    return apps.get_model(event.pgh_obj_model)


def _field(model, column: str):
    for candidate in model._meta.concrete_fields:
        if candidate.attname == column:
            return candidate
    return None


def _lookups(events) -> dict[type, dict]:
    """Every foreign key value the entries will name, fetched with one query per model."""
    wanted: dict[type, set] = {model: set() for model in LOOKUP_MODELS}
    for event in events:
        if event.agency_id:
            wanted[Agency].add(event.agency_id)
        model = _model(event)
        for column, value in (event.pgh_data or {}).items():
            target = _fk_target(model, column)
            if target in wanted and isinstance(value, int):
                wanted[target].add(value)
        for column, pair in (event.pgh_diff or {}).items():
            target = _fk_target(model, column)
            if target in wanted:
                wanted[target].update(v for v in pair if isinstance(v, int))
    # The events' actors with the users their rows name, in one query (case_history left them).
    actors = {event.actor.pk: event.actor for event in events if event.actor is not None}
    wanted[User] |= {event.actor_id for event in events if event.actor is None and event.actor_id}
    wanted[User] -= set(actors)
    found = {}
    for model, ids in wanted.items():
        queryset = model.objects.all()
        if model is User:
            queryset = queryset.only(*ACTOR_COLUMNS)
        found[model] = queryset.in_bulk(ids) if ids else {}
    found[User].update(actors)
    for event in events:
        if event.actor is None and event.actor_id:
            event.actor = found[User].get(event.actor_id)
    return found


def _fk_target(model, column):
    model_field = _field(model, column)
    if isinstance(model_field, models.ForeignKey):
        return model_field.related_model
    return None


def _value(model, column: str, value, lookups) -> str:
    if value in (None, "", []):
        return "—"
    if value == HIDDEN:
        return HIDDEN
    model_field = _field(model, column)
    if model_field is None:
        return str(value)
    if isinstance(model_field, models.ForeignKey):
        obj = lookups.get(model_field.related_model, {}).get(value)
        return str(obj) if obj is not None else f"#{value}"
    if isinstance(model_field, ArrayField) and isinstance(value, list):
        choices = dict(model_field.base_field.choices or ())
        return ", ".join(str(choices.get(item, item)) for item in value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if column.endswith("country") and isinstance(value, str):
        return country_name(value) or value  # "CN" -> "Trung Quốc"
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        return date_format(timezone.localtime(parsed), "d/m/Y H:i") if parsed else value
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        parsed = parse_date(value)
        return parsed.strftime("%d/%m/%Y") if parsed else value
    return str(value)


def _label(model, column: str) -> str:
    model_field = _field(model, column)
    return str(model_field.verbose_name).capitalize() if model_field is not None else column


def _details(model, data: dict, columns, lookups) -> list[tuple[str, str]]:
    return [
        (_label(model, column), _value(model, column, data.get(column), lookups))
        for column in columns
        if data.get(column) not in (None, "", [])
    ]


def _changes(model, diff: dict, lookups) -> list[tuple[str, str, str]]:
    return [
        (_label(model, column), _value(model, column, before, lookups), _value(model, column, after, lookups))
        for column, (before, after) in sorted(diff.items())
        if column not in SKIPPED
    ]


def _entry(event, case: Case, lookups) -> Entry | None:
    model = _model(event)
    data, diff = event.pgh_data or {}, event.pgh_diff or {}
    label, name = event.pgh_label, event.pgh_obj_model
    entry = Entry(at=event.pgh_created_at, kind="change", title="", actor=event.actor,
                  agency=lookups[Agency].get(event.agency_id))

    if name == "victims.StatusTransition":
        entry.kind = "status"
        entry.title = _("Status changed: %(from)s → %(to)s") % {
            "from": _status(data.get("from_status")), "to": _status(data.get("to_status")),
        }
        entry.reason = data.get("reason") or ""
        return entry

    if not name.startswith("victims."):
        # Another app's record on this case (a stay, a support request): it names what happened;
        # its values only to readers with identity access (the victims app cannot tell which of
        # another app's columns are sensitive).
        entry.kind = "other"
        what = str(model._meta.verbose_name).capitalize()
        if label == "update":
            entry.title = _("%(what)s updated") % {"what": what}
            if getattr(case, "identity_visible", False):
                entry.changes = _changes(model, diff, lookups)
        elif label == "delete":
            entry.title = _("%(what)s deleted") % {"what": what}
        else:
            entry.title = _("%(what)s recorded") % {"what": what}
        return entry

    if label == "update" or label == "delete":
        changes = _changes(model, diff, lookups) if label == "update" else []
        if label == "update" and not changes:
            return None  # e.g. the status columns, shown by the status change entry
        entry.changes = changes
        entry.title = _update_title(name, label, data, case, model)
        if name == "victims.Referral" and "status" in diff:
            entry.kind, entry.changes = "referral", []
            entry.title = _("Referral to %(agency)s: %(status)s") % {
                "agency": _value(model, "receiving_agency_id", data.get("receiving_agency_id"), lookups),
                "status": _value(model, "status", data.get("status"), lookups),
            }
            entry.reason = data.get("answer_reason") or data.get("end_reason") or ""
        elif name in ("victims.Referral", "victims.Handover"):
            return None  # the grant's link, the record's rendering: the other entries say what happened
        if name == "victims.CaseAccessGrant" and "revoked_at" in diff:
            entry.kind, entry.changes = "grant", []
            entry.title = _("Access revoked: %(grantee)s") % {"grantee": _grantee(data, lookups)}
        return entry

    # Inserts
    if name == "victims.Case":
        if str(data.get("id")) != str(case.pk):
            return None
        entry.kind, entry.title = "reception", _("Reception registered: %(number)s") % {
            "number": data.get("case_number", ""),
        }
        entry.details = _details(model, data, ["reception_channel", "received_on", "receiving_agency_id"], lookups)
    elif name == "victims.Person":
        is_victim = str(event.pgh_obj_id) == str(case.person_id)
        entry.kind = "identity"
        entry.title = (_("Victim recorded: %(name)s") if is_victim else _("Accompanying child recorded: %(name)s")) % {
            "name": data.get("full_name") or "—",
        }
        entry.details = _details(model, data, ["sex", "date_of_birth", "birth_year"], lookups)
    elif name == "victims.CaseChild":
        entry.kind, entry.title = "identity", _("Accompanying child linked to the case")
        entry.details = _details(model, data, ["relationship", "relationship_note"], lookups)
    elif name == "victims.Consent":
        entry.kind = "consent"
        entry.title = _("Consent to share information recorded") if data.get("given") else _(
            "Refusal to share information recorded")
        entry.details = _details(model, data, ["share_with", "recorded_on", "guardian_name"], lookups)
    elif name == "victims.VerificationRequest":
        entry.kind = "verification"
        entry.title = _("Verification requested from %(agency)s") % {
            "agency": _value(model, "police_agency_id", data.get("police_agency_id"), lookups),
        }
        entry.details = _details(model, data, ["note"], lookups)
    elif name == "victims.IdentificationOutcome":
        entry.kind = "outcome"
        entry.title = _("Identification outcome: %(outcome)s") % {
            "outcome": _value(model, "outcome", data.get("outcome"), lookups),
        }
        entry.details = _details(
            model, data, ["document_type", "document_number", "document_date", "issuing_body"], lookups,
        )
    elif name == "victims.ReintegrationPlan":
        entry.kind, entry.title = "followup", _("Reintegration plan made")
        entry.details = _details(
            model, data, ["starts_on", "ends_on", "visit_interval_months", "responsible_agency_id", "safe_escort"],
            lookups,
        )
    elif name == "victims.FollowUpVisit":
        entry.kind, entry.title = "followup", _("Follow-up visit recorded")
        entry.details = _details(model, data, ["visited_on", "visitors", "next_visit_on"], lookups)
    elif name == "victims.CaseClosure":
        entry.kind = "closure"
        entry.title = _("Case closed: %(reason)s") % {"reason": _value(model, "reason", data.get("reason"), lookups)}
        entry.details = _details(model, data, ["closed_on", "reason_detail"], lookups)
    elif name == "victims.Referral":
        entry.kind = "referral"
        entry.title = _("Referred to %(agency)s") % {
            "agency": _value(model, "receiving_agency_id", data.get("receiving_agency_id"), lookups)}
        entry.details = _details(model, data, ["urgency", "shared_parts", "due_on", "reason"], lookups)
    elif name == "victims.Handover":
        entry.kind = "referral"
        entry.title = _("Handed over to %(agency)s") % {
            "agency": _value(model, "to_agency_id", data.get("to_agency_id"), lookups)}
        entry.details = _details(model, data, ["handed_over_on", "document_number", "escort_name"], lookups)
    elif name == "victims.CaseAccessGrant":
        entry.kind = "grant"
        entry.title = _("Access granted: %(grantee)s") % {"grantee": _grantee(data, lookups)}
        entry.details = [(_("Allowed actions"), _actions(data.get("actions"))), *_details(model, data, ["reason", "expires_at"], lookups)]
    else:
        entry.title = _("%(what)s recorded") % {"what": str(model._meta.verbose_name).capitalize()}
    return entry


def _status(value) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return str(value or "—")


def _grantee(data, lookups) -> str:
    if data.get("grantee_agency_id"):
        return str(lookups[Agency].get(data["grantee_agency_id"], f"#{data['grantee_agency_id']}"))
    user = lookups[User].get(data.get("grantee_user_id"))
    return str(user) if user else "—"


def _actions(values) -> str:
    labels = dict(Action.choices)
    return ", ".join(str(labels.get(value, value)) for value in values or [])


def _update_title(name: str, label: str, data: dict, case: Case, model) -> str:
    if label == "delete":
        return _("%(what)s deleted") % {"what": str(model._meta.verbose_name).capitalize()}
    if name == "victims.Person":
        if str(data.get("id")) == str(case.person_id):
            return _("Victim's declaration updated")
        return _("Accompanying child's details updated")
    if name == "victims.Case":
        return _("Case file updated")
    return _("%(what)s updated") % {"what": str(model._meta.verbose_name).capitalize()}

