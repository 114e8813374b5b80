"""Reading the policy data: which version is in force, what an item pays in a province."""

import datetime

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit

from .models import EntitlementItem, PolicyParameter, PolicyVersion, ProvinceAmount

NO_VERSION_MESSAGE = _("No support policy is in force on %(date)s.")


def version_in_force(day: datetime.date, province: AdministrativeUnit | None = None) -> PolicyVersion | None:
    """The version in force on `day`: the province's own version if it has one, else the national one."""
    versions = PolicyVersion.objects.in_force_on(day)
    if province is None:
        return versions.filter(province__isnull=True).first()
    # One statement: the province's own version sorts before the national one.
    return (versions.filter(Q(province=province) | Q(province__isnull=True))
            .order_by(F("province").asc(nulls_last=True), "-valid_from", "code").first())


def amount_for(item: EntitlementItem, province: AdministrativeUnit | None, day: datetime.date) -> int | None:
    """The amount per unit on `day`: the province's own amount if set for that day, else the default.

    None means the actual cost (the policy fixes no amount).
    """
    if province is not None:
        override = (
            ProvinceAmount.objects.in_force_on(day).filter(item=item, province=province)
            .values_list("amount", flat=True).first()
        )
        if override is not None:
            return override
    return item.default_amount


def amounts_for(items, province, day) -> dict[int, int | None]:
    """amount_for for many items in one query: item id -> amount."""
    items = list(items)
    amounts = {item.pk: item.default_amount for item in items}
    if province is not None and items:
        overrides = ProvinceAmount.objects.in_force_on(day).filter(
            item__in=[i.pk for i in items], province=province,
        ).values_list("item_id", "amount")
        amounts.update(dict(overrides))
    return amounts


def policy_parameter(name: str, on_date: datetime.date, province: AdministrativeUnit | None = None) -> int:
    """A named number of the version in force (e.g. "max_stay_days"); LookupError when unknown."""
    version = version_in_force(on_date, province)
    if version is None:
        raise LookupError(f"No support policy is in force on {on_date}")
    value = PolicyParameter.objects.filter(version=version, name=name).values_list("value", flat=True).first()
    if value is None:
        raise LookupError(f"{version.code} has no parameter {name!r}")
    return value
