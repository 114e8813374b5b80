import time

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from tests.access.personas import client_for, personas  # noqa: F401  (shared fixtures)
from tests.factories import MembershipFactory, UserFactory, totp_device

PASSWORD = "Mat-khau-an-toan-2026"


@pytest.fixture
def staff_user(db):
    """A caseworker at a social centre in Lạng Sơn, with an enrolled authenticator."""
    membership = MembershipFactory(user__username="hoa.caseworker")
    user = membership.user
    user.device = totp_device(user)
    return user


@pytest.fixture
def signed_in(client):
    """Sign a user in with password and TOTP (as after both login steps); returns the client."""

    def sign_in(user):
        client.force_login(user)
        device = getattr(user, "device", None) or totp_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign_in


@pytest.fixture
def staff_client(signed_in, staff_user):
    return signed_in(staff_user)


@pytest.fixture
def outsider(db):
    """Signed-in-able user with no agency at all."""
    return UserFactory(username="outsider")


@pytest.fixture(scope="session")
def celery_worker_live(django_db_setup):
    """A real Celery worker (thread) consuming from the real Redis broker configured in settings.

    Started after the test database exists; tasks it runs see committed data only.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=10) as worker:
        LIVE_WORKER["running"] = True
        try:
            yield worker
        finally:
            LIVE_WORKER["running"] = False


LIVE_WORKER = {"running": False}


def _worker_busy() -> bool:
    from celery.worker import state

    from config.celery import app

    if state.active_requests or state.reserved_requests:
        return True
    with app.connection_for_read() as connection:  # Redis: the queue is a list, gone when empty
        return connection.default_channel.client.llen(app.conf.task_default_queue) > 0


@pytest.fixture(autouse=True)
def _live_worker_done_before_the_flush(request):
    """A transactional test's tasks (a webhook fan-out, a PDF) run on the session's live worker; one
    still writing while pytest-django truncates the tables deadlocked the flush. Set up after the
    database fixture, so this waits before its teardown."""
    marker = request.node.get_closest_marker("django_db")
    if not marker or not (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    if not LIVE_WORKER["running"]:
        return
    deadline = time.monotonic() + 60
    while _worker_busy() and time.monotonic() < deadline:
        time.sleep(0.1)



# --- Transactional tests ----------------------------------------------------------------------
# They flush every table afterwards, which also wipes the reference data the migrations load
# (agency types, 3,321 administrative units, ethnic groups, policy versions). Django's
# serialized_rollback restores it object by object (~15 s a test); instead we copy those tables
# once and put them back with one INSERT … SELECT each when a transactional test finds them empty.
REGENERATED_BY_POST_MIGRATE = {"django_content_type", "auth_permission"}


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker("django_db")
        if _is_transactional(item) and marker.kwargs.get("serialized_rollback"):
            kwargs = {**marker.kwargs, "serialized_rollback": False}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database without autovacuum. Rolled-back tests leave dead rows behind; autovacuum
    then vacuums a table while it is empty and records `reltuples = 0`, and the planner takes the
    next test's few hundred rows for one: nested loops of sequential scans. One admin changelist
    ran for minutes that way under pytest-xdist. Never vacuumed, a table keeps the planner's
    estimate from its actual size (bench/notes/parallel-tests.md)."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)')
    yield
    # A thread's connection (the live Celery worker's, a live server's) can outlive its test and
    # would keep pytest-django from dropping the database at the end.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


REFERENCE_TABLES: dict = {}  # the snapshot's table names, for the teardown hook below


@pytest.fixture(scope="session")
def reference_tables(django_db_setup, django_db_blocker):
    """Snapshot every table the migrations filled, into the schema `reference_snapshot`."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        tables = []
        for table in connection.introspection.django_table_names(only_existing=True):
            if table in REGENERATED_BY_POST_MIGRATE:
                continue
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
            if cursor.fetchone()[0]:
                tables.append(table)
        cursor.execute("DROP SCHEMA IF EXISTS reference_snapshot CASCADE; CREATE SCHEMA reference_snapshot")
        for table in tables:
            cursor.execute(f'CREATE TABLE reference_snapshot."{table}" AS TABLE public."{table}"')
    REFERENCE_TABLES["tables"] = tables
    return tables


@pytest.fixture(autouse=True)
def _restore_reference_data(request):
    if not _is_transactional(request.node):
        return
    tables = request.getfixturevalue("reference_tables")
    request.getfixturevalue("transactional_db")
    _restore(tables)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the reference data back at once: under pytest-xdist a
    worker runs whole files in the order it receives them, so a plain test (which cannot restore
    inside its own rolled-back transaction) may come next."""
    result = yield
    tables = REFERENCE_TABLES.get("tables")
    if tables and nextitem is not None and _is_transactional(item):  # the last: the database is gone
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore(tables)
    return result


def _restore(tables):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK checks or history triggers
        try:
            for table in tables:
                cursor.execute(
                    f'INSERT INTO public."{table}" SELECT * FROM reference_snapshot."{table}" '
                    f'WHERE NOT EXISTS (SELECT 1 FROM public."{table}")'
                )
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
