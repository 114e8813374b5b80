"""Scoped querysets: `visible_to(user, action)` is the one entry point for every facility model."""

from django.db import models

from accounts.roles import Action


class FacilityQuerySet(models.QuerySet):
    def visible_to(self, user, action: str, *, through_cases: bool = True):
        """Facilities in the user's scope for the action; `through_cases=False` leaves out those
        reached only because a visible case has a stay there (no address, licences or residents)."""
        from ..scoping import facility_scope

        scope = facility_scope(user, action, through_cases=through_cases)
        return self.none() if scope is None else self.filter(scope)


class FacilityScopedQuerySet(models.QuerySet):
    """Licences, applications, inspections: visible with their facility (owner or department)."""

    def visible_to(self, user, action: str):
        from ..scoping import facility_scope

        scope = facility_scope(user, action, through_cases=False)
        if scope is None:
            return self.none()
        from .facility import Facility

        return self.filter(facility__in=Facility.objects.filter(scope))


class InspectionQuerySet(FacilityScopedQuerySet):
    def visible_to(self, user, action: str):
        """A scheduled unannounced inspection is hidden from the facility's own agency."""
        from ..scoping import inspection_scope

        scope = inspection_scope(user, action)
        return self.none() if scope is None else self.filter(scope)


class StayQuerySet(models.QuerySet):
    def visible_to(self, user, action: str):
        from ..scoping import stay_scope

        scope = stay_scope(user, action)
        return self.none() if scope is None else self.filter(scope)

    def of_case(self, user, case, action: str = Action.FACILITY_VIEW):
        """The stays of one case this user may see for `action`. Reading, every stay of a case in the
        user's facility.view scope is visible (`stay_scope`): for a case `case_get` read in this
        request, the case row says so without the scope in the statement."""
        from victims.scoping import case_scope_test
        from victims.selectors import read_through_case_get

        test = (case_scope_test(user, action) if action == Action.FACILITY_VIEW and read_through_case_get(user, case)
                else None)
        rows = self if test is not None and test(case) else self.visible_to(user, action)
        return rows.filter(case_id=case.pk)

    def current(self):
        return self.filter(discharged_on__isnull=True)


class StayScopedQuerySet(models.QuerySet):
    """Extensions of a stay: visible with their stay."""

    def visible_to(self, user, action: str):
        from .stay import Stay

        return self.filter(stay__in=Stay.objects.visible_to(user, action))
