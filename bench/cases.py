"""The benchmark cases: one small function each, registered with @case.

A case function takes the Bench context and returns a Pair: `app` (the real path: a page through
Django's test client, a service) and `reference` (the tightest hand-written SQL or the trivial
equivalent of the same work). The runner times both in alternation and reports the ratio.
Features that do not exist yet have no case: add one when the feature lands (bench/README.md).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.urls import reverse

from accounts.actor import act_as
from accounts.models import Membership

PAGE_SIZE = 25
DEEP_PAGE = 100
SEARCH = "Nguyễn Thị Hương"


@dataclass
class Pair:
    app: Callable[[], object]
    reference: Callable[[], object]
    reference_name: str
    # Run the app path once more under CaptureQueriesContext (False for non-database work).
    count_queries: bool = True


@dataclass
class Case:
    name: str
    build: Callable


CASES: list[Case] = []


def case(name: str):
    def register(build):
        CASES.append(Case(name, build))
        return build
    return register


def _fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# -- the case list -------------------------------------------------------------------------------
# Same rows, same scope rule (victims.scoping.case_scope), same order (-received_on, -id), and the
# paginator's count, as a hand-writer would: the persona's agencies and grants resolved first into
# arrays, the scope one flat OR of the paths that open something (an agency alone is one equality,
# which its (owner, received_on) index serves in order), a bitmap OR of the indexes for the count.
LIST_COLUMNS = ("c.id, c.case_number, c.status, c.received_on, c.province_id, c.owning_agency_id, "
                "c.receiving_agency_id, p.full_name, p.sex, p.birth_year, p.date_of_birth")


def _scope_sql(params: dict) -> str:
    agencies = ("c.owning_agency_id = %(agency)s" if len(params["agencies"]) == 1
                else "c.owning_agency_id = ANY(%(agencies)s)")
    paths = [agencies, "c.province_id = %(province)s" if params["province"] else "",
             "c.id = ANY(%(granted)s)" if params["granted"] else ""]
    return "(" + " OR ".join(path for path in paths if path) + ")"


def _scope_params(persona) -> dict:
    granted = [r[0] for r in _fetch(
        "SELECT case_id FROM victims_caseaccessgrant WHERE grantee_agency_id = %s AND revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > now()) AND actions @> ARRAY['case.view']::varchar[]",
        [persona.agency_id])]
    return {"agencies": persona.agency_ids, "agency": persona.agency_ids[0], "province": persona.province_id or 0,
            "granted": granted}


def reference_list(persona, *, page: int, search: str = ""):
    from accounts.text import fold

    params = {**_scope_params(persona), "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
    scope = _scope_sql(params)
    if not search:
        rows = _fetch(f"SELECT {LIST_COLUMNS} FROM victims_case c JOIN victims_person p ON p.id = c.person_id "
                      f"WHERE {scope} ORDER BY c.received_on DESC, c.id DESC LIMIT %(limit)s OFFSET %(offset)s",
                      params)
        (count,) = _fetch(f"SELECT count(*) FROM victims_case c WHERE {scope}", params)[0]
        return [(*row, count) for row in rows]
    # Names by the start of a word (the same prefix indexes as the app: victims.models.person), with
    # the scope applied to the cases of those persons, then order and page. Case numbers
    # (<agency code>-<year>-<sequence>) hold no spaces: a term with a space cannot match one.
    from victims.models.person import LONGER_NAME, NAME_WORDS_INDEXED

    folded = fold(search)
    params.update(prefix=f"{folded}%", inner=f"% {folded}%", longer=LONGER_NAME)
    words = " OR ".join(
        ["p.name_folded LIKE %(prefix)s"]
        + [f"substring(p.name_folded, '^(?:[^ ]+ ){{{n - 1}}}(.+)$') LIKE %(prefix)s" for n in range(2, NAME_WORDS_INDEXED + 1)]
        + ["(p.name_folded ~ %(longer)s AND p.name_folded LIKE %(inner)s)"])
    numbers = "" if " " in search.strip() else (
        "UNION SELECT c.id FROM victims_case c WHERE upper(c.case_number) LIKE upper(%(number)s) AND " + scope)
    params["number"] = f"%{search.strip()}%"
    return _fetch(
        f"WITH hits AS (SELECT c.id FROM victims_person p JOIN victims_case c ON c.person_id = p.id "  # noqa: S608
        f"WHERE ({words}) AND {scope} UNION SELECT cc.case_id FROM victims_person p "
        f"JOIN victims_casechild cc ON cc.person_id = p.id JOIN victims_case c ON c.id = cc.case_id "
        f"WHERE ({words}) AND {scope} {numbers}) "
        f"SELECT {LIST_COLUMNS}, count(*) OVER () FROM hits h JOIN victims_case c ON c.id = h.id "
        f"JOIN victims_person p ON p.id = c.person_id "
        f"ORDER BY c.received_on DESC, c.id DESC LIMIT %(limit)s OFFSET %(offset)s", params)


def _list_pair(bench, persona_name, *, page, search=""):
    persona = getattr(bench, persona_name)
    client = bench.client_for(persona)
    url = reverse("victims:case_list")
    if search:
        url = client.post(url, {"q": search})["Location"]
    if page > 1:
        # On a small dataset the deep page is the last one (the paginator would show it anyway).
        first = reference_list(persona, page=1, search=search)
        total = first[0][-1] if first else 0
        page = min(page, max(1, -(-total // PAGE_SIZE)))
        url += ("&" if "?" in url else "?") + f"page={page}"

    def app():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    return Pair(app, lambda: reference_list(persona, page=page, search=search), "raw SQL: flat scope OR, page + count")


for _persona, _label in (("approver", "provincial approver"), ("caseworker", "border-post caseworker")):
    for _page, _page_label in ((1, "page 1"), (DEEP_PAGE, f"page {DEEP_PAGE}")):
        for _search, _search_label in (("", ""), (SEARCH, ", name search")):
            case(f"case list {_page_label}{_search_label}, {_label}")(
                lambda bench, p=_persona, n=_page, s=_search: _list_pair(bench, p, page=n, search=s)
            )


# -- the case page -------------------------------------------------------------------------------
def reference_case_page(case_id: int):
    """The case with its person, and every history row of the case and its persons."""
    row = _fetch("SELECT c.*, p.* FROM victims_case c JOIN victims_person p ON p.id = c.person_id "
                 "WHERE c.id = %s", [case_id])
    persons = [r[0] for r in _fetch(
        "SELECT person_id FROM victims_case WHERE id = %s UNION "
        "SELECT person_id FROM victims_casechild WHERE case_id = %s", [case_id, case_id])]
    events = _fetch(_EVENTS_SQL, {"case": case_id, "persons": persons})
    return row, events


_EVENT_TABLES_BY_CASE = [
    "victims_casechildevent", "victims_consentevent", "victims_statustransitionevent",
    "victims_identificationoutcomeevent", "victims_caseclosureevent", "victims_caseaccessgrantevent",
    "victims_reintegrationplanevent", "victims_followupvisitevent", "victims_verificationrequestevent",
    "facilities_stayevent", "support_supportrequestevent",
]
_EVENTS_SQL = " UNION ALL ".join([
    "SELECT pgh_id, pgh_created_at, pgh_label, pgh_obj_id::text, to_jsonb(e) FROM victims_caseevent e "
    "WHERE pgh_obj_id = %(case)s",
    "SELECT pgh_id, pgh_created_at, pgh_label, pgh_obj_id::text, to_jsonb(e) FROM victims_personevent e "
    "WHERE pgh_obj_id = ANY(%(persons)s)",
    *[f"SELECT pgh_id, pgh_created_at, pgh_label, pgh_obj_id::text, to_jsonb(e) FROM {t} e "
      f"WHERE case_id = %(case)s" for t in _EVENT_TABLES_BY_CASE],
]) + " ORDER BY 2, 1"


@case("case page (long timeline), provincial approver")
def case_page(bench):
    client = bench.client_for(bench.approver)
    url = reverse("victims:case_detail", args=[bench.long_case_id])

    def app():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    return Pair(app, lambda: reference_case_page(bench.long_case_id), "raw SQL: case, person, history rows")


# -- one support decision ------------------------------------------------------------------------
class _Rollback(Exception):
    pass


def _rolled_back(work):
    """Run a write and undo it: every run decides the same pending request."""
    def run():
        try:
            with transaction.atomic():
                work()
                raise _Rollback
        except _Rollback:
            pass
    return run


@case("support decision (service: history, numbering, access log)")
def support_decision(bench):
    from support.models import SupportRequest
    from support.services import LineDecisionInput, support_request_decide

    request_id = bench.pending_request_id
    approver = bench.decider
    if request_id is None:
        return None  # no pending request in this dataset

    def app():
        request = SupportRequest.objects.visible_to(approver, "support.decide").get(pk=request_id)
        lines = {line.pk: LineDecisionInput(decision="approve") for line in request.lines.all()}
        support_request_decide(user=approver, request=request, lines=lines,
                               decision_date=request.application_date + datetime.timedelta(days=1))

    def reference():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM support_supportrequest WHERE id = %s FOR UPDATE", [request_id])
            cursor.execute("UPDATE support_supportrequestline SET status = 'approved', approved_quantity = quantity, "
                           "approved_amount = amount WHERE request_id = %s", [request_id])
            cursor.execute(
                "INSERT INTO accounts_documentnumberregister (agency_id, year, document_type, last_number) "
                "VALUES (%s, 2026, 'decision', 1) ON CONFLICT (agency_id, year, document_type) "
                "DO UPDATE SET last_number = accounts_documentnumberregister.last_number + 1 RETURNING last_number",
                [bench.decider_agency_id])
            number = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO support_supportdecision (decided_at, decision_date, outcome, note, year, number, "
                "document_number, pdf, pdf_status, pdf_error, agency_id, decided_by_id, request_id, signer_title, "
                "signing_authority, recorded_from_register) VALUES (now(), current_date, 'approved', '', 2026, %s, "
                "%s, '', 'pending', '', %s, %s, %s, '', 'head', false)",
                [number, f"{number}/QĐ-X", bench.decider_agency_id, approver.pk, request_id])
            cursor.execute("UPDATE support_supportrequest SET status = 'approved', updated_at = now() WHERE id = %s",
                           [request_id])

    return Pair(_rolled_back(app), _rolled_back(reference), "raw SQL: the same UPDATEs and INSERTs (triggers on)")


# -- documents -----------------------------------------------------------------------------------
@case("decision PDF render (WeasyPrint)")
def decision_pdf(bench):
    from weasyprint import HTML

    from support.models import SupportDecision
    from support.pdf import decision_pdf_bytes

    decision = SupportDecision.objects.visible_to(bench.pdf_reader, "support.view").get(pk=bench.decision_id)
    return Pair(lambda: decision_pdf_bytes(decision),
                lambda: HTML(string="<p>Một dòng.</p>").write_pdf(),
                "WeasyPrint: one-line HTML")


@case("annual report PDF render (the province's figures and WeasyPrint)")
def annual_report_pdf(bench):
    """A draft annual report of the approver's province, as the worker renders it: the figures of the
    last closed reporting year (one snapshot of the statistics tables), then the PDF. Nothing is saved."""
    import datetime

    from weasyprint import HTML

    from accounts.models import AdministrativeUnit, Agency
    from reporting.models import Report, ReportRun, ReportType
    from reporting.report_figures import latest_closed_period, province_geography, snapshot
    from reporting.report_render import report_pdf_bytes

    annual = ReportType.objects.get(code="annual")
    start, end = latest_closed_period(annual, datetime.date(2026, 11, 30))  # the dataset's anchor date
    report = Report(report_type=annual, province=AdministrativeUnit.objects.get(pk=bench.approver.province_id),
                    agency=Agency.objects.get(pk=bench.approver.agency_id), period_start=start, period_end=end)

    def render():
        run = ReportRun(report=report, revision=1)
        run.snapshot = snapshot(province_geography(report.province), start, end, annual.table_keys or None)
        return report_pdf_bytes(run)

    return Pair(render, lambda: HTML(string="<p>Một dòng.</p>").write_pdf(), "WeasyPrint: one-line HTML")


# -- duplicate candidates for a new intake -------------------------------------------------------
# The intake of someone already received: the name, sex, birth year and home province of the person
# of the caseworker's latest case with both known, as a new registration would give them (no paper number).
_DUPLICATE_SQL = """
WITH m AS (
  SELECT * FROM (
    SELECT p.id, similarity(p.name_match, %(name)s) AS sim FROM victims_person p
    WHERE p.merged_into_id IS NULL AND p.home_province_id = %(province)s::bigint
      AND p.birth_year BETWEEN %(low)s::smallint AND %(high)s::smallint AND p.sex IN (%(sex)s, 'unknown')
    ORDER BY p.name_match <-> %(name)s LIMIT 25
  ) k WHERE k.sim >= 0.5
)
SELECT m.id, m.sim, c.id, c.owning_agency_id,
       (c.owning_agency_id = ANY(%(agencies)s) OR c.province_id = %(scope_province)s OR c.id = ANY(%(granted)s))
