"""Permission matrix of the intake wizard: persona × URL × method × case in/out of scope → status.

- The start page (register a reception) needs an acting role with `case.create`: 403 otherwise.
- The declaration steps need a role with `case.edit` and `case.view_identity` (403 otherwise) and the
  case in scope for both (404 otherwise: never say that it exists). A closed case is read-only:
  GET 200, POST 403 with a message.
- The commune search is for every signed-in user (administrative units are public data).
- GET-only pages answer 405 to a POST; an anonymous visitor is sent to sign in (also checked for every
  URL by tests/access/test_anonymous.py).

Cases (all exist before anything is asserted):
  own       owned by the Lạng Sơn border post (BP-LS)
  shared    owned by the Lạng Sơn centre (TT-LS), shared with the Lạng Sơn police (CA-LS) for editing
  elsewhere owned by the Hà Nội centre (TT-HN)
  closed    owned by BP-LS, closed
"""

import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Action
from tests.access.personas import PERSONAS
from tests.victims.factories import CaseAccessGrantFactory, CaseFactory, PersonFactory, days_ago
from victims.models import Case, CaseChild, Consent, Person, ReceptionChannel, Sex
from victims.workflow import Status

pytestmark = pytest.mark.django_db

CASE_KEYS = ("own", "shared", "elsewhere", "closed")
OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, SIGN_IN = 200, 403, 404, 405, "sign-in"
REDIRECT = 302

# Who may fill the declaration of which case (all other caseworkers: 404).
EDITS = {
    "border_caseworker": {"own", "closed"},
    "centre_caseworker": {"shared"},
    "police_caseworker": {"shared"},
    "other_caseworker": {"elsewhere"},
}
# Roles that may never register receptions nor fill declarations: 403 whatever the case.
ROLE_REFUSED = {
    "department_approver", "department_manager", "department_statistician", "other_approver",
    "ministry_analyst", "no_agency",
}
# The partner API role never has a browser session: every page signs it out.
MACHINE = {"partner"}
CASE_CREATORS = set(EDITS)
assert set(PERSONAS) == ROLE_REFUSED | CASE_CREATORS | MACHINE

STEPS = ["tiep-nhan", "nhan-than", "dia-chi", "ngon-ngu", "mua-ban", "tre-em", "nhu-cau", "dong-y"]


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def step_data(slug: str, case: Case) -> dict:
    """Valid data for a step: in scope it is saved (302), refused it changes nothing."""
    return {
        "tiep-nhan": {"reception_channel": ReceptionChannel.RESCUED, "received_on": dmy(case.received_on)},
        "nhan-than": {"full_name": "Tên Đã Sửa", "sex": Sex.FEMALE, "birth_year": "2000", "nationality": "VN"},
        "dia-chi": {"abroad_address": "Quảng Tây, Trung Quốc"},
        "ngon-ngu": {"language": "Tiếng Mông"},
        "mua-ban": {"destination_country": "CN", "purposes": ["forced_labour"]},
        "tre-em": {"full_name": "Lò Văn Bình", "sex": Sex.MALE, "relationship": "child",
                   "birth_year": str(timezone.localdate().year - 3)},
        "nhu-cau": {"immediate_needs": "Chỗ ở tạm"},
        "dong-y": {"person": str(case.person_id), "given": "yes", "share_with": ["police"],
                   "recorded_on": dmy(timezone.localdate())},
    }[slug]


# (url name, method) → expected(persona, case key) for the pages of one case.
def step_get(persona, key):
    if persona in MACHINE:
        return SIGN_IN
    if persona in ROLE_REFUSED:
        return FORBIDDEN
    return OK if key in EDITS[persona] else NOT_FOUND


def step_post(persona, key):
    if persona in MACHINE:
        return SIGN_IN
    if persona in ROLE_REFUSED:
        return FORBIDDEN
    if key not in EDITS[persona]:
        return NOT_FOUND
    return FORBIDDEN if key == "closed" else REDIRECT


def entry_get(persona, key):
    if persona in MACHINE:
        return SIGN_IN
    if persona in ROLE_REFUSED:
        return FORBIDDEN
    return REDIRECT if key in EDITS[persona] else NOT_FOUND


CASE_URLS = [
    ("victims:intake", None, "get", entry_get),
    ("victims:intake", None, "post", lambda persona, key: SIGN_IN if persona in MACHINE else NOT_ALLOWED),
    ("victims:intake_summary", None, "get", step_get),
    ("victims:intake_summary", None, "post", lambda persona, key: SIGN_IN if persona in MACHINE else NOT_ALLOWED),
    *[("victims:intake_step", slug, method, rule) for slug in STEPS
      for method, rule in (("get", step_get), ("post", step_post))],
]


