"""Support delivered (sheet "Hỗ trợ đã thực hiện"): one line per item given to the victim of a
reception, under the paper decision the register names.

The line goes through `support.services.support_record_historical_delivery`, the UI's rules with the
paper decision as the authority: the policy version in force on the decision date (or the delivery
date), eligibility, the policy's and the province's amounts, the limits per person, the case's scope.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from support.forms import HistoricalDeliveryForm, item_choices
from support.models import Delivery, DeliveryMethod
from support.services import (
    support_historical_delivery_changed_since,
    support_historical_delivery_undo,
    support_record_historical_delivery,
)

from .base import LINE, REGISTER_NUMBER, Column, ColumnType, Kind, RowError

FIELDS = ("item", "delivered_on", "method", "quantity", "amount", "decision_number", "decision_date",
          "in_facility_stay", "note")


class SupportKind(Kind):
    code = "support"
    title = _("Support delivered")
    columns = (
        REGISTER_NUMBER,
        LINE,
        Column("item", _("Support item"), _("The regime and item given, as named in the support policy; the "
                                             "policy in force on the decision date applies."),
               type=ColumnType.CHOICE, required=True, choices=item_choices, example="Hỗ trợ quần áo (tối đa 2 bộ)"),
        Column("delivered_on", _("Date delivered"), _("The day the support was given or paid (dd/mm/yyyy)."),
               type=ColumnType.DATE, required=True, example="20/05/2019"),
        Column("method", _("How"), _("Paid in cash, by bank transfer, delivered in kind or a service provided."),
               type=ColumnType.CHOICE, required=True, choices=lambda: DeliveryMethod.choices,
               example=str(DeliveryMethod.IN_KIND.label)),
        Column("quantity", _("Quantity delivered"), _("Days or items given; empty: 1."),
               type=ColumnType.INTEGER, example="2"),
        Column("amount", _("Amount paid (VND)"), _("What was paid, in đồng; empty for an item with a set amount "
                                                    "delivered in kind."),
               type=ColumnType.MONEY, example="300.000"),
        Column("decision_number", _("Decision number"), _("The number of the paper decision the support was "
                                                          "given under, e.g. 12/QĐ-SLĐTBXH."),
               required=True, example="12/QĐ-SLĐTBXH"),
        Column("decision_date", _("Decision date"), _("The date of that decision; empty: the date delivered. "
                                                      "It chooses the policy version."),
               type=ColumnType.DATE, example="15/05/2019"),
        Column("in_facility_stay", _("In a support facility"), _("Có if the person was staying in a social centre "
                                                                  "or support facility then (some items require it)."),
               type=ColumnType.BOOLEAN, example="Có"),
        Column("note", _("Note"), _("Anything else the register says about this line."), example=""),
    )
    # The service names its arguments; the columns are named after the form.
    aliases = {"item_code": "item"}

    def clean(self, ctx, values: dict[str, Any]) -> dict[str, Any]:
        data = {key: values.get(key) for key in FIELDS}
        data = {key: ("" if value is None else value) for key, value in data.items()}
        data["in_facility_stay"] = bool(values.get("in_facility_stay"))
        form = HistoricalDeliveryForm(data)
        if not form.is_valid():
            raise RowError.from_form(form, self.aliases)
        cleaned = dict(form.cleaned_data)
        cleaned["register_number"], cleaned["line"] = values.get("register_number"), values.get("line")
        return cleaned

    def create(self, ctx, case, cleaned: dict) -> Delivery:
        if case is None:
            raise RowError({"register_number": [str(_("No reception with this register number."))]})
        try:
            return self._record(ctx, case, cleaned)
        except ValidationError as error:
            raise RowError.from_validation_error(error, self.aliases) from None

    def _record(self, ctx, case, cleaned: dict) -> Delivery:
        return support_record_historical_delivery(
            user=ctx.user, agency=ctx.agency, case=case, item_code=cleaned["item"],
            delivered_on=cleaned["delivered_on"], method=cleaned["method"], quantity=cleaned.get("quantity"),
            amount=cleaned.get("amount"), decision_number=cleaned["decision_number"],
            decision_date=cleaned.get("decision_date"), in_facility_stay=bool(cleaned.get("in_facility_stay")),
            note=cleaned.get("note") or "",
        )

    def changed_since(self, obj: Delivery, when) -> bool:
        return support_historical_delivery_changed_since(obj, when)

    def undo(self, ctx, obj: Delivery) -> None:
        support_historical_delivery_undo(user=ctx.user, delivery=obj)
