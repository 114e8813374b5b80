"""The duplicate journey in the browser: one woman registered by two agencies becomes one person.

A Lạng Sơn border post registers Nguyễn Thị Hoa (born 1995). A Lạng Sơn centre registers her again,
typing "Nguyen Thi Hoa" without diacritics and 1996: the declaration proposes the match without her
name, case number or any detail of the border post's file, only the post and its contact. The
provincial department merges the two; the department's case list counts one person for the two
files; undoing the merge restores both.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import AgencyType
from accounts.roles import Role
from tests.e2e.test_case_journey import person, sign_in
from tests.factories import AgencyFactory, MembershipFactory, province, totp_device
from victims.models import Case, DuplicateProposal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VICTIM, TYPED = "Nguyễn Thị Hoa", "Nguyen Thi Hoa"


@pytest.fixture
def another_page(browser, live_server):
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def register(page, name: str, year: str) -> int:
    page.goto("/ho-so/tiep-nhan/")
    page.select_option("#id_reception_channel", "handed_back_at_border")
    page.fill("#id_full_name", name)
    page.locator("input[name=sex][value=female]").check()
    page.fill("#id_birth_year", year)
    page.get_by_test_id("register").click()
    expect(page).to_have_url(re.compile(r"/ho-so/\d+/to-khai/"))
    return int(re.search(r"/ho-so/(\d+)/", page.url).group(1))


def test_a_woman_registered_twice_is_proposed_merged_counted_once_and_unmerged(page, another_page):
    lang_son = province("lang son")
    border_post = AgencyFactory(code="BP-TT", name="Đồn Biên phòng cửa khẩu Tân Thanh", jurisdiction=lang_son,
                                type=AgencyType.objects.get(code="border_guard"), phone="0205 3851 234",
                                email="dbp.tantanh@bienphong.example.vn", address="Tân Thanh, Văn Lãng, Lạng Sơn")
    centre = AgencyFactory(code="TT-LS", name="Trung tâm Công tác xã hội Lạng Sơn", jurisdiction=lang_son,
                           type=AgencyType.objects.get(code="social_centre"))
    department = AgencyFactory(code="SYT-LS", name="Sở Y tế Lạng Sơn", jurisdiction=lang_son,
                               type=AgencyType.objects.get(code="social_affairs_department"))
    guard = person("bp.tuan", "Hoàng Văn Tuấn", border_post)
    worker = person("tt.mai", "Lý Thị Mai", centre)
    membership = MembershipFactory(user__username="syt.nga", user__full_name="Đinh Thị Nga", agency=department,
                                   role=Role.APPROVER)
    reviewer = membership.user
    reviewer.device = totp_device(reviewer)
    errors: list[str] = []

    # 1. The border post registers her.
    sign_in(page, guard, errors)
    first = register(page, VICTIM, "1995")
    first_case = Case.objects.get(pk=first)

    # 2. The centre registers her again, without diacritics and a year off: the match is proposed,
    #    held by the border post, with its contact, and nothing of its file.
    centre_page = another_page()
    sign_in(centre_page, worker, errors)
    second = register(centre_page, TYPED, "1996")
    notice = centre_page.get_by_test_id("duplicate-notice")
    expect(notice).to_be_visible()
    held = centre_page.get_by_test_id("duplicate-elsewhere")
    expect(held).to_contain_text("Đồn Biên phòng cửa khẩu Tân Thanh")
    expect(held).to_contain_text("0205 3851 234")
    body = centre_page.content()
    assert VICTIM not in body and first_case.case_number not in body and "N. T. H." not in notice.inner_text()
    centre_page.goto(f"/ho-so/{second}/trung-lap/")
    expect(centre_page.get_by_test_id("duplicate-elsewhere")).to_contain_text("Tân Thanh")
    assert VICTIM not in centre_page.content() and first_case.case_number not in centre_page.content()
    centre_page.get_by_test_id("ask-referral").click()
    expect(centre_page.locator(".alert-success")).to_contain_text("Đồn Biên phòng cửa khẩu Tân Thanh")
    proposal = DuplicateProposal.objects.get()
    assert proposal.referral_requested_by == centre

    # 3. The department sees the pair, both names, and merges them.
    review = another_page()
    sign_in(review, reviewer, errors)
    review.goto("/ho-so/")
    expect(review.get_by_test_id("case-row")).to_have_count(2)
    expect(review.get_by_test_id("persons-count")).to_contain_text("2 người")
    review.goto("/ho-so/trung-lap/")
    review.get_by_test_id("proposal-row").locator("a").click()
    sides = review.get_by_test_id("proposal-side")
    expect(sides.nth(0)).to_contain_text(VICTIM)
    expect(sides.nth(1)).to_contain_text(TYPED)
    form = review.get_by_test_id("merge-form")
    form.locator(f"input[name=survivor][value='{first_case.person_id}']").check()
    form.locator("#id_reason").fill("Cùng người: cùng quê, cùng cha mẹ, gõ thiếu dấu")
    form.locator("button[type=submit]").click()
    expect(review.get_by_test_id("proposal-status")).to_have_text("Đã hợp nhất")
    assert Case.objects.get(pk=second).person_id == first_case.person_id

    # 4. One person in the department's case list (two files), and in the persons count.
    review.goto("/ho-so/")
    expect(review.get_by_test_id("case-row")).to_have_count(2)
    expect(review.get_by_test_id("persons-count")).to_contain_text("1 người")
    expect(review.get_by_test_id("case-row").filter(has_text=TYPED)).to_have_count(0)

    # 5. Undo: both persons and their files are back.
    review.goto(f"/ho-so/trung-lap/{proposal.pk}/")
    undo = review.get_by_test_id("unmerge-form")
    undo.locator("#id_undo-reason").fill("Nhầm: hai chị em sinh đôi")
    undo.locator("button[type=submit]").click()
    expect(review.get_by_test_id("proposal-status")).to_have_text("Chờ xem xét")
    assert Case.objects.get(pk=second).person.full_name == TYPED
    review.goto("/ho-so/")
    expect(review.get_by_test_id("persons-count")).to_contain_text("2 người")
    expect(review.get_by_test_id("case-row").filter(has_text=TYPED)).to_have_count(1)

    assert errors == [], errors
