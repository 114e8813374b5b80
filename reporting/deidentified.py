"""The de-identified case-level dataset (issue 15 point 7): one row per person, for the ministry and
research partners, in the core fields of the Counter-Trafficking Data Collaborative (CTDC) data
standard, k-anonymous on its quasi-identifiers.

- Rows: the persons received in the period in the actor's geography (`scope.scoped_rows`), each once
  (`scope.person_key`: a merged person is the survivor), with the attributes of their first reception
  in the period. No name, paper, address, commune, agency, exact date or id leaves: only codes.
- Quasi-identifiers (what an outsider may know of a person): sex, age band, citizenship, country of
  exploitation, year of registration, type of exploitation. Regimes received are released as they are.
- k-anonymity (`DEIDENTIFIED_DATASET_K`, default 11, as CTDC's own global dataset): a row whose
  combination of quasi-identifiers is shared by fewer than k rows is generalised (level 1: wider age
  bands, countries to regions; level 2: minor/adult, Viet Nam/abroad, five-year span, several types
  as "several"), its group counted again at each level; a group still under k is withheld. A group is
  always moved or withheld whole, so every released combination occurs at least k times.
- Computed in PostgreSQL: one statement (window counts per level); Python only labels the codes.
- Means of control: the data model records it as free text only (`Case.means_of_control`), which
  cannot be released without identifying; CTDC's categorical field stays empty and the note says so.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.roles import Action
from support.models.choices import Regime
from victims.countries import country_name
from victims.models import Sex, TraffickingPurpose

from .exports import HEADER_FILL
from .facts import SupportFact
from .scope import NATIONAL, Filters, Geography, person_key, scoped_rows, statistics_geography
from .statistics import age_sql

DEFAULT_K = 11
LOG_DOWNLOAD = "statistics.deidentified"
STANDARD = "Counter-Trafficking Data Collaborative (CTDC) data standard"
# CTDC's `ageBroad` bands (level 0), then wider bands (level 1) and minor/adult (level 2).
AGE_BANDS = ((0, 8), (9, 17), (18, 20), (21, 23), (24, 26), (27, 29), (30, 38), (39, 47), (48, None))
AGE_BANDS_WIDE = ((0, 17), (18, 29), (30, None))
AGE_BANDS_MAJORITY = ((0, 17), (18, None))
YEAR_SPAN = 5  # level 2: years of registration in spans of five (2021–2025, the national plan's)
VIET_NAM = "VN"
ABROAD = "abroad"
SEVERAL = "several"
# Level 1: a country becomes its region (UN M49 sub-regions for the usual countries of origin and of
# exploitation; any other country is "other countries"). Viet Nam stays itself at every level.
REGIONS = {
    "south_eastern_asia": ("KH", "LA", "TH", "MM", "MY", "SG", "ID", "PH", "BN", "TL"),
    "eastern_asia": ("CN", "TW", "HK", "MO", "KR", "KP", "JP", "MN"),
    "western_asia": ("AE", "SA", "QA", "KW", "OM", "BH", "JO", "LB", "IL", "IQ", "IR", "SY", "YE", "TR", "CY"),
    "europe": ("RU", "DE", "GB", "FR", "PL", "CZ", "SK", "HU", "RO", "BG", "UA", "BY", "IT", "ES", "PT", "NL",
               "BE", "AT", "CH", "SE", "NO", "DK", "FI", "IE", "GR", "LT", "LV", "EE"),
}
REGION_LABELS = {
    "south_eastern_asia": gettext_lazy("South-eastern Asia"), "eastern_asia": gettext_lazy("Eastern Asia"),
    "western_asia": gettext_lazy("Western Asia"), "europe": gettext_lazy("Europe"),
    "other_countries": gettext_lazy("Other countries"),
}
LEVEL_GENERALISED = {
    1: gettext_lazy("age in wider bands; countries as regions"),
    2: gettext_lazy("age as minor or adult; countries as Viet Nam or abroad; year in five-year spans; "
                    "several types of exploitation as “several”"),
}


def k_threshold() -> int:
    return max(1, int(getattr(settings, "DEIDENTIFIED_DATASET_K", DEFAULT_K)))


def may_read(actor) -> bool:
    """The ministry's roles with the dataset's action (ministry analysts and statisticians, and an
    API client of the ministry with the statistician role: the research-partner path)."""
    if actor is None or not actor.can(Action.DATASET_DEIDENTIFIED):
        return False
    try:
        return statistics_geography(actor).level == NATIONAL
    except PermissionDenied:
        return False


def require_reader(actor) -> Geography:
    if not may_read(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    return statistics_geography(actor)


# ---------------------------------------------------------------------------------------------
# SQL
# ---------------------------------------------------------------------------------------------

def _band_sql(column: str, bands, params: list) -> str:
    parts = []
    for low, high in bands:
        label = f"{low}+" if high is None else f"{low}–{high}"
        if high is None:
            parts.append(f"WHEN {column} >= %s THEN %s")
            params += [low, label]
        else:
            parts.append(f"WHEN {column} BETWEEN %s AND %s THEN %s")
            params += [low, high, label]
    return "CASE " + " ".join(parts) + " ELSE '' END"


def _region_sql(column: str, params: list) -> str:
    parts = [f"WHEN {column} = '' THEN ''", f"WHEN {column} = %s THEN %s"]
    params += [VIET_NAM, VIET_NAM]
    for region, codes in REGIONS.items():
        parts.append(f"WHEN {column} = ANY(%s) THEN %s")
        params += [list(codes), f"region:{region}"]
    return "CASE " + " ".join(parts) + " ELSE 'region:other_countries' END"


def _home_or_abroad_sql(column: str, params: list) -> str:
    params += [VIET_NAM, VIET_NAM, ABROAD]
    return f"CASE WHEN {column} = '' THEN '' WHEN {column} = %s THEN %s ELSE %s END"


def _person_rows(geography: Geography, filters: Filters) -> tuple[str, list]:
    """One row per person received: x_person, sex, nat, age, year, dest, purposes (text, sorted and
    joined by ','), regimes (sorted int array of the regimes delivered to the person)."""
    rows = scoped_rows(geography, filters)
    receptions = rows.receptions.values(
        x_case=F("pk"), x_person=F("pkey"), x_on=F("received_on"), x_dest=F("destination_country"),
        x_purposes=F("purposes"), x_sex=F("sex"), x_dob=F("date_of_birth"),
        x_byear=F("birth_year"), x_nat=F("nationality"),
    )
    deliveries = rows.support.filter(kind=SupportFact.Kind.DELIVERED).values(
        x_person=person_key("person"), x_regime=F("item__regime"))
    r_sql, r_params = receptions.query.sql_with_params()
    d_sql, d_params = deliveries.query.sql_with_params()
    sql = f"""
    r0 AS ({r_sql}),
    r AS (SELECT r0.*, {age_sql("x_on", "x_dob", "x_byear")} AS x_age FROM r0),
    pu AS (SELECT x_person, string_agg(DISTINCT u, ',' ORDER BY u) AS purposes
           FROM r, unnest(x_purposes) AS u GROUP BY x_person),
    dl AS (SELECT x_person, array_agg(DISTINCT x_regime ORDER BY x_regime) AS regimes
           FROM ({d_sql}) d0 WHERE x_regime IS NOT NULL GROUP BY x_person),
    persons AS (
      SELECT r.x_person, COALESCE(MAX(x_sex), '') AS sex, COALESCE(MAX(x_nat), '') AS nat,
        (array_agg(x_age ORDER BY x_on, x_case))[1] AS age,
        extract(year FROM MIN(x_on))::int AS year,
        COALESCE((array_agg(x_dest ORDER BY x_on, x_case) FILTER (WHERE x_dest <> ''))[1], '') AS dest,
        COALESCE(MAX(pu.purposes), '') AS purposes,
        COALESCE(MAX(dl.regimes), '{{}}'::int[]) AS regimes
      FROM r LEFT JOIN pu USING (x_person) LEFT JOIN dl USING (x_person)
      GROUP BY r.x_person
    )"""
    return sql, list(r_params) + list(d_params)


QI = ("q_age", "q_sex", "q_nat", "q_dest", "q_year", "q_purposes")


def anonymise_sql(persons_sql: str, params: list, k: int) -> tuple[str, list]:
    """The k-anonymity rule over a CTE named `persons` (columns as `_person_rows`): one statement
    answering every person with its released values, its level (0, 1, 2) and whether it is released."""
    params = list(params)
    band0 = _band_sql("age", AGE_BANDS, params)
    band1 = _band_sql("age", AGE_BANDS_WIDE, params)
    band2 = _band_sql("age", AGE_BANDS_MAJORITY, params)
    nat1 = _region_sql("nat", params)  # in the order of the placeholders below
    nat2 = _home_or_abroad_sql("nat", params)
    dest1 = _region_sql("dest", params)
    dest2 = _home_or_abroad_sql("dest", params)
    params += [YEAR_SPAN, YEAR_SPAN, YEAR_SPAN, YEAR_SPAN, YEAR_SPAN - 1, SEVERAL]
    span = "((year - 1) / %s) * %s + 1"  # 2021–2025, 2026–2030, …
    partition = "PARTITION BY " + ", ".join(QI)
    params += [k, k, k]
    sql = f"""WITH {persons_sql},
    b AS (
      SELECT persons.*,
        {band0} AS a0, {band1} AS a1, {band2} AS a2, nat AS n0, {nat1} AS n1, {nat2} AS n2,
        dest AS d0, {dest1} AS d1, {dest2} AS d2,
        year::text AS y0, ({span})::text || '–' || (({span}) + %s)::text AS y2,
        CASE WHEN purposes LIKE '%%,%%' THEN %s ELSE purposes END AS e2
      FROM persons
    ),
    g0 AS (SELECT b.*, 0 AS lvl, a0 AS q_age, sex AS q_sex, n0 AS q_nat, d0 AS q_dest, y0 AS q_year,
                  purposes AS q_purposes FROM b),
    c0 AS (SELECT g0.*, COUNT(*) OVER ({partition}) AS n FROM g0),
    g1 AS (SELECT c0.*, CASE WHEN n >= %s THEN lvl ELSE 1 END AS lvl1 FROM c0),
    h1 AS (SELECT x_person, sex, age, regimes, a1, a2, n1, n2, d1, d2, y0, y2, purposes, e2, lvl1 AS lvl,
             CASE lvl1 WHEN 0 THEN q_age ELSE a1 END AS q_age, q_sex,
             CASE lvl1 WHEN 0 THEN q_nat ELSE n1 END AS q_nat,
             CASE lvl1 WHEN 0 THEN q_dest ELSE d1 END AS q_dest, q_year, q_purposes FROM g1),
    c1 AS (SELECT h1.*, COUNT(*) OVER ({partition}) AS n FROM h1),
    g2 AS (SELECT c1.*, CASE WHEN n >= %s THEN lvl ELSE 2 END AS lvl2 FROM c1),
    h2 AS (SELECT x_person, regimes, lvl2 AS lvl,
             CASE WHEN lvl2 = 2 THEN a2 ELSE q_age END AS q_age, q_sex,
             CASE WHEN lvl2 = 2 THEN n2 ELSE q_nat END AS q_nat,
             CASE WHEN lvl2 = 2 THEN d2 ELSE q_dest END AS q_dest,
             CASE WHEN lvl2 = 2 THEN y2 ELSE q_year END AS q_year,
             CASE WHEN lvl2 = 2 THEN e2 ELSE q_purposes END AS q_purposes FROM g2),
    c2 AS (SELECT h2.*, COUNT(*) OVER ({partition}) AS n FROM h2)
    SELECT x_person, {", ".join(QI)}, regimes, lvl, n >= %s AS released FROM c2
    ORDER BY released DESC, q_year, q_age, q_sex, q_nat, q_dest, q_purposes, md5(x_person::text || %s)"""
    params.append(_salt())
    return sql, params


def _salt() -> str:
    # The order of rows within a group must not follow the registration order (ids).
    return hashlib.sha256(f"deidentified:{settings.SECRET_KEY}".encode()).hexdigest()[:16]


def anonymise(persons_sql: str, params: list, k: int) -> list[dict]:
    sql, params = anonymise_sql(persons_sql, params, k)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# ---------------------------------------------------------------------------------------------
# The dataset
# ---------------------------------------------------------------------------------------------

@dataclass
class Dataset:
    geography: Geography
    filters: Filters
    k: int
    rows: list[dict]  # released rows, codes only (see `record`)
    persons: int
    withheld: int
    by_level: dict = field(default_factory=dict)  # level -> rows released at that level
    person_ids: list[int] = field(default_factory=list)  # for the access log only, never released


def dataset(actor, filters: Filters) -> Dataset:
    """The actor's de-identified dataset for the period (PermissionDenied unless `may_read`)."""
    geography = require_reader(actor)
    k = k_threshold()
    persons_sql, params = _person_rows(geography, filters)
    found = anonymise(persons_sql, params, k)
    released = [row for row in found if row["released"]]
    by_level = {level: sum(1 for row in released if row["lvl"] == level) for level in (0, 1, 2)}
    return Dataset(geography, filters, k, [record(row) for row in released], persons=len(found),
                   withheld=len(found) - len(released), by_level=by_level,
                   person_ids=[row["x_person"] for row in released])


