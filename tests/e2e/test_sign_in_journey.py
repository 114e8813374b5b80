import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.roles import Role
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_sign_in_with_totp_switch_to_english_and_sign_out(page):
    membership = MembershipFactory(user__username="lan.vi", user__full_name="Vi Thị Lan",
                                   agency__name="Trung tâm Công tác xã hội tỉnh Lạng Sơn",
                                   role=Role.CASEWORKER)
    device = totp_device(membership.user)

    page.goto("/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("lan.vi")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
    page.get_by_label("Mã xác thực").fill(current_code(device))
    page.get_by_role("button", name="Xác thực").click()

    expect(page.get_by_role("heading", name="Xin chào, Vi Thị Lan")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("membership-row")).to_contain_text("Cán bộ quản lý trường hợp")
    expect(page.get_by_test_id("current-membership")).to_contain_text("Trung tâm Công tác xã hội tỉnh Lạng Sơn")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Your agencies and roles")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
