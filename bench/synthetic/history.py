"""History rows made with the chunk's rows (pghistory events with the story's dates, one history
context per case), then set-based SQL after the COPY: counters, sequences, indexes, and the integrity
checks the tests run."""

import datetime

from .copyload import NULL

# Tracked tables: the time of the insert event and the column giving the case (its history context).
# Person, case and support request events are made by `events` below (more than one per row, or the
# case found through another table); a line, decision or delivery finds its case through its request.
TRACKED = {
    "victims_casechild": ("created_at", "case_id"),
    "victims_consent": ("created_at", "case_id"),
    "victims_statustransition": ("at", "case_id"),
    "victims_identificationoutcome": ("recorded_at", "case_id"),
    "victims_caseclosure": ("created_at", "case_id"),
    "victims_caseaccessgrant": ("granted_at", "case_id"),
    "victims_reintegrationplan": ("created_at", "case_id"),
    "victims_followupvisit": ("created_at", "case_id"),
    "facilities_stay": ("created_at", "case_id"),
    "victims_referral": ("sent_at", "case_id"),
    "victims_contact": ("created_at", "case_id"),
    "support_supportrequestline": (None, None),
    "support_supportdecision": ("decided_at", None),
    "support_delivery": ("recorded_at", None),
}
PGH = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id"}
EVENT_PREFIX = ["pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id"]
CONTEXT_COLUMNS = ["id", "created_at", "updated_at", "metadata"]


def event_tables(tables) -> list[str]:
    return [f"{t}event" for t in tables if t != "victims_accesslog"]


def context_id(seed: int, case_id) -> str:
    """The history context of a case: a UUID made of the seed and the case id."""
    if case_id is None:
        return NULL
    return f"{seed & 0xFFFFFFFF:08x}-5e5e-4000-8000-{case_id:012x}"


def _utc_date_plus_30(at: str) -> str:
    # `(at + interval '30 days')::date` as the triggers' session (UTC) computes it for an at in +07.
    moment = datetime.datetime.fromisoformat(at[:19]) - datetime.timedelta(hours=7)
    return (moment.date() + datetime.timedelta(days=30)).isoformat()


def events(seed: int, positions: dict[str, dict[str, int]], rows: dict[str, list], lines: dict[str, list[str]],
           offsets: dict[str, int]) -> dict[str, list[str]]:
    """The pghistory rows of one chunk, exactly as the triggers write them (an event holds every
    column of its row: the row's own COPY line after the pgh columns), and one history context per
    case. `rows` are the chunk's rows with chunk-local ids, `lines` their final COPY text, `offsets`
    what makes a table's local ids final."""
    out: dict[str, list[str]] = {}
    case_rows, case_pos = rows["victims_case"], positions["victims_case"]
    ctx = {}
    contexts = out["pghistory_context"] = []
    i_created, i_by, i_owner = case_pos["created_at"], case_pos["created_by_id"], case_pos["owning_agency_id"]
    for r in case_rows:
        c = ctx[r[0]] = context_id(seed, r[0])
        contexts.append(f"{c}\t{r[i_created]}\t{r[i_created]}\t"
                        f'{{"user": {r[i_by]}, "agency": {r[i_owner]}, "request_id": "synthetic-{r[0]}"}}')

    # Cases: received at creation, then one update per status change (the columns that change).
    changes: dict[int, list] = {}
    t_pos = positions["victims_statustransition"]
    i_case, i_to, i_at = t_pos["case_id"], t_pos["to_status"], t_pos["at"]
    for r in rows["victims_statustransition"]:
        changes.setdefault(r[i_case], []).append((r[i_to], r[i_at]))
    i_status, i_changed, i_updated, i_due = (case_pos[c] for c in (
        "status", "status_changed_at", "updated_at", "next_visit_due"))
    case_events = out["victims_caseevent"] = []
    for r, text in zip(case_rows, lines["victims_case"], strict=True):
        f = text.split("\t")
        c, at = ctx[r[0]], r[i_created]
        f[i_status], f[i_changed], f[i_updated], f[i_due] = "received", at, at, NULL
        case_events.append(f"{at}\tinsert\t{r[0]}\t{c}\t" + "\t".join(f))
        head = f"\tupdate\t{r[0]}\t{c}\t"
        for status, at in changes.get(r[0], ()):
            f[i_status], f[i_changed], f[i_updated] = status, at, at
            f[i_due] = _utc_date_plus_30(at) if status == "follow_up" else NULL
            case_events.append(at + head + "\t".join(f))

    # Persons: the victim's case, or the case a child came with.
    person_case = {r[case_pos["person_id"]]: r[0] for r in case_rows}
    cc = positions["victims_casechild"]
    person_case.update((r[cc["person_id"]], r[cc["case_id"]]) for r in rows["victims_casechild"])
    i_created, off = positions["victims_person"]["created_at"], offsets["victims_person"]
    out["victims_personevent"] = [
        f"{r[i_created]}\tinsert\t{r[0] + off}\t{ctx[person_case[r[0]]]}\t{text}"
        for r, text in zip(rows["victims_person"], lines["victims_person"], strict=True)]

    # Support requests: made pending, then decided.
    rq = positions["support_supportrequest"]
    i_status, i_created, i_updated, i_case = rq["status"], rq["created_at"], rq["updated_at"], rq["case_id"]
    off = offsets["support_supportrequest"]
    request_events = out["support_supportrequestevent"] = []
    request_of = {}
    for r, text in zip(rows["support_supportrequest"], lines["support_supportrequest"], strict=True):
        c = ctx[r[i_case]]
        request_of[r[0]] = (r[i_created], r[i_case])
        f = text.split("\t")
        f[i_status], f[i_updated] = "pending", r[i_created]
        request_events.append(f"{r[i_created]}\tinsert\t{r[0] + off}\t{c}\t" + "\t".join(f))
        if r[i_status] != "pending":
            request_events.append(f"{r[i_updated]}\tupdate\t{r[0] + off}\t{c}\t{text}")

    i_request = positions["support_supportrequestline"]["request_id"]
    line_request = {r[0]: r[i_request] for r in rows["support_supportrequestline"]}
    for table, (at_column, case_column) in TRACKED.items():
        p, table_rows = positions[table], rows[table]
        if table == "support_supportrequestline":
            pairs = [request_of[r[i_request]] for r in table_rows]
        elif table == "support_supportdecision":
            i_at, i_req = p[at_column], p["request_id"]
            pairs = [(r[i_at], request_of[r[i_req]][1]) for r in table_rows]
        elif table == "support_delivery":
            i_at, i_line = p[at_column], p["line_id"]
            pairs = [(r[i_at], request_of[line_request[r[i_line]]][1]) for r in table_rows]
        else:
            i_at, i_case = p[at_column], p[case_column]
            pairs = [(r[i_at], r[i_case]) for r in table_rows]
        off = offsets[table]
        out[f"{table}event"] = [
            f"{at}\tinsert\t{r[0] + off}\t{NULL if case is None else ctx[case]}\t{text}"
            for r, text, (at, case) in zip(table_rows, lines[table], pairs, strict=True)]
    return out


