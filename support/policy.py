"""Reading the policy data: which version is in force, what an item pays in a province."""

import contextlib
import contextvars
import datetime
from collections import defaultdict

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit

from .models import EntitlementItem, PolicyParameter, PolicyVersion, ProvinceAmount

NO_VERSION_MESSAGE = _("No support policy is in force on %(date)s.")


class _Snapshot:
    """The whole policy (a few versions, their items and province amounts), read on first use and
    answering as the queries below do; see `policy_read_once`."""

    def __init__(self):
        self._versions = None

    def _load(self):
        if self._versions is None:
            self._versions = list(PolicyVersion.objects.all())
            by_id = {version.pk: version for version in self._versions}
            self._items = {}
            for item in EntitlementItem.objects.all():
                item.version = by_id[item.version_id]
                self._items[item.version_id, item.code] = item
            self._amounts = defaultdict(list)
            for row in ProvinceAmount.objects.all():
                self._amounts[row.item_id, row.province_id].append(row)

    def version(self, day, province_id):
        self._load()
        candidates = [v for v in self._versions if v.covers(day) and v.province_id in (None, province_id)]
        # As the query orders them: the province's own version first, then the latest, then by code.
        candidates.sort(key=lambda v: (v.province_id is None, -v.valid_from.toordinal(), v.code))
        return candidates[0] if candidates else None

    def item(self, version, code):
        self._load()
        return self._items.get((version.pk, code))

    def override(self, item_id, province_id, day):
        self._load()
        return next((row.amount for row in self._amounts[item_id, province_id]
                     if row.valid_from <= day and (row.valid_to is None or day <= row.valid_to)), None)


_SNAPSHOT: contextvars.ContextVar[_Snapshot | None] = contextvars.ContextVar("policy_snapshot", default=None)


@contextlib.contextmanager
def policy_read_once():
    """Within a long run (an import of 20,000 rows), the policy is read once, not two or three times
    per support line: nothing in the run edits it, and a version is published, never changed, once
    it is in use (the history of each decision keeps the version it applied)."""
    token = _SNAPSHOT.set(_Snapshot())
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


def item_in_version(version: PolicyVersion, code: str) -> EntitlementItem | None:
    """The item of `version` with this code (its version joined)."""
    snapshot = _SNAPSHOT.get()
    if snapshot is not None:
        return snapshot.item(version, code)
    return EntitlementItem.objects.select_related("version").filter(version=version, code=code).first()


def version_in_force(day: datetime.date, province: AdministrativeUnit | None = None) -> PolicyVersion | None:
    """The version in force on `day`: the province's own version if it has one, else the national one."""
    snapshot = _SNAPSHOT.get()
    if snapshot is not None:
        return snapshot.version(day, getattr(province, "pk", province))
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
    snapshot = _SNAPSHOT.get()
    if snapshot is not None and province is not None:
        for item in items:
            override = snapshot.override(item.pk, getattr(province, "pk", province), day)
            if override is not None:
                amounts[item.pk] = override
        return amounts
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
