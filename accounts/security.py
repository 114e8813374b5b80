"""Sign-in security beyond django-axes (which locks one username from one address).

- A per-account limit across addresses: ACCOUNT_FAILURE_LIMIT failed sign-ins for one username within
  ACCOUNT_FAILURE_WINDOW lock it, whatever the addresses (a password spray), until an agency manager
  of the user's agency or a system administrator unlocks it (recorded).
- Password-reset throttling per address and per account (see `password_reset_allowed`).
Log lines carry ids, never the typed username or e-mail address.
"""

import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AccountLock, LoginFailure, Membership, User
from .roles import Action

logger = logging.getLogger("accounts.security")


def normalised_username(username) -> str:
    return str(username or "").strip().lower()[:150]


def account_is_locked(username) -> bool:
    return AccountLock.objects.filter(username=normalised_username(username), unlocked_at__isnull=True).exists()


def account_record_failure(*, username) -> AccountLock | None:
    """Count one failed sign-in; lock the account when the limit is reached. Returns the open lock."""
    name = normalised_username(username)
    if not name:
        return None
    since = timezone.now() - settings.ACCOUNT_FAILURE_WINDOW
    with transaction.atomic():
        LoginFailure.objects.filter(username=name, at__lt=since).delete()
        LoginFailure.objects.create(username=name)
        failures = LoginFailure.objects.filter(username=name, at__gte=since).count()
        lock = AccountLock.objects.filter(username=name, unlocked_at__isnull=True).first()
        if lock is not None or failures < settings.ACCOUNT_FAILURE_LIMIT:
            return lock
        user = User.objects.filter(username__iexact=name).first()
        try:
            with transaction.atomic():
                lock = AccountLock.objects.create(username=name, user=user, failures=failures)
        except IntegrityError:  # a concurrent failure locked it first
            return AccountLock.objects.filter(username=name, unlocked_at__isnull=True).first()
    logger.warning("account locked after %s failed sign-ins: lock=%s user=%s", failures, lock.pk,
                   user.pk if user else "-")
    return lock


def locks_visible_to(user):
    """Open and past locks the user may see and lift: all for administrators, their staff for managers."""
    if not user.is_authenticated:
        return AccountLock.objects.none()
    if user.is_superuser or user.can(Action.SYSTEM_ADMINISTER):
        return AccountLock.objects.all()
    from victims.scoping import memberships_allowing  # the acting membership only (accounts.actor)

    managed = memberships_allowing(user, Action.AGENCY_MANAGE).values("agency_id")
    staff = Membership.objects.filter(agency_id__in=managed).values("user_id")
    return AccountLock.objects.filter(Q(user_id__in=staff))


def may_unlock_accounts(user) -> bool:
    return user.is_superuser or user.can(Action.SYSTEM_ADMINISTER) or user.can(Action.AGENCY_MANAGE)


def account_unlock(*, user: User, lock: AccountLock, note: str) -> AccountLock:
    """Lift a lock (an agency manager of the user's agency, or an administrator), with a reason."""
    if not may_unlock_accounts(user):
        raise PermissionDenied(gettext("Only an agency manager or an administrator can unlock accounts."))
    note = " ".join(str(note or "").split())
    if not note:
        raise ValidationError({"note": ValidationError(_("Say why the account is unlocked."), code="required")})
    if len(note) > 255 or "\x00" in note:
        raise ValidationError({"note": ValidationError(_("Write at most 255 characters."), code="invalid")})
    with transaction.atomic():
        try:
            lock = locks_visible_to(user).select_for_update().get(pk=lock.pk)
        except AccountLock.DoesNotExist:
            raise Http404("No lock matches the given query.") from None
        if lock.unlocked_at is not None:
            raise ValidationError({"note": ValidationError(_("This account is already unlocked."), code="unlocked")})
        lock.unlocked_at, lock.unlocked_by, lock.unlock_note = timezone.now(), user, note
        lock.save(update_fields=["unlocked_at", "unlocked_by", "unlock_note"])
        LoginFailure.objects.filter(username=lock.username).delete()
    axes_reset(username=lock.username)
    if lock.user_id:
        axes_reset(username=lock.user.username)
    logger.warning("account unlocked: lock=%s by user=%s", lock.pk, user.pk)
    return lock


# ---------------------------------------------------------------------------------------------
# Password reset throttling
# ---------------------------------------------------------------------------------------------

def _email_digest(email: str) -> str:
    import hashlib
    import hmac

    key = settings.SECRET_KEY.encode() or b"-"
    return hmac.new(key, str(email or "").strip().lower().encode(), hashlib.sha256).hexdigest()


def password_reset_allowed(*, address: str | None, email: str) -> bool:
    """Record a reset request; True when a link may be sent (within the limits per address and per
    account over PASSWORD_RESET_WINDOW). The page answers the same either way."""
    from .models import PasswordResetAttempt

    digest = _email_digest(email)
    now = timezone.now()
    since = now - settings.PASSWORD_RESET_WINDOW
    with transaction.atomic():
        PasswordResetAttempt.objects.filter(at__lt=since).delete()
        recent = PasswordResetAttempt.objects.filter(at__gte=since, sent=True)
        by_address = recent.filter(address=address).count() if address else 0
        by_account = recent.filter(email_digest=digest).count()
        allowed = by_address < settings.PASSWORD_RESET_PER_ADDRESS and by_account < settings.PASSWORD_RESET_PER_ACCOUNT
        attempt = PasswordResetAttempt.objects.create(address=address, email_digest=digest, sent=allowed)
    logger.warning("password reset requested: attempt=%s sent=%s (this address %s, this account %s in the window)",
                   attempt.pk, allowed, by_address, by_account)
    return allowed
