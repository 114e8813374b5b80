"""The rules of the policy version in force for facilities: maximum stay and licensing deadlines.

One entry point per parameter. The support app owns the policy versions (support.PolicyVersion);
when it provides `support.policy.policy_parameter(name, on_date)` that answer wins. Until then (and
for any parameter it does not know: it raises LookupError or returns None) the fallback table below
is used. The table is data: one row per policy version with its dates, never `if` on dates. The code of the
version shown next to a stay comes from `support.policy.version_in_force(day)` when it exists.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, transaction

# Parameter names asked of the support app.
MAX_STAY_DAYS = "max_stay_days"
LICENCE_APPRAISAL_WORKING_DAYS = "licence_appraisal_working_days"
LICENCE_DECISION_WORKING_DAYS = "licence_decision_working_days"

# How long before the end of the maximum stay a stay shows on the warning list (days).
NEAR_LIMIT_DAYS = 14
# A licence is valid for at most this many years (Decree 09/2013, Art. 11; newer operating permits).
LICENCE_MAX_YEARS = 5


@dataclass(frozen=True)
class PolicyRow:
    code: str
    valid_from: datetime.date | None  # None: since always
    valid_to: datetime.date | None  # None: until replaced; inclusive
    parameters: dict


FALLBACK_POLICY: tuple[PolicyRow, ...] = (
    PolicyRow("ND-09-2013", None, datetime.date(2025, 6, 30), {
        MAX_STAY_DAYS: 60,
        LICENCE_APPRAISAL_WORKING_DAYS: 15,
        LICENCE_DECISION_WORKING_DAYS: 7,
    }),
    PolicyRow("LAW-53-2024", datetime.date(2025, 7, 1), None, {
        MAX_STAY_DAYS: 120,
        LICENCE_APPRAISAL_WORKING_DAYS: 5,
        LICENCE_DECISION_WORKING_DAYS: 3,
    }),
)


def fallback_row(on_date: datetime.date) -> PolicyRow:
    for row in FALLBACK_POLICY:
        if (row.valid_from is None or row.valid_from <= on_date) and (
            row.valid_to is None or on_date <= row.valid_to
        ):
            return row
    raise LookupError(f"No facility policy in force on {on_date}")


def _support_policy():
    """The support app's policy module, or None (never imported at module import time)."""
    if not apps.is_installed("support"):
        return None
    try:
        from support import policy as support_policy
    except ImportError:
        return None
    return support_policy


def _from_support(name: str, on_date: datetime.date):
    """The support app's value, or None when it is absent or does not know the parameter."""
    support_policy = _support_policy()
    getter = getattr(support_policy, "policy_parameter", None) if support_policy else None
    if getter is None:
        return None
    return _guarded(getter, name, on_date)


def _guarded(function, *args):
    """Call into support; a missing table (support not migrated yet) or an unknown parameter gives
    None. The savepoint keeps the caller's transaction usable after a database error."""
    try:
        with transaction.atomic():
            return function(*args)
    except (LookupError, DatabaseError):
        return None


def parameter(name: str, on_date: datetime.date) -> int:
    value = _from_support(name, on_date)
    if value is None:
        value = fallback_row(on_date).parameters[name]
    return int(value)


def max_stay_days(on_date: datetime.date) -> int:
    """The maximum stay in a facility (days) for a stay admitted on `on_date`."""
    return parameter(MAX_STAY_DAYS, on_date)


def licence_appraisal_working_days(on_date: datetime.date) -> int:
    """Working days the provincial department has to appraise an application filed on `on_date`."""
    return parameter(LICENCE_APPRAISAL_WORKING_DAYS, on_date)


def licence_decision_working_days(on_date: datetime.date) -> int:
    """Working days for the chairman's decision after the appraisal (application filed on `on_date`)."""
    return parameter(LICENCE_DECISION_WORKING_DAYS, on_date)


def policy_code(on_date: datetime.date) -> str:
    """The code of the policy version in force (support's national version when it has one)."""
    support_policy = _support_policy()
    finder = getattr(support_policy, "version_in_force", None) if support_policy else None
    version = _guarded(finder, on_date) if finder else None
    return version.code if version is not None else fallback_row(on_date).code
