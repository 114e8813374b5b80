"""A case followed for a long time, in the browser: the case page shows the newest entries of its
timeline and links to the whole history, which pages through, passes the layout check and the
accessibility audit at 1366 px and on a phone (tests/e2e/test_layout.py's `Crawl`)."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.e2e.test_layout import Crawl, catalogue_phrases
from tests.victims.factories import agency, days_ago, member
from victims import services
from victims.models import IdentificationResult, ReceptionChannel
from victims.views import cases
from victims.workflow import Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_whole_history_opens_from_the_case_page_and_pages_through(signed_in_page, monkeypatch):
    monkeypatch.setattr(cases, "HISTORY_PAGE_SIZE", 10)  # the live server runs in this process
    centre = agency("social_centre", "lang son", code="TT-LS-H", name="Trung tâm Công tác xã hội Lạng Sơn")
    caseworker = member(centre, Role.CASEWORKER, user__username="ls.mai", user__full_name="Lò Thị Mai")
    case = services.case_register_reception(
        user=caseworker, agency=centre, reception_channel=ReceptionChannel.RESCUED, received_on=days_ago(400),
        full_name="Vi Thị Hồng",
    )
    police = agency("police", "lang son", code="CA-LS-H", name="Công an tỉnh Lạng Sơn")
    services.verification_request(user=caseworker, case=case, police_agency=police)
    services.identification_record_outcome(
        user=member(police), case=case, outcome=IdentificationResult.IDENTIFIED,
        document_type="police_confirmation", document_number="1/XN", document_date=days_ago(390),
        issuing_body="Công an tỉnh Lạng Sơn",
    )
    services.case_transition(user=caseworker, case=case, to_status=Status.IN_SUPPORT, reason="Cần chỗ ở")
    services.reintegration_plan_create(user=caseworker, case=case, starts_on=days_ago(370))
    services.case_transition(user=caseworker, case=case, to_status=Status.FOLLOW_UP, reason="Về nhà")
    for n in range(24):
        services.followup_visit_record(user=caseworker, case=case, visited_on=days_ago(360 - 14 * n),
                                       visitors="Cán bộ xã", place="Nhà", findings=f"Lần {n}")

    page = signed_in_page(caseworker)
    page.goto(f"/ho-so/{case.pk}/")
    expect(page.get_by_test_id("timeline-entry")).to_have_count(cases.TIMELINE_ON_PAGE)
    page.get_by_test_id("timeline-all").click()
    page.wait_for_url(f"**/ho-so/{case.pk}/lich-su/")
    expect(page.get_by_test_id("timeline-entry")).to_have_count(10)
    expect(page.get_by_test_id("timeline-entry").first).to_contain_text("Ghi nhận lần thăm theo dõi")
    page.get_by_role("link", name="Trang sau").click()
    expect(page.get_by_test_id("timeline-entry")).to_have_count(10)
    assert "page=2" in page.url

    crawl = Crawl(page, "ls.mai", catalogue_phrases(), set())
    crawl.visit(f"/ho-so/{case.pk}/lich-su/")
    crawl.visit(f"/ho-so/{case.pk}/lich-su/?page=3")
    assert crawl.problems == []
