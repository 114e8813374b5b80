import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import security
from .forms import LoginForm, TokenForm
from .formviews import submit
from .models import AdministrativeUnit
from .roles import STAFF_ROLES


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", "account_locked"):
            response.status_code = 429  # as for django-axes' own lockout
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Throttled per address and per account; the same answer whether a link was sent or not."""

    def form_valid(self, form):
        from axes.helpers import get_client_ip_address

        if security.password_reset_allowed(address=get_client_ip_address(self.request),
                                           email=form.cleaned_data["email"]):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
def otp_verify(request):
    """Second step of login: the current code of the user's confirmed TOTP device."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None, device=device)
    if done := submit(request, form, lambda data: otp_login(request, device),
                      then=lambda result: redirect(_next_url(request))):
        return done
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def otp_setup(request):
    """First login of a staff member: enrol an authenticator app, proven by one valid code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:otp_verify")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = TokenForm(request.POST or None, device=device)

    def confirm(data):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)

    if done := submit(request, form, confirm, then=lambda result: redirect(_next_url(request))):
        return done
    secret = base64.b32encode(device.bin_key).decode()
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    qr_data_uri = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
    return render(request, "accounts/otp_setup.html", {
        "form": form, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "qr_data_uri": qr_data_uri, "next": _next_url(request),
    })


@login_required
def home(request):
    # The department's notice of a reporting period that closed: its drafts still to submit.
    from reporting.report_selectors import reports_waiting

    return render(request, "accounts/home.html", {"memberships": request.user.active_memberships(),
                                                  "reports_waiting": reports_waiting(getattr(request, "actor", None))})


@login_required
@require_POST
def switch_membership(request):
    chosen = request.POST.get("membership", "")
    if not chosen.isascii() or not chosen.isdigit():  # "abc" or "١" is no membership, not a server error
        raise Http404("No membership matches the given query.")
    memberships = request.user.active_memberships().filter(role__in=STAFF_ROLES)
    membership = get_object_or_404(memberships, pk=int(chosen))
    request.session["membership_id"] = membership.pk
    # Switching who one acts for changes what one may see: explicit, and in the access log.
    from victims.services import access_log_write

    access_log_write(user=request.user, agency=membership.agency_id, obj=membership,
                     action="membership.switch", request_id=getattr(request, "request_id", ""))
    return redirect(_next_url(request))


@login_required
def admin_units(request):
    """Browse provinces and communes; search ignores diacritics."""
    from django.core.paginator import Paginator

    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # NUL: PostgreSQL refuses it
    level = request.GET.get("level", "")
    units = AdministrativeUnit.objects.current().select_related("parent").search(query)
    if level in AdministrativeUnit.Level.values:
        units = units.filter(level=level)
    elif level:
        raise Http404
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/admin_units.html", {
        "page": page, "query": query, "level": level, "levels": AdministrativeUnit.Level.choices,
    })


@login_required
@require_GET
def account_locks(request):
    """Accounts locked after a password spray: managers see their agency's staff, administrators all."""
    from django.core.paginator import Paginator

    if not security.may_unlock_accounts(request.user):
        raise PermissionDenied
    locks = security.locks_visible_to(request.user).select_related("user", "unlocked_by")
    page = Paginator(locks, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/account_locks.html", {"page": page})


@login_required
@require_POST
def account_unlock(request, pk):
    if not security.may_unlock_accounts(request.user):
        raise PermissionDenied
    lock = get_object_or_404(security.locks_visible_to(request.user), pk=pk)
    try:
        security.account_unlock(user=request.user, lock=lock, note=request.POST.get("note", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The account has been unlocked."))
    return redirect("accounts:account_locks")
