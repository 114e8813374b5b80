"""The organisations the synthetic cases are received by: agencies of every type in all 34 provinces,
their staff and the facilities they run. Small, so made with the ORM; reused when already there."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from accounts.models import AdministrativeUnit, Agency, AgencyType, Membership, User
from accounts.roles import Role
from facilities.models import Facility

PREFIX = "SYN"
# Provinces without a land border or a coast have no border guard post (folded names).
INLAND = {"thanh pho ha noi", "tinh phu tho", "tinh bac ninh", "tinh thai nguyen"}
# Provinces on the northern land border: most returnees from China are received there.
NORTH_BORDER = {"tinh lang son", "tinh cao bang", "tinh lao cai", "tinh quang ninh", "tinh tuyen quang",
                "tinh dien bien", "tinh lai chau"}
# Home provinces most victims come from (national reviews): the northern mountains and the
# north-central coast.
SOURCE_WEIGHT = {
    "tinh nghe an": 8, "tinh thanh hoa": 6, "tinh tuyen quang": 6, "tinh lao cai": 6, "tinh dien bien": 5,
    "tinh son la": 5, "tinh lai chau": 5, "tinh cao bang": 4, "tinh lang son": 4, "tinh ha tinh": 3,
    "tinh an giang": 3, "tinh tay ninh": 2, "thanh pho ho chi minh": 2, "thanh pho ha noi": 2,
    "tinh dong thap": 2, "tinh quang ninh": 2, "tinh thai nguyen": 2, "tinh phu tho": 2,
}
MISSIONS = [("CN", "Tổng Lãnh sự quán Việt Nam tại Nam Ninh"), ("CN", "Tổng Lãnh sự quán Việt Nam tại Quảng Châu"),
            ("KH", "Đại sứ quán Việt Nam tại Campuchia"), ("LA", "Đại sứ quán Việt Nam tại Lào"),
            ("MY", "Đại sứ quán Việt Nam tại Malaysia"), ("TH", "Đại sứ quán Việt Nam tại Thái Lan"),
            ("KR", "Đại sứ quán Việt Nam tại Hàn Quốc"), ("JP", "Đại sứ quán Việt Nam tại Nhật Bản")]


@dataclass
class Org:
    """One synthetic agency with the ids the generator needs."""

    id: int
    code: str
    type: str
    province_id: int | None
    caseworker_id: int = 0
    approver_id: int = 0
    facility_id: int | None = None


@dataclass
class Reference:
    agencies: list[Org] = field(default_factory=list)
    by_province: dict[int, dict[str, list[Org]]] = field(default_factory=dict)
    provinces: list[AdministrativeUnit] = field(default_factory=list)
    communes: dict[int, list[int]] = field(default_factory=dict)
    ministry: Org | None = None

    def of(self, province_id, type_code) -> list[Org]:
        return self.by_province.get(province_id, {}).get(type_code, [])


def _agency_specs(provinces):
    yield ("BO", "ministry", "Bộ Y tế – Cục Phòng, chống tệ nạn xã hội (dữ liệu tổng hợp)", None)
    for i, (_country, name) in enumerate(MISSIONS, 1):
        yield (f"DSQ-{i:02d}", "mission_abroad", name, None)
    for unit in provinces:
        c, name, folded = unit.code, unit.name, unit.name_folded
        yield (f"SYT-{c}", "social_affairs_department", f"Sở Y tế {name}", unit)
        yield (f"CA-{c}", "police", f"Công an {name}", unit)
        yield (f"XNC-{c}", "immigration", f"Phòng Quản lý xuất nhập cảnh – Công an {name}", unit)
        if folded not in INLAND:
            for n in range(1, (4 if folded in NORTH_BORDER else 2) + 1):
                yield (f"BP-{c}-{n}", "border_guard", f"Đồn Biên phòng số {n} – {name}", unit)
        for n in range(1, 4):
            yield (f"UBX-{c}-{n}", "commune_committee", f"Ủy ban nhân dân xã số {n} – {name}", unit)
        yield (f"TTCTXH-{c}", "social_centre", f"Trung tâm Công tác xã hội {name}", unit)
        yield (f"CSHT-{c}", "victim_support_facility", f"Cơ sở hỗ trợ nạn nhân {name}", unit)
        yield (f"HPN-{c}", "partner_organisation", f"Hội Liên hiệp Phụ nữ {name}", unit)


def ensure_reference() -> Reference:
    """Create the synthetic agencies, one caseworker and one approver each (plus a manager and a
    statistician at each department) and a facility per centre; idempotent."""
    provinces = list(AdministrativeUnit.objects.provinces().current().order_by("code"))
    if len(provinces) != 34:
        raise RuntimeError("Load the administrative units first (manage.py load_admin_units).")
    types = {t.code: t for t in AgencyType.objects.all()}
    existing = {a.code: a for a in Agency.objects.filter(code__startswith=f"{PREFIX}-")}
    users = {u.username: u for u in User.objects.filter(username__startswith="syn.")}
    unusable = make_password(None)  # nobody signs in with these accounts; tests use force_login
    ref = Reference(provinces=provinces)
    for short, type_code, name, unit in _agency_specs(provinces):
        code = f"{PREFIX}-{short}"
        agency = existing.get(code) or Agency.objects.create(
            code=code, name=name, type=types[type_code], jurisdiction=unit,
        )
        org = Org(agency.pk, code, type_code, unit.pk if unit else None)
        roles = [("cb", Role.CASEWORKER), ("pd", Role.APPROVER)]
        if type_code == "social_affairs_department":
            roles += [("ld", Role.AGENCY_MANAGER), ("tk", Role.STATISTICIAN)]
        if type_code == "ministry":
            roles = [("pt", Role.MINISTRY_ANALYST), ("tk", Role.STATISTICIAN)]
        for suffix, role in roles:
            username = f"syn.{short.lower()}.{suffix}"
            user = users.get(username)
            if user is None:
                user = User.objects.create(
                    username=username, password=unusable, full_name=f"Cán bộ {short} ({suffix})",
                    email=f"{username}@synthetic.invalid",
                )
                Membership.objects.create(user=user, agency=agency, role=role)
            if role == Role.CASEWORKER:
                org.caseworker_id = user.pk
            elif role == Role.APPROVER:
                org.approver_id = user.pk
        if type_code in ("social_centre", "victim_support_facility"):
            facility = Facility.objects.filter(code=code).first() or Facility.objects.create(
                code=code, name=name, type="social_work_centre" if type_code == "social_centre"
                else "victim_support_facility", owner_agency=agency, province=unit, rooms=20, beds=60,
                gender_policy="mixed", accepts_children=True,
                services=["accommodation", "essential_needs", "medical", "psychological", "reintegration"],
                staff_count=15, created_by_id=org.caseworker_id,
            )
            org.facility_id = facility.pk
        ref.agencies.append(org)
        if type_code == "ministry":
            ref.ministry = org
        elif org.province_id:
            ref.by_province.setdefault(org.province_id, {}).setdefault(type_code, []).append(org)
    for commune_id, parent_id in AdministrativeUnit.objects.communes().current().order_by("pk").values_list(
        "pk", "parent_id"
    ):
        ref.communes.setdefault(parent_id, []).append(commune_id)
    return ref
