"""`make bench`: time the registered cases (bench/cases.py) against their references, print the
table and write bench/results.md (the previous run's table is kept under it).

The database: BENCH_DATABASE_URL, else DATABASE_URL, else an embedded server under var/bench/.
An empty database is migrated and filled with BENCH_PERSONS synthetic persons (default 100,000).
BENCH_RUNS (default 21) timed runs per side, fewer for slow cases (BENCH_SECONDS per side, default
20); BENCH_ONLY=<text>[,<text>…] runs the cases whose names contain one of them.
"""

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results.md"))
LATEST, PREVIOUS, NOTES = "## Latest run", "## Previous run", "## Notes"


def main() -> int:
    from stack import services

    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    with services("bench", pg_port=54349, redis_port=63819) as env:
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL")})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        return run()


def run() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, locmem mail
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM victims_case)")
        if not cursor.fetchone()[0]:
            persons = int(os.environ.get("BENCH_PERSONS", "100000"))
            print(f"• Empty database: generating {persons:,} synthetic persons")
            call_command("generate_synthetic", persons=persons, seed=1)

    from bench.cases import CASES
    from bench.context import Bench

    bench = Bench()
    only = [part for part in os.environ.get("BENCH_ONLY", "").split(",") if part]
    rows = []
    previous, kept_notes = previous_table(), notes()
    for bench_case in CASES:
        if only and not any(part in bench_case.name for part in only):
            continue
        pair = bench_case.build(bench)
        if pair is None:
            print(f"| {bench_case.name} | skipped: nothing to measure in this dataset |")
            continue
        row = measure(bench_case.name, pair)
        rows.append(row)
        print(format_row(row), flush=True)
        write_results(bench, rows, previous, kept_notes)  # after each case: an interrupted run keeps its lines
    print(f"\nWritten to {RESULTS}")
    return 0


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def measure(name, pair) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs = int(os.environ.get("BENCH_RUNS", "21"))
    budget = float(os.environ.get("BENCH_SECONDS", "20")) * 1000
    # Warm caches and connections on both sides; a page that takes seconds gets fewer runs.
    first = _time(pair.app)
    pair.reference()
    if first < 2000:
        pair.app()
        pair.reference()
    least = 5 if first < 5000 else 3
    app, ref = [], []
    # Alternate the two sides: noise from the other tenants of the machine hits both alike.
    while len(app) < runs and (len(app) < least or sum(app) + sum(ref) < 2 * budget):
        app.append(_time(pair.app))
        ref.append(_time(pair.reference))
    queries = None
    if pair.count_queries:
        with CaptureQueriesContext(connection) as captured:
            pair.app()
        queries = len(captured)
    a, r = statistics.median(app), statistics.median(ref)
    return {"name": name, "app": a, "app_p95": p95(app), "ref": r, "ref_p95": p95(ref),
            "ratio": a / r if r else float("inf"), "queries": queries, "runs": len(app),
            "reference": pair.reference_name}


def p95(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


HEADER = ("| case | app median ms | app p95 ms | reference | ref median ms | ref p95 ms | ratio | queries | runs |\n"
          "|---|---:|---:|---|---:|---:|---:|---:|---:|")


def format_row(row) -> str:
    queries = "—" if row["queries"] is None else str(row["queries"])
    return (f"| {row['name']} | {row['app']:.1f} | {row['app_p95']:.1f} | {row['reference']} | "
            f"{row['ref']:.1f} | {row['ref_p95']:.1f} | **{row['ratio']:.2f}×** | {queries} | {row['runs']} |")


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                          if line.startswith("MemTotal")))
        load = Path("/proc/loadavg").read_text().split()[:3]
    except (OSError, StopIteration, ValueError):
        mem_kb, load = 0, ["?"] * 3
    return [f"CPU: {cpu} × {os.cpu_count()}", f"RAM: {mem_kb / 2**20:.1f} GiB",
            f"Load average at the end (1/5/15 min): {' / '.join(load)}", f"Python {platform.python_version()}"]


def previous_table() -> str:
    """The last run's section of results.md, kept under the new one (without the notes)."""
    if RESULTS.exists():
        text = RESULTS.read_text().split(f"\n{NOTES}\n", 1)[0]
        if LATEST in text:
            return text.split(LATEST, 1)[1].split(PREVIOUS, 1)[0].strip()
    return ""


def notes() -> str:
    """Everything from the "## Notes" heading on (the analysis written by hand): kept as it is."""
    if RESULTS.exists():
        text = RESULTS.read_text()
        if f"\n{NOTES}\n" in text:
            return NOTES + "\n" + text.split(f"\n{NOTES}\n", 1)[1]
    return ""


def write_results(bench, rows, previous: str, kept_notes: str | None = None) -> None:
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        settings = []
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit", "random_page_cost",
                     "max_parallel_workers_per_gather"):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name}={cursor.fetchone()[0]}")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    lines = [
        LATEST, "",
        f"- Date: {timezone.now():%Y-%m-%d %H:%M} UTC, commit {commit}",
        *[f"- {m}" for m in machine()],
        f"- PostgreSQL {version}: {', '.join(settings)}",
        f"- Dataset: {bench.dataset_summary()}",
        f"- Personas: {bench.describe()}",
        "- Ratio = app median / reference median, measured in alternation in the same run; only ratios "
        "carry over between runs on this shared machine.",
        "", HEADER, *[format_row(r) for r in rows], "",
    ]
    body = ["# Benchmark results", "", "Written by `make bench` (bench/run.py); see bench/README.md.", "",
            *lines]
    if previous:
        body += [PREVIOUS, "", previous, ""]
    if kept_notes:
        body += [kept_notes.rstrip("\n"), ""]
    RESULTS.write_text("\n".join(body))


if __name__ == "__main__":
    sys.exit(main())
