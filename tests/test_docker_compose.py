"""Static checks of docker-compose.yml, the Dockerfile and .env.example.

No Docker is needed: the compose file is parsed with PyYAML and every command a
service runs is checked against the project itself (management commands known
to Django, the WSGI application, the Celery app). Project modules are imported
inside the tests only, never at collection time.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import posixpath
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DEPLOYMENT_DOC = ROOT / "README.md"

REQUIRED_SERVICES = ("db", "redis", "web", "worker", "beat")
ONE_OFF_SERVICES = ("migrate",)
PRODUCTION_SETTINGS = "config.settings.production"


# --------------------------------------------------------------------------
# Helpers: loading and interpreting the compose file
# --------------------------------------------------------------------------


def _load_compose() -> dict:
    if not COMPOSE_FILE.exists():
        return {}
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")) or {}


COMPOSE = _load_compose()
SERVICES: dict = COMPOSE.get("services") or {}


def _built_images() -> set:
    return {s["image"] for s in SERVICES.values() if "build" in s and "image" in s}


def _is_app_service(service: dict) -> bool:
    """Built from this repository (directly, or by reusing the built image)."""
    return "build" in service or service.get("image") in _built_images()


APP_SERVICES = sorted(name for name, s in SERVICES.items() if _is_app_service(s))
LONG_RUNNING = sorted(name for name in SERVICES if name not in ONE_OFF_SERVICES)


# Compose interpolation: $$ (escape), ${VAR}, ${VAR:-default}, ${VAR-default},
# ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt} and $VAR.
_INTERPOLATION = re.compile(
    r"\$(?:(?P<escape>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


def _strings(node):
    """Every string (keys included) in a parsed YAML document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _interpolations():
    """(name, operator) for every ${VAR...} / $VAR the compose file uses."""
    for text in _strings(COMPOSE):
        for m in _INTERPOLATION.finditer(text):
            if m.group("escape"):
                continue
            yield (m.group("braced") or m.group("plain")), m.group("op")


def _interpolate(text: str, env: dict) -> str:
    """Resolve compose interpolation like `docker compose config` would."""

    def replace(m):
        if m.group("escape"):
            return "$"
        name = m.group("braced") or m.group("plain")
        op, arg = m.group("op"), m.group("arg") or ""
        value = env.get(name)
        is_set, non_empty = value is not None, bool(value)
        if op == ":-":
            return value if non_empty else arg
        if op == "-":
            return value if is_set else arg
        if op in (":?", "?"):
            if not (non_empty if op == ":?" else is_set):
                raise AssertionError(f"required variable {name} is not set: {arg}")
            return value
        if op == ":+":
            return arg if non_empty else ""
        if op == "+":
            return arg if is_set else ""
        return value or ""

    return _INTERPOLATION.sub(replace, text)


def _environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {k: (None if v is None else str(v)) for k, v in env.items()}


def _env_files(service: dict) -> list:
    env_file = service.get("env_file") or []
    if isinstance(env_file, (str, dict)):
        env_file = [env_file]
    return [e["path"] if isinstance(e, dict) else e for e in env_file]


def _depends_on(service: dict) -> dict:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (cfg or {}).get("condition", "service_started") for name, cfg in deps.items()}


def _volume_mounts(service: dict) -> list:
    """(source, target) for every mount of the service."""
    mounts = []
    for vol in service.get("volumes") or []:
        if isinstance(vol, dict):
            mounts.append((vol.get("source"), vol.get("target")))
        else:
            parts = vol.split(":")
            if len(parts) == 1:
                mounts.append((None, parts[0]))  # anonymous volume
            else:
                mounts.append((parts[0], parts[1]))
    return mounts


def _named_volume_mounts(service: dict) -> dict:
    """target -> volume name, only for volumes declared at the top level."""
    declared = COMPOSE.get("volumes") or {}
    return {
        target: source
        for source, target in _volume_mounts(service)
        if source and source in declared and not source.startswith((".", "/", "~"))
    }


