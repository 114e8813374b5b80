"""Run a manage.py command with the test servers up (embedded ones unless configured)."""

import subprocess
import sys

from stack import ROOT, services

if __name__ == "__main__":
    with services("test", pg_port=54339, redis_port=63809) as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        sys.exit(subprocess.run([sys.executable, "manage.py", *sys.argv[1:]], cwd=ROOT, env=env).returncode)
