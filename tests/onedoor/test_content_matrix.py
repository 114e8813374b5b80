"""The content matrix: every page, as every persona, shows no name, ID number or address that the
persona's scope and rights should not reveal. Status-code matrices miss what this catches: a page that
answers 200 for the right reasons and still prints a victim's name from another app's record.

Two files with distinctive words planted in every sensitive place (names of the victim and the child,
home address, ID paper number, the reason of the stay, the loan's purpose, the shelter's address):
- home: owned by the Lạng Sơn centre (TT-LS), shared with the Lạng Sơn police for case.view and
  case.view_identity (so the police read the identity, but not the support, loans or stays);
- away: owned by the Hà Nội centre (TT-HN).
Every URL of the project is opened with the ids of both files, as every persona and as the system
administrator (with the admin pages), and each body is searched for the words it must not contain.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import AgencyType
from accounts.roles import Action
from accounts.text import fold
from support.models import Loan
from support.services import loan_create
from tests.access.test_anonymous import ALL_URLS
from tests.facilities.factories import FacilityFactory, StayFactory
from tests.factories import AgencyFactory, UserFactory, province, totp_device
from tests.support.factories import LAW53, make_case, request_support
from tests.victims.factories import (
    CaseAccessGrantFactory,
    CaseChildFactory,
    PersonFactory,
    consented,
)
from victims.contacts import contact_record
from victims.duplicates import duplicates_propose
from victims.models import AccessLog
from victims.referrals import referral_send

pytestmark = pytest.mark.django_db

SECRETS = {
    "home": {
        "name": "Triệu Thị Hằng", "child": "Triệu Văn Khoa", "address": "Bản Khuổi Phầy",
        "id_number": "084199001234", "stay_reason": "chồng đánh đập", "loan_purpose": "Nuôi dê núi",
        "lender": "Quỹ Hoa Ban Trắng", "shelter": "Số 9 ngõ Kín Cổng", "caller": "Bế Văn Gọi",
    },
    "away": {
        "name": "Quàng Thị Xuyến", "child": "Quàng Văn Tủa", "address": "Phố Hàng Bạc 77",
        "id_number": "001199009876", "stay_reason": "bị giam giữ", "loan_purpose": "Mở quán phở",
        "lender": "Quỹ Sen Hồng Tây", "shelter": "Ngõ Bí Mật số 5", "caller": "Đinh Thị Nhắn",
    },
}
IDENTITY = ("name", "child", "address", "id_number", "stay_reason", "loan_purpose", "lender", "caller")

# What each persona may read: file -> the secrets it may see. Everything else is forbidden.
MAY_SEE = {
    "centre_caseworker": {"home": {*IDENTITY, "shelter"}},
    "department_approver": {"home": {*IDENTITY, "shelter"}},
    "department_manager": {"home": {*IDENTITY, "shelter"}},
    "other_caseworker": {"away": {*IDENTITY, "shelter"}},
    "other_approver": {"away": {*IDENTITY, "shelter"}},
    "police_caseworker": {"home": {"name", "child", "address", "id_number"}},  # identity, no support/stays
    "department_statistician": {},  # the department's files, masked
    "border_caseworker": {},
    "ministry_analyst": {},
    "partner": {},
    "no_agency": {},
    "system_admin": {},
}
# Where a persona that may see a secret must actually find it (the test could not fail otherwise).
MUST_SHOW = {
    "centre_caseworker": [("victims:case_detail", "home", "name"), ("api:case-detail", "home", "name"),
                          ("api:person-detail", "home", "id_number"), ("api:stay-detail", "home", "stay_reason"), ("facilities:stay", "home", "stay_reason"),
                          ("support:loan_detail", "home", "loan_purpose"),
                          ("victims:case_detail", "home", "lender"), ("facilities:detail", "home", "shelter"),
                          ("victims:contact_detail", "home", "caller"), ("victims:contact_list", "home", "caller"),
                          ("api:contact-detail", "home", "caller"),
                          ("victims:referral_detail", "home", "name"), ("victims:case_history", "home", "name")],
    "other_caseworker": [("victims:case_detail", "away", "name")],
    "department_approver": [("support:request_detail", "home", "name"), ("victims:duplicate_detail", "home", "name"),
                            ("victims:contact_detail", "home", "caller")],
    "police_caseworker": [("victims:case_detail", "home", "name")],
}
# Which planted object fills an URL's ids, by URL name prefix; a new URL with ids must be added here.
IDS = {
    "victims:grant_revoke": lambda f: {"pk": f.case.pk, "grant_pk": f.grant.pk},
    "victims:outcome_scan": lambda f: {"pk": f.case.pk, "outcome_pk": f.outcome.pk},
    "victims:intake_step": lambda f: {"pk": f.case.pk, "step": "nhan-than"},
    "victims:consent_withdraw": lambda f: {"pk": f.case.pk, "consent_pk": f.consent.pk},
    "accounts:account_unlock": lambda f: {"pk": f.case.pk},  # no victim data; any id
    "victims:duplicate_referral": lambda f: {"pk": f.case.pk},
    "victims:duplicate_": lambda f: {"pk": f.proposal.pk},
    "victims:contact_": lambda f: {"pk": f.contact.pk},
    "accounts:api_token_rotate": lambda f: {"pk": f.case.pk, "token_pk": "x"},  # API clients: no victim data
    "accounts:api_token_revoke": lambda f: {"pk": f.case.pk, "token_pk": "x"},
    "accounts:webhook_replay": lambda f: {"pk": f.case.pk, "delivery_pk": f.case.pk},
    "accounts:api_": lambda f: {"pk": f.case.pk},
    # The API through the browser session (tokens: tests/api/test_content_matrix.py)
    "api:case-detail": lambda f: {"pk": f.case.pk},
    "api:person-detail": lambda f: {"pk": f.case.person_id},
    "api:support-request-detail": lambda f: {"pk": f.request.pk},
    "api:support-request-decide": lambda f: {"pk": f.request.pk},
    "api:delivery-detail": lambda f: {"pk": f.request.pk},
    "api:facility-detail": lambda f: {"pk": f.facility.pk},
    "api:stay-detail": lambda f: {"pk": f.stay.pk},
    "api:referral-detail": lambda f: {"pk": f.referral.pk},
    "api:referral-accept": lambda f: {"pk": f.referral.pk},
    "api:referral-decline": lambda f: {"pk": f.referral.pk},
    "api:contact-detail": lambda f: {"pk": f.contact.pk},
    "api:programme-activity-detail": lambda f: {"pk": f.case.pk},  # no victim data; any id
    "api:report-detail": lambda f: {"pk": f.case.pk},  # reports: aggregates only; any id
    "api:report-pdf": lambda f: {"pk": f.case.pk},
    "api:report-xlsx": lambda f: {"pk": f.case.pk},
    "victims:referral_create": lambda f: {"pk": f.case.pk},
    "victims:referral_": lambda f: {"pk": f.referral.pk},
    "victims:handover_create": lambda f: {"pk": f.referral.pk},
    "victims:handover_pdf": lambda f: {"pk": f.referral.pk},  # no handover planted: refused for all
    "victims:": lambda f: {"pk": f.case.pk},
    "support:case_support": lambda f: {"case_pk": f.case.pk},
    "support:request_create": lambda f: {"case_pk": f.case.pk},
    "support:loan_create": lambda f: {"case_pk": f.case.pk},
    "support:loan_": lambda f: {"pk": f.loan.pk},
    "support:decision_": lambda f: {"pk": f.request.pk},
    "support:document_download": lambda f: {"pk": f.request.pk},
    "support:": lambda f: {"pk": f.request.pk},
    "facilities:stay": lambda f: {"pk": f.stay.pk},
    "reporting:download": lambda f: {"fmt": "xlsx"},
    "reporting:deidentified_download": lambda f: {"fmt": "csv"},
    "reporting:activity_edit": lambda f: {"pk": f.case.pk},  # no victim data; any id
    # Periodic reports hold aggregates only (no victim data); any id
    "reporting:report_run_download": lambda f: {"pk": f.case.pk, "fmt": "pdf"},
    # An import names no case (its pages answer 404 for an id that is no import of the reader's agency).
    "imports:template_kind": lambda f: {"kind": "reception"},
    "imports:": lambda f: {"pk": f.case.pk},
    "reporting:report_": lambda f: {"pk": f.case.pk},
    "facilities:": lambda f: {"pk": f.facility.pk},
}
SKIP = {"accounts:logout", "set_language", "healthz", "accounts:switch_membership"}


def _file(side: str, centre, police=None, other_holder=None, refer_to=None) -> SimpleNamespace:
    words = SECRETS[side]
    home = "lang son" if side == "home" else "ha noi"
    case = make_case(owner=centre, full_name=words["name"], home=home, home_address_detail=words["address"],
                     id_paper_type="citizen_id", id_paper_number=words["id_number"])
    CaseChildFactory(case=case, person=PersonFactory(full_name=words["child"], sex="male", birth_year=2021))
    member = centre.memberships.get(role="caseworker").user
    facility = FacilityFactory(owner_agency=centre, province=province(home), address_detail=words["shelter"])
    stay = StayFactory(case=case, facility=facility, admission_reason=f"Nạn nhân {words['stay_reason']}")
    [support_request] = request_support(SimpleNamespace(caseworker=member, centre=centre), case,
                                        [(LAW53, "clothing_set", 1)])
    loan = loan_create(user=member, agency=centre, case=case, lender="other", lender_name="Quỹ địa phương",
                       amount=15_000_000, term_months=12, purpose=words["loan_purpose"],
                       applied_on=datetime.date(2025, 9, 20))
    # A later change of the loan: its values are on the case's timeline, for readers of support only.
    Loan.objects.filter(pk=loan.pk).update(lender_name=words["lender"])
    grant = None
    if police is not None:
        grant = CaseAccessGrantFactory(case=case, grantee_agency=police,
                                       actions=[Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY],
                                       reason="Phối hợp xác minh", granted_by=member)
    consent = consented(case)
    # A referral waiting for the other centre's answer, sharing identity: the receiver before
    # accepting reads the request, never the file.
    referral = referral_send(user=member, case=case, receiving_agency=refer_to, reason="Cần nơi tạm trú",
                             services=["shelter"], shared_parts=["identity"])
    # The same woman registered again by another agency, her name typed without diacritics: a pair
    # for the department's review, a "held by" notice for the centre.
    twin = make_case(owner=other_holder, full_name=fold(words["name"]).title(), home=home, result=None)
    [proposal] = duplicates_propose(user=member, person=case.person)
    assert {proposal.person_low_id, proposal.person_high_id} == {case.person_id, twin.person_id}
    contact = contact_record(user=member, agency=centre, occurred_at=timezone.now(), channel="hotline_111",
                             kind="suspected_case", outcome="case_opened", case=case, province=province(home),
                             caller_name=words["caller"], caller_phone="0912 000 111")
    return SimpleNamespace(case=case, facility=facility, stay=stay, request=support_request, loan=loan,
                           proposal=proposal, contact=contact, consent=consent, referral=referral,
                           grant=grant or CaseAccessGrantFactory(case=case, granted_by=member,
                                                                 grantee_agency=police or centre),
                           outcome=case.identification_outcomes.first())


@pytest.fixture
def population(personas):
    agencies = {user.agency.code: user.agency for user in personas.values() if user.agency}
    admin = UserFactory(username="system_admin", is_staff=True, is_superuser=True)
    admin.agency = None
    personas = {**personas, "system_admin": admin}
    return SimpleNamespace(
        personas=personas,
        files={"home": _file("home", agencies["TT-LS"], police=agencies["CA-LS"], other_holder=agencies["BP-LS"],
                             refer_to=agencies["TT-HN"]),
               "away": _file("away", agencies["TT-HN"], refer_to=agencies["TT-LS"], other_holder=AgencyFactory(
                   code="CA-HN", type=AgencyType.objects.get(code="police"), jurisdiction=province("ha noi")))},
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def _kwargs(name: str, route: str, planted) -> dict | None:
    if "<" not in route:
        return {}
    for prefix, build in IDS.items():
        if name == prefix or (prefix.endswith((":", "_")) and name.startswith(prefix)):
            return build(planted)
    return None


def _pages(population):
    """(url name, file, url) for every URL of the project, with each file's ids."""
    pages = []
    for name, route in ALL_URLS:
        if name in SKIP or name.startswith("admin") or name.startswith("accounts:password_reset"):
            continue
        for side, planted in population.files.items():
            kwargs = _kwargs(name, route, planted)
            assert kwargs is not None, f"add {name} ({route}) to IDS"
            pages.append((name, side, reverse(name, kwargs=kwargs)))
            if not kwargs:
                break  # no ids: one page is enough
    return pages