def write_counters(cursor, gen) -> None:
    cases = [(a, y, v) for (kind, a, y), v in gen.counters.items() if kind == "case"]
    decisions = [(a, y, v) for (kind, a, y), v in gen.counters.items() if kind == "decision"]
    if cases:
        cursor.execute(
            "INSERT INTO victims_casenumbercounter (agency_id, year, last_value) "
            "SELECT * FROM unnest(%s::bigint[], %s::int[], %s::int[]) "
            "ON CONFLICT (agency_id, year) DO UPDATE SET last_value = "
            "GREATEST(victims_casenumbercounter.last_value, EXCLUDED.last_value)",
            [list(x) for x in zip(*cases, strict=True)],
        )
    if decisions:
        cursor.execute(
            "INSERT INTO accounts_documentnumberregister (agency_id, year, document_type, last_number) "
            "SELECT a, y, 'decision', v FROM unnest(%s::bigint[], %s::int[], %s::int[]) AS u(a, y, v) "
            "ON CONFLICT (agency_id, year, document_type) DO UPDATE SET last_number = "
            "GREATEST(accounts_documentnumberregister.last_number, EXCLUDED.last_number)",
            [list(x) for x in zip(*decisions, strict=True)],
        )


def reset_sequences(cursor, tables) -> None:
    for table in tables:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                       f"GREATEST((SELECT MAX(id) FROM {table}), 1))")


def drop_secondary_indexes(cursor, tables) -> list[str]:
    """Plain indexes of tables that are still empty: built once at the end, faster than keeping
    them up to date row by row. Unique and primary-key indexes stay (they enforce constraints).
    Dropped inside the load's transaction: a failure brings them back."""
    definitions = []
    for table in tables:
        cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")  # noqa: S608
        if not cursor.fetchone()[0]:
            continue
        cursor.execute("""
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = %s AND NOT x.indisunique AND NOT x.indisprimary""", [table])
        for name, definition in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
            definitions.append(definition)
    return definitions


def create_indexes(cursor, definitions) -> None:
    for definition in definitions:
        cursor.execute(definition)


def verify_foreign_keys(cursor) -> list[str]:
    """Every single-column foreign key of the public schema that points nowhere: the list of them."""
    cursor.execute("""
        SELECT c.conname, t.relname, a.attname, r.relname, ra.attname FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND n.nspname = 'public' AND array_length(c.conkey, 1) = 1""")
    broken = []
    for name, table, column, ref, ref_column in cursor.fetchall():
        cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}" t WHERE t."{column}" IS NOT NULL AND '  # noqa: S608
                       f'NOT EXISTS (SELECT 1 FROM "{ref}" r WHERE r."{ref_column}" = t."{column}"))')
        if cursor.fetchone()[0]:
            broken.append(name)
    return broken


def digest(cursor, tables) -> str:
    """One hash of the generated rows (ids included), to check that a seed gives the same data. An
    event table is hashed without `pgh_id` (its sequence is not rolled back with a savepoint)."""
    parts = []
    for table in tables:
        if table.endswith("event"):
            cursor.execute("SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
                           "FROM information_schema.columns WHERE table_name = %s AND column_name <> 'pgh_id'",
                           [table])
            columns = cursor.fetchone()[0]
            cursor.execute(f"SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
                           f"FROM (SELECT {columns} FROM {table}) t")
        else:
            cursor.execute(f"SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY id), '')) FROM {table} t")  # noqa: S608
        parts.append(cursor.fetchone()[0])
    return "".join(parts)
