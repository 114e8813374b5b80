"""What a busy official meets in the browser (issue #10): the fixes a newcomer's walk asked for.

Each test drives chromium as the person would (mouse, Back button, keyboard) and checks what they
would notice on the screen.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import AgencyType
from accounts.roles import Role
from tests.factories import AgencyFactory, MembershipFactory, province
from victims.models import Case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def border_guard(db):
    post = AgencyFactory(code="BP-CM", name="Đồn Biên phòng cửa khẩu Chi Ma", jurisdiction=province("lang son"),
                         type=AgencyType.objects.get(code="border_guard"))
    return MembershipFactory(user__username="bp.tuan", user__full_name="Hoàng Văn Tuấn", agency=post,
                             role=Role.CASEWORKER).user


def fill_reception(page, name):
    page.select_option("#id_reception_channel", "handed_back_at_border")
    page.fill("#id_reception_place", "Cửa khẩu Chi Ma")
    page.fill("#id_full_name", name)
    page.locator("input[name=sex][value=female]").check()
    page.fill("#id_birth_year", "1999")


def test_back_after_registering_a_reception_shows_its_case_and_never_makes_a_second(signed_in_page, border_guard):
    page = signed_in_page(border_guard)
    page.goto("/ho-so/tiep-nhan/")
    fill_reception(page, "Lục Thị Hạnh")
    page.get_by_test_id("register").click()
    expect(page).to_have_url(re.compile(r"/ho-so/\d+/to-khai/"))
    case = Case.objects.get()

    page.go_back()

    notice = page.get_by_test_id("already-registered")
    expect(notice).to_contain_text(case.case_number)
    expect(page.get_by_test_id("reception-form")).to_have_count(0)  # nothing left to send twice
    page.get_by_test_id("open-registered-case").click()
    expect(page).to_have_url(re.compile(rf"/ho-so/{case.pk}/to-khai/"))
    assert Case.objects.count() == 1
    assert page.errors == []


def test_a_reception_form_sent_again_with_a_used_token_opens_the_first_case(signed_in_page, border_guard):
    page = signed_in_page(border_guard)
    page.goto("/ho-so/tiep-nhan/")
    fill_reception(page, "Lục Thị Hạnh")
    token = page.locator("input[name=token]").input_value()
    page.get_by_test_id("register").click()
    expect(page).to_have_url(re.compile(r"/ho-so/\d+/to-khai/"))

    # The same form, as a browser that restored it would send it: the first case, a warning, no new case.
    page.goto("/ho-so/tiep-nhan/")
    fill_reception(page, "Lục Thị Hạnh")
    page.locator("input[name=token]").evaluate("(input, token) => { input.value = token; }", token)
    page.get_by_test_id("register").click()

    case = Case.objects.get()
    expect(page).to_have_url(re.compile(rf"/ho-so/{case.pk}/to-khai/"))
    expect(page.get_by_role("alert").filter(has_text="đã được đăng ký")).to_contain_text(case.case_number)
