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
    allowance = item(ND09, "hardship_allowance")
    assert (allowance.default_amount, allowance.amount_confirmed, allowance.max_quantity_per_person) == (
        1_000_000, True, 1)
    assert allowance.conditions == ["poor_household"] and allowance.application_window_months == 12
    assert not item(ND09, "food_in_facility").amount_confirmed
    assert EntitlementItem.objects.filter(amount_confirmed=False).count() > 10


def test_the_rules_that_changed_in_2025_are_data():
    assert item(ND09, "food_in_facility").max_quantity_per_person == 60
    assert item(LAW53, "food_in_facility").max_quantity_per_person == 120
    assert item(LAW53, "food_in_facility").extension_quantity
    assert item(ND09, "medical_care").conditions == ["facility_stay"]
    assert item(LAW53, "medical_care").conditions == []
    assert item(ND09, "school_support").deadline_days == 11
    assert {i.deciding_authority for i in EntitlementItem.objects.filter(version__code=LAW53)} == {
        "provincial_department"}
    assert "under_identification" in item(LAW53, "legal_aid").eligible_categories
    assert "under_identification" not in item(ND09, "legal_aid").eligible_categories


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
