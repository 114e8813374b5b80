import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from facilities import selectors, services
from facilities.choices import FollowUpStatus, InspectionKind, InspectionStatus

from .factories import days_ago, today

pytestmark = pytest.mark.django_db


def codes(error, field):
    return [e.code for e in error.error_dict.get(field, [])]


def test_an_inspection_with_required_actions_opens_a_follow_up(world):
    inspection = services.inspection_create(
        user=world.approver, facility=world.facility, kind=InspectionKind.PLANNED, form="inspection",
        team="Đặng Quốc Toàn – Trưởng đoàn", inspected_on=days_ago(3), findings="Thiếu bình chữa cháy",
        required_actions="Trang bị bình chữa cháy", follow_up_due=today() + datetime.timedelta(days=30),
    )
    assert inspection.status == InspectionStatus.COMPLETED
    assert inspection.follow_up_status == FollowUpStatus.OPEN
    assert inspection.lead_agency == world.department_ls

    services.inspection_update_follow_up(user=world.approver, inspection=inspection, status=FollowUpStatus.IN_PROGRESS,
                                         note="Đã mua 2 bình")
    services.inspection_update_follow_up(user=world.approver, inspection=inspection, status=FollowUpStatus.DONE,
                                         note="Đã lắp đặt", closed_on=today())
    inspection.refresh_from_db()
    assert inspection.follow_up_status == FollowUpStatus.DONE and inspection.follow_up_closed_on == today()
    assert "Đã mua 2 bình" in inspection.follow_up_note and "Đã lắp đặt" in inspection.follow_up_note


def test_required_actions_need_a_due_date_and_findings_are_required(world):
    with pytest.raises(ValidationError) as error:
        services.inspection_create(user=world.approver, facility=world.facility, kind="planned", form="check",
                                   team="Đoàn", inspected_on=days_ago(1), findings="", required_actions="Sửa")
    assert codes(error.value, "findings") == ["required"]
    assert codes(error.value, "follow_up_due") == ["required"]


def test_overdue_follow_ups_are_flagged(world):
    inspection = services.inspection_create(
        user=world.approver, facility=world.facility, kind="planned", form="check", team="Đoàn",
        inspected_on=days_ago(40), findings="x", required_actions="y", follow_up_due=days_ago(10),
    )
    assert inspection.follow_up_overdue(today())
    assert list(selectors.inspection_list(user=world.approver, overdue=True)) == [inspection]


def test_a_scheduled_unannounced_inspection_is_hidden_from_the_facility(world):
    surprise = services.inspection_create(user=world.approver, facility=world.facility, kind=InspectionKind.UNANNOUNCED,
                                          form="inspection", team="Thanh tra Sở", scheduled_on=today() + datetime.timedelta(days=7))
    assert surprise.status == InspectionStatus.PLANNED
    assert list(selectors.inspection_list(user=world.approver)) == [surprise]
    assert list(selectors.inspection_list(user=world.director)) == []
    with pytest.raises(Http404):
        selectors.inspection_get(user=world.caseworker, pk=surprise.pk)

    services.inspection_record_findings(user=world.approver, inspection=surprise, inspected_on=today(),
                                        findings="Đạt yêu cầu")
    assert list(selectors.inspection_list(user=world.director)) == [surprise]


def test_only_the_department_of_the_province_inspects(world):
    for user in (world.director, world.caseworker, world.approver_hn, world.statistician):
        with pytest.raises(Http404):
            services.inspection_create(user=user, facility=world.facility, kind="planned", form="check", team="x",
                                       scheduled_on=today())
