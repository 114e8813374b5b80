"""Eligibility reads like the law: one table per version, person category × item → ✓ or ✗.

The tables are Law 53/2024/QH15 Art. 37 (clause 1 points a-k; clause 2: under-18s with a citizen
victim a-h; clause 3: persons under identification and the under-18s with them a-d abroad, a-g in
Viet Nam; clause 4: foreigners a, b, c, d, đ, g) and the Decree 09/2013 rules as shipped. Each cell
builds a real case file for the category (the child's category follows the adult it came with),
in the situation most favourable to the item (staying in a facility, poor-household certificate,
needing an interpreter, a victim aged 16), so that only the category decides; a ✗ must come with
the Vietnamese reason. Conditions (stay, age, household, window) have their own table below.
"""

import datetime

import pytest
from django.utils import translation

from support.eligibility import Situation, check_eligibility
from support.models import EntitlementItem, PersonCategory
from tests.support.factories import IN_LAW53, IN_ND09, LAW53, ND09, add_child, item, make_case
from tests.victims.factories import agency
from victims.models import ConfirmingDocumentType, IdentificationResult

pytestmark = pytest.mark.django_db

CITIZEN, FOREIGN, MINOR, UNDER_ID, ABROAD = (
    PersonCategory.VICTIM_CITIZEN, PersonCategory.FOREIGN_VICTIM, PersonCategory.ACCOMPANYING_MINOR,
    PersonCategory.UNDER_IDENTIFICATION, PersonCategory.UNDER_IDENTIFICATION_ABROAD,
)
MINOR_UNDER_ID, MINOR_ABROAD, MINOR_FOREIGN, FOREIGN_UNDER_ID = (
    PersonCategory.MINOR_WITH_UNDER_IDENTIFICATION, PersonCategory.MINOR_WITH_UNDER_IDENTIFICATION_ABROAD,
    PersonCategory.MINOR_WITH_FOREIGNER, PersonCategory.FOREIGNER_UNDER_IDENTIFICATION,
)
POOR = frozenset({"poor_household_certificate"})
NEAR_POOR = frozenset({"near_poor_certificate"})
ON = {ND09: IN_ND09, LAW53: IN_LAW53}

# Column headings of the tables: the kinds of person of Art. 37.
COLUMNS = {
    "victim": CITIZEN,            # nạn nhân là công dân Việt Nam / người không quốc tịch thường trú
    "child": MINOR,               # người dưới 18 tuổi đi cùng nạn nhân đó
    "under-id": UNDER_ID,         # người đang trong quá trình xác định là nạn nhân, ở trong nước
    "child-u": MINOR_UNDER_ID,    # người dưới 18 tuổi đi cùng người đó
    "abroad": ABROAD,             # người đang trong quá trình xác định là nạn nhân, ở nước ngoài
    "child-a": MINOR_ABROAD,      # người dưới 18 tuổi đi cùng người đó
    "foreigner": FOREIGN,         # nạn nhân là người nước ngoài bị mua bán tại Việt Nam
    "foreign-u": FOREIGN_UNDER_ID,  # người nước ngoài đang trong quá trình xác định là nạn nhân, ở Việt Nam
    "child-f": MINOR_FOREIGN,     # người dưới 18 tuổi đi cùng người nước ngoài (khoản nào của Điều 37 cũng không nêu)
}

LAW53_TABLE = """
item                     point  victim child under-id child-u abroad child-a foreigner foreign-u child-f
food_in_facility         a      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
temporary_accommodation  a      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
clothing_set             a      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
underwear_set            a      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
personal_items           a      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
medical_care             b      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
medical_treatment        b      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
health_insurance         b      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
interpretation           c      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
legal_information        d      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
legal_aid                đ      ✓      ✓     ✓        ✓       ✗      ✗       ✓         ✓         ✗
travel_fare              e      ✓      ✓     ✓        ✓       ✗      ✗       ✗         ✗         ✗
travel_food              e      ✓      ✓     ✓        ✓       ✗      ✗       ✗         ✗         ✗
psychological_support    g      ✓      ✓     ✓        ✓       ✗      ✗       ✓         ✓         ✗
school_support           h      ✓      ✓     ✗        ✗       ✗      ✗       ✗         ✗         ✗
vocational_training      i      ✓      ✗     ✗        ✗       ✗      ✗       ✗         ✗         ✗
job_counselling          i      ✓      ✗     ✗        ✗       ✗      ✗       ✗         ✗         ✗
hardship_allowance       k      ✓      ✗     ✗        ✗       ✗      ✗       ✗         ✗         ✗
loan_support             k      ✓      ✗     ✗        ✗       ✗      ✗       ✗         ✗         ✗
winter_clothing          -      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✗
"""

