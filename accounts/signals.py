from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    """The absolute session timeout counts from the password login."""
    now = timezone.now().timestamp()
    request.session["auth_started_at"] = now
    request.session["last_seen_at"] = now
