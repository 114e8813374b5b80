"""Set-based SQL after the COPY: pghistory events with the story's dates, one history context per
case, counters, sequences, indexes, and the integrity checks the tests run."""

# Tracked tables: (table, time column, SQL giving the case id, extra join).
TRACKED = [
    ("victims_casechild", "t.created_at", "t.case_id", ""),
    ("victims_consent", "t.created_at", "t.case_id", ""),
    ("victims_statustransition", "t.at", "t.case_id", ""),
    ("victims_identificationoutcome", "t.recorded_at", "t.case_id", ""),
    ("victims_caseclosure", "t.created_at", "t.case_id", ""),
    ("victims_caseaccessgrant", "t.granted_at", "t.case_id", ""),
    ("victims_reintegrationplan", "t.created_at", "t.case_id", ""),
    ("victims_followupvisit", "t.created_at", "t.case_id", ""),
    ("facilities_stay", "t.created_at", "t.case_id", ""),
    ("victims_referral", "t.sent_at", "t.case_id", ""),
    ("victims_contact", "t.created_at", "t.case_id", ""),
    ("support_supportrequestline", "r.created_at", "r.case_id",
     "JOIN support_supportrequest r ON r.id = t.request_id"),
    ("support_supportdecision", "t.decided_at", "r.case_id",
     "JOIN support_supportrequest r ON r.id = t.request_id"),
    ("support_delivery", "t.recorded_at", "r.case_id",
     "JOIN support_supportrequestline l ON l.id = t.line_id JOIN support_supportrequest r ON r.id = l.request_id"),
]
PGH = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id"}


def event_tables(tables) -> list[str]:
    return [f"{t}event" for t in tables if t != "victims_accesslog"]


def context_id_sql(seed: int, case_sql: str) -> str:
    """The history context of a case: a UUID made of the seed and the case id (the same in Python)."""
    return (f"(lpad(to_hex({seed & 0xFFFFFFFF}), 8, '0') || '-5e5e-4000-8000-' || "
            f"lpad(to_hex({case_sql}), 12, '0'))::uuid")


def _columns(cursor, table) -> list[str]:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                   "ORDER BY ordinal_position", [table])
    return [r[0] for r in cursor.fetchall()]


def write_events(cursor, gen) -> None:
    seed = gen.seed
    first = gen.first_ids
    case_from = first["victims_case"]
    ctx = context_id_sql(seed, "c.id")
    cursor.execute(f"""
        INSERT INTO pghistory_context (id, created_at, updated_at, metadata)
        SELECT {ctx}, c.created_at, c.created_at,
               jsonb_build_object('user', c.created_by_id, 'agency', c.owning_agency_id,
                                  'request_id', 'synthetic-' || c.id)
        FROM victims_case c WHERE c.id >= %s""", [case_from])  # noqa: S608 - generated SQL, no input

    # Persons: the victim's case, or the case a child came with.
    cols = [c for c in _columns(cursor, "victims_personevent") if c not in PGH]
    select = ", ".join(f"p.{c}" for c in cols)
    cursor.execute(f"""
        INSERT INTO victims_personevent (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {", ".join(cols)})
        SELECT p.created_at, 'insert', p.id, {context_id_sql(seed, "COALESCE(c.id, cc.case_id)")}, {select}
        FROM victims_person p
        LEFT JOIN victims_case c ON c.person_id = p.id
        LEFT JOIN victims_casechild cc ON cc.person_id = p.id
        WHERE p.id >= %s""", [first["victims_person"]])  # noqa: S608

    # Cases: received at creation, then one update per status transition.
    cols = [c for c in _columns(cursor, "victims_caseevent") if c not in PGH]
    varying = {"status", "status_changed_at", "updated_at", "next_visit_due"}
    fixed = [c for c in cols if c not in varying]
    fixed_sql = ", ".join(f"c.{c}" for c in fixed)
    names = ", ".join([*fixed, "status", "status_changed_at", "updated_at", "next_visit_due"])
    cursor.execute(f"""
        INSERT INTO victims_caseevent (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {names})
        SELECT c.created_at, 'insert', c.id, {ctx}, {fixed_sql}, 'received', c.created_at, c.created_at, NULL
        FROM victims_case c WHERE c.id >= %s
        UNION ALL
        SELECT t.at, 'update', c.id, {ctx}, {fixed_sql}, t.to_status, t.at, t.at,
               CASE WHEN t.to_status = 'follow_up' THEN (t.at + interval '30 days')::date END
        FROM victims_statustransition t JOIN victims_case c ON c.id = t.case_id
        WHERE c.id >= %s""", [case_from, case_from])  # noqa: S608

    # Support requests: made pending, then decided.
    cols = [c for c in _columns(cursor, "support_supportrequestevent") if c not in PGH]
    base = [c for c in cols if c not in {"status", "updated_at"}]
    base_sql = ", ".join(f"t.{c}" for c in base)
    names = ", ".join([*base, "status", "updated_at"])
    rctx = context_id_sql(seed, "t.case_id")
    cursor.execute(f"""
        INSERT INTO support_supportrequestevent (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {names})
        SELECT t.created_at, 'insert', t.id, {rctx}, {base_sql}, 'pending', t.created_at
        FROM support_supportrequest t WHERE t.id >= %s
        UNION ALL
        SELECT t.updated_at, 'update', t.id, {rctx}, {base_sql}, t.status, t.updated_at
        FROM support_supportrequest t WHERE t.id >= %s AND t.status <> 'pending'""",
                   [first["support_supportrequest"]] * 2)  # noqa: S608

    for table, at, case_sql, join in TRACKED:
        cols = [c for c in _columns(cursor, f"{table}event") if c not in PGH]
        select = ", ".join(f"t.{c}" for c in cols)
        cursor.execute(f"""
            INSERT INTO {table}event (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {", ".join(cols)})
            SELECT {at}, 'insert', t.id, {context_id_sql(seed, case_sql)}, {select}
            FROM {table} t {join} WHERE t.id >= %s""", [first[table]])  # noqa: S608


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
