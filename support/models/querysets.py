"""Scoped querysets: support data is visible through the case it belongs to (victims.scoping).

Models with a `case` foreign key (requests, loans) use victims' `CaseScopedQuerySet`."""

from django.db import models


def _visible_cases(user, action: str):
    from victims.models import Case

    return Case.objects.visible_to(user, action)


class RequestScopedQuerySet(models.QuerySet):
    """Models that hang off a support request (lines, documents, decisions)."""

    def visible_to(self, user, action: str):
        return self.filter(request__case__in=_visible_cases(user, action))


class LineScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action: str):
        return self.filter(line__request__case__in=_visible_cases(user, action))


class LoanScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action: str):
        return self.filter(loan__case__in=_visible_cases(user, action))
