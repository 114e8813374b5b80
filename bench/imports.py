"""`make bench-import`: time the check and the import of a 20,000-row register (issue 17).

A realistic register (tests/imports/register_world.py: receptions with Vietnamese names and old
province names, accompanying children, identification outcomes, support lines, in its proportions)
is uploaded by a caseworker of a new social centre in Lạng Sơn, checked (runs.check_batch) and then
imported (runs.import_batch), in this process, as the Celery tasks run them. Printed and written to
bench/results.md ("Import of a 20,000-row register"): rows, seconds, rows/s, queries per row, and
the progress (ImportBatch.rows_done) read every second from a second connection, as the page polls it.

The database: BENCH_DATABASE_URL, else DATABASE_URL (migrated; a synthetic dataset in it, e.g.
`generate_synthetic --persons 20000`, gives the duplicate matcher persons to compare with). Each run
makes its own agency, so runs do not find each other's rows. BENCH_ROWS (20000) sets the size;
BENCH_PROFILE=check|import writes a cProfile of that pass to var/bench/imports-<pass>.prof and
prints its top functions; BENCH_SQL_TOP=N prints the N kinds of statement (their first 90
characters) that took the most time in each pass; BENCH_WRITE=0 leaves results.md alone (for quick runs while profiling); BENCH_LOG_SQL=N prints the check's
first N statements.
"""

import collections
import cProfile
import io
import os
import pstats
import re
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
RESULTS = ROOT / "bench" / "results.md"
SECTION = "## Import of a 20,000-row register"
ROWS_PER_RECEPTION = 1 + 1 / 7 + 1 / 4 + 1 / 4  # register_world: a child every 7th, outcome and support every 4th


def main() -> int:
    from stack import services

    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    with services("bench", pg_port=54349, redis_port=63819) as env:
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL")})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        return run()


class Counter:
    """Counts the statements of the main connection: savepoints apart from the real queries."""

    def __init__(self, log: int = 0):
        self.queries = self.savepoints = 0
        self.seconds = 0.0  # in the database, round trips included
        self.shapes = collections.defaultdict(lambda: [0, 0.0])  # statement's start -> [count, seconds]
        self.log = log  # print the first `log` statements (BENCH_LOG_SQL)

    def __call__(self, execute, sql, params, many, context):
        if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            self.savepoints += 1
        else:
            self.queries += 1
        if self.queries + self.savepoints <= self.log:
            print(f"  SQL {sql[:300]}")
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.seconds += elapsed
            shape = self.shapes[re.sub(r'"s\d+_x\d+"', "s", sql[:90])]
            shape[0] += 1
            shape[1] += elapsed


class Sampler(threading.Thread):
    """Reads the batch's progress every second on its own connection (what the page shows)."""

    def __init__(self, batch_id: int):
        super().__init__(daemon=True)
        self.batch_id, self.samples, self.stop = batch_id, [], threading.Event()
        self.started_at = time.perf_counter()

    def run(self):
        from django.db import connection

        from imports.models import ImportBatch

        try:
            while not self.stop.wait(1.0):
                done, total = ImportBatch.objects.filter(pk=self.batch_id).values_list("rows_done", "rows_total").get()
                self.samples.append((time.perf_counter() - self.started_at, done, total))
        finally:
            connection.close()


def _persona():
    """A new social centre of Lạng Sơn and its caseworker (factories: the bench is dev tooling)."""
    from tests.factories import MembershipFactory
    from tests.victims.factories import agency

    tag = time.time_ns() % 10**9  # factory sequences restart in each process
    centre = agency("social_centre", "lang son", code=f"BENCH-{tag}", name="Trung tâm CTXH Lạng Sơn (bench)")
    return MembershipFactory(agency=centre, user__username=f"bench-import-{tag}")


def _register(rows: int) -> tuple[bytes, dict]:
    from tests.imports.register import register_xlsx
    from tests.imports.register_world import register_rows

    receptions, children, outcomes, support = register_rows(count=round(rows / ROWS_PER_RECEPTION), seed=17)
    sheets = {"reception": receptions, "child": children, "identification": outcomes, "support": support}
    return register_xlsx(sheets), {kind: len(table) for kind, table in sheets.items()}


def _pass(name: str, fn, batch_id: int) -> dict:
    from django.db import connection

    counter, sampler = Counter(int(os.environ.get("BENCH_LOG_SQL", "0")) if name == "check" else 0), Sampler(batch_id)
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") == name else None
    sampler.start()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        if profile:
            profile.enable()
        fn(batch_id)
        if profile:
            profile.disable()
    seconds = time.perf_counter() - started
    for shape, (count, spent) in sorted(counter.shapes.items(), key=lambda i: -i[1][1])[
            :int(os.environ.get("BENCH_SQL_TOP", "0"))]:
        print(f"  {spent:6.2f} s {count:6d}× {spent / count * 1000:5.2f} ms  {shape}")
    sampler.stop.set()
    sampler.join()
    if profile:
        out = ROOT / "var" / "bench" / f"imports-{name}.prof"
        out.parent.mkdir(parents=True, exist_ok=True)
        profile.dump_stats(out)
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(45)
        print(text.getvalue())
        print(f"  profile written to {out}")
    return {"name": name, "seconds": seconds, "queries": counter.queries, "savepoints": counter.savepoints,
            "sql_seconds": counter.seconds,
            "samples": sampler.samples}


