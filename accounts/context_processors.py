from accounts.middleware import request_memberships
from config.navigation import navigation_for


def membership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = request_memberships(request)
    return {
        "current_membership": request.membership or None,
        "memberships": memberships,
        "navigation": navigation_for(request, memberships),
    }
