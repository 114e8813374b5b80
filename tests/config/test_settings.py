import os
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7!k2#Jq9$Lm4@Tz8^Wp1&Rb6*Yc3(Vn5)Hs0_Gd-Ff+Ee=Aa~Uu" * 2,
    "DJANGO_ALLOWED_HOSTS": "nannhan.gov.vn",
}


def run_django(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_language_time_zone_and_formats():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True


def test_dates_are_shown_as_day_month_year():
    import datetime

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2025, 7, 1), "SHORT_DATE_FORMAT") == "01/07/2025"


def test_money_is_shown_the_vietnamese_way():
    from accounts.templatetags.ui import vnd

    assert vnd(1000000) == "1.000.000 ₫"
    assert vnd("2500000.00") == "2.500.000 ₫"
    assert vnd(None) == ""


def test_production_settings_pass_the_deploy_check():
    result = run_django("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_django("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_never_relaxes_two_factor():
    result = run_django(
        "shell", "-v", "0", "-c", "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)",
        TWO_FACTOR_REQUIRED="false", **PRODUCTION_ENV,
    )
    assert result.stdout.strip() == "True", result.stderr


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be true or false"),
    ("AXES_FAILURE_LIMIT", "five", "AXES_FAILURE_LIMIT must be a whole number"),
    ("DATABASE_URL", "not a url", "DATABASE_URL"),
])
def test_a_bad_value_fails_at_start_with_a_clear_message(variable, value, message):
    result = run_django("check", DJANGO_SETTINGS_MODULE="config.settings.dev", **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_cookies_are_secure_and_http_only():
    result = run_django("shell", "-v", "0", "-c", (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS > 0, s.DEBUG)"
    ), **PRODUCTION_ENV)
    assert result.stdout.split() == ["True", "True", "True", "True", "False"], result.stderr
