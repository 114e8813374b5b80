"""Permission matrix of the import pages: persona × URL × method → status, on a register uploaded
and checked by the Lạng Sơn centre.

- Caseworkers import for their own agency: the centre's caseworker opens its import; the other
  agencies' caseworkers (a border post, the police, Hà Nội's centre) answer 404 on it.
- Roles that do not import (approvers, managers, statisticians, the ministry) get 403; the partner
  API role never has a browser session (302 to the login).
Empty POSTs are refused or change nothing that matters (asserted after the sweep)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import runs, services
from imports.models import ImportBatch, ImportStatus
from tests.access.personas import PERSONAS
from tests.access.test_anonymous import ALL_URLS
from tests.imports.register import register_xlsx
from tests.imports.register_world import register_rows

pytestmark = pytest.mark.django_db

ALL = frozenset(PERSONAS)
IMPORTERS = frozenset({"centre_caseworker", "border_caseworker", "police_caseworker", "other_caseworker"})
OWNER = frozenset({"centre_caseworker"})


def expect(persona, method, table, in_scope):
    if persona == "partner":
        return 302
    if persona not in IMPORTERS:
        return 403
    if set(table.values()) == {405}:  # the method is refused before any lookup
        return 405
    if persona not in in_scope:
        return 404
    for personas, status in table.items():
        if persona in personas:
            return status
    raise AssertionError(f"no expectation for {persona} {method}")


# name, kwargs, {personas: status} for GET, for POST, in scope
ROWS = [
    ("imports:list", lambda b: {}, {IMPORTERS: 200}, {IMPORTERS: 405}, IMPORTERS),
    ("imports:upload", lambda b: {}, {IMPORTERS: 405}, {IMPORTERS: 400}, IMPORTERS),
    ("imports:template", lambda b: {}, {IMPORTERS: 200}, {IMPORTERS: 405}, IMPORTERS),
    ("imports:template_kind", lambda b: {"kind": "reception"}, {IMPORTERS: 200}, {IMPORTERS: 405}, IMPORTERS),
    ("imports:detail", lambda b: {"pk": b.pk}, {OWNER: 200}, {OWNER: 405}, OWNER),
    ("imports:progress", lambda b: {"pk": b.pk}, {OWNER: 200}, {OWNER: 405}, OWNER),
    ("imports:pick_places", lambda b: {"pk": b.pk}, {OWNER: 405}, {OWNER: 302}, OWNER),
    ("imports:confirm", lambda b: {"pk": b.pk}, {OWNER: 405}, {OWNER: 302}, OWNER),
    ("imports:undo", lambda b: {"pk": b.pk}, {OWNER: 405}, {OWNER: 302}, OWNER),
]


@pytest.fixture
def batch(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    centre = personas["centre_caseworker"]
    receptions, children, *_ = register_rows(6)
    data = register_xlsx({"reception": receptions, "child": children})
    batch = services.import_upload(user=centre, agency=centre.agency,
                                   file=SimpleUploadedFile("so-2019.xlsx", data), queue=False)
    runs.check_batch(batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


@pytest.mark.parametrize(("name", "kwargs", "get", "post", "in_scope"), ROWS, ids=[row[0].split(":")[1] for row in ROWS])
def test_matrix(batch, client_for, name, kwargs, get, post, in_scope):
    url = reverse(name, kwargs=kwargs(batch))
    wrong = []
    for persona in sorted(ALL):
        client = client_for(persona)
        for method, table in (("get", get), ("post", post)):
            expected = expect(persona, method, table, in_scope)
            response = getattr(client, method)(url)
            if response.status_code != expected:
                wrong.append(f"{persona} {method.upper()} {url}: {response.status_code}, expected {expected}")
            if expected in (403, 404) and batch.file_name.encode() in response.content:
                wrong.append(f"{persona} {method.upper()} {url}: the refusal names the file")
    assert wrong == []
    batch.refresh_from_db()
    assert batch.status in (ImportStatus.VALIDATED, ImportStatus.IMPORTING)  # only the owner's confirm moves it
    assert ImportBatch.objects.count() == 1, "an empty upload stored a file"


def test_every_import_url_has_a_row():
    assert {name for name, _ in ALL_URLS if name.startswith("imports:")} == {row[0] for row in ROWS}


def test_an_agency_sees_only_its_own_imports(batch, client_for):
    own = client_for("centre_caseworker").get(reverse("imports:list")).content.decode()
    assert "so-2019.xlsx" in own and own.count('data-testid="import-row"') == 1
    other = client_for("other_caseworker").get(reverse("imports:list")).content.decode()
    assert "so-2019.xlsx" not in other and 'data-testid="no-imports"' in other


def test_the_menu_shows_imports_to_caseworkers_only(batch, client_for):
    url = reverse("imports:list")
    assert url in client_for("centre_caseworker").get(reverse("home")).content.decode()
    assert url not in client_for("department_approver").get(reverse("home")).content.decode()
