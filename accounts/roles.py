"""Roles and the actions each allows: the one table of who may do what.

Scope (which cases, which province) is computed from agencies elsewhere; this table only says which
kinds of action a role may take at all. Later features add actions here, next to the roles that need them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    APPROVER = "approver", _("Approver")
    AGENCY_MANAGER = "agency_manager", _("Agency manager")
    STATISTICIAN = "statistician", _("Statistician")
    MINISTRY_ANALYST = "ministry_analyst", _("Ministry analyst")
    PARTNER_API = "partner_api", _("Partner API client")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class Action(models.TextChoices):
    CASE_VIEW = "case.view", _("View case files")
    CASE_VIEW_IDENTITY = "case.view_identity", _("See victims' identity and sensitive details")
    # Parts of the file a referral shares on their own (victims.referrals.SHARED_PART_ACTIONS).
    CASE_VIEW_TRAFFICKING = "case.view_trafficking", _("See the trafficking details of a case")
    CASE_VIEW_HEALTH = "case.view_health", _("See the health notes of a case")
    CASE_VIEW_DOCUMENTS = "case.view_documents", _("See and download the scanned documents of a case")
    CASE_CREATE = "case.create", _("Register receptions and declarations")
    CASE_EDIT = "case.edit", _("Edit case files")
    CASE_VIEW_ACCESS_LOG = "case.view_access_log", _("See who opened a case file")
    CASE_VERIFY = "case.verify", _("Verify and identify victims")
    CASE_GRANT = "case.grant", _("Share case files with other agencies")
    CASE_CONSENT_OVERRIDE = "case.consent_override", _("Share a case file beyond the victim's consent, with a written reason")
    REFERRAL_RECEIVE = "referral.receive", _("Accept or decline referrals sent to the agency")
    SUPPORT_REQUEST = "support.request", _("Request support")
    SUPPORT_DECIDE = "support.decide", _("Decide support requests")
    SUPPORT_VIEW = "support.view", _("See support requests, decisions and payments")
    SUPPORT_DELIVER = "support.deliver", _("Record support delivered, payments and loans")
    STATISTICS_VIEW = "statistics.view", _("View aggregate statistics")
    REPORT_EXPORT = "report.export", _("Export reports")
    # The de-identified case-level dataset (reporting.deidentified): national geography only.
    DATASET_DEIDENTIFIED = "dataset.deidentified", _("Download the de-identified case-level dataset")
    ACTIVITY_RECORD = "activity.record", _("Record the agency's programme activities")
    AGENCY_MANAGE = "agency.manage", _("Manage the agency's staff")
    API_ACCESS = "api.access", _("Use the partner API")
    SYSTEM_ADMINISTER = "system.administer", _("Administer the system")
    # Facilities (scope per action: facilities.scoping)
    FACILITY_VIEW = "facility.view", _("View facilities and their residents")
    FACILITY_VIEW_ADDRESS = "facility.view_address", _("See the confidential address of facilities")
    FACILITY_MANAGE = "facility.manage", _("Register and edit facilities")
    FACILITY_LICENSE = "facility.license", _("Appraise and record facility licences")
    FACILITY_INSPECT = "facility.inspect", _("Record facility inspections")
    STAY_MANAGE = "stay.manage", _("Admit, transfer and discharge residents")
    STAY_EXTEND = "stay.extend", _("Decide extensions of stays")
    # Duplicates (victims.matching, victims.duplicates): the check runs for whoever registers cases;
    # merging is for provincial departments (in their province) and the ministry (across provinces).
    PERSON_MERGE = "person.merge", _("Review possible duplicates and merge persons")
    # Hotline and other contacts (victims.contacts): scope is the recording agency and the department.
    CONTACT_VIEW = "contact.view", _("View the contact log (hotline, walk-ins, messages)")
    CONTACT_RECORD = "contact.record", _("Record contacts (hotline calls, walk-ins, messages)")
    # Periodic reports up the chain (reporting.report_services): the provincial department prepares
    # and its approver signs and submits; the ministry accepts or returns and builds the national one.
    REPORT_PREPARE = "report.prepare", _("Prepare the province's periodic reports")
    REPORT_SUBMIT = "report.submit", _("Sign and submit the province's periodic reports")
    REPORT_REVIEW = "report.review", _("Accept or return provincial reports and build the national report")
    # Existing registers brought in (imports): rows are written through the caseworker's own services.
    RECORDS_IMPORT = "records.import", _("Import the agency's existing registers")


# The sensitive parts that were one with identity before referrals shared them part by part: every
# role that sees identity sees them in its own agency's files.
IDENTITY_PARTS = (Action.CASE_VIEW_TRAFFICKING, Action.CASE_VIEW_HEALTH, Action.CASE_VIEW_DOCUMENTS)

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    # case.verify only counts in a police agency (victims.services.identification_record_outcome).
    Role.CASEWORKER: frozenset({
        Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY, Action.CASE_CREATE, Action.CASE_EDIT,
        *IDENTITY_PARTS, Action.REFERRAL_RECEIVE,
        Action.CASE_VERIFY, Action.CASE_GRANT, Action.SUPPORT_REQUEST,
        Action.SUPPORT_VIEW, Action.SUPPORT_DELIVER,
        Action.FACILITY_VIEW, Action.FACILITY_VIEW_ADDRESS, Action.STAY_MANAGE, Action.ACTIVITY_RECORD,
        Action.CONTACT_VIEW, Action.CONTACT_RECORD, Action.RECORDS_IMPORT,
    }),
    Role.APPROVER: frozenset({
        Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY, *IDENTITY_PARTS, Action.SUPPORT_DECIDE,
        Action.STATISTICS_VIEW,
        Action.SUPPORT_VIEW,
        Action.FACILITY_VIEW, Action.FACILITY_VIEW_ADDRESS, Action.FACILITY_LICENSE,
        Action.FACILITY_INSPECT, Action.STAY_EXTEND, Action.PERSON_MERGE, Action.CONTACT_VIEW,
        Action.REPORT_PREPARE, Action.REPORT_SUBMIT,
    }),
    Role.AGENCY_MANAGER: frozenset({
        Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY, *IDENTITY_PARTS, Action.CASE_VIEW_ACCESS_LOG,
        Action.CASE_GRANT, Action.CASE_CONSENT_OVERRIDE, Action.REFERRAL_RECEIVE, Action.AGENCY_MANAGE, Action.STATISTICS_VIEW, Action.REPORT_EXPORT,
        Action.SUPPORT_VIEW,
        Action.FACILITY_VIEW, Action.FACILITY_VIEW_ADDRESS, Action.FACILITY_MANAGE,
        Action.FACILITY_LICENSE, Action.FACILITY_INSPECT, Action.STAY_EXTEND, Action.ACTIVITY_RECORD,
        Action.PERSON_MERGE, Action.CONTACT_VIEW, Action.CONTACT_RECORD, Action.REPORT_PREPARE,
    }),
    # Aggregates and de-identified rows only: no identity action.
    Role.STATISTICIAN: frozenset({
        Action.CASE_VIEW, Action.STATISTICS_VIEW, Action.REPORT_EXPORT, Action.DATASET_DEIDENTIFIED, Action.FACILITY_VIEW,
        Action.ACTIVITY_RECORD, Action.CONTACT_VIEW, Action.REPORT_PREPARE,
    }),
    # person.merge: cross-province proposals, shown without identity (victims.duplicates).
    # dataset.deidentified: also a ministry statistician, and an API client of the ministry with the
    # statistician role (how a research partner gets the dataset: no role of its own).
    Role.MINISTRY_ANALYST: frozenset({
        Action.STATISTICS_VIEW, Action.REPORT_EXPORT, Action.DATASET_DEIDENTIFIED, Action.PERSON_MERGE,
        Action.REPORT_REVIEW,
    }),
    # Partners see what was shared with them (grants name the parts), and record what they delivered.
    Role.PARTNER_API: frozenset({
        Action.API_ACCESS, Action.CASE_VIEW, Action.SUPPORT_VIEW, Action.SUPPORT_DELIVER, Action.FACILITY_VIEW,
    }),
    Role.SYSTEM_ADMIN: frozenset({Action.SYSTEM_ADMINISTER}),
}

# Machine roles act only through the API (with a token): they never get a browser session.
MACHINE_ROLES = frozenset({Role.PARTNER_API})
# Roles an agency manager may give an API client of the agency (never a manager's or an administrator's).
API_CLIENT_ROLES = (Role.PARTNER_API, Role.CASEWORKER, Role.APPROVER, Role.STATISTICIAN)
# Roles that sign in to the browser UI and so must use two-factor login.
STAFF_ROLES = frozenset(Role) - MACHINE_ROLES


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())


def roles_allowing(action: str) -> list[str]:
    """The roles whose actions include `action` (sorted, for stable SQL)."""
    return sorted(str(role) for role, actions in ROLE_ACTIONS.items() if action in actions)
