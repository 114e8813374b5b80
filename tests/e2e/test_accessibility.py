"""Keyboard and screen-reader basics (issue #19): skip link, visible focus, the error summary."""


import pytest
from playwright.sync_api import expect

from accounts.models import AgencyType
from accounts.roles import Role
from tests.factories import AgencyFactory, MembershipFactory, province

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What the focused element looks like and whether it can be seen: its outline, and what is drawn
# at its centre (it, or something inside it, not a neighbour on top of it).
FOCUS = """
() => {
  const el = document.activeElement;
  // A Tom Select picker shows its focus on the whole box around its search input.
  const ring = el.closest(".ts-control") || el;
  const style = getComputedStyle(ring);
  const box = ring.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || "").trim().slice(0, 40),
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor,
    inWindow: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
              && box.bottom <= innerHeight && box.right <= innerWidth,
    box: [Math.round(box.top), Math.round(box.bottom), Math.round(box.left), Math.round(box.right), innerHeight, innerWidth],
    hit: hit ? hit.tagName + "." + [...hit.classList].join(".") : null,
    uncovered: !!hit && (hit === el || ring.contains(hit) || (hit.closest("label") && hit.closest("label").control === el)),
  };
}
"""


def assert_focus_visible(page):
    focus = page.evaluate(FOCUS)
    assert focus["outline"] != "none" and focus["width"] >= 2, focus
    assert focus["colour"] not in ("rgba(0, 0, 0, 0)", "transparent"), focus
    assert focus["inWindow"] and focus["uncovered"], repr(focus)
    return focus


@pytest.fixture
def border_guard(db):
    post = AgencyFactory(code="BP-CM", name="Đồn Biên phòng cửa khẩu Chi Ma", jurisdiction=province("lang son"),
                         type=AgencyType.objects.get(code="border_guard"))
    return MembershipFactory(user__username="bp.tuan", user__full_name="Hoàng Văn Tuấn", agency=post,
                             role=Role.CASEWORKER).user


@pytest.mark.parametrize("width", [1366, 390])
def test_a_skip_link_comes_first_and_every_stop_of_the_header_shows_its_focus(signed_in_page, border_guard, width):
    page = signed_in_page(border_guard, width=width, height=800)
    page.goto("/ho-so/")

    page.keyboard.press("Tab")
    first = assert_focus_visible(page)
    assert first["tag"] == "a" and first["text"] == "Bỏ qua, đến nội dung chính"
    stops = []
    for _ in range(8):  # the header: brand, language, sign out, the menu…
        page.keyboard.press("Tab")
        stops.append(assert_focus_visible(page))
    assert any(stop["text"].startswith("Đăng xuất") for stop in stops)

    page.goto("/ho-so/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is in the page's content, past the whole header
    assert page.evaluate("!!document.activeElement.closest('main')")
    assert page.errors == []


def test_a_failed_submit_moves_focus_to_a_summary_that_links_to_each_field(signed_in_page, border_guard):
    page = signed_in_page(border_guard)
    page.goto("/ho-so/tiep-nhan/")
    page.fill("#id_full_name", "")
    page.fill("#id_received_on", "31/02/2026")
    page.get_by_test_id("register").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    links = summary.locator("a")
    expect(links.filter(has_text="Họ và tên")).to_have_count(1)
    assert links.count() >= 2  # every error at once: the name and the date
    for field in ("id_full_name", "id_received_on"):
        described = page.locator(f"#{field}").get_attribute("aria-describedby") or ""
        assert f"{field}_error" in described.split()
        expect(page.locator(f"#{field}_error")).not_to_be_empty()
    expect(page.locator("#id_received_on")).to_have_value("31/02/2026")  # what was typed is kept

    summary.locator("a[href='#id_full_name']").click()
    expect(page.locator("#id_full_name")).to_be_focused()
    assert_focus_visible(page)
    page.locator("#id_full_name").fill("Lục Thị Hạnh")
    assert page.errors == []


@pytest.mark.parametrize("url", ["/ho-so/", "/ho-so/tiep-nhan/"])
def test_pages_reflow_at_320_css_pixels_without_sideways_scrolling(signed_in_page, border_guard, url):
    """1.4.10 Reflow: 1280 px at 400 % zoom is a 320 px wide window."""
    page = signed_in_page(border_guard, width=320, height=640)
    page.goto(url)

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.errors == []


def test_a_tom_select_picker_is_a_named_combobox_with_a_listbox_that_works_by_keyboard(signed_in_page, border_guard):
    from tests.victims.factories import CaseFactory

    CaseFactory(receiving_agency=border_guard.memberships.get().agency, created_by=border_guard)
    page = signed_in_page(border_guard)
    page.goto("/ho-so/")
    name = page.locator("label[for^='id_receiving_agency']").inner_text().replace("*", "").strip()

    combobox = page.get_by_role("combobox", name=name)
    expect(combobox).to_have_count(1)  # only the picker's own input, named by the field's label
    hidden = page.locator("#id_receiving_agency")
    assert hidden.get_attribute("aria-hidden") == "true" and hidden.get_attribute("tabindex") == "-1"
    combobox.focus()
    assert_focus_visible(page)
    page.keyboard.type("chi ma", delay=30)  # without diacritics
    expect(combobox).to_have_attribute("aria-expanded", "true")
    option = page.get_by_role("listbox").get_by_role("option", name="Đồn Biên phòng cửa khẩu Chi Ma")
    expect(option).to_be_visible()
    for _ in range(3):  # the arrow keys move through the options; the chosen one is announced as active
        if "active" in (option.get_attribute("class") or ""):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(hidden).not_to_have_value("")
    assert page.errors == []