# --------------------------------------------------------------------------
# Helpers: turning commands into argument vectors and checking them
# --------------------------------------------------------------------------

_SHELLS = {"sh", "bash", "/bin/sh", "/bin/bash"}
_SHELL_OPERATORS = {"&&", "||", ";", "|", "&"}


def _split_shell(script: str) -> list:
    """Split a shell script into its simple commands (argv lists)."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands, current = [], []
    for token in lexer:
        if token in _SHELL_OPERATORS:
            if current:
                commands.append(current)
            current = []
        else:
            current.append(token)
    if current:
        commands.append(current)
    return commands


def _expand_argv(argv: list) -> list:
    if len(argv) >= 3 and argv[0] in _SHELLS and argv[1] == "-c":
        return _split_shell(argv[2])
    return [argv]


def _command_invocations(service: dict) -> list:
    """The argv lists the container's main process runs."""
    entrypoint = service.get("entrypoint") or []
    command = service.get("command") or []
    if isinstance(entrypoint, str):
        entrypoint = shlex.split(entrypoint)
    if isinstance(command, str):
        command = shlex.split(command)  # compose splits strings, no shell
    argv = list(entrypoint) + list(command)
    return _expand_argv(argv) if argv else []


def _healthcheck_invocations(service: dict) -> list:
    test = (service.get("healthcheck") or {}).get("test")
    if isinstance(test, str):
        return _split_shell(test)
    if not test or test[0] == "NONE":
        return []
    if test[0] == "CMD-SHELL":
        return _split_shell(test[1])
    if test[0] == "CMD":
        return _expand_argv(list(test[1:]))
    return [list(test)]


def _normalise(argv: list) -> list:
    """Drop `exec`, VAR=value prefixes, `uv run` and paths; `python -m X` -> X."""
    argv = list(argv)
    while argv and (argv[0] == "exec" or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", argv[0])):
        argv.pop(0)
    if argv[:2] == ["uv", "run"]:
        argv = argv[2:]
    if argv:
        argv[0] = posixpath.basename(argv[0])
    is_python = bool(argv) and re.fullmatch(r"python(3(\.\d+)?)?", argv[0])
    if is_python and argv[1:3] in (["-m", "celery"], ["-m", "gunicorn"]):
        argv = argv[2:]
    return argv


# module.path:attribute, as opposed to option values such as 0.0.0.0:8000.
_WSGI_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(.*\))?$")
# Celery's global options that take a value (so the value is not the subcommand).
_CELERY_VALUE_OPTIONS = {"-b", "--broker", "--result-backend", "--loader", "--config", "--workdir"}


def _classify(argv: list):
    """('manage', manage.py, name) | ('gunicorn', 'module:attr') | ('celery', app, sub) | None."""
    argv = _normalise(argv)
    if not argv:
        return None
    exe = argv[0]
    if re.fullmatch(r"python(3(\.\d+)?)?", exe) and len(argv) >= 2 and argv[1].endswith("manage.py"):
        return ("manage", argv[1], argv[2] if len(argv) > 2 else None)
    if exe == "django-admin":
        return ("manage", None, argv[1] if len(argv) > 1 else None)
    if exe == "gunicorn":
        targets = [a for a in argv[1:] if _WSGI_TARGET.match(a)]
        return ("gunicorn", targets[-1] if targets else None)
    if exe == "celery":
        return ("celery", *_celery_app_and_subcommand(argv[1:]))
    return None


def _celery_app_and_subcommand(args: list):
    app, subcommand, i = None, None, 0
    while i < len(args):
        arg = args[i]
        if arg in ("-A", "--app"):
            app = args[i + 1] if i + 1 < len(args) else None
            i += 2
            continue
        if arg in _CELERY_VALUE_OPTIONS and subcommand is None:
            i += 2
            continue
        if arg.startswith("--app="):
            app = arg.split("=", 1)[1]
        elif arg.startswith("-A") and len(arg) > 2:
            app = arg[2:]
        elif not arg.startswith("-") and subcommand is None:
            subcommand = arg
        i += 1
    return app, subcommand


