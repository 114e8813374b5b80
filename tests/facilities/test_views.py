"""The facility pages: forms keep what was typed, confirmations, confidential addresses, access log,
the occupancy chart without inline script, and query counts that do not grow with the rows."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from facilities.choices import FacilityType
from facilities.models import Facility, Stay
from tests.victims.factories import CaseFactory
from victims.models import AccessLog

from .factories import (
    FacilityFactory,
    InspectionFactory,
    LicenceFactory,
    StayFactory,
    days_ago,
    today,
)

pytestmark = pytest.mark.django_db

ADDRESS = "Số 7 đường Bí Mật, thôn Kín"


def test_the_address_is_shown_only_to_roles_that_need_it(world, signed_in, client):
    border_case = CaseFactory(receiving_agency=world.border_ls, created_by=world.border_guard)
    StayFactory(facility=world.facility, case=border_case)
    url = reverse("facilities:detail", args=[world.facility.pk])
    assert Facility.objects.get(pk=world.facility.pk).address_detail == ADDRESS  # the text exists ...
    for user in (world.caseworker, world.approver):
        client.logout()
        response = signed_in(user).get(url)
        assert ADDRESS in response.content.decode()
    for user in (world.statistician, world.border_guard):  # ... and never reaches these
        client.logout()
        response = signed_in(user).get(url)
        assert response.status_code == 200
        assert ADDRESS not in response.content.decode()
        assert "Bí Mật" not in response.content.decode()


def test_the_list_never_shows_addresses(world, signed_in):
    response = signed_in(world.caseworker).get(reverse("facilities:list"))
    assert world.facility.name in response.content.decode()
    assert ADDRESS not in response.content.decode()


def test_admission_through_the_pages(world, signed_in):
    client = signed_in(world.caseworker)
    url = reverse("facilities:admit", args=[world.facility.pk])
    response = client.get(url, {"case_number": "NO-SUCH-CASE"})
    assert 'id="id_case_number_error"' in response.content.decode()

    response = client.get(url, {"case_number": world.case.case_number.lower()})
    assert "Lò Thị Mai" in response.content.decode() and "Lò Văn Bình" in response.content.decode()
    action = re.search(r'<form method="post" action="([^"]*)" class="card', response.content.decode()).group(1)
    assert action.startswith("?case_number=")  # the form posts back with the case it was made for
    response = client.post(url + action.replace("&amp;", "&"), {
        "persons": [world.case.person.pk, world.child.pk], "admitted_on": days_ago(1).strftime("%d/%m/%Y"),
        "room": "P2", "bed": "G3", "admission_reason": "Cần nơi ở an toàn",
    })
    mother = Stay.objects.get(person=world.case.person)
    assert response.status_code == 302 and response.url == reverse("facilities:stay", args=[mother.pk])
    page = client.get(response.url).content.decode()
    assert "Lò Thị Mai" in page and "Lò Văn Bình" in page


def test_a_refused_admission_keeps_what_was_typed_with_the_error_next_to_the_field(world, signed_in):
    world.facility.beds = 1
    world.facility.save()
    client = signed_in(world.caseworker)
    url = reverse("facilities:admit", args=[world.facility.pk]) + f"?case_number={world.case.case_number}"
    response = client.post(url, {
        "persons": [world.case.person.pk, world.child.pk], "admitted_on": days_ago(1).strftime("%d/%m/%Y"),
        "room": "Phòng 12", "bed": "G7", "admission_reason": "Lý do đã gõ",
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_persons_error"' in page and 'aria-invalid="true"' in page
    assert "Phòng 12" in page and "Lý do đã gõ" in page and days_ago(1).strftime("%d/%m/%Y") in page
    assert not Stay.objects.exists()


def test_irreversible_steps_ask_for_confirmation(world, signed_in):
    stay = StayFactory(facility=world.facility, case=world.case)
    page = signed_in(world.caseworker).get(reverse("facilities:stay_discharge", args=[stay.pk])).content.decode()
    assert re.search(r'<form method="post"[^>]*data-confirm="[^"]+"', page)

    licence = LicenceFactory(facility__owner_agency=world.ngo_ls)
    page = signed_in(world.approver).get(reverse("facilities:licence_revoke", args=[licence.pk])).content.decode()
    assert re.search(r'<form method="post"[^>]*data-confirm="[^"]+"', page)


def test_discharge_to_the_family_through_the_page(world, signed_in):
    stay = StayFactory(facility=world.facility, case=world.case)
    response = signed_in(world.caseworker).post(reverse("facilities:stay_discharge", args=[stay.pk]), {
        "discharged_on": today().strftime("%d/%m/%Y"), "destination": "family", "note": "Mẹ đón về",
    })
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.destination == "family" and stay.discharged_on == today()


def test_an_extension_form_error_keeps_the_reason(world, signed_in):
    stay = StayFactory(facility=world.facility, case=world.case)
    response = signed_in(world.director).post(reverse("facilities:stay_extend", args=[stay.pk]), {
        "new_ends_on": stay.ends_on.strftime("%d/%m/%Y"), "decided_on": today().strftime("%d/%m/%Y"),
        "reason": "Chờ gia đình đến đón",
    })
    page = response.content.decode()
    assert 'id="id_new_ends_on_error"' in page and "Chờ gia đình đến đón" in page


def test_reading_a_stay_is_logged_without_personal_data(world, signed_in):
    stay = StayFactory(facility=world.facility, case=world.case)
    signed_in(world.caseworker).get(reverse("facilities:stay", args=[stay.pk]))
    log = AccessLog.objects.get(action="stay.view")
    assert (log.user_id, log.object_type, log.object_id) == (world.caseworker.pk, "victims.case", str(world.case.pk))


def test_registering_a_facility(world, signed_in):
    client = signed_in(world.department_manager)
    communes = client.get(reverse("facilities:communes"), {"province": world.lang_son.pk}).content.decode()
    commune = world.lang_son.children.filter(level="commune").first()
    assert f'value="{commune.pk}"' in communes
    response = client.post(reverse("facilities:create"), {
        "code": "CS-LS-09", "name": "Nhà tạm lánh Hoa Sen", "type": FacilityType.NGO_SHELTER,
        "owner_agency": world.ngo_ls.pk, "province": world.lang_son.pk, "commune": commune.pk,
        "address_detail": "Thôn 3", "rooms": 2, "beds": 6, "gender_policy": "women_only", "accepts_children": "on",
        "services": ["accommodation", "psychological"], "staff_count": 3, "funding_source": "international_donor",
    })
    facility = Facility.objects.get(code="CS-LS-09")
    assert response.status_code == 302 and facility.owner_agency == world.ngo_ls and facility.commune == commune


def test_a_facility_form_error_keeps_what_was_typed(world, signed_in):
    response = signed_in(world.department_manager).post(reverse("facilities:create"), {
        "code": "cs ls", "name": "Nhà tạm lánh Hoa Sen", "type": FacilityType.NGO_SHELTER,
        "owner_agency": world.ngo_ls.pk, "province": world.lang_son.pk, "rooms": 0, "beds": 6,
        "gender_policy": "women_only", "staff_count": 3, "funding_source": "international_donor",
    })
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_code_error"' in page and "Nhà tạm lánh Hoa Sen" in page


def test_the_dashboard_passes_chart_data_without_inline_script(world, signed_in):
    StayFactory(facility=world.facility, case=world.case, admitted_on=days_ago(130))
    page = signed_in(world.approver).get(reverse("facilities:dashboard")).content.decode()
    data = json.loads(re.search(r'<script id="occupancy-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert data["labels"] == [world.facility.name] and data["residents"] == [1] and data["free"] == [3]
    scripts = re.findall(r"<script([^>]*)>", page)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert "js/facilities.js" in page and "chart.umd.min.js" in page


def test_occupancy_per_facility_and_province(world):
    from facilities.selectors import occupancy

    StayFactory(facility=world.facility, case=world.case, admitted_on=days_ago(130))
    StayFactory(facility=world.facility, case=CaseFactory(receiving_agency=world.centre_ls), admitted_on=days_ago(30),
                discharged_on=days_ago(21), destination="family")  # 10 days
    StayFactory(facility=world.facility, case=CaseFactory(receiving_agency=world.centre_ls), admitted_on=days_ago(30),
                discharged_on=days_ago(1), destination="family")  # 30 days
    (province,) = occupancy(user=world.approver)
    (row,) = province.children
    assert (row.beds, row.residents, row.free, row.past_limit, row.average_stay) == (4, 1, 3, 1, 20.0)
    assert (province.label, province.residents, province.rate) == (world.lang_son.name, 1, 25)
    assert occupancy(user=world.border_guard) == []


# Query counts: the same for 2 and for 12 rows of everything (the page size is 25), and pinned.
# 5 of them are the layout's (session, user, device, memberships for the header and the menu); the
# residents' pages add the access-log INSERT.
LIST_PAGES = {
    "facilities:list": ("", 12),
    "facilities:stays": ("", 14),
    "facilities:warnings": ("", 14),
    "facilities:licensing": ("", 9),
    "facilities:licensing ": ("?tab=licences", 10),
    "facilities:inspections": ("", 10),
    "facilities:dashboard": ("", 9),
}


def _fill(world, n):
    for _ in range(n):
        facility = FacilityFactory(owner_agency=world.centre_ls)
        StayFactory(facility=facility, case=CaseFactory(receiving_agency=world.centre_ls), admitted_on=days_ago(115))
        LicenceFactory(facility=facility)
        InspectionFactory(facility=facility, lead_agency=world.department_ls, follow_up_status="open",
                          follow_up_due=days_ago(1), required_actions="x")


@pytest.mark.parametrize("name", list(LIST_PAGES))
def test_list_pages_have_pinned_query_counts(world, signed_in, django_assert_max_num_queries, name):
    query, limit = LIST_PAGES[name]
    client = signed_in(world.approver)
    url = reverse(name.strip()) + query
    counts = []
    for n in (2, 10):
        _fill(world, n)
        with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_dates_are_shown_dd_mm_yyyy(world, signed_in):
    stay = StayFactory(facility=world.facility, case=world.case, admitted_on=datetime.date(2026, 1, 5))
    page = signed_in(world.caseworker).get(reverse("facilities:stay", args=[stay.pk])).content.decode()
    assert "05/01/2026" in page
