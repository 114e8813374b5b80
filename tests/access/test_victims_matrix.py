"""The permission matrix of the case pages: persona × URL × method × case in/out of scope → status.

Two cases:
- home: received and owned by the Lạng Sơn social centre (TT-LS), verification requested from the
  Lạng Sơn police (CA-LS, so they hold a verification grant), shared with a Nghệ An centre.
- away: received and owned by the Hà Nội centre (TT-HN), verified by the Hà Nội police, shared too.
For the Lạng Sơn personas, `home` is in scope and `away` is not; for the Hà Nội ones the reverse.

Reading the codes: 200 the page (or, for a POST of an empty form, the form again with its errors);
302 done (revoking a grant) or, for anonymous visitors, the sign-in page; 403 no role of the user
allows this kind of action (or, on this case, the user is not the police unit / the owner's manager);
404 the case does not exist for this user; 405 wrong method.
"""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from accounts.models import AgencyType
from tests.factories import AgencyFactory, MembershipFactory, province
from victims import services, urls_cases
from victims.models import Case, IdentificationOutcome, ReceptionChannel

pytestmark = pytest.mark.django_db

PERSONAS = [
    "centre_caseworker", "border_caseworker", "police_caseworker", "department_approver",
    "department_manager", "department_statistician", "other_caseworker", "other_approver",
    "ministry_analyst", "partner", "no_agency", "anonymous",
]

# url name            method case  cen  bor  pol  dAp  dMg  dSt  oth  oAp  min  par  non  anon
MATRIX = """
case_list             GET    -     200  200  200  200  200  200  200  200  403  302  403  302
case_list             POST   -     302  302  302  302  302  302  302  302  403  302  403  302
followups_overdue     GET    -     200  200  200  200  200  200  200  200  403  302  403  302
refused_attempts      GET    -     403  403  403  403  200  403  403  403  403  302  403  302

case_detail           GET    home  200  404  200  200  200  200  404  404  403  302  403  302
case_detail           GET    away  404  404  404  404  404  404  200  200  403  302  403  302
case_detail           POST   home  405  405  405  405  405  405  405  405  405  302  405  302
case_history          GET    home  200  404  200  200  200  200  404  404  403  302  403  302
case_history          GET    away  404  404  404  404  404  404  200  200  403  302  403  302
case_history          POST   home  405  405  405  405  405  405  405  405  405  302  405  302
case_access_log       GET    home  403  403  403  403  403  403  403  403  403  302  403  302
case_access_log       GET    away  403  403  403  403  404  403  403  403  403  302  403  302
outcome_scan          GET    home  200  404  200  200  200  403  404  404  403  302  403  302
outcome_scan          GET    away  404  404  404  404  404  403  200  200  403  302  403  302

verification_request  GET    home  200  404  404  403  403  403  404  403  403  302  403  302
verification_request  POST   home  200  404  404  403  403  403  404  403  403  302  403  302
verification_request  POST   away  404  404  404  403  403  403  200  403  403  302  403  302
outcome_record        GET    home  403  404  200  403  403  403  404  403  403  302  403  302
outcome_record        POST   home  403  404  200  403  403  403  404  403  403  302  403  302
outcome_record        GET    away  404  404  404  403  403  403  403  403  403  302  403  302
outcome_record        POST   away  404  404  404  403  403  403  403  403  403  302  403  302
case_transition       GET    home  200  404  404  403  403  403  404  403  403  302  403  302
case_transition       POST   home  200  404  404  403  403  403  404  403  403  302  403  302
case_transition       POST   away  404  404  404  403  403  403  200  403  403  302  403  302
plan_create           GET    home  200  404  404  403  403  403  404  403  403  302  403  302
plan_create           POST   home  200  404  404  403  403  403  404  403  403  302  403  302
plan_create           POST   away  404  404  404  403  403  403  200  403  403  302  403  302
visit_record          GET    home  200  404  404  403  403  403  404  403  403  302  403  302
visit_record          POST   home  200  404  404  403  403  403  404  403  403  302  403  302
visit_record          POST   away  404  404  404  403  403  403  200  403  403  302  403  302
case_close            GET    home  200  404  404  403  403  403  404  403  403  302  403  302
case_close            POST   home  200  404  404  403  403  403  404  403  403  302  403  302
case_close            POST   away  404  404  404  403  403  403  200  403  403  302  403  302
grant_create          GET    home  200  404  404  403  200  403  404  403  403  302  403  302
grant_create          POST   home  200  404  404  403  200  403  404  403  403  302  403  302
grant_create          GET    away  404  404  404  403  404  403  200  403  403  302  403  302
grant_create          POST   away  404  404  404  403  404  403  200  403  403  302  403  302
grant_revoke          POST   home  302  404  404  403  302  403  404  403  403  302  403  302
grant_revoke          POST   away  404  404  404  403  404  403  302  403  403  302  403  302
grant_revoke          GET    home  405  405  405  405  405  405  405  405  405  302  405  302
consent_withdraw      POST   home  302  404  404  403  403  403  404  403  403  302  403  302
consent_withdraw      POST   away  404  404  404  403  403  403  302  403  403  302  403  302
consent_withdraw      GET    home  405  405  405  405  405  405  405  405  405  302  405  302

referral_inbox        GET    -     200  200  200  403  200  403  200  403  403  302  403  302
referral_sent         GET    -     200  200  200  403  200  403  200  403  403  302  403  302
referral_create       GET    home  200  404  404  403  200  403  404  403  403  302  403  302
referral_create       POST   home  200  404  404  403  200  403  404  403  403  302  403  302
referral_create       GET    away  404  404  404  403  404  403  200  403  403  302  403  302
"""
# Pages of one referral or handover (their ids are not cases'): tests/access/test_referrals_matrix.py
# holds them, as the sender, the receiver before and after answering, and an outsider.
REFERRAL_PAGES = frozenset({
    "referral_detail", "referral_accept", "referral_decline", "referral_withdraw", "referral_close",
    "handover_create", "handover_pdf",
})

