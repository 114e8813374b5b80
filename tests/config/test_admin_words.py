"""The administration reads in Vietnamese (issue #10 point 10): no English app, model or page names."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(signed_in):
    return signed_in(UserFactory(username="quantri", is_staff=True, is_superuser=True))


def test_the_admin_index_names_every_app_and_model_in_vietnamese(admin_client):
    body = admin_client.get("/admin/").content.decode()

    for english in ("Axes", "Otp_Totp", "TOTP device", "Access attempts", "Django site admin",
                    "Trang web admin Django", "Site administration"):
        assert english not in body, english
    assert "Đăng nhập hai lớp" in body and "Ứng dụng xác thực" in body
    assert "Quản trị hệ thống hỗ trợ nạn nhân</title>" in body


def test_the_lockout_list_and_its_filters_are_in_vietnamese(admin_client):
    body = admin_client.get("/admin/axes/accessattempt/").content.decode()

    assert "Show counts" not in body and "access attempt" not in body.lower()
    assert "Hiện số lượng" in body
