"""Places written in old registers land on today's provinces and communes, or ask the user."""

import pytest

from accounts.models import AdministrativeUnit
from imports.geography import PlaceResolver, name_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolver():
    # The units come from the data migration accounts/0003_load_admin_units.
    assert AdministrativeUnit.objects.communes().count() == 3321
    return PlaceResolver()


@pytest.mark.parametrize(("written", "current"), [
    ("Tỉnh Hà Giang", "Tỉnh Tuyên Quang"),
    ("Tỉnh Bắc Giang", "Tỉnh Bắc Ninh"),
    ("Tỉnh Bà Rịa - Vũng Tàu", "Thành phố Hồ Chí Minh"),
    ("Tỉnh Bình Dương", "Thành phố Hồ Chí Minh"),
    ("Tỉnh Quảng Bình", "Tỉnh Quảng Trị"),
    ("Tỉnh Thừa Thiên Huế", "Thành phố Huế"),
    ("Tỉnh Hà Nam", "Tỉnh Ninh Bình"),
    ("Tỉnh Kon Tum", "Tỉnh Quảng Ngãi"),
])
def test_an_old_province_is_its_current_province(resolver, written, current):
    match = resolver.resolve(written)
    assert match.province.name == current
    assert match.commune is None and not match.problem and not match.ambiguous
    assert match.original == written


