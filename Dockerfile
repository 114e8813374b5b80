# syntax=docker/dockerfile:1
#
# One image for every application service in docker-compose.yml:
# web (gunicorn), worker (celery worker), beat (celery beat) and migrate.
# Build:  docker build -t nanhan .
FROM python:3.11-slim-bookworm

# uv installs into /opt/venv (outside the source tree, so copying the project
# can never shadow it), using the image's own Python only.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/var/lib/nanhan/media

# System libraries WeasyPrint loads at run time (Pango, HarfBuzz incl. its
# subsetter, fontconfig) and a font with full Vietnamese coverage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        shared-mime-info \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN pip install uv==0.13.8

WORKDIR /app

# Dependencies first, so this layer is cached while only the code changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .

# Static files are collected at build time; the values below exist only for
# this one command and are not kept in the image's environment.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only-this-is-not-the-production-secret-key \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    DJANGO_ALLOWED_HOSTS=localhost \
    DJANGO_CSRF_TRUSTED_ORIGINS=http://localhost \
    python manage.py collectstatic --noinput

# Unprivileged user. The code stays owned by root (read-only for the app).
# Writable state lives outside the code, in directories that compose mounts
# named volumes on (a new volume takes this ownership when first created):
# /var/lib/nanhan/media is MEDIA_ROOT, /var/lib/celery holds beat's schedule.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app \
    && install -d -o app -g app -m 0750 /var/lib/nanhan /var/lib/nanhan/media /var/lib/celery

USER app

EXPOSE 8000

# Worker count comes from WEB_CONCURRENCY (read by gunicorn itself);
# docker-compose.yml passes --workers explicitly.
# The access log names the path only: a query string or a referer may carry a victim's name.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(M)sms"]
