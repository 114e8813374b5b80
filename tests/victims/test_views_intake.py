"""The intake wizard in the browser: reception (tiếp nhận), then the declaration (tờ khai) step by step.

Every step saves as it goes; bad input comes back next to its field with what was typed kept.
"""

import datetime
import json
import unicodedata
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AdministrativeUnit
from accounts.roles import Role
from tests.factories import MembershipFactory
from victims import services
from victims.models import (
    AccessLog,
    Case,
    CaseChild,
    ChildRelationship,
    Consent,
    EthnicGroup,
    IdPaperType,
    Person,
    ReceptionChannel,
    Sex,
    SharingParty,
    TraffickingPurpose,
)
from victims.views.intake import STEPS, finish_url
from victims.workflow import Status

from .factories import CaseChildFactory, CaseFactory, PersonFactory, consented, days_ago

pytestmark = pytest.mark.django_db

START = reverse("victims:intake_start")
COMMUNES = reverse("victims:intake_communes")


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def step_url(case, slug):
    return reverse("victims:intake_step", args=[case.pk, slug])


def html(response) -> str:
    return response.content.decode()


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def assert_error_next_to(response, field):
    """200, the form is shown again, and the field carries its error message in the page."""
    assert response.status_code == 200, response.status_code
    assert field_errors(response, field), response.context["form"].errors
    assert f'id="id_{field}_error"' in html(response)


@pytest.fixture
def guard(world, signed_in):
    """The border guard of Lạng Sơn, signed in."""
    return signed_in(world.border_guard)


def reception(world, token=None, **overrides):
    data = {
        "token": uuid.uuid4().hex if token is None else token,
        "reception_channel": ReceptionChannel.HANDED_BACK_AT_BORDER,
        "received_on": dmy(days_ago(2)),
        "reception_place": "Cửa khẩu Quốc tế Hữu Nghị",
        "reception_province": str(world.lang_son.pk),
        "full_name": "Lò Thị Mai",
        "sex": Sex.FEMALE,
        "date_of_birth": "",
        "birth_year": "2003",
        "immediate_needs": "Quần áo, thuốc cảm",
    }
    data.update(overrides)
    return data


@pytest.fixture
def case(world):
    """A case of the Lạng Sơn border post, received 10 days ago, with an adult victim."""
    return CaseFactory(
        receiving_agency=world.border_ls, received_on=days_ago(10), created_by=world.border_guard,
        person=PersonFactory(full_name="Lò Thị Mai", birth_year=2003, sex=Sex.FEMALE),
    )


def a_commune_of(province) -> AdministrativeUnit:
    return province.children.filter(level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True).order_by("pk").first()


# ---------------------------------------------------------------------------------------------
# Reception
# ---------------------------------------------------------------------------------------------

def test_the_reception_form_offers_a_one_time_token_and_names_the_receiving_agency(world, guard):
    response = guard.get(START)

    assert response.status_code == 200
    form = response.context["form"]
    token = form["token"].value()
    assert uuid.UUID(str(token))
    assert f'name="token" value="{token}"' in html(response)
    assert world.border_ls.name in html(response)
    assert f'value="{dmy(timezone.localdate())}"' in html(response)  # today, dd/mm/yyyy
    assert guard.get(START).context["form"]["token"].value() != token  # a new token each time


def test_registering_a_reception_creates_the_case_and_opens_the_declaration(world, guard):
    response = guard.post(START, reception(world))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == step_url(case, "nhan-than")
    assert case.receiving_agency == case.owning_agency == world.border_ls
    assert case.created_by == world.border_guard
    assert case.reception_channel == ReceptionChannel.HANDED_BACK_AT_BORDER
    assert case.received_on == days_ago(2)
    assert case.reception_province == world.lang_son
    assert case.immediate_needs == "Quần áo, thuốc cảm"
    assert case.status == Status.RECEIVED
    assert (case.person.full_name, case.person.sex, case.person.birth_year) == ("Lò Thị Mai", Sex.FEMALE, 2003)
    assert case.case_number in html(guard.get(response["Location"]))


def test_a_double_submit_of_the_reception_form_creates_one_case_and_opens_it_twice(world, guard):
    data = reception(world)
    first = guard.post(START, data)
    second = guard.post(START, data)

    assert Case.objects.count() == 1 and Person.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == step_url(Case.objects.get(), "nhan-than")


def test_two_forms_make_two_cases(world, guard):
    guard.post(START, reception(world))
    guard.post(START, reception(world))
    assert Case.objects.count() == 2


def test_another_users_token_is_refused_and_a_fresh_one_is_given(world, guard, signed_in, client):
    data = reception(world)
    guard.post(START, data)
    colleague = MembershipFactory(agency=world.border_ls).user
    other = signed_in(colleague)

    response = other.post(START, data)

    assert response.status_code == 200
    assert Case.objects.count() == 1
    assert response.context["form"].non_field_errors()
    assert response.context["form"]["token"].value() != data["token"]
    assert 'value="Lò Thị Mai"' in html(response)  # what was typed is kept
    fresh = {**data, "token": response.context["form"]["token"].value()}
    assert other.post(START, fresh).status_code == 302
    assert Case.objects.count() == 2


