"""Stays of the register: the victim of the reception admitted to one of the agency's facilities, and
discharged when the register says so.

A row is written as on the facility pages: `stay_admit`, then `stay_discharge` when the row has a
discharge date. A stay that ended years ago is checked against that time, not today: the licence
and the residents of its own days (`leaves_on`), and the facility may have closed since.
The children who stayed with the victim are not rows of this sheet (to be confirmed with the
agencies' registers): admit them on the facility page.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from facilities.choices import DischargeDestination, Service
from facilities.forms import AdmissionForm, DischargeForm
from facilities.models import Facility, Stay
from facilities.services import stay_admit, stay_discharge, stay_remove

from .base import LINE, REGISTER_NUMBER, Column, ColumnType, ImportContext, Kind, RowError

EXTRA_SERVICES = [(code, label) for code, label in Service.choices if code != Service.ACCOMMODATION]


def facility_choices():
    # Every facility by its code and name: which ones the importing agency may admit to is checked
    # per row (the list of the template is not made for one user).
    return Facility.objects.order_by("name_folded").values_list("code", "name")


class StayKind(Kind):
    code = "stay"
    title = _("Stays")
    columns = (
        REGISTER_NUMBER,
        LINE,
        Column("facility", _("Facility"), _("The facility of your agency the person stayed in (its name or code)."),
               type=ColumnType.CHOICE, required=True, choices=facility_choices, example="CS-LS-01"),
        Column("admitted_on", _("Date admitted"), _("The day the person was admitted (dd/mm/yyyy)."),
               type=ColumnType.DATE, required=True, example="15/03/2019"),
        Column("admission_reason", _("Reason for admission"),
               _("Why the person was admitted; empty when the register does not say.")),
        Column("services", _("Services needed"),
               _("Services needed besides accommodation, separated by “;”."),
               type=ColumnType.CHOICES, choices=lambda: EXTRA_SERVICES,
               example=f"{Service.MEDICAL.label}; {Service.PSYCHOLOGICAL.label}"),
        Column("discharged_on", _("Date discharged"),
               _("The day the person left (dd/mm/yyyy); empty while the person is staying."),
               type=ColumnType.DATE, example="20/05/2019"),
        Column("destination", _("Destination"), _("Where the person went on leaving."),
               type=ColumnType.CHOICE, choices=lambda: DischargeDestination.choices,
               example=str(DischargeDestination.FAMILY.label)),
        Column("destination_detail", _("Destination details"),
               _("E.g. the family's commune, or the other facility; needed for “another facility” and “other”.")),
    )
    # The service's fields -> columns. Beds and who may stay there are the facility's matter.
    aliases = {"persons": "facility", "case": "", "stay": "", "room": "", "bed": "", "note": ""}

    def clean(self, ctx: ImportContext, values: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        admission = AdmissionForm(
            data={
                "admitted_on": values.get("admitted_on") or "",
                "admission_reason": values.get("admission_reason") or gettext("Not stated in the register"),
                "services": [s for s in values.get("services") or [] if s != Service.ACCOMMODATION],
            },
            persons=[], services=Service.values,
        )
        del admission.fields["persons"]  # the victim of the row's reception
        if not admission.is_valid():
            errors.update(RowError.from_form(admission, self.aliases).errors)
        discharged_on, destination = values.get("discharged_on"), values.get("destination") or ""
        discharge = None
        if discharged_on:
            discharge = DischargeForm(data={
                "discharged_on": discharged_on, "destination": destination,
                "destination_detail": values.get("destination_detail") or "",
            })
            if not discharge.is_valid():
                errors.update(RowError.from_form(discharge, self.aliases).errors)
        elif destination:
            errors["discharged_on"] = [gettext("Give the date the person left, or leave the destination empty.")]
        facility = self._facility(ctx, values.get("facility"))
        if facility is None:
            errors["facility"] = [gettext("Your agency cannot admit residents to this facility.")]
        if errors:
            raise RowError(errors)
        cleaned = {
            "register_number": values["register_number"], "line": values["line"],
            "facility": facility.code,
            "admitted_on": admission.cleaned_data["admitted_on"],
            "admission_reason": admission.cleaned_data["admission_reason"],
            "services": sorted(admission.cleaned_data["services"]),
            "discharged_on": None, "destination": "", "destination_detail": "",
        }
        if discharge is not None:
            cleaned.update({name: discharge.cleaned_data[name]
                            for name in ("discharged_on", "destination", "destination_detail")})
        return cleaned

    @staticmethod
    def _facility(ctx: ImportContext, code) -> Facility | None:
        if not code:
            return None
        return (
            Facility.objects.visible_to(ctx.user, Action.STAY_MANAGE, through_cases=False)
            .filter(owner_agency=ctx.agency, code=code).first()
        )

    def create(self, ctx: ImportContext, case, cleaned: dict) -> Stay:
        facility = self._facility(ctx, cleaned["facility"])
        if facility is None:
            raise RowError({"facility": [gettext("Your agency cannot admit residents to this facility.")]})
        stay = stay_admit(
            user=ctx.user, facility=facility, case=case, persons=[case.person_id],
            admitted_on=cleaned["admitted_on"], admission_reason=cleaned["admission_reason"],
            services=cleaned["services"], leaves_on=cleaned["discharged_on"],
        )[0]
        if cleaned["discharged_on"]:
            self._discharge(ctx, stay, cleaned)
            stay.refresh_from_db()
        return stay

    @staticmethod
    def _discharge(ctx: ImportContext, stay: Stay, cleaned: dict) -> None:
        stay_discharge(
            user=ctx.user, stay=stay, discharged_on=cleaned["discharged_on"], destination=cleaned["destination"],
            destination_detail=cleaned["destination_detail"],
        )

    def update(self, ctx: ImportContext, obj: Stay, cleaned: dict, previous: dict) -> Any:
        """The one change a register makes to a stay it holds: the person has left since."""
        admission = ("facility", "admitted_on", "admission_reason", "services")
        left = not previous.get("discharged_on") and cleaned["discharged_on"]
        if left and all(_same(previous.get(k), cleaned[k]) for k in admission) and obj.discharged_on is None:
            self._discharge(ctx, obj, cleaned)
            obj.refresh_from_db()
            return obj
        return super().update(ctx, obj, cleaned, previous)

    def changed_since(self, obj: Stay, when: datetime.datetime) -> bool:
        if super().changed_since(obj, when):
            return True
        # An extension, a transfer or a child admitted with her is written on other rows.
        return (
            obj.extensions.exists() or Stay.objects.filter(transferred_from=obj).exists()
            or obj.companions.exists()
        )

    def undo(self, ctx: ImportContext, obj: Stay) -> None:
        stay_remove(user=ctx.user, stay=obj)


def _same(before, now) -> bool:
    """`previous` comes back from JSON: dates as text, lists as lists."""
    if isinstance(now, datetime.date):
        return str(before) == now.isoformat()
    return before == now