def _option_value(argv: list, *names: str):
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                return argv[i + 1]
            if name.startswith("--") and arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def _celery_subcommands(service: dict) -> list:
    subs = []
    for argv in _command_invocations(service):
        kind = _classify(argv)
        if kind and kind[0] == "celery":
            subs.append((kind[2], _normalise(argv)))
    return subs


def _check_manage_command(manage_py, name):
    from django.core.management import get_commands

    if manage_py is not None:
        assert (ROOT / manage_py).is_file(), f"{manage_py} does not exist in the project"
    assert name, "`manage.py` is run without a management command"
    assert name in get_commands(), f"management command {name!r} is not known to Django"


def _check_wsgi_target(target):
    assert target, "gunicorn is run without a module:attribute WSGI target"
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    assert hasattr(module, attr), f"{module_name} has no attribute {attr!r}"
    assert callable(getattr(module, attr)), f"{target} is not a WSGI callable"


def _resolve_celery_app(spec):
    assert spec, "celery is run without -A/--app"
    if ":" in spec:
        module_name, _, attr = spec.partition(":")
        return getattr(importlib.import_module(module_name), attr)
    # `celery -A config` finds the app as `config.celery:app` (or `config:app`).
    for module_name in (f"{spec}.celery", spec):
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if hasattr(module, "app"):
            return module.app
    raise AssertionError(f"celery -A {spec}: neither {spec}.celery nor {spec} defines `app`")


def _check_celery_app(spec):
    from celery import Celery

    app = _resolve_celery_app(spec)
    assert isinstance(app, Celery), f"celery -A {spec} resolves to {app!r}, not a Celery app"


def _check_invocation(kind):
    if kind[0] == "manage":
        _check_manage_command(kind[1], kind[2])
    elif kind[0] == "gunicorn":
        _check_wsgi_target(kind[1])
    elif kind[0] == "celery":
        _check_celery_app(kind[1])
        assert kind[2], "celery is run without a subcommand"


# --------------------------------------------------------------------------
# Helpers: .env.example
# --------------------------------------------------------------------------

_ASSIGNMENT = re.compile(r"^(?P<commented>#\s*)?(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")


def _parse_env_example() -> dict:
    """name -> {"value", "active" (not commented out), "documented"}.

    A variable counts as documented when a comment block sits directly above it
    (or above the group of assignments it belongs to, with no blank line).
    """
    entries, doc = {}, []
    for raw in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            doc = []
            continue
        m = _ASSIGNMENT.match(line)
        if m:
            entries[m.group("name")] = {
                "value": m.group("value").strip(),
                "active": not m.group("commented"),
                "documented": bool(doc),
            }
        elif line.startswith("#"):
            doc.append(line)
    return entries


def _env_example_values() -> dict:
    return {k: v["value"] for k, v in _parse_env_example().items() if v["active"]}


def _rendered_environment(service_name: str) -> dict:
    """The service's `environment:` as compose renders it with .env.example as .env."""
    values = _env_example_values()
    env = _environment(SERVICES[service_name])
    return {k: _interpolate(v, values) for k, v in env.items() if v is not None}


# --------------------------------------------------------------------------
# The compose file's shape
# --------------------------------------------------------------------------


def test_compose_file_exists_and_declares_services():
    assert COMPOSE_FILE.is_file(), "docker-compose.yml is missing"
    assert isinstance(SERVICES, dict) and SERVICES, "docker-compose.yml declares no services"


@pytest.mark.parametrize("name", REQUIRED_SERVICES)
def test_required_service_exists(name):
    assert name in SERVICES, f"service {name!r} is missing from docker-compose.yml"


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_service_has_healthcheck(name):
    healthcheck = SERVICES[name].get("healthcheck")
    assert healthcheck, f"service {name!r} has no healthcheck"
    assert not healthcheck.get("disable"), f"service {name!r} disables its healthcheck"
    test = healthcheck.get("test")
    assert test and test != ["NONE"], f"service {name!r} has an empty healthcheck test"
    if isinstance(test, list):
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) > 1 and all(test[1:]), test


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_service_restarts(name):
    assert SERVICES[name].get("restart") == "unless-stopped"


