"""TEMPORARY stand-in until the old-geography mapping lands: current names only."""

import dataclasses

from accounts.models import AdministrativeUnit
from accounts.text import fold


@dataclasses.dataclass(frozen=True)
class PlaceMatch:
    original: str
    province: AdministrativeUnit | None = None
    commune: AdministrativeUnit | None = None
    candidates: tuple = ()
    problem: str = ""

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates)


class PlaceResolver:
    def __init__(self):
        self._cache = {}

    def resolve(self, province: str, district: str = "", ward: str = "") -> PlaceMatch:
        key = (province, district, ward)
        if key not in self._cache:
            original = ", ".join(p for p in (ward, district, province) if p)
            unit = None
            if province:
                folded = fold(province).removeprefix("tinh ").removeprefix("thanh pho ")
                unit = AdministrativeUnit.objects.current().provinces().filter(name_folded__endswith=folded).first()
            self._cache[key] = PlaceMatch(original, unit, None, (), "" if unit or not province else f"? {province}")
        return self._cache[key]
