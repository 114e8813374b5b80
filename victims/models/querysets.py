"""Scoped querysets: `visible_to(user, action)` is the one entry point for every victim-data model."""

from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce

from accounts.roles import Action

from ..scoping import active_grant_q, case_scope

# The parts a referral may share on their own, each with its action (flag name -> action).
PART_FLAGS = {
    "trafficking_visible": Action.CASE_VIEW_TRAFFICKING, "health_visible": Action.CASE_VIEW_HEALTH,
    "documents_visible": Action.CASE_VIEW_DOCUMENTS,
}


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, action: str):
        scope = case_scope(user, action)
        return self.none() if scope is None else self.filter(scope)

    def with_flags(self, user, **actions: str):
        """Annotate each name with whether the row is in this user's scope for its action."""
        return self.annotate(**{name: _in_scope_flag(user, action) for name, action in actions.items()})

    def with_identity_flag(self, user):
        """Annotate `identity_visible`: may this user see names and sensitive details (per case)."""
        return self.with_flags(user, identity_visible=Action.CASE_VIEW_IDENTITY)

    def with_part_flags(self, user):
        """Annotate `trafficking_visible`, `health_visible`, `documents_visible`: the parts of the
        file a referral may share on their own (each its action, per case)."""
        return self.with_flags(user, **PART_FLAGS)


def _in_scope_flag(user, action: str):
    """Is this row in the user's scope for `action`: the scope's condition evaluated on the row itself
    (the same as EXISTS of the scoped table at this pk, without a second scan of the case table for
    each row, or a nested query to build)."""
    scope = case_scope(user, action)
    if scope is None:
        return Value(False, output_field=BooleanField())
    # A case without a province makes its province path NULL, not false: the flag is never NULL.
    return Coalesce(ExpressionWrapper(scope, output_field=BooleanField()), Value(False))


class CaseScopedQuerySet(models.QuerySet):
    """For every model that hangs off a case through a `case` foreign key."""

    def visible_to(self, user, action: str):
        from .case import Case

        return self.filter(case__in=Case.objects.visible_to(user, action))

    def of_case(self, user, case, action: str = Action.CASE_VIEW):
        """The rows of one case this user may see for `action`. A case `case_get` has just read for
        this user and action is already known to be in scope: its rows need no second scope check."""
        from ..selectors import read_through_case_get

        rows = self if read_through_case_get(user, case, action) else self.visible_to(user, action)
        return rows.filter(case_id=case.pk)


class PersonQuerySet(models.QuerySet):
    def surviving(self):
        """Persons not merged into another (victims.duplicates): the ones to list and count."""
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user, action: str):
        """A person is visible through a visible case: as its victim or as an accompanying child."""
        from .case import Case, CaseChild

        cases = Case.objects.visible_to(user, action)
        return self.surviving().filter(
            Q(pk__in=cases.values("person_id"))
            | Q(pk__in=CaseChild.objects.filter(case__in=cases).values("person_id"))
        )


class CaseAccessGrantQuerySet(CaseScopedQuerySet):
    def active(self):
        return self.filter(active_grant_q())


class ReferralQuerySet(CaseScopedQuerySet):
    def visible_to(self, user, action: str):
        """A referral is visible through its case's scope, and to the receiving agency (its inbox)
        before it sees the case: the referral row, never more of the file than its grant opens."""
        from ..scoping import actor_sets, memberships_allowing, scope_path
        from .case import Case

        scope = case_scope(user, action)
        if scope is None:
            return self.none()
        # A bound actor's receiving agency from its acting membership (read once per request).
        sets = actor_sets(user, action)
        receiving = (Q(receiving_agency_id__in=memberships_allowing(user, action).values("agency_id")) if sets is None
                     else scope_path("receiving_agency_id", sets[0]))
        through_case = Q(case__in=Case.objects.visible_to(user, action))
        return self.filter(through_case if receiving is None else through_case | receiving)
