"""Load the administrative units from the `vietnam-provinces` package (34 provinces, 3,321 communes)."""

import datetime

from vietnam_provinces import Province, Ward

from .text import fold, nfc

TWO_TIER_SINCE = datetime.date(2025, 7, 1)


def load_admin_units(model) -> tuple[int, int]:
    """Insert or update every current province and commune; safe to run again.

    `model` is passed in so the data migration can use its historical model.
    """
    provinces = [
        model(code=str(p.code.value), name=_province_name(p), name_folded=fold(_province_name(p)),
              division_type=p.division_type.value, level="province", valid_from=TWO_TIER_SINCE)
        for p in Province.iter_all()
    ]
    _upsert(model, provinces)
    province_ids = dict(model.objects.filter(level="province").values_list("code", "id"))
    communes = [
        model(code=str(w.code.value), name=nfc(w.name), name_folded=fold(w.name),
              division_type=w.division_type.value, level="commune", valid_from=TWO_TIER_SINCE,
              parent_id=province_ids[str(w.province_code.value)])
        for w in Ward.iter_all()
    ]
    _upsert(model, communes)
    return len(provinces), len(communes)


def _province_name(province) -> str:
    """The package writes "Thành phố Hà Nội" but plain "Lạng Sơn": give provinces their title too."""
    name = nfc(province.name)
    if province.division_type.value == "tỉnh" and not name.startswith("Tỉnh "):
        name = f"Tỉnh {name}"
    return name


def _upsert(model, rows) -> None:
    model.objects.bulk_create(
        rows, batch_size=1000, update_conflicts=True, unique_fields=["level", "code"],
        update_fields=["name", "name_folded", "division_type", "parent", "valid_from"],
    )
