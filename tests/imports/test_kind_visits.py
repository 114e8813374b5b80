"""Follow-up visits from a register: the follow-up they show is planned and entered through the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone, translation

from imports.kinds.base import RowError
from imports.kinds.visits import VisitKind
from tests.victims.factories import days_ago
from victims import services
from victims.models import FollowUpVisit, ReceptionChannel, ReintegrationPlan
from victims.workflow import Status

from .conftest import context, row

pytestmark = pytest.mark.django_db
KIND = VisitKind()
VISIT = {"visited_on": days_ago(300), "visitors": "Cán bộ xã hội Hoàng Thị Lan", "place": "Tại gia đình",
         "findings": "Ổn định, đã đi làm tại địa phương."}


def identified_case(user, agency):
    case = services.case_register_reception(
        user=user, agency=agency, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
        received_on=days_ago(400), full_name="Lò Thị Mai", sex="female", birth_year=1999,
    )
    services.identification_record_register_outcome(
        user=user, agency=agency, case=case, outcome="identified", document_type="police_confirmation",
        document_number="125/XN-CAT", document_date=days_ago(390), issuing_body="Công an tỉnh Lạng Sơn",
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def case(world):
    world.ctx = context(world.caseworker, world.centre)
    return identified_case(world.caseworker, world.centre)


def write(ctx, case, **values):
    return KIND.create(ctx, case, KIND.clean(ctx, row(**{**VISIT, **values})))


def errors_of(call) -> dict:
    """The row's errors, its writes rolled back (the engine writes each row in a savepoint)."""
    with translation.override("vi"):
        try:
            with transaction.atomic():
                call()
        except RowError as error:
            return error.errors
        except ValidationError as error:
            return RowError.from_validation_error(error, KIND.aliases).errors
    raise AssertionError("no error")


def test_the_first_visit_plans_the_follow_up_from_its_date_and_the_case_enters_follow_up(world, case):
    first = write(world.ctx, case)
    second = write(world.ctx, case, line=2, visited_on=days_ago(270))

    plan = ReintegrationPlan.objects.get(case=case)
    assert plan.starts_on == days_ago(300)
    assert plan.responsible_agency == world.centre
    assert first.plan == second.plan == plan
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP
    assert case.transitions.order_by("-at").first().by == world.caseworker
    assert case.next_visit_due == second.next_visit_on


def test_an_existing_plan_is_used_as_it_is(world, case):
    plan = services.reintegration_plan_create(user=world.caseworker, case=case, starts_on=days_ago(350))
    visit = write(world.ctx, case)
    assert visit.plan == plan
    assert ReintegrationPlan.objects.count() == 1


def test_bad_values_give_vietnamese_messages_on_their_columns(world, case):
    write(world.ctx, case)
    errors = errors_of(lambda: write(world.ctx, case, line=2, visited_on=days_ago(320)))
    start = days_ago(300).strftime("%d/%m/%Y")
    assert errors == {"visited_on": [f"Lần thăm này trước ngày bắt đầu theo dõi ({start})."]}

    errors = errors_of(lambda: KIND.clean(world.ctx, row(**{**VISIT, "findings": ""})))
    assert list(errors) == ["findings"]


def test_a_case_not_identified_gets_no_follow_up(world):
    ctx = context(world.caseworker, world.centre)
    case = services.case_register_reception(
        user=world.caseworker, agency=world.centre, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
        received_on=days_ago(400), full_name="Vàng Thị Dua", sex="female", birth_year=2000,
    )
    errors = errors_of(lambda: write(ctx, case))
    assert list(errors) == [""]
    assert not ReintegrationPlan.objects.exists()


def test_a_case_out_of_scope_is_refused(world):
    case_hn = identified_case(world.caseworker_hn, world.centre_hn)
    with pytest.raises(Http404):
        write(context(world.caseworker, world.centre), case_hn)
    assert not ReintegrationPlan.objects.exists()


def test_undo_takes_back_the_visits_and_with_the_last_the_plan_and_follow_up_it_made(world, case):
    first = write(world.ctx, case)
    second = write(world.ctx, case, line=2, visited_on=days_ago(270))

    KIND.undo(world.ctx, second)
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP and case.next_visit_due == first.next_visit_on

    KIND.undo(world.ctx, first)
    case.refresh_from_db()
    assert not FollowUpVisit.objects.exists()
    assert not ReintegrationPlan.objects.exists()
    assert (case.status, case.next_visit_due) == (Status.IDENTIFIED, None)


def test_undo_keeps_the_plan_and_status_made_on_the_case_page(world, case):
    plan = services.reintegration_plan_create(user=world.caseworker, case=case, starts_on=days_ago(350))
    services.case_transition(user=world.caseworker, case=case, to_status=Status.FOLLOW_UP, reason="Về gia đình")
    # Made on the case page a while before the import.
    ReintegrationPlan.objects.filter(pk=plan.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    case.transitions.update(at=timezone.now() - datetime.timedelta(hours=2))

    visit = write(world.ctx, case)
    KIND.undo(world.ctx, visit)

    case.refresh_from_db()
    assert ReintegrationPlan.objects.get() == plan
    assert case.status == Status.FOLLOW_UP


def test_a_visit_edited_after_the_import_has_changed_since(world, case):
    visit = write(world.ctx, case)
    with connection.cursor() as cursor:  # pghistory stamps events with the transaction's start
        cursor.execute("SELECT now()")
        imported_at = cursor.fetchone()[0] - datetime.timedelta(seconds=1)
    assert not KIND.changed_since(visit, imported_at)
    visit.findings = "Đã chuyển đi nơi khác."
    visit.save()
    assert KIND.changed_since(visit, imported_at)