@pytest.mark.parametrize(("written", "current"), [
    ("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("TP HCM", "Thành phố Hồ Chí Minh"),
    ("TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("Tỉnh Tuyên Quang", "Tỉnh Tuyên Quang"),
    ("Lạng Sơn", "Tỉnh Lạng Sơn"),
    ("ha giang", "Tỉnh Tuyên Quang"),
    ("BA RIA VUNG TAU", "Thành phố Hồ Chí Minh"),
    ("thanh pho ha noi", "Thành phố Hà Nội"),
])
def test_current_names_and_any_spelling(resolver, written, current):
    assert resolver.resolve(written).province.name == current


def test_every_province_maps_to_itself(resolver):
    for province in AdministrativeUnit.objects.provinces():
        assert resolver.resolve(province.name).province == province


def test_empty_input_is_no_place_and_no_problem(resolver):
    match = resolver.resolve("", "", "  ")
    assert (match.province, match.commune, match.candidates, match.problem) == (None, None, (), "")


def test_a_district_alone_keeps_the_province_without_guessing_a_commune(resolver):
    match = resolver.resolve("Tỉnh Bắc Giang", "Huyện Yên Dũng")
    assert match.province.name == "Tỉnh Bắc Ninh"
    assert match.commune is None and not match.problem and not match.ambiguous
    assert match.original == "Tỉnh Bắc Giang, Huyện Yên Dũng"


@pytest.mark.parametrize(("place", "commune", "province"), [
    (("Thành phố Hà Nội", "Quận Ba Đình", "Phường Điện Biên"), "Phường Ba Đình", "Thành phố Hà Nội"),
    (("Tỉnh Hà Giang", "Thành phố Hà Giang", "Phường Minh Khai"), "Phường Hà Giang 2", "Tỉnh Tuyên Quang"),
    (("ha giang", "tp ha giang", "p minh khai"), "Phường Hà Giang 2", "Tỉnh Tuyên Quang"),
    # The new province written with the old district: still found.
    (("Tỉnh Tuyên Quang", "Thành phố Hà Giang", "Phường Minh Khai"), "Phường Hà Giang 2", "Tỉnh Tuyên Quang"),
    (("Tỉnh Bà Rịa - Vũng Tàu", "Thành phố Vũng Tàu", "Phường 1"), "Phường Vũng Tàu", "Thành phố Hồ Chí Minh"),
    (("Tỉnh Quảng Bình", "Thành phố Đồng Hới", "Phường Đồng Phú"), "Phường Đồng Hới", "Tỉnh Quảng Trị"),
    # Already the current commune (no district since 1/7/2025).
    (("Thành phố Hà Nội", "", "Phường Ba Đình"), "Phường Ba Đình", "Thành phố Hà Nội"),
    (("TP HCM", "", "Phường Vũng Tàu"), "Phường Vũng Tàu", "Thành phố Hồ Chí Minh"),
])
def test_an_old_ward_that_went_to_one_commune(resolver, place, commune, province):
    match = resolver.resolve(*place)
    assert match.commune.name == commune
    assert match.commune.level == "commune" and match.commune.parent == match.province
    assert match.province.name == province
    assert not match.problem and not match.ambiguous


def test_a_split_ward_asks_the_user_to_pick(resolver):
    # Phường Kim Mã (Ba Đình) was shared out between three new wards of Hà Nội.
    match = resolver.resolve("Thành phố Hà Nội", "Quận Ba Đình", "Phường Kim Mã")
    assert match.ambiguous
    assert match.commune is None
    assert match.province.name == "Thành phố Hà Nội"
    assert {c.name for c in match.candidates} == {"Phường Ba Đình", "Phường Giảng Võ", "Phường Ngọc Hà"}
    assert "Kim Mã" in match.problem
    assert match.original == "Thành phố Hà Nội, Quận Ba Đình, Phường Kim Mã"


def test_accents_tell_apart_communes_that_fold_alike(resolver):
    # Hồ Chí Minh has both Xã Thạnh An and Xã Thanh An; written with accents, no question.
    thanh = resolver.resolve("Thành phố Hồ Chí Minh", "", "Xã Thạnh An")
    assert thanh.commune.name == "Xã Thạnh An"
    # Without accents both are offered.
    either = resolver.resolve("TP HCM", "", "xa thanh an")
    assert either.ambiguous
    assert {c.name for c in either.candidates} == {"Xã Thạnh An", "Xã Thanh An"}
    assert "xa thanh an" in either.problem


@pytest.mark.parametrize(("place", "in_problem"), [
    (("Tỉnh Không Có",), "Không Có"),
    (("", "Quận Ba Đình", "Phường Kim Mã"), "—"),
    (("Thành phố Hà Nội", "Quận Ba Đình", "Phường Không Có"), "Không Có"),
])
def test_unknown_text_is_a_problem_with_the_text_kept(resolver, place, in_problem):
    match = resolver.resolve(*place)
    assert match.commune is None and not match.ambiguous
    assert in_problem in match.problem
    assert match.original == ", ".join(p for p in place if p)


def test_a_text_seen_before_costs_nothing(resolver, django_assert_num_queries):
    first = resolver.resolve("Thành phố Hà Nội", "Quận Ba Đình", "Phường Kim Mã")
    work = (resolver.computed, resolver.library_calls)
    with django_assert_num_queries(0):
        again = resolver.resolve("Thành phố Hà Nội", "Quận Ba Đình", "Phường Kim Mã")
        spaced = resolver.resolve(" Thành phố Hà Nội ", "Quận  Ba Đình", "Phường Kim Mã")
    assert again is first and spaced is first
    assert (resolver.computed, resolver.library_calls) == work


def test_a_big_register_does_the_work_once_per_distinct_place(resolver, django_assert_max_num_queries):
    places = [
        ("Tỉnh Hà Giang", "Thành phố Hà Giang", "Phường Minh Khai"),
        ("Thành phố Hà Nội", "Quận Ba Đình", "Phường Kim Mã"),
        ("Tỉnh Bắc Giang", "Huyện Yên Dũng", ""),
        ("TP HCM", "", ""),
    ]
    with django_assert_max_num_queries(2):  # the units, read once
        matches = [resolver.resolve(*places[i % len(places)]) for i in range(20_000)]
    assert resolver.computed == len(places)
    assert resolver.library_calls <= 2 * len(places)
    assert matches[0].commune.name == "Phường Hà Giang 2"


def test_every_commune_of_the_library_is_one_of_ours(resolver):
    """Guards library upgrades: its new wards must each match exactly one of our communes."""
    from vietnam_address_converter.data import DEFAULT_DATA

    resolver.resolve("Hà Nội")  # loads the units
    provinces = {c: resolver._find_province(p["name"])[0] for c, p in DEFAULT_DATA["newProvinces"].items()}
    assert None not in provinces.values()
    unmatched = [
        w["name_with_type"] for w in DEFAULT_DATA["newWards"].values()
        if len(resolver._commune_named(provinces[w["parent_code"]], w["name_with_type"])) != 1
    ]
    assert unmatched == []


def test_name_key_drops_type_accents_and_punctuation():
    assert name_key("Tỉnh Bà Rịa - Vũng Tàu") == name_key("Bà Rịa-Vũng Tàu") == "ba ria vung tau"
    assert name_key("TP. Hồ Chí Minh") == "ho chi minh"
    assert name_key("P.1") == "1"