def _admin_pages(population):
    from django.contrib import admin

    pages = [("admin:index", "-", reverse("admin:index"))]
    for model in admin.site._registry:
        opts = model._meta
        pages.append((f"admin:{opts.label_lower}", "-", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
        for side, planted in population.files.items():
            for obj in vars(planted).values():
                if isinstance(obj, model):
                    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                    pages.append((f"admin:{opts.label_lower}", side, url))
        # related rows that are not planted objects themselves (persons, children)
    return pages


def _forbidden(persona: str) -> dict[str, str]:
    allowed = MAY_SEE[persona]
    return {f"{side}.{kind}": word for side, words in SECRETS.items() for kind, word in words.items()
            if kind not in allowed.get(side, set())}


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/pdf") or response.streaming:
        return ""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        return xlsx_text(response.content)
    return response.content.decode()


def xlsx_text(content: bytes) -> str:
    """Every XML part of a workbook (sheets, shared strings), to search for words."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))


@pytest.mark.parametrize("persona", sorted(MAY_SEE))
def test_no_page_shows_what_its_reader_may_not_see(population, persona):
    pages = _pages(population)
    if persona == "system_admin":
        pages += _admin_pages(population)
        assert len(_admin_pages(population)) > 10
    assert len(pages) > 60
    client = _client(population.personas[persona])
    forbidden = _forbidden(persona)
    must_show = {(name, side): kind for name, side, kind in MUST_SHOW.get(persona, [])}
    leaks, shown = [], set()
    for name, side, url in pages:
        body = _text(client.get(url))
        leaks += [f"{persona} GET {url} ({name}) shows {what}" for what, word in forbidden.items() if word in body]
        if (name, side) in must_show and SECRETS[side][must_show[name, side]] in body:
            shown.add((name, side))
    assert not leaks, "\n".join(leaks)
    assert shown == set(must_show), f"{persona} did not see: {set(must_show) - shown}"


def test_admin_pages_of_victim_data_are_in_the_access_log(population):
    files = population.files["home"]
    client = _client(population.personas["system_admin"])
    for model in ("victims_case", "facilities_stay", "support_supportrequest"):
        assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:facilities_stay_change", args=[files.stay.pk])).status_code == 200
    rows = AccessLog.objects.filter(user=population.personas["system_admin"])
    assert {row.action for row in rows} == {"admin.list", "admin.view"}
    assert rows.filter(action="admin.view", object_type="facilities.stay", object_id=str(files.stay.pk)).exists()
    assert rows.filter(action="admin.list", object_type="victims.case", object_id=str(files.case.pk)).exists()


def test_masked_names_hide_word_lengths_for_the_statistician(population):
    client = _client(population.personas["department_statistician"])
    html = client.get(reverse("victims:case_detail", args=[population.files["home"].case.pk])).content.decode()
    assert "T. T. H." in html and SECRETS["home"]["name"] not in html
    assert not re.search(r"T\*+ T\*+ H\*+", html)
