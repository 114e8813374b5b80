"""Writes of the reporting app: the programme activities register (an agency's own records)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.formviews import history_context
from accounts.roles import Action

from .models import ProgrammeActivity

ACTIVITY_FIELDS = frozenset({
    "kind", "held_on", "province", "title", "participants", "trainees", "panels", "posters", "leaflets",
    "booklets", "note",
})


def _check(actor):
    if actor is None or not actor.can(Action.ACTIVITY_RECORD) or actor.agency is None:
        raise PermissionDenied(_("Your role does not allow this."))


def activity_create(*, actor, **fields) -> ProgrammeActivity:
    """Record a programme activity for the actor's agency."""
    _check(actor)
    unknown = set(fields) - ACTIVITY_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic(), history_context(actor):
        activity = ProgrammeActivity(agency=actor.agency, created_by=actor.user, **fields)
        activity.full_clean()
        activity.save()
        return activity


def activity_update(*, actor, activity: ProgrammeActivity, **fields) -> ProgrammeActivity:
    """Correct an activity of the actor's own agency (the history keeps every version)."""
    _check(actor)
    unknown = set(fields) - ACTIVITY_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic(), history_context(actor):
        activity = ProgrammeActivity.objects.select_for_update().get(pk=activity.pk, agency_id=actor.agency_id)
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.full_clean()
        activity.save()
        return activity
