"""A password spray from many addresses locks the account; only a manager or an administrator unlocks it."""

import pytest

from accounts.models import AccountLock
from accounts.roles import Role
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, totp_device

pytestmark = pytest.mark.django_db

LOGIN = "/dang-nhap/"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.ACCOUNT_FAILURE_LIMIT = 8


def spray(client, username, times, first_ip=1):
    """One wrong password from each of `times` addresses (axes' per-address limit of 5 never trips)."""
    for i in range(times):
        client.post(LOGIN, {"username": username, "password": "sai-mat-khau"}, REMOTE_ADDR=f"10.1.{first_ip + i}.9")


def sign_in(client, username, ip="10.9.9.9"):
    return client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip)


def verified(client, user):
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def test_a_spray_from_many_addresses_locks_the_account_with_a_clear_message(client, staff_user):
    spray(client, staff_user.username, 7)
    assert sign_in(client, staff_user.username).status_code == 302  # 7 < 8: still open
    client.post("/dang-xuat/")

    spray(client, staff_user.username, 8, first_ip=50)
    response = sign_in(client, staff_user.username, ip="10.200.0.1")  # right password, a fresh address
    assert response.status_code == 429
    assert "bị khóa" in response.content.decode() and "quản lý" in response.content.decode()
    assert "_auth_user_id" not in client.session
    lock = AccountLock.objects.get()
    assert lock.user == staff_user and lock.failures >= 8 and lock.unlocked_at is None


def test_an_unknown_username_answers_the_same_way(client):
    spray(client, "khong.ton.tai", 8)
    response = sign_in(client, "khong.ton.tai")
    assert response.status_code == 429 and "bị khóa" in response.content.decode()


def test_the_agency_manager_unlocks_with_a_reason_and_it_is_recorded(client, staff_user):
    spray(client, staff_user.username, 8)
    lock = AccountLock.objects.get()
    manager = MembershipFactory(agency=staff_user.memberships.get().agency, role=Role.AGENCY_MANAGER).user
    page = verified(client, manager).get("/tai-khoan-bi-khoa/")
    assert page.status_code == 200 and staff_user.username in page.content.decode()

    no_reason = client.post(f"/tai-khoan-bi-khoa/{lock.pk}/mo-khoa/", {"note": "  "})
    assert no_reason.status_code == 302
    lock.refresh_from_db()
    assert lock.unlocked_at is None

    client.post(f"/tai-khoan-bi-khoa/{lock.pk}/mo-khoa/", {"note": "Đã gọi điện xác nhận với chị Hoa"})
    lock.refresh_from_db()
    assert lock.unlocked_at and lock.unlocked_by == manager and lock.unlock_note.startswith("Đã gọi")
    client.post("/dang-xuat/")
    assert sign_in(client, staff_user.username).status_code == 302  # open again


def test_managers_of_other_agencies_and_other_roles_cannot_unlock(client, staff_user):
    spray(client, staff_user.username, 8)
    lock = AccountLock.objects.get()
    other_manager = MembershipFactory(role=Role.AGENCY_MANAGER).user  # another agency
    verified(client, other_manager)
    assert staff_user.username not in client.get("/tai-khoan-bi-khoa/").content.decode()
    assert client.post(f"/tai-khoan-bi-khoa/{lock.pk}/mo-khoa/", {"note": "x"}).status_code == 404
    colleague = MembershipFactory(agency=staff_user.memberships.get().agency, role=Role.CASEWORKER).user
    verified(client, colleague)
    assert client.get("/tai-khoan-bi-khoa/").status_code == 403
    assert client.post(f"/tai-khoan-bi-khoa/{lock.pk}/mo-khoa/", {"note": "x"}).status_code == 403
    lock.refresh_from_db()
    assert lock.unlocked_at is None


def test_a_system_administrator_unlocks_any_account(client, staff_user):
    spray(client, staff_user.username, 8)
    lock = AccountLock.objects.get()
    admin = MembershipFactory(role=Role.SYSTEM_ADMIN).user
    verified(client, admin)
    client.post(f"/tai-khoan-bi-khoa/{lock.pk}/mo-khoa/", {"note": "Yêu cầu của đơn vị"})
    lock.refresh_from_db()
    assert lock.unlocked_by == admin


def test_the_default_limit_is_generous_but_finite():
    from config.settings import base

    assert 10 <= base.ACCOUNT_FAILURE_LIMIT <= 50
