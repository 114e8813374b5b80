import pytest

from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/accounts/agency/",
    "/admin/accounts/agency/add/", "/admin/accounts/agencytype/", "/admin/accounts/membership/",
    "/admin/accounts/membership/add/", "/admin/accounts/administrativeunit/",
]


@pytest.fixture
def admin_client(signed_in):
    return signed_in(UserFactory(username="quantri", is_staff=True, is_superuser=True))


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_the_system_administrator_can_use_the_admin(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_admin_search_of_units_ignores_diacritics(admin_client):
    response = admin_client.get("/admin/accounts/administrativeunit/", {"q": "dong kinh"})
    assert "Phường Đông Kinh" in response.content.decode()


def test_admin_search_of_agencies_ignores_diacritics(admin_client):
    AgencyFactory(name="Đồn Biên phòng Cửa khẩu Hữu Nghị")
    response = admin_client.get("/admin/accounts/agency/", {"q": "don bien phong"})
    assert "Đồn Biên phòng Cửa khẩu Hữu Nghị" in response.content.decode()


def test_staff_without_two_factor_cannot_open_the_admin(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/thiet-lap-xac-thuc/")


def test_caseworkers_are_not_admitted_to_the_admin(staff_client):
    response = staff_client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