FROM m JOIN victims_case c ON c.person_id = m.id
UNION ALL
SELECT m.id, m.sim, cc.case_id, c.owning_agency_id, false
FROM m JOIN victims_casechild cc ON cc.person_id = m.id JOIN victims_case c ON c.id = cc.case_id
"""


@case("duplicate candidates for a new intake, border-post caseworker")
def duplicate_candidates(bench):
    from victims.duplicates import duplicates_for
    from victims.matching import Query, match_name
    from victims.models import Person

    persona = bench.caseworker
    actor = bench.actor_for(persona)
    # A registration gives the birth year and home province (the reference's block needs both; a
    # person without a year is the matcher's country-wide name route, bench/notes/pages.md).
    (person_id,) = _fetch("SELECT c.person_id FROM victims_case c JOIN victims_person p ON p.id = c.person_id "
                          "WHERE c.owning_agency_id = %s AND p.birth_year IS NOT NULL AND p.home_province_id "
                          "IS NOT NULL ORDER BY c.received_on DESC, c.id DESC LIMIT 1", [persona.agency_id])[0]
    person = Person.objects.get(pk=person_id)
    query = Query(full_name=person.full_name, sex=person.sex, birth_year=person.birth_year,
                  home_province_id=person.home_province_id)
    year = person.birth_year or 0
    params = {**_scope_params(persona), "name": match_name(person.full_name), "province": person.home_province_id,
              "low": year - 1, "high": year + 1, "sex": person.sex, "scope_province": persona.province_id or 0}

    def app():
        report = duplicates_for(actor, query)
        assert report.seen or report.elsewhere
        return report

    return Pair(app, lambda: _fetch(_DUPLICATE_SQL, params),
                "raw SQL: the 25 nearest names of the (province, year) block, holders and scope in one statement")


# -- the national annual statistics --------------------------------------------------------------
STATISTICS_YEAR = 2025
# Every figure of the national dashboard for a year, as a hand-writer would aggregate them from the
# same tables the app reads (the statistics' fact tables, reporting/facts.py, where they exist), one
# statement per family (the app has the same five): receptions, persons and purposes over one
# materialised scan of the year's receptions; approved and delivered support by regime and item;
# stays, loans, follow-up visits and closures; contacts; programme activities. Written the plain way
# (COUNT(DISTINCT), array_agg ORDER BY). `statistics_figures` turns these rows into the dashboard's
# {table: {row: [values]}} so that tests/bench checks both sides give the same figures (else the
# ratio would compare different work).
_PROVINCE_OF = "CASE WHEN {j}.level = 'province' THEN {j}.id ELSE {j}.parent_id END"
_STATISTICS_SQL = [
    f"""WITH r AS MATERIALIZED (
      SELECT c.case_id AS id, c.person_id, c.received_on, c.receiving_agency_id AS agency, t.code AS type,
        c.reception_channel AS channel, c.destination_country AS dest, c.purposes,
        COALESCE(c.reception_province_id, {_PROVINCE_OF.format(j="j")}) AS province,
        c.sex, c.ethnicity_id AS ethnic, c.nationality AS nat,
        CASE WHEN c.date_of_birth IS NOT NULL THEN date_part('year', age(c.received_on, c.date_of_birth))::int
             WHEN c.birth_year IS NOT NULL THEN extract(year FROM c.received_on)::int - c.birth_year - 1 END AS age,
        c.outcome
      FROM reporting_receptionfact c
        JOIN accounts_agency a ON a.id = c.receiving_agency_id JOIN accounts_agencytype t ON t.id = a.type_id
        LEFT JOIN accounts_administrativeunit j ON j.id = a.jurisdiction_id
      WHERE c.received_on BETWEEN %(start)s AND %(end)s),
    pp AS MATERIALIZED (
      SELECT person_id, max(sex) AS sex, max(ethnic) AS ethnic, max(nat) AS nat,
        (array_agg(age ORDER BY received_on, id))[1] AS age,
        min(CASE outcome WHEN 'identified' THEN 1 WHEN 'not_victim' THEN 2
                         WHEN 'under_identification' THEN 3 ELSE 4 END) AS outcome,
        count(DISTINCT province) > 1 AS multi_province, count(DISTINCT agency) > 1 AS multi_agency
      FROM r GROUP BY person_id)
    SELECT 'p', GROUPING(sex), GROUPING(band), GROUPING(ethnic), GROUPING(nat), GROUPING(outcome),
      COALESCE(sex, band::text, ethnic::text, nat, outcome::text), count(*), NULL::bigint,
      count(*) FILTER (WHERE sex = 'female'), count(*) FILTER (WHERE age < 18),
      count(*) FILTER (WHERE multi_province), count(*) FILTER (WHERE multi_agency)
    FROM (SELECT *, CASE WHEN age BETWEEN 0 AND 5 THEN 0 WHEN age BETWEEN 6 AND 11 THEN 1
                         WHEN age BETWEEN 12 AND 15 THEN 2 WHEN age BETWEEN 16 AND 17 THEN 3
                         WHEN age BETWEEN 18 AND 24 THEN 4 WHEN age BETWEEN 25 AND 34 THEN 5
                         WHEN age >= 35 THEN 6 END AS band FROM pp) b
    GROUP BY GROUPING SETS ((), (sex), (band), (ethnic), (nat), (outcome))
    UNION ALL
    SELECT 'r', GROUPING(type), GROUPING(channel), GROUPING(province), GROUPING(dest), GROUPING(month),
      COALESCE(type, channel, province::text, dest, to_char(month, 'YYYY-MM')), count(DISTINCT person_id),
      count(*), count(DISTINCT person_id) FILTER (WHERE female), count(DISTINCT person_id) FILTER (WHERE minor),
      NULL, NULL
    FROM (SELECT r.person_id, r.type, r.channel, r.province, r.dest, date_trunc('month', r.received_on) AS month,
                 pp.sex = 'female' AS female, pp.age < 18 AS minor FROM r JOIN pp USING (person_id)) rp
    GROUP BY GROUPING SETS ((), (type), (channel), (province), (dest), (month))
    UNION ALL
    SELECT 'u', GROUPING(purpose), 1, 1, 1, 1, purpose, count(DISTINCT person_id), count(DISTINCT id),
      NULL, NULL, NULL, NULL
    FROM r, unnest(purposes) AS purpose GROUP BY ROLLUP (purpose)""",
    """SELECT GROUPING(i.regime), GROUPING(i.code), i.regime, i.code,
      count(DISTINCT person_id) FILTER (WHERE kind = 'approved'),
      COALESCE(sum(amount) FILTER (WHERE kind = 'approved'), 0),
      count(DISTINCT person_id) FILTER (WHERE kind = 'delivered'),
      COALESCE(sum(amount) FILTER (WHERE kind = 'delivered'), 0)
    FROM reporting_supportfact u JOIN support_entitlementitem i ON i.id = u.item_id
    WHERE u.on_date BETWEEN %(start)s AND %(end)s
    GROUP BY ROLLUP (i.regime, i.code)""",
    """SELECT 'stays', NULL, count(*) FILTER (WHERE admitted_on BETWEEN %(start)s AND %(end)s),
      count(DISTINCT person_id) FILTER (WHERE admitted_on BETWEEN %(start)s AND %(end)s),
      count(*) FILTER (WHERE discharged_on BETWEEN %(start)s AND %(end)s),
      round(avg(discharged_on - admitted_on + 1) FILTER (WHERE discharged_on BETWEEN %(start)s AND %(end)s), 1),
      max(discharged_on - admitted_on + 1) FILTER (WHERE discharged_on BETWEEN %(start)s AND %(end)s),
      count(*) FILTER (WHERE admitted_on <= %(on)s AND (discharged_on IS NULL OR discharged_on > %(on)s))
    FROM facilities_stay
    UNION ALL
    SELECT 'loans', NULL, count(*) FILTER (WHERE applied_on BETWEEN %(start)s AND %(end)s),
      count(*) FILTER (WHERE disbursed_on BETWEEN %(start)s AND %(end)s),
      count(DISTINCT person_id) FILTER (WHERE disbursed_on BETWEEN %(start)s AND %(end)s),
      COALESCE(sum(amount) FILTER (WHERE disbursed_on BETWEEN %(start)s AND %(end)s), 0), NULL, NULL
    FROM support_loan
    UNION ALL
    SELECT 'visits', NULL, count(*), count(DISTINCT person_id), NULL, NULL, NULL, NULL
    FROM reporting_visitfact WHERE visited_on BETWEEN %(start)s AND %(end)s
    UNION ALL
    SELECT 'closures', reason, count(*), NULL, NULL, NULL, NULL, NULL FROM victims_caseclosure
    WHERE closed_on BETWEEN %(start)s AND %(end)s GROUP BY ROLLUP (reason)""",
    f"""SELECT GROUPING(channel), GROUPING(kind), GROUPING(province), COALESCE(channel, kind, province::text),
      count(*), count(*) FILTER (WHERE outcome = 'case_opened')
    FROM (SELECT k.channel, k.kind, k.outcome, COALESCE(k.province_id, {_PROVINCE_OF.format(j="j")}) AS province
          FROM victims_contact k JOIN accounts_agency a ON a.id = k.recording_agency_id
            LEFT JOIN accounts_administrativeunit j ON j.id = a.jurisdiction_id
          WHERE (k.occurred_at AT TIME ZONE %(tz)s)::date BETWEEN %(start)s AND %(end)s) k
    GROUP BY GROUPING SETS ((), (channel), (kind), (province))""",
    """SELECT GROUPING(kind), GROUPING(province_id), COALESCE(kind, province_id::text), count(*),
      sum(participants), sum(trainees), sum(panels), sum(posters), sum(leaflets), sum(booklets)
    FROM reporting_programmeactivity WHERE held_on BETWEEN %(start)s AND %(end)s
    GROUP BY GROUPING SETS ((), (kind), (province_id))""",
]


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def statistics_figures(results) -> dict:
    """The reference's rows as {table: {row key: [values]}}, the non-zero rows only."""
    receptions, support, other, contacts, activities = results
    f: dict = {}

    def put(table, key, values):
        values = [_number(v) or 0 for v in values]
        if any(values):
            f.setdefault(table, {})[key] = values

    person_tables = ("sex", "age", "ethnicity", "nationality", "identification")
    reception_tables = ("agency_type", "channel", "province", "destination", "trend")
    for part, *flags, key, persons, count, female, minors, multi_province, multi_agency in receptions:
        key = key or ""
        if part == "p" and all(flags):
            put("summary", "persons", [persons]), put("summary", "female", [female])
            put("summary", "minors", [minors]), put("summary", "multi_province", [multi_province])
            put("summary", "multi_agency", [multi_agency])
            for table in person_tables:
                put(table, "total", [persons])
        elif part == "p":
            put(person_tables[flags.index(0)], key, [persons])
        elif part == "r" and all(flags):
            put("summary", "receptions", [count])
            for table in ("agency_type", "channel", "province", "destination"):
                put(table, "total", [persons, count, female, minors])
        elif part == "r":
            table = reception_tables[flags.index(0)]
            put(table, key, [persons, count] if table == "trend" else [persons, count, female, minors])
        else:
            put("purpose", "total" if flags[0] else key, [persons, count])
    for g_regime, g_item, regime, code, *values in support:
        if g_regime:
            put("regimes", "total", values)
        elif g_item:
            put("regimes", str(regime), values)
        else:
            put("items", code, values)
    for part, reason, a, b, c, d, e, occupancy in other:
        if part == "stays":
            for key, value in zip(("admissions", "persons", "ended", "average", "longest", "occupancy"),
                                  (a, b, c, d, e, occupancy), strict=True):
                put("stays", key, [value])
        elif part == "loans":
            for key, value in zip(("applied", "disbursed", "persons", "amount"), (a, b, c, d), strict=True):
                put("loans", key, [value])
        elif part == "visits":
            put("followup", "visits", [a]), put("followup", "persons", [b])
        else:
            put("reintegration", reason or "total", [a])
    for *flags, key, count, opened in contacts:
        tables = ("contacts_channel", "contacts_kind", "contacts_province")
        for table in tables if all(flags) else [tables[flags.index(0)]]:
            put(table, "total" if all(flags) else key or "", [count, opened])
    for g_kind, g_province, key, *values in activities:
        if g_kind and g_province:
            put("activities", "total", values)
        else:
            put("activities" if not g_kind else "activities_province", key, values)
    return f