# Decree 09/2013 as shipped: victims 1-6, foreigners 1-4, accompanying minors 1-3 (whoever the adult),
# persons under identification regime 1.
ND09_TABLE = """
item                     regime victim child under-id child-u abroad child-a foreigner foreign-u child-f
food_in_facility         1      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✓
temporary_accommodation  1      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✓
clothing_set             1      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✓
underwear_set            1      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✓
personal_items           1      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✓
travel_fare              1      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✓
travel_food              1      ✓      ✓     ✓        ✓       ✓      ✓       ✓         ✓         ✓
medical_care             2      ✓      ✓     ✗        ✓       ✗      ✓       ✓         ✗         ✓
psychological_support    3      ✓      ✓     ✗        ✓       ✗      ✓       ✓         ✗         ✓
legal_aid                4      ✓      ✗     ✗        ✗       ✗      ✗       ✓         ✗         ✗
school_support           5      ✓      ✗     ✗        ✗       ✗      ✗       ✗         ✗         ✗
vocational_training      5      ✓      ✗     ✗        ✗       ✗      ✗       ✗         ✗         ✗
job_counselling          5      ✓      ✗     ✗        ✗       ✗      ✗       ✗         ✗         ✗
hardship_allowance       6      ✓      ✗     ✗        ✗       ✗      ✗       ✗         ✗         ✗
"""

# How each kind of person is called in the Vietnamese reasons.
VI_CATEGORY = {
    CITIZEN: "Nạn nhân là công dân Việt Nam hoặc người không quốc tịch thường trú tại Việt Nam",
    MINOR: "Người chưa thành niên đi cùng nạn nhân",
    UNDER_ID: "Người đang được xác minh, xác định là nạn nhân ở trong nước",
    MINOR_UNDER_ID: "Người dưới 18 tuổi đi cùng người đang trong quá trình xác định là nạn nhân ở trong nước",
    ABROAD: "Người đang được xác minh, xác định là nạn nhân ở nước ngoài",
    MINOR_ABROAD: "Người dưới 18 tuổi đi cùng người đang trong quá trình xác định là nạn nhân ở nước ngoài",
    FOREIGN: "Nạn nhân là người nước ngoài bị mua bán tại Việt Nam",
    FOREIGN_UNDER_ID: "Người nước ngoài đang trong quá trình xác định là nạn nhân ở Việt Nam",
    MINOR_FOREIGN: "Người dưới 18 tuổi đi cùng người nước ngoài bị mua bán tại Việt Nam",
}
VI_VERSION = {LAW53: "Luật 53/2024", ND09: "NĐ 09/2013"}


def parse(version_code: str, table: str) -> list[tuple]:
    lines = [line.split() for line in table.strip().splitlines()]
    heading, rows = lines[0][2:], lines[1:]
    return [(version_code, row[0], row[1], COLUMNS[column], cell == "✓")
            for row in rows for column, cell in zip(heading, row[2:], strict=True)]


CELLS = parse(LAW53, LAW53_TABLE) + parse(ND09, ND09_TABLE)


def subject(category: str, version_code: str, *, victim_birth_year=None, late=False, interpreter=True):
    """A person of `category` in a real case file, and the application date inside the version."""
    on = ON[version_code]
    confirmed = on - datetime.timedelta(days=400 if late else 40)
    received = confirmed - datetime.timedelta(days=10) if late else on - datetime.timedelta(days=60)
    centre = agency("social_centre", "lang son")
    victim = {"interpreter_needed": interpreter, "birth_year": victim_birth_year or on.year - 16}
    adult = {"interpreter_needed": interpreter, "birth_year": 1995}
    facts = {
        CITIZEN: (centre, IdentificationResult.IDENTIFIED, "VN", "lang son"),
        FOREIGN: (centre, IdentificationResult.IDENTIFIED, "CN", None),
        FOREIGN_UNDER_ID: (centre, IdentificationResult.UNDER_IDENTIFICATION, "LA", None),
        UNDER_ID: (centre, IdentificationResult.UNDER_IDENTIFICATION, "VN", "lang son"),
        ABROAD: (agency("mission_abroad", None), None, "VN", None),
    }
    adult_of_child = {MINOR: CITIZEN, MINOR_FOREIGN: FOREIGN, MINOR_UNDER_ID: UNDER_ID, MINOR_ABROAD: ABROAD}
    owner, result, nationality, home = facts[adult_of_child.get(category, category)]
    is_child = category in adult_of_child
    case = make_case(owner=owner, result=result, received_on=received, confirmed_on=confirmed,
                     nationality=nationality, home=home, **(adult if is_child else victim))
    if is_child:
        return add_child(case, birth_year=on.year - 8, interpreter_needed=interpreter), case, on
    return case.person, case, on


