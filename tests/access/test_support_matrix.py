"""The permission matrix of the support pages: persona × URL × method × object in/out of scope → status.

Objects, made through the services like real work:
- home: a case owned by the Lạng Sơn social centre (TT-LS), victim living in Lạng Sơn, identified;
  a pending request (to the Lạng Sơn department, SYT-LS), an approved one with its decision PDF and a
  supporting document, and a loan.
- away: the same in Hà Nội (TT-HN, SYT-HN).
For the Lạng Sơn personas `home` is in scope and `away` is not; for the Hà Nội ones the reverse.

Reading the codes: 200 the page (or, for a POST of an empty form, the form again with its errors);
302 done, or redirected back to the request (deciding a decided request, delivering on a pending one),
or, for anonymous visitors, the sign-in page; 403 no role of the user allows this kind of action (or
the user is not the competent approver); 404 the object does not exist for this user; 405 wrong method.
"""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import AgencyType
from accounts.roles import Role
from support import urls as support_urls
from support.models import Loan, PdfStatus, RequestStatus, SupportDecision, SupportRequest
from support.services import DocumentInput, LineInput, loan_create, support_request_create
from tests.factories import MembershipFactory, totp_device
from tests.support.factories import LAW53, decide_all, item, make_case

pytestmark = pytest.mark.django_db

PERSONAS = [
    "centre_caseworker", "border_caseworker", "police_caseworker", "department_approver",
    "department_manager", "department_statistician", "other_caseworker", "other_approver",
    "ministry_analyst", "partner", "no_agency", "anonymous",
]

# url name          method object          cen  bor  pol  dAp  dMg  dSt  oth  oAp  min  par  non  anon
MATRIX = """
request_list        GET    -               200  200  200  200  200  403  200  200  403  302  403  302
request_list        POST   -               405  405  405  405  405  405  405  405  405  302  405  405
queue               GET    -               403  403  403  200  403  403  403  200  403  302  403  302
policy              GET    -               200  200  200  200  200  200  200  200  200  302  200  302

case_support        GET    home-case       200  404  404  200  200  403  404  404  403  302  403  302
case_support        GET    away-case       404  404  404  404  404  403  200  200  403  302  403  302
request_create      GET    home-case       200  404  404  403  403  403  404  403  403  302  403  302
request_create      POST   home-case       200  404  404  403  403  403  404  403  403  302  403  302
request_create      POST   away-case       404  404  404  403  403  403  200  403  403  302  403  302
loan_create         GET    home-case       200  404  404  403  403  403  404  403  403  302  403  302
loan_create         POST   home-case       200  404  404  403  403  403  404  403  403  302  403  302
loan_create         POST   away-case       404  404  404  403  403  403  200  403  403  302  403  302

request_detail      GET    home-pending    200  404  404  200  200  403  404  404  403  302  403  302
request_detail      GET    away-pending    404  404  404  404  404  403  200  200  403  302  403  302
request_detail      POST   home-pending    405  405  405  405  405  405  405  405  405  302  405  405
request_decide      GET    home-pending    403  403  403  200  403  403  403  404  403  302  403  302
request_decide      POST   home-pending    403  403  403  200  403  403  403  404  403  302  403  302
request_decide      GET    away-pending    403  403  403  404  403  403  403  200  403  302  403  302
request_decide      POST   away-pending    403  403  403  404  403  403  403  200  403  302  403  302
request_decide      GET    home-approved   403  403  403  302  403  403  403  404  403  302  403  302
delivery_create     GET    home-approved   200  404  404  403  403  403  404  403  403  302  403  302
delivery_create     POST   home-approved   200  404  404  403  403  403  404  403  403  302  403  302
delivery_create     POST   away-approved   404  404  404  403  403  403  200  403  403  302  403  302
delivery_create     GET    home-pending    302  404  404  403  403  403  404  403  403  302  403  302

decision_pdf        GET    home-decision   200  404  404  200  200  403  404  404  403  302  403  302
decision_pdf        GET    away-decision   404  404  404  404  404  403  200  200  403  302  403  302
decision_status     GET    home-decision   200  404  404  200  200  403  404  404  403  302  403  302
decision_render     POST   home-decision   403  403  403  302  403  403  403  404  403  302  403  302
decision_render     POST   away-decision   403  403  403  404  403  403  403  302  403  302  403  302
decision_render     GET    home-decision   405  405  405  405  405  405  405  405  405  302  405  405
document_download   GET    home-document   200  404  404  200  200  403  404  404  403  302  403  302
document_download   GET    away-document   404  404  404  404  404  403  200  200  403  302  403  302

loan_detail         GET    home-loan       200  404  404  200  200  403  404  404  403  302  403  302
loan_detail         GET    away-loan       404  404  404  404  404  403  200  200  403  302  403  302
loan_status         POST   home-loan       200  404  404  403  403  403  404  403  403  302  403  302
loan_status         POST   away-loan       404  404  404  403  403  403  200  403  403  302  403  302
loan_repayment      POST   home-loan       200  404  404  403  403  403  404  403  403  302  403  302
loan_repayment      GET    home-loan       405  405  405  405  405  405  405  405  405  302  405  405
"""

