"""`make test` / `make run` never use a server they did not start on their preferred ports.

Before, a PostgreSQL or Redis of another checkout listening on 54339 / 63809 was taken as ours, and
pytest-django dropped and re-created its test database there.
"""

import shutil
import socket
import uuid

import psycopg2
import pytest
import redis

from scripts import stack


@pytest.fixture
def foreign_listeners():
    """Two ports held by something that is not our server (a bare TCP listener)."""
    sockets = []
    for _ in range(2):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen()
        sockets.append(s)
    yield [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()


@pytest.fixture
def name():
    name = f"stack-test-{uuid.uuid4().hex[:8]}"
    yield name
    shutil.rmtree(stack.VAR / name, ignore_errors=True)


def test_taken_ports_are_left_alone_and_free_ones_are_used(foreign_listeners, name, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    pg_port, redis_port = foreign_listeners
    with stack.services(name, pg_port=pg_port, redis_port=redis_port) as env:
        assert f":{pg_port}/" not in env["DATABASE_URL"] and f":{redis_port}/" not in env["REDIS_URL"]
        with psycopg2.connect(env["DATABASE_URL"]) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        assert redis.Redis.from_url(env["REDIS_URL"]).ping()

        # A second run while ours still runs reuses our servers (found by their pid files).
        with stack.services(name, pg_port=pg_port, redis_port=redis_port) as again:
            assert (again["DATABASE_URL"], again["REDIS_URL"]) == (env["DATABASE_URL"], env["REDIS_URL"])
        with psycopg2.connect(env["DATABASE_URL"]) as connection:  # the inner run did not stop them
            assert connection.status
    printed = capsys.readouterr().out
    assert f"127.0.0.1:{pg_port} is taken" in printed and f"127.0.0.1:{redis_port} is taken" in printed
