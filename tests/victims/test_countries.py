from django.utils import translation

from victims.countries import country_choices, country_name, is_country_code


def test_only_iso_codes_are_countries():
    assert is_country_code("DE") and is_country_code("VN")
    assert not is_country_code("#") and not is_country_code("XX") and not is_country_code("")


def test_usual_destinations_carry_the_names_officials_write():
    with translation.override("vi"):
        assert country_name("TW") == "Đài Loan (Trung Quốc)"
        assert country_name("FI") == "Phần Lan"  # from the ISO catalogue's translation
    with translation.override("en"):
        assert country_name("CN") == "China"


def test_the_picker_lists_every_country_once_neighbours_first():
    with translation.override("vi"):
        choices = country_choices()
    codes = [code for code, _ in choices]
    assert codes[:3] == ["VN", "CN", "LA"]
    assert len(codes) == len(set(codes)) == 249


def test_the_case_page_filter_names_countries():
    from victims.templatetags.victims_ui import country

    with translation.override("vi"):
        assert country("CN") == "Trung Quốc"
        assert country("") == ""
