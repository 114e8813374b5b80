"""The actor in the browser: the role check every view starts with, and the agency it acts for.

A page of a kind the acting membership's role never allows answers 403; an object outside the actor's
scope answers 404 (the selectors raise it). The acting membership is the one chosen in the header
(accounts.middleware): a user with several memberships acts for one at a time, never "the first
that would do".
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_action(request, action: str) -> None:
    """403 unless the acting membership's role allows this kind of action."""
    if not request.user.can(action):
        raise PermissionDenied(_("Your role does not allow this."))


def requires(action: str):
    """View decorator: signed in, and the acting role allows `action` (403 otherwise)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require_action(request, action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def acting_agency(request, action: str):
    """The agency the actor acts for, when its role allows `action` there; 403 otherwise."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.can(action):
        raise PermissionDenied(_("Your role does not allow this."))
    return actor.agency


def acting_agency_or_none(request):
    actor = getattr(request, "actor", None)
    return actor.agency if actor else None
