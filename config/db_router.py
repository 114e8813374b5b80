"""Reads of dashboards, reports and exports from a streaming replica (DATABASE_REPLICA_URL).

Only reads made inside `replica_reads()` go to the replica, and only when one is configured: a
report may lag the primary by a moment, a case page or a form must not. Writes (and reads for a
write: select_for_update, get_or_create) and migrations always go to default.

- views: the URL namespaces in settings.REPLICA_READ_NAMESPACES (GET and HEAD), by the middleware;
- Celery tasks and commands that render reports or exports: `with replica_reads(): ...`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.urls import Resolver404, resolve

REPLICA = "replica"
_reading_from_replica = ContextVar("reading_from_replica", default=False)


@contextmanager
def replica_reads():
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


# The statistics' aggregate statements scan hundreds of thousands of rows: unlike the OLTP pages
# (settings.OLTP_OPTIONS), they gain from parallel workers (16.7 s -> 9.3 s for the national year at
# 1M persons), while JIT compiling costs more than it saves, on the replica's server defaults too
# (bench/notes/statistics.md). Set per statement, so the connection's other reads keep their options.
REPORTING_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "2"}


def reporting_sql(sql: str) -> str:
    """`sql` run with the reporting settings: `SET LOCAL` in the same round trip, which holds for the
    statement only (the implicit transaction of a multi-statement query), or until the end of the
    transaction it is in."""
    overrides = getattr(settings, "REPORTING_SETTINGS", REPORTING_SETTINGS)
    quoted = {name: "'" + str(value).replace("'", "''") + "'" for name, value in overrides.items()}
    return "".join(f"SET LOCAL {name} = {value}; " for name, value in quoted.items()) + sql


def read_alias() -> str:
    """The alias a read goes to now: the replica inside `replica_reads()` when configured."""
    if _reading_from_replica.get() and REPLICA in settings.DATABASES:
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of default: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """GET/HEAD requests to the reporting namespaces read from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not self._reporting(request.path_info):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)

    @staticmethod
    def _reporting(path: str) -> bool:
        try:
            namespaces = resolve(path).namespaces
        except Resolver404:
            return False
        return bool(set(namespaces) & set(settings.REPLICA_READ_NAMESPACES))
