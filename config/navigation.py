"""The main menu: one entry per app page, shown to users whose role allows its action."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_ACTIONS


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    action: str | None = None  # None: every signed-in user
    count: Callable | None = None  # count(request) -> the number shown next to the entry (work waiting)


def _referrals_waiting(request) -> int:
    from victims.referral_selectors import inbox_count

    actor = getattr(request, "actor", None)
    return inbox_count(request.user, actor.agency if actor else None)


ITEMS = [
    NavItem(_("Home"), "home", "house"),
    NavItem(_("Case files"), "victims:case_list", "folder2-open", "case.view"),
    NavItem(_("Referrals"), "victims:referral_inbox", "signpost", "referral.receive", count=_referrals_waiting),
    NavItem(_("Facilities"), "facilities:list", "building", "facility.view"),
    NavItem(_("Support"), "support:request_list", "heart-pulse", "support.view"),
    NavItem(_("Statistics"), "reporting:dashboard", "bar-chart", "statistics.view"),
    NavItem(_("Programme activities"), "reporting:activity_list", "megaphone", "activity.record"),
    # One entry, two kinds of reader: the department prepares, the ministry reviews (no role has both).
    NavItem(_("Periodic reports"), "reporting:report_list", "file-earmark-text", "report.prepare"),
    NavItem(_("Periodic reports"), "reporting:report_list", "file-earmark-text", "report.review"),
    NavItem(_("Possible duplicates"), "victims:duplicate_queue", "people", "person.merge"),
    NavItem(_("Contact log"), "victims:contact_list", "telephone", "contact.view"),
    NavItem(_("Import registers"), "imports:list", "upload", "records.import"),
    NavItem(_("Administrative units"), "accounts:admin_units", "geo-alt"),
    NavItem(_("Locked accounts"), "accounts:account_locks", "person-lock", "agency.manage"),
    NavItem(_("API clients"), "accounts:api_clients", "plug", "agency.manage"),
]


def navigation_for(request, memberships) -> list[dict]:
    """Menu entries for the acting membership's role (least privilege: the menu shows what the user
    may do for the agency chosen in the header, not for all of their memberships)."""
    acting = getattr(request, "membership", None)
    allowed = ROLE_ACTIONS.get(acting.role, frozenset()) if acting else frozenset()
    items = []
    for item in ITEMS:
        if item.action and item.action not in allowed:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "icon": item.icon,
                      "count": item.count(request) if item.count else 0,
                      "active": request.path == url or (url != "/" and request.path.startswith(url))})
    # One entry is the current one: the longest URL the path starts with (/ho-so/chuyen-tuyen/ is
    # the referrals' page, not the case list's).
    active = [entry for entry in items if entry["active"]]
    if len(active) > 1:
        current = max(active, key=lambda entry: len(entry["url"]))
        for entry in active:
            entry["active"] = entry is current
    if request.user.is_staff:
        items.append({"label": _("Administration"), "url": reverse("admin:index"), "icon": "gear",
                      "active": request.path.startswith("/admin/")})
    return items
