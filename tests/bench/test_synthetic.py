"""The synthetic dataset looks like the country's to a user, and a seed always gives the same data."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.actor import act_as
from accounts.models import AdministrativeUnit, Membership
from bench.synthetic.generator import Generator
from bench.synthetic.history import digest, verify_foreign_keys
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


def generate(persons=PERSONS, seed=7, **kwargs):
    return Generator(persons=persons, seed=seed, long_every=100, log=lambda *_: None).run(**kwargs)


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


def test_a_seed_gives_the_same_data():
    ensure_reference()  # the organisations stay; only the generated rows are compared
    tables = [*COLUMNS, "pghistory_context"]
    point = transaction.savepoint()
    generate(persons=120, seed=3)
    first = digest(connection.cursor(), tables)
    transaction.savepoint_rollback(point)
    generate(persons=120, seed=3)
    assert digest(connection.cursor(), tables) == first
    transaction.savepoint_rollback(point)
    generate(persons=120, seed=4)
    assert digest(connection.cursor(), tables) != first


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
