"""The programme activities register: entered by agencies through a form, listed, edited with history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.actor import act_as
from reporting.models import ProgrammeActivity
from reporting.services import activity_create, activity_update
from tests.reporting.test_pages import client_for

pytestmark = pytest.mark.django_db


def test_a_caseworker_records_an_activity_through_the_form_and_edits_it(world):
    client = client_for(world, "centre_caseworker")
    form = client.get(reverse("reporting:activity_create"))
    token = form.context["form"].initial["form_token"]
    data = {"form_token": token, "kind": "training", "held_on": "02/09/2025", "province": world.ls.pk,
            "title": "Tập huấn nhận diện nạn nhân", "participants": 25, "trainees": 25, "panels": 0, "posters": 0,
            "leaflets": 0, "booklets": 25, "note": ""}
    response = client.post(reverse("reporting:activity_create"), data)
    assert response.status_code == 302
    again = client.post(reverse("reporting:activity_create"), data)  # sent twice: written once
    assert again.status_code == 302
    activity = ProgrammeActivity.objects.get(title="Tập huấn nhận diện nạn nhân")
    assert (activity.agency, activity.trainees, activity.created_by) == (world.tt, 25, world.users["centre_caseworker"])

    listing = client.get(reverse("reporting:activity_list")).content.decode()
    assert "Tập huấn nhận diện nạn nhân" in listing and reverse("reporting:activity_edit", args=[activity.pk]) in listing

    edit_url = reverse("reporting:activity_edit", args=[activity.pk])
    page = client.get(edit_url)
    data |= {"form_token": page.context["form"].initial["form_token"], "trainees": 28, "participants": 28}
    assert client.post(edit_url, data).status_code == 302
    activity.refresh_from_db()
    assert activity.trainees == 28
    history = client.get(edit_url).content.decode()
    assert 'data-testid="activity-history"' in history and "Đã sửa" in history and "Ghi nhận" in history


def test_an_activity_needs_its_numbers_and_a_past_date(world):
    membership = world.memberships["centre_caseworker"]
    actor = act_as(membership.user, membership)
    with pytest.raises(ValidationError) as error:
        activity_create(actor=actor, kind="training", held_on=datetime.date(2099, 1, 1), province=world.ls,
                        title="Sai", participants=0)
    assert {"held_on", "trainees", "__all__"} <= set(error.value.message_dict)
    del membership.user.acting_membership


def test_another_agency_cannot_edit_the_activity(world):
    mine = ProgrammeActivity.objects.filter(agency=world.tt).first()
    other = world.memberships["department_statistician"]
    with pytest.raises(ProgrammeActivity.DoesNotExist):
        activity_update(actor=act_as(other.user, other), activity=mine, participants=1)
    del other.user.acting_membership
    assert client_for(world, "department_statistician").get(
        reverse("reporting:activity_edit", args=[mine.pk])).status_code == 404


def test_the_ministry_lists_every_activity_the_department_its_province(world):
    national = client_for(world, "ministry_analyst").get(reverse("reporting:activity_list")).content.decode()
    province = client_for(world, "department_statistician").get(reverse("reporting:activity_list")).content.decode()
    assert national.count('data-testid="activity-row"') == 3
    assert province.count('data-testid="activity-row"') == 2 and "Phát tài liệu" not in province
