"""Eligibility reads like the rules: (person category, policy version, item, situation) -> result.

Each row builds a real case file for the category, applies on a date inside the version, and checks
the one eligibility function. Both versions and every category appear, eligible and not.
"""

import datetime

import pytest
from django.utils import translation

from support.eligibility import Situation, check_eligibility
from support.models import PersonCategory
from tests.support.factories import IN_LAW53, IN_ND09, LAW53, ND09, add_child, item, make_case
from tests.victims.factories import agency
from victims.models import IdentificationResult

pytestmark = pytest.mark.django_db

CITIZEN, FOREIGN, MINOR, UNDER_ID, ABROAD = (
    PersonCategory.VICTIM_CITIZEN, PersonCategory.FOREIGN_VICTIM, PersonCategory.ACCOMPANYING_MINOR,
    PersonCategory.UNDER_IDENTIFICATION, PersonCategory.UNDER_IDENTIFICATION_ABROAD,
)
POOR = frozenset({"poor_household_certificate"})
NEAR_POOR = frozenset({"near_poor_certificate"})
ON = {ND09: IN_ND09, LAW53: IN_LAW53}

# category, version, item, situation, eligible, reason code when not
RULES = [
    # Victim, Vietnamese citizen: regimes 1-6 in both versions, under each item's conditions.
    (CITIZEN, ND09, "food_in_facility", {"stay": True}, True, None),
    (CITIZEN, ND09, "food_in_facility", {}, False, "facility_stay"),
    (CITIZEN, ND09, "medical_care", {}, False, "facility_stay"),  # ND 09: only during a stay
    (CITIZEN, LAW53, "medical_care", {}, True, None),  # newer law: also at home
    (CITIZEN, ND09, "psychological_support", {"stay": True}, True, None),
    (CITIZEN, LAW53, "psychological_support", {}, True, None),
    (CITIZEN, ND09, "legal_aid", {}, True, None),
    (CITIZEN, ND09, "vocational_training", {}, True, None),
    (CITIZEN, ND09, "vocational_training", {"late": True}, False, "window_expired"),
    (CITIZEN, LAW53, "school_support", {}, True, None),
    (CITIZEN, ND09, "hardship_allowance", {"documents": POOR}, True, None),
    (CITIZEN, ND09, "hardship_allowance", {}, False, "poor_household"),
    (CITIZEN, ND09, "hardship_allowance", {"documents": NEAR_POOR}, False, "poor_household"),
    (CITIZEN, LAW53, "hardship_allowance", {"documents": NEAR_POOR}, True, None),
    (CITIZEN, LAW53, "hardship_allowance", {}, False, "hardship_certified"),
    (CITIZEN, LAW53, "hardship_allowance", {"documents": POOR, "late": True}, False, "window_expired"),
    (CITIZEN, LAW53, "interpretation", {}, False, "needs_interpreter"),
    (CITIZEN, LAW53, "winter_clothing", {}, True, None),
    # Foreigner trafficked in Viet Nam: regimes 1-4.
    (FOREIGN, ND09, "clothing_set", {}, True, None),
    (FOREIGN, ND09, "medical_care", {"stay": True}, True, None),
    (FOREIGN, ND09, "legal_aid", {}, True, None),
    (FOREIGN, ND09, "school_support", {}, False, "category"),
    (FOREIGN, ND09, "hardship_allowance", {"documents": POOR}, False, "category"),
    (FOREIGN, LAW53, "interpretation", {"interpreter": True}, True, None),
    (FOREIGN, LAW53, "vocational_training", {}, False, "category"),
    (FOREIGN, LAW53, "hardship_allowance", {"documents": POOR}, False, "category"),
    # Minor accompanying a victim: regimes 1-3 (ND 09), 1-5 (Law 53).
    (MINOR, ND09, "personal_items", {}, True, None),
    (MINOR, ND09, "psychological_support", {"stay": True}, True, None),
    (MINOR, ND09, "legal_aid", {}, False, "category"),
    (MINOR, ND09, "vocational_training", {}, False, "category"),
    (MINOR, LAW53, "legal_aid", {}, True, None),
    (MINOR, LAW53, "vocational_training", {}, True, None),
    (MINOR, LAW53, "school_support", {}, True, None),
    (MINOR, LAW53, "hardship_allowance", {"documents": POOR}, False, "category"),
    # Person under identification in Viet Nam: regime 1 (ND 09), 1-4 (Law 53).
    (UNDER_ID, ND09, "clothing_set", {}, True, None),
    (UNDER_ID, ND09, "food_in_facility", {"stay": True}, True, None),
    (UNDER_ID, ND09, "medical_care", {"stay": True}, False, "category"),
    (UNDER_ID, ND09, "legal_aid", {}, False, "category"),
    (UNDER_ID, LAW53, "medical_care", {}, True, None),
    (UNDER_ID, LAW53, "legal_aid", {}, True, None),
    (UNDER_ID, LAW53, "school_support", {}, False, "category"),
    (UNDER_ID, LAW53, "hardship_allowance", {"documents": POOR}, False, "category"),
    # Person under identification abroad (case held by a mission abroad).
    (ABROAD, ND09, "travel_fare", {}, True, None),
    (ABROAD, ND09, "psychological_support", {"stay": True}, False, "category"),
    (ABROAD, LAW53, "legal_information", {}, True, None),
    (ABROAD, LAW53, "winter_clothing", {}, True, None),
    (ABROAD, LAW53, "medical_care", {}, False, "category"),
]


