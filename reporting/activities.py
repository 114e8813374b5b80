"""Selectors of the programme activities register, for the pages and the API (one rule for both)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action

from .models import ProgrammeActivity
from .scope import Filters, activity_rows, statistics_geography


def may_list(actor) -> bool:
    return bool(actor and (actor.can(Action.ACTIVITY_RECORD) or actor.can(Action.STATISTICS_VIEW)))


def activity_list(actor):
    """The activities an actor may list: their agency's own; with statistics, their geography's."""
    if not may_list(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    own = Q(agency_id=actor.agency_id) if actor.can(Action.ACTIVITY_RECORD) else Q(pk__in=[])
    rows = ProgrammeActivity.objects.filter(own)
    if actor.can(Action.STATISTICS_VIEW):
        geography = statistics_geography(actor)
        everything = Filters(start=datetime.date(2000, 1, 1), end=timezone.localdate())
        rows = rows | activity_rows(geography, everything)
    return rows.select_related("agency", "province").order_by("-held_on", "-pk")


def activity_editable(actor):
    """The activities an actor may correct: their own agency's (another agency's answers 404)."""
    if actor is None or not actor.can(Action.ACTIVITY_RECORD) or actor.agency_id is None:
        raise PermissionDenied(_("Your role does not allow this."))
    return ProgrammeActivity.objects.filter(agency_id=actor.agency_id).select_related("agency", "province")