def run() -> int:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from accounts.actor import act_as
    from imports import runs
    from imports import services as import_services

    call_command("migrate", verbosity=0)
    wanted = int(os.environ.get("BENCH_ROWS", "20000"))
    started = time.perf_counter()
    data, sizes = _register(wanted)
    rows = sum(sizes.values())
    print(f"• Register: {rows:,} rows ({', '.join(f'{k} {n:,}' for k, n in sizes.items())}), "
          f"{len(data) / 2**20:.1f} MB, built in {time.perf_counter() - started:.1f} s", flush=True)
    membership = _persona()
    user = membership.user
    batch = import_services.import_upload(user=user, agency=membership.agency, queue=False,
                                          file=SimpleUploadedFile("so-tiep-nhan-bench.xlsx", data))
    # The bench runs the tasks itself: nothing is sent to a worker.
    import_services._queue = lambda task, batch_id: None

    check = _pass("check", runs.check_batch, batch.pk)
    batch.refresh_from_db()
    print(_line(check, rows), flush=True)
    import_services.import_confirm(actor=act_as(user, membership), batch=batch)
    imported = _pass("import", runs.import_batch, batch.pk)
    batch.refresh_from_db()
    print(_line(imported, rows), flush=True)
    print(f"• Status {batch.status}; counts {batch.counts}")
    report = _report(rows, sizes, check, imported, batch)
    print(report)
    if os.environ.get("BENCH_WRITE", "1") != "0":
        _write(report)
        print(f"\nWritten to {RESULTS}")
    return 0


def _line(result: dict, rows: int) -> str:
    return (f"• {result['name']}: {result['seconds']:.1f} s, {rows / result['seconds']:.1f} rows/s, "
            f"{result['queries'] / rows:.1f} queries/row (+{result['savepoints'] / rows:.1f} savepoint statements), "
            f"{result['sql_seconds']:.1f} s of it in SQL")


def _progress(samples) -> str:
    if not samples:
        return "(no sample: the pass took under a second)"
    # Every 10th second, and the last: enough to see the bar move without a wall of numbers.
    shown = [s for i, s in enumerate(samples) if i % 10 == 9] + ([samples[-1]] if len(samples) % 10 else [])
    return ", ".join(f"{t:.0f} s: {done:,}/{total:,}" for t, done, total in shown)


def _report(rows, sizes, check, imported, batch) -> str:
    from django.db import connection
    from django.utils import timezone

    from bench.run import machine

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM victims_person")
        persons = cursor.fetchone()[0]
    total = check["seconds"] + imported["seconds"]
    lines = [
        SECTION, "",
        "Written by `make bench-import` (bench/imports.py); notes and profiles in bench/notes/imports.md.", "",
        f"- Date: {timezone.now():%Y-%m-%d %H:%M} UTC; {'; '.join(machine())}",
        f"- Register: {rows:,} rows ({', '.join(f'{k} {n:,}' for k, n in sizes.items())}); "
        f"the database held {persons:,} persons after the import",
        f"- Result: {batch.status}, counts {batch.counts}",
        "", "| pass | seconds | rows/s | queries/row | savepoint statements/row |", "|---|---:|---:|---:|---:|",
    ]
    for result in (check, imported):
        lines.append(f"| {result['name']} | {result['seconds']:.1f} | {rows / result['seconds']:.1f} | "
                     f"{result['queries'] / rows:.1f} | {result['savepoints'] / rows:.1f} |")
    lines += [f"| **both** | **{total:.1f}** ({total / 60:.1f} min) | {rows / total:.1f} | | |", ""]
    for result in (check, imported):
        lines.append(f"- Progress of the {result['name']} (seconds: rows_done/rows_total): {_progress(result['samples'])}")
    return "\n".join(lines) + "\n"


def _write(report: str) -> None:
    """Replace the section in results.md (it sits in the hand-kept part `make bench` leaves as it is)."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n## Notes\n"
    if SECTION in text:
        before, after = text.split(SECTION, 1)
        rest = after.split("\n## ", 1)
        text = before + report + ("\n## " + rest[1] if len(rest) > 1 else "")
    elif "\n## Notes\n" in text:
        head, notes = text.split("\n## Notes\n", 1)
        first = notes.split("\n## ", 1)
        text = head + "\n## Notes\n" + first[0] + "\n" + report + ("\n## " + first[1] if len(first) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + report
    RESULTS.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
