"""Who may see which case: computed from data (memberships, agencies, grants), as lazy subqueries.

A case is visible to a user for an action when one of the user's active memberships has a role that
allows the action (accounts.roles, checked per membership, so per agency) and that membership's
agency
  (a) owns the case, or
  (b) holds an active grant for that action (not revoked, not expired) — or the grant names the user
      personally, and the user has some active membership whose role allows the action, or
  (c) is a provincial social-affairs department whose jurisdiction is the case's province (the
      victim's home province, else the receiving agency's) or the owning agency's province.

A scoped queryset is one SQL statement whatever the number of grants, agencies or cases. The actor's
own small sets (the acting membership's agency, a department's province, the agencies in it) and its
granted case ids are read once per request (`actor_sets`, `_granted_ids`) and passed as array
parameters, so neither Django nor PostgreSQL builds and plans their subqueries again in every
statement (a case page runs ~30). A grant written in the request makes the next statement read the
grants again (`grants_changed`); past GRANTED_IDS_CAP grants the path stays a subquery.
"""

import functools
import itertools
import operator
from collections.abc import Callable
from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, router
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    Q,
    Value,
)
from django.db.models.functions import Now

from accounts.actor import UNBOUND, acting_membership, as_user
from accounts.models import AdministrativeUnit, Agency, Membership
from accounts.roles import roles_allowing

SOCIAL_AFFAIRS_DEPARTMENT = "social_affairs_department"
POLICE = "police"
GRANTED_IDS_CAP = 2000  # more active grants than this for one agency: the grants path stays a subquery

_grant_writes = itertools.count(1)
_grant_generation = 0


def grants_changed() -> None:
    """A grant was written (saved, revoked, deleted) in this process: every binding reads its grants
    again before its next scoped statement. Connected to the grant's saves and deletes
    (victims.apps); the services that revoke with `update()` call it themselves."""
    global _grant_generation
    _grant_generation = next(_grant_writes)


def is_acting_user(user) -> bool:
    user = as_user(user)
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def memberships_allowing(user, action: str):
    """The memberships the actor acts through (in active agencies) whose role allows the action: lazy.

    Every scope is built from this one function. A user bound to an acting membership (every browser
    request and API client, see accounts.actor) acts through that membership alone; an unbound user
    through all of its active memberships.
    """
    user = as_user(user)
    memberships = Membership.objects.filter(
        user_id=user.pk, is_active=True, agency__is_active=True, role__in=roles_allowing(action)
    )
    bound = acting_membership(user)
    if bound is UNBOUND:
        return memberships
    if bound is None:
        return memberships.none()
    return memberships.filter(pk=bound.pk)


