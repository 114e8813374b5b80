"""The agency manager's API client pages: create a client (one agency, one role), create a token
(shown once, stored as a digest), rotate and revoke it, set a webhook; another agency's manager and
other roles cannot reach them."""

import hashlib
import re

import pytest
from django.urls import reverse

from accounts.models import ApiClient, ApiToken
from accounts.roles import Role
from tests.api.world import api_for

pytestmark = pytest.mark.django_db
SECRET = re.compile(r"nh_[0-9a-f]{64}")


def _create(browser, **fields):
    data = {"name": "Cổng dữ liệu Ngôi nhà Bình yên", "role": Role.PARTNER_API, **fields}
    return browser.post(reverse("accounts:api_clients"), data)


def test_a_manager_creates_a_client_and_a_token_shown_once(client_for, personas):
    browser = client_for("department_manager")
    assert "Khách hàng API" in browser.get(reverse("home")).content.decode()  # in the manager's menu
    response = _create(browser)
    assert response.status_code == 200
    client = ApiClient.objects.get()
    assert client.agency == personas["department_manager"].agency and client.role == Role.PARTNER_API
    assert not client.user.has_usable_password() and client.membership.agency == client.agency

    response = browser.post(reverse("accounts:api_token_create", args=[client.pk]),
                            {"scopes": ["cases:read", "support:read"], "expires_in_days": 30})
    assert response.status_code == 200
    html = response.content.decode()
    token = ApiToken.objects.get(client=client)
    [secret] = set(SECRET.findall(html))
    assert token.digest == hashlib.sha512(secret.encode()).hexdigest() and secret not in token.digest
    assert token.scopes == ["cases:read", "support:read"]
    assert 29 <= (token.expiry - token.created).days <= 30
    assert secret not in browser.get(reverse("accounts:api_client", args=[client.pk])).content.decode()
    assert response["Cache-Control"].startswith("no-store")
    assert api_for(secret).get("/api/v1/cases/").status_code == 200

    # Rotating: a new secret works, the old one no longer does.
    response = browser.post(reverse("accounts:api_token_rotate", args=[client.pk, token.token_key]),
                            {"expires_in_days": 60})
    [new_secret] = set(SECRET.findall(response.content.decode()))
    assert new_secret != secret
    assert api_for(secret).get("/api/v1/cases/").status_code == 401
    assert api_for(new_secret).get("/api/v1/cases/").status_code == 200
    new_token = ApiToken.objects.get(revoked_at__isnull=True)
    assert new_token.scopes == token.scopes

    # Revoking.
    browser.post(reverse("accounts:api_token_revoke", args=[client.pk, new_token.token_key]))
    assert api_for(new_secret).get("/api/v1/cases/").status_code == 401
    page = browser.get(reverse("accounts:api_client", args=[client.pk])).content.decode()
    assert page.count('data-testid="token-row"') == 2 and "đã thu hồi" in page


def test_a_webhook_secret_is_shown_once(client_for):
    browser = client_for("department_manager")
    _create(browser)
    client = ApiClient.objects.get()
    response = browser.post(reverse("accounts:api_client_webhook", args=[client.pk]),
                            {"webhook_url": "https://doitac.example.vn/su-kien",
                             "webhook_events": ["support.decision_made"]})
    client.refresh_from_db()
    assert client.webhook_secret and client.webhook_secret in response.content.decode()
    assert client.webhook_secret not in browser.get(reverse("accounts:api_client", args=[client.pk])).content.decode()


def test_invalid_input_is_shown_with_the_form(client_for):
    browser = client_for("department_manager")
    response = _create(browser, name="", role="system_admin")
    assert response.status_code == 400 and not ApiClient.objects.exists()
    _create(browser)
    client = ApiClient.objects.get()
    response = browser.post(reverse("accounts:api_token_create", args=[client.pk]), {"expires_in_days": 999})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_only_the_agencys_managers_reach_its_clients(client_for):
    _create(client_for("department_manager"))
    client = ApiClient.objects.get()
    for persona in ("centre_caseworker", "department_approver", "other_caseworker"):
        assert client_for(persona).get(reverse("accounts:api_clients")).status_code == 403
    other_manager = client_for("department_manager")  # same agency: fine
    assert other_manager.get(reverse("accounts:api_client", args=[client.pk])).status_code == 200


def test_another_agencys_manager_gets_404(client_for, personas):
    _create(client_for("department_manager"))
    client = ApiClient.objects.get()
    from tests.factories import MembershipFactory, totp_device

    outsider = MembershipFactory(agency=personas["other_approver"].agency, role=Role.AGENCY_MANAGER).user
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    browser = Client()
    browser.force_login(outsider)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(outsider).persistent_id
    session.save()
    assert browser.get(reverse("accounts:api_client", args=[client.pk])).status_code == 404
    assert browser.post(reverse("accounts:api_token_create", args=[client.pk]),
                        {"scopes": ["cases:read"], "expires_in_days": 5}).status_code == 404
    assert not ApiToken.objects.exists()
