"""The synthetic dataset looks like the country's to a user, and a seed always gives the same data."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.actor import act_as
from accounts.models import AdministrativeUnit, Membership
from bench.synthetic.copyload import Numbered, line
from bench.synthetic.generator import Generator
from bench.synthetic.history import digest, event_tables, verify_foreign_keys
from bench.synthetic.reference import ensure_reference
from bench.synthetic.steps import COLUMNS
from tests.factories import totp_device
from victims.history import case_history
from victims.models import Case
from victims.selectors import case_get

pytestmark = pytest.mark.django_db
PERSONS = 300


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def generate(persons=PERSONS, seed=7, chunk=20000, workers=0, **kwargs):
    return Generator(persons=persons, seed=seed, long_every=100, chunk=chunk, workers=workers,
                     log=lambda *_: None).run(**kwargs)


def signed_in(client, user):
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def test_the_dataset_looks_national():
    counts = generate()
    assert counts["victims_case"] == PERSONS
    assert verify_foreign_keys(connection.cursor()) == []
    # Every province, and every kind of receiving agency.
    provinces = {r[0] for r in rows("SELECT DISTINCT province_id FROM victims_case")}
    assert provinces >= set(AdministrativeUnit.objects.provinces().values_list("pk", flat=True)) - {None} or \
        len(provinces) >= 30
    kinds = {r[0] for r in rows("SELECT DISTINCT t.code FROM victims_case c JOIN accounts_agency a "
                                "ON a.id = c.receiving_agency_id JOIN accounts_agencytype t ON t.id = a.type_id")}
    assert kinds >= {"border_guard", "police", "immigration", "mission_abroad", "commune_committee",
                     "social_centre", "partner_organisation"}
    # Vietnamese names with their diacritics, most often Nguyễn; mostly women and girls.
    names = [r[0] for r in rows("SELECT full_name FROM victims_person")]
    assert sum(name.startswith("Nguyễn ") for name in names) > len(names) * 0.2
    assert any(ch in "".join(names) for ch in "ễịươđ")
    sexes = dict(rows("SELECT sex, count(*) FROM victims_person GROUP BY 1"))
    assert sexes["female"] > 0.7 * sum(sexes.values())
    # Some persons were received by two agencies: same birth and home, another case.
    (duplicates,) = rows("""SELECT count(*) FROM victims_person a JOIN victims_person b ON a.id < b.id
        AND a.birth_year IS NOT DISTINCT FROM b.birth_year AND a.home_province_id IS NOT DISTINCT FROM b.home_province_id
        AND (a.name_folded = b.name_folded OR a.full_name ILIKE b.full_name)""")[0]
    assert duplicates >= 5
    # Support under both policy versions, each by the date of the application.
    versions = dict(rows("""SELECT v.code, count(*) FROM support_supportrequest r
        JOIN support_policyversion v ON v.id = r.version_id
        WHERE r.application_date BETWEEN v.valid_from AND COALESCE(v.valid_to, '9999-12-31') GROUP BY 1"""))
    assert set(versions) == {"ND-09-2013", "LAW-53-2024"}
    assert sum(versions.values()) == counts["support_supportrequest"]
    # Every table of a step got rows, and every row has its history event.
    assert all(counts[name] for name in COLUMNS if name != "victims_caseaccessgrant")
    assert rows("SELECT count(*) FROM victims_personevent")[0][0] == counts["victims_person"]
    (events,) = rows("SELECT count(*) FROM victims_caseevent")[0]
    assert events == counts["victims_case"] + counts["victims_statustransition"]


def test_a_long_case_shows_its_history_to_the_provincial_approver(client):
    generate()
    case = Case.objects.filter(intake_key__startswith="syn-long-").order_by("pk").first()
    membership = Membership.objects.get(agency__code__startswith="SYN-SYT-", role="approver",
                                        agency__jurisdiction_id=case.province_id)
    approver = act_as(membership.user, membership)
    events = case_history(approver, case_get(user=approver, pk=case.pk))
    assert len(events) > 60
    assert {e.pgh_model for e in events} >= {"victims.CaseEvent", "victims.FollowUpVisitEvent",
                                            "support.SupportRequestEvent", "victims.StatusTransitionEvent"}
    assert all(e.actor is not None for e in events)
    client = signed_in(client, membership.user)
    page = client.get(reverse("victims:case_detail", args=[case.pk]))
    assert page.status_code == 200
    listing = client.get(reverse("victims:case_list"))
    assert listing.status_code == 200
    assert len(listing.context["cases"]) == 25
    assert listing.context["page"].paginator.count == Case.objects.visible_to(approver, "case.view").count()


def test_a_seed_gives_the_same_data_whatever_the_number_of_workers():
    ensure_reference()  # the organisations stay; only the generated rows are compared
    tables = [*COLUMNS, *event_tables(COLUMNS), "pghistory_context"]
    point = transaction.savepoint()
    # Three chunks: made in this process one after the other, then by two worker processes.
    generate(persons=120, seed=3, chunk=40, workers=0)
    first = digest(connection.cursor(), tables)
    transaction.savepoint_rollback(point)
    generate(persons=120, seed=3, chunk=40, workers=2)
    assert digest(connection.cursor(), tables) == first
    (numbers,) = rows("SELECT count(DISTINCT case_number), count(*) FROM victims_case")
    assert numbers == (120, 120)
    transaction.savepoint_rollback(point)
    generate(persons=120, seed=4, chunk=40, workers=2)
    assert digest(connection.cursor(), tables) != first


def _differing(table, event_table, columns, where=""):
    """Rows whose event (the one chosen by `where`) does not hold the row's own values."""
    cols = [c for c in columns if c != "id"]
    mismatch = " OR ".join(f"t.{c} IS DISTINCT FROM e.{c}" for c in cols)
    return rows(f"SELECT count(*) FROM {table} t JOIN {event_table} e ON e.pgh_obj_id = t.id {where} "  # noqa: S608
                f"WHERE {mismatch}")[0][0]