class AnyOf(Expression):
    """`column = ANY(ARRAY(subquery))`: PostgreSQL runs the subquery once (an InitPlan) and, unlike
    `column IN (subquery)`, can serve the comparison with the column's index, and an OR of several
    with a BitmapOr."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, values):
        super().__init__()
        self.column = F(column)
        # A list of ids (already resolved) is one array parameter: nothing left to plan.
        self.values = Value(list(values)) if isinstance(values, list | tuple) else ArraySubquery(values.order_by())

    def get_source_expressions(self):
        return [self.column, self.values]

    def set_source_expressions(self, expressions):
        self.column, self.values = expressions

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        values, values_params = compiler.compile(self.values)
        if isinstance(self.values, Value):
            values = f"{values}::bigint[]"  # typed even when empty
        return f"{column} = ANY({values})", (*column_params, *values_params)


def case_scope(user, action: str) -> Q | None:
    """The filter on Case for `Case.objects.visible_to`; None when nothing can be visible.

    Each path is an index condition on the case table (owner, grant, province, owner's province), so
    PostgreSQL may count with a BitmapOr of index scans or walk a sorted index and stop at the page:
    an OR of `IN (subquery)` paths could only scan the whole table. Paths that open nothing are left
    out (`_path`).
    """
    cache = _binding_cache(user)
    if cache is not None:
        _forget_stale_grants(cache)
        if ("case_scope", action) in cache:
            return cache["case_scope", action]
    paths = _scope_paths(user, action)
    if paths is None:
        scope = None
    else:
        opened = [path for path in itertools.starmap(scope_path, zip(PATH_COLUMNS, paths, strict=True))
                  if path is not None]
        scope = functools.reduce(operator.or_, opened) if opened else Q(AnyOf("pk", []))
    if cache is not None:
        # The same filter for every scoped query of the request (a case page runs ~30).
        cache["case_scope", action] = scope
    return scope


# The case's column each of the four paths of `_scope_paths` compares with its ids.
PATH_COLUMNS = ("owning_agency_id", "pk", "province_id", "owning_agency_id")


def case_scope_test(user, action: str) -> Callable[[object], bool] | None:
    """The scope for `action` as a test of a case row: the very paths `case_scope` turns into SQL,
    compared with the row's own columns, so a page holding the case it read in this request asks the
    database nothing more about it. None when a path is a subquery (an unbound user, or more than
    GRANTED_IDS_CAP grants): then only the database can answer (`CaseQuerySet.with_flags`)."""
    paths = _scope_paths(user, action)
    if paths is None:
        return lambda case: False
    if not all(isinstance(ids, list | tuple) for ids in paths):
        return None
    pairs = [(column, set(ids)) for column, ids in zip(PATH_COLUMNS, paths, strict=True) if ids]
    return lambda case: any(getattr(case, column) in ids for column, ids in pairs)


def scope_tests(user, **actions: str) -> dict[str, Callable[[object], bool]] | None:
    """Each flag's scope as a test of a case row already read: what `CaseQuerySet.with_flags` would
    compute in SQL, answered from the row's columns. None when one of them can only be answered by
    the database; then annotate the query with `with_flags` instead."""
    tests = {name: case_scope_test(user, action) for name, action in actions.items()}
    return None if None in tests.values() else tests


def scope_path(column: str, values) -> Q | None:
    """One path of the scope: None when it opens nothing, an equality for one value. An agency that
    owns its cases and has no grant is then `owning_agency_id = x` alone, which `case_owner_received`
    serves in the list's order (a deep page reads its own entries, not the country's by date)."""
    if isinstance(values, list | tuple):
        if not values:
            return None
        if len(values) == 1:
            return Q(**{column: values[0]})
    return Q(AnyOf(column, values))


def _forget_stale_grants(cache: dict) -> None:
    """Drop what a binding resolved from the grants when a grant was written since."""
    if cache.get("grant_generation") != _grant_generation:
        for key in [k for k in cache if isinstance(k, tuple) and k[0] == "case_scope"]:
            del cache[key]
        cache.pop("grants", None)
        cache["grant_generation"] = _grant_generation


def _granted_ids(user, action: str, grants):
    """The case ids granted to a bound actor for `action`, as a list (or the subquery of `grants()`
    when there are more than GRANTED_IDS_CAP). Read with the acting membership (`actor_sets`), so no
    query of their own, unless a grant was written since: then one, for every action."""
    cache = _binding_cache(user)
    if cache is None:
        return grants().values("case_id")
    _forget_stale_grants(cache)
    if "grants" not in cache:
        from .models import CaseAccessGrant

        cache["grants"] = _grant_rows(list(CaseAccessGrant.objects.filter(
            _actor_grants(cache["row"][1], as_user(user).pk)).order_by("pk").values_list("case_id", "actions")
            [:GRANTED_IDS_CAP + 1]))
    rows = cache["grants"]
    if rows is None:
        return grants().values("case_id")
    return [case_id for case_id, actions in rows if action in actions]


def _actor_grants(agency, user) -> Q:
    """The active grants of an agency (an id or an outer reference) or of the user personally."""
    return active_grant_q() & (Q(grantee_agency_id=agency) | Q(grantee_user_id=user))


def _grant_rows(rows: list) -> list | None:
    return rows if len(rows) <= GRANTED_IDS_CAP else None


def _binding_cache(user) -> dict | None:
    """The per-binding cache `act_as` starts on the user object (one request); None when unbound."""
    user = as_user(user)
    cache = getattr(user, "scope_sets", None)
    return None if cache is None or acting_membership(user) is UNBOUND else cache


def receiving_agencies(user, action: str):
    """The agencies to offer in the case list's receiving-agency filter, without reading the scope's
    cases (a DISTINCT over a province's 100,000 cases took 0.7 s): the agencies of the actor's own
    jurisdiction (a department's: its province) and the receiving agencies of the cases granted to
    it. Offering an agency never widens the list, which is filtered by `case_scope` whatever is chosen."""
    from .models import Case

    paths = _scope_paths(user, action)
    if paths is None:
        return Agency.objects.none()
    sets = actor_sets(user, action)
    if sets is None:
        jurisdictions = memberships_allowing(user, action).values("agency__jurisdiction_id")
        nearby = _agencies_in(Q(jurisdiction_id__in=jurisdictions) | Q(jurisdiction__parent_id__in=jurisdictions))
    else:
        nearby = sets[3]
    agencies, granted_cases = paths[0], paths[1]
    return Agency.objects.filter(
        Q(AnyOf("pk", agencies)) | Q(AnyOf("pk", nearby))
        | Q(AnyOf("pk", Case.objects.filter(AnyOf("pk", granted_cases)).values("receiving_agency_id")))
    )


def _scope_paths(user, action: str):
    """The four paths of the scope: (agency ids, granted case ids, department province ids, agency ids
    in those provinces), each a list of ids or a lazy subquery; None when nothing can be visible."""
    if not is_acting_user(user) or not roles_allowing(action):
        return None
    from .models import CaseAccessGrant

    def grants(agencies, personal: Q):
        return CaseAccessGrant.objects.active().filter(actions__contains=[action]).filter(
            Q(AnyOf("grantee_agency_id", agencies)) | personal
        )

    sets = actor_sets(user, action)
    if sets is None:  # unbound (a shell, a task, a unit test): lazy subqueries, read afresh by every query
        memberships = memberships_allowing(user, action)
        agencies = memberships.values("agency_id")
        department_provinces = memberships.filter(
            agency__type__code=SOCIAL_AFFAIRS_DEPARTMENT,
            agency__jurisdiction__level=AdministrativeUnit.Level.PROVINCE,
        ).values("agency__jurisdiction_id")
        agencies_in_department_provinces = _agencies_in(Q(jurisdiction_id__in=department_provinces)
                                                        | Q(jurisdiction__parent_id__in=department_provinces))
        personal = Q(grantee_user_id=as_user(user).pk) & Q(Exists(memberships))
        return agencies, grants(agencies, personal).values("case_id"), department_provinces, agencies_in_department_provinces
    agencies, department_provinces, agencies_in_department_provinces, _nearby = sets
    if not agencies:  # no membership allows the action: every path is empty
        return None
    # The grants' subquery is built only when the ids are not at hand (past GRANTED_IDS_CAP).
    granted = _granted_ids(user, action, lambda: grants(agencies, Q(grantee_user_id=as_user(user).pk)))
    return agencies, granted, department_provinces, agencies_in_department_provinces


def _agencies_in(provinces: Q):
    return Agency.objects.filter(provinces).values("pk")


def actor_sets(user, action: str) -> tuple[list, list, list, list] | None:
    """For a user bound by `accounts.actor.act_as` (once per request) to its acting membership: the ids
    of the membership's agency (if its role allows the action), of its province if it is a provincial
    department, of the agencies in that province, and of the agencies in the agency's jurisdiction.
    The membership is read in one query, once per binding, and kept on the user object for the rest
    of the request (act_as starts an empty cache; nothing outlives the request). None when unbound."""
    user = as_user(user)
    cache = getattr(user, "scope_sets", None)
    bound = acting_membership(user)
    if cache is None or bound is UNBOUND:
        return None
    if "row" not in cache:
        cache["row"] = None if bound is None else _acting_row(bound.pk, user.pk)
        if cache["row"] is not None:
            *_, cases, actions = cache["row"]
            cache["grants"] = _grant_rows([(case, listed.split(",")) for case, listed in zip(cases, actions, strict=True)])
            cache["grant_generation"] = _grant_generation
    row = cache["row"]
    if row is None or row[0] not in roles_allowing(action):
        return [], [], [], []
    role, agency_id, type_code, level, jurisdiction_id, nearby, *_grants = row
    if type_code == SOCIAL_AFFAIRS_DEPARTMENT and level == AdministrativeUnit.Level.PROVINCE:
        return [agency_id], [jurisdiction_id], nearby, nearby
    return [agency_id], [], [], nearby


class ActingAgency(NamedTuple):
    id: int
    type_code: str


def acting_agency(user, action: str) -> ActingAgency | None:
    """The agency a bound actor acts for, when its role allows `action` (what `memberships_allowing`
    gives a bound actor, from the row read once per request); None otherwise, and for unbound users."""
    sets = actor_sets(user, action)
    if not sets or not sets[0]:
        return None
    row = _binding_cache(user)["row"]
    return ActingAgency(row[1], row[2])


# The acting membership with its agency's type, jurisdiction and nearby agencies, and its active
# grants (of the agency or of the user) as two arrays in grant order: case ids and actions. Plain
# SQL: read on every request, and the ORM took longer to build it than PostgreSQL to run it.
_ACTIVE_GRANTS = ("g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > CURRENT_TIMESTAMP) "
                  "AND (g.grantee_agency_id = m.agency_id OR g.grantee_user_id = m.user_id)")
_ACTING_ROW_SQL = (
    "SELECT m.role, m.agency_id, t.code, u.level, a.jurisdiction_id, "  # noqa: S608 (constants only)
    "ARRAY(SELECT n.id FROM accounts_agency n LEFT JOIN accounts_administrativeunit nu ON nu.id = n.jurisdiction_id "
    "WHERE n.jurisdiction_id = a.jurisdiction_id OR nu.parent_id = a.jurisdiction_id), "
    "ARRAY(SELECT g.case_id FROM victims_caseaccessgrant g WHERE " + _ACTIVE_GRANTS + " ORDER BY g.id LIMIT %(cap)s), "
    "ARRAY(SELECT array_to_string(g.actions, ',') FROM victims_caseaccessgrant g WHERE " + _ACTIVE_GRANTS
    + " ORDER BY g.id LIMIT %(cap)s) "
    "FROM accounts_membership m JOIN accounts_agency a ON a.id = m.agency_id "
    "JOIN accounts_agencytype t ON t.id = a.type_id "
    "LEFT JOIN accounts_administrativeunit u ON u.id = a.jurisdiction_id "
    "WHERE m.id = %(membership)s AND m.user_id = %(user)s AND m.is_active AND a.is_active"
)


def _acting_row(membership_id: int, user_id: int) -> tuple | None:
    with connections[router.db_for_read(Membership)].cursor() as cursor:
        cursor.execute(_ACTING_ROW_SQL, {"membership": membership_id, "user": user_id, "cap": GRANTED_IDS_CAP + 1})
        return cursor.fetchone()


def active_grant_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": Now()})
    )
