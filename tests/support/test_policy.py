"""Policy as data: two shipped versions, effective dates, province amounts, parameters, the admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from support.models import EntitlementItem, PolicyParameter, PolicyVersion, ProvinceAmount
from support.policy import amount_for, policy_parameter, version_in_force
from tests.factories import UserFactory, province
from tests.support.factories import LAW53, ND09, item

pytestmark = pytest.mark.django_db


def test_two_versions_are_shipped_back_to_back():
    nd09, law53 = PolicyVersion.objects.get(code=ND09), PolicyVersion.objects.get(code=LAW53)
    assert nd09.valid_to == datetime.date(2025, 6, 30) and law53.valid_from == datetime.date(2025, 7, 1)
    assert law53.valid_to is None
    assert version_in_force(datetime.date(2025, 6, 30)) == nd09
    assert version_in_force(datetime.date(2025, 7, 1)) == law53
    assert version_in_force(datetime.date(2005, 1, 1)) is None
    assert {i.regime for i in nd09.items.all()} == {1, 2, 3, 4, 5, 6}
    assert {"interpretation", "winter_clothing", "legal_information"} <= set(
        law53.items.values_list("code", flat=True)) - set(nd09.items.values_list("code", flat=True))


def test_known_amounts_are_confirmed_and_the_others_are_marked_to_be_confirmed():
    # Decree 09 fixes no hardship amount (the finance circular and provinces do): a default to confirm.
    allowance = item(ND09, "hardship_allowance")
    assert (allowance.default_amount, allowance.amount_confirmed, allowance.max_quantity_per_person) == (
        1_000_000, False, 1)
    assert allowance.conditions == ["poor_household"] and allowance.application_window_months == 12
    assert "1.000.000" not in allowance.citation and allowance.citation == "khoản 2 Điều 23 Nghị định 09/2013/NĐ-CP"
    assert not allowance.basis_confirmed
    assert not item(ND09, "food_in_facility").amount_confirmed
    assert EntitlementItem.objects.filter(amount_confirmed=False).count() > 10


def test_the_rules_that_changed_in_2025_are_data():
    assert item(ND09, "food_in_facility").max_quantity_per_person == 60
    assert item(LAW53, "food_in_facility").max_quantity_per_person == 120
    assert item(LAW53, "food_in_facility").extension_quantity
    assert item(ND09, "medical_care").conditions == ["facility_stay"]
    assert item(LAW53, "medical_care").conditions == []  # check-up, first aid: wherever the person is
    assert item(LAW53, "medical_treatment").conditions == ["facility_stay"]
    assert item(ND09, "school_support").deadline_days == 11
    assert "under_identification" in item(LAW53, "legal_aid").eligible_categories
    assert "under_identification" not in item(ND09, "legal_aid").eligible_categories


def test_who_decides_is_data_per_item_regimes_1_to_4_direct_5_and_6_by_the_department_in_9_days():
    law53 = EntitlementItem.objects.filter(version__code=LAW53)
    routes = {(i.regime, i.deciding_authority, i.deadline_days) for i in law53}
    assert routes == {(1, "receiving_body", 0), (2, "receiving_body", 0), (3, "receiving_body", 0),
                      (4, "receiving_body", 0), (5, "provincial_department", 9), (6, "provincial_department", 9)}
    # ND 09: the data keeps the provincial department for regimes 5-6 and says why (the decree named the district).
    nd09_dept = EntitlementItem.objects.filter(version__code=ND09, regime__in=(5, 6))
    assert {i.deciding_authority for i in nd09_dept} == {"provincial_department"}
    assert all("cấp huyện" in i.basis_note and "lựa chọn" in i.basis_note for i in nd09_dept)


def test_nd09_starts_when_decree_09_came_into_force():
    assert PolicyVersion.objects.get(code=ND09).valid_from == datetime.date(2013, 4, 15)
    assert version_in_force(datetime.date(2013, 4, 14)) is None
    assert version_in_force(datetime.date(2013, 4, 15)).code == ND09


def test_every_item_and_parameter_has_a_legal_basis_and_a_confirmation_state():
    for rule in [*EntitlementItem.objects.all(), *PolicyParameter.objects.all()]:
        assert rule.basis_document, rule
        assert rule.basis_note, rule
        # confirmed means someone is named, with a date; to be confirmed means nobody is
        assert bool(rule.basis_confirmed) == bool(rule.confirmed_by) == bool(rule.confirmed_on), rule
    # Art. 37(1) points cited on the items of the 2024 law, e.g. point e for the travel fare.
    assert item(LAW53, "travel_fare").citation == "điểm e khoản 1 Điều 37 Luật Phòng, chống mua bán người số 53/2024/QH15"
    assert item(LAW53, "travel_fare").basis_confirmed
    assert item(LAW53, "loan_support").citation.startswith("điểm k khoản 1 Điều 37")


def test_winter_clothing_is_not_cited_as_article_37():
    winter = item(LAW53, "winter_clothing")
    assert (winter.basis_article, winter.basis_clause, winter.basis_point) == ("", "", "")
    assert winter.basis_document.startswith("Chính sách riêng của tỉnh") and not winter.basis_confirmed


def test_food_days_and_stay_days_are_separate_parameters():
    assert policy_parameter("food_in_facility_days", datetime.date(2025, 6, 30)) == 60
    assert policy_parameter("food_in_facility_days", datetime.date(2025, 7, 1)) == 120
    assert policy_parameter("stay_extension_days", datetime.date(2025, 7, 1)) == 60
    stay = PolicyParameter.objects.get(version__code=ND09, name="max_stay_days")
    assert not stay.basis_confirmed and "không giới hạn thời gian lưu trú" in stay.basis_note
    extension = PolicyParameter.objects.get(version__code=LAW53, name="stay_extension_days")
    assert not extension.basis_confirmed and "không ấn định số ngày" in extension.basis_note


def test_parameters_other_apps_read():
    assert policy_parameter("max_stay_days", datetime.date(2025, 6, 30)) == 60
    assert policy_parameter("max_stay_days", datetime.date(2025, 7, 1)) == 120
    assert policy_parameter("licence_appraisal_working_days", datetime.date(2024, 1, 1)) == 15
    with pytest.raises(LookupError):
        policy_parameter("no_such_parameter", datetime.date(2025, 7, 1))
    with pytest.raises(LookupError):
        policy_parameter("max_stay_days", datetime.date(2000, 1, 1))
    from facilities import policy as facilities_policy

    PolicyParameter.objects.filter(name="max_stay_days", version__code=LAW53).update(value=150)
    assert facilities_policy.max_stay_days(datetime.date(2025, 8, 1)) == 150


def test_overlapping_versions_for_the_same_scope_are_refused():
    clash = PolicyVersion(code="TT-2026", short_name="TT 2026", title="x", legal_basis="x",
                          valid_from=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "valid_from" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
    provincial = PolicyVersion(code="LS-2026", short_name="NQ LS", title="x", legal_basis="x",
                               valid_from=datetime.date(2026, 1, 1), province=province("lang son"))
    provincial.full_clean()
    provincial.save()
    assert version_in_force(datetime.date(2026, 2, 1), province("lang son")) == provincial
    assert version_in_force(datetime.date(2026, 2, 1), province("ha noi")).code == LAW53


def test_province_amounts_have_their_own_dates_and_do_not_overlap():
    clothes = item(LAW53, "clothing_set")
    lang_son = province("lang son")
    ProvinceAmount.objects.create(item=clothes, province=lang_son, amount=200_000,
                                  valid_from=datetime.date(2025, 7, 1), valid_to=datetime.date(2025, 12, 31))
    assert amount_for(clothes, lang_son, datetime.date(2025, 8, 1)) == 200_000
    assert amount_for(clothes, lang_son, datetime.date(2026, 1, 1)) == 150_000
    assert amount_for(clothes, province("ha noi"), datetime.date(2025, 8, 1)) == 150_000
    overlapping = ProvinceAmount(item=clothes, province=lang_son, amount=250_000, valid_from=datetime.date(2025, 12, 1))
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping.save()


@pytest.fixture
def admin_client(signed_in):
    return signed_in(UserFactory(is_staff=True, is_superuser=True))


def test_administrators_see_what_is_to_be_confirmed(admin_client):
    page = admin_client.get(reverse("admin:support_entitlementitem_changelist"), {"amount_confirmed__exact": "0"})
    assert page.status_code == 200
    assert "Hỗ trợ tiền ăn trong thời gian lưu trú tại cơ sở" in page.content.decode()
    assert admin_client.get(reverse("admin:support_policyversion_changelist")).status_code == 200
    item_page = admin_client.get(reverse("admin:support_entitlementitem_change", args=[item(LAW53, "legal_aid").pk]))
    assert item_page.status_code == 200


def test_the_admin_shows_the_legal_basis_and_who_confirmed_it(admin_client):
    page = admin_client.get(reverse("admin:support_entitlementitem_changelist"), {"version__id__exact":
                                                                                 item(LAW53, "travel_fare").version_id})
    html = page.content.decode()
    assert "điểm e khoản 1 Điều 37 Luật Phòng, chống mua bán người số 53/2024/QH15" in html
    assert "Issue #12: đối chiếu nguyên văn Điều 37" in html and "01/12/2026" in html
    assert "Chính sách riêng của tỉnh" in html  # winter clothing, to be confirmed
    change = admin_client.get(reverse("admin:support_entitlementitem_change", args=[item(ND09, "legal_aid").pk]))
    form = change.content.decode()
    for field in ("basis_document", "basis_article", "basis_clause", "basis_point", "basis_note", "basis_confirmed",
                  "confirmed_by", "confirmed_on"):
        assert f'name="{field}"' in form, field
    parameters = admin_client.get(reverse("admin:support_policyparameter_changelist"))
    assert parameters.status_code == 200 and "food_in_facility_days" in parameters.content.decode()
    version = admin_client.get(reverse("admin:support_policyversion_change",
                                       args=[PolicyVersion.objects.get(code=ND09).pk]))
    assert version.status_code == 200
    assert "khoản 2 Điều 23 Nghị định 09/2013/NĐ-CP" in version.content.decode()  # the catalogue inline


def test_an_administrator_confirms_a_basis_and_is_recorded_as_the_one_who_did(signed_in):
    admin = UserFactory(is_staff=True, is_superuser=True, full_name="Phạm Thu Trang")
    client = signed_in(admin)
    winter = item(LAW53, "winter_clothing")
    response = client.post(reverse("admin:support_entitlementitem_changelist"), {
        "action": "confirm_basis", "_selected_action": [winter.pk],
    })
    assert response.status_code == 302
    winter.refresh_from_db()
    assert (winter.basis_confirmed, winter.confirmed_by, winter.confirmed_on) == (
        True, "Phạm Thu Trang", datetime.date.today())


def test_a_confirmed_basis_needs_who_and_when():
    rule = item(ND09, "legal_aid")
    rule.basis_confirmed = True
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "confirmed_by" in error.value.message_dict


def test_an_administrator_adds_a_version_without_code_changes(admin_client):
    url = reverse("admin:support_policyversion_add")
    data = {
        "code": "TT-99-2027", "short_name": "TT 99/2027", "title": "Thông tư mới", "legal_basis": "Thông tư 99",
        "valid_from": "2027-01-01", "valid_to": "", "province": "", "notes": "",
        "items-TOTAL_FORMS": 0, "items-INITIAL_FORMS": 0, "parameters-TOTAL_FORMS": 0, "parameters-INITIAL_FORMS": 0,
    }
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and not PolicyVersion.objects.filter(code="TT-99-2027").exists()

    copy_url = reverse("admin:support_policyversion_copy", args=[PolicyVersion.objects.get(code=LAW53).pk])
    assert admin_client.get(copy_url).status_code == 200
    done = admin_client.post(copy_url, {"code": "TT-99-2027", "short_name": "TT 99/2027", "title": "Thông tư mới",
                                        "valid_from": "2027-01-01"})
    assert done.status_code == 302
    new = PolicyVersion.objects.get(code="TT-99-2027")
    assert PolicyVersion.objects.get(code=LAW53).valid_to == datetime.date(2026, 12, 31)
    assert new.items.count() == EntitlementItem.objects.filter(version__code=LAW53).count()
    assert not new.items.filter(amount_confirmed=True).exists()
    assert version_in_force(datetime.date(2027, 1, 1)) == new


def test_staff_without_admin_rights_cannot_copy(signed_in, ls):
    client = signed_in(ls.caseworker)
    url = reverse("admin:support_policyversion_copy", args=[PolicyVersion.objects.get(code=LAW53).pk])
    assert client.get(url).status_code == 302  # the admin sends non-staff to sign in
