"""Who calls the API, acting for which agency and role (accounts.actor).

- A partner's client sends `Authorization: Token <secret>`: a django-rest-knox token (only its
  SHA-512 digest is stored). The client's service user is bound to the client's one membership
  with `act_as`, so every scope and service acts for exactly that agency and role.
- A signed-in official's browser session may call the API too (CSRF checked on writes); its actor
  is the one the middleware built from the membership chosen in the header.
"""

import binascii
import datetime
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from accounts.actor import act_as
from accounts.models import ApiToken

LAST_USED_EVERY = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        failed = exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        try:
            token = token.decode("utf-8")
            digest = hash_token(token)
        except (UnicodeDecodeError, TypeError, binascii.Error, ValueError):
            raise failed from None
        candidates = ApiToken.objects.filter(token_key=token[:CONSTANTS.TOKEN_KEY_LENGTH]).select_related(
            "user", "client", "client__membership", "client__membership__agency",
        )
        for api_token in candidates:
            if compare_digest(digest, api_token.digest):
                return self._validate(api_token, failed)
        raise failed

    def _validate(self, api_token: ApiToken, failed):
        client = api_token.client
        membership = client.membership
        if (not api_token.is_usable or not client.is_active or not api_token.user.is_active
                or not membership.is_active or not membership.agency.is_active
                or api_token.user_id != client.user_id):
            raise failed
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token.user, api_token

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user, api_token = result
            actor = act_as(user, api_token.client.membership)
            request._request.actor = actor
            request._request.membership = actor.membership
            request._request.api_client = api_token.client
        return result


class ApiSessionAuthentication(SessionAuthentication):
    """The browser's own session (CSRF enforced on unsafe methods by DRF)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and getattr(request._request, "actor", None) is None:
            return None
        return result
