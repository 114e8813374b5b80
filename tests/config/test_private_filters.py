"""Search filters that carry personal data stay out of URLs (and so out of history and access logs)."""

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from config import private_filters

pytestmark = pytest.mark.django_db

NAME = "Triệu Thị Hằng"


def request(method="get", data=None, path="/ho-so/", session=None):
    factory = RequestFactory()
    req = getattr(factory, method)(path, data or {})
    req.session = session if session is not None else SessionStore()
    return req


def test_a_posted_search_is_kept_under_a_short_opaque_key():
    response = private_filters.params(request("post", {"q": NAME, "status": "received", "sort": "name"}), "list")
    assert isinstance(response, HttpResponse) and response.status_code == 302
    location = response["Location"]
    assert re.fullmatch(r"/ho-so/\?f=[\w-]{8}&sort=name", location)
    assert "q=" not in location and "status=" not in location  # (the key is random: no substring test)


def test_the_key_brings_the_filters_back_with_page_and_sort_from_the_url():
    session = SessionStore()
    location = private_filters.params(request("post", {"q": NAME}, session=session), "list")["Location"]
    key = location.split("f=")[1]
    params = private_filters.params(request("get", {"f": key, "page": "3", "sort": "-number"}, session=session), "list")
    assert params.get("q") == NAME and params.get("page") == "3" and params.get("sort") == "-number"


def test_a_key_of_another_list_or_session_finds_nothing():
    session = SessionStore()
    key = private_filters.params(request("post", {"q": NAME}, session=session), "list")["Location"].split("f=")[1]
    assert not private_filters.params(request("get", {"f": key}, session=session), "other-list")
    assert not private_filters.params(request("get", {"f": key}), "list")  # another session
    assert not private_filters.params(request("get", {"f": "bogus"}, session=session), "list")


def test_a_url_that_carries_a_name_is_moved_into_the_session():
    session = SessionStore()
    response = private_filters.params(request("get", {"q": NAME, "page": "2"}, session=session), "list")
    assert response.status_code == 302 and "q=" not in response["Location"] and "page=2" in response["Location"]
    key = re.search(r"f=([\w-]+)", response["Location"]).group(1)
    assert private_filters.params(request("get", {"f": key}, session=session), "list").get("q") == NAME


def test_the_same_search_twice_reuses_its_key_and_old_keys_are_dropped():
    session = SessionStore()
    first = private_filters.params(request("post", {"q": NAME}, session=session), "list")["Location"]
    again = private_filters.params(request("post", {"q": NAME}, session=session), "list")["Location"]
    assert first == again
    for i in range(private_filters.MAX_SAVED + 5):
        private_filters.params(request("post", {"q": f"x{i}"}, session=session), "list")
    assert len(session[private_filters.SESSION_KEY]) == private_filters.MAX_SAVED


def test_an_empty_search_goes_back_to_the_plain_list():
    response = private_filters.params(request("post", {"q": "", "status": ""}), "list")
    assert response["Location"] == "/ho-so/"


# The pages that use it --------------------------------------------------------------------------

def test_the_case_list_search_never_puts_the_name_in_the_url(client_for, personas):
    from tests.victims.factories import CaseFactory, PersonFactory

    case = CaseFactory(receiving_agency=personas["centre_caseworker"].agency, person=PersonFactory(full_name=NAME))
    client = client_for("centre_caseworker")
    page = client.get("/ho-so/").content.decode()
    assert re.search(r'<form method="post" action="/ho-so/"[^>]*data-testid="case-filters"', page)

    response = client.post("/ho-so/", {"q": "trieu thi hang", "sort": "name"})
    assert response.status_code == 302 and re.fullmatch(r"/ho-so/\?f=[\w-]{8}&sort=name", response["Location"])
    listing = client.get(response["Location"])
    assert [c.pk for c in listing.context["cases"]] == [case.pk]
    html = listing.content.decode()
    for href in re.findall(r'href="([^"]*)"', html):  # sort and page links keep the key, not the name
        assert "trieu" not in href.lower() and "q=" not in href
    assert client.get("/ho-so/", {"q": "trieu"})["Location"].startswith("/ho-so/?f=")  # an old bookmark


def test_the_residents_search_never_puts_the_name_in_the_url(client_for):
    from django.urls import reverse

    client = client_for("centre_caseworker")
    url = reverse("facilities:stays")
    page = client.get(url).content.decode()
    assert f'<form method="post" action="{url}"' in page
    response = client.post(url, {"q": "Hằng", "state": "all"})
    # Only the opaque key travels (a random key may contain any letter: match the shape, not letters).
    assert response.status_code == 302 and re.fullmatch(rf"{url}\?f=[\w-]{{8}}", response["Location"])
    result = client.get(response["Location"])
    assert result.status_code == 200 and result.context["q"] == "Hằng" and result.context["state"] == "all"


def test_production_access_logs_carry_no_query_strings():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for text in ((root / "Dockerfile").read_text(), (root / "docker-compose.yml").read_text()):
        assert "--access-logformat" in text
        fmt = text.split("--access-logformat", 1)[1][:120]
        assert "%(U)s" in fmt  # the path only
        for atom in ("%(r)s", "%(q)s", "%(f)s", "%({"):  # request line, query, referer, headers
            assert atom not in fmt