def test_a_missing_or_forged_token_asks_to_submit_again_without_losing_the_input(world, guard):
    for token in ("", "not-a-uuid"):
        response = guard.post(START, reception(world, token=token))
        assert response.status_code == 200
        assert response.context["form"]["token"].value() not in ("", "not-a-uuid")
        assert 'value="Lò Thị Mai"' in html(response)
    assert not Case.objects.exists()


def test_roles_without_case_create_cannot_open_the_reception_form(world, signed_in):
    for user in (world.approver_ls, world.statistician_ls, world.analyst, world.manager_ls):
        client = signed_in(user)
        assert client.get(START).status_code == 403
        assert client.post(START, reception(world)).status_code == 403
    assert not Case.objects.exists()


def test_the_reception_is_registered_for_the_acting_agency_and_role(world, signed_in):
    user = world.caseworker_ls  # caseworker at the Lạng Sơn centre
    statistician = MembershipFactory(user=user, agency=world.department_ls, role=Role.STATISTICIAN)
    client = signed_in(user)
    session = client.session
    session["membership_id"] = statistician.pk
    session.save()
    assert client.get(START).status_code == 403  # acting as statistician

    session = client.session
    session["membership_id"] = user.memberships.get(role=Role.CASEWORKER).pk
    session.save()
    assert client.post(START, reception(world)).status_code == 302
    assert Case.objects.get().receiving_agency == world.centre_ls


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_on": dmy(timezone.localdate() + datetime.timedelta(days=1))}, "received_on"),
        ({"received_on": "31/02/2025"}, "received_on"),
        ({"received_on": ""}, "received_on"),
        ({"reception_channel": ""}, "reception_channel"),
        ({"reception_channel": "teleported"}, "reception_channel"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "Lò Thị\x00 Mai"}, "full_name"),
        ({"full_name": "A" * 201}, "full_name"),
        ({"reception_place": "x" * 256}, "reception_place"),
        ({"immediate_needs": "x" * 2001}, "immediate_needs"),
        ({"birth_year": "", "date_of_birth": dmy(timezone.localdate() + datetime.timedelta(days=1))}, "date_of_birth"),
        ({"birth_year": "", "date_of_birth": dmy(days_ago(1))}, "date_of_birth"),  # after the reception
        ({"birth_year": str(timezone.localdate().year + 1)}, "birth_year"),
        ({"birth_year": "1850"}, "birth_year"),
        ({"birth_year": "hai nghìn"}, "birth_year"),
        ({"birth_year": "9" * 30}, "birth_year"),
        ({"birth_year": "", "date_of_birth": "01/01/0001"}, "date_of_birth"),  # the derived year is refused
        ({"birth_year": "2001", "date_of_birth": "17/05/2003"}, "birth_year"),
        ({"reception_province": "999999999"}, "reception_province"),
    ],
    ids=lambda value: str(value)[:40] if not isinstance(value, dict) else "-".join(value),
)
def test_bad_reception_input_is_shown_next_to_its_field_and_the_input_is_kept(world, guard, overrides, field):
    response = guard.post(START, reception(world, **overrides))

    assert_error_next_to(response, field)
    assert not Case.objects.exists()
    if field != "full_name":
        assert 'value="Lò Thị Mai"' in html(response)
    assert "Cửa khẩu Quốc tế Hữu Nghị" in html(response) or field == "reception_place"


def test_a_birth_year_after_the_reception_date_is_shown_next_to_the_year(world, guard):
    received = datetime.date(timezone.localdate().year - 1, 12, 30)
    response = guard.post(START, reception(world, received_on=dmy(received), birth_year=str(received.year + 1)))
    assert_error_next_to(response, "birth_year")


def test_non_nfc_vietnamese_is_stored_in_nfc(world, guard):
    name = unicodedata.normalize("NFD", "Nguyễn Thị Đào")
    place = unicodedata.normalize("NFD", "Cửa khẩu Tân Thanh")
    guard.post(START, reception(world, full_name=f"  {name} ", reception_place=place))

    case = Case.objects.get()
    assert case.person.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Đào")
    assert case.reception_place == unicodedata.normalize("NFC", "Cửa khẩu Tân Thanh")
    assert case.person.name_folded == "nguyen thi dao"


def test_a_long_name_typed_in_nfd_fits_once_normalised(world, guard):
    name = ("Nguyễn " * 28).strip()[:200]  # 200 characters in NFC, more in NFD
    assert len(unicodedata.normalize("NFD", name)) > 200
    response = guard.post(START, reception(world, full_name=unicodedata.normalize("NFD", name)))
    assert response.status_code == 302
    assert Case.objects.get().person.full_name == name


# ---------------------------------------------------------------------------------------------
# The whole wizard
# ---------------------------------------------------------------------------------------------

