"""Error pages a person meets (issue #10 point 4) and the language they are in (point 11)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.config.test_settings import run_django

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_a_missing_page_is_explained_in_vietnamese_in_the_site_layout(client_for):
    response = client_for("centre_caseworker").get("/ho-so/999999/")

    assert response.status_code == 404
    body = text(response)
    assert 'data-testid="error-page"' in body and 'data-testid="current-membership"' in body  # our layout
    assert "Trang này không tồn tại" in body
    assert f'href="{reverse("home")}"' in body and f'href="{reverse("victims:case_list")}"' in body
    assert "Using the URLconf" not in body  # never Django's list of URL patterns


def test_a_forbidden_page_says_why_and_what_to_do_next(client_for):
    response = client_for("department_statistician").get(reverse("victims:intake_start"),
                                                          HTTP_REFERER="http://testserver/ho-so/")

    assert response.status_code == 403
    body = text(response)
    assert "Bạn không được mở trang này" in body
    assert 'data-testid="error-reason"' in body  # the reason the view gave
    assert "quản trị hệ thống" in body  # whom to ask
    assert 'href="http://testserver/ho-so/"' in body and f'href="{reverse("home")}"' in body


def test_a_server_error_page_in_the_layout_without_the_request_context():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    body = text(response)
    assert "Hệ thống gặp lỗi" in body and 'data-testid="error-page"' in body


def test_a_form_sent_without_a_valid_csrf_token_gets_a_page_that_says_what_to_do(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})

    assert response.status_code == 403
    body = text(response)
    assert "Biểu mẫu chưa được gửi" in body and "tải lại trang" in body
    assert 'data-testid="error-page"' in body


def test_the_demo_shows_no_debug_pages():
    result = run_django("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                        DJANGO_SETTINGS_MODULE="config.settings.dev")
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_a_browser_set_to_english_still_gets_vietnamese(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("accounts:login"))

    assert '<html lang="vi">' in text(response)
    assert "Đăng nhập" in text(response)


def test_english_is_the_users_explicit_choice_and_is_remembered(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("accounts:login"))

    assert '<html lang="en">' in text(response) and "Sign in" in text(response)
