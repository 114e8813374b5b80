
"""Registering a reception (tiếp nhận): case numbers, the double submit, clean text."""

import datetime
import re
import unicodedata
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from victims import services
from victims.models import Case, CaseNumberCounter, Person, ReceptionChannel, Sex
from victims.workflow import Status

from .factories import agency, days_ago, member

pytestmark = pytest.mark.django_db


def register(world, user=None, agency=None, **overrides):
    fields = {
        "user": user or world.border_guard,
        "agency": agency or world.border_ls,
        "reception_channel": ReceptionChannel.HANDED_BACK_AT_BORDER,
        "received_on": days_ago(2),
        "full_name": "Lò Thị Mai",
        "sex": Sex.FEMALE,
        "birth_year": 2003,
        "reception_place": "Cửa khẩu Quốc tế Hữu Nghị",
    }
    return services.case_register_reception(**{**fields, **overrides})


def test_a_reception_creates_a_person_and_a_received_case_owned_by_the_receiving_agency(world):
    case = register(world)

    assert case.status == Status.RECEIVED
    assert case.receiving_agency == case.owning_agency == world.border_ls
    assert case.person.full_name == "Lò Thị Mai"
    assert case.created_by == world.border_guard
    assert case.province == world.lang_son  # no home province yet: the receiving agency's


def test_case_numbers_read_agency_code_year_and_a_five_digit_sequence(world):
    year = timezone.localdate().year
    first, second = register(world), register(world)
    other_agency = register(world, user=world.caseworker_ls, agency=world.centre_ls)

    assert first.case_number == f"BP-HN-LS-{year}-00001"
    assert second.case_number == f"BP-HN-LS-{year}-00002"
    assert other_agency.case_number == f"TTCTXH-LS-{year}-00001"
    assert re.fullmatch(r"[A-Z-]+-\d{4}-\d{5}", first.case_number)


def test_a_case_number_is_never_reused_after_a_case_is_deleted(world):
    year = timezone.localdate().year
    register(world)
    last = register(world)
    person = last.person
    last.delete()
    person.delete()

    assert register(world).case_number == f"BP-HN-LS-{year}-00003"
    assert CaseNumberCounter.objects.get(agency=world.border_ls, year=year).last_value == 3


def test_case_numbers_are_unique_in_the_database(world):
    case = register(world)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=register(world).pk).update(case_number=case.case_number)


def test_a_double_submit_of_the_same_form_creates_one_case(world):
    token = uuid.uuid4().hex
    first = register(world, idempotency_key=token)
    second = register(world, idempotency_key=token)

    assert first.pk == second.pk
    assert Case.objects.filter(intake_key=token).count() == 1
    assert Person.objects.filter(full_name="Lò Thị Mai").count() == 1


def test_another_user_cannot_replay_someone_elses_form_token(world):
    token = uuid.uuid4().hex
    register(world, idempotency_key=token)
    colleague = member(world.border_ls)

    with pytest.raises(ValidationError) as error:
        register(world, user=colleague, idempotency_key=token)
    assert "idempotency_key" in error.value.message_dict


def test_different_forms_create_different_cases(world):
    assert register(world, idempotency_key="a" * 32).pk != register(world, idempotency_key="b" * 32).pk


def test_only_members_allowed_to_create_cases_register_for_their_agency(world):
    with pytest.raises(PermissionDenied):
        register(world, user=world.border_guard, agency=world.centre_ls)  # not their agency
    with pytest.raises(PermissionDenied):
        register(world, user=world.statistician_ls, agency=world.department_ls)  # role cannot create
    assert not Case.objects.exists()


def test_names_are_stored_in_nfc_and_folded_for_search(world):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Đào")
    case = register(world, full_name=f"  {decomposed} ")
    case.person.refresh_from_db()

    assert case.person.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Đào")
    assert case.person.name_folded == "nguyen thi dao"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"full_name": "Lò Thị\x00 Mai"}, "full_name"),
        ({"reception_place": "Cửa khẩu\x00"}, "reception_place"),
        ({"full_name": "N" * 201}, "full_name"),
        ({"full_name": ""}, "full_name"),
        ({"received_on": timezone.localdate() + timezone.timedelta(days=1)}, "received_on"),
        ({"received_on": datetime.date(1800, 1, 1)}, "received_on"),
        ({"received_on": datetime.date(1999, 12, 31)}, "received_on"),
        ({"date_of_birth": timezone.localdate() + timezone.timedelta(days=1)}, "date_of_birth"),
        ({"date_of_birth": days_ago(1), "received_on": days_ago(5)}, "date_of_birth"),
        ({"birth_year": timezone.localdate().year + 1}, "birth_year"),
        ({"birth_year": 1850}, "birth_year"),
        ({"reception_channel": "teleported"}, "reception_channel"),
    ],
    ids=["nul-name", "nul-place", "too-long", "empty-name", "future-reception", "reception-in-1800",
         "reception-before-2000", "future-birth",
         "born-after-reception", "future-birth-year", "ancient-birth-year", "unknown-channel"],
)
def test_bad_reception_input_is_refused_with_the_field_named(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        register(world, **overrides)

    assert field in error.value.message_dict
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not CaseNumberCounter.objects.filter(last_value__gt=0).exists()


def test_an_over_long_text_says_how_long_it_may_be(world):
    with pytest.raises(ValidationError) as error:
        register(world, full_name="N" * 201)
    assert "200" in error.value.message_dict["full_name"][0]


def test_a_caseworker_of_a_mission_abroad_registers_a_case_without_a_province(db):
    mission = agency("mission_abroad", None, code="DSQ-BK")
    officer = member(mission, Role.CASEWORKER)
    case = services.case_register_reception(
        user=officer, agency=mission, reception_channel=ReceptionChannel.RECEIVED_ABROAD,
        received_on=days_ago(1), full_name="Trần Thị Lan",
    )
    assert case.province is None
    assert case.case_number.startswith("DSQ-BK-")