def test_the_whole_wizard_from_reception_to_the_case_page(world, guard):
    response = guard.post(START, reception(world, birth_year="", date_of_birth="17/05/2003"))
    case = Case.objects.get()
    assert response["Location"] == step_url(case, "nhan-than")
    thai = EthnicGroup.objects.get(name="Thái")
    commune = a_commune_of(world.nghe_an)

    steps = [
        ("nhan-than", {
            "full_name": "Lò Thị Mai", "other_names": "A Mai", "sex": Sex.FEMALE, "date_of_birth": "17/05/2003",
            "birth_year": "", "ethnicity": str(thai.pk), "nationality": "VN",
            "id_paper_type": IdPaperType.CCCD, "id_paper_number": "0401 2345 6789",
        }, "dia-chi"),
        ("dia-chi", {
            "home_province": str(world.nghe_an.pk), "home_commune": str(commune.pk),
            "home_address_detail": "Bản Xốp Mạt", "abroad_address": "",
        }, "ngon-ngu"),
        ("ngon-ngu", {"language": "Tiếng Thái", "interpreter_needed": "on"}, "mua-ban"),
        ("mua-ban", {
            "destination_country": "CN", "destination_province": "",
            "purposes": [TraffickingPurpose.FORCED_MARRIAGE, TraffickingPurpose.OTHER],
            "purpose_other": "Đẻ thuê", "recruitment": "Hứa hẹn việc làm ở nhà máy",
            "means_of_control": "Giữ giấy tờ", "trafficked_from": dmy(days_ago(400)),
            "trafficked_until": dmy(days_ago(12)),
        }, "tre-em"),
    ]
    for slug, data, next_slug in steps:
        response = guard.post(step_url(case, slug), data)
        assert response.status_code == 302, (slug, response.context and response.context["form"].errors)
        assert response["Location"] == step_url(case, next_slug)

    response = guard.post(step_url(case, "tre-em"), {
        "full_name": "Lò Văn Bình", "sex": Sex.MALE, "date_of_birth": "", "birth_year": str(days_ago(0).year - 2),
        "relationship": ChildRelationship.CHILD, "relationship_note": "",
    })
    assert response["Location"] == step_url(case, "tre-em")  # another child may follow
    assert guard.get(step_url(case, "tre-em")).context["next_url"] == step_url(case, "nhu-cau")

    response = guard.post(step_url(case, "nhu-cau"), {"immediate_needs": "Khám sức khỏe, chỗ ở tạm"})
    assert response["Location"] == step_url(case, "dong-y")

    response = guard.post(step_url(case, "dong-y"), {
        "person": str(case.person.pk), "given": "yes",
        "share_with": [SharingParty.POLICE, SharingParty.SOCIAL_AFFAIRS], "share_with_detail": "",
        "recorded_on": dmy(days_ago(1)), "guardian_name": "", "guardian_relationship": "", "note": "",
    })
    assert response.status_code == 302
    assert response["Location"] == finish_url(case)

    case.refresh_from_db()
    person = case.person
    person.refresh_from_db()
    assert person.date_of_birth == datetime.date(2003, 5, 17) and person.birth_year == 2003
    assert person.ethnicity == thai and person.nationality == "VN"
    assert person.id_paper_number == "040123456789"
    assert person.home_commune == commune and person.home_province == world.nghe_an
    assert case.province == world.nghe_an  # the home province now scopes the case too
    assert person.language == "Tiếng Thái" and person.interpreter_needed
    assert case.destination_country == "CN"
    assert case.purposes == [TraffickingPurpose.FORCED_MARRIAGE, TraffickingPurpose.OTHER]
    assert case.purpose_other == "Đẻ thuê"
    assert case.immediate_needs == "Khám sức khỏe, chỗ ở tạm"
    child = CaseChild.objects.get(case=case)
    assert child.person.full_name == "Lò Văn Bình" and child.person != person
    consent = Consent.objects.get(case=case)
    assert consent.recorded_by == world.border_guard and consent.person == person
    assert consent.share_with == sorted([SharingParty.POLICE, SharingParty.SOCIAL_AFFAIRS])

    summary = guard.get(reverse("victims:intake_summary", args=[case.pk]))
    assert summary.status_code == 200
    assert [s["state"] for s in summary.context["steps"]] == ["done"] * len(STEPS)
    for text in ("Lò Văn Bình", "Bản Xốp Mạt", "Đẻ thuê", "040123456789", case.case_number):
        assert text in html(summary)


def test_the_entry_url_opens_the_first_step_still_missing_data(world, guard, case):
    entry = reverse("victims:intake", args=[case.pk])
    assert guard.get(entry)["Location"] == step_url(case, "nhan-than")

    services.person_update_declaration(user=world.border_guard, person=case.person, sex=Sex.FEMALE,
                                       nationality="VN", ethnicity=EthnicGroup.objects.get(code="01"))
    assert guard.get(entry)["Location"] == step_url(case, "dia-chi")


def test_an_unknown_step_is_404(guard, case):
    assert guard.get(reverse("victims:intake_step", args=[case.pk, "khong-co"])).status_code == 404


# ---------------------------------------------------------------------------------------------
# Drafts and the progress indicator
# ---------------------------------------------------------------------------------------------