def subject(category: str, version_code: str, situation: dict):
    """A person of `category` in a real case file, and the application date inside the version."""
    on = ON[version_code]
    received = on - datetime.timedelta(days=60)
    confirmed = on - datetime.timedelta(days=400) if situation.get("late") else on - datetime.timedelta(days=40)
    if situation.get("late"):
        received = confirmed - datetime.timedelta(days=10)
    centre = agency("social_centre", "lang son")
    interpreter = bool(situation.get("interpreter"))
    if category == CITIZEN:
        case = make_case(owner=centre, received_on=received, confirmed_on=confirmed, interpreter_needed=interpreter)
        return case.person, case, on
    if category == FOREIGN:
        case = make_case(owner=centre, received_on=received, confirmed_on=confirmed, nationality="CN", home=None,
                         interpreter_needed=interpreter)
        return case.person, case, on
    if category == MINOR:
        case = make_case(owner=centre, received_on=received, confirmed_on=confirmed)
        return add_child(case, birth_year=on.year - 8, interpreter_needed=interpreter), case, on
    if category == UNDER_ID:
        case = make_case(owner=centre, received_on=received, result=IdentificationResult.UNDER_IDENTIFICATION)
        return case.person, case, on
    mission = agency("mission_abroad", None)
    case = make_case(owner=mission, received_on=received, result=None, home=None)
    return case.person, case, on


@pytest.mark.parametrize(
    ("category", "version_code", "code", "situation", "eligible", "reason"), RULES,
    ids=[f"{c}-{v}-{i}-{'+'.join(sorted(s)) or 'plain'}" for c, v, i, s, _e, _r in RULES],
)
def test_eligibility_rules(category, version_code, code, situation, eligible, reason):
    person, case, on = subject(category, version_code, situation)
    result = check_eligibility(
        person=person, case=case, item=item(version_code, code), on=on,
        situation=Situation(in_facility_stay=bool(situation.get("stay")),
                            document_types=situation.get("documents", frozenset())),
    )
    assert result.category == category
    assert result.eligible is eligible, result.messages
    assert result.codes == ([] if eligible else [reason])
    assert all(message.strip() for message in result.messages)


def test_the_table_covers_both_versions_and_every_category():
    for category in PersonCategory.values:
        for version_code in (ND09, LAW53):
            outcomes = {eligible for c, v, _i, _s, eligible, _r in RULES if (c, v) == (category, version_code)}
            assert outcomes == {True, False}, (category, version_code)


def test_the_reason_names_the_person_the_item_and_the_version():
    person, case, on = subject(MINOR, ND09, {})
    with translation.override("en"):
        result = check_eligibility(person=person, case=case, item=item(ND09, "vocational_training"), on=on)
    assert result.messages == ["Minor accompanying a victim is not eligible for vocational training support "
                               "under NĐ 09/2013."]


def test_the_reason_in_vietnamese_as_the_rules_say_it():
    person, case, on = subject(MINOR, ND09, {})
    with translation.override("vi"):
        result = check_eligibility(person=person, case=case, item=item(ND09, "vocational_training"), on=on)
    assert result.messages == [
        "Người chưa thành niên đi cùng nạn nhân không thuộc đối tượng hỗ trợ học nghề theo NĐ 09/2013."
    ]


def test_an_item_of_another_version_does_not_apply():
    person, case, on = subject(CITIZEN, LAW53, {})
    result = check_eligibility(person=person, case=case, item=item(ND09, "clothing_set"), on=on)
    assert result.codes == ["version_not_in_force"]


def test_the_version_is_chosen_by_the_date():
    centre = agency("social_centre", "lang son")
    case = make_case(owner=centre, received_on=datetime.date(2025, 6, 1), confirmed_on=datetime.date(2025, 6, 10))
    last_day, first_day = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)
    assert check_eligibility(person=case.person, case=case, item=item(ND09, "clothing_set"), on=last_day)
    assert not check_eligibility(person=case.person, case=case, item=item(ND09, "clothing_set"), on=first_day)
    assert check_eligibility(person=case.person, case=case, item=item(LAW53, "clothing_set"), on=first_day)


def test_persons_not_victims_adults_and_strangers_are_refused_with_reasons():
    centre = agency("social_centre", "lang son")
    not_victim = make_case(owner=centre, result=IdentificationResult.NOT_VICTIM)
    assert check_eligibility(person=not_victim.person, case=not_victim, item=item(LAW53, "clothing_set"),
                             on=IN_LAW53).codes == ["not_victim"]

    case = make_case(owner=centre)
    grown_up = add_child(case, birth_year=2000)
    assert check_eligibility(person=grown_up, case=case, item=item(LAW53, "clothing_set"),
                             on=IN_LAW53).codes == ["child_adult"]
    unknown_age = add_child(case, birth_year=None)
    assert check_eligibility(person=unknown_age, case=case, item=item(LAW53, "clothing_set"),
                             on=IN_LAW53).codes == ["child_age_unknown"]
    other = make_case(owner=centre)
    assert check_eligibility(person=other.person, case=case, item=item(LAW53, "clothing_set"),
                             on=IN_LAW53).codes == ["not_in_case"]


def test_a_stateless_person_living_in_viet_nam_counts_as_a_citizen():
    centre = agency("social_centre", "lang son")
    resident = make_case(owner=centre, nationality="")
    assert check_eligibility(person=resident.person, case=resident, item=item(LAW53, "clothing_set"),
                             on=IN_LAW53).category == CITIZEN
    not_resident = make_case(owner=centre, nationality="", home=None)
    assert check_eligibility(person=not_resident.person, case=not_resident, item=item(LAW53, "clothing_set"),
                             on=IN_LAW53).category == FOREIGN
