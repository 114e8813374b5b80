"""Vocabularies of the support domain (DOMAIN.md §3). Codes are stable; labels are translated.

These are the words the rules are written in, not the rules: which category gets which item, the
amounts, limits, conditions and authorities are data (PolicyVersion and its catalogue).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Regime(models.IntegerChoices):
    """The six support regimes (chế độ hỗ trợ): every entitlement item maps to one, for statistics."""

    ESSENTIAL_NEEDS = 1, _("Essential needs and travel")
    MEDICAL = 2, _("Medical support")
    PSYCHOLOGICAL = 3, _("Psychological support")
    LEGAL_AID = 4, _("Legal aid")
    EDUCATION = 5, _("Education and vocational training")
    HARDSHIP_AND_LOANS = 6, _("Initial hardship allowance and loans")


class PersonCategory(models.TextChoices):
    """Who a person is for the support rules; decided by `support.eligibility.person_category`."""

    VICTIM_CITIZEN = "victim_citizen", _(
        "Victim who is a Vietnamese citizen or a stateless person living in Viet Nam"
    )
    FOREIGN_VICTIM = "foreign_victim", _("Foreign victim trafficked in Viet Nam")
    FOREIGNER_UNDER_IDENTIFICATION = "foreigner_under_identification", _(
        "Foreigner under identification in Viet Nam"
    )
    ACCOMPANYING_MINOR = "accompanying_minor", _("Minor accompanying a victim")
    UNDER_IDENTIFICATION = "under_identification", _("Person under identification in Viet Nam")
    UNDER_IDENTIFICATION_ABROAD = "under_identification_abroad", _("Person under identification abroad")
    # A child's category follows the adult they came with (Law 53/2024 Art. 37(2)-(3)).
    MINOR_WITH_UNDER_IDENTIFICATION = "minor_with_under_identification", _(
        "Minor accompanying a person under identification in Viet Nam"
    )
    MINOR_WITH_UNDER_IDENTIFICATION_ABROAD = "minor_with_under_identification_abroad", _(
        "Minor accompanying a person under identification abroad"
    )
    MINOR_WITH_FOREIGNER = "minor_with_foreigner", _("Minor accompanying a foreigner trafficked in Viet Nam")


class Unit(models.TextChoices):
    ONE_OFF = "one_off", _("one-off")
    PER_DAY = "per_day", _("per day")
    PER_ITEM = "per_item", _("per item")
    ACTUAL_COST = "actual_cost", _("actual cost")


class Condition(models.TextChoices):
    """Facts an item may require; `support.eligibility` knows how to check each one."""

    POOR_HOUSEHOLD = "poor_household", _("Poor household (certificate required)")
    HARDSHIP_CERTIFIED = "hardship_certified", _(
        "Poor or near-poor household, or hardship confirmed by the commune"
    )
    FACILITY_STAY = "facility_stay", _("Only during a stay in a support facility")
    NEEDS_INTERPRETER = "needs_interpreter", _("Only for persons who need an interpreter")
    UNDER_18 = "under_18", _("Only for persons under 18 on the application date")


class Authority(models.TextChoices):
    """Who decides an item; `support.routing` finds the agency that holds the authority for a case."""

    RECEIVING_BODY = "receiving_body", _(
        "Given directly by the receiving body (police, border guard, coast guard, commune, facility, "
        "mission abroad)"
    )
    FACILITY_DIRECTOR = "facility_director", _("Director of the support facility")
    COMMUNE_CHAIRMAN = "commune_chairman", _("Chairman of the commune People's Committee")
    DISTRICT_CHAIRMAN = "district_chairman", _(
        "Chairman of the district People's Committee (before 1/7/2025)"
    )
    PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial social-affairs department")


class DocumentType(models.TextChoices):
    POOR_HOUSEHOLD_CERTIFICATE = "poor_household_certificate", _("Poor-household certificate")
    NEAR_POOR_CERTIFICATE = "near_poor_certificate", _("Near-poor household certificate")
    COMMUNE_HARDSHIP_CONFIRMATION = "commune_hardship_confirmation", _(
        "Commune confirmation of hardship"
    )
    INVOICE = "invoice", _("Invoice or receipt")
    ENROLMENT = "enrolment", _("School or training enrolment")
    OTHER = "other", _("Other document")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    PARTLY_APPROVED = "partly_approved", _("Partly approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    PARTLY_APPROVED = "partly_approved", _("Partly approved")
    REJECTED = "rejected", _("Rejected")


class LineDecision(models.TextChoices):
    """What the approver chooses for one line."""

    APPROVE = "approve", _("Approve")
    PARTLY = "partly", _("Approve in part")
    REJECT = "reject", _("Reject")


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PARTLY_APPROVED = "partly_approved", _("Partly approved")
    REJECTED = "rejected", _("Rejected")


class PdfStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No document")
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DeliveryMethod(models.TextChoices):
    CASH = "cash", _("Paid in cash")
    BANK_TRANSFER = "bank_transfer", _("Paid by bank transfer")
    IN_KIND = "in_kind", _("Delivered in kind")
    SERVICE = "service", _("Service provided")


class Lender(models.TextChoices):
    SOCIAL_POLICY_BANK = "social_policy_bank", _("Bank for Social Policies")
    WOMENS_UNION_FUND = "womens_union_fund", _("Women's Union fund")
    OTHER = "other", _("Other lender")


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved by the lender")
    REJECTED = "rejected", _("Refused by the lender")
    DISBURSED = "disbursed", _("Disbursed")
    OVERDUE = "overdue", _("Overdue")
    REPAID = "repaid", _("Repaid")


# Which loan status may follow which (repaid is reached by recording the last repayment).
LOAN_TRANSITIONS: dict[str, frozenset[str]] = {
    LoanStatus.APPLIED: frozenset({LoanStatus.APPROVED, LoanStatus.REJECTED}),
    LoanStatus.APPROVED: frozenset({LoanStatus.DISBURSED, LoanStatus.REJECTED}),
    LoanStatus.REJECTED: frozenset(),
    LoanStatus.DISBURSED: frozenset({LoanStatus.OVERDUE}),
    LoanStatus.OVERDUE: frozenset({LoanStatus.DISBURSED}),
    LoanStatus.REPAID: frozenset(),
}