def test_save_draft_stays_on_the_step_and_the_data_is_there_when_coming_back(world, guard, case):
    response = guard.post(step_url(case, "ngon-ngu"), {"language": "Tiếng Mông", "stay": "1"})

    assert response.status_code == 302
    assert response["Location"] == step_url(case, "ngon-ngu")
    case.person.refresh_from_db()
    assert case.person.language == "Tiếng Mông"
    again = guard.get(step_url(case, "ngon-ngu"))
    assert again.context["form"]["language"].value() == "Tiếng Mông"
    assert 'value="Tiếng Mông"' in html(again)


def test_each_step_saves_on_its_own_and_can_be_revisited(world, guard, case):
    guard.post(step_url(case, "nhu-cau"), {"immediate_needs": "Chỗ ở tạm"})
    guard.post(step_url(case, "ngon-ngu"), {"language": "Tiếng Việt"})
    guard.post(step_url(case, "nhu-cau"), {"immediate_needs": "Chỗ ở tạm, quần áo"})

    case.refresh_from_db()
    assert case.immediate_needs == "Chỗ ở tạm, quần áo"
    assert guard.get(step_url(case, "nhu-cau")).context["form"]["immediate_needs"].value() == "Chỗ ở tạm, quần áo"


def test_the_progress_indicator_shows_which_steps_are_complete(world, guard, case):
    states = {s["slug"]: s["state"] for s in guard.get(step_url(case, "nhan-than")).context["steps"]}
    assert states == {
        "tiep-nhan": "done", "nhan-than": "todo", "dia-chi": "todo", "ngon-ngu": "todo", "mua-ban": "todo",
        "tre-em": "optional", "nhu-cau": "todo", "dong-y": "todo",
    }
    guard.post(step_url(case, "ngon-ngu"), {"language": "Tiếng Việt"})
    guard.post(step_url(case, "dia-chi"), {"abroad_address": "Quảng Tây, Trung Quốc"})

    response = guard.get(step_url(case, "nhu-cau"))
    states = {s["slug"]: s["state"] for s in response.context["steps"]}
    assert states["ngon-ngu"] == states["dia-chi"] == "done"
    assert [s["slug"] for s in response.context["steps"] if s["current"]] == ["nhu-cau"]
    assert 'aria-current="step"' in html(response)
    assert response.context["done_count"] == 3


def test_a_validation_error_saves_nothing_of_that_step_and_keeps_everything_typed(world, guard, case):
    data = {
        "full_name": "Lò Thị Mai", "other_names": "A Mai", "sex": Sex.FEMALE, "date_of_birth": "",
        "birth_year": "2003", "ethnicity": "", "nationality": "VN",
        "id_paper_type": IdPaperType.CCCD, "id_paper_number": "04012345678",
    }
    response = guard.post(step_url(case, "nhan-than"), data)

    assert_error_next_to(response, "id_paper_number")
    assert 'value="A Mai"' in html(response) and 'value="04012345678"' in html(response)
    case.person.refresh_from_db()
    assert case.person.other_names == ""


# ---------------------------------------------------------------------------------------------
# Bad input in the declaration
# ---------------------------------------------------------------------------------------------

IDENTITY = {
    "full_name": "Lò Thị Mai", "other_names": "", "sex": Sex.FEMALE, "date_of_birth": "", "birth_year": "2003",
    "ethnicity": "", "nationality": "VN", "id_paper_type": "", "id_paper_number": "",
}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_paper_type": IdPaperType.CCCD, "id_paper_number": "04012345678"}, "id_paper_number"),
        ({"id_paper_type": IdPaperType.CCCD, "id_paper_number": "04012345678A"}, "id_paper_number"),
        ({"id_paper_type": IdPaperType.CMND, "id_paper_number": "1234567890"}, "id_paper_number"),
        ({"id_paper_type": IdPaperType.PASSPORT, "id_paper_number": "12345678"}, "id_paper_number"),
        ({"id_paper_type": IdPaperType.PASSPORT, "id_paper_number": "CC123456"}, "id_paper_number"),
        ({"id_paper_type": IdPaperType.CCCD, "id_paper_number": ""}, "id_paper_number"),
        ({"id_paper_type": "", "id_paper_number": "123456789"}, "id_paper_type"),
        ({"id_paper_type": IdPaperType.OTHER, "id_paper_number": "x" * 51}, "id_paper_number"),
        ({"birth_year": "", "date_of_birth": dmy(timezone.localdate() + datetime.timedelta(days=3))}, "date_of_birth"),
        ({"birth_year": "", "date_of_birth": dmy(days_ago(5))}, "date_of_birth"),  # after the reception
        ({"birth_year": str(days_ago(5).year + 1)}, "birth_year"),
        ({"birth_year": "", "date_of_birth": "2003-13-45"}, "date_of_birth"),
        ({"birth_year": "", "date_of_birth": "15/06/1850"}, "date_of_birth"),
        ({"birth_year": "-5"}, "birth_year"),
        ({"other_names": "A\x00Mai"}, "other_names"),
        ({"other_names": "x" * 256}, "other_names"),
        ({"full_name": ""}, "full_name"),
        ({"nationality": "XX"}, "nationality"),
        ({"nationality": "#"}, "nationality"),
        ({"ethnicity": "99999"}, "ethnicity"),
        ({"sex": "other"}, "sex"),
    ],
    ids=lambda value: "-".join(f"{k}={str(v)[:12]!r}" for k, v in value.items()) if isinstance(value, dict) else value,
)
def test_bad_identity_input_is_shown_next_to_its_field(world, guard, case, overrides, field):
    data = {**IDENTITY, "other_names": "Mai Lò", **overrides}
    response = guard.post(step_url(case, "nhan-than"), data)

    assert_error_next_to(response, field)
    if field != "other_names":
        assert 'value="Mai Lò"' in html(response)


