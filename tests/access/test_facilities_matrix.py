"""Permission matrix of the facility pages: persona × URL × method → status.

Pages of a kind a role never allows answer 403; objects outside the persona's scope answer 404 (as
if they did not exist). The objects are in Lạng Sơn, owned by the social centre TT-LS: a facility
with a resident, a licensed shelter with a pending renewal, a completed inspection with open actions
and a scheduled one. POSTs carry no data: an allowed POST re-renders the form with its errors (200)
and changes nothing.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from facilities.choices import FacilityType, InspectionStatus, Service
from facilities.models import Facility, Inspection, Licence, LicenceApplication, Stay
from tests.access.personas import PERSONAS
from tests.facilities.factories import (
    FacilityFactory,
    InspectionFactory,
    LicenceFactory,
    StayFactory,
)
from tests.victims.factories import CaseFactory

pytestmark = pytest.mark.django_db

ALL = frozenset(PERSONAS)
VIEWERS = frozenset({
    "centre_caseworker", "border_caseworker", "police_caseworker", "department_approver", "department_manager",
    "department_statistician", "other_caseworker", "other_approver",
})
OWNER_AND_DEPARTMENT = frozenset({"centre_caseworker", "department_approver", "department_manager",
                                  "department_statistician"})
DEPARTMENT_DECIDERS = frozenset({"department_approver", "department_manager"})
ADDRESS = "Số 1 ngõ Tuyệt Mật"


@pytest.fixture
def objects(personas):
    today = timezone.localdate()
    centre, department = personas["centre_caseworker"].agency, personas["department_approver"].agency
    facility = FacilityFactory(owner_agency=centre, name="Cơ sở Ma Trận", address_detail=ADDRESS)
    case = CaseFactory(receiving_agency=centre, created_by=personas["centre_caseworker"])
    stay = StayFactory(facility=facility, case=case)
    licence = LicenceFactory(facility__owner_agency=centre, facility__type=FacilityType.NGO_SHELTER)
    application = LicenceApplication.objects.create(
        facility=licence.facility, kind="renewal", previous_licence=licence, applicant="TT-LS",
        submitted_on=today, proposed_services=[Service.ACCOMMODATION], proposed_capacity=5, policy_code="LAW-53-2024",
        appraisal_due=today + datetime.timedelta(days=7), created_by=personas["centre_caseworker"],
    )
    inspection = InspectionFactory(facility=facility, lead_agency=department, follow_up_status="open",
                                   required_actions="Sửa", follow_up_due=today)
    planned = InspectionFactory(facility=facility, lead_agency=department, status=InspectionStatus.PLANNED,
                                inspected_on=None, scheduled_on=today, findings="")
    return {"facility": facility, "stay": stay, "licence": licence, "application": application,
            "inspection": inspection, "planned": planned}


# name, object key (None: no argument), query, personas allowed, status for the others, GET only
ROWS = [
    ("facilities:list", None, "", VIEWERS, 403, True),
    ("facilities:dashboard", None, "", VIEWERS, 403, True),
    ("facilities:stays", None, "", VIEWERS, 403, False),  # the search form posts (names stay out of URLs)
    ("facilities:warnings", None, "", VIEWERS, 403, True),
    ("facilities:licensing", None, "", VIEWERS, 403, True),
    ("facilities:inspections", None, "", VIEWERS, 403, True),
    ("facilities:create", None, "", {"department_manager"}, 403, False),
    ("facilities:communes", None, "", {"department_manager"}, 403, True),
    ("facilities:detail", "facility", "", OWNER_AND_DEPARTMENT, 404, True),
    ("facilities:edit", "facility", "", {"department_manager"}, 404, False),
    ("facilities:admit", "facility", "?case_number={case_number}", {"centre_caseworker"}, 404, False),
    ("facilities:admit_cases", "facility", "?case_number={case_number}", {"centre_caseworker"}, 404, True),
    ("facilities:licence_apply", "shelter", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:inspection_create", "facility", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:stay", "stay", "", OWNER_AND_DEPARTMENT, 404, True),
    ("facilities:stay_extend", "stay", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:stay_discharge", "stay", "", {"centre_caseworker"}, 404, False),
    ("facilities:stay_transfer", "stay", "", {"centre_caseworker"}, 404, False),
    ("facilities:application", "application", "", OWNER_AND_DEPARTMENT, 404, True),
    ("facilities:application_appraise", "application", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:application_decide", "application", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:licence", "licence", "", OWNER_AND_DEPARTMENT, 404, True),
    ("facilities:licence_renew", "licence", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:licence_suspend", "licence", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:licence_reinstate", "licence", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:licence_revoke", "licence", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:inspection", "inspection", "", OWNER_AND_DEPARTMENT, 404, True),
    ("facilities:inspection_findings", "planned", "", DEPARTMENT_DECIDERS, 404, False),
    ("facilities:inspection_follow_up", "inspection", "", DEPARTMENT_DECIDERS, 404, False),
]


# Search forms that post and redirect to ?f=<key> (config.private_filters).
SEARCH_POSTS = {"facilities:stays"}


def expected_status(allowed, denied, get_only, persona, method, name="") -> int:
    if persona == "partner":  # the partner API role never has a browser session
        return 302
    if method == "post" and name in SEARCH_POSTS and persona in allowed:
        return 302
    if method == "post" and get_only:
        return 405
    return 200 if persona in allowed else denied


def _url(objects, name, key, query):
    if key is None:
        url = reverse(name)
    elif key == "shelter":
        url = reverse(name, args=[objects["licence"].facility_id])
    else:
        url = reverse(name, args=[objects[key].pk])
    if name == "facilities:communes":
        url += f"?province={objects['facility'].province_id}"
    return url + query.format(case_number=objects["stay"].case.case_number)


@pytest.mark.parametrize(("name", "key", "query", "allowed", "denied", "get_only"), ROWS,
                         ids=[row[0].split(":")[1] for row in ROWS])
def test_matrix(objects, client_for, name, key, query, allowed, denied, get_only):
    """One test per URL (the personas are made once); a failure lists every wrong cell."""
    url = _url(objects, name, key, query)
    clients = {persona: client_for(persona) for persona in sorted(ALL)}
    counts = (Stay.objects.count(), Licence.objects.count(), Inspection.objects.count(), Facility.objects.count())
    wrong = []
    for persona, client in clients.items():
        for method in ("get", "post"):
            expected = expected_status(allowed, denied, get_only, persona, method, name)
            status = getattr(client, method)(url).status_code
            if status != expected:
                wrong.append(f"{persona} {method.upper()} {url}: {status}, expected {expected}")
    assert wrong == []
    assert counts == (Stay.objects.count(), Licence.objects.count(), Inspection.objects.count(),
                      Facility.objects.count()), "an empty POST changed something"


def test_every_facility_url_has_a_row():
    from django.urls import get_resolver

    resolver = get_resolver()
    names = {f"facilities:{name}" for name in resolver.namespace_dict["facilities"][1].reverse_dict
             if isinstance(name, str)}
    assert names == {row[0] for row in ROWS}


@pytest.mark.parametrize("persona", ["other_caseworker", "other_approver", "border_caseworker", "police_caseworker"])
def test_lists_do_not_leak_out_of_scope_facilities(objects, client_for, persona):
    assert Facility.objects.filter(name="Cơ sở Ma Trận").exists()  # the row exists ...
    for name in ("facilities:list", "facilities:stays", "facilities:warnings", "facilities:licensing",
                 "facilities:inspections", "facilities:dashboard"):
        page = client_for(persona).get(reverse(name)).content.decode()
        assert "Cơ sở Ma Trận" not in page, name  # ... and is not shown
        assert objects["stay"].case.case_number not in page, name


@pytest.mark.parametrize("persona", sorted(ALL))
def test_the_shelter_address_reaches_only_the_owner_and_the_approving_department(objects, client_for, persona):
    url = reverse("facilities:detail", args=[objects["facility"].pk])
    page = client_for(persona).get(url).content.decode()
    shown = ADDRESS in page
    assert shown == (persona in {"centre_caseworker", "department_approver", "department_manager"})