ROWS = []
for line in MATRIX.strip().splitlines():
    if line.strip():
        name, method, case, *codes = line.split()
        assert len(codes) == len(PERSONAS), line
        ROWS.append((name, method, case, [int(code) for code in codes]))

PDF = b"%PDF-1.4\n%%EOF\n"


class Cases:
    """The two cases of the matrix, made through the services like real work."""

    def __init__(self, personas):
        third = AgencyFactory(code="TT-NA", type=AgencyType.objects.get(code="social_centre"),
                              jurisdiction=province("nghe an"), name="Trung tâm CTXH Nghệ An")
        police_hn = AgencyFactory(code="CA-HN", type=AgencyType.objects.get(code="police"),
                                  jurisdiction=province("ha noi"), name="Công an TP Hà Nội")
        police_officer_hn = MembershipFactory(agency=police_hn).user
        self.home = self._case(personas["centre_caseworker"], personas["police_caseworker"],
                               "Triệu Thị Lụa", third)
        self.away = self._case(personas["other_caseworker"], police_officer_hn, "Hầu Thị Súa", third)

    @staticmethod
    def _case(caseworker, police_officer, name, third):
        case = services.case_register_reception(
            user=caseworker, agency=caseworker.agency, reception_channel=ReceptionChannel.RESCUED,
            received_on=timezone.localdate() - datetime.timedelta(days=10), full_name=name,
        )
        police = police_officer.memberships.get().agency
        services.verification_request(user=caseworker, case=case, police_agency=police)
        case.outcome = services.identification_record_outcome(
            user=police_officer, case=case, outcome="under_identification",
            scan=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        )
        case.consent = services.consent_record(user=caseworker, case=case, share_with=["social_centre"])
        case.grant = services.case_grant_access(user=caseworker, case=case, grantee_agency=third,
                                                actions=["case.view"], reason="Phối hợp")
        case.name = name
        return case


