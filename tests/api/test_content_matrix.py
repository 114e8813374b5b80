"""The API's content matrix: every GET endpoint (lists, and details with both files' ids), as each
caller, shows no word its reader may not see; in-scope readers do see them (tests/api/world.py
plants the words). The partner's share has no identity: it reads the case, masked."""

import pytest

from accounts.roles import Role
from config.api.urls import router
from tests.api.world import SECRETS, api_for, make_token

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
                        ("cases", "home", "means"), ("facilities", "home", "shelter")],
    "other_caseworker": [("cases", "away", "name")],
}
MASKED = {"partner": "T. T. H.", "home_statistician": "T. T. H."}


def _ids(planted):
    return {"cases": planted.case.pk, "persons": planted.person.pk, "support-requests": planted.request.pk,
            "deliveries": None, "facilities": planted.facility.pk, "stays": planted.stay.pk}


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
