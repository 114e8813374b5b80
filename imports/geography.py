"""Map the places written in old registers (63 provinces, districts, wards) to today's units.

Since 1/7/2025 Viet Nam has 34 provinces and communes without districts. Old records name
the former units; the mapping old -> new comes from `vietnam-address-converter` (data
bundled in the wheel, nothing is downloaded; see docs/import-geography.md for why this
library). Its codes are its own, not the GSO codes our `AdministrativeUnit` rows carry,
so its answers are matched to our rows by name within the province.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _

from accounts.models import AdministrativeUnit
from accounts.text import fold, nfc

# Unit types written before a name; dropped before comparing ("Tỉnh Hà Giang" = "Hà Giang").
_PREFIXES = (
    "thanh pho", "tinh", "tp", "quan", "huyen", "thi xa", "tx", "thi tran", "tt",
    "phuong", "xa", "dac khu", "q", "p", "h", "x",
)
# Common ways of writing a current province that its name alone does not cover.
_PROVINCE_ALIASES = {
    "hcm": "ho chi minh", "tphcm": "ho chi minh", "sai gon": "ho chi minh",
    "hn": "ha noi", "thua thien hue": "hue",
}
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def name_key(value: str) -> str:
    """'Tỉnh Bà Rịa - Vũng Tàu' -> 'ba ria vung tau': no diacritics, punctuation or unit type."""
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(value)).split())
    for prefix in _PREFIXES:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1:]
    return key


def _same_name(written: str, known: str) -> bool:
    """'P. Kim Mã' = 'Phường Kim Mã'; and 'Quán Thánh' = 'Phường Quán Thánh' (whose 'Quán' folds
    to a unit type), so also compare with only a written, accented type dropped."""
    def bare(value):
        return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(_ACCENTED_TYPE.sub("", nfc(value).lower().strip()))).split())
    return name_key(written) == name_key(known) or bare(written) == bare(known)


_ACCENTED_TYPE = re.compile(r"^(thành phố|tỉnh|tp|quận|huyện|thị xã|thị trấn|phường|xã|đặc khu)\b[.\s]*")


def _accent_key(value: str) -> str:
    """Keeps the diacritics that tell 'Thạnh An' from 'Thanh An', whatever the tone placement
    ('Hoà' = 'Hòa'): per word, the letters with their vowel marks, then the tone mark."""
    words = []
    for word in re.sub(r"[^\w]+", " ", _ACCENTED_TYPE.sub("", nfc(value).lower().strip())).split():
        chars = unicodedata.normalize("NFD", word)
        tones = "".join(ch for ch in chars if ch in _TONES)
        words.append(unicodedata.normalize("NFC", "".join(ch for ch in chars if ch not in _TONES)) + tones)
    return " ".join(words)


@dataclass(frozen=True)
class PlaceMatch:
    original: str  # the text as written in the register (province, district, ward joined with ", ")
    province: AdministrativeUnit | None = None  # current province, when certain
    commune: AdministrativeUnit | None = None  # current commune, when certain
    candidates: tuple[AdministrativeUnit, ...] = ()  # when ambiguous: the communes the user picks from
    problem: str = ""  # "" when fine; else a message for the user

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates) and self.commune is None


@cache
def _library():
    """Old province -> new province from the library's mapping; imported on first use (~0.5 s)."""
    from vietnam_address_converter.conversion import convert_old_to_new
    from vietnam_address_converter.data import DEFAULT_DATA

    old_names = {c: p["name"] for c, p in DEFAULT_DATA["oldProvinces"].items()}
    new_names = {c: p["name"] for c, p in DEFAULT_DATA["newProvinces"].items()}
    old_to_new: dict[str, str] = {}  # name_key(old province) -> name_key(new province)
    for row in DEFAULT_DATA["mapping"]["rows"]:
        old_to_new[name_key(old_names[row["old"]["province_code"]])] = name_key(
            new_names[row["new"]["province_code"]])
    # The library's names for the old provinces, to pass back to it exactly.
    old_by_key = {name_key(n): n for n in old_names.values()}
    return convert_old_to_new, old_to_new, old_by_key, DEFAULT_DATA["mapping"]["rows"]


