"""Schemathesis against the live schema, served by the application itself (in-process WSGI, the
test database), with a partner token: no server error and no response that breaks the schema.
Its configuration is /schemathesis.toml (checks, examples per operation and mode)."""

import tomllib
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from accounts.models import ApiScope
from accounts.roles import Role
from tests.api.world import make_token

pytestmark = pytest.mark.django_db

APP = WSGIHandler()
CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The application runs in this thread on the test's transaction: it must not close the
    connection at the end of a request (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def partner_headers(world):
    _client, _token, secret = make_token(world.agencies["DT-HN"], role=Role.PARTNER_API, scopes=list(ApiScope.values))
    return {"Authorization": f"Token {secret}"}


@pytest.fixture
def api_schema(partner_headers, keep_the_test_connection):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", APP, headers=partner_headers,
                                          config=SchemathesisConfig.from_path(CONFIG))


@pytest.mark.timeout(900)  # ~100 s alone; more on a shared, busy machine
def test_the_api_keeps_its_schema(api_schema, partner_headers):
    """Every operation, with valid and invalid inputs (schemathesis' pytest plugin does not run on
    this pytest: its strategies are driven by Hypothesis here)."""
    options = tomllib.loads(CONFIG.read_text())
    examples = options["generation"]["max-examples"]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14
    calls, skipped = 0, []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
            def check(case):
                nonlocal calls
                calls += 1
                case.call_and_validate(headers=partner_headers)

            try:
                check()
            except Unsatisfiable:
                # An operation without inputs to get wrong (GET /api/v1/): no negative case exists.
                assert mode == GenerationMode.NEGATIVE, operation.label
                skipped.append(operation.label)
    assert calls >= 250 and len(skipped) <= 2, (calls, skipped)
