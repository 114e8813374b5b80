"""The statistics' fact tables: narrow rows holding what the figures group by.

The national statistics read the year's receptions with their person's sex, age, ethnicity and
nationality and the case's latest identification outcome; the year's support approved (by decision
date) and delivered, each with its person and item; the year's visits with their person. Read from
the source tables, that is a join of a tenth of the cases with every person, a correlated subquery
per case, every support line joined to its request and every case hashed for the visits' persons:
at a million persons most of the dashboard's time (bench/notes/statistics.md). Here:

- `ReceptionFact`: one row per case;
- `SupportFact`: one row per approved line (dated by its decision) and one per delivery;
- `VisitFact`: one row per follow-up visit, with the person of its case;

so the year's rows are one index range of one narrow table each.

The rows are kept by PostgreSQL triggers (reporting/migrations/0004_statistics_facts.py), in the
transaction of the write, whatever wrote it: the services, a merge's bulk update, an import, the
admin. The triggers copy from the views `reporting_*source`, the one definition of each fact.
`stale_facts` compares tables and views; `rebuild_facts` refills the tables from the views (after a
bulk load that ran without triggers, as `generate_synthetic` does).

Only `reporting.scope.scoped_rows` reads them: they are victim data (tests/onedoor).
"""

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models

from accounts.models import AdministrativeUnit, Agency


def _ref(model, **options):
    # No constraint and no cascade: the triggers follow the source rows, the ORM never does.
    return models.ForeignKey(model, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+",
                             **options)


class ReceptionFact(models.Model):
    case = models.OneToOneField("victims.Case", models.DO_NOTHING, primary_key=True, db_constraint=False,
                                related_name="+")
    person = _ref("victims.Person")
    received_on = models.DateField()
    receiving_agency = _ref(Agency)
    owning_agency = _ref(Agency)
    reception_province = _ref(AdministrativeUnit, null=True)
    reception_channel = models.CharField(max_length=30)
    destination_country = models.CharField(max_length=2)
    purposes = ArrayField(models.CharField(max_length=30))
    sex = models.CharField(max_length=10)
    date_of_birth = models.DateField(null=True)
    birth_year = models.PositiveSmallIntegerField(null=True)
    ethnicity = _ref("victims.EthnicGroup", null=True)
    nationality = models.CharField(max_length=2)
    # The latest identification outcome; NULL when none is recorded, as the subquery it replaces.
    outcome = models.CharField(max_length=30, null=True)  # noqa: DJ001

    class Meta:
        indexes = [models.Index(fields=["received_on"], name="reception_fact_received"),
                   models.Index(fields=["person"], name="reception_fact_person"),
                   # A province's or an agency's receptions (reporting.scope.received_in, _in_geography).
                   models.Index(fields=["reception_province"], name="reception_fact_province"),
                   models.Index(fields=["receiving_agency"], name="reception_fact_receiver"),
                   models.Index(fields=["owning_agency"], name="reception_fact_owner")]

    def __str__(self) -> str:
        return f"reception fact {self.case_id}"


class SupportFact(models.Model):
    class Kind(models.TextChoices):
        APPROVED = "approved"  # an approved or partly approved line, on its decision date
        DELIVERED = "delivered"  # a delivery, on its date

    kind = models.CharField(max_length=10, choices=Kind.choices)
    request = models.ForeignKey("support.SupportRequest", models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    line = _ref("support.SupportRequestLine")
    delivery = _ref("support.Delivery", null=True)
    case = _ref("victims.Case")
    person = _ref("victims.Person")
    item = _ref("support.EntitlementItem")
    on_date = models.DateField()
    amount = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["on_date"], name="support_fact_on")]

    def __str__(self) -> str:
        return f"support fact {self.kind} {self.line_id}"


class VisitFact(models.Model):
    visit = models.OneToOneField("victims.FollowUpVisit", models.DO_NOTHING, primary_key=True,
                                 db_constraint=False, related_name="+")
    case = models.ForeignKey("victims.Case", models.DO_NOTHING, db_constraint=False, related_name="+")
    person = _ref("victims.Person")
    visited_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["visited_on"], name="visit_fact_on")]

    def __str__(self) -> str:
        return f"visit fact {self.visit_id}"


# table: (source view, columns, date). A rebuild writes the rows in date order, as a live system
# appends them: a period is then a few contiguous pages (190 -> 35 ms for a year of support at 1M).
FACTS = {
    "reporting_receptionfact": ("reporting_receptionsource", (
        "case_id", "person_id", "received_on", "receiving_agency_id", "owning_agency_id",
        "reception_province_id", "reception_channel", "destination_country", "purposes", "sex",
        "date_of_birth", "birth_year", "ethnicity_id", "nationality", "outcome"), "received_on"),
    "reporting_supportfact": ("reporting_supportsource", (
        "kind", "request_id", "line_id", "delivery_id", "case_id", "person_id", "item_id", "on_date", "amount"),
        "on_date"),
    "reporting_visitfact": ("reporting_visitsource", ("visit_id", "case_id", "person_id", "visited_on"), "visited_on"),
}


def stale_facts() -> dict[str, int]:
    """Per table: rows missing or different from their source, plus rows without a source."""
    stale = {}
    with connection.cursor() as cursor:
        for table, (view, columns, _date) in FACTS.items():
            listed = ", ".join(columns)
            cursor.execute(f"""SELECT count(*) FROM (
                (SELECT {listed} FROM {view} EXCEPT ALL SELECT {listed} FROM {table})
                UNION ALL
                (SELECT {listed} FROM {table} EXCEPT ALL SELECT {listed} FROM {view})
            ) d""")  # noqa: S608 - fixed names
            stale[table] = cursor.fetchone()[0]
    return stale


def rebuild_facts(cursor) -> None:
    """Refill the tables from the source views (after a load that ran with the triggers off)."""
    for table, (view, columns, date) in FACTS.items():
        listed = ", ".join(columns)
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(f"INSERT INTO {table} ({listed}) "  # noqa: S608 - fixed names
                       f"SELECT {listed} FROM {view} ORDER BY {date}")
