"""Statistics selectors (DOMAIN.md §5): every figure of a dashboard, for an actor, a period and a
geography, computed in PostgreSQL.

The rows come from `reporting.scope.scoped_rows` (the statistical scope). Each query wraps the SQL of
those querysets in aggregates (`COUNT(DISTINCT …) FILTER`, `GROUPING SETS`, `ROLLUP`), so a dashboard
costs the same small number of queries whatever the number of persons. Python only turns the few
aggregate rows into tables.

Persons versus receptions: a person received by three agencies is one person and three receptions.
Every table says which it counts; persons per agency or per province do not add up to the national
number, and the reconciliation lines say by how many.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connections
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.roles import Action
from config.db_router import read_alias, reporting_sql
from support.models.choices import Regime
from victims.countries import country_name
from victims.models import (
    Case,
    ClosureReason,
    IdentificationResult,
    ReceptionChannel,
    Sex,
    TraffickingPurpose,
)

from . import contacts
from .models import ActivityKind
from .scope import (
    NATIONAL,
    PROVINCE,
    Filters,
    Geography,
    activity_rows,
    person_key,
    scoped_rows,
)
from .suppression import DEFAULT_THRESHOLD, suppress_column

DEFAULT_AGE_BANDS = ((0, 5), (6, 11), (12, 15), (16, 17), (18, 24), (25, 34), (35, None))
PERSONS, RECEPTIONS, BOTH, OTHER = "persons", "receptions", "both", "other"
COUNT, AMOUNT, NUMBER = "count", "amount", "number"
OUTCOME_RANKS = {1: IdentificationResult.IDENTIFIED, 2: IdentificationResult.NOT_VICTIM,
                 3: IdentificationResult.UNDER_IDENTIFICATION}


def age_bands() -> tuple:
    return tuple(getattr(settings, "STATISTICS_AGE_BANDS", DEFAULT_AGE_BANDS))


def threshold() -> int:
    return int(getattr(settings, "STATISTICS_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def band_label(low, high) -> str:
    return f"{low}+" if high is None else f"{low}–{high}"


@dataclass
class Column:
    key: str
    label: str
    kind: str = COUNT


@dataclass
class Row:
    label: str
    values: dict
    key: str = ""
    cells: list = field(default_factory=list)  # filled by `publish`: (value, text, hidden)
    link: str = ""  # the cases behind the row, for actors who may see them all


@dataclass
class Table:
    key: str
    title: str
    counts: str  # PERSONS, RECEPTIONS, BOTH or OTHER
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    note: str = ""
    chart: str = "bar"  # "bar", "line" or "" (no chart)
    chart_column: str = ""

    @property
    def counts_label(self) -> str:
        return {
            PERSONS: _("Counts persons: each person once, however many agencies received them."),
            RECEPTIONS: _("Counts receptions: each agency's own."),
            BOTH: _("Persons (each once) and receptions (each agency's own); persons in the rows do not add "
                    "up to the total when a person was received in several places."),
            OTHER: _("Counts records and amounts."),
        }[self.counts]

    @property
    def chart_shown(self) -> bool:
        """A chart whose every bar is hidden or zero would draw an empty frame that reads as "none"."""
        return bool(self.chart and self.rows and any(v for v in self.chart_data()["values"]))

    def chart_data(self) -> dict:
        column = self.chart_column or self.columns[0].key
        index = [c.key for c in self.columns].index(column)
        values = [None if row.cells[index][2] else row.cells[index][0] for row in self.rows]
        return {"id": self.key, "type": self.chart, "labels": [row.label for row in self.rows],
                "label": self.columns[index].label, "values": values}


# ---------------------------------------------------------------------------------------------
# SQL helpers
# ---------------------------------------------------------------------------------------------

def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _plain(value):
    """Sums come back as Decimal: whole numbers become int, averages float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    return value


