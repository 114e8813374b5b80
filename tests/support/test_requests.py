"""Requests: the version stored, amounts within the policy, limits enforced, routing by authority."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from accounts.roles import Role
from support.models import ProvinceAmount, RequestStatus, SupportRequest
from support.services import LineInput, remaining_for
from tests.factories import province
from tests.support.factories import (
    IN_LAW53,
    IN_ND09,
    LAW53,
    ND09,
    add_child,
    decide_all,
    item,
    make_case,
    request_support,
)
from tests.victims.factories import agency, member

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> dict:
    return {key: [e.code for e in errors] for key, errors in error.error_dict.items()}


def test_the_policy_version_in_force_on_the_application_date_is_stored(ls, case):
    [request] = request_support(ls, case, [(LAW53, "clothing_set", 2)])
    assert request.version.code == LAW53
    assert request.application_date == IN_LAW53
    line = request.lines.get()
    assert (line.quantity, line.unit_amount, line.amount) == (2, 150_000, 300_000)


def test_an_item_of_another_version_is_refused(ls, case):
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(ND09, "clothing_set", 2)], on=IN_LAW53)
    assert codes(error.value) == {"lines.0": ["wrong_version"]}


def test_ineligible_items_are_refused_with_the_reasons(ls, case):
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(LAW53, "hardship_allowance", 1), (LAW53, "food_in_facility", 10)])
    assert codes(error.value) == {"lines.0": ["ineligible_hardship_certified"],
                                  "lines.1": ["ineligible_facility_stay"]}
    assert not SupportRequest.objects.exists()


def test_amounts_are_prefilled_from_the_policy_and_may_only_go_down(ls, case):
    lower = LineInput(item=item(LAW53, "clothing_set"), quantity=2, unit_amount=100_000)
    [request] = request_support(ls, case, [lower])
    assert request.lines.get().amount == 200_000

    higher = LineInput(item=item(LAW53, "underwear_set"), quantity=1, unit_amount=60_000)
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [higher])
    assert codes(error.value) == {"lines.0.unit_amount": ["above_policy"]}


def test_a_province_pays_its_own_amount_in_its_period(ls, case):
    clothes = item(LAW53, "clothing_set")
    ProvinceAmount.objects.create(item=clothes, province=province("lang son"), amount=250_000,
                                  valid_from=datetime.date(2025, 9, 1))
    [before] = request_support(ls, case, [(LAW53, "clothing_set", 1)], on=datetime.date(2025, 8, 20))
    assert before.lines.get().unit_amount == 150_000
    other = make_case(owner=ls.centre)
    [after] = request_support(ls, other, [(LAW53, "clothing_set", 2)], on=datetime.date(2025, 9, 2))
    assert after.lines.get().amount == 500_000


def test_actual_cost_items_take_the_cost_entered(ls, case):
    [request] = request_support(ls, case, [(LAW53, "medical_care", 1, 2_350_000)])
    assert request.lines.get().amount == 2_350_000
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(LAW53, "psychological_support", 1, None)])
    assert codes(error.value) == {"lines.0.amount": ["required"]}


def test_a_one_off_allowance_is_never_given_twice_even_across_versions(ls):
    case = make_case(owner=ls.centre, received_on=datetime.date(2025, 2, 1), confirmed_on=datetime.date(2025, 2, 20))
    [first] = request_support(ls, case, [(ND09, "hardship_allowance", 1)], on=IN_ND09,
                              documents=["poor_household_certificate"])
    with pytest.raises(ValidationError) as pending:
        request_support(ls, case, [(LAW53, "hardship_allowance", 1)], documents=["poor_household_certificate"])
    assert codes(pending.value) == {"lines.0": ["one_off"]}

    decide_all(ls.approver, first, decision="reject", reason="Chưa đủ hồ sơ.")
    [second] = request_support(ls, case, [(LAW53, "hardship_allowance", 1)],
                               documents=["poor_household_certificate"])
    decide_all(ls.approver, second)
    with pytest.raises(ValidationError) as granted:
        request_support(ls, case, [(LAW53, "hardship_allowance", 1)], documents=["poor_household_certificate"],
                        on=datetime.date(2025, 10, 1))
    assert codes(granted.value) == {"lines.0": ["one_off"]}


def test_food_days_stop_at_the_maximum_unless_an_extension_is_approved(ls, case):
    food = item(LAW53, "food_in_facility")
    assert remaining_for(case.person, food) == 120
    [first] = request_support(ls, case, [(LAW53, "food_in_facility", 100)], stay=True)
    decide_all(ls.director, first)
    assert remaining_for(case.person, food) == 20

    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(LAW53, "food_in_facility", 30)], stay=True)
    assert codes(error.value) == {"lines.0": ["limit"]}
    with translation.override("en"):
        assert "unless an extension is requested and approved" in error.value.messages[0]

    extended = LineInput(item=food, quantity=30, extension_requested=True)
    [second] = request_support(ls, case, [extended], stay=True)
    assert second.lines.get().extension_requested
    decide_all(ls.director, second)
    assert remaining_for(case.person, food) == 180 - 130

    beyond = LineInput(item=food, quantity=60, extension_requested=True)
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [beyond], stay=True)
    assert codes(error.value) == {"lines.0": ["limit"]}


def test_nd09_food_has_no_extension(ls):
    case = make_case(owner=ls.centre, received_on=datetime.date(2025, 1, 2))
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [LineInput(item=item(ND09, "food_in_facility"), quantity=70,
                                             extension_requested=True)], on=IN_ND09, stay=True)
    assert codes(error.value) == {"lines.0.extension_requested": ["no_extension"]}


def test_law53_essential_needs_are_given_by_the_receiving_body_itself_without_a_provincial_decision(ls, case):
    [request] = request_support(ls, case, [(LAW53, "clothing_set", 1), (LAW53, "legal_aid", 1, 0)])
    assert (request.authority, request.deciding_agency) == ("receiving_body", ls.centre)
    assert request.due_date == IN_LAW53  # nothing to wait for
    border = agency("border_guard", "lang son")
    guard = member(border)
    at_the_border = make_case(owner=border)
    [given] = request_support(ls, at_the_border, [(LAW53, "travel_fare", 1, 200_000)], user=guard, agency=border)
    assert given.deciding_agency == border


def test_law53_regimes_5_and_6_go_to_the_department_of_the_case_province_within_9_working_days(ls, case):
    requests = request_support(ls, case, [(LAW53, "clothing_set", 1), (LAW53, "vocational_training", 1, 3_000_000)])
    routes = {r.authority: (r.deciding_agency, r.due_date) for r in requests}
    # 15/09/2025 (Monday) + 9 working days = 26/09/2025 (Friday)
    assert routes == {"receiving_body": (ls.centre, IN_LAW53),
                      "provincial_department": (ls.department, datetime.date(2025, 9, 26))}


def test_nd09_items_split_by_authority(ls):
    case = make_case(owner=ls.centre, received_on=datetime.date(2025, 2, 1), confirmed_on=datetime.date(2025, 2, 20))
    requests = request_support(ls, case, [(ND09, "clothing_set", 2), (ND09, "hardship_allowance", 1)],
                               on=IN_ND09, documents=["poor_household_certificate"])
    routes = {r.authority: r.deciding_agency for r in requests}
    assert routes == {"facility_director": ls.centre, "provincial_department": ls.department}
    assert all(r.documents.count() == 1 for r in requests)
    # 10/03/2025 + 2 working days; + 11 working days for regimes 5-6
    due = {r.authority: r.due_date for r in requests}
    assert due == {"facility_director": datetime.date(2025, 3, 12), "provincial_department": datetime.date(2025, 3, 25)}


def test_facility_director_items_need_a_facility(ls):
    border = agency("border_guard", "lang son")
    guard = member(border)
    case = make_case(owner=border, received_on=datetime.date(2025, 1, 2))
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(ND09, "clothing_set", 1)], on=IN_ND09, user=guard, agency=border)
    assert codes(error.value) == {"lines": ["no_deciding_agency"]}


def test_a_province_without_a_department_cannot_route(ls):
    far = make_case(owner=ls.centre, home="ca mau")
    with pytest.raises(ValidationError) as error:
        request_support(ls, far, [(LAW53, "vocational_training", 1, 3_000_000)])
    assert codes(error.value) == {"lines": ["no_deciding_agency"]}


def test_requests_for_a_child_of_the_case(ls, case):
    child = add_child(case, birth_year=2019)
    [request] = request_support(ls, case, [(LAW53, "school_support", 1, 500_000)], person=child)
    assert request.person == child
    stranger = make_case(owner=ls.centre).person
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(LAW53, "clothing_set", 1)], person=stranger)
    assert codes(error.value) == {"person": ["not_in_case"]}


def test_dates_are_checked(ls, case):
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(LAW53, "clothing_set", 1)], on=datetime.date.today() + datetime.timedelta(days=1))
    assert codes(error.value) == {"application_date": ["future"]}
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(LAW53, "clothing_set", 1)], on=datetime.date(2024, 12, 1))
    assert codes(error.value) == {"application_date": ["before_reception"]}


def test_the_same_form_submitted_twice_makes_one_request(ls, case):
    first = request_support(ls, case, [(LAW53, "clothing_set", 1)], idempotency_key="form-1")
    second = request_support(ls, case, [(LAW53, "clothing_set", 1)], idempotency_key="form-1")
    assert [r.pk for r in first] == [r.pk for r in second]
    assert SupportRequest.objects.count() == 1
    other_user = member(ls.centre, Role.CASEWORKER)
    with pytest.raises(ValidationError):
        request_support(ls, case, [(LAW53, "clothing_set", 1)], idempotency_key="form-1", user=other_user)


def test_only_caseworkers_with_the_case_in_scope_request(ls, case):
    with pytest.raises(PermissionDenied):
        request_support(ls, case, [(LAW53, "clothing_set", 1)], user=ls.approver, agency=ls.department)
    elsewhere = agency("social_centre", "ha noi")
    outsider = member(elsewhere)
    with pytest.raises(Http404):
        request_support(ls, case, [(LAW53, "clothing_set", 1)], user=outsider, agency=elsewhere)
    with pytest.raises(PermissionDenied):  # acting for an agency the user is not a member of
        request_support(ls, case, [(LAW53, "clothing_set", 1)], user=outsider, agency=ls.centre)


def test_a_decided_request_is_superseded_only_by_an_approved_new_one(ls, case):
    [old] = request_support(ls, case, [(LAW53, "clothing_set", 2)])
    decide_all(ls.director, old)
    [new] = request_support(ls, case, [(LAW53, "clothing_set", 2)], supersedes=old)  # limit 2: old excluded
    assert new.supersedes == old

    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(LAW53, "underwear_set", 1)], supersedes=old)
    assert codes(error.value) == {"supersedes": ["pending"]}

    decide_all(ls.director, new, decision="reject", reason="Không cần thay đổi.")
    old.refresh_from_db()
    assert old.status == RequestStatus.APPROVED  # a rejected replacement leaves the decision in force

    [again] = request_support(ls, case, [(LAW53, "clothing_set", 1)], supersedes=old)
    decide_all(ls.director, again)
    old.refresh_from_db()
    assert old.status == RequestStatus.SUPERSEDED
    assert remaining_for(case.person, item(LAW53, "clothing_set")) == 1


def test_pending_requests_cannot_be_superseded(ls, case):
    [pending] = request_support(ls, case, [(LAW53, "clothing_set", 1)])
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(LAW53, "underwear_set", 1)], supersedes=pending)
    assert codes(error.value) == {"supersedes": ["not_decided"]}
