"""`make run` on a developer's machine: debug on, demo conveniences allowed."""

from .base import *  # noqa: F403
from .base import env_bool

# Off even in the demo: people trying it must see the real error pages, never Django's debug pages
# (which list every URL and setting). DJANGO_DEBUG=true turns it on for a developer.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production"  # noqa: F405
# Demo only: signing in without a TOTP code. Production settings force this back on.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True  # static files straight from static/, with or without DEBUG
