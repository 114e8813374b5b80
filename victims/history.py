"""The change history of a case for its timeline: pghistory events of the case and everything on it.

Events come from the database triggers of django-pghistory (so bulk updates are caught too); each
carries its context: the user, the request id and the agency (config.middleware.HistoryMiddleware),
or the user set by the services outside a request.
"""

import json
from functools import lru_cache

from django.apps import apps
from django.db import connection
from pghistory import core, utils
from pghistory.models import Context, Events

from accounts.models import User

from .models import Case, Person
from .readmodel import HIDDEN, mask_name
from .scoping import case_scope_test
from .selectors import case_get, children_of, read_through_case_get

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
    # Statuses, dates and rights are not personal; reasons may be.
    "victims.StatusTransition": frozenset({"reason"}),
    "victims.CaseAccessGrant": frozenset({"reason", "grantee_user"}),
    # Agencies, statuses, parts and dates of a referral are not personal; its free texts may be.
    "victims.Referral": frozenset({"reason", "note", "answer_reason", "end_reason", "consent_override_reason"}),
    "victims.Handover": frozenset({
        "place", "handed_by_name", "received_by_name", "escort_name", "escort_role", "papers", "belongings",
        "note", "pdf", "pdf_error",
    }),
}
# Records of other apps appear on a case's timeline only when the reader may see them through their
# own app's scope: model label -> the action `Model.objects.visible_to` is asked for. A model of
# another app that did not register is never shown (fail closed).
HISTORY_SCOPE_ACTIONS: dict[str, str] = {}
# Of those, the models whose records are all visible when their case is, for the action (support's,
# facilities'): on a case the page read and its scope opens, no query (`scoping.case_scope_test`).
HISTORY_THROUGH_CASE: set[str] = set()
# What a timeline shows of who did it (str(user)): never the password hash and the rest.
ACTOR_COLUMNS = ("pk", "username", "full_name", "first_name", "last_name")
# Never shown: internal columns.
INTERNAL_FIELDS = frozenset({"intake_key", "name_folded", "name_match", "id_paper_key", "merged_into_id"})
# Without identity access, a model of another app that did not register its sensitive fields shows
# none of its values (fail closed): only these link columns.
ALWAYS_SHOWN = frozenset({"id", "case", "case_id"})


def register_case_history(model_label: str, *, action: str, sensitive_fields, through_case: bool = False) -> None:
    """Another app's model that hangs off a case joins the case history (call from AppConfig.ready):
    its events are shown to readers who may see the record for `action` in that app's scope, and
    `sensitive_fields` are hidden from readers without identity access. `through_case`: that scope
    opens every record of a case visible for `action` (it may open more: then it is asked)."""
    HISTORY_SCOPE_ACTIONS[model_label] = action
    if through_case:
        HISTORY_THROUGH_CASE.add(model_label)
    SENSITIVE_HISTORY_FIELDS[model_label] = frozenset(sensitive_fields)