def app_figures(tables) -> dict:
    """The dashboard's tables as {table: {row key: [values]}}, the non-zero rows only."""
    f: dict = {}
    for table in tables:
        for row in table.rows + ([table.total] if table.total else []):
            values = [_number(row.values[c.key]) or 0 for c in table.columns]
            if any(values):
                f.setdefault(table.key, {})["total" if row is table.total else row.key] = values
    return f


def statistics_reference(filters):
    from django.conf import settings
    from django.utils import timezone

    from config.db_router import reporting_sql

    params = {"start": filters.start, "end": filters.end, "on": min(filters.end, timezone.localdate()),
              "tz": settings.TIME_ZONE}
    # The same session settings as the app's statements (parallel workers, no JIT): a fair pair.
    return [_fetch(reporting_sql(sql), params) for sql in _STATISTICS_SQL]


@case(f"national annual statistics {STATISTICS_YEAR} (statistics selectors, every table)")
def national_statistics(bench):
    from reporting.scope import NATIONAL, Filters, Geography
    from reporting.statistics import build_tables, publish

    filters = Filters(start=datetime.date(STATISTICS_YEAR, 1, 1), end=datetime.date(STATISTICS_YEAR, 12, 31))

    def app():
        tables = build_tables(Geography(NATIONAL, label="National"), filters)["tables"]
        for table in tables:
            publish(table, suppressed=True)  # as the ministry's analysts see them
        return tables

    return Pair(app, lambda: statistics_reference(filters),
                "raw SQL: every figure of the dashboard, 5 statements (the same figures: tests/bench)")