def _fetch(sql: str, params: list) -> list[dict]:
    # The ORM's reads follow the router; raw statements must ask it too, or a configured replica
    # would serve every read of a dashboard but its aggregates.
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(reporting_sql(sql), params)
        names = [c.name for c in cursor.description]
        return [{name: _plain(value) for name, value in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _reception_ctes(rows) -> tuple[str, list]:
    """r: receptions in the period; p: one row per person received (attributes at first reception);
    rp: the receptions with their person's flags. MATERIALIZED: each is read by several parts of
    the reception statement.

    p uses only aggregates a hash computes, no ORDER BY or DISTINCT (which would sort the year's
    receptions): a fact carries its person's sex, birth date and so on, the same on every reception of
    theirs, so the age at the first reception is the age on the earliest date; "more than one" is
    min <> max. `single` marks a person received once in the period: most are, so rp takes their
    flags from the row itself and joins only the others; ra and pu count them with COUNT(*), leaving
    COUNT(DISTINCT) the few received several times."""
    receptions = rows.receptions.values(
        x_case=F("pk"), x_person=F("pkey"), x_on=F("received_on"), x_agency=F("receiving_agency_id"),
        x_type=F("receiving_agency__type__code"), x_channel=F("reception_channel"), x_province=F("geo_province"),
        x_commune=F("geo_commune"), x_dest=F("destination_country"), x_purposes=F("purposes"),
        x_sex=F("sex"), x_dob=F("date_of_birth"), x_byear=F("birth_year"),
        x_ethnic=F("ethnicity_id"), x_nat=F("nationality"), x_outcome=F("outcome"),
    )
    sql, params = _sql(receptions)
    ctes = f"""
    r0 AS ({sql}),
    r AS MATERIALIZED (SELECT * FROM r0),
    p AS MATERIALIZED (
      SELECT x_person, sex, ethnic, nat, {age_sql("first_on", "dob", "byear")} AS age, outcome_rank,
        multi_province, multi_agency, single
      FROM (
        SELECT x_person, MAX(x_sex) AS sex, MAX(x_ethnic) AS ethnic, MAX(x_nat) AS nat, MIN(x_on) AS first_on,
          MAX(x_dob) AS dob, MAX(x_byear) AS byear,
          MIN(CASE x_outcome WHEN 'identified' THEN 1 WHEN 'not_victim' THEN 2
                             WHEN 'under_identification' THEN 3 ELSE 4 END) AS outcome_rank,
          MIN(x_province) <> MAX(x_province) AS multi_province, MIN(x_agency) <> MAX(x_agency) AS multi_agency,
          COUNT(*) = 1 AS single
        FROM r GROUP BY x_person
      ) g
    ),
    rp AS MATERIALIZED (
      SELECT r.x_case, r.x_person, r.x_type, r.x_channel, r.x_province, r.x_agency, r.x_commune, r.x_dest,
        r.x_purposes, date_trunc('month', r.x_on)::date AS month, r.x_sex = 'female' AS female,
        COALESCE(m.age, {age_sql("r.x_on", "r.x_dob", "r.x_byear")}) < 18 AS minor, m.x_person IS NULL AS single
      FROM r LEFT JOIN (SELECT x_person, age FROM p WHERE NOT single) m USING (x_person)
    )"""
    return ctes, params


def age_sql(on: str, dob: str, byear: str) -> str:
    """Age in whole years on `on` (SQL of three columns): from the birth date, else the birth year (a
    year old less, the birthday not known to have passed). The statistics and the de-identified
    dataset both count ages this way."""
    return (f"CASE WHEN {dob} IS NOT NULL THEN date_part('year', age({on}::timestamp, {dob}::timestamp))::int "
            f"WHEN {byear} IS NOT NULL THEN extract(year FROM {on})::int - {byear} - 1 END")


def _persons(condition: str = "") -> str:
    """Distinct persons of the rows of `rp` (meeting `condition`): those received once in the period
    are one row each; only the others need COUNT(DISTINCT). In a grouping, a DISTINCT aggregate
    would make PostgreSQL sort every row for each grouping set: there, the counts are split into a
    hashed `_once` part over every row and a `_more` part over the few persons received again."""
    also = f" AND {condition}" if condition else ""
    return (f"COUNT(*) FILTER (WHERE single{also}) "
            f"+ COUNT(DISTINCT x_person) FILTER (WHERE NOT single{also})")


def _band_case(column: str) -> tuple[str, list]:
    parts, params = [], []
    for index, (low, high) in enumerate(age_bands()):
        if high is None:
            parts.append(f"WHEN {column} >= %s THEN %s")
            params += [low, index]
        else:
            parts.append(f"WHEN {column} BETWEEN %s AND %s THEN %s")
            params += [low, high, index]
    return "CASE " + " ".join(parts) + " END", params


def _json_rows(value) -> list[dict]:
    rows = json.loads(value) if isinstance(value, str) else (value or [])
    return [{name: _plain(v) for name, v in row.items()} for row in rows]


# ---------------------------------------------------------------------------------------------
# The queries (each one statement)
# ---------------------------------------------------------------------------------------------

def _reception_dimensions(geography: Geography, filters: Filters) -> list[str]:
    """The breakdowns of receptions the dashboard shows (build_tables): only those are grouped."""
    dimensions = ["x_type", "x_channel", "x_dest", "month"]
    if geography.level == NATIONAL:
        dimensions.append("x_province")
    if geography.level in (PROVINCE, NATIONAL) and (geography.level == PROVINCE or filters.province_id):
        dimensions += ["x_agency", "x_commune"]
    return dimensions


def _receptions(rows, geography: Geography, filters: Filters) -> tuple[list[dict], list[dict], list[dict]]:
    """Persons by attribute, receptions by dimension and purposes: one statement over one scan of
    the scoped receptions. Each part is grouped on narrow rows and its labels are joined to the few
    aggregate rows afterwards; each part comes back as one JSON array."""
    ctes, params = _reception_ctes(rows)
    band, band_params = _band_case("age")
    dimensions = _reception_dimensions(geography, filters)
    flags = ", ".join(f"GROUPING({d}) AS g_{d.removeprefix('x_')}" for d in dimensions)
    sets = ", ".join(f"({d})" for d in dimensions)
    keys = [f"g_{d.removeprefix('x_')}" for d in dimensions] + dimensions
    sql = f"""WITH {ctes},
    pa AS (
      SELECT GROUPING(sex) AS g_sex, GROUPING(band) AS g_band, GROUPING(ethnic) AS g_ethnic,
        GROUPING(nat) AS g_nat, GROUPING(outcome_rank) AS g_outcome,
        sex, band, ethnic, nat, outcome_rank,
        COUNT(*) AS persons, COUNT(*) FILTER (WHERE sex = 'female') AS female,
        COUNT(*) FILTER (WHERE age < 18) AS minors,
        COUNT(*) FILTER (WHERE multi_province) AS multi_province,
        COUNT(*) FILTER (WHERE multi_agency) AS multi_agency
      FROM (SELECT sex, {band} AS band, ethnic, nat, outcome_rank, age, multi_province, multi_agency FROM p) pb
      GROUP BY GROUPING SETS ((), (sex), (band), (ethnic), (nat), (outcome_rank))
    ),
    ra_once AS (
      SELECT {flags}, {", ".join(dimensions)}, COUNT(*) AS receptions, COUNT(*) FILTER (WHERE single) AS persons,
        COUNT(*) FILTER (WHERE single AND female) AS female, COUNT(*) FILTER (WHERE single AND minor) AS minors
      FROM rp GROUP BY GROUPING SETS ((), {sets})
    ),
    ra_more AS (
      SELECT {flags}, {", ".join(dimensions)}, COUNT(DISTINCT x_person) AS persons,
        COUNT(DISTINCT x_person) FILTER (WHERE female) AS female,
        COUNT(DISTINCT x_person) FILTER (WHERE minor) AS minors
      FROM rp WHERE NOT single GROUP BY GROUPING SETS ((), {sets})
    ),
    ra AS (
      SELECT {", ".join(f"o.{c}" for c in keys)}, o.receptions, o.persons + COALESCE(m.persons, 0) AS persons,
        o.female + COALESCE(m.female, 0) AS female, o.minors + COALESCE(m.minors, 0) AS minors
      FROM ra_once o LEFT JOIN ra_more m ON {" AND ".join(f"o.{c} IS NOT DISTINCT FROM m.{c}" for c in keys)}
    ),
    pu_once AS (
      SELECT purpose, COUNT(*) AS receptions, COUNT(*) FILTER (WHERE single) AS persons
      FROM rp, unnest(x_purposes) AS purpose GROUP BY purpose  -- a set: the fact holds each purpose once
    ),
    pu_more AS (
      SELECT purpose, COUNT(DISTINCT x_person) AS persons
      FROM rp, unnest(x_purposes) AS purpose WHERE NOT single GROUP BY purpose
    ),
    pu AS (
      SELECT 0 AS g_purpose, o.purpose, o.receptions, o.persons + COALESCE(m.persons, 0) AS persons
      FROM pu_once o LEFT JOIN pu_more m USING (purpose)
      UNION ALL
      SELECT 1, NULL, COUNT(*), {_persons()} FROM rp WHERE cardinality(x_purposes) > 0
    )
    SELECT
      (SELECT json_agg(x) FROM (SELECT pa.*, eg.name AS ethnic_name
                                FROM pa LEFT JOIN victims_ethnicgroup eg ON eg.id = pa.ethnic) x) AS persons,
      (SELECT json_agg(x) FROM (
        SELECT ra.*, t.name_vi AS type_vi, t.name_en AS type_en, {"pu.name" if "x_province" in dimensions else "NULL"}
          AS province_name, {"a.name" if "x_agency" in dimensions else "NULL"} AS agency_name,
          {"cu.name" if "x_commune" in dimensions else "NULL"} AS commune_name
        FROM ra LEFT JOIN accounts_agencytype t ON t.code = ra.x_type
        {"LEFT JOIN accounts_administrativeunit pu ON pu.id = ra.x_province" if "x_province" in dimensions else ""}
        {"LEFT JOIN accounts_agency a ON a.id = ra.x_agency" if "x_agency" in dimensions else ""}
        {"LEFT JOIN accounts_administrativeunit cu ON cu.id = ra.x_commune" if "x_commune" in dimensions else ""}
      ) x) AS receptions,
      (SELECT json_agg(pu) FROM pu) AS purposes"""
    [row] = _fetch(sql, params + band_params)
    persons, receptions, purposes = (_json_rows(row[k]) for k in ("persons", "receptions", "purposes"))
    for found in receptions:
        if found.get("month"):
            found["month"] = datetime.date.fromisoformat(found["month"])
    return persons, receptions, purposes


def _support(rows, filters: Filters) -> list[dict]:
    """Approved and delivered support by regime and item. Rows are grouped on (regime, item code) with
    the item ids only; the names are read for the few aggregate rows afterwards."""
    facts = rows.support.filter(on_date__range=(filters.start, filters.end)).values(
        x_kind=F("kind"), x_person=person_key("person"), x_regime=F("item__regime"), x_item=F("item__code"),
        x_item_id=F("item_id"), x_amount=F("amount"),
    )
    f_sql, f_params = _sql(facts)
    sql = f"""WITH u AS ({f_sql}),
    g AS (
      SELECT GROUPING(x_regime) AS g_regime, GROUPING(x_item) AS g_item, x_regime, x_item,
        array_agg(DISTINCT x_item_id) AS item_ids,
        COUNT(DISTINCT x_person) FILTER (WHERE x_kind = 'approved') AS approved_persons,
        COALESCE(SUM(x_amount) FILTER (WHERE x_kind = 'approved'), 0) AS approved_amount,
        COUNT(DISTINCT x_person) FILTER (WHERE x_kind = 'delivered') AS delivered_persons,
        COALESCE(SUM(x_amount) FILTER (WHERE x_kind = 'delivered'), 0) AS paid
      FROM u GROUP BY ROLLUP (x_regime, x_item)
    )
    SELECT g_regime, g_item, x_regime, x_item, n.name_vi, n.name_en,
      approved_persons, approved_amount, delivered_persons, paid
    FROM g LEFT JOIN LATERAL (
      SELECT MAX(i.name_vi) AS name_vi, MAX(i.name_en) AS name_en FROM support_entitlementitem i
      WHERE g.g_item = 0 AND i.id = ANY(g.item_ids)
    ) n ON true"""
    return _fetch(sql, f_params)


def _stays_loans_followup(rows, filters: Filters) -> dict:
    """Stays, loans, follow-up visits and closures: one statement of scalar aggregates."""
    on_date = filters.on_date or min(filters.end, timezone.localdate())
    stays = rows.stays.values(x_person=person_key("person"), x_in=F("admitted_on"), x_out=F("discharged_on"))
    loans = rows.loans.values(x_person=person_key("person"), x_applied=F("applied_on"),
                              x_disbursed=F("disbursed_on"), x_amount=F("amount"))
    visits = rows.visits.filter(visited_on__range=(filters.start, filters.end)).values(
        x_person=person_key("person"))
    closures = rows.closures.filter(closed_on__range=(filters.start, filters.end)).values(x_reason=F("reason"))
    s_sql, s_params = _sql(stays)
    l_sql, l_params = _sql(loans)
    v_sql, v_params = _sql(visits)
    c_sql, c_params = _sql(closures)
    start, end = filters.start, filters.end
    sql = f"""WITH s AS ({s_sql}), l AS ({l_sql}), v AS ({v_sql}), c AS ({c_sql})
    SELECT 'stays' AS part, NULL AS reason,
      COUNT(*) FILTER (WHERE x_in BETWEEN %s AND %s) AS a,
      COUNT(DISTINCT x_person) FILTER (WHERE x_in BETWEEN %s AND %s) AS b,
      COUNT(*) FILTER (WHERE x_out BETWEEN %s AND %s) AS c,
      ROUND(AVG(x_out - x_in + 1) FILTER (WHERE x_out BETWEEN %s AND %s), 1) AS d,
      MAX(x_out - x_in + 1) FILTER (WHERE x_out BETWEEN %s AND %s) AS e,
      COUNT(*) FILTER (WHERE x_in <= %s AND (x_out IS NULL OR x_out > %s)) AS f
    FROM s
    UNION ALL
    SELECT 'loans', NULL,
      COUNT(*) FILTER (WHERE x_applied BETWEEN %s AND %s),
      COUNT(*) FILTER (WHERE x_disbursed BETWEEN %s AND %s),
      COUNT(DISTINCT x_person) FILTER (WHERE x_disbursed BETWEEN %s AND %s),
      COALESCE(SUM(x_amount) FILTER (WHERE x_disbursed BETWEEN %s AND %s), 0), NULL, NULL
    FROM l
    UNION ALL
    SELECT 'visits', NULL, (SELECT COUNT(*) FROM v),
      (SELECT COUNT(*) FROM (SELECT x_person FROM v GROUP BY 1) d), NULL, NULL, NULL, NULL  -- distinct by a hash
    UNION ALL
    SELECT 'closures', x_reason, COUNT(*), NULL, NULL, NULL, NULL, NULL FROM c GROUP BY ROLLUP (x_reason)"""
    params = s_params + l_params + v_params + c_params + [start, end] * 5 + [on_date, on_date] + [start, end] * 4
    result = {"on_date": on_date, "closures": []}
    for row in _fetch(sql, params):
        if row["part"] == "closures":
            result["closures"].append(row)
        else:
            result[row["part"]] = row
    return result


def _activities(geography: Geography, filters: Filters) -> list[dict]:
    rows = activity_rows(geography, filters).values(
        x_kind=F("kind"), x_province=F("province_id"), x_participants=F("participants"),
        x_trainees=F("trainees"), x_panels=F("panels"), x_posters=F("posters"), x_leaflets=F("leaflets"),
        x_booklets=F("booklets"),
    )
    sql, params = _sql(rows)
    return _fetch(f"""WITH a AS ({sql})
    SELECT GROUPING(x_kind) AS g_kind, GROUPING(x_province) AS g_province, x_kind, x_province,
      MAX(pu.name) AS province_name, COUNT(*) AS events,
      SUM(x_participants) AS participants, SUM(x_trainees) AS trainees, SUM(x_panels) AS panels,
      SUM(x_posters) AS posters, SUM(x_leaflets) AS leaflets, SUM(x_booklets) AS booklets
    FROM a LEFT JOIN accounts_administrativeunit pu ON pu.id = a.x_province
    GROUP BY GROUPING SETS ((), (x_kind), (x_province))""", params)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------

def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _dimension(rows: list[dict], flag: str) -> list[dict]:
    """The rows of one grouping set: `flag` grouped (0) and every other GROUPING column 1."""
    flags = [k for k in rows[0] if k.startswith("g_")] if rows else []
    return [row for row in rows if row[flag] == 0 and all(row[f] == 1 for f in flags if f != flag)]


def _total(rows: list[dict]) -> dict:
    flags = [k for k in rows[0] if k.startswith("g_")] if rows else []
    return next((row for row in rows if all(row[f] == 1 for f in flags)), {})


def _choice_rows(found: list[dict], key: str, choices, columns) -> list[Row]:
    """Every choice once, in the choices' order (zero when nobody), then unknown codes."""
    by_code = {row[key]: row for row in found}
    result = []
    for code, label in choices:
        row = by_code.pop(code, {})
        result.append(Row(str(label), {c.key: row.get(c.key) or 0 for c in columns}, key=str(code)))
    for code, row in by_code.items():
        result.append(Row(_("Not recorded") if code in (None, "") else str(code),
                          {c.key: row.get(c.key) or 0 for c in columns}, key=str(code or "")))
    return result


def _found_rows(found: list[dict], label, columns, key: str) -> list[Row]:
    rows = [Row(label(row), {c.key: row.get(c.key) or 0 for c in columns}, key=str(row[key] or "")) for row in found]
    return sorted(rows, key=lambda r: (r.key == "", -(r.values[columns[0].key] or 0), r.label))


def _values(row: dict, columns) -> dict:
    return {c.key: row.get(c.key) or 0 for c in columns}


def build_tables(geography: Geography, filters: Filters) -> dict:
    rows = scoped_rows(geography, filters)
    persons, receptions, purposes = _receptions(rows, geography, filters)
    support = _support(rows, filters)
    other = _stays_loans_followup(rows, filters)
    activities = _activities(geography, filters)
    english = _english()

    person_total = _total(persons)
    reception_total = _total(receptions)
    p_cols = [Column("persons", _("Persons"))]
    both_cols = [Column("persons", _("Persons")), Column("receptions", _("Receptions")),
                 Column("female", _("of whom female")), Column("minors", _("of whom under 18"))]
    tables: list[Table] = []

    summary_cols = [Column("value", _("Number"))]
    summary = Table("summary", _("Persons received and receptions"), BOTH, summary_cols, [
        Row(_("Persons received"), {"value": person_total.get("persons") or 0}, "persons"),
        Row(_("of whom female"), {"value": person_total.get("female") or 0}, "female"),
        Row(_("of whom under 18"), {"value": person_total.get("minors") or 0}, "minors"),
        Row(_("Receptions"), {"value": reception_total.get("receptions") or 0}, "receptions"),
        Row(_("Received in more than one province"), {"value": person_total.get("multi_province") or 0},
            "multi_province"),
        Row(_("Received by more than one agency"), {"value": person_total.get("multi_agency") or 0},
            "multi_agency"),
    ], chart="", note=_("Each person counts once; a person received by several agencies counts once per "
                        "agency among the receptions."))
    tables.append(summary)

    tables.append(Table("trend", _("Receptions per month"), BOTH, both_cols[:2], [
        Row(f"{month:%m/%Y}", _values(by_month.get(month, {}), both_cols[:2]), key=f"{month:%Y-%m}")
        for by_month in [{row["month"]: row for row in _dimension(receptions, "g_month")}]
        for month in filters_months(filters)
    ], chart="line", chart_column="receptions"))

    tables.append(Table("sex", _("Persons by sex"), PERSONS, p_cols,
                        _choice_rows(_dimension(persons, "g_sex"), "sex", Sex.choices, p_cols),
                        total=Row(_("Total"), _values(person_total, p_cols))))
    bands = [(index, band_label(low, high)) for index, (low, high) in enumerate(age_bands())]
    tables.append(Table("age", _("Persons by age at reception"), PERSONS, p_cols,
                        _choice_rows(_dimension(persons, "g_band"), "band", bands, p_cols),
                        total=Row(_("Total"), _values(person_total, p_cols)),
                        note=_("Under 18: %(n)s.") % {"n": person_total.get("minors") or 0}))
    tables.append(Table("ethnicity", _("Persons by ethnicity"), PERSONS, p_cols,
                        _found_rows(_dimension(persons, "g_ethnic"),
                                    lambda r: r["ethnic_name"] or _("Not recorded"), p_cols, "ethnic"),
                        total=Row(_("Total"), _values(person_total, p_cols))))
    tables.append(Table("nationality", _("Persons by nationality"), PERSONS, p_cols,
                        _found_rows(_dimension(persons, "g_nat"),
                                    lambda r: country_name(r["nat"]) if r["nat"] else _("Stateless or unknown"),
                                    p_cols, "nat"),
                        total=Row(_("Total"), _values(person_total, p_cols))))
    outcome_choices = [(rank, IdentificationResult(code).label) for rank, code in OUTCOME_RANKS.items()]
    outcome_choices.append((4, _("No outcome recorded")))
    tables.append(Table("identification", _("Persons by identification outcome"), PERSONS, p_cols,
                        _choice_rows(_dimension(persons, "g_outcome"), "outcome_rank", outcome_choices, p_cols),
                        total=Row(_("Total"), _values(person_total, p_cols)),
                        note=_("A person received several times counts under their most definite outcome.")))

    tables.append(Table("destination", _("Destination country"), BOTH, both_cols,
                        _found_rows(_dimension(receptions, "g_dest"),
                                    lambda r: country_name(r["x_dest"]) if r["x_dest"] else _("Not recorded"),
                                    both_cols, "x_dest"),
                        total=Row(_("Total"), _values(reception_total, both_cols))))
    purpose_cols = both_cols[:2]
    tables.append(Table("purpose", _("Purpose of trafficking"), BOTH, purpose_cols,
                        _choice_rows(_dimension(purposes, "g_purpose"), "purpose", TraffickingPurpose.choices,
                                     purpose_cols),
                        total=Row(_("With a purpose recorded"), _values(_total(purposes), purpose_cols)),
                        note=_("A reception may name several purposes: the rows add up to more than the total.")))
    tables.append(Table("agency_type", _("Receiving agency type"), BOTH, both_cols,
                        _found_rows(_dimension(receptions, "g_type"),
                                    lambda r: (r["type_en"] if english else r["type_vi"]) or "—", both_cols, "x_type"),
                        total=Row(_("Total"), _values(reception_total, both_cols))))
    tables.append(Table("channel", _("Reception channel"), BOTH, both_cols,
                        _choice_rows(_dimension(receptions, "g_channel"), "x_channel", ReceptionChannel.choices,
                                     both_cols),
                        total=Row(_("Total"), _values(reception_total, both_cols))))
    if geography.level == NATIONAL:
        tables.append(Table("province", _("By province"), BOTH, both_cols,
                            _found_rows(_dimension(receptions, "g_province"),
                                        lambda r: r["province_name"] or _("Not recorded"), both_cols, "x_province"),
                            total=Row(_("National total"), _values(reception_total, both_cols)),
                            note=_("Received in more than one province: %(n)s.")
                            % {"n": person_total.get("multi_province") or 0}))
    if geography.level in (PROVINCE, NATIONAL) and (geography.level == PROVINCE or filters.province_id):
        tables.append(Table("agency", _("By receiving agency"), BOTH, both_cols,
                            _found_rows(_dimension(receptions, "g_agency"), lambda r: r["agency_name"] or "—",
                                        both_cols, "x_agency"),
                            total=Row(_("Total"), _values(reception_total, both_cols)),
                            note=_("Received by more than one agency: %(n)s.")
                            % {"n": person_total.get("multi_agency") or 0}))
        tables.append(Table("commune", _("By commune of the receiving agency"), BOTH, both_cols,
                            _found_rows(_dimension(receptions, "g_commune"),
                                        lambda r: r["commune_name"] or _("Provincial agencies"),
                                        both_cols, "x_commune"),
                            total=Row(_("Total"), _values(reception_total, both_cols))))

    # Support
    regime_rows = [row for row in support if row["g_regime"] == 0 and row["g_item"] == 1]
    support_total = next((row for row in support if row["g_regime"] == 1), {})
    s_cols = [Column("approved_persons", _("Persons approved")), Column("approved_amount", _("Amount approved (VND)"), AMOUNT),
              Column("delivered_persons", _("Persons who received it")), Column("paid", _("Amount paid (VND)"), AMOUNT)]
    tables.append(Table("regimes", _("Support by regime"), PERSONS, s_cols,
                        _choice_rows(regime_rows, "x_regime", Regime.choices, s_cols),
                        total=Row(_("Any regime"), _values(support_total, s_cols)), chart_column="delivered_persons",
                        note=_("Persons supported (victims and accompanying children), each once per row; "
                               "approvals by decision date, deliveries by delivery date.")))
    item_rows = [row for row in support if row["g_item"] == 0]
    tables.append(Table("items", _("Support by entitlement item"), PERSONS, s_cols,
                        sorted([Row(f"{row['x_regime']}. " + ((row["name_en"] if english else row["name_vi"]) or row["x_item"]),
                                    _values(row, s_cols), key=row["x_item"]) for row in item_rows],
                               key=lambda r: r.label), chart=""))
    loans = other.get("loans", {})
    tables.append(Table("loans", _("Loans"), OTHER, [Column("value", _("Number"), NUMBER)], [
        Row(_("Loans applied for"), {"value": loans.get("a") or 0}, "applied"),
        Row(_("Loans disbursed"), {"value": loans.get("b") or 0}, "disbursed"),
        Row(_("Persons with a loan disbursed"), {"value": loans.get("c") or 0}, "persons"),
        Row(_("Amount disbursed (VND)"), {"value": loans.get("d") or 0}, "amount"),
    ], chart=""))
    stays = other.get("stays", {})
    tables.append(Table("stays", _("Stays in facilities"), OTHER, [Column("value", _("Number"), NUMBER)], [
        Row(_("Admissions"), {"value": stays.get("a") or 0}, "admissions"),
        Row(_("Persons admitted"), {"value": stays.get("b") or 0}, "persons"),
        Row(_("Stays ended"), {"value": stays.get("c") or 0}, "ended"),
        Row(_("Average length of the stays ended (days)"), {"value": stays.get("d")}, "average"),
        Row(_("Longest stay ended (days)"), {"value": stays.get("e")}, "longest"),
        Row(_("Residents on %(date)s") % {"date": other["on_date"].strftime("%d/%m/%Y")},
            {"value": stays.get("f") or 0}, "occupancy"),
    ], chart=""))
    visits = other.get("visits", {})
    closure_rows = [row for row in other["closures"] if row["reason"] is not None]
    closure_total = next((row for row in other["closures"] if row["reason"] is None), {})
    tables.append(Table("followup", _("Follow-up visits"), OTHER, [Column("value", _("Number"), NUMBER)], [
        Row(_("Home visits"), {"value": visits.get("a") or 0}, "visits"),
        Row(_("Persons visited"), {"value": visits.get("b") or 0}, "persons"),
    ], chart=""))
    c_cols = [Column("a", _("Cases closed"))]
    tables.append(Table("reintegration", _("Reintegration outcomes (cases closed)"), RECEPTIONS, c_cols,
                        _choice_rows([{"reason": r["reason"], "a": r["a"]} for r in closure_rows], "reason",
                                     ClosureReason.choices, c_cols),
                        total=Row(_("Total"), {"a": closure_total.get("a") or 0})))

    tables.extend(contacts.contact_tables(geography, filters))

    a_cols = [Column("events", _("Activities")), Column("participants", _("Participants")),
              Column("trainees", _("Trainees")), Column("panels", _("Panels")), Column("posters", _("Posters")),
              Column("leaflets", _("Leaflets")), Column("booklets", _("Booklets"))]
    tables.append(Table("activities", _("Programme activities"), OTHER, a_cols,
                        _choice_rows(_dimension(activities, "g_kind"), "x_kind", ActivityKind.choices, a_cols),
                        total=Row(_("Total"), _values(_total(activities), a_cols)), chart_column="participants"))
    if geography.level == NATIONAL:
        tables.append(Table("activities_province", _("Programme activities by province"), OTHER, a_cols,
                            _found_rows(_dimension(activities, "g_province"), lambda r: r["province_name"] or "—",
                                        a_cols, "x_province"), chart=""))
    return {"tables": tables, "by_key": {t.key: t for t in tables}}


def filters_months(filters: Filters) -> list[datetime.date]:
    months, day = [], filters.start.replace(day=1)
    while day <= filters.end:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


# ---------------------------------------------------------------------------------------------
# Publishing: suppression and the link to the cases behind
# ---------------------------------------------------------------------------------------------

SUPPRESSED_PRIMARY = "<{n}"
SUPPRESSED_SECONDARY = "x"


def publish(table: Table, *, suppressed: bool) -> Table:
    """Fill every row's cells: (value, text, hidden). Counts are suppressed column by column (each
    with its total); an amount hides with the count of persons of its row."""
    limit = threshold()
    rows = table.rows + ([table.total] if table.total else [])
    hidden: dict[str, list[bool]] = {}
    if suppressed:
        for column in table.columns:
            if column.kind != COUNT:
                continue
            values = [int(row.values.get(column.key) or 0) for row in table.rows]
            if table.total is not None:
                cells, total_hidden = suppress_column(values, limit)
                hidden[column.key] = cells + [total_hidden]
            else:
                hidden[column.key] = suppress_column(values, limit)[0]
        persons_column = next((c.key for c in table.columns if c.kind == COUNT), None)
        for column in table.columns:
            if column.kind == AMOUNT and persons_column:
                index = [c.key for c in table.columns].index(column.key)
                partner = table.columns[index - 1].key if index else persons_column
                hidden[column.key] = hidden.get(partner, [False] * len(rows))
            elif column.kind == NUMBER:
                # Scalar figures of different kinds: each hidden when small (counts of persons).
                hidden[column.key] = [
                    isinstance(row.values.get(column.key), int) and 0 < row.values[column.key] < limit
                    and row.key not in ("amount", "average", "longest") for row in rows
                ]
    for index, row in enumerate(rows):
        row.cells = []
        for column in table.columns:
            value = row.values.get(column.key)
            is_hidden = hidden.get(column.key, [False] * len(rows))[index]
            if is_hidden:
                text = SUPPRESSED_PRIMARY.format(n=limit) if value is not None and 0 < value < limit else SUPPRESSED_SECONDARY
            elif value is None:
                text = "—"
            elif column.kind == AMOUNT or (isinstance(value, int) and value >= 1000):
                text = f"{value:,}".replace(",", ".")
            else:
                text = str(value).replace(".", ",")
            row.cells.append((value, text, is_hidden))
    return table


def has_case_level_access(actor, geography: Geography, filters: Filters) -> bool:
    """May the actor see every case behind these figures? Then nothing is suppressed and figures
    link to the cases. One query."""
    if not actor.can(Action.CASE_VIEW):
        return False
    cases = scoped_rows(geography, filters).cases
    return not cases.exclude(pk__in=Case.objects.visible_to(actor, Action.CASE_VIEW).values("pk")).exists()


@dataclass
class Dashboard:
    geography: Geography
    filters: Filters
    tables: list[Table]
    case_level: bool

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def dashboard(actor, geography: Geography, filters: Filters) -> Dashboard:
    """Every table of the actor's dashboard, published for this actor."""
    case_level = has_case_level_access(actor, geography, filters)
    tables = build_tables(geography, filters)["tables"]
    for table in tables:
        publish(table, suppressed=not case_level)
    return Dashboard(geography, filters, tables, case_level)

