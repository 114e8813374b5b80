import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp

from accounts.roles import Role
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = "/dang-nhap/"


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_password_is_hashed_with_argon2(staff_user):
    assert staff_user.password.startswith("md5$")  # test settings put a fast hasher first…
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")  # …production uses argon2


def test_password_alone_does_not_open_pages_for_staff(client, staff_user):
    response = client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    assert response.status_code == 302

    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:otp_verify"))


def test_staff_without_a_device_must_enrol_first(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    user = MembershipFactory(role=Role.APPROVER).user
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})

    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))
    device = user.totpdevice_set.get(confirmed=False)

    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Mã không đúng" in wrong.content.decode()

    right = client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})
    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_the_totp_step_lets_staff_in_and_keeps_next(client, staff_user):
    client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    response = client.post(
        reverse("accounts:otp_verify"),
        {"token": current_code(staff_user.device), "next": "/don-vi-hanh-chinh/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/don-vi-hanh-chinh/"
    assert client.get("/").status_code == 200


def test_next_cannot_send_the_user_to_another_site(client, staff_user):
    client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    response = client.post(
        reverse("accounts:otp_verify"),
        {"token": current_code(staff_user.device), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_wrong_codes_are_refused_in_vietnamese(client, staff_user):
    client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    response = client.post(reverse("accounts:otp_verify"), {"token": "12a456"})
    assert response.status_code == 200
    assert "6 chữ số" in response.content.decode()
    assert client.get("/").status_code == 302


def test_partner_api_accounts_cannot_sign_in_to_the_pages(client):
    user = MembershipFactory(role=Role.PARTNER_API).user
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with the reason
    assert "chỉ dùng cho API" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/ho-so/").status_code == 302


def test_a_partner_session_made_any_other_way_is_ended(client):
    user = MembershipFactory(role=Role.PARTNER_API).user
    client.force_login(user)
    response = client.get("/ho-so/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_a_user_with_a_staff_role_too_signs_in_but_never_acts_as_the_partner(client, staff_user):
    from accounts.models import Membership

    partner = MembershipFactory(user=staff_user, role=Role.PARTNER_API)
    client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    assert client.post("/vai-tro/", {"membership": partner.pk}).status_code in (302, 404)
    assert Membership.objects.filter(user=staff_user).count() == 2


def test_every_browser_user_needs_the_second_factor(client):
    from tests.factories import UserFactory

    user = UserFactory()  # no agency yet: still two factors
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert client.get("/").status_code == 302


def test_demo_setting_can_relax_two_factor_locally(client, staff_user, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    assert client.get("/").status_code == 200


class TestLockout:
    def fail(self, client, username, ip="10.0.0.1"):
        return client.post(LOGIN, {"username": username, "password": "sai-mat-khau"}, REMOTE_ADDR=ip)

    def test_five_failures_lock_the_username_from_that_address(self, client, staff_user):
        for _ in range(5):
            self.fail(client, staff_user.username)

        locked = client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD},
                             REMOTE_ADDR="10.0.0.1")
        assert locked.status_code == 429
        assert "tạm thời bị khóa" in locked.content.decode()

    def test_the_lock_is_per_username_and_address(self, client, staff_user):
        for _ in range(5):
            self.fail(client, staff_user.username, ip="10.0.0.1")

        other_address = client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD},
                                    REMOTE_ADDR="10.0.0.2")
        assert other_address.status_code == 302

    def test_the_lock_cools_off(self, client, staff_user, settings):
        from datetime import timedelta

        from axes.models import AccessAttempt

        for _ in range(5):
            self.fail(client, staff_user.username)
        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))

        response = client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD},
                               REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 302

    def test_four_failures_do_not_lock(self, client, staff_user):
        for _ in range(4):
            self.fail(client, staff_user.username)
        response = client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD},
                               REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 302


