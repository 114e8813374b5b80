"""The API load case's parts that run inside a test transaction: its partner token opens the list
and the root it is compared with (the gunicorn and wrk side needs committed data: `make bench`)."""

import pytest
from rest_framework.test import APIClient

from bench.cases import _api_token
from bench.context import Bench
from bench.synthetic.generator import Generator

pytestmark = pytest.mark.django_db


def test_the_partner_token_of_the_load_case_lists_cases():
    Generator(persons=300, seed=3, long_every=100, log=lambda *_: None).run()
    secret = _api_token(Bench())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/").status_code == 200
    response = api.get("/api/v1/cases/")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["results"]
