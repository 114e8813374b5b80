"""The case file: persons, cases and everything that hangs off a case (DOMAIN.md §2)."""

from .access import AccessLog, CaseAccessGrant
from .case import Case, CaseChild, CaseClosure, CaseNumberCounter, Consent, StatusTransition
from .choices import (
    ChildRelationship,
    ClosureReason,
    ConfirmingDocumentType,
    ContactChannel,
    ContactKind,
    ContactOutcome,
    IdentificationResult,
    IdPaperType,
    ReceptionChannel,
    Sex,
    SharingParty,
    TraffickingPurpose,
)
from .contact import Contact
from .duplicates import DuplicateProposal, PersonMerge, ProposalStatus
from .followup import (
    DEFAULT_VISIT_INTERVAL_MONTHS,
    MAX_FOLLOW_UP_MONTHS,
    FollowUpVisit,
    ReintegrationPlan,
)
from .handover import Handover, RecordStatus
from .identification import IdentificationOutcome, VerificationRequest
from .person import Person
from .reference import EthnicGroup
from .referral import (
    OPEN_REFERRAL_STATUSES,
    Referral,
    ReferralStatus,
    ServiceKind,
    SharedPart,
    Urgency,
)

__all__ = [
    "DEFAULT_VISIT_INTERVAL_MONTHS", "MAX_FOLLOW_UP_MONTHS", "OPEN_REFERRAL_STATUSES",
    "Handover", "RecordStatus", "Referral", "ReferralStatus", "ServiceKind", "SharedPart", "Urgency",
    "AccessLog", "Case", "CaseAccessGrant", "CaseChild", "CaseClosure", "CaseNumberCounter",
    "ChildRelationship", "ClosureReason", "ConfirmingDocumentType", "Consent", "Contact",
    "ContactChannel", "ContactKind", "ContactOutcome", "DuplicateProposal", "EthnicGroup",
    "FollowUpVisit", "IdPaperType", "IdentificationOutcome", "IdentificationResult", "Person",
    "PersonMerge", "ProposalStatus", "ReceptionChannel", "ReintegrationPlan", "Sex", "SharingParty", "StatusTransition",
    "TraffickingPurpose", "VerificationRequest",
]