class PlaceResolver:
    """Caches per distinct (province, district, ward) text; one instance per import run.

    The current units are read once (two queries) so that resolving a row touches neither
    the database nor, for a text seen before, the library.
    """

    def __init__(self):
        self._cache: dict[tuple[str, str, str], PlaceMatch] = {}
        self.computed = 0  # distinct texts actually worked out (the rest came from the cache)
        self.library_calls = 0
        self._provinces: dict[str, AdministrativeUnit] | None = None

    # -- loading ---------------------------------------------------------------------------
    def _load(self):
        if self._provinces is not None:
            return
        provinces = list(AdministrativeUnit.objects.current().provinces())
        self._provinces = {name_key(p.name): p for p in provinces}
        self._communes: dict[tuple[int, str], list[AdministrativeUnit]] = {}
        for commune in AdministrativeUnit.objects.current().communes():
            self._communes.setdefault((commune.parent_id, name_key(commune.name)), []).append(commune)
        old_to_new = _library()[1]
        self._old_keys = set(old_to_new)
        # Old province key -> current province; current names map to themselves.
        self._province_by_key = dict(self._provinces)
        for old_key, new_key in old_to_new.items():
            self._province_by_key.setdefault(old_key, self._provinces.get(new_key))
        self._predecessors: dict[int, list[str]] = {}
        for old_key, new_key in old_to_new.items():
            if new_key in self._provinces:
                self._predecessors.setdefault(self._provinces[new_key].pk, []).append(old_key)

    # -- public ----------------------------------------------------------------------------
    def resolve(self, province: str, district: str = "", ward: str = "") -> PlaceMatch:
        key = (_clean(province), _clean(district), _clean(ward))
        if key not in self._cache:
            self.computed += 1
            self._cache[key] = self._resolve(*key)
        return self._cache[key]

    # -- work ------------------------------------------------------------------------------
    def _resolve(self, province: str, district: str, ward: str) -> PlaceMatch:
        original = ", ".join(part for part in (province, district, ward) if part)
        if not original:
            return PlaceMatch(original="")
        self._load()
        current, old_provinces = self._find_province(province)
        if current is None:
            return PlaceMatch(original=original, problem=_("Province '%(name)s' not found.") % {
                "name": province or "—"})
        if not ward:
            # A district became several communes: the province is all we can say, not an error.
            return PlaceMatch(original=original, province=current)
        communes, former = self._find_communes(current, old_provinces, district, ward)
        if len(communes) == 1:
            return PlaceMatch(original=original, province=current, commune=communes[0])
        if communes:
            if former:
                problem = _("The former commune/ward '%(name)s' is now part of several communes: pick one.")
            else:  # written without accents, e.g. 'Thanh An' for Thạnh An or Thanh An
                problem = _("Several communes are named '%(name)s': pick one.")
            return PlaceMatch(original=original, province=current, candidates=tuple(communes),
                              problem=problem % {"name": ward})
        return PlaceMatch(original=original, province=current, problem=_(
            "Commune/ward '%(name)s' not found in %(province)s.") % {"name": ward, "province": current.name})

    def _find_province(self, text: str) -> tuple[AdministrativeUnit | None, list[str]]:
        """The current province, and the old provinces to look the ward up in, likeliest first:
        the one written (every current name was also an old one), then the others merged in."""
        key = _PROVINCE_ALIASES.get(name_key(text), name_key(text))
        current = self._province_by_key.get(key)
        if current is None:
            return None, []
        others = [k for k in self._predecessors.get(current.pk, []) if k != key]
        return current, ([key] if key in self._old_keys else []) + others

    def _find_communes(self, province, old_provinces, district: str, ward: str):
        """(communes, whether they were found as an old ward). A ward written without a district
        is most likely a current commune; with a district, an old one: the likelier reading first."""
        if not district and (found := self._commune_named(province, ward)):
            return found, False
        for old_key in old_provinces:
            if found := self._old_commune(province, old_key, district, ward):
                return found, True
        return (self._commune_named(province, ward) if district else []), False

    def _old_commune(self, province, old_key: str, district: str, ward: str) -> list[AdministrativeUnit]:
        convert, _old_to_new, old_by_key, rows = _library()
        self.library_calls += 1
        result = convert({"province_name": old_by_key[old_key], "district_name": district, "ward_name": ward})
        if result["status"] not in ("matched", "ambiguous"):
            return []
        found: dict[int, AdministrativeUnit] = {}
        for candidate in result["candidates"]:
            # An unknown ward makes the library answer with the whole district: keep only rows
            # that are the ward written (the names of its mapping rows; its separate list of old
            # wards sometimes names another ward for the same code).
            if not any(_same_name(ward, rows[i]["old"]["ward_name"]) for i in candidate["mapping"]["row_indexes"]):
                continue
            if candidate.get("new_ward"):
                for commune in self._commune_named(province, candidate["new_ward"]["name_with_type"]):
                    found[commune.pk] = commune
        return sorted(found.values(), key=lambda c: c.name_folded)

    def _commune_named(self, province, name: str) -> list[AdministrativeUnit]:
        same = self._communes.get((province.pk, name_key(name)), [])
        if len(same) > 1:
            # 'Thạnh An' and 'Thanh An' fold alike: the accents decide when they are written.
            accented = _accent_key(name)
            exact = [c for c in same if _accent_key(c.name) == accented]
            return exact or same
        return same


def _clean(value) -> str:
    return " ".join(nfc(str(value or "")).split())
