"""`make run`: the whole stack on one machine (web, Celery worker, Celery beat), Ctrl-C stops it all."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from stack import ROOT, VAR, services

PYTHON = sys.executable
URL = "http://127.0.0.1:8000/"


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    with services("dev", pg_port=54329, redis_port=63799) as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

        def manage(*args: str) -> None:
            subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)

        manage("migrate", "--noinput")
        manage("seed_demo")  # idempotent: loads the demo data only once
        commands = {
            "web": [PYTHON, "manage.py", "runserver", "127.0.0.1:8000", "--noreload"],
            "worker": [PYTHON, "-m", "celery", "-A", "config", "worker", "-l", "info",
                       "--concurrency", "2"],
            "beat": [PYTHON, "-m", "celery", "-A", "config", "beat", "-l", "info",
                     "--schedule", str(VAR / "dev" / "celerybeat-schedule")],
        }
        processes = {name: subprocess.Popen(cmd, cwd=ROOT, env=env) for name, cmd in commands.items()}
        try:
            time.sleep(2)
            print(f"\n  Hệ thống đang chạy tại {URL}  (Ctrl-C để dừng)\n")
            manage("seed_demo", "--logins")
            while all(p.poll() is None for p in processes.values()):
                time.sleep(0.5)
            failed = [n for n, p in processes.items() if p.poll() not in (None, 0)]
            print(f"Process exited: {', '.join(failed) or 'unknown'}; stopping the rest.")
            return 1
        except KeyboardInterrupt:
            print("\nStopping…")
            return 0
        finally:
            for p in processes.values():
                if p.poll() is None:
                    p.terminate()
            for p in processes.values():
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()


if __name__ == "__main__":
    sys.exit(main())
