"""/healthz: the real state of PostgreSQL, Redis and a Celery worker; 503 when any is down."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

CELERY_TIMEOUT = 5.0


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def check_celery() -> None:
    """Queue a ping task and wait for its answer: proves the broker, a worker and results work."""
    from config.celery import app, ping

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        result = ping.apply_async(connection=conn, retry=False, expires=CELERY_TIMEOUT)
    try:
        if result.get(timeout=CELERY_TIMEOUT) != "pong":
            raise RuntimeError("unexpected answer")
    finally:
        result.forget()


CHECKS = {"database": check_database, "redis": check_redis, "celery": check_celery}


@never_cache
def healthz(request):
    status = {}
    for name, check in CHECKS.items():
        try:
            check()
            status[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "down"
            status[name] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": status},
                        status=200 if healthy else 503)
