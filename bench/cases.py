"""The benchmark cases: one small function each, registered with @case.

A case function takes the Bench context and returns a Pair: `app` (the real path: a page through
Django's test client, a service) and `reference` (the tightest hand-written SQL or the trivial
equivalent of the same work). The runner times both in alternation and reports the ratio.
Features that do not exist yet have no case: add one when the feature lands (bench/README.md).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import reverse

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
# arrays, the scope one flat OR the planner serves with the received_on index (rows) and a bitmap
# OR of the province and owner indexes (count).
LIST_COLUMNS = ("c.id, c.case_number, c.status, c.received_on, c.province_id, c.owning_agency_id, "
                "c.receiving_agency_id, p.full_name, p.sex, p.birth_year, p.date_of_birth")
SCOPE = "(c.owning_agency_id = ANY(%(agencies)s) OR c.province_id = %(province)s OR c.id = ANY(%(granted)s))"


def _scope_params(persona) -> dict:
    granted = [r[0] for r in _fetch(
        "SELECT case_id FROM victims_caseaccessgrant WHERE grantee_agency_id = %s AND revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > now()) AND actions @> ARRAY['case.view']::varchar[]",
        [persona.agency_id])]
    return {"agencies": persona.agency_ids, "province": persona.province_id or 0, "granted": granted}


def reference_list(persona, *, page: int, search: str = ""):
    from accounts.text import fold

    params = {**_scope_params(persona), "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
    if not search:
        rows = _fetch(f"SELECT {LIST_COLUMNS} FROM victims_case c JOIN victims_person p ON p.id = c.person_id "
                      f"WHERE {SCOPE} ORDER BY c.received_on DESC, c.id DESC LIMIT %(limit)s OFFSET %(offset)s",
                      params)
        (count,) = _fetch(f"SELECT count(*) FROM victims_case c WHERE {SCOPE}", params)[0]
        return [(*row, count) for row in rows]
    # Names through the trigram index (victims and children), then scope, order and page. Case numbers
    # (<agency code>-<year>-<sequence>) hold no spaces: a term with a space cannot match one.
    params["name"] = f"%{fold(search)}%"
    numbers = "" if " " in search.strip() else (
        "UNION SELECT c.id FROM victims_case c WHERE upper(c.case_number) LIKE upper(%(number)s) AND " + SCOPE)
    params["number"] = f"%{search.strip()}%"
    return _fetch(
        f"WITH hits AS (SELECT c.id FROM victims_person p JOIN victims_case c ON c.person_id = p.id "
        f"WHERE p.name_folded LIKE %(name)s UNION SELECT cc.case_id FROM victims_person p "
        f"JOIN victims_casechild cc ON cc.person_id = p.id WHERE p.name_folded LIKE %(name)s {numbers}) "
        f"SELECT {LIST_COLUMNS}, count(*) OVER () FROM hits h JOIN victims_case c ON c.id = h.id "
        f"JOIN victims_person p ON p.id = c.person_id WHERE {SCOPE} "
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
                "signing_authority) VALUES (now(), current_date, 'approved', '', 2026, %s, %s, '', 'pending', '', "
                "%s, %s, %s, '', 'head')",
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
