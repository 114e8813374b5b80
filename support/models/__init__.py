"""Support: policy as data, requests, decisions, deliveries and loans (DOMAIN.md §3)."""

from .choices import (
    LOAN_TRANSITIONS,
    Authority,
    Condition,
    DecisionOutcome,
    DeliveryMethod,
    DocumentType,
    Lender,
    LineDecision,
    LineStatus,
    LoanStatus,
    PdfStatus,
    PersonCategory,
    Regime,
    RequestStatus,
    Unit,
)
from .delivery import Delivery, Loan, LoanRepayment
from .policy import EntitlementItem, PolicyParameter, PolicyVersion, ProvinceAmount
from .requests import (
    SupportDecision,
    SupportDocument,
    SupportRequest,
    SupportRequestLine,
)

__all__ = [
    "LOAN_TRANSITIONS", "Authority", "Condition", "DecisionOutcome", "Delivery",
    "DeliveryMethod", "DocumentType", "EntitlementItem", "Lender", "LineDecision", "LineStatus", "Loan",
    "LoanRepayment", "LoanStatus", "PdfStatus", "PersonCategory", "PolicyParameter", "PolicyVersion", "ProvinceAmount",
    "Regime", "RequestStatus", "SupportDecision", "SupportDocument", "SupportRequest",
    "SupportRequestLine", "Unit",
]
