"""Test settings: real PostgreSQL and Redis (from DATABASE_URL / REDIS_URL), fast hashing."""

import os
from urllib.parse import urlsplit

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
DEBUG = False
TWO_FACTOR_REQUIRED = True
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",  # speed; the argon2 order is tested on base
    *PASSWORD_HASHERS,  # noqa: F405
]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = "nanhan-test"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests

# Under `pytest -n N` (pytest-xdist, what `make test` runs) each worker has its own test database
# (pytest-django adds the `_gwN` suffix) and, here, its own Redis database: cache keys (lockouts,
# throttles) and the live Celery worker's queue of one worker never reach another.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER:
    _redis = urlsplit(REDIS_URL)  # noqa: F405
    _redis_db = int(_redis.path.strip("/") or 0) + 1 + int(_XDIST_WORKER.removeprefix("gw"))
    REDIS_URL = _redis._replace(path=f"/{_redis_db}").geturl()
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
