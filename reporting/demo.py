"""Demo programme activities (never for production): communication events, trainings and materials of
the demo agencies, through the activities service, so the dashboards' activities tables are not empty.

Run after accounts.demo.seed_organisations(). Idempotent: does nothing when the demo agencies have
activities already.
"""

import datetime

from django.utils import timezone

from accounts.actor import act_as
from accounts.demo import province
from accounts.models import Membership

from .models import ActivityKind, ProgrammeActivity
from .services import activity_create

# username, days ago, kind, province, title, figures
ACTIVITIES = [
    ("canbo.ls", 75, ActivityKind.COMMUNICATION, "lang son", "Truyền thông phòng, chống mua bán người tại chợ Đông Kinh",
     {"participants": 150, "leaflets": 400, "posters": 20}),
    ("canbo.ls", 45, ActivityKind.TRAINING, "lang son", "Tập huấn nhận diện nạn nhân cho cán bộ xã biên giới",
     {"participants": 35, "trainees": 35, "booklets": 35}),
    ("xa.ls", 20, ActivityKind.COMMUNICATION, "lang son", "Nói chuyện chuyên đề tại nhà văn hóa khối phố",
     {"participants": 80, "leaflets": 150}),
    ("canbo.hn", 60, ActivityKind.MATERIALS, "ha noi", "Phát tài liệu đường dây nóng 111 tại bến xe",
     {"panels": 3, "posters": 60, "leaflets": 1000}),
    ("canbo.hn", 14, ActivityKind.TRAINING, "ha noi", "Tập huấn hỗ trợ tâm lý cho nhân viên công tác xã hội",
     {"participants": 25, "trainees": 25, "booklets": 25}),
    ("canbo.na", 30, ActivityKind.COMMUNICATION, "nghe an", "Truyền thông lưu động tại các bản vùng cao",
     {"participants": 200, "panels": 2, "leaflets": 500}),
]


def seed_activities() -> bool:
    """Create the demo activities once. Returns False if the demo agencies have activities already."""
    memberships = {m.user.username: m for m in Membership.objects.select_related("user", "agency").filter(
        user__username__in={a[0] for a in ACTIVITIES})}
    if len(memberships) < len({a[0] for a in ACTIVITIES}):
        raise RuntimeError("Seed the demo organisations first (accounts.demo.seed_organisations).")
    if ProgrammeActivity.objects.filter(agency__in=[m.agency for m in memberships.values()]).exists():
        return False
    today = timezone.localdate()
    for username, days, kind, province_name, title, figures in ACTIVITIES:
        membership = memberships[username]
        activity_create(actor=act_as(membership.user, membership), kind=kind,
                        held_on=today - datetime.timedelta(days=days), province=province(province_name),
                        title=title, **figures)
    return True
