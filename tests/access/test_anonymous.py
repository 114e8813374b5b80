"""Walk every URL the project serves: an anonymous visitor may open only the allow-listed ones."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Pages an anonymous visitor may open (by URL name). Everything else must send them to sign in.
ANONYMOUS_ALLOWED = {
    "accounts:login",
    "accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "healthz",
    "set_language",  # POST-only language switch: shows nothing
}
# Django's own admin pages are listed by name prefix: all of them must redirect.
SAMPLE_VALUES = {"int": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000001",
                 "path": "x"}


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from walk(pattern, route, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


def concrete(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "1"), route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)  # regex routes (admin)
    route = route.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + route


ALL_URLS = sorted(set(walk()))
PROTECTED_URLS = [(name, route) for name, route in ALL_URLS if name not in ANONYMOUS_ALLOWED]


def test_the_walker_sees_the_project():
    names = {name for name, _ in ALL_URLS}
    assert {"home", "accounts:login", "healthz", "admin:index"} <= names
    assert names >= ANONYMOUS_ALLOWED, "the allow-list names a URL that no longer exists"
    assert len(PROTECTED_URLS) > 20


# The API answers machines: without a token or a session it refuses with 401 (JSON), never a page.
API_PAGES = {"api:docs", "api:redoc"}  # the docs pages are for signed-in officials: sign-in redirect


def _is_api(name: str) -> bool:
    return name.startswith("api:") and name not in API_PAGES


@pytest.mark.parametrize(("name", "route"), PROTECTED_URLS, ids=[n for n, _ in PROTECTED_URLS])
def test_anonymous_visitors_only_reach_the_sign_in_page(client, name, route):
    url = concrete(route)
    if _is_api(name):
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(url)
            assert response.status_code in (401, 405), f"{method.upper()} {url} answered {response.status_code}"
            if response.status_code == 401:
                assert not response["Content-Type"].startswith("text/html")  # JSON (the schema: OpenAPI)
                assert response.has_header("WWW-Authenticate")
        return
    for method in ("get", "post"):
        response = getattr(client, method)(url, follow=True)
        if response.status_code in (404, 405):
            continue
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        assert response.redirect_chain, f"{method.upper()} {url} answered {response.status_code} without sign-in"
        assert final.startswith("/dang-nhap/"), f"{method.upper()} {url} ended at {final}"
        assert response.status_code in (200, 401, 403)