def test_identity_papers_of_every_kind_are_accepted_in_their_format(world, guard, case):
    for paper, number, stored in [
        (IdPaperType.CCCD, "040123456789", "040123456789"),
        (IdPaperType.CMND, "123 456 789", "123456789"),
        (IdPaperType.PASSPORT, "c1234567", "C1234567"),
        (IdPaperType.OTHER, "GKS 12/2003", "GKS12/2003"),  # spaces go (the model's rule)
    ]:
        data = {**IDENTITY, "id_paper_type": paper, "id_paper_number": number}
        response = guard.post(step_url(case, "nhan-than"), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        case.person.refresh_from_db()
        assert case.person.id_paper_number == stored


def test_an_nfd_name_in_the_declaration_is_stored_in_nfc(world, guard, case):
    name = unicodedata.normalize("NFD", "Hoàng Thị Thủy")
    guard.post(step_url(case, "nhan-than"), {**IDENTITY, "full_name": name})
    case.person.refresh_from_db()
    assert case.person.full_name == unicodedata.normalize("NFC", "Hoàng Thị Thủy")


def test_only_the_year_of_birth_may_be_given_and_clearing_the_date_keeps_the_year(world, guard, case):
    guard.post(step_url(case, "nhan-than"), {**IDENTITY, "date_of_birth": "01/02/2002", "birth_year": ""})
    case.person.refresh_from_db()
    assert (case.person.date_of_birth, case.person.birth_year) == (datetime.date(2002, 2, 1), 2002)

    guard.post(step_url(case, "nhan-than"), {**IDENTITY, "date_of_birth": "", "birth_year": "2001"})
    case.person.refresh_from_db()
    assert (case.person.date_of_birth, case.person.birth_year) == (None, 2001)


def test_the_reception_step_corrects_the_reception_and_refuses_a_date_before_the_birth(world, guard, case):
    services.person_update_declaration(user=world.border_guard, person=case.person,
                                       date_of_birth=days_ago(20 * 365))
    url = step_url(case, "tiep-nhan")
    data = {"reception_channel": ReceptionChannel.RESCUED, "received_on": dmy(days_ago(21 * 365)),
            "reception_place": "Đồn Biên phòng Tân Thanh", "reception_province": str(world.lang_son.pk)}

    response = guard.post(url, data)
    assert_error_next_to(response, "received_on")  # the birth is after it: shown on the date changed here
    assert "Đồn Biên phòng Tân Thanh" in html(response)

    response = guard.post(url, {**data, "received_on": dmy(days_ago(9))})
    assert response["Location"] == step_url(case, "nhan-than")
    case.refresh_from_db()
    assert (case.reception_channel, case.received_on) == (ReceptionChannel.RESCUED, days_ago(9))
    assert case.receiving_agency == world.border_ls


def test_a_future_reception_date_is_refused_on_the_reception_step(world, guard, case):
    response = guard.post(step_url(case, "tiep-nhan"), {
        "reception_channel": ReceptionChannel.RESCUED, "received_on": dmy(timezone.localdate() + datetime.timedelta(days=1)),
    })
    assert_error_next_to(response, "received_on")


def test_a_reception_date_in_1800_is_refused_on_the_reception_step(world, guard, case):
    before = case.received_on
    response = guard.post(step_url(case, "tiep-nhan"), {
        "reception_channel": ReceptionChannel.RESCUED, "received_on": "01/01/1800",
    })
    assert_error_next_to(response, "received_on")
    assert "01/01/2000" in response.content.decode()
    case.refresh_from_db()
    assert case.received_on == before


# Address ----------------------------------------------------------------------------------------

def test_a_commune_is_saved_with_its_province(world, guard, case):
    commune = a_commune_of(world.nghe_an)
    response = guard.post(step_url(case, "dia-chi"), {"home_province": "", "home_commune": str(commune.pk)})

    assert response.status_code == 302
    case.person.refresh_from_db()
    assert case.person.home_province == world.nghe_an


def test_a_commune_of_another_province_is_refused_next_to_the_commune(world, guard, case):
    commune = a_commune_of(world.nghe_an)
    response = guard.post(step_url(case, "dia-chi"), {
        "home_province": str(world.lang_son.pk), "home_commune": str(commune.pk), "home_address_detail": "Bản Na",
    })

    assert_error_next_to(response, "home_commune")
    page = html(response)
    assert f'<option value="{commune.pk}" selected>' in page  # what was chosen is still chosen
    assert 'value="Bản Na"' in page


def test_a_home_address_and_an_address_abroad_together_are_refused(world, guard, case):
    response = guard.post(step_url(case, "dia-chi"), {
        "home_province": str(world.lang_son.pk), "abroad_address": "Quảng Tây, Trung Quốc",
    })
    assert_error_next_to(response, "abroad_address")
    assert "Quảng Tây, Trung Quốc" in html(response)


def test_the_commune_list_holds_only_the_communes_of_the_chosen_province(world, guard, case):
    services.person_update_declaration(user=world.border_guard, person=case.person, home_province=world.lang_son)
    form = guard.get(step_url(case, "dia-chi")).context["form"]
    listed = {value for value, _label in form.fields["home_commune"].widget.choices if value}
    expected = set(world.lang_son.children.filter(level="commune", valid_to__isnull=True).values_list("pk", flat=True))
    assert listed == expected and len(expected) > 10
    attrs = form.fields["home_commune"].widget.attrs
    assert attrs["data-url"] == COMMUNES
    assert attrs["data-province-field"] == "id_home_province"


def test_no_province_no_commune_list_and_the_picker_searches(world, guard, case):
    form = guard.get(step_url(case, "dia-chi")).context["form"]
    assert [value for value, _label in form.fields["home_commune"].widget.choices if value] == []


# Trafficking --------------------------------------------------------------------------------------

TRAFFICKING = {
    "destination_country": "CN", "destination_province": "", "purposes": [TraffickingPurpose.FORCED_LABOUR],
    "purpose_other": "", "recruitment": "", "means_of_control": "", "trafficked_from": "", "trafficked_until": "",
}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purposes": [TraffickingPurpose.OTHER]}, "purpose_other"),
        ({"purposes": ["made_up"]}, "purposes"),
        ({"trafficked_from": dmy(days_ago(20)), "trafficked_until": dmy(days_ago(30))}, "trafficked_until"),
        ({"trafficked_from": dmy(timezone.localdate() + datetime.timedelta(days=2))}, "trafficked_from"),
        ({"means_of_control": "x" * 2001}, "means_of_control"),
        ({"recruitment": "Hứa\x00 việc"}, "recruitment"),
        ({"destination_country": "ZZ"}, "destination_country"),
        ({"destination_province": "999999999"}, "destination_province"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else value,
)
def test_bad_trafficking_details_are_shown_next_to_their_field(world, guard, case, overrides, field):
    response = guard.post(step_url(case, "mua-ban"), {**TRAFFICKING, "recruitment": "Môi giới qua Facebook", **overrides})
    assert_error_next_to(response, field)
    if field != "recruitment":
        assert "Môi giới qua Facebook" in html(response)
    case.refresh_from_db()
    assert case.purposes == []


def test_a_commune_is_not_a_destination_province(world, guard, case):
    commune = a_commune_of(world.lang_son)
    response = guard.post(step_url(case, "mua-ban"), {**TRAFFICKING, "destination_province": str(commune.pk)})
    assert_error_next_to(response, "destination_province")


# ---------------------------------------------------------------------------------------------
# Children
# ---------------------------------------------------------------------------------------------

def child(**overrides):
    return {"full_name": "Lò Văn Bình", "sex": Sex.MALE, "date_of_birth": "",
            "birth_year": str(timezone.localdate().year - 3), "relationship": ChildRelationship.CHILD,
            "relationship_note": "", **overrides}


def test_children_are_added_one_by_one_each_a_person_of_their_own(world, guard, case):
    url = step_url(case, "tre-em")
    guard.post(url, child())
    guard.post(url, child(full_name="Lò Thị Hoa", sex=Sex.FEMALE, birth_year="", date_of_birth=dmy(days_ago(400))))

    links = CaseChild.objects.filter(case=case).select_related("person").order_by("pk")
    assert [link.person.full_name for link in links] == ["Lò Văn Bình", "Lò Thị Hoa"]
    assert len({link.person_id for link in links} | {case.person_id}) == 3
    assert all(link.created_by == world.border_guard for link in links)
    page = guard.get(url)
    assert html(page).count('data-testid="child-row"') == 2
    assert {s["slug"]: s["state"] for s in page.context["steps"]}["tre-em"] == "done"
    assert page.context["done_count"] == 1  # the reception; an optional step is not counted


def test_a_double_submit_of_a_child_adds_the_child_once(world, guard, case):
    url = step_url(case, "tre-em")
    first, second = guard.post(url, child()), guard.post(url, child())

    assert first["Location"] == second["Location"] == url
    assert CaseChild.objects.filter(case=case).count() == 1
    assert guard.post(url, child(full_name="Lò Văn Bình", birth_year=str(timezone.localdate().year - 5)))
    assert CaseChild.objects.filter(case=case).count() == 2  # a namesake of another age is another child


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_year": "2000"}, "birth_year"),  # 18 or older: not an accompanying child
        ({"birth_year": "", "date_of_birth": dmy(days_ago(3))}, "date_of_birth"),  # born after the reception
        ({"birth_year": "", "date_of_birth": dmy(timezone.localdate() + datetime.timedelta(days=1))}, "date_of_birth"),
        ({"relationship": ""}, "relationship"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "Bình\x00"}, "full_name"),
        ({"relationship_note": "x" * 256}, "relationship_note"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else value,
)
def test_bad_child_input_is_shown_next_to_its_field(world, guard, case, overrides, field):
    response = guard.post(step_url(case, "tre-em"), child(**{"relationship_note": "con đầu", **overrides}))
    assert_error_next_to(response, field)
    if field != "relationship_note":
        assert 'value="con đầu"' in html(response)
    assert not CaseChild.objects.exists()


