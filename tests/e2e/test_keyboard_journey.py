"""Keyboard only (issue #19): register a reception, admit a resident, decide a support request.

No mouse: Tab moves from stop to stop, and at every stop the focused element must show a focus
outline, lie inside the window and not be covered by anything else.
"""

import re

import pytest
from playwright.sync_api import expect

from facilities.models import Stay
from support.models import SupportDecision
from tests.e2e.test_accessibility import assert_focus_visible
from tests.facilities.factories import FacilityFactory
from tests.support.factories import LAW53, lang_son, make_case, request_support
from tests.victims.factories import agency, member
from victims.models import Case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def tab_to(page, selector: str, limit: int = 80):
    """Press Tab until `selector` has the focus, checking every stop on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} was never reached by Tab")


def test_reception_admission_and_decision_by_keyboard_only(signed_in_page):
    ls = lang_son()
    border_post = agency("border_guard", "lang son", code="BP-CM", name="Đồn Biên phòng cửa khẩu Chi Ma")
    guard = member(border_post, user__full_name="Hoàng Văn Tuấn")
    facility = FacilityFactory(owner_agency=ls.centre, name="Cơ sở lưu trú Bình An", created_by=ls.caseworker)
    resident = make_case(owner=ls.centre, full_name="Nông Thị Hoa", sex="female", birth_year=2001)
    [support] = request_support(ls, make_case(owner=ls.centre, full_name="Lò Thị Mai", sex="female", birth_year=2000),
                                [(LAW53, "food_in_facility", 25)], stay=True)

    # 1. The border guard registers a reception.
    page = signed_in_page(guard)
    page.goto("/ho-so/tiep-nhan/")
    tab_to(page, "#id_reception_channel, #id_reception_channel-ts-control")
    page.keyboard.press("ArrowDown")
    if page.evaluate("document.activeElement.id.endsWith('-ts-control')"):
        page.keyboard.press("Enter")
    tab_to(page, "#id_full_name")
    page.keyboard.type("Lục Thị Hạnh")
    tab_to(page, "#id_birth_year")
    page.keyboard.type("1999")
    tab_to(page, "[data-testid=register]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/ho-so/\d+/to-khai/"))
    assert Case.objects.filter(person__full_name="Lục Thị Hạnh").exists()

    # 2. The centre's caseworker finds the case by name and admits her, ticking a service.
    page = signed_in_page(ls.caseworker)
    page.goto(f"/co-so/{facility.pk}/tiep-nhan/")
    tab_to(page, "#id_case_number")
    page.keyboard.type("nong thi hoa", delay=30)
    expect(page.get_by_test_id("case-suggestion")).to_contain_text(resident.case_number)
    tab_to(page, "[data-testid=case-suggestion]", limit=5)
    page.keyboard.press("Enter")
    expect(page.locator("#id_persons")).to_contain_text("Nông Thị Hoa")
    tab_to(page, "#id_services_1")
    page.keyboard.press("Space")
    expect(page.locator("#id_services_1")).to_be_checked()
    tab_to(page, "#id_admission_reason")
    page.keyboard.type("Cần chỗ ở an toàn")
    tab_to(page, "main form[method=post] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("resident-name")).to_have_text("Nông Thị Hoa")
    assert Stay.objects.filter(person=resident.person).exists()

    # 3. The centre's director approves it (regimes 1-4 are given by the receiving body; confirms in the dialog).
    page = signed_in_page(ls.director)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/ho-tro/de-nghi/{support.pk}/quyet-dinh/")
    tab_to(page, "[data-testid=decide-food_in_facility] input[type=radio]")
    page.keyboard.press("Space")  # the first choice: approve
    tab_to(page, "[data-testid=submit-decision]")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("decision-number")).to_be_visible()
    assert SupportDecision.objects.count() == 1
    for each in (page,):
        assert each.errors == []
