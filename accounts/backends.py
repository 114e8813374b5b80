from django.core.exceptions import PermissionDenied


class AccountLockBackend:
    """Refuses every sign-in to a locked account (accounts.security), before any password check."""

    def authenticate(self, request, username=None, **kwargs):
        from .security import account_is_locked

        if username is not None and account_is_locked(username):
            raise PermissionDenied
        return None  # never signs anyone in itself (and has no get_user, so sessions never name it)
