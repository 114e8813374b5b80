"""The build fails on a new read of victim data that goes around `Model.objects.visible_to`.

Views, forms, template tags, panels, the admin and serializers never read a victim-data model through
its plain manager. Services and selectors may only where listed below, each with its reason: they
lock or count rows after a scoped fetch, or must see across scopes to enforce a rule.
"""

from tests.onedoor.unscoped import unscoped_reads, unscoped_reads_in_source

AFTER_SCOPED_FETCH = "runs on a record the caller fetched through visible_to"
LOCK = "locks the row it fetched through visible_to"
LIMITS = "limits and idempotency hold across agencies: counts and keys, nothing shown"

MATCHER = ("duplicate matching must look across all agencies, or a victim received by two agencies is never "
           "found; only the holding agency and its public contact leave for files out of the actor's scope "
           "(tests/duplicates, the content matrix)")

ALLOWED: dict[tuple[str, str], str] = {
    ("victims/duplicates.py", "_cases_of_persons"): MATCHER,
    ("victims/duplicates.py", "duplicates_for"): MATCHER,
    ("victims/duplicates.py", "duplicate_request_referral"): MATCHER,
    ("victims/duplicates.py", "_lock_for_decision"): LOCK,
    ("victims/duplicates.py", "referral_requests_for"): "flagged pairs read by id only; what is returned is the "
                                                           "actor's own cases (visible_to) and the asking agency's name",
    ("victims/duplicates.py", "proposal_sides"): "the two persons of a pair fetched through the reviewer's queue "
                                                 "(proposal_get); names masked for the ministry",
    ("victims/duplicates.py", "merged_person_ids"): AFTER_SCOPED_FETCH,
    ("victims/duplicates.py", "last_merge"): AFTER_SCOPED_FETCH,
    ("victims/duplicates.py", "person_unmerge"): LOCK,
    ("victims/duplicates.py", "_stored_pairs"): "one row per pair, whoever found it: ids and scores, nothing shown",
    ("victims/duplicates.py", "proposal_queue"): "the reviewer's scope of pairs is built here (both persons "
                                                 "in the department's scope, or the ministry's national queue)",
    ("victims/selectors.py", "persons_received"): "a count of the persons of scoped cases: nothing shown",
    ("facilities/selectors.py", "occupied_beds"): "a count of a scoped facility's residents",
    ("facilities/services.py", "_occupied"): "the bed count under the facility's row lock",
    ("facilities/services.py", "stay_admit"): LIMITS,
    ("facilities/services.py", "stay_discharge"): LOCK,
    ("facilities/services.py", "stay_extend"): LOCK,
    ("facilities/services.py", "stay_transfer"): LOCK,
    ("reporting/scope.py", "scoped_rows"): (
        "the statistical scope (national for the ministry, the province for its department, the agency "
        "otherwise, from reporting.scope.statistics_geography): rows are only aggregated in SQL, never shown; "
        "figures are suppressed unless the actor may see every case behind them"
    ),
    ("support/eligibility.py", "facts_for"): AFTER_SCOPED_FETCH,
    ("support/pdf.py", "decision_store_pdf"): "the Celery task renders a decision by id",
    ("support/selectors.py", "_lines_prefetch"): AFTER_SCOPED_FETCH,
    ("support/selectors.py", "request_list"): "a subquery inside the scoped request list",
    ("support/selectors.py", "support_summary_for_case"): AFTER_SCOPED_FETCH,
    ("support/services.py", "_check_supersedable"): LOCK,
    ("support/services.py", "_create_requests"): AFTER_SCOPED_FETCH,
    ("support/services.py", "_lock_person"): LIMITS,
    ("support/services.py", "_record_delivery"): LOCK,
    ("support/services.py", "_requests_for_key"): LIMITS,
    ("support/services.py", "delivery_record"): LIMITS,
    ("support/services.py", "loan_create"): LIMITS,
    ("support/services.py", "support_request_decide"): LOCK,
    ("support/services.py", "usage_for"): LIMITS,
    ("victims/selectors.py", "_cases_matching"): "the search's ids (ids only, nothing shown), then the identity "
                                                 "scope and, in the scoped case list, the case scope",
    ("victims/handover_pdf.py", "handover_store_pdf"): "the Celery task renders a handover record by id",
    ("victims/referrals.py", "_revoke"): "revokes the grant of a referral locked through visible_to",
    ("victims/referrals.py", "referral_accept"): "locks the case of a referral locked through visible_to",
    ("victims/services.py", "_case_for_intake_key"): LIMITS,
    ("victims/services.py", "identification_record_outcome"): AFTER_SCOPED_FETCH,
    ("victims/services.py", "current_consent"): AFTER_SCOPED_FETCH,
    ("victims/services.py", "consent_withdraw"): LOCK,
    # Beds and overlapping stays count every agency's residents (a bed is taken whoever admitted).
    ("facilities/services.py", "_occupied_on"): LIMITS,
    ("facilities/services.py", "_capacity_error"): LIMITS,
    ("facilities/services.py", "_overlap_error"): LIMITS,
    ("facilities/services.py", "stay_remove"): LOCK,
    ("support/services.py", "support_historical_delivery_changed_since"): AFTER_SCOPED_FETCH,
    # Imports work on the case the engine wrote or found through the agency's own import records.
    ("imports/kinds/identification.py", "IdentificationKind._transition"): AFTER_SCOPED_FETCH,
    ("imports/kinds/identification.py", "IdentificationKind.changed_since"): AFTER_SCOPED_FETCH,
    ("imports/kinds/reception.py", "ReceptionKind._known_person"): MATCHER,
    ("imports/kinds/reception.py", "ReceptionKind.create"): "the pairs the matcher proposed for the person just "
                                                            "written: scores only, nothing shown",
    ("imports/kinds/reception.py", "ReceptionKind.changed_since"): AFTER_SCOPED_FETCH,
    ("imports/kinds/reception.py", "ReceptionKind.undo"): AFTER_SCOPED_FETCH,
    ("imports/kinds/stays.py", "StayKind.changed_since"): AFTER_SCOPED_FETCH,
    ("imports/kinds/visits.py", "VisitKind._made_with"): AFTER_SCOPED_FETCH,
    ("imports/kinds/visits.py", "VisitKind.undo"): AFTER_SCOPED_FETCH,
    ("support/services.py", "support_historical_delivery_undo"): LOCK,
    ("victims/services.py", "identification_outcome_remove"): LOCK,
    ("victims/services.py", "followup_visit_remove"): LOCK,
    ("victims/services.py", "reintegration_plan_remove"): LOCK,
}
# Seed data for `make run`: no user acts there.
DEMO_MODULES = frozenset({"facilities/demo.py", "support/demo.py", "victims/demo.py"})


def project_reads():
    return [read for read in unscoped_reads() if read.path not in DEMO_MODULES]


def test_no_unscoped_read_of_victim_data_outside_the_allow_list():
    unexpected = [str(read) for read in project_reads() if read.key not in ALLOWED]
    assert not unexpected, "Read through Model.objects.visible_to(actor, action):\n" + "\n".join(unexpected)


def test_the_allow_list_has_no_stale_entries():
    found = {read.key for read in project_reads()}
    assert set(ALLOWED) <= found, f"remove from ALLOWED: {sorted(set(ALLOWED) - found)}"


def test_a_planted_unscoped_read_in_a_view_is_caught():
    planted = '''
from victims.models import Case, Person

def case_export(request):
    names = Person.objects.values_list("full_name", flat=True)
    scoped = Case.objects.visible_to(request.actor, "case.view")
    return Case.objects.filter(pk=1).first(), names, scoped
'''
    found = unscoped_reads_in_source(planted, "victims/views/export.py")
    assert [(read.function, read.call) for read in found] == [
        ("case_export", "Person.objects.values_list()"),
        ("case_export", "Case.objects.filter()"),
    ]
    assert all(read.key not in ALLOWED for read in found)
