"""Identification outcomes from a register: the police's own, and those a centre copied from paper."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone, translation

from accounts.actor import act_as
from accounts.roles import Role
from imports.kinds.base import RowError
from imports.kinds.identification import IdentificationKind
from reporting.scope import Filters, statistics_geography
from reporting.statistics import build_tables
from tests.victims.factories import agency, days_ago, member
from victims import services
from victims.models import IdentificationOutcome, ReceptionChannel
from victims.workflow import Status

from .conftest import context, row

pytestmark = pytest.mark.django_db
KIND = IdentificationKind()
PAPER = {
    "outcome": "identified", "document_type": "police_confirmation", "document_number": "125/XN-CAT",
    "document_date": days_ago(5), "issuing_body": "Công an tỉnh Lạng Sơn", "note": "",
}


def reception(user, agency, received_on=None):
    return services.case_register_reception(
        user=user, agency=agency, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
        received_on=received_on or days_ago(10), full_name="Lò Thị Mai", sex="female", birth_year=1999,
    )


def write(ctx, case, **values):
    return KIND.create(ctx, case, KIND.clean(ctx, row(**{**PAPER, **values})))


def identified_persons(user) -> int:
    today = timezone.localdate()
    filters = Filters(start=today - datetime.timedelta(days=30), end=today)
    tables = build_tables(statistics_geography(act_as(user, user.memberships.get())), filters)["by_key"]
    return next(r for r in tables["identification"].rows if r.key == "1").values["persons"]


def test_a_centre_imports_the_outcome_the_police_gave_on_paper_and_statistics_count_it(world):
    case = reception(world.caseworker, world.centre)
    statistician = member(agency("social_affairs_department", "lang son"), Role.STATISTICIAN)
    assert identified_persons(statistician) == 0

    outcome = write(context(world.caseworker, world.centre), case)

    assert outcome.recorded_by_agency == world.centre
    assert (outcome.document_number, outcome.issuing_body) == ("125/XN-CAT", "Công an tỉnh Lạng Sơn")
    case.refresh_from_db()
    assert case.status == Status.IDENTIFIED
    assert identified_persons(statistician) == 1


def test_the_police_import_their_own_register_through_the_same_service_as_the_case_page(world):
    case = reception(world.officer, world.police)
    outcome = write(context(world.officer, world.police), case, outcome="not_victim")
    assert outcome.recorded_by_agency == world.police
    case.refresh_from_db()
    assert case.status == Status.NOT_VICTIM


def test_a_centre_row_without_the_papers_number_or_issuer_is_refused_on_those_columns(world):
    case = reception(world.caseworker, world.centre)
    ctx = context(world.caseworker, world.centre)
    cleaned = KIND.clean(ctx, row(outcome="under_identification"))
    with pytest.raises(ValidationError) as error:
        KIND.create(ctx, case, cleaned)
    errors = RowError.from_validation_error(error.value, KIND.aliases).errors
    assert set(errors) == {"document_number", "issuing_body"}
    assert IdentificationOutcome.objects.count() == 0


def test_a_bad_value_gives_a_vietnamese_message_on_its_column(world):
    case = reception(world.caseworker, world.centre)
    ctx = context(world.caseworker, world.centre)
    cleaned = KIND.clean(ctx, row(**{**PAPER, "document_date": timezone.localdate() + datetime.timedelta(days=3)}))
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        KIND.create(ctx, case, cleaned)
    with translation.override("vi"):
        errors = RowError.from_validation_error(error.value, KIND.aliases).errors
    assert errors == {"document_date": ["Ngày này không được ở tương lai."]}

    with translation.override("vi"), pytest.raises(RowError) as bad:
        KIND.clean(ctx, row(**{**PAPER, "outcome": "maybe"}))
    assert list(bad.value.errors) == ["outcome"]
    assert "Hãy chọn" in bad.value.errors["outcome"][0]


def test_another_agencys_case_is_out_of_reach(world):
    case = reception(world.caseworker_hn, world.centre_hn)
    with pytest.raises(Http404):
        write(context(world.caseworker, world.centre), case)
    assert IdentificationOutcome.objects.count() == 0


def test_undo_removes_the_outcome_and_gives_the_case_back_its_status(world):
    case = reception(world.caseworker, world.centre)
    ctx = context(world.caseworker, world.centre)
    outcome = write(ctx, case)
    before = timezone.now()
    assert not KIND.changed_since(outcome, before)

    KIND.undo(ctx, outcome)

    assert not IdentificationOutcome.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert not case.transitions.exists()


def test_undo_of_an_outcome_that_left_the_status_as_it_was_keeps_the_status(world):
    case = reception(world.caseworker, world.centre)
    ctx = context(world.caseworker, world.centre)
    first = write(ctx, case, outcome="under_identification")
    second = write(ctx, case, outcome="under_identification", document_number="126/XN-CAT")
    KIND.undo(ctx, second)
    case.refresh_from_db()
    assert case.status == Status.UNDER_IDENTIFICATION
    assert list(IdentificationOutcome.objects.all()) == [first]


def test_an_outcome_the_case_moved_on_from_has_changed_since(world):
    case = reception(world.caseworker, world.centre)
    ctx = context(world.caseworker, world.centre)
    outcome = write(ctx, case)
    imported_at = timezone.now()
    services.case_transition(user=world.caseworker, case=case, to_status=Status.IN_SUPPORT, reason="Cần hỗ trợ")
    assert KIND.changed_since(outcome, imported_at)


def test_an_outcome_edited_after_the_import_has_changed_since(world):
    case = reception(world.caseworker, world.centre)
    outcome = write(context(world.caseworker, world.centre), case)
    with connection.cursor() as cursor:  # pghistory stamps events with the transaction's start
        cursor.execute("SELECT now()")
        imported_at = cursor.fetchone()[0] - datetime.timedelta(seconds=1)
    assert not KIND.changed_since(outcome, imported_at)
    outcome.note = "Sửa sau khi nhập"
    outcome.save()
    assert KIND.changed_since(outcome, imported_at)


def test_a_changed_row_is_not_rewritten(world):
    case = reception(world.caseworker, world.centre)
    ctx = context(world.caseworker, world.centre)
    outcome = write(ctx, case)
    with pytest.raises(RowError):
        KIND.update(ctx, outcome, KIND.clean(ctx, row(**{**PAPER, "note": "khác"})), PAPER)


def test_a_centre_cannot_record_for_a_case_it_does_not_own(world):
    case = reception(world.caseworker, world.centre)
    other = agency("social_centre", "lang son", code="TT-KHAC")
    user = member(other)
    from victims.models import CaseAccessGrant

    CaseAccessGrant.objects.create(case=case, grantee_agency=other, actions=["case.view", "case.edit"],
                                   reason="Phối hợp", granted_by=world.caseworker)
    with pytest.raises(PermissionDenied):
        write(context(user, other), case)
