from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .actor import act_as
from .roles import STAFF_ROLES

# Reachable while signed in with a password but before the TOTP step.
TWO_FACTOR_EXEMPT_URL_NAMES = {
    "accounts:otp_verify", "accounts:otp_setup", "accounts:logout", "set_language", "healthz",
}


class SessionTimeoutMiddleware:
    """Sign out after 30 minutes without a request, and 12 hours after the login in any case.

    The last activity is recorded at most once a minute; that write also renews the cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.get("auth_started_at", now)
            last_seen = request.session.get("last_seen_at", now)
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT or now - last_seen > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("Your session has expired. Please sign in again."))
                return redirect_to_login(request)
            if "last_seen_at" not in request.session or now - last_seen >= settings.SESSION_ACTIVITY_RESOLUTION:
                request.session["last_seen_at"] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Staff who signed in with a password only may reach nothing but the TOTP pages.

    A session of a machine account (partner API) is ended at once, however it was made.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and _machine_account(request):
            logout(request)
            return redirect_to_login(request)
        if (
            settings.TWO_FACTOR_REQUIRED
            and user.is_authenticated
            and not user.is_verified()
            and user.requires_two_factor
            and not _is_exempt(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Two-factor authentication required.")}, status=403)
            has_device = user.totpdevice_set.filter(confirmed=True).exists()
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


def _machine_account(request) -> bool:
    """Signed in, but every active role is a machine role: no browser session (reuses the memberships
    read for the request, so no extra query on ordinary pages)."""
    user = request.user
    if user.is_superuser or user.is_staff:
        return False
    roles = {m.role for m in request_memberships(request)}
    return bool(roles) and not roles & STAFF_ROLES


def _is_exempt(request) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return True
    match = request.resolver_match or _resolve(request.path_info)
    return bool(match and match.view_name in TWO_FACTOR_EXEMPT_URL_NAMES)


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None


def redirect_to_login(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Session expired.")}, status=401)
    return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")


class ActiveMembershipMiddleware:
    """`request.actor` (accounts.actor): the user acting for the membership chosen in the header.

    Built once per request, before any view reads victim data: from here on the user's scope and
    rights are those of this one membership. `request.membership` is the same membership.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.actor = act_as(request.user, active_membership(request))
            request.membership = request.actor.membership
        else:
            request.actor = None
            request.membership = None
        return self.get_response(request)


def request_memberships(request) -> list:
    """The signed-in user's active memberships, read once per request."""
    if not request.user.is_authenticated:
        return []
    if not hasattr(request, "_memberships"):
        request._memberships = list(request.user.active_memberships())
    return request._memberships


def active_membership(request):
    memberships = request_memberships(request)
    chosen = request.session.get("membership_id")
    memberships = [m for m in memberships if m.role in STAFF_ROLES]  # never act as a machine role here
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0] if memberships else None