class TestSessionTimeout:
    def age_session(self, client, **seconds_ago):
        session = client.session
        for key, seconds in seconds_ago.items():
            session[key] = session[key] - seconds
        session.save()

    def test_thirty_minutes_idle_signs_out(self, staff_client):
        assert staff_client.get("/").status_code == 200
        self.age_session(staff_client, last_seen_at=31 * 60)

        response = staff_client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert staff_client.get("/").status_code == 302  # really signed out

    def test_activity_keeps_the_session(self, staff_client):
        staff_client.get("/")
        self.age_session(staff_client, last_seen_at=29 * 60)
        assert staff_client.get("/").status_code == 200

    def test_activity_is_written_at_most_once_a_minute(self, staff_client):
        staff_client.get("/")
        seen = staff_client.session["last_seen_at"]
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get("/").status_code == 200
        assert not [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "django_session"')]
        assert staff_client.session["last_seen_at"] == seen

        self.age_session(staff_client, last_seen_at=61)
        response = staff_client.get("/")
        assert staff_client.session["last_seen_at"] > seen - 61
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 1800  # the cookie renewed

    def test_twelve_hours_after_login_signs_out_even_when_active(self, staff_client):
        staff_client.get("/")
        self.age_session(staff_client, auth_started_at=12 * 3600 + 1)
        assert staff_client.get("/").status_code == 302

    def test_session_cookie_expires_after_thirty_minutes(self, client, staff_user, settings):
        response = client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["max-age"] == 1800
        assert cookie["httponly"]


def test_pages_for_signed_in_users_are_not_cached(staff_client):
    response = staff_client.get("/")
    assert "no-store" in response["Cache-Control"]


def test_csp_allows_no_inline_script_without_nonce(client):
    response = client.get(LOGIN)
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src
    assert script_src.split()[0] == "'self'"
    assert "default-src 'self'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_password_reset_never_bypasses_two_factor(client, staff_user):
    client.post(reverse("accounts:password_reset"), {"email": staff_user.email})
    link = re.search(r"https?://[^/]+(/mat-khau/dat-lai/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    done = client.post(form_url, {"new_password1": "Mot-mat-khau-moi-2026", "new_password2": "Mot-mat-khau-moi-2026"})
    assert done.status_code == 302
    assert client.get("/").status_code == 302  # not signed in by the reset

    client.post(LOGIN, {"username": staff_user.username, "password": "Mot-mat-khau-moi-2026"})
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_logout_needs_post_and_ends_the_session(staff_client):
    assert staff_client.get("/dang-xuat/").status_code == 405
    staff_client.post("/dang-xuat/")
    assert staff_client.get("/").status_code == 302


def test_home_lists_agencies_and_roles_in_vietnamese(staff_client, staff_user):
    response = staff_client.get("/")
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert staff_user.memberships.get().agency.name in content
    assert "Cán bộ quản lý trường hợp" in content


def test_language_switcher_changes_to_english(staff_client):
    response = staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Your agencies and roles" in content


def test_switching_the_acting_membership(staff_client, staff_user):
    other = MembershipFactory(user=staff_user, role=Role.AGENCY_MANAGER, agency__name="Sở Y tế tỉnh Lạng Sơn")
    staff_client.post("/vai-tro/", {"membership": other.pk, "next": "/"})
    response = staff_client.get("/")
    assert response.wsgi_request.membership == other


def test_cannot_switch_to_someone_elses_membership(staff_client):
    foreign = MembershipFactory()
    assert staff_client.post("/vai-tro/", {"membership": foreign.pk}).status_code == 404


def test_totp_devices_throttle_guessing(client, staff_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute's wait after the first wrong code
    client.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    client.post(reverse("accounts:otp_verify"), {"token": "000001" if current_code(staff_user.device) != "000001" else "000002"})

    response = client.post(reverse("accounts:otp_verify"), {"token": current_code(staff_user.device)})

    assert response.status_code == 200  # even the right code is refused while throttled
    assert client.get("/").status_code == 302
