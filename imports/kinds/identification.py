"""Identification outcomes of the register: what the police concluded, with the document that says so.

A police unit importing its own register records outcomes as it does on the case page
(`identification_record_outcome`). The register of a social centre (or any other owning agency)
copies outcomes the police gave on paper: the paper document is then the authority, and
`identification_record_register_outcome` records it for the owning agency, with the document's
number and issuing body required. Both move the case status by the same rule (OUTCOME_STATUS).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from victims.forms.cases import IdentificationOutcomeForm
from victims.models import (
    ConfirmingDocumentType,
    IdentificationOutcome,
    IdentificationResult,
    StatusTransition,
)
from victims.scoping import POLICE
from victims.services import (
    OUTCOME_STATUS,
    case_transition_revert,
    identification_outcome_remove,
    identification_record_outcome,
    identification_record_register_outcome,
)

from .base import LINE, REGISTER_NUMBER, Column, ColumnType, ImportContext, Kind, RowError

# The service builds the outcome, then moves the case, then saves: well within this.
MADE_WITHIN = datetime.timedelta(minutes=1)
FIELDS = ("outcome", "document_type", "document_number", "document_date", "issuing_body", "note")


class IdentificationKind(Kind):
    code = "identification"
    title = _("Identification outcomes")
    columns = (
        REGISTER_NUMBER,
        LINE,
        Column("outcome", _("Outcome"), _("The outcome of identification the police gave."),
               type=ColumnType.CHOICE, required=True, choices=lambda: IdentificationResult.choices,
               example=str(IdentificationResult.IDENTIFIED.label)),
        Column("document_type", _("Confirming document"), _("The kind of document that gave the outcome."),
               type=ColumnType.CHOICE, choices=lambda: ConfirmingDocumentType.choices,
               example=str(ConfirmingDocumentType.POLICE_CONFIRMATION.label)),
        Column("document_number", _("Document number"), _("The number of that document."),
               example="125/XN-CAT"),
        Column("document_date", _("Document date"), _("The date of that document (dd/mm/yyyy)."),
               type=ColumnType.DATE, example="12/03/2019"),
        Column("issuing_body", _("Issued by"), _("Who issued the document."),
               example="Công an tỉnh Lạng Sơn"),
        Column("note", _("Note"), _("Anything else the register says about the outcome.")),
    )
    aliases = {"scan": "", "request": "", "case": ""}

    def clean(self, ctx: ImportContext, values: dict[str, Any]) -> dict[str, Any]:
        data = {name: values.get(name) if values.get(name) is not None else "" for name in FIELDS}
        form = IdentificationOutcomeForm(data=data)
        if not form.is_valid():
            raise RowError.from_form(form, self.aliases)
        cleaned = {name: form.cleaned_data.get(name) for name in FIELDS}
        cleaned["document_date"] = cleaned["document_date"] or None
        cleaned["register_number"], cleaned["line"] = values["register_number"], values["line"]
        return cleaned

    def create(self, ctx: ImportContext, case, cleaned: dict) -> IdentificationOutcome:
        fields = {name: cleaned[name] for name in FIELDS}
        if ctx.agency.type.code == POLICE:
            # The police's own register: the same rule as on the case page (their unit owns the
            # case, or was asked to verify it).
            return identification_record_outcome(user=ctx.user, case=case, **fields)
        return identification_record_register_outcome(user=ctx.user, agency=ctx.agency, case=case, **fields)

    def update(self, ctx: ImportContext, obj: IdentificationOutcome, cleaned: dict, previous: dict) -> Any:
        # An outcome is a record of a document: a different one is a new outcome, recorded on the case page.
        raise RowError({"": [str(_(
            "This outcome was already imported and has changed: record the new outcome on the case page."
        ))]})

    def changed_since(self, obj: IdentificationOutcome, when: datetime.datetime) -> bool:
        if obj.events.filter(pgh_label="update", pgh_created_at__gt=when).exists():
            return True
        # The case moved on from the status the outcome gave it (support, a later outcome, closure).
        made = self._transition(obj)
        later = StatusTransition.objects.filter(case_id=obj.case_id, at__gt=when)
        if made is not None:
            later = later.exclude(pk=made.pk)
        return later.exists()

    def undo(self, ctx: ImportContext, obj: IdentificationOutcome) -> None:
        made = self._transition(obj)
        identification_outcome_remove(user=ctx.user, record=obj)
        if made is not None:
            case_transition_revert(user=ctx.user, transition=made)

    @staticmethod
    def _transition(obj: IdentificationOutcome) -> StatusTransition | None:
        """The status change recording this outcome made, if it made one: the service makes it
        right after building the outcome (recorded_at), under the case lock, by the same user."""
        if obj.outcome not in OUTCOME_STATUS:
            return None
        return (
            StatusTransition.objects.filter(
                case_id=obj.case_id, by_id=obj.recorded_by_id, to_status=OUTCOME_STATUS[obj.outcome],
                at__gte=obj.recorded_at, at__lte=obj.recorded_at + MADE_WITHIN,
            ).order_by("at", "pk").first()
        )
