"""Who may see and act on which facility: computed from memberships and agencies, as subqueries.

A facility is reached through one of three paths, and each action says which paths count:

  owner       a membership (whose role allows the action) in the agency that owns the facility;
  department  a membership in the provincial social-affairs department of the facility's province;
  cases       facility.view only: the user may see a case with a stay in the facility (a case-holding
              agency needs to know where its victim stays; it never sees the address, the licences,
              the inspections or the other residents).

Licensing and inspections belong to the department alone; admitting and discharging residents to the
facility's own agency; extensions of stays to the facility's managers and the department. There is
no public list: every path needs an active membership.
"""

from django.db.models import Exists, Q

from accounts.models import AdministrativeUnit
from accounts.roles import Action
from victims.scoping import (
    SOCIAL_AFFAIRS_DEPARTMENT,
    actor_sets,
    is_acting_user,
    memberships_allowing,
    roles_allowing,
    scope_path,
)

from .choices import InspectionKind, InspectionStatus

OWNER, DEPARTMENT, CASES = "owner", "department", "cases"

SCOPE_PATHS: dict[str, frozenset[str]] = {
    Action.FACILITY_VIEW: frozenset({OWNER, DEPARTMENT, CASES}),
    Action.FACILITY_VIEW_ADDRESS: frozenset({OWNER, DEPARTMENT}),
    Action.FACILITY_MANAGE: frozenset({OWNER, DEPARTMENT}),
    Action.FACILITY_LICENSE: frozenset({DEPARTMENT}),
    Action.FACILITY_INSPECT: frozenset({DEPARTMENT}),
    Action.STAY_MANAGE: frozenset({OWNER}),
    Action.STAY_EXTEND: frozenset({OWNER, DEPARTMENT}),
}


def department_provinces(memberships):
    """The provinces of the social-affairs departments among these memberships (a subquery)."""
    return memberships.filter(
        agency__type__code=SOCIAL_AFFAIRS_DEPARTMENT,
        agency__jurisdiction__level=AdministrativeUnit.Level.PROVINCE,
    ).values("agency__jurisdiction_id")


def _acting_paths(user, action: str):
    """(owner agency ids, department province ids, the condition that a membership allows the action).
    For an actor bound to its acting membership (every request), the ids come from the membership
    read once per request (`actor_sets`): each scoped statement then carries parameters, not
    membership subqueries to build, compile and plan. Otherwise lazy subqueries."""
    sets = actor_sets(user, action)
    if sets is None:
        memberships = memberships_allowing(user, action)
        return memberships.values("agency_id"), department_provinces(memberships), Q(Exists(memberships))
    agencies, provinces, _agencies_in_provinces, _nearby = sets
    return agencies, provinces, (Q() if agencies else None)


def _or(parts: list[Q | None]) -> Q | None:
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def facility_scope(user, action: str, *, through_cases: bool = True, paths=None) -> Q | None:
    """The filter on Facility for `Facility.objects.visible_to`; None when nothing can be visible."""
    paths = SCOPE_PATHS.get(action, frozenset()) if paths is None else paths & SCOPE_PATHS.get(action, frozenset())
    if not paths or not is_acting_user(user) or not roles_allowing(action):
        return None
    agencies, provinces, allowed = _acting_paths(user, action)
    parts = []
    if OWNER in paths:
        parts.append(scope_path("owner_agency_id", agencies))
    if DEPARTMENT in paths:
        parts.append(scope_path("province_id", provinces))
    if CASES in paths and through_cases and allowed is not None:
        from victims.models import Case

        from .models import Stay

        cases = Case.objects.visible_to(user, Action.FACILITY_VIEW)
        parts.append(allowed & Q(pk__in=Stay.objects.filter(case__in=cases).values("facility_id")))
    return _or(parts)


def stay_scope(user, action: str) -> Q | None:
    """Stays of facilities reached as owner or department; for reading, also the stays of the cases
    the user may see *for facility.view*: the case's owner and department, and shares that name
    facility.view (a share for case.view alone does not reveal where the victim stays)."""
    from .models import Facility

    parts = []
    facilities = facility_scope(user, action, through_cases=False)
    if facilities is not None:
        parts.append(Q(facility__in=Facility.objects.filter(facilities)))
    if action == Action.FACILITY_VIEW and is_acting_user(user) and roles_allowing(action):
        from victims.models import Case

        allowed = _acting_paths(user, action)[2]
        if allowed is not None:
            parts.append(allowed & Q(case__in=Case.objects.visible_to(user, Action.FACILITY_VIEW)))
    return _or(parts)


def inspection_scope(user, action: str) -> Q | None:
    """Inspections of facilities reached as department, or as owner once they are no surprise:
    a scheduled unannounced inspection is hidden from the facility's own agency."""
    from .models import Facility

    parts = []
    department = facility_scope(user, action, paths=frozenset({DEPARTMENT}))
    if department is not None:
        parts.append(Q(facility__in=Facility.objects.filter(department)))
    owner = facility_scope(user, action, paths=frozenset({OWNER}))
    if owner is not None:
        surprise = Q(kind=InspectionKind.UNANNOUNCED, status=InspectionStatus.PLANNED)
        parts.append(Q(facility__in=Facility.objects.filter(owner)) & ~surprise)
    return _or(parts)
