"""The OpenAPI schema: valid, without warnings (as CI runs it), and documenting the errors partners
handle; the docs pages are for signed-in users and load nothing from outside."""

import re

import pytest
import yaml
from django.core.management import call_command

from tests.api.world import api_for, make_token

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    paths = schema["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "429"} <= codes, (method, path, codes)
            if "{id}" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "patch"):
                assert {"400", "409"} <= codes, (method, path, codes)
            if method == "patch":
                assert "412" in codes and any(p["name"] == "If-Match" for p in operation["parameters"])
    create = paths["/api/v1/deliveries/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "422" in create["responses"]
    assert set(schema["components"]["securitySchemes"]) == {"partnerToken", "browserSession"}


def test_the_docs_page_is_for_signed_in_users_and_vendored(client_for, client):
    assert client.get("/api/v1/docs/").status_code == 302
    browser = client_for("centre_caseworker")
    page = browser.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/") for src in sources), sources
    assert "cdn" not in html.lower()
    from django.contrib.staticfiles import finders

    for src in sources:
        if src.startswith("/static/"):  # shipped with the code (collectstatic serves them)
            assert finders.find(src.removeprefix("/static/").split("?")[0]), src
    redoc = browser.get("/api/v1/redoc/")
    assert redoc.status_code == 200 and "cdn" not in redoc.content.decode().lower()


def test_a_token_reads_the_schema(personas):
    api = api_for(make_token(personas["partner"].agency)[2])
    assert api.get("/api/v1/schema/").status_code == 200
