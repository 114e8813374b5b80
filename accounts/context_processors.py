from config.navigation import navigation_for


def membership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.membership
    return {
        "current_membership": current if current else None,
        "memberships": list(user.active_memberships()),
        "navigation": navigation_for(request),
    }
