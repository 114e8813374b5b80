"""Who may see which case: computed from data (memberships, agencies, grants), as lazy subqueries.

A case is visible to a user for an action when one of the user's active memberships has a role that
allows the action (accounts.roles, checked per membership, so per agency) and that membership's
agency
  (a) owns the case, or
  (b) holds an active grant for that action (not revoked, not expired) — or the grant names the user
      personally, and the user has some active membership whose role allows the action, or
  (c) is a provincial social-affairs department whose jurisdiction is the case's province (the
      victim's home province, else the receiving agency's) or the owning agency's province.

Everything is built from subqueries of querysets (never Python lists of ids), so a scoped queryset is
one SQL statement whatever the number of grants, agencies or cases.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Exists, Expression, F, Q
from django.db.models.functions import Now

from accounts.actor import UNBOUND, acting_membership, as_user
from accounts.models import AdministrativeUnit, Agency, Membership
from accounts.roles import roles_allowing

SOCIAL_AFFAIRS_DEPARTMENT = "social_affairs_department"
POLICE = "police"


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

    def __init__(self, column: str, queryset):
        super().__init__()
        self.column, self.values = F(column), ArraySubquery(queryset.order_by())

    def get_source_expressions(self):
        return [self.column, self.values]

    def set_source_expressions(self, expressions):
        self.column, self.values = expressions

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        values, values_params = compiler.compile(self.values)
        return f"{column} = ANY({values})", (*column_params, *values_params)


def case_scope(user, action: str) -> Q | None:
    """The filter on Case for `Case.objects.visible_to`; None when nothing can be visible.

    Each path is an index condition on the case table (owner, grant, province, owner's province), so
    PostgreSQL may count with a BitmapOr of four index scans or walk a sorted index and stop at the
    page: an OR of `IN (subquery)` paths could only scan the whole table.
    """
    if not is_acting_user(user) or not roles_allowing(action):
        return None
    from .models import CaseAccessGrant

    memberships = memberships_allowing(user, action)
    agencies = memberships.values("agency_id")
    department_provinces = memberships.filter(
        agency__type__code=SOCIAL_AFFAIRS_DEPARTMENT,
        agency__jurisdiction__level=AdministrativeUnit.Level.PROVINCE,
    ).values("agency__jurisdiction_id")
    agencies_in_department_provinces = Agency.objects.filter(
        Q(jurisdiction_id__in=department_provinces) | Q(jurisdiction__parent_id__in=department_provinces)
    ).values("pk")
    grants = CaseAccessGrant.objects.active().filter(actions__contains=[action]).filter(
        Q(grantee_agency_id__in=agencies) | (Q(grantee_user_id=as_user(user).pk) & Q(Exists(memberships)))
    )
    return (
        Q(AnyOf("owning_agency_id", agencies))
        | Q(AnyOf("pk", grants.values("case_id")))
        | Q(AnyOf("province_id", department_provinces))
        | Q(AnyOf("owning_agency_id", agencies_in_department_provinces))
    )


def active_grant_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": Now()})
    )
