"""The licensing state machines, as data: the one place that says which state may follow which.

Application (hồ sơ đề nghị cấp giấy phép):
    submitted  → appraised (the department recommends a licence), rejected (returned after appraisal)
    appraised  → granted (the chairman's decision; a licence is issued), refused
    rejected, granted, refused: final

Licence (giấy phép):
    active     → suspended, revoked, superseded (by a renewal)
    suspended  → active (suspension lifted), revoked, superseded
    revoked, superseded: final
An active licence whose validity has ended is shown as expired (a date, not a state).
"""

from .choices import ApplicationStatus, LicenceStatus

APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.SUBMITTED: frozenset({ApplicationStatus.APPRAISED, ApplicationStatus.REJECTED}),
    ApplicationStatus.APPRAISED: frozenset({ApplicationStatus.GRANTED, ApplicationStatus.REFUSED}),
    ApplicationStatus.REJECTED: frozenset(),
    ApplicationStatus.GRANTED: frozenset(),
    ApplicationStatus.REFUSED: frozenset(),
}

LICENCE_TRANSITIONS: dict[str, frozenset[str]] = {
    LicenceStatus.ACTIVE: frozenset({LicenceStatus.SUSPENDED, LicenceStatus.REVOKED, LicenceStatus.SUPERSEDED}),
    LicenceStatus.SUSPENDED: frozenset({LicenceStatus.ACTIVE, LicenceStatus.REVOKED, LicenceStatus.SUPERSEDED}),
    LicenceStatus.REVOKED: frozenset(),
    LicenceStatus.SUPERSEDED: frozenset(),
}

OPEN_APPLICATION_STATUSES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.APPRAISED})
# Licences that can be renewed (the renewal supersedes them).
RENEWABLE_LICENCE_STATUSES = frozenset({LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED})


def can_move_application(from_status: str, to_status: str) -> bool:
    return to_status in APPLICATION_TRANSITIONS.get(from_status, frozenset())


def can_move_licence(from_status: str, to_status: str) -> bool:
    return to_status in LICENCE_TRANSITIONS.get(from_status, frozenset())