def test_each_row_has_the_history_event_its_trigger_would_write():
    counts = generate(persons=200, chunk=70, workers=2)
    for table, columns in COLUMNS.items():
        if table in ("victims_accesslog", "victims_case", "support_supportrequest"):
            continue
        (events, labels, objects) = rows(f"SELECT count(*), count(DISTINCT pgh_label), count(DISTINCT pgh_obj_id) "  # noqa: S608
                                         f"FROM {table}event")[0]
        assert (events, labels, objects) == (counts[table], 1, counts[table]), table
        assert _differing(table, f"{table}event", columns.split()) == 0, table
    # A case: received, then one event per status change; the last one holds the case as it is now.
    (inserts, received) = rows("SELECT count(*), count(*) FILTER (WHERE status = 'received') "
                               "FROM victims_caseevent WHERE pgh_label = 'insert'")[0]
    assert inserts == received == counts["victims_case"]
    # (next_visit_due: an event has the transition's due date, the case the one after its last visit)
    latest = ("AND e.pgh_id = (SELECT max(pgh_id) FROM victims_caseevent x WHERE x.pgh_obj_id = t.id)")
    columns = [c for c in COLUMNS["victims_case"].split() if c != "next_visit_due"]
    assert _differing("victims_case", "victims_caseevent", columns, latest) == 0
    (follow_ups,) = rows("SELECT count(*) FROM victims_caseevent WHERE status = 'follow_up' AND "
                         "next_visit_due <> ((status_changed_at + interval '30 days') AT TIME ZONE 'UTC')::date")[0]
    assert follow_ups == 0
    latest = latest.replace("victims_caseevent", "support_supportrequestevent")
    assert _differing("support_supportrequest", "support_supportrequestevent",
                      COLUMNS["support_supportrequest"].split(), latest) == 0
    # Every event belongs to the history context of its case (its caseworker, its agency).
    (orphans,) = rows("""SELECT count(*) FROM victims_statustransitionevent e
        JOIN pghistory_context x ON x.id = e.pgh_context_id JOIN victims_case c ON c.id = e.case_id
        WHERE (x.metadata ->> 'user')::bigint IS DISTINCT FROM c.created_by_id
           OR (x.metadata ->> 'agency')::bigint IS DISTINCT FROM c.owning_agency_id""")[0]
    assert orphans == 0
    assert rows("SELECT count(*) FROM pghistory_context")[0][0] == counts["victims_case"]


def test_the_fast_copy_text_is_the_text_of_each_value():
    """The per-table f-string writes what the plain conversion of each value writes."""
    checked = {}
    original = Generator._write

    def write(self, rows_, offsets, bases):
        Numbered.bases = bases
        for name, table_rows in rows_.items():
            shifts = {i: offsets[target] for i, (_, _, target) in enumerate(self.kinds[name]) if target}
            plain = [line([v + shifts[i] if i in shifts and v is not None else v for i, v in enumerate(r)])
                     for r in table_rows]
            assert self.formatters[name](table_rows, [offsets[t] for t in self.shifts[name]]) == plain, name
            checked[name] = checked.get(name, 0) + len(plain)
        return original(self, rows_, offsets, bases)

    Generator._write = write
    try:
        counts = generate(persons=150, chunk=50, workers=0)
    finally:
        Generator._write = original
    assert checked == counts
    assert rows("SELECT count(*) FROM victims_case WHERE case_number ~ '^[A-Z0-9-]+-20[0-9]{2}-[0-9]{5}$'")[0][0] == 150


def test_a_failing_worker_stops_the_load_and_leaves_nothing(monkeypatch):
    from bench.synthetic import generator, steps

    def broken(gen, rng, stories):
        if stories[0].case_id - gen.first_ids["victims_case"] >= 40:  # the second chunk, in the second worker
            raise RuntimeError("step broke on purpose")

    counts = ("SELECT (SELECT count(*) FROM victims_person), (SELECT count(*) FROM victims_case), "
              "(SELECT count(*) FROM victims_caseevent), (SELECT count(*) FROM pghistory_context)")
    before = rows(counts)
    monkeypatch.setattr(generator, "STEPS", [*steps.STEPS, broken])
    with pytest.raises(generator.WorkerError, match="step broke on purpose"):
        generate(persons=120, chunk=40, workers=2)
    assert rows(counts) == before
    assert before[0][:3] == (0, 0, 0)
    generate(persons=40, chunk=40, workers=2)  # the connection is usable, the indexes are back
    assert Case.objects.count() == 40


def test_it_never_runs_over_existing_cases_unless_told_to_add():
    generate(persons=50)
    with pytest.raises(CommandError, match="already holds"):
        call_command("generate_synthetic", persons=10, seed=1)
    call_command("generate_synthetic", persons=10, seed=1, append=True, stdout=io.StringIO())
    assert Case.objects.count() == 60
    assert rows("SELECT count(DISTINCT case_number) FROM victims_case")[0][0] == 60


def test_generated_text_needs_no_copy_escaping():
    from bench.synthetic import names, plan, steps

    words = [*names.OTHER_NAMES, *names.FEMALE_GIVEN, *names.MALE_GIVEN, *steps.MEANS, *steps.RECRUITMENT,
             *steps.NEEDS, *steps.PLACES, *steps.FINDINGS, *steps.VILLAGES]
    words += [v for v, _ in names.FAMILY_NAMES + names.HMONG_FAMILY] + [c for c, _ in plan.DESTINATIONS]
    assert not [w for w in words if any(ch in w for ch in "\t\n\r\\")]
