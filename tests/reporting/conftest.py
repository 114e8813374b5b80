import pytest
from django.db import transaction

from tests.reporting.population import build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The known population (tests/reporting/population.py), built once per module and rolled back."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
