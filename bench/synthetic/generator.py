"""The synthetic national dataset: plan stories chunk by chunk, COPY their rows, then derive the
history rows in SQL, fix counters and sequences, rebuild indexes, VACUUM and ANALYZE.

One transaction: a failure leaves the database as it was. Triggers are off for this session only
(`session_replication_role = replica`): the pghistory triggers would stamp every event with the load
time, so the history rows are written here with the dates of the story instead (same tables, same
columns as the triggers write). Foreign keys are not checked row by row in that mode: the generator
makes only ids it has issued, and `verify_foreign_keys` checks every constraint afterwards (the tests
run it; `--verify` does at any size).

Chunks are made by `workers` processes (forked after the reference data is read; they never touch
the database) while this process streams their COPY text into PostgreSQL. A chunk decides its rows
with chunk-local ids, reports how many ids and register numbers it used, gets the offsets from the
chunks before it and writes its text (copyload.py): the rows are the same for any number of workers.
"""

import datetime
import hashlib
import io
import multiprocessing
import os
import queue
import random
import threading
import time
import traceback
from multiprocessing.connection import wait

from django.apps import apps
from django.db import connection, transaction

from reporting.facts import FACTS, rebuild_facts
from support.models import EntitlementItem, PolicyVersion
from victims.models import EthnicGroup

from . import history
from .copyload import Numbered, Table, formatter
from .plan import Planner
from .reference import ensure_reference
from .steps import COLUMNS, STEPS

DEFAULT_ANCHOR = datetime.date(2026, 11, 30)
VICTIM_TABLES = ("victims_person", "victims_case")
CASES = "victims_case"  # a chunk holds a known number of cases: their ids are final from the start
AHEAD = 2  # chunks made but not yet copied, per worker, before a worker waits (bounds the memory)


class RealDataError(Exception):
    pass


class WorkerError(Exception):
    pass


def rng_for(seed: int, *parts) -> random.Random:
    key = ":".join(str(p) for p in (seed, *parts)).encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


KINDS = {"BooleanField": "bool", "ArrayField": "array", "DateField": "date", "DateTimeField": "date",
         "CharField": "text", "TextField": "text", "FileField": "text"}
NUMBERED = {("victims_case", "case_number"), ("support_supportdecision", "number"),
            ("support_supportdecision", "document_number")}  # registers: see Generator.next_number


def _columns() -> dict[str, list[tuple[str, bool, str | None]]]:
    """For each generated table, per column: its kind, whether it is nullable, and the generated
    table whose ids it holds (its own id, its foreign keys to other generated tables) if any."""
    models = {m._meta.db_table: m for m in apps.get_models()}
    out = {}
    for table, columns in COLUMNS.items():
        fields = {f.column: f for f in models[table]._meta.concrete_fields}
        out[table] = []
        for column in columns.split():
            field = fields[column]
            target = table if field.primary_key else (
                field.related_model._meta.db_table if field.is_relation else None)
            kind = KINDS.get(field.get_internal_type(), "int")
            out[table].append((kind, field.null, target if target in COLUMNS and target != CASES else None))
    return out