def record(row: dict) -> dict:
    """A released row as codes (the API's shape): CTDC's core fields."""
    purposes = [p for p in (row["q_purposes"] or "").split(",") if p]
    regimes = list(row["regimes"] or [])
    return {
        "gender": row["q_sex"] or "", "age_broad": row["q_age"] or "", "majority_status": _majority(row["q_age"]),
        "citizenship": row["q_nat"] or "", "country_of_exploitation": row["q_dest"] or "",
        "year_of_registration": row["q_year"] or "",
        "type_of_exploitation": purposes, "means_of_control": None,
        "regimes_received": regimes, "generalisation_level": row["lvl"],
    }


def _majority(band: str) -> str:
    if not band:
        return ""
    low = int(band.split("–")[0].rstrip("+"))
    return "minor" if low < 18 else "adult"


def _place(code: str) -> str:
    if not code:
        return _("Not recorded")
    if code.startswith("region:"):
        return str(REGION_LABELS.get(code.split(":", 1)[1], code))
    if code == ABROAD:
        return _("Abroad")
    return country_name(code)


def columns() -> list[tuple[str, str, str]]:
    """(key, heading, CTDC field) of the file's columns, in order."""
    return [
        ("gender", _("Sex"), "gender"), ("age_broad", _("Age band at registration"), "ageBroad"),
        ("majority_status", _("Minor or adult"), "majorityStatus"),
        ("citizenship", _("Citizenship"), "citizenship"),
        ("country_of_exploitation", _("Country of exploitation"), "CountryOfExploitation"),
        ("year_of_registration", _("Year of registration"), "yearOfRegistration"),
        *[(f"purpose:{code}", label, ctdc) for code, label, ctdc in _purpose_columns()],
        ("means_of_control", _("Means of control"), "typeOfMeansOfControl"),
        *[(f"regime:{value}", _("Regime received: %(regime)s") % {"regime": label}, "—")
          for value, label in Regime.choices],
        ("generalisation_level", _("Generalisation level"), "—"),
    ]


