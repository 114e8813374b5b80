"""The role check every API view starts with, plus the token's scopes.

A view lists, per action (list, retrieve, create, …), the kind of action the acting role must allow
and the scope a token must carry: `rights = {"list": (Action.CASE_VIEW, ApiScope.CASES_READ)}`.
An object outside the actor's scope is not a permission question: the selectors answer 404.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import ApiToken


def request_scopes(request) -> frozenset[str] | None:
    """The token's scopes, or None for the browser session (its role alone decides)."""
    token = getattr(request, "auth", None)
    return frozenset(token.scopes) if isinstance(token, ApiToken) else None


class ActsForAnAgency(BasePermission):
    message = _("Your role or this token does not allow this.")

    def has_permission(self, request, view) -> bool:
        actor = getattr(request._request, "actor", None)
        if not request.user or not request.user.is_authenticated or actor is None or actor.membership is None:
            return False
        if getattr(view, "open_to_every_actor", False):
            return True
        if hasattr(view, "action_map") and view.action is None:
            return True  # a method the resource does not offer: 405 follows
        rights = getattr(view, "rights", {}).get(getattr(view, "action", None))
        if rights is None:
            return False
        action, scope = rights
        # A tuple of actions: any of them (the activities register lists for recorders and statisticians).
        if not any(actor.can(one) for one in (action if isinstance(action, tuple) else (action,))):
            return False
        scopes = request_scopes(request)
        return scopes is None or scope in scopes
