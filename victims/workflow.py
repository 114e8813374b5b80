"""The case state machine, as data: the one place that says which status may follow which.

    from                    may move to
    received              → under_identification, identified, not_victim, closed
    under_identification  → identified, not_victim, closed
    identified            → in_support, follow_up, closed
    not_victim            → under_identification, closed
    in_support            → follow_up, closed
    follow_up             → in_support, closed
    closed                → (final)

- identified -> follow_up directly: a victim who goes straight home and needs no further support is
  still monitored (DOMAIN.md §2.6).
- follow_up -> in_support: needs found during a home visit reopen support.
- not_victim -> under_identification: new evidence reopens the identification.
- Every open status may close (a duplicate, lost contact, death, refusal, the end of monitoring);
  closed is final.
- identified / not_victim are entered only by recording an identification outcome (with its
  confirming document), closed only by a closure (with its reason).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_IDENTIFICATION = "under_identification", _("Under identification")
    IDENTIFIED = "identified", _("Identified as a victim")
    NOT_VICTIM = "not_victim", _("Not a victim")
    IN_SUPPORT = "in_support", _("In support")
    FOLLOW_UP = "follow_up", _("Reintegration follow-up")
    CLOSED = "closed", _("Closed")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({
        Status.UNDER_IDENTIFICATION, Status.IDENTIFIED, Status.NOT_VICTIM, Status.CLOSED,
    }),
    Status.UNDER_IDENTIFICATION: frozenset({Status.IDENTIFIED, Status.NOT_VICTIM, Status.CLOSED}),
    Status.IDENTIFIED: frozenset({Status.IN_SUPPORT, Status.FOLLOW_UP, Status.CLOSED}),
    Status.NOT_VICTIM: frozenset({Status.UNDER_IDENTIFICATION, Status.CLOSED}),
    Status.IN_SUPPORT: frozenset({Status.FOLLOW_UP, Status.CLOSED}),
    Status.FOLLOW_UP: frozenset({Status.IN_SUPPORT, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Statuses that only a particular service may enter, because they need more than a reason.
ENTERED_BY_IDENTIFICATION_OUTCOME = frozenset({Status.IDENTIFIED, Status.NOT_VICTIM})
ENTERED_BY_CLOSURE = frozenset({Status.CLOSED})

OPEN_STATUSES = frozenset(Status) - {Status.CLOSED}
# Statuses in which a reintegration plan may be made or revised.
PLAN_STATUSES = frozenset({Status.IDENTIFIED, Status.IN_SUPPORT, Status.FOLLOW_UP})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def next_statuses(from_status: str) -> list[str]:
    """For the UI: the statuses a case in `from_status` may move to, in workflow order."""
    allowed = TRANSITIONS.get(from_status, frozenset())
    return [status for status in Status if status in allowed]