ROWS = []
for line in MATRIX.strip().splitlines():
    if line.strip():
        name, method, target, *codes = line.split()
        assert len(codes) == len(PERSONAS), line
        ROWS.append((name, method, target, [int(code) for code in codes]))


class Side:
    """One province's objects: a case with a pending and an approved request, a decision PDF, a loan."""

    def __init__(self, caseworker, approver, home: str, name: str):
        today = datetime.date.today()
        agency = caseworker.memberships.get().agency
        self.case = make_case(owner=agency, home=home, full_name=name, received_on=today - datetime.timedelta(days=60),
                              confirmed_on=today - datetime.timedelta(days=40))
        on = today - datetime.timedelta(days=10)

        def ask(code, amount, documents=()):
            [request] = support_request_create(
                user=caseworker, agency=agency, case=self.case, person=self.case.person, application_date=on,
                lines=[LineInput(item=item(LAW53, code), quantity=1, amount=amount)], documents=documents,
            )
            return request

        scan = SimpleUploadedFile("giay-chung-nhan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        # regimes 5-6: decided by the provincial department under Law 53/2024 (1-4 by the receiving body)
        self.approved = ask("vocational_training", 3_000_000,
                            [DocumentInput("poor_household_certificate", "12/GCN", scan=scan)])
        self.decision = decide_all(approver, self.approved)
        self.decision.pdf.save("x.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        self.decision.pdf_status = PdfStatus.READY
        self.decision.save()
        self.pending = ask("job_counselling", 0)
        self.document = self.approved.documents.get()
        self.loan = loan_create(user=caseworker, agency=agency, case=self.case, lender="social_policy_bank",
                                amount=20_000_000, term_months=36, purpose="Chăn nuôi", applied_on=on)


@pytest.fixture
def sides(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return {
        "home": Side(personas["centre_caseworker"], personas["department_approver"], "lang son", "Triệu Thị Lụa"),
        "away": Side(personas["other_caseworker"], personas["other_approver"], "ha noi", "Hầu Thị Súa"),
    }


def url_for(name: str, target: str, sides) -> str:
    if target == "-":
        return reverse(f"support:{name}")
    side, kind = target.split("-")
    objects = sides[side]
    obj = {"case": objects.case, "pending": objects.pending, "approved": objects.approved,
           "decision": objects.decision, "document": objects.document, "loan": objects.loan}[kind]
    return reverse(f"support:{name}", args=[obj.pk])


def test_the_matrix_covers_every_support_url():
    names = {p.name for p in support_urls.urlpatterns if isinstance(p, URLPattern)}
    assert {name for name, *_ in ROWS} == names


@pytest.mark.parametrize(
    ("name", "method", "target", "expected"), ROWS,
    ids=[f"{name}-{method}-{target}" for name, method, target, _ in ROWS],
)
def test_permission_matrix(client_for, sides, name, method, target, expected):
    url = url_for(name, target, sides)
    wrong = []
    for persona, code in zip(PERSONAS, expected, strict=True):
        client = Client() if persona == "anonymous" else client_for(persona)
        response = getattr(client, method.lower())(url, {})
        if response.status_code != code:
            wrong.append(f"{persona}: {response.status_code} (expected {code})")
        if persona == "anonymous" and code == 302:
            assert re.match(r"^/dang-nhap/\?next=", response["Location"])
    assert not wrong, f"{method} {url}: " + ", ".join(wrong)


def test_refused_posts_change_nothing(client_for, sides):
    pending = sides["home"].pending
    for persona in ("centre_caseworker", "department_manager", "other_approver", "border_caseworker"):
        client_for(persona).post(reverse("support:request_decide", args=[pending.pk]), {
            f"line-{line.pk}-decision": "approve" for line in pending.lines.all()
        } | {"decision_date": datetime.date.today().strftime("%d/%m/%Y")})
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING
    assert SupportDecision.objects.count() == 2
    assert Loan.objects.count() == 2


def test_the_competent_approver_decides_but_never_their_own_request(personas, client_for, sides):
    """A user who is both caseworker and approver in the department may not approve what they asked for."""
    department = personas["department_approver"].agency
    both = MembershipFactory(agency=department, role=Role.CASEWORKER).user
    MembershipFactory(agency=department, role=Role.APPROVER, user=both)
    home = sides["home"]
    [own] = support_request_create(
        user=both, agency=department, case=home.case, person=home.case.person,
        application_date=datetime.date.today() - datetime.timedelta(days=5),
        lines=[LineInput(item=item(LAW53, "winter_clothing"), quantity=1)],
    )
    client = Client()
    client.force_login(both)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(both).persistent_id
    session.save()
    data = {f"line-{line.pk}-decision": "approve" for line in own.lines.all()}
    data["decision_date"] = datetime.date.today().strftime("%d/%m/%Y")
    assert client.get(reverse("support:request_decide", args=[own.pk])).status_code == 403
    assert client.post(reverse("support:request_decide", args=[own.pk]), data).status_code == 403
    assert own.pk not in [r.pk for r in client.get(reverse("support:queue")).context["page"]]

    approver = client_for("department_approver")
    assert approver.post(reverse("support:request_decide", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert own.status == RequestStatus.APPROVED


LANG_SON_PERSONAS = ["centre_caseworker", "department_approver", "department_manager"]


@pytest.mark.parametrize("persona", LANG_SON_PERSONAS)
def test_support_lists_do_not_leak_other_provinces(client_for, sides, persona):
    away = sides["away"]
    assert SupportRequest.objects.filter(case=away.case).count() == 2  # the out-of-scope rows exist
    assert away.case.person.full_name == "Hầu Thị Súa"
    client = client_for(persona)
    for params in ({}, {"q": away.case.case_number}, {"status": "pending"}, {"status": "approved"}, {"regime": 1}):
        response = client.get(reverse("support:request_list"), params)
        html = response.content.decode()
        if "q" in params:
            html = html.split("<tbody>", 1)[1]
        assert away.case.case_number not in html and "Súa" not in html
        assert not {away.pending.pk, away.approved.pk} & {r.pk for r in response.context["page"].object_list}


def test_an_agency_type_without_a_department_sees_nothing(client_for, sides):
    """A Lạng Sơn police unit is in the province but neither owns the case nor is the department."""
    assert AgencyType.objects.filter(code="police").exists()
    response = client_for("police_caseworker").get(reverse("support:request_list"))
    assert list(response.context["page"].object_list) == []