@pytest.fixture
def cases(personas):
    agency = {name: user.agency for name, user in personas.items()}
    own = CaseFactory(receiving_agency=agency["border_caseworker"], created_by=personas["border_caseworker"],
                      person=PersonFactory(full_name="Lò Thị Mai"))
    shared = CaseFactory(receiving_agency=agency["centre_caseworker"], created_by=personas["centre_caseworker"],
                         person=PersonFactory(full_name="Vàng Thị Dua"))
    CaseAccessGrantFactory(case=shared, grantee_agency=agency["police_caseworker"], granted_by=shared.created_by,
                           actions=[Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY, Action.CASE_EDIT])
    elsewhere = CaseFactory(receiving_agency=agency["other_caseworker"], created_by=personas["other_caseworker"],
                            person=PersonFactory(full_name="Hoàng Thị Lan"))
    closed = CaseFactory(receiving_agency=agency["border_caseworker"], created_by=personas["border_caseworker"],
                         person=PersonFactory(full_name="Sùng Thị Của"), status=Status.CLOSED)
    found = {"own": own, "shared": shared, "elsewhere": elsewhere, "closed": closed}
    # The leak check: every case exists before any answer about it is trusted.
    assert Case.objects.filter(pk__in=[c.pk for c in found.values()]).count() == len(CASE_KEYS)
    assert own.province.name_folded.endswith("lang son") and elsewhere.province.name_folded.endswith("ha noi")
    return found


def fingerprint():
    """What a refused request must not change."""
    return (
        sorted(Person.objects.values_list("pk", "full_name", "language", "abroad_address", "birth_year")),
        sorted(Case.objects.values_list("pk", "reception_channel", "purposes", "immediate_needs",
                                        "destination_country", "status")),
        CaseChild.objects.count(), Consent.objects.count(), Case.objects.count(),
    )


def request(client, method, url, data=None):
    return client.get(url) if method == "get" else client.post(url, data or {})


def status_of(response):
    if response.status_code == 302 and response["Location"].startswith("/dang-nhap/"):
        return SIGN_IN
    return response.status_code


@pytest.mark.parametrize("persona", sorted(PERSONAS))
@pytest.mark.parametrize(
    ("url_name", "slug", "method", "rule"), CASE_URLS,
    ids=[f"{name.split(':')[1]}{'/' + slug if slug else ''}-{method}" for name, slug, method, _ in CASE_URLS],
)
def test_declaration_pages(client_for, cases, persona, url_name, slug, method, rule):
    client = client_for(persona)
    wrong = []
    for key in CASE_KEYS:
        case = cases[key]
        args = [case.pk, slug] if slug else [case.pk]
        before = fingerprint()
        response = request(client, method, reverse(url_name, args=args), step_data(slug, case) if slug else None)
        expected = rule(persona, key)
        if status_of(response) != expected:
            wrong.append((key, status_of(response), expected))
        if expected != REDIRECT and method == "post":
            assert fingerprint() == before, f"{persona} changed case {key} with a refused POST"
        if expected == NOT_FOUND:
            assert case.person.full_name not in response.content.decode()
    assert not wrong, f"{persona} {method.upper()} {url_name} {slug or ''}: (case, got, expected) {wrong}"


def test_an_in_scope_post_saves(client_for, cases):
    client = client_for("police_caseworker")
    response = client.post(reverse("victims:intake_step", args=[cases["shared"].pk, "ngon-ngu"]),
                           step_data("ngon-ngu", cases["shared"]))
    assert response.status_code == 302
    assert Person.objects.get(pk=cases["shared"].person_id).language == "Tiếng Mông"


START_EXPECTED = {
    persona: {"get": OK, "post": REDIRECT} if persona in CASE_CREATORS
    else {"get": SIGN_IN, "post": SIGN_IN} if persona in MACHINE else {"get": FORBIDDEN, "post": FORBIDDEN}
    for persona in PERSONAS
}


def reception():
    return {"token": uuid.uuid4().hex, "reception_channel": ReceptionChannel.SELF_REPORTED,
            "received_on": dmy(days_ago(1)), "full_name": "Nguyễn Thị Hoa", "sex": Sex.FEMALE,
            "birth_year": "2001"}


@pytest.mark.parametrize("persona", sorted(PERSONAS))
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_start_page(client_for, personas, cases, persona, method):
    client = client_for(persona)
    before = Case.objects.count()
    response = request(client, method, reverse("victims:intake_start"), reception())

    assert status_of(response) == START_EXPECTED[persona][method]
    created = Case.objects.count() - before
    assert created == (1 if START_EXPECTED[persona][method] == REDIRECT else 0)
    if created:
        case = Case.objects.latest("pk")
        assert case.receiving_agency == personas[persona].agency  # the acting agency, nobody else's
        assert case.created_by == personas[persona]


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - MACHINE))
def test_the_commune_search(client_for, persona):
    client = client_for(persona)
    assert client.get(reverse("victims:intake_communes"), {"q": "lang"}).status_code == OK
    assert client.post(reverse("victims:intake_communes")).status_code == NOT_ALLOWED


@pytest.mark.parametrize(
    ("url_name", "slug", "method"),
    [("victims:intake_start", None, "get"), ("victims:intake_start", None, "post"),
     ("victims:intake_communes", None, "get"), ("victims:intake", True, "get"),
     ("victims:intake_summary", True, "get"),
     *[("victims:intake_step", slug, method) for slug in STEPS for method in ("get", "post")]],
)
def test_anonymous_visitors_are_sent_to_sign_in(cases, url_name, slug, method):
    case = cases["own"]
    if slug is None:
        url = reverse(url_name)
    elif slug is True:
        url = reverse(url_name, args=[case.pk])
    else:
        url = reverse(url_name, args=[case.pk, slug])
    if url_name == "victims:intake_start":
        data = reception()
    else:
        data = step_data(slug, case) if isinstance(slug, str) else None
    before = fingerprint()
    response = request(Client(), method, url, data)
    assert status_of(response) == SIGN_IN
    assert fingerprint() == before
