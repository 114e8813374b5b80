from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    """The absolute session timeout counts from the password login."""
    now = timezone.now().timestamp()
    request.session["auth_started_at"] = now
    request.session["last_seen_at"] = now


@receiver(user_login_failed)
def count_failed_sign_in(sender, credentials, request=None, **kwargs):
    """Every failed password, from any address, counts towards the per-account limit."""
    from .security import account_record_failure

    account_record_failure(username=credentials.get("username"))