FAVOURABLE = Situation(in_facility_stay=True, document_types=POOR)


@pytest.mark.parametrize(
    ("version_code", "code", "point", "category", "eligible"), CELLS,
    ids=[f"{v}-{code}-{category}" for v, code, _p, category, _e in CELLS],
)
def test_the_law_as_a_table(version_code, code, point, category, eligible):
    person, case, on = subject(category, version_code)
    entitlement = item(version_code, code)
    with translation.override("vi"):
        result = check_eligibility(person=person, case=case, item=entitlement, on=on, situation=FAVOURABLE)
    assert result.category == category
    if eligible:
        assert result.eligible, result.messages
        return
    assert result.messages == [
        f"{VI_CATEGORY[category]} không thuộc đối tượng {entitlement.name_vi[:1].lower()}{entitlement.name_vi[1:]} "
        f"theo {VI_VERSION[version_code]}."
    ]


@pytest.mark.parametrize("version_code", [LAW53, ND09])
def test_each_table_lists_every_item_of_its_version_once(version_code):
    codes = [code for v, code, *_rest in CELLS if v == version_code]
    shipped = set(EntitlementItem.objects.filter(version__code=version_code).values_list("code", flat=True))
    assert set(codes) == shipped
    assert len(codes) == len(shipped) * len(COLUMNS)


def test_the_points_of_the_law53_table_are_the_points_the_items_cite():
    for version_code, code, point, _category, _eligible in CELLS:
        if version_code == LAW53:
            assert item(LAW53, code).basis_point == ("" if point == "-" else point), code


# version, item, who, situation, the Vietnamese reason (None: eligible)
ADULT = {"victim_birth_year": 1990}
CONDITIONS = [
    # Law 53/2024: check-up, first aid and insurance wherever the person is; treatment only during a stay.
    (LAW53, "medical_care", CITIZEN, {}, {}, None),
    (LAW53, "health_insurance", CITIZEN, {}, {}, None),
    (LAW53, "medical_treatment", CITIZEN, {}, {},
     "Hỗ trợ chi phí khám bệnh, chữa bệnh trong thời gian lưu trú tại cơ sở chỉ được chi trả trong thời gian lưu "
     "trú tại cơ sở trợ giúp."),
    (LAW53, "psychological_support", CITIZEN, {}, {}, None),
    # Law 53/2024: schooling for victims under 18 (and the under-18s who came with a victim).
    (LAW53, "school_support", CITIZEN, ADULT, {},
     "Hỗ trợ học văn hóa (học phí, sách vở, đồ dùng học tập) chỉ dành cho người dưới 18 tuổi vào ngày 15/09/2025."),
    (LAW53, "school_support", MINOR, {}, {}, None),
    # Law 53/2024: legal aid free without a means test; ND 09: only in financial hardship.
    (LAW53, "legal_aid", CITIZEN, {}, {}, None),
    (ND09, "legal_aid", CITIZEN, {}, {},
     "Trợ giúp pháp lý cần có giấy chứng nhận hộ nghèo, hộ cận nghèo hoặc xác nhận hoàn cảnh khó khăn của Ủy ban "
     "nhân dân cấp xã."),
    (ND09, "legal_aid", CITIZEN, {}, {"documents": NEAR_POOR}, None),
    # ND 09: schooling and the hardship allowance for victims from poor households.
    (ND09, "school_support", CITIZEN, ADULT, {},
     "Hỗ trợ học văn hóa (học phí, sách vở, đồ dùng học tập) chỉ dành cho nạn nhân thuộc hộ nghèo: hãy đính kèm "
     "giấy chứng nhận hộ nghèo."),
    (ND09, "school_support", CITIZEN, ADULT, {"documents": POOR}, None),
    (ND09, "hardship_allowance", CITIZEN, ADULT, {"documents": NEAR_POOR},
     "Trợ cấp khó khăn ban đầu (hộ nghèo) chỉ dành cho nạn nhân thuộc hộ nghèo: hãy đính kèm giấy chứng nhận hộ "
     "nghèo."),
    (LAW53, "hardship_allowance", CITIZEN, ADULT, {"documents": NEAR_POOR}, None),
    (ND09, "medical_care", CITIZEN, {}, {},
     "Hỗ trợ y tế (khám sức khỏe, sơ cứu, điều trị) chỉ được chi trả trong thời gian lưu trú tại cơ sở trợ giúp."),
    (LAW53, "interpretation", CITIZEN, {"interpreter": False}, {"stay": True},
     "Hỗ trợ phiên dịch dành cho người cần phiên dịch (xem tờ khai)."),
    (LAW53, "vocational_training", CITIZEN, {"late": True}, {},
     "Hỗ trợ học nghề phải được đề nghị trong vòng 12 tháng kể từ ngày xác nhận 11/08/2024, tức là chậm nhất ngày "
     "11/08/2025."),
]