class Generator:
    def __init__(self, *, persons: int, seed: int, anchor=DEFAULT_ANCHOR, chunk: int = 20000,
                 long_every: int = 2000, workers: int = 2, log=print):
        self.persons, self.seed, self.anchor = persons, seed, anchor
        self.chunk, self.long_every, self.workers, self.log = chunk, long_every, workers, log
        self.tables: dict[str, Table] = {}
        self.counters: dict[tuple, int] = {}
        self.timings: dict[str, float] = {}
        self.totals: dict[str, int] = {}

    # -- helpers used by the steps ---------------------------------------------------------
    def table(self, name: str) -> Table:
        return self.tables[name]

    def ids(self, name: str, n: int) -> int:
        """`n` new ids of a table: chunk-local (final for cases), made final when the chunk is written."""
        first = self._used[name]
        self._used[name] = first + n
        return first

    def next_number(self, key: tuple) -> Numbered:
        """The next number of a register (case numbers, decision numbers of an agency and year)."""
        local = self._numbers.get(key, 0) + 1
        self._numbers[key] = local
        return Numbered(key, local)

    def destination_province(self, rng):
        return rng.choice(self.ref.provinces).pk

    # -- the run ----------------------------------------------------------------------------
    def run(self, *, append: bool = False) -> dict[str, int]:
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            if not append:
                cursor.execute("SELECT EXISTS (SELECT 1 FROM victims_person) OR EXISTS (SELECT 1 FROM victims_case)")
                if cursor.fetchone()[0]:
                    raise RealDataError("The database already holds persons or cases.")
            self.ref = ensure_reference()
            self._load_catalogue()
            self._existing_counters(cursor)
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            self.first_ids = {}
            for name, columns in COLUMNS.items():
                self.tables[name] = Table(name, columns.split())
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{name}"')  # noqa: S608 - fixed names
                self.first_ids[name] = cursor.fetchone()[0]
            self.kinds = columns = _columns()
            self.shifts = {t: [target for _, _, target in cols if target] for t, cols in columns.items()}
            self.formatters = {t: formatter([(kind, null, target is not None, (t, c) in NUMBERED)
                                             for (kind, null, target), c in zip(cols, COLUMNS[t].split(), strict=True)])
                               for t, cols in columns.items()}
            self.copy_sql = {name: f'COPY "{name}" ({", ".join(t.columns)}) FROM STDIN'
                             for name, t in self.tables.items()}
            dropped = history.drop_secondary_indexes(cursor, [*COLUMNS, *history.event_tables(COLUMNS)])
            self._mark("prepare", started)

            t = time.monotonic()
            self.planner = Planner(self.ref, self.anchor, self.ethnic_ids)
            sizes = [min(self.chunk, self.persons - done) for done in range(0, self.persons, self.chunk)]
            raw = cursor.cursor  # the psycopg2 cursor: the copier thread uses it, nothing else meanwhile
            if self.workers > 0:
                self._parallel(raw, sizes, t)
            else:
                self._serial(raw, sizes, t)
            self._mark("rows", t)

            t = time.monotonic()
            history.write_events(cursor, self)
            self._mark("history", t)
            t = time.monotonic()
            history.write_counters(cursor, self)
            history.reset_sequences(cursor, [*COLUMNS])
            cursor.execute("SET LOCAL session_replication_role = origin")
            history.create_indexes(cursor, dropped)
            self._mark("indexes", t)
            t = time.monotonic()
            rebuild_facts(cursor)  # their triggers did not fire under the replica role
            self._mark("statistics facts", t)
        t = time.monotonic()
        with connection.cursor() as cursor:
            loaded = ", ".join([*COLUMNS, *history.event_tables(COLUMNS), "pghistory_context", *FACTS])
            # VACUUM too, as autovacuum would on a live system: without the visibility map no
            # index-only scan skips the heap, and a copied database is never visited by autovacuum
            # (its counters start at zero). Not possible inside a transaction (the tests' load).
            cursor.execute(f"ANALYZE {loaded}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {loaded}")
        self._mark("vacuum and analyze" if not connection.in_atomic_block else "analyze", t)
        self.timings["total"] = time.monotonic() - started
        return {name: self.totals.get(name, 0) for name in COLUMNS}

    def _mark(self, name, since):
        self.timings[name] = time.monotonic() - since
        self.log(f"  {name}: {self.timings[name]:.1f} s")

    # -- one chunk: decide (phase 1), then write with the offsets (phase 2) --------------------
    def _decide(self, index: int, n: int):
        """The chunk's rows with chunk-local ids; how many ids of each table and numbers of each
        register it used."""
        self._used = dict.fromkeys(COLUMNS, 0)
        self._used[CASES] = self.first_ids[CASES] + index * self.chunk
        self._numbers = {}
        rng = rng_for(self.seed, "plan", index)
        first_case = self.ids(CASES, n)
        stories = []
        for i in range(n):
            case_id = first_case + i
            person_id = self.ids("victims_person", 1)
            long = (case_id - self.first_ids[CASES]) % self.long_every == 7
            stories.append(self.planner.story(rng, case_id, person_id, long, stories))
        for step in STEPS:
            step(self, rng_for(self.seed, step.__name__, index), stories)
        rows = {name: table.take() for name, table in self.tables.items()}
        used = {name: v for name, v in self._used.items() if name != CASES}
        return rows, used, self._numbers

    def _write(self, rows, offsets: dict[str, int], bases: dict) -> list[tuple[str, bytes, int]]:
        """The chunk's COPY text, table by table, with its final ids and numbers."""
        Numbered.bases = bases
        out = []
        for name, table_rows in rows.items():
            lines = self.formatters[name](table_rows, [offsets[t] for t in self.shifts[name]])
            out.append((name, _text(lines), len(lines)))
        return out

    def _serial(self, cursor, sizes, started):
        used_total = dict.fromkeys(COLUMNS, 0)
        for index, n in enumerate(sizes):
            rows, used, numbers = self._decide(index, n)
            offsets = {name: self.first_ids[name] + used_total[name] for name in used}
            bases = self._bases(numbers)
            for name, count in used.items():
                used_total[name] += count
            self._copy(cursor, self._write(rows, offsets, bases))
            self._progress(index, sizes, started)

    def _bases(self, numbers) -> dict:
        """The last number of each register used by a chunk before it, and the register after it."""
        bases = {key: self.counters.get(key, self._counter_start(key)) for key in numbers}
        for key, count in numbers.items():
            self.counters[key] = bases[key] + count
        return bases

    def _copy(self, cursor, buffers) -> None:
        for name, data, count in buffers:
            if count:
                cursor.copy_expert(self.copy_sql[name], io.BytesIO(data), size=1 << 20)
                self.totals[name] = self.totals.get(name, 0) + count

    def _progress(self, index, sizes, started):
        if (index + 1) % 10 == 0:
            done = sum(sizes[: index + 1])
            self.log(f"  {done:,} persons ({done / (time.monotonic() - started):,.0f}/s)")

    def _parallel(self, cursor, sizes, started):
        """Workers make the chunks; this process gives each chunk its offsets in order (as soon as
        the chunk before it has counted its rows) and a thread copies the chunks in order."""
        context = multiprocessing.get_context("fork")
        workers = min(self.workers, len(sizes))
        pipes, processes = [], []
        for w in range(workers):
            ours, theirs = context.Pipe()
            process = context.Process(target=_work, args=(self, w, workers, sizes, theirs), daemon=True)
            process.start()
            theirs.close()
            pipes.append(ours)
            processes.append(process)
        copies: queue.Queue = queue.Queue()
        failure, stop = [], threading.Event()

        def copier():
            try:
                while (item := copies.get()) is not None and not stop.is_set():
                    index, buffers = item
                    self._copy(cursor, buffers)
                    copied[0] = index + 1
                    self._progress(index, sizes, started)
            except BaseException as error:  # noqa: BLE001 - reported by the main thread
                failure.append(error)

        copied = [0]
        thread = threading.Thread(target=copier, daemon=True)
        thread.start()
        used_total = dict.fromkeys(COLUMNS, 0)
        counted = 0  # chunks whose offsets are known: every chunk before `counted` has counted
        waiting: dict[int, tuple] = {}  # chunk -> (pipe, used, numbers): waiting for its offsets
        made: dict[int, list] = {}  # chunk -> buffers, made but not yet queued for COPY
        queued = 0
        try:
            while queued < len(sizes):
                if failure:
                    raise failure[0]
                if not pipes:
                    raise WorkerError("A worker stopped before its chunks were made.")
                for pipe in wait(pipes, timeout=0.05):
                    try:
                        message = pipe.recv()
                    except EOFError:  # the worker has sent its last chunk (or died: see above)
                        pipes.remove(pipe)
                        continue
                    if message[0] == "error":
                        raise WorkerError(message[1])
                    if message[0] == "counted":
                        _, index, used, numbers = message
                        waiting[index] = (pipe, used, numbers)
                    elif message[0] == "rows":
                        made[message[1]] = message[2]
                while queued in made:
                    copies.put((queued, made.pop(queued)))
                    queued += 1
                # Offsets in chunk order; a chunk far ahead of the COPY waits (memory stays bounded).
                while counted in waiting and counted < copied[0] + AHEAD * workers:
                    pipe, used, numbers = waiting.pop(counted)
                    offsets = {name: self.first_ids[name] + used_total[name] for name in used}
                    for name, count in used.items():
                        used_total[name] += count
                    pipe.send((offsets, self._bases(numbers)))
                    counted += 1
            copies.put(None)
            thread.join()
            if failure:
                raise failure[0]
        finally:
            # Never roll back under a COPY: the thread ends after the chunk it is copying.
            stop.set()
            copies.put(None)
            thread.join()
            for process in processes:
                if process.is_alive():
                    process.terminate()
                process.join()


    def _load_catalogue(self):
        self.ethnic_ids = dict(EthnicGroup.objects.values_list("code", "pk"))
        self.versions = []
        for code, local in (("ND-09-2013", "facility_director"), ("LAW-53-2024", "receiving_body")):
            version = PolicyVersion.objects.get(code=code)
            items = {"provincial_department": [], local: []}
            for item in EntitlementItem.objects.filter(version=version).order_by("sort_order", "pk"):
                if item.deciding_authority in items:
                    items[item.deciding_authority].append({
                        "id": item.pk, "unit": item.unit, "amount": item.default_amount,
                        "name": item.name_vi, "basis": (item.basis_document or "")[:500],
                    })
            self.versions.append({"id": version.pk, "local_authority": local, "items": items,
                                  "valid_from": version.valid_from})

    def _existing_counters(self, cursor):
        cursor.execute("SELECT agency_id, year, last_value FROM victims_casenumbercounter")
        self._start = {("case", a, y): v for a, y, v in cursor.fetchall()}
        cursor.execute("SELECT agency_id, year, last_number FROM accounts_documentnumberregister "
                       "WHERE document_type = 'decision'")
        self._start.update({("decision", a, y): v for a, y, v in cursor.fetchall()})

    def _counter_start(self, key):
        return self._start.get(key, 0)


def _text(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _work(gen: Generator, w: int, workers: int, sizes: list[int], pipe) -> None:
    """A worker process: chunks w, w + workers, ... of the run. It never uses the database."""
    try:
        for index in range(w, len(sizes), workers):
            rows, used, numbers = gen._decide(index, sizes[index])
            pipe.send(("counted", index, used, numbers))
            offsets, bases = pipe.recv()
            pipe.send(("rows", index, gen._write(rows, offsets, bases)))
    except BaseException:  # noqa: BLE001 - the parent raises it
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()
        os._exit(0)  # never run the parent's exit handlers (its database connection) in a fork
