"""The declaration (tờ khai): identity papers, addresses, children, consent; bad input refused."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.models import AdministrativeUnit
from victims import services
from victims.models import (
    CaseChild,
    ChildRelationship,
    EthnicGroup,
    IdPaperType,
    Person,
    SharingParty,
    TraffickingPurpose,
)

from .factories import CaseFactory, PersonFactory, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return CaseFactory(receiving_agency=world.border_ls, received_on=days_ago(10),
                       person=PersonFactory(full_name="Lò Thị Mai", birth_year=2003))


def declare(world, case, **fields):
    return services.person_update_declaration(user=world.border_guard, person=case.person, **fields)


def test_the_54_ethnic_groups_are_loaded_as_data():
    assert EthnicGroup.objects.count() == 54
    assert EthnicGroup.objects.get(code="01").name == "Kinh"
    assert EthnicGroup.objects.filter(name_folded="pa then").exists()


def test_a_full_declaration_is_saved(world, case):
    commune = world.nghe_an.children.filter(level=AdministrativeUnit.Level.COMMUNE).first()
    person = declare(
        world, case, full_name="Lò Thị Mai", other_names="A Mai", date_of_birth=datetime.date(2003, 5, 17),
        ethnicity=EthnicGroup.objects.get(name="Thái"), nationality="vn",
        id_paper_type=IdPaperType.CCCD, id_paper_number="0401 2345 6789", home_commune=commune,
        home_address_detail="Bản Xốp Mạt", language="Tiếng Thái", interpreter_needed=True,
    )
    person.refresh_from_db()
    case.refresh_from_db()

    assert person.birth_year == 2003
    assert person.nationality == "VN"
    assert person.id_paper_number == "040123456789"
    assert person.home_province == world.nghe_an  # taken from the commune
    assert case.province == world.nghe_an  # the case now belongs to the home province too
    assert person.name_folded == "lo thi mai a mai"


@pytest.mark.parametrize(
    ("paper", "number", "ok"),
    [
        (IdPaperType.CCCD, "040123456789", True),
        (IdPaperType.CCCD, "04012345678", False),
        (IdPaperType.CCCD, "04012345678A", False),
        (IdPaperType.CMND, "123456789", True),
        (IdPaperType.CMND, "1234567890", False),
        (IdPaperType.PASSPORT, "c1234567", True),
        (IdPaperType.PASSPORT, "12345678", False),
        (IdPaperType.PASSPORT, "CC123456", False),
        (IdPaperType.OTHER, "Giấy khai sinh số 12/2003", True),
        (IdPaperType.OTHER, "x" * 51, False),
        ("", "123456789", False),
        (IdPaperType.CCCD, "", False),
    ],
)
def test_identity_paper_numbers_are_checked_by_type(world, case, paper, number, ok):
    if ok:
        declare(world, case, id_paper_type=paper, id_paper_number=number)
    else:
        with pytest.raises(ValidationError) as error:
            declare(world, case, id_paper_type=paper, id_paper_number=number)
        assert {"id_paper_type", "id_paper_number"} & set(error.value.message_dict)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date_of_birth": timezone.localdate() + datetime.timedelta(days=1)}, "date_of_birth"),
        ({"date_of_birth": days_ago(5)}, "date_of_birth"),  # after the reception 10 days ago
        ({"birth_year": timezone.localdate().year + 1}, "birth_year"),
        ({"full_name": "Lò\x00Thị Mai"}, "full_name"),
        ({"other_names": "x" * 256}, "other_names"),
        ({"nationality": "XX"}, "nationality"),
        ({"sex": "robot"}, "sex"),
        ({"abroad_address": "Bằng Tường, Quảng Tây", "home_address_detail": "Bản Xốp"}, "abroad_address"),
    ],
)
def test_bad_declarations_are_refused_and_nothing_changes(world, case, fields, field):
    with pytest.raises(ValidationError) as error:
        declare(world, case, **fields)
    assert field in error.value.message_dict
    case.person.refresh_from_db()
    assert case.person.full_name == "Lò Thị Mai"


def test_a_commune_must_lie_in_the_chosen_province(world, case):
    commune = world.nghe_an.children.filter(level=AdministrativeUnit.Level.COMMUNE).first()
    with pytest.raises(ValidationError) as error:
        declare(world, case, home_province=world.ha_noi, home_commune=commune)
    assert "home_commune" in error.value.message_dict


def test_declaration_text_is_normalised_to_nfc(world, case):
    person = declare(world, case, other_names=unicodedata.normalize("NFD", "Mẩy"))
    assert person.other_names == unicodedata.normalize("NFC", "Mẩy")


def test_a_declaration_outside_the_users_scope_is_404(world, case):
    with pytest.raises(Http404):
        services.person_update_declaration(user=world.caseworker_hn, person=case.person, full_name="X")
    with pytest.raises(Http404):
        services.person_update_declaration(user=world.statistician_ls, person=case.person, full_name="X")


def test_trafficking_details_are_declared_on_the_case(world, case):
    updated = services.case_update_declaration(
        user=world.border_guard, case=case, destination_country="cn",
        purposes=[TraffickingPurpose.FORCED_MARRIAGE, TraffickingPurpose.FORCED_LABOUR],
        means_of_control="Bị giữ giấy tờ", recruitment="Quen qua mạng xã hội",
        trafficked_from=datetime.date(2024, 2, 1), trafficked_until=days_ago(12),
    )
    assert updated.destination_country == "CN"
    assert set(updated.purposes) == {"forced_marriage", "forced_labour"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"purposes": ["slavery"]}, "purposes"),
        ({"purposes": [TraffickingPurpose.OTHER]}, "purpose_other"),
        ({"destination_country": "ZZ"}, "destination_country"),
        ({"trafficked_from": days_ago(1), "trafficked_until": days_ago(3)}, "trafficked_until"),
        ({"means_of_control": "x" * 2001}, "means_of_control"),
        ({"immediate_needs": "ăn\x00"}, "immediate_needs"),
    ],
)
def test_bad_trafficking_details_are_refused(world, case, fields, field):
    with pytest.raises(ValidationError) as error:
        services.case_update_declaration(user=world.border_guard, case=case, **fields)
    assert field in error.value.message_dict


def test_an_accompanying_child_is_a_person_of_their_own_linked_to_the_case(world, case):
    link = services.case_add_child(
        user=world.border_guard, case=case, full_name="Lò Văn Tú", relationship=ChildRelationship.CHILD,
        date_of_birth=datetime.date(2022, 3, 1), sex="male",
    )
    assert isinstance(link.person, Person) and link.person.pk != case.person_id
    assert list(case.children.all()) == [link]


def test_an_accompanying_child_must_be_a_minor_born_before_the_reception(world, case):
    with pytest.raises(ValidationError) as error:
        services.case_add_child(user=world.border_guard, case=case, full_name="Lò Văn Tú",
                                relationship=ChildRelationship.CHILD, date_of_birth=datetime.date(1990, 1, 1))
    assert error.value.error_dict["date_of_birth"][0].code == "not_a_minor"
    with pytest.raises(ValidationError) as error:
        services.case_add_child(user=world.border_guard, case=case, full_name="Lò Văn Tú",
                                relationship=ChildRelationship.CHILD, date_of_birth=days_ago(2))
    assert error.value.error_dict["date_of_birth"][0].code == "after_reception"
    assert not CaseChild.objects.exists()


def test_consent_records_with_whom_when_and_who(world, case):
    consent = services.consent_record(user=world.border_guard, case=case,
                                      share_with=[SharingParty.POLICE, SharingParty.SOCIAL_CENTRE])
    assert consent.recorded_by == world.border_guard
    assert consent.recorded_on == timezone.localdate()
    assert consent.person == case.person
    assert consent.share_with == ["police", "social_centre"]


def test_a_minors_consent_needs_a_guardian(world):
    minor = PersonFactory(full_name="Vàng Thị Súa", date_of_birth=datetime.date(timezone.localdate().year - 15, 1, 1))
    case = CaseFactory(receiving_agency=world.border_ls, person=minor, received_on=days_ago(3))
    with pytest.raises(ValidationError) as error:
        services.consent_record(user=world.border_guard, case=case, share_with=[SharingParty.POLICE])
    assert {"guardian_name", "guardian_relationship"} <= set(error.value.message_dict)

    consent = services.consent_record(user=world.border_guard, case=case, share_with=[SharingParty.POLICE],
                                      guardian_name="Vàng A Pao", guardian_relationship="Bố")
    assert consent.guardian_name == "Vàng A Pao"


def test_consent_is_given_to_someone_and_not_recorded_in_the_future(world, case):
    with pytest.raises(ValidationError) as error:
        services.consent_record(user=world.border_guard, case=case, share_with=[])
    assert "share_with" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.consent_record(user=world.border_guard, case=case, share_with=["police"],
                                recorded_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "recorded_on" in error.value.message_dict
    refusal = services.consent_record(user=world.border_guard, case=case, share_with=[], given=False)
    assert refusal.given is False
