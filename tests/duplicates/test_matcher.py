"""The name matcher on real Vietnamese name variants, and the SQL matcher on persons in PostgreSQL."""

import pytest

from tests.factories import province
from tests.victims.factories import PersonFactory
from victims.matching import (
    Query,
    candidate_rows,
    find_matches,
    match_name,
    name_relation,
    paper_key,
)

# (registered, typed by a second agency) -> must be proposed
SAME_PERSON = [
    ("Nguyễn Thị Hoa", "Nguyen Thi Hoa"),            # without diacritics
    ("Nguyễn Thị Hoa", "NGUYỄN THỊ HOA"),            # case
    ("Đặng Thị Thu", "Dang Thi Thu"),                # Đ = D
    ("Đỗ Thị Đào", "Do Thi Dao"),
    ("Lò Thị Mai", "Lo Mai"),                        # missing middle name
    ("Nguyễn Thị Thanh Hương", "Nguyễn Thanh Hương"),
    ("Nguyễn Thị Thanh Hương", "Nguyễn Thị Hương"),
    ("Vàng Thị Dua", "Dua Vàng Thị"),                # swapped order (given name first)
    ("Hoàng Thị Lan", "Lan Hoang"),                  # swapped, middle name missing
    ("Nguyễn Thị Hoa", "Ngyuen Thi Hoa"),            # two letters swapped
    ("Nguyễn Thị Hoa", "Nguyen Thi Hao"),
    ("Nguyễn Thị Hoa", "Nguyn Thi Hoa"),             # a letter left out
    ("Phạm Thị Hường", "Phamm Thi Huong"),           # a letter doubled
    ("Nguyễn Thị Hoa", "Nguyrn Thi Hoa"),            # a neighbouring key
    ("Nguyễn Thị Hoà", "Nguyeenx Thij Hoaf"),        # Telex typed with the keyboard switched off
    ("Trương Thị Phương", "Truwowng Thij Phuwowng"),
    ("Hà Thị  Mỵ", "  ha thi my "),                  # spaces
    ("Sùng Thị Chớ", "Sung Thi Cho"),
]
# pairs that must stay apart
DIFFERENT_PEOPLE = [
    ("Nguyễn Thị Hoa", "Nguyễn Thị Hồng"),           # same family and middle name, other given name
    ("Nguyễn Thị Hoa", "Nguyễn Thị Lan"),
    ("Nguyễn Thị Hoa", "Nguyễn Văn Hoa"),            # Thị / Văn
    ("Trần Thị Mai", "Nguyễn Thị Mai"),              # other family name
    ("Lò Thị Lan", "Lò Thị Lâm"),                    # Lan / Lâm: one letter, not a slip in a short word
    ("Nguyễn Thị Hoa", "Hoa"),                       # one word alone never matches
    ("Phạm Thị Thanh", "Phạm Thị Thịnh"),
    ("Lê Thị Hằng", "Lê Thị Hùng"),
]


@pytest.mark.parametrize(("registered", "typed"), SAME_PERSON)
def test_the_same_person_written_differently_matches(registered, typed):
    assert name_relation(match_name(registered), match_name(typed)) in ("same_name", "similar_name")


@pytest.mark.parametrize(("registered", "typed"), DIFFERENT_PEOPLE)
def test_different_people_stay_apart(registered, typed):
    assert name_relation(match_name(registered), match_name(typed)) is None


def test_keys():
    assert match_name("Đặng  Thị Thu-Hường") == "dang thi thuhuong"
    assert match_name("Nguyeenx Thij Hoaf") == "nguyen thi hoa"
    assert match_name("Trần Văn Sơn") == "tran van son"  # an initial s, r, x or tr stays
    assert match_name("Xa Văn Rùa") == "xa van rua"
    assert paper_key(" 084-199 001.234 ") == "084199001234"
    assert paper_key("c1234567") == "C1234567"


# In PostgreSQL ------------------------------------------------------------------------------------

@pytest.fixture
def lang_son(db):
    return province("lang son")


@pytest.mark.django_db
def test_the_sql_matcher_finds_the_variants_and_leaves_the_others(lang_son):
    hoa = PersonFactory(full_name="Nguyễn Thị Hoa", sex="female", birth_year=1995, home_province=lang_son)
    PersonFactory(full_name="Nguyễn Thị Hồng", sex="female", birth_year=1995, home_province=lang_son)
    PersonFactory(full_name="Nguyễn Thị Hoa", sex="female", birth_year=1990, home_province=lang_son)  # 5 years
    PersonFactory(full_name="Nguyễn Thị Hoa", sex="female", birth_year=1995, home_province=province("ha noi"))
    PersonFactory(full_name="Nguyễn Văn Hoa", sex="male", birth_year=1995, home_province=lang_son)
    for typed in ("Nguyen Thi Hoa", "Hoa Nguyen Thi", "Nguyễn Hoa", "Ngyuen Thi Hoa", "Nguyeenx Thij Hoaf"):
        for year in (1994, 1995, 1996):
            found = find_matches(Query(full_name=typed, sex="female", birth_year=year, home_province_id=lang_son.pk))
            assert [m.person_id for m in found] == [hoa.pk], (typed, year)
    [match] = find_matches(Query(full_name="Nguyen Thi Hoa", sex="female", birth_year=1996,
                                 home_province_id=lang_son.pk))
    assert set(match.reasons) == {"same_name", "birth_year_near", "sex", "home_province"}
    assert 0 < match.score <= 100
    assert len(match.reason_labels) == 4


@pytest.mark.django_db
def test_unknown_values_do_not_exclude_but_known_different_ones_do(lang_son):
    hoa = PersonFactory(full_name="Nguyễn Thị Hoa", sex="unknown", birth_year=None, home_province=None)
    assert [m.person_id for m in find_matches(Query(full_name="Nguyen Thi Hoa", sex="female", birth_year=1995,
                                                    home_province_id=lang_son.pk))] == [hoa.pk]
    assert [m.person_id for m in find_matches(Query(full_name="Nguyen Thi Hoa"))] == [hoa.pk]


@pytest.mark.django_db
def test_the_same_paper_number_matches_whatever_the_name(lang_son):
    person = PersonFactory(full_name="Lò Thị Mai", id_paper_type="cccd", id_paper_number="084199001234")
    [match] = find_matches(Query(full_name="Ly Thi Sua", id_paper_number="084 199-001 234", birth_year=1970))
    assert match.person_id == person.pk and match.reasons[0] == "same_paper" and match.score >= 60


@pytest.mark.django_db
def test_a_person_is_not_their_own_duplicate_and_merged_persons_are_left_out(lang_son):
    a = PersonFactory(full_name="Nguyễn Thị Hoa", birth_year=1995)
    b = PersonFactory(full_name="Nguyen Thi Hoa", birth_year=1995)
    assert [m.person_id for m in find_matches(Query.of(a))] == [b.pk]
    b.merged_into = a
    b.save()
    assert find_matches(Query.of(a)) == []


@pytest.mark.django_db
def test_the_statement_is_bounded(lang_son):
    for _ in range(40):
        PersonFactory(full_name="Nguyễn Thị Hoa", birth_year=1995)
    assert len(candidate_rows(Query(full_name="Nguyen Thi Hoa", birth_year=1995))) == 25
    assert len(find_matches(Query(full_name="Nguyen Thi Hoa", birth_year=1995))) == 10
