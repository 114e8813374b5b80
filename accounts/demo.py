"""Demo organisations and users (never for production): three provinces, one of them on the border."""

from dataclasses import dataclass

from django.db import transaction

from .models import AdministrativeUnit, Agency, AgencyType, Membership, User
from .roles import MACHINE_ROLES, Role

DEMO_PASSWORD = "Demo@2026-nannhan"


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    type: str
    province: str | None  # folded province name; None for national bodies
    parent: str | None = None


AGENCIES = [
    DemoAgency("BO-YT", "Bộ Y tế – Cục Phòng, chống tệ nạn xã hội", "ministry", None),
    DemoAgency("DSQ-BK", "Đại sứ quán Việt Nam tại Trung Quốc", "mission_abroad", None),
    # Lạng Sơn: border province
    DemoAgency("SYT-LS", "Sở Y tế tỉnh Lạng Sơn", "social_affairs_department", "lang son"),
    DemoAgency("BP-HN-LS", "Đồn Biên phòng Cửa khẩu Quốc tế Hữu Nghị", "border_guard", "lang son"),
    DemoAgency("CA-LS", "Công an tỉnh Lạng Sơn", "police", "lang son"),
    DemoAgency("XNC-LS", "Phòng Quản lý xuất nhập cảnh – Công an tỉnh Lạng Sơn", "immigration", "lang son",
               "CA-LS"),
    DemoAgency("TTCTXH-LS", "Trung tâm Công tác xã hội tỉnh Lạng Sơn", "social_centre", "lang son",
               "SYT-LS"),
    DemoAgency("UBND-DD-LS", "Ủy ban nhân dân phường Đông Kinh", "commune_committee", "lang son"),
    # Hà Nội
    DemoAgency("SYT-HN", "Sở Y tế thành phố Hà Nội", "social_affairs_department", "ha noi"),
    DemoAgency("CA-HN", "Công an thành phố Hà Nội", "police", "ha noi"),
    DemoAgency("TTBTXH-HN", "Trung tâm Bảo trợ xã hội số 1 Hà Nội", "social_centre", "ha noi", "SYT-HN"),
    DemoAgency("NNBY-HN", "Ngôi nhà Bình yên – Hội Liên hiệp Phụ nữ Việt Nam", "victim_support_facility",
               "ha noi"),
    DemoAgency("HLHPN-HN", "Hội Liên hiệp Phụ nữ thành phố Hà Nội", "partner_organisation", "ha noi"),
    # Nghệ An
    DemoAgency("SYT-NA", "Sở Y tế tỉnh Nghệ An", "social_affairs_department", "nghe an"),
    DemoAgency("CA-NA", "Công an tỉnh Nghệ An", "police", "nghe an"),
    DemoAgency("TTCTXH-NA", "Trung tâm Công tác xã hội tỉnh Nghệ An", "social_centre", "nghe an", "SYT-NA"),
]

# username, full name, agency code, role
USERS = [
    ("bienphong.ls", "Hoàng Văn Đức", "BP-HN-LS", Role.CASEWORKER),
    ("congan.ls", "Nông Thị Hạnh", "CA-LS", Role.CASEWORKER),
    ("xnc.ls", "Lý Văn Nam", "XNC-LS", Role.CASEWORKER),
    ("canbo.ls", "Vi Thị Lan", "TTCTXH-LS", Role.CASEWORKER),
    ("xa.ls", "Triệu Văn Bình", "UBND-DD-LS", Role.CASEWORKER),
    ("pheduyet.ls", "Đặng Quốc Toàn", "SYT-LS", Role.APPROVER),
    ("lanhdao.ls", "Lương Thị Mai", "SYT-LS", Role.AGENCY_MANAGER),
    ("thongke.ls", "Hà Minh Châu", "SYT-LS", Role.STATISTICIAN),
    ("canbo.hn", "Nguyễn Thị Thu Hà", "TTBTXH-HN", Role.CASEWORKER),
    ("congan.hn", "Trần Văn Long", "CA-HN", Role.CASEWORKER),
    ("nhatambinh.hn", "Phạm Thị Yến", "NNBY-HN", Role.CASEWORKER),
    ("pheduyet.hn", "Lê Văn Hùng", "SYT-HN", Role.APPROVER),
    ("canbo.na", "Hồ Thị Nga", "TTCTXH-NA", Role.CASEWORKER),
    ("pheduyet.na", "Võ Đình Sơn", "SYT-NA", Role.APPROVER),
    ("daisuquan", "Đỗ Minh Khoa", "DSQ-BK", Role.CASEWORKER),
    ("bo.phantich", "Bùi Thị Thanh", "BO-YT", Role.MINISTRY_ANALYST),
    ("bo.thongke", "Đinh Văn Quang", "BO-YT", Role.STATISTICIAN),
    ("doitac.api", "Hội LHPN Hà Nội (API)", "HLHPN-HN", Role.PARTNER_API),
    ("quantri", "Quản trị hệ thống", "BO-YT", Role.SYSTEM_ADMIN),
]


def province(folded_name: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.provinces().get(name_folded__endswith=folded_name)


@transaction.atomic
def seed_organisations() -> bool:
    """Create the demo agencies and users once. Returns False when they already exist."""
    if Agency.objects.filter(code=AGENCIES[0].code).exists():
        return False
    types = {t.code: t for t in AgencyType.objects.all()}
    agencies: dict[str, Agency] = {}
    for spec in AGENCIES:
        agencies[spec.code] = Agency.objects.create(
            code=spec.code, name=spec.name, type=types[spec.type],
            jurisdiction=province(spec.province) if spec.province else None,
            parent=agencies.get(spec.parent) if spec.parent else None,
        )
    for username, full_name, agency_code, role in USERS:
        is_admin = role == Role.SYSTEM_ADMIN
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, full_name=full_name,
            email=f"{username}@demo.nannhan.gov.vn", is_staff=is_admin, is_superuser=is_admin,
        )
        Membership.objects.create(user=user, agency=agencies[agency_code], role=role)
    # One person in two agencies, to show the role switcher.
    Membership.objects.create(
        user=User.objects.get(username="pheduyet.ls"), agency=agencies["TTCTXH-LS"],
        role=Role.AGENCY_MANAGER,
    )
    return True


def demo_logins() -> list[tuple[str, str, str]]:
    """The logins for the web pages: machine roles (the partner API) never sign in there."""
    return [
        (username, agency_code, Role(role).label) for username, _, agency_code, role in USERS
        if role not in MACHINE_ROLES
    ]
