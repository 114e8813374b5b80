"""`make test`: the whole suite against real PostgreSQL and Redis (embedded ones unless configured)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from stack import ROOT, services

# command -> Debian package. Browser journeys use Debian's chromium (Playwright's own browser
# download does not work on a closed network); the translation check needs xgettext.
SYSTEM_TOOLS = {"chromium": "chromium", "xgettext": "gettext"}


def ensure_system_tools() -> None:
    missing = sorted({pkg for cmd, pkg in SYSTEM_TOOLS.items() if not shutil.which(cmd)})
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"Missing system packages: run `sudo apt-get install -y {' '.join(missing)}` once.")
    print(f"• Installing Debian packages for the tests: {', '.join(missing)}…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, env=env)


def main() -> int:
    ensure_system_tools()
    with services("test", pg_port=54339, redis_port=63809) as env:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        args = [*parallel(sys.argv[1:]), *sys.argv[1:]]
        return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env).returncode


def parallel(args: list[str]) -> list[str]:
    """pytest-xdist options: TEST_WORKERS processes (default: one per CPU, at most 4), each test
    file on one worker (its module fixtures built once), unless the caller chose `-n` or turned
    xdist off (`-p no:xdist`); other `-p` options (`-p no:randomly`) keep the workers."""
    if any(a.startswith(("-n", "--numprocesses")) or a.endswith("no:xdist") for a in args):
        return []
    workers = int(os.environ.get("TEST_WORKERS") or min(4, os.cpu_count() or 1))
    return ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []


if __name__ == "__main__":
    sys.exit(main())
