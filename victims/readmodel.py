"""The read model: what an actor may see of a scoped record, and the access-log row for reading it.

Scope (which records) is `Model.objects.visible_to(actor, action)`; this module decides how much of a
record in scope is shown (full, masked or hidden) and records that it was shown. Views, templates,
exports, PDFs, the admin and the API use these functions; nothing renders a person's name directly.

- `person_name(person, identity_visible)`: the one masking rule for names ("T. T. H.": initials only,
  so neither the length of a word nor the number of letters leaks).
- `sensitive_value(value, identity_visible)`: a neutral marker for a hidden value.
- `log_reads(actor, objects, action, request_id)`: one access-log row per record shown, one INSERT.
- `log_refused(...)`: a refused attempt (404/403 on a victim-data URL), so id guessing is visible.
"""

from __future__ import annotations

from collections.abc import Iterable

from accounts.actor import Actor, as_user
from accounts.text import nfc

HIDDEN = "***"
REFUSED = "refused"  # access-log action of a refused attempt


def mask_name(name: str) -> str:
    """'Nguyễn Thị Hoa' -> 'N. T. H.': the initial of each word; word lengths are not revealed."""
    return " ".join(f"{word[0]}." for word in nfc(name or "").split())


def person_name(person, identity_visible: bool) -> str:
    """The person's name for a reader: real with identity access, masked otherwise."""
    if person is None:
        return ""
    return person.full_name if identity_visible else mask_name(person.full_name)


def case_name(case) -> str:
    """The victim's name of a case read through a selector (which annotates `identity_visible`)."""
    return person_name(case.person, bool(getattr(case, "identity_visible", False)))


def sensitive_value(value, identity_visible: bool):
    """The value itself for readers with identity access, else the hidden marker (or nothing)."""
    if identity_visible:
        return value
    return None if value in (None, "", []) else HIDDEN


def _agency_id(actor) -> int | None:
    if isinstance(actor, Actor):
        return actor.agency_id
    membership = getattr(as_user(actor), "acting_membership", None)
    return getattr(membership, "agency_id", None)


def log_reads(actor, objects: Iterable, action: str, request_id: str = "") -> None:
    """Record that the actor was shown these records (ids only, never personal data)."""
    from .services import access_log_write_many

    objects = [obj for obj in objects if obj is not None]
    if objects:
        access_log_write_many(user=as_user(actor), agency=_agency_id(actor), objects=objects,
                              action=action, request_id=request_id)


def log_request_reads(request, objects: Iterable, action: str) -> None:
    log_reads(getattr(request, "actor", None) or request.user, objects, action,
              getattr(request, "request_id", ""))


# Namespaces whose URLs show victim data: a refusal there is written to the access log.
VICTIM_DATA_NAMESPACES = frozenset({"victims", "support", "facilities", "api"})


def log_refused(request, status: int) -> None:
    """A refused attempt (404 or 403) on a victim-data URL: the URL's name and its ids, never the
    object (it may not exist), so a manager sees someone trying ids."""
    from .models import AccessLog

    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or not getattr(user, "is_authenticated", False):
        return
    if not VICTIM_DATA_NAMESPACES & set(match.namespaces):
        return
    ids = ",".join(f"{key}={value}" for key, value in sorted(match.kwargs.items()))
    AccessLog.objects.create(
        user_id=user.pk, agency_id=_agency_id(getattr(request, "actor", None) or user),
        object_type=f"url:{match.view_name}"[:100], object_id=ids[:64], action=f"{REFUSED}.{status}",
        request_id=getattr(request, "request_id", "")[:64],
    )
