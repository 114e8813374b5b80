"""Permission matrix of the foundation pages (accounts, admin): persona × URL × method → status.

Every signed-in persona, whatever its role, reaches its own home page and the administrative-unit
search (no victim data there); the admin is for system administrators only; a membership can be
switched to only by its own user.
"""

import pytest

from tests.access.personas import PERSONAS

ALL_PERSONAS = sorted(PERSONAS)
# The partner API role never has a browser session: its every page sends it to the sign-in page.
BROWSER_PERSONAS = [p for p in ALL_PERSONAS if p != "partner"]

# url, method, expected status for every persona
OPEN_TO_EVERY_SIGNED_IN_USER = [
    ("/", "get", 200),
    ("/don-vi-hanh-chinh/", "get", 200),
    ("/don-vi-hanh-chinh/?level=province&q=ha+noi", "get", 200),
    ("/dang-nhap/xac-thuc/", "get", 302),  # already verified: sent on
    ("/dang-nhap/thiet-lap-xac-thuc/", "get", 302),  # already enrolled: sent to verification
    ("/admin/", "get", 302),  # not staff: sent away from the admin
]


@pytest.mark.parametrize("persona", BROWSER_PERSONAS)
@pytest.mark.parametrize(("url", "method", "expected"), OPEN_TO_EVERY_SIGNED_IN_USER)
def test_foundation_pages(client_for, persona, url, method, expected):
    response = getattr(client_for(persona), method)(url)
    assert response.status_code == expected


@pytest.mark.parametrize(("url", "method", "expected"), [
    *OPEN_TO_EVERY_SIGNED_IN_USER, ("/ho-so/", "get", 302), ("/vai-tro/", "post", 302),
])
def test_the_partner_api_role_is_refused_in_the_browser(client_for, url, method, expected):
    client = client_for("partner")
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?")
    assert "_auth_user_id" not in client.session  # the session is over, not just redirected


@pytest.mark.parametrize("persona", [p for p in BROWSER_PERSONAS if p != "no_agency"])
def test_a_membership_is_switched_to_only_by_its_user(client_for, personas, persona):
    client = client_for(persona)
    own = personas[persona].memberships.get()
    assert client.post("/vai-tro/", {"membership": own.pk}).status_code == 302
    foreign = personas["other_caseworker" if persona != "other_caseworker" else "centre_caseworker"]
    assert client.post("/vai-tro/", {"membership": foreign.memberships.get().pk}).status_code == 404
    assert client.get("/vai-tro/").status_code == 405


def test_logout_is_post_only_for_everyone(client_for):
    client = client_for("centre_caseworker")
    assert client.get("/dang-xuat/").status_code == 405
    assert client.post("/dang-xuat/").status_code == 302


def test_membership_ids_that_are_not_numbers_answer_404_not_500(client_for):
    client = client_for("centre_caseworker")
    for bad in ("abc", "", "1.5", "-1", "99999999999999999999999", "١"):
        assert client.post("/vai-tro/", {"membership": bad}).status_code == 404, bad


# Locked accounts: agency managers (their own staff) and system administrators only.
@pytest.mark.parametrize("persona", BROWSER_PERSONAS)
def test_the_locked_accounts_page(client_for, persona):
    expected = 200 if persona == "department_manager" else 403
    client = client_for(persona)
    assert client.get("/tai-khoan-bi-khoa/").status_code == expected
    assert client.post("/tai-khoan-bi-khoa/", {}).status_code == 405
    assert client.get("/tai-khoan-bi-khoa/1/mo-khoa/").status_code == 405
