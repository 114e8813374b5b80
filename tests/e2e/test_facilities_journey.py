"""Browser journey: a social centre admits a victim and her child; the stay passes the maximum; the
centre's director records an extension; the victim is discharged to her family; the case's history
shows it all.

Selectors use ids and data-testid (the page text is Vietnamese once the catalogue has the entries).
"""

import datetime
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.models import AgencyType
from accounts.roles import Role
from facilities import views as facility_views
from facilities.models import Stay, StayExtension
from tests.conftest import PASSWORD
from tests.facilities.factories import FacilityFactory
from tests.factories import AgencyFactory, MembershipFactory, province, totp_device
from tests.victims.factories import CaseChildFactory, CaseFactory, PersonFactory
from victims.history import case_history

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(page, username, device):
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã xác thực").fill(code(device))
    page.get_by_role("button", name="Xác thực").click()
    expect(page.get_by_test_id("current-membership")).to_be_visible()


def ddmmyyyy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def second_page(browser, live_server):
    """Another person's browser (a TOTP code cannot be used twice, so each signs in once)."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    csp_violations = []
    page.on("console", lambda msg: csp_violations.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    yield page
    context.close()
    assert csp_violations == [], "the page broke its Content Security Policy"


def test_admit_mother_and_child_extend_past_the_maximum_and_discharge_to_the_family(page, second_page):
    today = timezone.localdate()
    centre = AgencyFactory(code="TTCTXH-LS", name="Trung tâm Công tác xã hội tỉnh Lạng Sơn",
                           type=AgencyType.objects.get(code="social_centre"), jurisdiction=province("lang son"))
    lan = MembershipFactory(user__username="lan.vi", user__full_name="Vi Thị Lan", agency=centre,
                            role=Role.CASEWORKER).user
    director = MembershipFactory(user__username="giamdoc", user__full_name="Hoàng Minh Đức", agency=centre,
                                 role=Role.AGENCY_MANAGER).user
    lan_device, director_device = totp_device(lan), totp_device(director)
    facility = FacilityFactory(owner_agency=centre, name="Cơ sở lưu trú Bình An", beds=10, created_by=lan)
    case = CaseFactory(receiving_agency=centre, created_by=lan, received_on=today - datetime.timedelta(days=140),
                       person=PersonFactory(full_name="Lò Thị Mai", birth_year=2003))
    CaseChildFactory(case=case, person__full_name="Lò Văn Khánh", person__birth_year=today.year - 2, created_by=lan)
    admitted_on = today - datetime.timedelta(days=125)  # recorded late: the stay is past the 120 days

    # 1. The caseworker admits the victim and her child.
    sign_in(page, "lan.vi", lan_device)
    page.goto("/co-so/")
    page.get_by_role("link", name="Cơ sở lưu trú Bình An").click()
    page.locator(f"a[href='/co-so/{facility.pk}/tiep-nhan/']").click()
    page.locator("#id_case_number").fill(case.case_number)
    page.locator("#id_case_number").press("Enter")
    expect(page.locator("#id_persons")).to_contain_text("Lò Thị Mai")
    expect(page.locator("#id_persons")).to_contain_text("Lò Văn Khánh")
    page.locator("#id_admitted_on").fill(ddmmyyyy(admitted_on))
    page.locator("#id_room").fill("P3")
    page.locator("#id_bed").fill("G5")
    page.locator("#id_admission_reason").fill("Cần chỗ ở an toàn cho hai mẹ con")
    page.locator("main form[method=post] button[type=submit]").click()

    expect(page.get_by_test_id("resident-name")).to_have_text("Lò Thị Mai")
    expect(page.get_by_test_id("companion")).to_contain_text("Lò Văn Khánh")
    expect(page.get_by_test_id("past-limit")).to_be_visible()  # 125 days > 120
    mother = Stay.objects.get(person=case.person)
    assert mother.max_stay_days == 120 and mother.companions.count() == 1

    # 2. The director sees the stay on the warning list and extends it.
    new_end = today + datetime.timedelta(days=30)
    director_page = second_page
    sign_in(director_page, "giamdoc", director_device)
    director_page.goto("/co-so/luu-tru/canh-bao/")
    row = director_page.get_by_test_id("warning-row").filter(has_text=case.case_number)
    expect(row).to_contain_text("Lò Thị Mai")
    row.locator(f"a[href='/co-so/luu-tru/{mother.pk}/gia-han/']").click()
    director_page.locator("#id_new_ends_on").fill(ddmmyyyy(new_end))
    director_page.locator("#id_decision_number").fill("15/QĐ-TTCTXH")
    director_page.locator("#id_reason").fill("Chờ gia đình chuẩn bị đón về")
    director_page.locator("main form[method=post] button[type=submit]").click()

    expect(director_page.get_by_test_id("stay-ends-on")).to_contain_text(ddmmyyyy(new_end))
    expect(director_page.get_by_test_id("past-limit")).to_have_count(0)
    expect(director_page.get_by_test_id("extension")).to_contain_text("15/QĐ-TTCTXH")
    expect(director_page.get_by_test_id("extension")).to_contain_text("Hoàng Minh Đức")
    # The occupancy chart (Chart.js from /static/, data from json_script) draws under the CSP.
    director_page.goto("/co-so/cong-suat/")
    expect(director_page.get_by_test_id("facility-occupancy")).to_contain_text("Cơ sở lưu trú Bình An")
    expect(director_page.locator("#occupancy-chart")).to_have_attribute("style", re.compile("height"))

    # 3. The caseworker discharges the victim to her family (with a confirmation); the child goes too.
    page.reload()
    expect(page.get_by_test_id("extension")).to_be_visible()
    page.get_by_role("link", name=re.compile("Discharge|Xuất|Kết thúc lưu trú")).click()
    page.locator("input[name=destination][value=family]").check()
    page.locator("#id_note").fill("Gia đình đón về Quế Phong")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-confirm] button[type=submit]").click()
    expect(page.get_by_test_id("stay-status")).to_contain_text(ddmmyyyy(today))
    expect(page.get_by_test_id("companion")).to_contain_text(ddmmyyyy(today))

    # 4. The case's history shows the admission of both, the extension and the discharge.
    events = case_history(lan, case)
    stay_events = [(e.pgh_model, e.pgh_label) for e in events if e.pgh_model.startswith("facilities.")]
    assert stay_events.count(("facilities.StayEvent", "insert")) == 2
    assert ("facilities.StayExtensionEvent", "insert") in stay_events
    discharges = [e for e in events if e.pgh_model == "facilities.StayEvent" and e.pgh_label == "update"
                  and (e.pgh_diff or {}).get("destination")]
    assert {tuple(e.pgh_diff["destination"]) for e in discharges} == {("", "family")}
    assert len(discharges) == 2 and all(e.actor == lan for e in discharges)
    assert StayExtension.objects.get().decided_by == director
    # The case page's timeline (victims app) shows the stay's changes: the new end date, the discharge.
    url = facility_views.case_url(case)
    if url:
        page.goto(url)
        timeline = page.get_by_test_id("timeline")
        expect(timeline).to_contain_text(ddmmyyyy(new_end))
        expect(timeline).to_contain_text("Gia đình đón về Quế Phong")