# ---------------------------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------------------------

def consent(person, **overrides):
    return {"person": str(person.pk), "given": "yes", "share_with": [SharingParty.POLICE],
            "share_with_detail": "", "recorded_on": dmy(days_ago(1)), "guardian_name": "",
            "guardian_relationship": "", "note": "", **overrides}


def test_consent_is_recorded_by_the_signed_in_user(world, guard, case):
    response = guard.post(step_url(case, "dong-y"), consent(case.person, share_with_detail="Công an tỉnh"))

    assert response.status_code == 302
    record = Consent.objects.get()
    assert record.recorded_by == world.border_guard
    assert record.recorded_on == days_ago(1) and record.given
    assert record.share_with_detail == "Công an tỉnh"
    page = html(guard.get(step_url(case, "dong-y")))
    assert 'data-testid="consent-row"' in page and world.border_guard.get_full_name() in page


def test_a_refusal_needs_nobody_to_share_with(world, guard, case):
    response = guard.post(step_url(case, "dong-y"), consent(case.person, given="no", share_with=[]))
    assert response.status_code == 302
    assert not Consent.objects.get().given


def test_a_minor_victims_consent_needs_a_guardian(world, guard):
    minor = CaseFactory(
        receiving_agency=world.border_ls, received_on=days_ago(10), created_by=world.border_guard,
        person=PersonFactory(full_name="Vàng Thị Dua", birth_year=None, date_of_birth=days_ago(15 * 365)),
    )
    url = step_url(minor, "dong-y")
    assert "(" in dict(guard.get(url).context["form"].fields["person"].choices)[minor.person.pk]  # marked as a minor

    response = guard.post(url, consent(minor.person, note="Em đồng ý"))
    assert_error_next_to(response, "guardian_name")
    assert field_errors(response, "guardian_relationship")
    assert "Em đồng ý" in html(response)
    assert not Consent.objects.exists()

    response = guard.post(url, consent(minor.person, guardian_name="Vàng Thị Mỷ", guardian_relationship="Mẹ"))
    assert response.status_code == 302
    record = Consent.objects.get()
    assert (record.guardian_name, record.guardian_relationship) == ("Vàng Thị Mỷ", "Mẹ")


