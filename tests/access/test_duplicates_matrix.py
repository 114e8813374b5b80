"""The permission matrix of the duplicate pages and the contact log: persona × URL × method × scope.

Files: `home`, the Lạng Sơn centre's (TT-LS) case of "Nguyễn Thị Hoa" (1995), and a second
registration of her by the Lạng Sơn border post (BP-LS, "Nguyen Thi Hoa", 1996): the pair is proposed.
`away`: the Hà Nội centre's case. Contacts: `home` recorded by TT-LS in Lạng Sơn, `away` by TT-HN.

Codes: 200 the page (or, for a POST of an empty form, the form again with its errors); 302 done or,
for anonymous visitors and machine roles, the sign-in page; 403 the role (or the agency, for
reviewers) never allows this; 404 not in the persona's scope; 405 wrong method.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from accounts.models import AgencyType
from tests.factories import AgencyFactory, MembershipFactory, province
from victims import contacts, services, urls_contacts, urls_duplicates
from victims.models import DuplicateProposal, ReceptionChannel

pytestmark = pytest.mark.django_db

PERSONAS = [
    "centre_caseworker", "border_caseworker", "police_caseworker", "department_approver",
    "department_manager", "department_statistician", "other_caseworker", "other_approver",
    "ministry_analyst", "partner", "no_agency", "anonymous",
]

# url name            method scope cen  bor  pol  dAp  dMg  dSt  oth  oAp  min  par  non  anon
MATRIX = """
case_duplicates       GET    home  200  404  404  200  200  403  404  404  403  302  403  302
case_duplicates       GET    away  404  404  404  404  404  403  200  200  403  302  403  302
case_duplicates       POST   home  405  405  405  405  405  405  405  405  405  302  405  302
duplicate_referral    POST   home  302  404  404  302  302  403  404  404  403  302  403  302
duplicate_referral    GET    home  405  405  405  405  405  405  405  405  405  302  405  302
duplicate_queue       GET    -     403  403  403  200  200  403  403  200  200  302  403  302
duplicate_detail      GET    pair  403  403  403  200  200  403  403  404  200  302  403  302
duplicate_merge       POST   pair  403  403  403  200  200  403  403  404  200  302  403  302
duplicate_merge       GET    pair  405  405  405  405  405  405  405  405  405  302  405  302
duplicate_reject      POST   pair  403  403  403  200  200  403  403  404  200  302  403  302
duplicate_unmerge     POST   pair  403  403  403  200  200  403  403  404  200  302  403  302

contact_list          GET    -     200  200  200  200  200  200  200  200  403  302  403  302
contact_create        GET    -     200  200  200  403  200  403  200  403  403  302  403  302
contact_create        POST   -     200  200  200  403  200  403  200  403  403  302  403  302
contact_detail        GET    home  200  404  404  200  200  200  404  404  403  302  403  302
contact_detail        GET    away  404  404  404  404  404  404  200  200  403  302  403  302
contact_edit          GET    home  200  404  404  403  200  403  404  403  403  302  403  302
contact_edit          POST   home  200  404  404  403  200  403  404  403  403  302  403  302
contact_edit          GET    away  404  404  404  403  404  403  200  403  403  302  403  302
"""

ROWS = []
for line in MATRIX.strip().splitlines():
    if line.strip():
        name, method, scope, *codes = line.split()
        assert len(codes) == len(PERSONAS), line
        ROWS.append((name, method, scope, [int(code) for code in codes]))


class World:
    def __init__(self, personas):
        received = timezone.localdate() - datetime.timedelta(days=5)
        centre, border, other = (personas[name] for name in ("centre_caseworker", "border_caseworker",
                                                             "other_caseworker"))
        border.agency.phone = "0205 3881 111"
        border.agency.save()
        self.home = services.case_register_reception(
            user=centre, agency=centre.agency, reception_channel=ReceptionChannel.SELF_REPORTED,
            received_on=received, full_name="Nguyễn Thị Hoa", sex="female", birth_year=1995)
        self.second = services.case_register_reception(
            user=border, agency=border.agency, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
            received_on=received, full_name="Nguyen Thi Hoa", sex="female", birth_year=1996)
        self.away = services.case_register_reception(
            user=other, agency=other.agency, reception_channel=ReceptionChannel.RESCUED,
            received_on=received, full_name="Hầu Thị Súa", sex="female", birth_year=1990)
        self.pair = DuplicateProposal.objects.get()
        self.border = border.agency
        self.contact_home = contacts.contact_record(
            user=centre, agency=centre.agency, occurred_at=timezone.now(), channel="hotline_111",
            kind="suspected_case", outcome="reported_to_police", province=province("lang son"),
            caller_name="Lường Văn Báo")
        self.contact_away = contacts.contact_record(
            user=other, agency=other.agency, occurred_at=timezone.now(), channel="walk_in",
            kind="counselling", outcome="answered", province=province("ha noi"))


@pytest.fixture
def world(personas):
    AgencyFactory(code="CA-HN", type=AgencyType.objects.get(code="police"), jurisdiction=province("ha noi"))
    MembershipFactory(agency__code="TT-NA")
    return World(personas)


def url_for(name, scope, world):
    if name in ("duplicate_queue", "contact_list", "contact_create"):
        return reverse(f"victims:{name}")
    if name.startswith("duplicate_") and name != "duplicate_referral":
        return reverse(f"victims:{name}", args=[world.pair.pk])
    if name.startswith("contact_"):
        return reverse(f"victims:{name}", args=[(world.contact_home if scope == "home" else world.contact_away).pk])
    return reverse(f"victims:{name}", args=[(world.home if scope == "home" else world.away).pk])


def test_the_matrix_covers_every_url():
    names = {p.name for module in (urls_duplicates, urls_contacts) for p in module.urlpatterns
             if isinstance(p, URLPattern)}
    assert {name for name, *_ in ROWS} == names


@pytest.mark.parametrize(("name", "method", "scope", "expected"), ROWS,
                         ids=[f"{name}-{method}-{scope}" for name, method, scope, _ in ROWS])
def test_permission_matrix(client_for, world, name, method, scope, expected):
    url = url_for(name, scope, world)
    data = {"agency": world.border.pk} if name == "duplicate_referral" else {}
    wrong = []
    for persona, code in zip(PERSONAS, expected, strict=True):
        client = Client() if persona == "anonymous" else client_for(persona)
        response = getattr(client, method.lower())(url, data)
        if response.status_code != code:
            wrong.append(f"{persona}: {response.status_code} (expected {code})")
        if persona == "anonymous":
            assert re.match(r"^/dang-nhap/\?next=", response["Location"])
    assert not wrong, f"{method} {url}: " + ", ".join(wrong)


def test_refused_posts_change_nothing(client_for, world):
    for persona in ("centre_caseworker", "other_approver", "department_statistician"):
        client_for(persona).post(url_for("duplicate_merge", "pair", world),
                                 {"survivor": world.home.person_id, "reason": "x"})
        client_for(persona).post(url_for("duplicate_reject", "pair", world), {"reject-reason": "x"})
    assert DuplicateProposal.objects.get().status == "open"
