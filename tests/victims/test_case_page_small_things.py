"""Small things a reader of the case page noticed (issue #10, point 10): a country by its name on the
timeline, the children's birth column named for what it shows, no empty status-change heading."""

import pytest

from victims import services
from victims.models import IdentificationResult, Sex

from .factories import days_ago
from .test_views_cases import client_as, detail, register

pytestmark = pytest.mark.django_db


def test_the_timeline_names_the_destination_country(world):
    case = register(world)
    services.case_update_declaration(user=world.caseworker_ls, case=case, destination_country="CN")
    entries = client_as(world.caseworker_ls).get(detail(case)).context["timeline"]
    values = [value for entry in entries for _label, _before, value in entry.changes]
    assert "Trung Quốc" in values and "CN" not in values


def test_the_childrens_birth_column_says_what_it_shows(world):
    case = register(world)
    services.case_add_child(user=world.caseworker_ls, case=case, full_name="Nguyễn Văn Bình", sex=Sex.MALE,
                            relationship="child", date_of_birth=days_ago(3 * 365))
    owner = client_as(world.caseworker_ls).get(detail(case)).content.decode()
    assert "Ngày hoặc năm sinh" in owner  # a full date is shown: the heading says so
    masked = client_as(world.statistician_ls).get(detail(case)).content.decode()
    assert "Năm sinh" in masked and "Ngày hoặc năm sinh" not in masked  # only the year


def test_a_reader_who_can_change_nothing_sees_no_empty_status_heading(world):
    case = register(world)
    services.verification_request(user=world.caseworker_ls, case=case, police_agency=world.police_ls, note="")
    services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome=IdentificationResult.IDENTIFIED,
        document_type="police_confirmation", document_number="12/XN", document_date=days_ago(1),
        issuing_body="Công an tỉnh Lạng Sơn",
    )
    police = client_as(world.police_officer_ls).get(detail(case)).content.decode()
    assert "Chuyển trạng thái</h3>" not in police
    owner = client_as(world.caseworker_ls).get(detail(case)).content.decode()
    assert 'data-testid="transition-' in owner  # the owner still has the buttons, under the heading


def test_a_child_added_after_the_case_page_read_its_children_is_in_the_next_reading(world):
    """The page reads the children once and the timeline and the panels take them from the case;
    a caller holding the case object still sees a child added since."""
    from victims.views.timeline import case_timeline

    case = register(world)
    client_as(world.caseworker_ls).get(detail(case))
    assert not any("Lục Văn Sáng" in entry.title for entry in case_timeline(world.caseworker_ls, case))
    services.case_add_child(user=world.caseworker_ls, case=case, full_name="Lục Văn Sáng", relationship="child",
                            birth_year=2022)
    assert any("Lục Văn Sáng" in entry.title for entry in case_timeline(world.caseworker_ls, case))
    page = client_as(world.caseworker_ls).get(detail(case))
    assert [child.person.full_name for child in page.context["children"]] == ["Lục Văn Sáng"]


def test_the_support_panel_reads_the_latest_outcome_the_page_read(world):
    """The page reads the outcomes once (newest first) and the support panel's category follows the
    latest of them; a case object the page did not read reads its outcome itself."""
    from support.eligibility import identification_state

    case = register(world)
    services.verification_request(user=world.caseworker_ls, case=case, police_agency=world.police_ls, note="")
    for result in (IdentificationResult.UNDER_IDENTIFICATION, IdentificationResult.IDENTIFIED):
        services.identification_record_outcome(
            user=world.police_officer_ls, case=case, outcome=result,
            document_type="police_confirmation", document_number=f"12/{result}", document_date=days_ago(1),
            issuing_body="Công an tỉnh Lạng Sơn",
        )
    page = client_as(world.caseworker_ls).get(detail(case))
    assert [o.outcome for o in page.context["outcomes"]] == ["identified", "under_identification"]
    [support] = [panel for panel in page.context["panels"] if panel.key == "support"]
    assert support.context["support_summary"].people[0].category == "victim_citizen"
    assert identification_state(case) == ("identified", days_ago(1))  # a case not from the page: read now