@pytest.fixture
def cases(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Cases(personas)


def url_for(name: str, case) -> str:
    if case is None:
        return reverse(f"victims:{name}")
    if name == "outcome_scan":
        return reverse("victims:outcome_scan", args=[case.pk, case.outcome.pk])
    if name == "grant_revoke":
        return reverse("victims:grant_revoke", args=[case.pk, case.grant.pk])
    if name == "consent_withdraw":
        return reverse("victims:consent_withdraw", args=[case.pk, case.consent.pk])
    return reverse(f"victims:{name}", args=[case.pk])


def test_the_matrix_covers_every_case_page_url():
    names = {p.name for p in urls_cases.urlpatterns if isinstance(p, URLPattern)}
    assert {name for name, *_ in ROWS} == names - REFERRAL_PAGES


@pytest.mark.parametrize(
    ("name", "method", "scope", "expected"), ROWS,
    ids=[f"{name}-{method}-{scope}" for name, method, scope, _ in ROWS],
)
def test_permission_matrix(client_for, cases, name, method, scope, expected):
    case = {"home": cases.home, "away": cases.away, "-": None}[scope]
    url = url_for(name, case)
    wrong = []
    for persona, code in zip(PERSONAS, expected, strict=True):
        client = Client() if persona == "anonymous" else client_for(persona)
        response = getattr(client, method.lower())(url, {})
        if response.status_code != code:
            wrong.append(f"{persona}: {response.status_code} (expected {code})")
        if persona == "anonymous":
            assert re.match(r"^/dang-nhap/\?next=", response["Location"])
    assert not wrong, f"{method} {url}: " + ", ".join(wrong)


def test_no_case_page_writes_when_refused(client_for, cases):
    """Refusals change nothing: no status change, no plan, no grant was added by the matrix POSTs."""
    before = Case.objects.values_list("pk", "status").order_by("pk")
    for name in ("case_transition", "plan_create", "case_close", "grant_create"):
        for persona in ("border_caseworker", "department_approver", "other_caseworker"):
            client_for(persona).post(url_for(name, cases.home), {"to_status": "in_support", "reason": "x",
                                                                 "starts_on": "01/01/2026"})
    assert list(Case.objects.values_list("pk", "status").order_by("pk")) == list(before)
    assert cases.home.access_grants.count() == 2  # the police's verification grant and the fixture's


# The leak test: out-of-scope rows exist, and the list does not return them -------------------------

LANG_SON_PERSONAS = ["centre_caseworker", "border_caseworker", "police_caseworker", "department_approver",
                     "department_manager", "department_statistician"]


@pytest.mark.parametrize("persona", LANG_SON_PERSONAS)
def test_the_case_list_does_not_leak_cases_of_other_provinces(client_for, cases, persona):
    away = Case.objects.select_related("person", "receiving_agency").get(pk=cases.away.pk)
    assert away.person.full_name == "Hầu Thị Súa"  # the out-of-scope case exists, with its name
    assert IdentificationOutcome.objects.filter(case=away).exists()

    client = client_for(persona)
    for params in ({}, {"q": "sua"}, {"q": away.case_number}, {"receiving_agency": away.receiving_agency_id},
                   {"province": away.province_id}, {"status": away.status}, {"sort": "name"}):
        response = client.get(reverse("victims:case_list"), params, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        if "q" in params:  # what the user typed is echoed in the search box: look at the results only
            html = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert away.case_number not in html and "Hầu Thị Súa" not in html and "Súa" not in html
        assert away.pk not in {case.pk for case in response.context["cases"]}
        assert away.pk not in {case.pk for case in response.context["page"].object_list}
    choices = response.context["form"].fields["receiving_agency"].queryset
    assert away.receiving_agency_id not in {agency.pk for agency in choices}


def test_the_statistician_reads_masked_names_only(client_for, cases):
    client = client_for("department_statistician")
    listing = client.get(reverse("victims:case_list")).content.decode()
    page = client.get(reverse("victims:case_detail", args=[cases.home.pk])).content.decode()
    for html in (listing, page):
        assert cases.home.case_number in html
        assert "T. T. L." in html
        assert "Triệu Thị Lụa" not in html and "Triệu" not in html and "Lụa" not in html
    assert reverse("victims:outcome_scan", args=[cases.home.pk, cases.home.outcome.pk]) not in page


# Sharing beyond the victim's consent: only the agency manager, with a written reason -----------------

# Who may share the home case (grant_create POST home is 200 for them): the owner's caseworker and the
# department's manager. Beyond the consent (it names social centres only; police are asked here),
# only the manager's share goes through; the caseworker's form comes back with the reason.
OVERRIDE_EXPECTED = {"centre_caseworker": (200, False), "department_manager": (302, True)}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_only_an_agency_manager_shares_beyond_the_consent(client_for, cases, persona):
    from accounts.models import Agency
    from victims.models import AccessLog, CaseAccessGrant

    police_hn = Agency.objects.get(code="CA-HN")
    data = {"grantee_agency": police_hn.pk, "actions": ["case.view"], "reason": "Điều tra",
            "consent_override_reason": "Yêu cầu khẩn của cơ quan điều tra, đã báo nạn nhân"}
    response = client_for(persona).post(reverse("victims:grant_create", args=[cases.home.pk]), data)
    status, shared = OVERRIDE_EXPECTED.get(persona, (None, False))
    if status is not None:
        assert response.status_code == status
    else:  # refused as in the matrix row grant_create POST home
        row = next(codes for name, method, scope, codes in ROWS
                   if (name, method, scope) == ("grant_create", "POST", "home"))
        assert response.status_code == row[PERSONAS.index(persona)]
    grant = CaseAccessGrant.objects.filter(case=cases.home, grantee_agency=police_hn).first()
    assert (grant is not None) == shared
    logged = AccessLog.objects.filter(action="case.consent_override", object_id=str(cases.home.pk))
    assert logged.exists() == shared
    if shared:
        assert grant.consent is None and grant.consent_override_reason.startswith("Yêu cầu khẩn")
        page = client_for(persona).get(reverse("victims:case_detail", args=[cases.home.pk])).content.decode()
        assert 'data-testid="consent-override"' in page and "Yêu cầu khẩn" in page
