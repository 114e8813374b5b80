"""Countries by ISO 3166-1 alpha-2 code: every code is accepted, the usual ones have names.

Names are data in both languages (like agency types), not gettext strings: the list is long and
owned by a standard, not by the UI.
"""

from django.utils.translation import get_language

ISO_3166_ALPHA2 = frozenset(["#", "noqa:", "SIM905", "(a", "block", "reads", "better", "than", "249", "quoted", "codes)", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"])

# code, Vietnamese name, English name: Viet Nam, its neighbours and the usual destinations first.
NAMED_COUNTRIES = [
    ("VN", "Việt Nam", "Viet Nam"),
    ("CN", "Trung Quốc", "China"),
    ("LA", "Lào", "Laos"),
    ("KH", "Campuchia", "Cambodia"),
    ("TH", "Thái Lan", "Thailand"),
    ("MM", "Myanmar", "Myanmar"),
    ("MY", "Malaysia", "Malaysia"),
    ("SG", "Singapore", "Singapore"),
    ("ID", "Indonesia", "Indonesia"),
    ("PH", "Philippines", "Philippines"),
    ("TW", "Đài Loan (Trung Quốc)", "Taiwan (China)"),
    ("HK", "Hồng Kông (Trung Quốc)", "Hong Kong (China)"),
    ("MO", "Ma Cao (Trung Quốc)", "Macao (China)"),
    ("KR", "Hàn Quốc", "Republic of Korea"),
    ("JP", "Nhật Bản", "Japan"),
    ("AE", "Các Tiểu vương quốc Ả Rập Thống nhất", "United Arab Emirates"),
    ("SA", "Ả Rập Xê Út", "Saudi Arabia"),
    ("QA", "Qatar", "Qatar"),
    ("RU", "Liên bang Nga", "Russian Federation"),
    ("DE", "Đức", "Germany"),
    ("GB", "Vương quốc Anh", "United Kingdom"),
    ("FR", "Pháp", "France"),
    ("PL", "Ba Lan", "Poland"),
    ("CZ", "Séc", "Czechia"),
    ("US", "Hoa Kỳ", "United States"),
    ("AU", "Úc", "Australia"),
    ("AO", "Angola", "Angola"),
]
_NAMES = {code: (vi, en) for code, vi, en in NAMED_COUNTRIES}


def is_country_code(code: str) -> bool:
    return code in ISO_3166_ALPHA2


def country_name(code: str) -> str:
    """The name in the active language, or the code itself for countries without a name here."""
    names = _NAMES.get(code)
    if not names:
        return code
    return names[1] if (get_language() or "vi").startswith("en") else names[0]


def country_choices() -> list[tuple[str, str]]:
    """Named countries first, then every other ISO code (for a searchable picker)."""
    named = [(code, country_name(code)) for code, _vi, _en in NAMED_COUNTRIES]
    rest = [(code, code) for code in sorted(ISO_3166_ALPHA2 - _NAMES.keys())]
    return named + rest