def _visible_in_own_scope(user, events, case: Case) -> list:
    """Keep the victims app's events (the case scope already holds) and, of other apps' events, those
    whose record the user may see in its own app's scope: one query per model kind, none for a kind
    seen through the case (every event here is of this case) when the case row opens it."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        label = event.pgh_obj_model
        if not label.startswith("victims."):
            wanted.setdefault(label, set()).add(str(event.pgh_obj_id))
    visible: dict[str, set[str]] = {}
    for label, ids in wanted.items():
        action = HISTORY_SCOPE_ACTIONS.get(label)
        if action is None:
            visible[label] = set()
            continue
        test = case_scope_test(user, action) if label in HISTORY_THROUGH_CASE else None
        if test is not None and test(case):
            visible[label] = ids
            continue
        model = apps.get_model(label)
        visible[label] = {str(pk) for pk in model.objects.visible_to(user, action)
                          .filter(pk__in=ids).values_list("pk", flat=True)}
    return [event for event in events if event.pgh_obj_model.startswith("victims.")
            or str(event.pgh_obj_id) in visible[event.pgh_obj_model]]


def case_history(user: User, case: Case, *, read_actors: bool = True) -> list[Events]:
    """Events of the case, its persons (victim and children) and the rows hanging off it, oldest first.

    Scoped: 404 unless the user may view the case. Without identity access, names are masked and
    sensitive values hidden. Each event gets `actor_id`, `actor` (User or None; with `read_actors=False`
    left None for the caller to read with its other lookups), `request_id` and `agency_id`.
    A constant number of queries, whatever the length of the history.
    """
    if not read_through_case_get(user, case):  # the case page passes the case it just read in scope
        case = case_get(user=user, pk=case.pk)
    # The persons of a case already in scope, by id (no scan of the person index).
    person_ids = [case.person_id, *(link.person_id for link in children_of(case))]
    events = _visible_in_own_scope(user, _events(case.pk, list(dict.fromkeys(person_ids))), case)
    events.sort(key=lambda event: (event.pgh_created_at, event.pgh_model, event.pgh_id))

    contexts = [event.pgh_context or {} for event in events]
    user_ids = {context.get("user") for context in contexts} - {None}
    actors = User.objects.only(*ACTOR_COLUMNS).in_bulk(user_ids) if user_ids and read_actors else {}
    for event, context in zip(events, contexts, strict=True):
        event.actor_id = context.get("user")
        event.actor = actors.get(event.actor_id)
        event.request_id = context.get("request_id")
        event.agency_id = context.get("agency")
        _clean(event, identity_visible=case.identity_visible, hidden_parts=_hidden_parts(case))
    return events


@lru_cache(maxsize=1)
def _event_sources() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(event label, tracked model label, table, columns naming the case) of each event model that
    references a case (as pghistory's `Events.references` finds them), and the person's events."""
    sources = []
    for model in core.event_models(references_model=Case):
        columns = tuple(f.column for f in model._meta.fields if utils.related_model(f) is Case)
        sources.append((model._meta.label, model.pgh_tracked_model._meta.label, model._meta.db_table, columns))
    for model in core.event_models(tracks_model=Person):
        sources.append((model._meta.label, "victims.Person", model._meta.db_table, ("pgh_obj_id",)))
    return tuple(sources)


def _events(case_id: int, person_ids: list[int]) -> list[Events]:
    """The events of a case and of its persons, as `Events.objects.references(case)` and
    `.tracks(persons)` give them, in one short statement: pghistory's union computes each row's
    data and diff in SQL, which costs more to plan (10 ms) than to run; here Python compares."""
    selects, params = [], []
    for label, tracked, table, columns in _event_sources():
        where = " OR ".join(f"e.{column} = ANY(%s)" for column in columns)
        selects.append(
            f"SELECT %s, %s, e.pgh_id, e.pgh_created_at, e.pgh_label, e.pgh_obj_id::text, row_to_json(e)::text, "  # noqa: S608
            f"(SELECT row_to_json(p)::text FROM {table} p WHERE p.pgh_obj_id = e.pgh_obj_id AND p.pgh_id < e.pgh_id "
            f"ORDER BY p.pgh_id DESC LIMIT 1), e.pgh_context_id, c.metadata::text "
            f"FROM {table} e LEFT JOIN {Context._meta.db_table} c ON c.id = e.pgh_context_id WHERE {where}"
        )
        ids = person_ids if tracked == "victims.Person" else [case_id]
        params += [label, tracked, *([ids] * len(columns))]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    events = []
    for label, tracked, pgh_id, created_at, pgh_label, obj_id, current, previous, context_id, context in rows:
        data = {key: value for key, value in json.loads(current).items() if not key.startswith("pgh_")}
        before = json.loads(previous) if previous else None
        diff = {key: [before[key], value] for key, value in data.items()
                if before is not None and key in before and before[key] != value}
        events.append(Events(
            pgh_slug=f"{label}:{pgh_id}", pgh_model=label, pgh_id=pgh_id, pgh_created_at=created_at,
            pgh_label=pgh_label, pgh_data=data, pgh_diff=diff or None, pgh_context_id=context_id,
            pgh_context=json.loads(context) if context else None, pgh_obj_model=tracked, pgh_obj_id=obj_id,
        ))
    return events


def _hidden_parts(case: Case) -> frozenset[str]:
    """The case's fields of parts shared on their own (trafficking, health) this reader lacks."""
    hidden = set()
    if not getattr(case, "trafficking_visible", False):
        hidden |= Case.TRAFFICKING_FIELDS
    if not getattr(case, "health_visible", False):
        hidden |= Case.HEALTH_FIELDS
    return frozenset(hidden)


def _clean(event, *, identity_visible: bool, hidden_parts: frozenset[str] = frozenset()) -> None:
    registered = SENSITIVE_HISTORY_FIELDS.get(event.pgh_obj_model)
    hide_all = not identity_visible and registered is None
    sensitive = set() if identity_visible else (registered or set())
    if event.pgh_obj_model == "victims.Case":
        sensitive |= hidden_parts
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
