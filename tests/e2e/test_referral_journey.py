"""Browser journey (issue 13): a Lạng Sơn border post refers a woman and her child to a Hà Nội centre,
sharing identity but not health; the centre accepts and sees the name but not the health notes; the
border post hands over with an escort; a real Celery worker renders the handover record, which
downloads with the Vietnamese names and the national header; the border post sees the case handed over.
"""

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.support.pdftext import pdf_text
from tests.victims.referral_world import WORDS, referral_world
from victims.models import Case, Handover, ReferralStatus

pytestmark = [pytest.mark.e2e, pytest.mark.celery_live,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def pick(page, field: str, option: str, typed: str = ""):
    """Choose in a tom-select picker as a user does: open it, type (without diacritics) if asked, click
    the option; then close it and check it closed, so the next picker is not covered by this one's list.
    On a loaded machine an open list was seen to close again before the click landed (the option was
    found, then "not visible"; once it closed before it was seen open): a user would open it again,
    and so does this, a few times."""
    wrapper = page.locator(f".ts-wrapper:has(#{field}-ts-control)")
    dropdown = page.locator(f"#{field}-ts-dropdown")
    control = page.locator(f"#{field}-ts-control")
    choice = dropdown.locator(".option", has_text=option).first
    for attempt in range(4):
        try:
            if not dropdown.is_visible():
                wrapper.locator(".ts-control").click()
                expect(dropdown).to_be_visible()  # it may close again at once, as below
            if typed and control.input_value() != typed:
                control.fill("")
                control.press_sequentially(typed, delay=20)
            choice.click(timeout=5_000)
            break
        except (PlaywrightTimeoutError, AssertionError):
            if attempt == 3:
                raise
    expect(wrapper.locator(".item", has_text=option)).to_have_count(1)
    # Escape closes the list only where the focus is in the picker; a late reopen (a retried click) left
    # it open once in CI, so press it in the picker itself, and click away as a user would if not.
    for attempt in range(3):
        control.press("Escape")
        try:
            expect(dropdown).to_be_hidden(timeout=2_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
            page.locator("h1").first.click()


def test_refer_accept_hand_over_and_download_the_record(signed_in_page, celery_worker_live, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = referral_world()
    border = signed_in_page(w.sender)

    # The border post refers the case, sharing identity but not health.
    border.goto(f"/ho-so/{w.case.pk}/")
    border.get_by_test_id("refer").click()
    pick(border, "id_receiving_agency", "Trung tâm Công tác xã hội Hà Nội", typed="cong tac xa hoi ha noi")
    border.fill("#id_reason", "Cần nơi tạm trú an toàn và chăm sóc y tế")
    pick(border, "id_services", "Nơi ở tạm thời và nhu cầu thiết yếu")
    border.locator("input[name=shared_parts][value=identity]").check()
    expect(border.locator("input[name=shared_parts][value=health]")).not_to_be_checked()
    border.locator("button[type=submit][data-once]").click()
    expect(border.get_by_test_id("referral-status")).to_have_text("Chờ trả lời")

    # The centre finds it in its inbox (a count in the menu) and accepts.
    centre = signed_in_page(w.receiver)
    centre.goto("/")
    expect(centre.get_by_test_id("nav-count")).to_contain_text("1")
    centre.goto("/ho-so/chuyen-tuyen/")
    expect(centre.get_by_test_id("referral-row")).to_have_count(1)
    expect(centre.locator("body")).not_to_contain_text(WORDS["name"])
    centre.get_by_test_id("referral-row").get_by_role("link").click()
    centre.get_by_test_id("accept-form").get_by_role("button").click()
    expect(centre.get_by_test_id("referral-status")).to_have_text("Đã nhận")
    centre.get_by_test_id("open-case").click()
    expect(centre.get_by_test_id("victim-name")).to_contain_text(WORDS["name"])
    expect(centre.get_by_test_id("section-children")).to_contain_text(WORDS["child"])
    expect(centre.get_by_test_id("section-health")).not_to_contain_text(WORDS["health"])
    expect(centre.locator("body")).not_to_contain_text(WORDS["trafficking"])

    # The border post sees the acceptance and hands over, with an escort for the child.
    border.reload()
    expect(border.get_by_test_id("referral-status")).to_have_text("Đã nhận")
    border.get_by_test_id("hand-over").click()
    border.fill("#id_place", "Cửa khẩu Hữu Nghị, Lạng Sơn")
    border.fill("#id_handed_by_name", "Hoàng Văn Biên, Đội trưởng")
    border.fill("#id_received_by_name", "Trần Thu Hà, cán bộ công tác xã hội")
    border.fill("#id_papers", "Giấy xác nhận của Công an")
    border.fill("#id_belongings", "01 ba lô")
    border.once("dialog", lambda dialog: dialog.accept())
    border.get_by_test_id("handover-form").locator("button[type=submit]").click()
    # no escort: refused, the error next to the field
    expect(border.locator("#id_escort_name_error")).to_contain_text("người chưa thành niên")
    border.fill("#id_escort_name", "Nông Văn Hộ")
    border.fill("#id_escort_role", "Chiến sĩ, Đồn Biên phòng Hữu Nghị")
    border.once("dialog", lambda dialog: dialog.accept())
    border.get_by_test_id("handover-form").locator("button[type=submit]").click()
    expect(border.get_by_test_id("referral-status")).to_have_text("Đã bàn giao hồ sơ")

    # A real worker renders the record after commit.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Handover.objects.get().pdf_status == "pending":
        time.sleep(0.5)
    assert Handover.objects.get().pdf_status == "ready", Handover.objects.get().pdf_error
    border.reload()
    with border.expect_download() as download_info:
        border.get_by_test_id("handover-pdf").click()
    with open(download_info.value.path(), "rb") as handle:
        text = pdf_text(handle.read())
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN",
                  WORDS["name"], WORDS["child"], "Nông Văn Hộ", "Trung tâm Công tác xã hội Hà Nội"):
        assert words in text, words

    # The border post now sees the case as handed over (owner: the centre).
    border.goto(f"/ho-so/{w.case.pk}/")
    expect(border.get_by_test_id("handed-over")).to_contain_text("Trung tâm Công tác xã hội Hà Nội")
    assert Case.objects.get(pk=w.case.pk).owning_agency == w.centre
    assert w.case.referrals.get().status == ReferralStatus.HANDED_OVER
    assert border.errors == [] and centre.errors == []
