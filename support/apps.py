from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What a user without identity access must not read in a case's history (victims.history), per model.
SENSITIVE_HISTORY_FIELDS = {
    "support.SupportRequest": {"note", "person", "submission_key"},
    "support.SupportRequestLine": {"note", "decision_reason"},
    "support.SupportDocument": {"number", "issued_on", "issued_by", "scan"},
    "support.SupportDecision": {"note", "pdf", "pdf_error"},
    "support.Delivery": {"note", "receipt_number", "receipt_scan", "delivered_by_name", "submission_key"},
    "support.Loan": {"person", "purpose", "lender_name", "submission_key"},
    "support.LoanRepayment": {"note"},
}


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support entitlements")

    def ready(self):
        from accounts.roles import Action
        from victims.history import register_case_history

        for label, fields in SENSITIVE_HISTORY_FIELDS.items():
            register_case_history(label, action=Action.SUPPORT_VIEW, sensitive_fields=fields, through_case=True)
