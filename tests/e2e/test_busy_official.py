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


@pytest.fixture
def centre(db):
    from tests.facilities.factories import FacilityFactory
    from tests.victims.factories import CaseFactory, PersonFactory, agency, member

    centre = agency("social_centre", "lang son", code="TTCTXH-LS", name="Trung tâm Công tác xã hội tỉnh Lạng Sơn")
    caseworker = member(centre, user__username="lan.vi", user__full_name="Vi Thị Lan")
    facility = FacilityFactory(owner_agency=centre, name="Cơ sở lưu trú Bình An", created_by=caseworker)
    case = CaseFactory(receiving_agency=centre, created_by=caseworker,
                       person=PersonFactory(full_name="Nông Thị Hoa", birth_year=2002))
    return caseworker, facility, case


def test_the_admission_case_is_found_as_you_type_and_services_are_ticked_with_the_mouse(signed_in_page, centre):
    caseworker, facility, case = centre
    page = signed_in_page(caseworker)
    page.goto(f"/co-so/{facility.pk}/tiep-nhan/")

    # Point 6: part of the number, lower case, without the zeros; or the name without diacritics.
    *head, running = case.case_number.split("-")
    page.locator("#id_case_number").press_sequentially("-".join(head).lower() + f"-{int(running)}", delay=30)
    expect(page.get_by_test_id("case-suggestion")).to_contain_text(case.case_number)
    page.locator("#id_case_number").fill("")
    page.locator("#id_case_number").press_sequentially("nong thi hoa", delay=30)
    suggestion = page.get_by_test_id("case-suggestion").filter(has_text="Nông Thị Hoa")
    expect(suggestion).to_contain_text(case.case_number)
    suggestion.click()
    expect(page.locator("#id_persons")).to_contain_text("Nông Thị Hoa")

    # Point 1: a click on a service's label ticks its box; nothing overlaps the next fields.
    page.get_by_text("Chăm sóc y tế", exact=True).click()
    expect(page.get_by_label("Chăm sóc y tế", exact=True)).to_be_checked()
    page.get_by_text("Hỗ trợ tâm lý", exact=True).click()
    expect(page.get_by_label("Hỗ trợ tâm lý", exact=True)).to_be_checked()
    group = page.locator("fieldset#id_services").bounding_box()
    reason = page.locator("#id_admission_reason").bounding_box()
    assert group["width"] > 300 and group["y"] + group["height"] <= reason["y"]  # the group sits above it
    assert page.errors == []


@pytest.mark.parametrize("width", [1366, 390])
def test_the_header_fits_the_screen_with_the_whole_name_and_the_sign_out_button(signed_in_page, width):
    from tests.victims.factories import agency, member

    centre = agency("social_centre", "lang son", code="TTCTXH-LS",
                    name="Trung tâm Công tác xã hội và Bảo trợ xã hội tỉnh Lạng Sơn")
    user = member(centre, user__username="nguyen.hoa", user__full_name="Nguyễn Thị Phương Hoa")
    page = signed_in_page(user, width=width, height=800)
    page.goto("/ho-so/")

    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    sign_out = page.get_by_role("button", name="Đăng xuất").bounding_box()
    assert sign_out["x"] >= 0 and sign_out["x"] + sign_out["width"] <= width
    name = page.get_by_test_id("user-name")
    expect(name).to_have_text("Nguyễn Thị Phương Hoa")
    line_height = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
    box = name.bounding_box()
    assert box["height"] < 1.6 * line_height and box["x"] + box["width"] <= width  # one line, all of it


def test_after_an_error_the_decision_form_keeps_the_greyed_quantity_and_amount(signed_in_page):
    from tests.support.factories import LAW53, lang_son, make_case, request_support

    ls = lang_son()
    case = make_case(owner=ls.centre, full_name="Lò Thị Mai", sex="female", birth_year=2000)
    # Regimes 1-4: given by the receiving body (Law 53/2024), so the centre's director decides.
    [support] = request_support(ls, case, [(LAW53, "food_in_facility", 25), (LAW53, "clothing_set", 1)],
                                stay=True)
    page = signed_in_page(ls.director)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/ho-tro/de-nghi/{support.pk}/quyet-dinh/")
    food = page.get_by_test_id("decide-food_in_facility")
    expect(food.locator("input[name$='-approved_quantity']")).to_have_value("25")
    expect(food.locator("input[name$='-approved_quantity']")).not_to_be_editable()  # greyed: approve in full

    allowance = page.get_by_test_id("decide-clothing_set")
    allowance.locator("input[type=radio][value=reject]").check()
    page.get_by_test_id("submit-decision").click()  # no reason: an error

    expect(allowance.locator(".invalid-feedback")).to_be_visible()
    expect(food.locator("input[name$='-approved_quantity']")).to_have_value("25")  # not blank
    assert food.locator("input[name$='-approved_amount']").input_value() != ""
    assert page.errors == []