@pytest.mark.parametrize("name", [n for n in ONE_OFF_SERVICES if n in SERVICES])
def test_one_off_service_is_not_restarted(name):
    # A restart policy would re-run a finished job forever.
    assert SERVICES[name].get("restart", "no") == "no"


def test_app_services_share_one_build_and_image():
    assert APP_SERVICES, "no service is built from this repository"
    builds = {json.dumps(SERVICES[n].get("build"), sort_keys=True) for n in APP_SERVICES}
    images = {SERVICES[n].get("image") for n in APP_SERVICES}
    assert len(builds) == 1 and len(images) == 1, (builds, images)
    assert {"migrate", "web", "worker", "beat"} <= set(APP_SERVICES)


# --------------------------------------------------------------------------
# Celery beat: exactly one
# --------------------------------------------------------------------------


def test_beat_has_exactly_one_replica():
    beat = SERVICES["beat"]
    assert (beat.get("deploy") or {}).get("replicas") == 1
    assert beat.get("scale", 1) == 1


def test_beat_service_runs_celery_beat():
    assert [sub for sub, _ in _celery_subcommands(SERVICES["beat"])] == ["beat"]


def test_no_other_service_runs_celery_beat():
    others = []
    for name, service in SERVICES.items():
        for sub, argv in _celery_subcommands(service):
            embedded = sub == "worker" and ("-B" in argv or "--beat" in argv)
            if name != "beat" and (sub == "beat" or embedded):
                others.append(name)
    assert others == [], f"celery beat would run more than once: also in {others}"


# --------------------------------------------------------------------------
# Volumes
# --------------------------------------------------------------------------


def _beat_schedule_dir():
    for sub, argv in _celery_subcommands(SERVICES["beat"]):
        if sub == "beat":
            schedule = _option_value(argv, "--schedule", "-s")
            assert schedule, "celery beat runs without --schedule"
            return posixpath.dirname(schedule)
    raise AssertionError("the beat service does not run celery beat")


@pytest.mark.parametrize(
    ("name", "data_dir"),
    [
        ("db", lambda: "/var/lib/postgresql/data"),
        ("redis", lambda: "/data"),
        ("beat", _beat_schedule_dir),
    ],
)
def test_state_lives_in_a_declared_named_volume(name, data_dir):
    target = data_dir()
    mounts = _named_volume_mounts(SERVICES[name])
    assert target in mounts, (
        f"{name}: {target} is not backed by a named volume declared under `volumes:` "
        f"(mounts: {_volume_mounts(SERVICES[name])})"
    )


@pytest.mark.parametrize("name", ["web", "worker"])
def test_media_root_lives_in_a_named_volume(name):
    # Uploaded files must survive a container re-creation and be shared by the
    # web (uploads, downloads) and the worker (generated files).
    media_root = _environment(SERVICES[name]).get("MEDIA_ROOT")
    assert media_root, f"{name} does not set MEDIA_ROOT (the default is inside the image)"
    assert media_root in _named_volume_mounts(SERVICES[name]), (
        f"{name}: MEDIA_ROOT {media_root} is not backed by a named volume"
    )


def test_web_and_worker_share_the_media_volume():
    volumes = {
        _named_volume_mounts(SERVICES[name]).get(_environment(SERVICES[name]).get("MEDIA_ROOT"))
        for name in ("web", "worker")
    }
    assert len(volumes) == 1 and None not in volumes, volumes


# --------------------------------------------------------------------------
# Start-up order
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_waits_for_migrations_and_redis(name):
    deps = _depends_on(SERVICES[name])
    assert deps.get("migrate") == "service_completed_successfully", deps
    assert deps.get("redis") == "service_healthy", deps