CTDC_PURPOSE_FIELDS = {
    TraffickingPurpose.SEXUAL_EXPLOITATION: "isSexualExploit", TraffickingPurpose.FORCED_LABOUR: "isForcedLabour",
    TraffickingPurpose.FORCED_MARRIAGE: "isForcedMarriage", TraffickingPurpose.CHILD_SALE_ADOPTION: "isOtherExploit",
    TraffickingPurpose.ORGAN_REMOVAL: "isOrganRemoval", TraffickingPurpose.COMMERCIAL_SURROGACY: "isOtherExploit",
    TraffickingPurpose.OTHER: "isOtherExploit",
}


def _purpose_columns():
    return [(code, _("Exploitation: %(type)s") % {"type": label}, CTDC_PURPOSE_FIELDS[code])
            for code, label in TraffickingPurpose.choices]


def cells(row: dict) -> list:
    """A released row as the file shows it (labels in the reader's language)."""
    sexes = dict(Sex.choices)
    yes, no = _("Yes"), _("No")
    several = SEVERAL in row["type_of_exploitation"]
    out = [str(sexes.get(row["gender"], _("Not recorded"))) if row["gender"] else _("Not recorded"),
           row["age_broad"] or _("Not recorded"),
           {"minor": _("Minor"), "adult": _("Adult")}.get(row["majority_status"], _("Not recorded")),
           _place(row["citizenship"]), _place(row["country_of_exploitation"]), row["year_of_registration"]]
    for code, _label, _ctdc in _purpose_columns():
        out.append(_("Several types") if several else yes if code in row["type_of_exploitation"] else no)
    out.append(_("Not available"))
    out += [yes if value in row["regimes_received"] else no for value, _label in Regime.choices]
    out.append(row["generalisation_level"])
    return out


