"""Text rules of the state format: the place-and-date line, legal bases and recipients' punctuation."""

import datetime

PROVINCE_PREFIXES = ("Tỉnh ", "Thành phố ")


def place_and_date(place: str, day: datetime.date) -> str:
    """'Hà Nội, ngày 05 tháng 02 năm 2026': days 1-9 and months 1-2 are written with a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def place_name(province_name: str) -> str:
    """'Tỉnh Lạng Sơn' -> 'Lạng Sơn': the place as written before the date."""
    for prefix in PROVINCE_PREFIXES:
        if province_name.startswith(prefix):
            return province_name[len(prefix):]
    return province_name


def province_of(agency):
    """The province of an agency's jurisdiction (the agency's own unit if it is a province), or None."""
    from accounts.models import AdministrativeUnit

    unit = agency.jurisdiction
    if unit is None:
        return None
    return unit if unit.level == AdministrativeUnit.Level.PROVINCE else unit.province


def _punctuated(lines: list[str]) -> list[str]:
    """Each line ends with ';' and the last with '.' (whatever punctuation the source had)."""
    lines = [line.strip().rstrip(";.,").rstrip() for line in lines if line and line.strip()]
    return [line + (";" if index < len(lines) - 1 else ".") for index, line in enumerate(lines)]


def legal_basis_lines(lines: list[str]) -> list[str]:
    """The legal bases ('Căn cứ …;'), one a line, the last ending with '.'."""
    return _punctuated(lines)


def recipient_lines(lines: list[str]) -> list[str]:
    """The 'Nơi nhận' list: '- …;' a line, the last ('- Lưu: VT, …') ending with '.'."""
    return [f"- {line}" for line in _punctuated([line.lstrip("- ") for line in lines])]