def test_consent_for_an_accompanying_child_needs_a_guardian(world, guard, case):
    link = CaseChildFactory(case=case, created_by=world.border_guard)
    url = step_url(case, "dong-y")

    assert_error_next_to(guard.post(url, consent(link.person)), "guardian_name")
    response = guard.post(url, consent(link.person, guardian_name="Lò Thị Mai", guardian_relationship="Mẹ", stay="1"))
    assert response["Location"] == url
    assert Consent.objects.get().person == link.person


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"share_with": []}, "share_with"),
        ({"share_with": ["the_press"]}, "share_with"),
        ({"recorded_on": dmy(timezone.localdate() + datetime.timedelta(days=1))}, "recorded_on"),
        ({"recorded_on": dmy(days_ago(11))}, "recorded_on"),  # before the reception
        ({"recorded_on": ""}, "recorded_on"),
        ({"given": ""}, "given"),
        ({"note": "x" * 2001}, "note"),
        ({"share_with_detail": "Hội\x00 Phụ nữ"}, "share_with_detail"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else value,
)
def test_bad_consent_input_is_shown_next_to_its_field(world, guard, case, overrides, field):
    response = guard.post(step_url(case, "dong-y"), consent(case.person, guardian_name="Lò Văn Tủa", **overrides))
    assert_error_next_to(response, field)
    if field != "guardian_name":
        assert 'value="Lò Văn Tủa"' in html(response)
    assert not Consent.objects.exists()


def test_consent_cannot_be_recorded_for_someone_outside_the_case(world, guard, case):
    stranger = CaseFactory(receiving_agency=world.border_ls, created_by=world.border_guard).person
    response = guard.post(step_url(case, "dong-y"), consent(stranger))
    assert_error_next_to(response, "person")
    assert not Consent.objects.exists()


# ---------------------------------------------------------------------------------------------
# Closed cases, scope, the access log
# ---------------------------------------------------------------------------------------------

def test_a_closed_case_shows_its_steps_read_only_and_refuses_changes(world, guard, case):
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)

    page = guard.get(step_url(case, "ngon-ngu"))
    assert page.status_code == 200
    assert page.context["read_only"]
    assert "<fieldset disabled>" in html(page) and 'data-testid="save-next"' not in html(page)
    assert 'data-testid="read-only"' in html(page)
    assert 'data-testid="child-form"' not in html(guard.get(step_url(case, "tre-em")))
    assert 'data-testid="consent-form"' not in html(guard.get(step_url(case, "dong-y")))

    for slug, data in [("ngon-ngu", {"language": "Tiếng Anh"}), ("tre-em", child()), ("dong-y", consent(case.person))]:
        response = guard.post(step_url(case, slug), data)
        assert response.status_code == 403
        assert 'data-testid="refused"' in html(response)
    case.person.refresh_from_db()
    assert case.person.language == "" and not CaseChild.objects.exists() and not Consent.objects.exists()