def note_lines(data: Dataset) -> list[list]:
    """The note sheet: what the file is, what was generalised and how many rows were withheld."""
    lines = [
        [_("De-identified case-level dataset")],
        [_("Area"), data.geography.label],
        [_("Period"), f"{data.filters.start:%d/%m/%Y} – {data.filters.end:%d/%m/%Y}"],
        [_("Standard"), _("Core fields of the %(standard)s.") % {"standard": STANDARD}],
        [_("Persons"), data.persons],
        [_("Rows released"), len(data.rows)],
        [_("Rows released exactly"), data.by_level.get(0, 0)],
        [_("Rows generalised (level 1: %(how)s)") % {"how": LEVEL_GENERALISED[1]}, data.by_level.get(1, 0)],
        [_("Rows generalised (level 2: %(how)s)") % {"how": LEVEL_GENERALISED[2]}, data.by_level.get(2, 0)],
        [_("Rows withheld (their combination still occurs fewer than k times)"), data.withheld],
        [_("k (each released combination of the quasi-identifiers occurs at least k times)"), data.k],
        [_("Quasi-identifiers"), _("sex, age band, citizenship, country of exploitation, year of registration, "
                                   "type of exploitation")],
        [_("One row per person"), _("A person received several times or by several agencies is one row, with "
                                    "the attributes of the first reception in the period.")],
        [_("Not included"), _("Names, identity papers, addresses, communes, agencies, exact dates and ids.")],
        [_("Means of control"), _("Not available: the case file records the means of control as free text only, "
                                  "which cannot be released without identifying the person.")],
        [], [_("Column"), _("CTDC field")],
    ]
    lines += [[heading, ctdc] for _key, heading, ctdc in columns()]
    return lines


def dataset_xlsx(data: Dataset) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Data")[:31]
    sheet.append([heading for _key, heading, _ctdc in columns()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in data.rows:
        sheet.append(cells(row))
    sheet.freeze_panes = "A2"
    note = workbook.create_sheet(_("Note")[:31])
    for line in note_lines(data):
        note.append(line)
    note.column_dimensions["A"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def dataset_csv(data: Dataset) -> bytes:
    """The rows, then the note below a blank line (a CSV has one sheet)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([heading for _key, heading, _ctdc in columns()])
    for row in data.rows:
        writer.writerow(cells(row))
    writer.writerow([])
    for line in note_lines(data):
        writer.writerow(line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
