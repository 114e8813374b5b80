"""The replica router: reporting reads go to the `replica` alias when one is configured, writes and
migrations never. Tested with the replica pointing at the same (test) database."""

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import AdministrativeUnit, AgencyType
from config.db_router import (
    REPLICA,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    read_alias,
    replica_reads,
)


def test_without_a_replica_reporting_reads_stay_on_default(settings):
    settings.DATABASES = {"default": settings.DATABASES["default"]}  # (the fixture below may have run)
    with replica_reads():
        assert read_alias() == "default"


def test_migrations_run_on_default_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "victims") and not router.allow_migrate(REPLICA, "victims")
    assert router.db_for_write(AgencyType) == "default"


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """DATABASE_REPLICA_URL set to the primary's own database (module scope: the alias must exist
    before the test's database access is prepared)."""
    connections.settings[REPLICA] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    django_settings.DATABASES[REPLICA] = connections.settings[REPLICA]
    yield REPLICA
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    connections.settings.pop(REPLICA, None)
    django_settings.DATABASES.pop(REPLICA, None)


@pytest.mark.django_db(databases=["default", REPLICA])
def test_a_reporting_read_goes_to_the_replica_and_a_write_to_default(replica):
    assert read_alias() == "default"  # outside a reporting context: the primary
    with replica_reads():
        with CaptureQueriesContext(connections[REPLICA]) as on_replica, \
                CaptureQueriesContext(connections["default"]) as on_default:
            provinces = AdministrativeUnit.objects.provinces()
            assert provinces.db == REPLICA and provinces.count() == 34  # loaded by a migration
            AgencyType.objects.create(code="replica-test", name_vi="Thử", name_en="Test")
        assert AgencyType.objects.filter(code="replica-test").select_for_update().db == "default"
    assert len(on_replica) == 1 and "accounts_administrativeunit" in on_replica[0]["sql"]
    assert any(query["sql"].startswith("INSERT") for query in on_default)
    assert not any(query["sql"].startswith("INSERT") for query in on_replica)


def test_the_middleware_reads_the_reporting_namespaces_from_the_replica(replica, settings):
    settings.REPLICA_READ_NAMESPACES = ("victims",)  # the reporting pages are not merged yet
    middleware = ReplicaReadsMiddleware(lambda request: read_alias())
    assert middleware(RequestFactory().get("/ho-so/")) == REPLICA
    assert middleware(RequestFactory().post("/ho-so/")) == "default"  # a form may write, then read
    assert middleware(RequestFactory().get("/co-so/")) == "default"


@pytest.mark.django_db(databases=["default", REPLICA])
def test_the_dashboard_aggregates_are_read_from_the_replica(replica):
    """The statistics run raw aggregate statements: they follow the router like the ORM's reads."""
    import datetime

    from reporting.scope import NATIONAL, Filters, Geography
    from reporting.statistics import build_tables

    filters = Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))
    with replica_reads(), CaptureQueriesContext(connections[REPLICA]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_default:
        summary = build_tables(Geography(NATIONAL), filters)["by_key"]["summary"]
    assert {row.key: row.values["value"] for row in summary.rows}["persons"] == 0
    assert len(on_replica) == 5 and "reporting_receptionfact" in on_replica[0]["sql"]
    assert not on_default


@pytest.mark.django_db(transaction=True)  # autocommit, as a page's reads: SET LOCAL ends with the statement
def test_a_statistics_statement_runs_with_parallel_workers_and_the_next_read_without():
    from reporting.statistics import _fetch

    [row] = _fetch("SELECT current_setting('jit') AS jit, current_setting('max_parallel_workers_per_gather') "
                   "AS workers", [])
    assert row == {"jit": "off", "workers": "2"}
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == ("0",)  # the connection's OLTP options again
