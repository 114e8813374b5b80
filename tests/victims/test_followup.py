"""Reintegration follow-up: plans, monthly visits up to 24 months, the overdue list."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from victims import services
from victims.models import FollowUpVisit
from victims.selectors import followups_overdue
from victims.text import add_months
from victims.workflow import Status

from .factories import CaseFactory, PersonFactory, days_ago

pytestmark = pytest.mark.django_db


def in_follow_up(world, starts_on, **case_fields):
    case = CaseFactory(receiving_agency=world.centre_ls, status=Status.IN_SUPPORT, received_on=starts_on - datetime.timedelta(days=30),
                       **case_fields)
    plan = services.reintegration_plan_create(user=world.caseworker_ls, case=case, starts_on=starts_on)
    services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.FOLLOW_UP)
    case.refresh_from_db()
    return case, plan


def visit(world, case, visited_on, **kwargs):
    return services.followup_visit_record(
        user=world.caseworker_ls, case=case, visited_on=visited_on, visitors="Vi Thị Lan",
        place="Nhà riêng, xã Mẫu Sơn", findings="Ổn định, đã đi làm", **kwargs,
    )


def test_a_plan_lasts_24_months_with_monthly_visits_by_default(world):
    case, plan = in_follow_up(world, days_ago(10))
    assert plan.ends_on == add_months(plan.starts_on, 24)
    assert plan.visit_interval_months == 1
    assert plan.responsible_agency == world.centre_ls
    assert case.next_visit_due == add_months(plan.starts_on, 1)


def test_a_plan_longer_than_24_months_is_refused(world):
    case = CaseFactory(receiving_agency=world.centre_ls, status=Status.IN_SUPPORT, received_on=days_ago(40))
    with pytest.raises(ValidationError) as error:
        services.reintegration_plan_create(user=world.caseworker_ls, case=case, starts_on=days_ago(10),
                                           ends_on=add_months(days_ago(10), 25))
    assert "ends_on" in error.value.message_dict


def test_a_plan_needs_an_identified_victim(world):
    case = CaseFactory(receiving_agency=world.centre_ls, status=Status.UNDER_IDENTIFICATION)
    with pytest.raises(ValidationError):
        services.reintegration_plan_create(user=world.caseworker_ls, case=case, starts_on=days_ago(1))


def test_a_safe_escort_is_mandatory_for_a_minor(world):
    minor = PersonFactory(date_of_birth=datetime.date(timezone.localdate().year - 14, 6, 1))
    case = CaseFactory(receiving_agency=world.centre_ls, status=Status.IN_SUPPORT, person=minor, received_on=days_ago(30))
    with pytest.raises(ValidationError) as error:
        services.reintegration_plan_create(user=world.caseworker_ls, case=case, starts_on=days_ago(1))
    assert "safe_escort" in error.value.message_dict
    services.reintegration_plan_create(user=world.caseworker_ls, case=case, starts_on=days_ago(1), safe_escort=True)


def test_a_visit_sets_the_next_visit_a_month_later(world):
    case, plan = in_follow_up(world, days_ago(40))
    record = visit(world, case, days_ago(5))
    case.refresh_from_db()
    assert record.next_visit_on == add_months(days_ago(5), 1)
    assert case.next_visit_due == record.next_visit_on


def test_no_visit_is_planned_beyond_the_follow_up_period(world):
    starts = add_months(timezone.localdate(), -24) + datetime.timedelta(days=3)
    case, plan = in_follow_up(world, starts)
    last = visit(world, case, days_ago(1))
    assert last.next_visit_on is None  # a month later is after the end of the 24 months
    with pytest.raises(ValidationError) as error:
        visit(world, case, days_ago(1), next_visit_on=plan.ends_on + datetime.timedelta(days=1))
    assert "next_visit_on" in error.value.message_dict


@pytest.mark.parametrize(
    ("offset_days", "field"),
    [(-1, "visited_on"), (100, "visited_on")],  # in the future; before the plan started
)
def test_visit_dates_are_checked(world, offset_days, field):
    case, plan = in_follow_up(world, days_ago(40))
    with pytest.raises(ValidationError) as error:
        visit(world, case, days_ago(offset_days))
    assert field in error.value.message_dict


def test_a_visit_needs_findings_and_a_case_in_follow_up(world):
    case, plan = in_follow_up(world, days_ago(40))
    with pytest.raises(ValidationError) as error:
        services.followup_visit_record(user=world.caseworker_ls, case=case, visited_on=days_ago(1),
                                       visitors="", place="", findings="")
    assert {"visitors", "place", "findings"} <= set(error.value.message_dict)
    other = CaseFactory(receiving_agency=world.centre_ls, status=Status.IN_SUPPORT)
    with pytest.raises(ValidationError):
        visit(world, other, days_ago(1))
    assert not FollowUpVisit.objects.exists()


def test_overdue_follow_ups_are_the_visible_cases_whose_next_visit_has_passed(world):
    today = timezone.localdate()
    overdue, _ = in_follow_up(world, days_ago(70))  # first visit was due ~40 days ago
    on_time, _ = in_follow_up(world, days_ago(70))
    visit(world, on_time, days_ago(3))
    closed, _ = in_follow_up(world, days_ago(70))
    services.case_close(user=world.caseworker_ls, case=closed, reason="reintegrated")
    elsewhere = CaseFactory(receiving_agency=world.centre_hn, status=Status.FOLLOW_UP,
                            next_visit_due=days_ago(20))

    assert elsewhere.next_visit_due < today  # out of scope, and overdue
    assert list(followups_overdue(world.caseworker_ls, today)) == [overdue]
    assert list(followups_overdue(world.caseworker_hn, today)) == [elsewhere]
    assert list(followups_overdue(world.caseworker_ls, days_ago(60))) == []


def test_follow_up_writes_outside_scope_are_404(world):
    case, _ = in_follow_up(world, days_ago(40))
    with pytest.raises(Http404):
        services.followup_visit_record(user=world.caseworker_hn, case=case, visited_on=days_ago(1),
                                       visitors="x", place="y", findings="z")
