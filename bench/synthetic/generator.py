"""The synthetic national dataset: plan stories chunk by chunk, COPY their rows, then derive the
history rows in SQL, fix counters and sequences, rebuild indexes and ANALYZE.

One transaction: a failure leaves the database as it was. Triggers are off for this session only
(`session_replication_role = replica`): the pghistory triggers would stamp every event with the load
time, so the history rows are written here with the dates of the story instead (same tables, same
columns as the triggers write). Foreign keys are not checked row by row in that mode: the generator
makes only ids it has issued, and `verify_foreign_keys` checks every constraint afterwards (the tests
run it; `--verify` does at any size).
"""

import datetime
import hashlib
import random
import time

from django.db import connection, transaction

from support.models import EntitlementItem, PolicyVersion
from victims.models import EthnicGroup

from . import history
from .copyload import Table
from .plan import Planner
from .reference import ensure_reference
from .steps import COLUMNS, STEPS

DEFAULT_ANCHOR = datetime.date(2026, 11, 30)
VICTIM_TABLES = ("victims_person", "victims_case")


class RealDataError(Exception):
    pass


def rng_for(seed: int, *parts) -> random.Random:
    key = ":".join(str(p) for p in (seed, *parts)).encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


class Generator:
    def __init__(self, *, persons: int, seed: int, anchor=DEFAULT_ANCHOR, chunk: int = 20000,
                 long_every: int = 2000, log=print):
        self.persons, self.seed, self.anchor = persons, seed, anchor
        self.chunk, self.long_every, self.log = chunk, long_every, log
        self.tables: dict[str, Table] = {}
        self.counters: dict[tuple, int] = {}
        self.timings: dict[str, float] = {}

    # -- helpers used by the steps ---------------------------------------------------------
    def table(self, name: str) -> Table:
        return self.tables[name]

    def ids(self, name: str, n: int) -> int:
        first = self._next_id[name]
        self._next_id[name] = first + n
        return first

    def next_number(self, key: tuple) -> int:
        value = self.counters.get(key, self._counter_start(key)) + 1
        self.counters[key] = value
        return value

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
            self._next_id = {}
            for name, columns in COLUMNS.items():
                self.tables[name] = Table(name, columns.split())
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{name}"')  # noqa: S608 - fixed names
                self._next_id[name] = cursor.fetchone()[0]
            self.first_ids = dict(self._next_id)
            dropped = history.drop_secondary_indexes(cursor, [*COLUMNS, *history.event_tables(COLUMNS)])
            self._mark("prepare", started)

            t = time.monotonic()
            self.planner = Planner(self.ref, self.anchor, self.ethnic_ids)
            done = 0
            index = 0
            while done < self.persons:
                n = min(self.chunk, self.persons - done)
                self._chunk(cursor, index, n)
                done += n
                index += 1
                if index % 10 == 0:
                    rate = done / (time.monotonic() - t)
                    self.log(f"  {done:,} persons ({rate:,.0f}/s)")
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
        with connection.cursor() as cursor:
            loaded = [*COLUMNS, *history.event_tables(COLUMNS), "pghistory_context"]
            cursor.execute(f"ANALYZE {', '.join(loaded)}")
        self._mark("analyze", t)
        self.timings["total"] = time.monotonic() - started
        return {name: table.total for name, table in self.tables.items()}

    def _mark(self, name, since):
        self.timings[name] = time.monotonic() - since
        self.log(f"  {name}: {self.timings[name]:.1f} s")

    def _chunk(self, cursor, index: int, n: int) -> None:
        rng = rng_for(self.seed, "plan", index)
        first_case = self.ids("victims_case", n)
        stories = []
        for i in range(n):
            case_id = first_case + i
            person_id = self.ids("victims_person", 1)
            long = (case_id - self.first_ids["victims_case"]) % self.long_every == 7
            stories.append(self.planner.story(rng, case_id, person_id, long, stories))
        for step in STEPS:
            step(self, rng_for(self.seed, step.__name__, index), stories)
        for table in self.tables.values():
            table.flush(cursor)

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
