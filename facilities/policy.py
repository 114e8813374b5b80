"""The rules of the policy version in force for facilities: maximum stay and licensing deadlines.

The numbers live in one place, the support app's policy versions (`support.PolicyParameter`, seeded
for ND-09-2013 and LAW-53-2024, editable by administrators); this module only names them.
"""

import datetime

from support import policy as support_policy

# Parameter names of the policy versions.
MAX_STAY_DAYS = "max_stay_days"
LICENCE_APPRAISAL_WORKING_DAYS = "licence_appraisal_working_days"
LICENCE_DECISION_WORKING_DAYS = "licence_decision_working_days"

# How long before the end of the maximum stay a stay shows on the warning list (days).
NEAR_LIMIT_DAYS = 14
# A licence is valid for at most this many years (Decree 09/2013, Art. 11; newer operating permits).
LICENCE_MAX_YEARS = 5


def parameter(name: str, on_date: datetime.date) -> int:
    """LookupError when no version is in force or it lacks the parameter: never a silent default."""
    return int(support_policy.policy_parameter(name, on_date))


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
    """The code of the national policy version in force."""
    version = support_policy.version_in_force(on_date)
    if version is None:
        raise LookupError(f"No policy version is in force on {on_date}")
    return version.code