def test_migrate_waits_for_healthy_db():
    assert _depends_on(SERVICES["migrate"]).get("db") == "service_healthy"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_dependencies_exist_and_can_become_healthy(name):
    for dep, condition in _depends_on(SERVICES[name]).items():
        assert dep in SERVICES, f"{name} depends on unknown service {dep!r}"
        if condition == "service_healthy":
            assert SERVICES[dep].get("healthcheck"), f"{name} waits for {dep} healthy; it has no healthcheck"


# --------------------------------------------------------------------------
# Environment and configuration files
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_uses_production_settings(name):
    env = _environment(SERVICES[name])
    assert env.get("DJANGO_SETTINGS_MODULE") == PRODUCTION_SETTINGS


def test_production_settings_module_exists():
    assert importlib.util.find_spec(PRODUCTION_SETTINGS) is not None, f"{PRODUCTION_SETTINGS} not found"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_database_url_points_at_db_service(name):
    url = urlsplit(_rendered_environment(name)["DATABASE_URL"])
    db_env = {k: _interpolate(v, _env_example_values()) for k, v in _environment(SERVICES["db"]).items()}
    assert url.scheme in ("postgres", "postgresql", "pgsql")
    assert url.hostname == "db"
    assert url.username == db_env["POSTGRES_USER"]
    assert url.password == db_env["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == db_env["POSTGRES_DB"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_redis_url_points_at_redis_service(name):
    env = _rendered_environment(name)
    assert "REDIS_URL" in env, f"{name} does not set REDIS_URL"
    for key in ("REDIS_URL", "CELERY_BROKER_URL"):
        if key in env:
            url = urlsplit(env[key])
            assert url.scheme in ("redis", "rediss") and url.hostname == "redis", (key, env[key])


@pytest.mark.parametrize("name", sorted(n for n, s in SERVICES.items() if "build" in s))
def test_build_context_has_dockerfile(name):
    build = SERVICES[name]["build"]
    if isinstance(build, str):
        build = {"context": build}
    context = ROOT / build.get("context", ".")
    assert (context / build.get("dockerfile", "Dockerfile")).is_file()


@pytest.mark.parametrize("name", sorted(n for n, s in SERVICES.items() if _env_files(s)))
def test_env_files_exist_or_have_an_example(name):
    for env_file in _env_files(SERVICES[name]):
        path = ROOT / env_file
        if posixpath.basename(env_file) == ".env":
            # .env holds secrets and is not committed; its template must be.
            assert path.with_name(".env.example").is_file(), f"{env_file} has no .env.example"
        else:
            assert path.is_file(), f"{name}: env_file {env_file} does not exist"


def test_env_example_documents_every_interpolated_variable():
    entries = _parse_env_example()
    names = {name for name, _ in _interpolations()}
    assert names, "docker-compose.yml interpolates no variables; expected at least the db credentials"
    missing = sorted(n for n in names if n not in entries)
    undocumented = sorted(n for n in names if n in entries and not entries[n]["documented"])
    assert missing == [], f".env.example lacks {missing}"
    assert undocumented == [], f".env.example has no comment above {undocumented}"


def test_env_example_sets_every_required_variable():
    # Variables without a default (${VAR} or ${VAR:?...}) must be set, so that
    # `cp .env.example .env` gives a file docker compose accepts.
    values = _env_example_values()
    required = {name for name, op in _interpolations() if op in (None, ":?", "?")}
    unset = sorted(n for n in required if not values.get(n))
    assert unset == [], f".env.example leaves required variables unset: {unset}"


def test_env_example_marks_the_secret_key_as_placeholder():
    value = _env_example_values().get("DJANGO_SECRET_KEY", "")
    assert value, "DJANGO_SECRET_KEY must be present in .env.example"
    assert "change" in value.lower(), "the example secret key must say it has to be changed"


def _settings_env_variables() -> set:
    """Environment variables read by the production settings (and what they star-import)."""
    settings_dir = ROOT / "config" / "settings"
    pending, seen, names = ["production"], set(), set()
    patterns = (
        # env("X"), env.str("X"), env.list("X"), and helpers such as env_int("X").
        r"\benv(?:_\w+)?(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']",
        r"os\.environ(?:\.get)?[\(\[]\s*[\"']([A-Z][A-Z0-9_]*)[\"']",
        r"os\.getenv\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']",
    )
    while pending:
        module = pending.pop()
        if module in seen or not (settings_dir / f"{module}.py").is_file():
            continue
        seen.add(module)
        source = (settings_dir / f"{module}.py").read_text(encoding="utf-8")
        source = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
        for pattern in patterns:
            names.update(re.findall(pattern, source))
        pending.extend(re.findall(r"^from\s+\.(\w+)\s+import\s+\*", source, re.MULTILINE))
    assert "production" in seen, "config/settings/production.py does not exist"
    return names


def test_env_example_documents_every_variable_the_production_settings_read():
    set_by_compose = set()
    for name in APP_SERVICES:
        set_by_compose.update(_environment(SERVICES[name]))
    entries = _parse_env_example()
    missing = sorted(
        n
        for n in _settings_env_variables()
        if n not in set_by_compose and not (n in entries and entries[n]["documented"])
    )
    assert missing == [], f".env.example does not document {missing}"


# --------------------------------------------------------------------------
# Every command refers to something that exists in the project
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_command_exists(name):
    invocations = _command_invocations(SERVICES[name])
    assert invocations, f"{name} has no command (the image's CMD is checked separately)"
    for argv in invocations:
        kind = _classify(argv)
        assert kind is not None, f"{name}: unrecognised command {argv!r}"
        _check_invocation(kind)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_healthcheck_commands_exist(name):
    # Only celery/manage.py/gunicorn invocations are checked; `python -c` is not.
    for argv in _healthcheck_invocations(SERVICES[name]):
        kind = _classify(argv)
        if kind is not None:
            _check_invocation(kind)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("migrate", ("manage", "migrate")), ("web", ("gunicorn",)), ("worker", ("celery", "worker")), ("beat", ("celery", "beat"))],
)
def test_service_runs_what_its_name_says(name, expected):
    kinds = [_classify(argv) for argv in _command_invocations(SERVICES[name])]
    if expected[0] == "manage":
        assert any(k and k[0] == "manage" and k[2] == expected[1] for k in kinds), kinds
    elif expected[0] == "gunicorn":
        assert any(k and k[0] == "gunicorn" for k in kinds), kinds
        argv = _normalise(_command_invocations(SERVICES[name])[0])
        assert _option_value(argv, "--bind", "-b") == "0.0.0.0:8000", argv
    else:
        assert any(k and k[0] == "celery" and k[2] == expected[1] for k in kinds), kinds


def _dockerfile_lines() -> list:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    return re.sub(r"\\\n", " ", text).splitlines()


def test_dockerfile_default_command_exists():
    cmds = [line.split(None, 1)[1] for line in _dockerfile_lines() if line.upper().startswith("CMD ")]
    assert cmds, "the Dockerfile has no CMD"
    cmd = cmds[-1].strip()
    argv = json.loads(cmd) if cmd.startswith("[") else ["sh", "-c", cmd]
    for invocation in _expand_argv(argv):
        kind = _classify(invocation)
        assert kind is not None, f"unrecognised Dockerfile CMD {invocation!r}"
        _check_invocation(kind)


def test_dockerfile_runs_as_non_root_user():
    users = [line.split(None, 1)[1].strip() for line in _dockerfile_lines() if line.upper().startswith("USER ")]
    assert users, "the Dockerfile never switches away from root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_deployment_doc_manage_commands_exist():
    from django.core.management import get_commands

    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    names = set(re.findall(r"manage\.py\s+([a-z_][a-z0-9_]*)", text))
    assert names, "README.md names no management command"
    unknown = sorted(n for n in names if n not in get_commands())
    assert unknown == [], f"README.md names unknown management commands: {unknown}"