def test_a_caseworker_of_another_province_gets_404(world, signed_in, case):
    client = signed_in(world.caseworker_hn)
    for slug in ("nhan-than", "tre-em", "dong-y"):
        assert client.get(step_url(case, slug)).status_code == 404
        assert client.post(step_url(case, slug), {"full_name": "X"}).status_code == 404
    assert client.get(reverse("victims:intake_summary", args=[case.pk])).status_code == 404
    assert Person.objects.filter(full_name="X").count() == 0


def test_a_viewer_who_may_not_edit_is_refused(world, signed_in, case):
    client = signed_in(world.approver_ls)  # sees the case (department of its province), cannot edit
    assert client.get(step_url(case, "nhan-than")).status_code == 403
    assert client.post(step_url(case, "nhan-than"), IDENTITY).status_code == 403


def test_a_grant_with_edit_but_without_identity_does_not_open_the_declaration(world, signed_in, case):
    consented(case)
    services.case_grant_access(user=world.border_guard, case=case, actions=["case.edit"],
                               reason="Hỗ trợ", grantee_agency=world.centre_hn)
    assert signed_in(world.caseworker_hn).get(step_url(case, "nhan-than")).status_code == 404
    services.case_grant_access(user=world.border_guard, case=case, actions=["case.edit", "case.view_identity"],
                               reason="Hỗ trợ", grantee_agency=world.centre_hn)
    assert signed_in(world.caseworker_hn).get(step_url(case, "nhan-than")).status_code == 200


def test_opening_a_step_is_written_to_the_access_log_without_personal_data(world, guard, case):
    guard.get(step_url(case, "nhan-than"))
    row = AccessLog.objects.get()
    assert (row.user, row.agency_id, row.object_id, row.action) == (
        world.border_guard, world.border_ls.pk, str(case.pk), "case.view")


# ---------------------------------------------------------------------------------------------
# The commune picker's search
# ---------------------------------------------------------------------------------------------

def test_communes_are_found_without_diacritics_within_a_province(world, guard):
    commune = a_commune_of(world.lang_son)
    typed = commune.name_folded  # e.g. "phuong lang son" for "Phường Lạng Sơn"
    data = json.loads(guard.get(COMMUNES, {"q": typed, "province": world.lang_son.pk}).content)

    assert commune.pk in {r["id"] for r in data["results"]}
    assert all(r["province_id"] == world.lang_son.pk for r in data["results"])
    assert {"id", "text", "province_id", "province"} <= set(data["results"][0])


def test_the_commune_search_folds_diacritics_both_ways(world, guard):
    commune = a_commune_of(world.ha_noi)
    for query in (commune.name, commune.name_folded, unicodedata.normalize("NFD", commune.name)):
        ids = {r["id"] for r in json.loads(guard.get(COMMUNES, {"q": query}).content)["results"]}
        assert commune.pk in ids, query


def test_the_commune_search_survives_bad_input(world, guard):
    for params in ({"q": "a\x00b"}, {"province": "abc"}, {"province": "²"}, {"province": "9" * 40},
                   {"q": "x" * 5000}):
        response = guard.get(COMMUNES, params)
        assert response.status_code == 200
        assert "results" in json.loads(response.content)


def test_the_commune_search_lists_only_current_communes_and_at_most_fifty(world, guard):
    results = json.loads(guard.get(COMMUNES).content)["results"]
    assert len(results) == 50
    ids = [r["id"] for r in results]
    assert AdministrativeUnit.objects.filter(pk__in=ids, level="commune", valid_to__isnull=True).count() == 50


# ---------------------------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------------------------

def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("slug", ["tre-em", "dong-y", "summary"])
def test_steps_listing_children_and_consents_do_not_grow_with_them(world, guard, case, slug):
    url = reverse("victims:intake_summary", args=[case.pk]) if slug == "summary" else step_url(case, slug)
    CaseChildFactory(case=case, created_by=world.border_guard)
    Consent.objects.create(case=case, person=case.person, share_with=["police"], recorded_on=days_ago(1),
                           recorded_by=world.border_guard)
    few = count_queries(guard, url)
    for n in range(4):
        link = CaseChildFactory(case=case, created_by=world.border_guard, person__full_name=f"Lò Văn {n}")
        Consent.objects.create(case=case, person=link.person, share_with=["family"], recorded_on=days_ago(1),
                               recorded_by=world.border_guard, guardian_name="Lò Thị Mai", guardian_relationship="Mẹ")
    assert count_queries(guard, url) == few


def test_the_summary_links_to_the_case_page(world, guard, case):
    summary = reverse("victims:intake_summary", args=[case.pk])
    response = guard.get(summary)
    case_page = finish_url(case)
    assert response.context["case_page_url"] == (None if case_page == summary else case_page)
    if case_page != summary:
        assert case_page == reverse("victims:case_detail", args=[case.pk])
        assert f'href="{case_page}"' in html(response)