# -- one referral accept -------------------------------------------------------------------------
@case("referral accept (service: grant, history)")
def referral_accept(bench):
    from victims.referrals import referral_accept as accept

    found = _fetch(
        "SELECT r.id, r.receiving_agency_id, r.case_id, r.sent_by_id, r.consent_id, r.shared_parts FROM victims_referral r "
        "JOIN victims_case c ON c.id = r.case_id WHERE r.status = 'pending' AND c.status <> 'closed' "
        "AND EXISTS (SELECT 1 FROM accounts_membership m WHERE m.agency_id = r.receiving_agency_id "
        "AND m.role = 'caseworker' AND m.is_active) ORDER BY r.id LIMIT 1")
    if not found:
        return None
    referral_id, agency_id, case_id, sent_by_id, consent_id, parts = found[0]
    user = Membership.objects.filter(agency_id=agency_id, role="caseworker", is_active=True).order_by("pk").first()
    act_as(user.user, user)
    user = user.user
    from victims.referrals import referral_actions
    actions = referral_actions(parts)

    def app():
        accept(user=user, referral=referral_id)

    def reference():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, status FROM victims_referral WHERE id = %s FOR UPDATE", [referral_id])
            cursor.execute("SELECT id, status FROM victims_case WHERE id = %s FOR UPDATE", [case_id])
            cursor.execute(
                "INSERT INTO victims_caseaccessgrant (actions, reason, granted_at, case_id, granted_by_id, "
                "grantee_agency_id, consent_id, consent_override_reason) VALUES (%s, %s, now(), %s, %s, %s, %s, '') "
                "RETURNING id", [actions, f"Referral accepted (#{referral_id})", case_id, sent_by_id, agency_id,
                                 consent_id])
            grant_id = cursor.fetchone()[0]
            cursor.execute("UPDATE victims_referral SET status = 'accepted', answered_by_id = %s, answered_at = now(), "
                           "grant_id = %s WHERE id = %s", [user.pk, grant_id, referral_id])

    return Pair(_rolled_back(app), _rolled_back(reference), "raw SQL: the same locks, INSERT and UPDATE (triggers on)")


