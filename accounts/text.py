"""Text helpers for Vietnamese: normal form and diacritic-free folding for search and sorting."""

import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """'Nguyễn Thị Đào' -> 'nguyen thi dao': lower case, no diacritics, single spaces."""
    decomposed = unicodedata.normalize("NFD", (value or "").translate(_D))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