@pytest.mark.parametrize(
    ("version_code", "code", "category", "who", "situation", "reason"), CONDITIONS,
    ids=[f"{v}-{c}-{k}-{'+'.join(sorted({**w, **s})) or 'plain'}" for v, c, k, w, s, _r in CONDITIONS],
)
def test_conditions_as_the_texts_say_them(version_code, code, category, who, situation, reason):
    person, case, on = subject(category, version_code, **who)
    with translation.override("vi"):
        result = check_eligibility(
            person=person, case=case, item=item(version_code, code), on=on,
            situation=Situation(in_facility_stay=bool(situation.get("stay")),
                                document_types=situation.get("documents", frozenset())),
        )
    assert result.messages == ([] if reason is None else [reason])


def test_a_child_with_a_foreigner_under_identification_is_a_child_with_a_foreigner():
    centre = agency("social_centre", "lang son")
    case = make_case(owner=centre, result=IdentificationResult.UNDER_IDENTIFICATION, nationality="LA", home=None)
    child = add_child(case, birth_year=2018)
    result = check_eligibility(person=child, case=case, item=item(LAW53, "clothing_set"), on=IN_LAW53)
    assert result.category == MINOR_FOREIGN and result.codes == ["category"]


def test_a_childs_category_follows_the_adult_when_the_adult_is_identified():
    centre = agency("social_centre", "lang son")
    case = make_case(owner=centre, result=IdentificationResult.UNDER_IDENTIFICATION)
    child = add_child(case, birth_year=2017)
    school = item(LAW53, "school_support")
    assert check_eligibility(person=child, case=case, item=school, on=IN_LAW53).category == MINOR_UNDER_ID
    assert not check_eligibility(person=child, case=case, item=school, on=IN_LAW53)
    case.identification_outcomes.create(
        outcome=IdentificationResult.IDENTIFIED, document_type=ConfirmingDocumentType.POLICE_CONFIRMATION, document_number="20/XN",
        document_date=IN_LAW53 - datetime.timedelta(days=5), issuing_body="Công an tỉnh Lạng Sơn",
        recorded_by=case.created_by, recorded_by_agency=centre,
    )
    assert check_eligibility(person=child, case=case, item=school, on=IN_LAW53).category == MINOR
    assert check_eligibility(person=child, case=case, item=school, on=IN_LAW53)


def test_the_reason_names_the_person_the_item_and_the_version():
    person, case, on = subject(MINOR, ND09)
    with translation.override("en"):
        result = check_eligibility(person=person, case=case, item=item(ND09, "vocational_training"), on=on)
    assert result.messages == ["Minor accompanying a victim is not eligible for vocational training support "
                               "under NĐ 09/2013."]


def test_the_reason_in_vietnamese_as_the_rules_say_it():
    person, case, on = subject(MINOR, ND09)
    with translation.override("vi"):
        result = check_eligibility(person=person, case=case, item=item(ND09, "vocational_training"), on=on)
    assert result.messages == [
        "Người chưa thành niên đi cùng nạn nhân không thuộc đối tượng hỗ trợ học nghề theo NĐ 09/2013."
    ]


def test_an_item_of_another_version_does_not_apply():
    person, case, on = subject(CITIZEN, LAW53)
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
