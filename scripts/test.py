"""`make test`: the whole suite against real PostgreSQL and Redis (embedded ones unless configured)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from stack import ROOT, services


def ensure_chromium() -> None:
    """Browser journeys use Debian's chromium; Playwright's own browser download does not work here."""
    if shutil.which("chromium"):
        return
    if os.geteuid() != 0:
        raise SystemExit("chromium is missing: run `sudo apt-get install -y chromium` once.")
    print("• Installing Debian's chromium for the browser tests…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
                   check=True, env=env)


def main() -> int:
    ensure_chromium()
    with services("test", pg_port=54339, redis_port=63809) as env:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        args = sys.argv[1:]
        return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