# -- the API list under load ---------------------------------------------------------------------
# gunicorn (2 sync workers) on loopback, a partner API token of the provincial department, and a
# fixed batch of requests sent by 4 Python threads (or by wrk over 4 connections, BENCH_LOAD=wrk): the
# time of a batch is the inverse of the throughput (requests/s = API_BATCH / seconds). Reference: the
# API root (/api/v1/), a tiny DRF view behind the same token authentication, throttle and middleware.
API_BATCH = 200
API_CONNECTIONS = 4
_WRK_SCRIPT = """
wrk.headers["Authorization"] = "Token %s"
local done = 0
function response(status, headers, body)
  if status ~= 200 then error("status " .. status) end
  done = done + 1
  if done >= %d then wrk.thread:stop() end
end
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(port: int):
    import atexit
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "API_RATE_LIMIT": "100000000/min", "PYTHONPATH": str(root)}
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"], cwd=root, env=env)
    atexit.register(server.terminate)
    return server


def _load(url: str, secret: str, *, per_thread: int, script: str | None):
    """One batch: wrk (2 threads, API_CONNECTIONS connections), else Python threads."""
    import shutil
    import subprocess

    if script and shutil.which("wrk"):
        out = subprocess.run(["wrk", "-t2", f"-c{API_CONNECTIONS}", "-d120s", "-s", script, url],  # noqa: S607
                             capture_output=True, text=True, check=True).stdout
        assert "Non-2xx" not in out and "error" not in out.lower().split("socket errors")[0], out
        return out
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def one(_):
        request = urllib.request.Request(url, headers={"Authorization": f"Token {secret}"})  # noqa: S310
        with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback
            assert response.status == 200
            response.read()

    with ThreadPoolExecutor(API_CONNECTIONS) as pool:
        list(pool.map(one, range(per_thread * 2)))
    return None


def _api_token(bench) -> str:
    from accounts import apiclients
    from accounts.models import ApiScope
    from accounts.roles import Role

    agency_id = bench.approver.agency_id
    manager = Membership.objects.filter(agency_id=agency_id, role=Role.AGENCY_MANAGER, is_active=True).order_by(
        "pk").first()
    act_as(manager.user, manager)
    client = apiclients.api_client_create(user=manager.user, agency=manager.agency, name="bench", role=Role.PARTNER_API)
    _token, secret = apiclients.api_token_create(user=manager.user, client=client,
                                                 scopes=list(ApiScope.values), expires_in_days=1)
    return secret


@case(f"API case list under load (gunicorn 2 workers, {API_CONNECTIONS} connections, {API_BATCH} requests)")
def api_list_load(bench):
    import os
    import shutil
    import tempfile
    import time
    import urllib.request

    secret = _api_token(bench)
    port = _free_port()
    _serve(port)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            request = urllib.request.Request(f"{base}/api/v1/", headers={"Authorization": f"Token {secret}"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - loopback
                break
        except OSError:
            time.sleep(0.5)
    per_thread = API_BATCH // 2
    script = None
    # wrk stops a thread after its share of the batch with connections already open: gunicorn's sync
    # workers then wait on them until their 30 s timeout. Python threads by default; BENCH_LOAD=wrk.
    if os.environ.get("BENCH_LOAD") == "wrk" and shutil.which("wrk"):
        handle, script = tempfile.mkstemp(suffix=".lua")
        os.write(handle, (_WRK_SCRIPT % (secret, per_thread)).encode())
        os.close(handle)
    tool = "wrk" if script else f"{API_CONNECTIONS} Python threads"
    return Pair(lambda: _load(f"{base}/api/v1/cases/", secret, per_thread=per_thread, script=script),
                lambda: _load(f"{base}/api/v1/", secret, per_thread=per_thread, script=script),
                f"{tool}: the API root (/api/v1/), same stack and token", count_queries=False)
