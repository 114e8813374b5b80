import pytest
from django.urls import reverse

from facilities import services
from facilities.choices import FacilityType, Service

from .factories import InspectionFactory, LicenceFactory, days_ago

pytestmark = pytest.mark.django_db


def test_every_page_renders(world, signed_in):
    stays = services.stay_admit(user=world.caseworker, facility=world.facility, case=world.case,
                                persons=[world.case.person, world.child], admitted_on=days_ago(5),
                                admission_reason="Cần nơi ở an toàn")
    shelter = LicenceFactory(facility__owner_agency=world.ngo_ls, facility__type=FacilityType.NGO_SHELTER).facility
    licence = shelter.licences.get()
    application = services.licence_apply(user=world.approver, facility=shelter, applicant="NGO", submitted_on=days_ago(3),
                                         proposed_services=[Service.ACCOMMODATION], proposed_capacity=5,
                                         previous_licence=licence)
    inspection = InspectionFactory(facility=world.facility, lead_agency=world.department_ls)
    client = signed_in(world.approver)
    urls = [
        reverse("facilities:list"), reverse("facilities:detail", args=[world.facility.pk]),
        reverse("facilities:detail", args=[shelter.pk]),
        reverse("facilities:stays"), reverse("facilities:warnings"), reverse("facilities:stay", args=[stays[0].pk]),
        reverse("facilities:stay_extend", args=[stays[0].pk]),
        reverse("facilities:licensing"), reverse("facilities:licensing") + "?tab=licences",
        reverse("facilities:application", args=[application.pk]),
        reverse("facilities:application_appraise", args=[application.pk]),
        reverse("facilities:licence", args=[licence.pk]),
        reverse("facilities:licence_suspend", args=[licence.pk]),
        reverse("facilities:licence_revoke", args=[licence.pk]),
        reverse("facilities:inspections"), reverse("facilities:inspection", args=[inspection.pk]),
        reverse("facilities:inspection_create", args=[world.facility.pk]),
        reverse("facilities:dashboard"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    client = signed_in(world.caseworker)
    for url in [reverse("facilities:admit", args=[world.facility.pk]) + "?case_number=" + world.case.case_number,
                reverse("facilities:stay_discharge", args=[stays[0].pk]),
                reverse("facilities:stay_transfer", args=[stays[0].pk])]:
        response = client.get(url)
        assert response.status_code == 200, url
    client = signed_in(world.department_manager)
    for url in [reverse("facilities:create"), reverse("facilities:edit", args=[world.facility.pk]),
                reverse("facilities:communes") + f"?province={world.lang_son.pk}"]:
        response = client.get(url)
        assert response.status_code == 200, url
