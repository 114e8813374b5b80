"""The API's content matrix: every GET endpoint (lists, and details with both files' ids), as each
caller, shows no word its reader may not see; in-scope readers do see them (tests/api/world.py
plants the words). The partner's share has no identity: it reads the case, masked.
Each file also has a waiting referral (home: the Lạng Sơn centre to the Hà Nội centre, sharing the
identity; away: the other way) and a hotline contact whose caller is the victim: before acceptance
the receiver reads the referral without the victim; callers are masked as on the pages."""

import pytest

from accounts.roles import Role
from config.api.urls import router
from tests.api.world import SECRETS, api_for, make_token
from victims import referrals
from victims.contacts import contact_record
from victims.models import (
    Case,
    ContactChannel,
    ContactKind,
    ContactOutcome,
    ServiceKind,
    SharedPart,
)

pytestmark = pytest.mark.django_db

IDENTITY = ("name", "address", "id_number", "stay_reason", "means")
MAY_SEE = {
    "partner": {},  # shared without identity; no facility.view_address
    "other_caseworker": {"away": {*IDENTITY, "shelter"}},
    "home_caseworker": {"home": {*IDENTITY, "shelter"}},
    "home_statistician": {},  # the centre's own file, masked
}
CLIENTS = {
    "partner": ("DT-HN", Role.PARTNER_API), "other_caseworker": ("TT-HN", Role.CASEWORKER),
    "home_caseworker": ("TT-LS", Role.CASEWORKER), "home_statistician": ("TT-LS", Role.STATISTICIAN),
}
MUST_SHOW = {
    "home_caseworker": [("cases", "home", "name"), ("persons", "home", "id_number"), ("stays", "home", "stay_reason"),
                        ("cases", "home", "means"), ("facilities", "home", "shelter"), ("referrals", "home", "name"),
                        ("contacts", "home", "name"), ("contacts", "home", "means")],
    "other_caseworker": [("cases", "away", "name"), ("contacts", "away", "id_number")],
}
MASKED = {"partner": "T. T. H.", "home_statistician": "T. T. H."}


def _ids(planted):
    return {"cases": planted.case.pk, "persons": planted.person.pk, "support-requests": planted.request.pk,
            "deliveries": None, "facilities": planted.facility.pk, "stays": planted.stay.pk,
            "referrals": planted.referral.pk, "contacts": planted.contact.pk,
            # Aggregates, activities, reports (no victim data) and the de-identified dataset: their lists only.
            "statistics": None, "programme-activities": None, "deidentified-dataset": None, "reports": None}


def _caseworker(agency):
    return agency.memberships.filter(role=Role.CASEWORKER).first().user


def _refer_and_log(world):
    for side, receiver in (("home", "TT-HN"), ("away", "TT-LS")):
        planted = getattr(world, side)
        words = SECRETS[side]
        centre = planted.case.owning_agency
        planted.referral = referrals.referral_send(
            user=_caseworker(centre), case=planted.case, receiving_agency=world.agencies[receiver],
            reason="Cần tạm trú", services=[ServiceKind.SHELTER], shared_parts=[SharedPart.IDENTITY])
        planted.contact = contact_record(
            user=_caseworker(centre), agency=centre, occurred_at=planted.case.created_at,
            channel=ContactChannel.HOTLINE_111, kind=ContactKind.SUSPECTED_CASE, outcome=ContactOutcome.ANSWERED,
            caller_name=words["name"], caller_phone=words["id_number"], summary=f"Nghi bị {words['means']}")


def _pages(world):
    pages = [("root", "-", "/api/v1/")]
    for prefix, _viewset, _basename in router.registry:
        pages.append((prefix, "-", f"/api/v1/{prefix}/"))
        for side in ("home", "away"):
            pk = _ids(getattr(world, side))[prefix]
            if pk is not None:
                pages.append((prefix, side, f"/api/v1/{prefix}/{pk}/"))
    return pages


@pytest.mark.parametrize("reader", sorted(MAY_SEE))
def test_no_endpoint_shows_what_its_reader_may_not_see(world, reader):
    agency, role = CLIENTS[reader]
    _refer_and_log(world)
    api = api_for(make_token(world.agencies[agency], role=role)[2])
    allowed = MAY_SEE[reader]
    forbidden = {f"{side}.{kind}": word for side, words in SECRETS.items() for kind, word in words.items()
                 if kind not in allowed.get(side, set())}
    must = {(prefix, side): kind for prefix, side, kind in MUST_SHOW.get(reader, [])}
    leaks, shown, bodies = [], set(), []
    for prefix, side, url in _pages(world):
        body = api.get(url).content.decode()
        bodies.append(body)
        leaks += [f"{reader} GET {url} shows {what}" for what, word in forbidden.items() if word in body]
        for list_side in ("home", "away"):
            if (prefix, list_side) in must and side in (list_side, "-") and SECRETS[list_side][must[prefix, list_side]] in body:
                shown.add((prefix, list_side))
    assert not leaks, "\n".join(leaks)
    assert shown == set(must), f"{reader} did not see {set(must) - shown}"
    if reader in MASKED:
        assert any(MASKED[reader] in body for body in bodies)


def test_the_receiver_reads_the_referral_not_the_file_until_it_accepts(world):
    """Before acceptance: the referral, no victim (not even initials). After accepting a referral
    that shares the identity: the name, on the referral and the case, but never the health notes."""
    Case.objects.filter(pk=world.home.case.pk).update(health_notes="Viêm gan siêu vi B")
    _refer_and_log(world)
    receiver = api_for(make_token(world.agencies["TT-HN"], role=Role.CASEWORKER)[2])
    name, masked = SECRETS["home"]["name"], "T. T. H."
    referral_url = f"/api/v1/referrals/{world.home.referral.pk}/"
    before = [receiver.get(url) for url in ("/api/v1/referrals/", referral_url)]
    assert all(response.status_code == 200 for response in before)
    assert receiver.get(f"/api/v1/cases/{world.home.case.pk}/").status_code == 404
    for response in before:
        body = response.content.decode()
        assert name not in body and masked not in body
    assert before[1].json()["victim"] is None

    accepted = receiver.post(f"{referral_url}accept/", {"note": "Đã nhận"}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["victim"]["name"] == name
    bodies = [receiver.get(url).content.decode() for url in (
        "/api/v1/referrals/", referral_url, f"/api/v1/cases/{world.home.case.pk}/", "/api/v1/cases/",
        f"/api/v1/persons/{world.home.person.pk}/")]
    assert all(name in body for body in bodies)
    assert not any("Viêm gan" in body for body in bodies)
