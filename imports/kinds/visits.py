"""Follow-up visits of the register (sổ theo dõi hồi gia): one line per home visit.

A visit is recorded during reintegration follow-up, under a plan. A register that lists visits shows
that the follow-up took place: when the case has no plan yet, the import makes one starting on the
day of the first visit it writes (24 months, monthly visits: the defaults of the plan form) and moves
the case into follow-up, through the same services as the case page. Lines are read in their order,
so the register's first visit should come first (an earlier visit on a later line is refused as
before the start of the follow-up).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from victims.forms.cases import FollowUpVisitForm
from victims.models import FollowUpVisit, ReintegrationPlan, StatusTransition
from victims.services import (
    case_transition,
    case_transition_revert,
    followup_visit_record,
    followup_visit_remove,
    reintegration_plan_create,
    reintegration_plan_remove,
)
from victims.workflow import Status

from .base import LINE, REGISTER_NUMBER, Column, ColumnType, ImportContext, Kind, RowError

FIELDS = ("visited_on", "visitors", "place", "findings", "next_visit_on")
# What one row writes (plan, move to follow-up, visit) takes milliseconds, under the case lock:
# a plan or a status change this long before the visit, by the same user, is the row's own.
ROW_WINDOW = datetime.timedelta(minutes=1)


class VisitKind(Kind):
    code = "visit"
    written_in_order_of = "visited_on"  # the first visit starts the plan: oldest first
    title = _("Follow-up visits")
    columns = (
        REGISTER_NUMBER,
        LINE,
        Column("visited_on", _("Date of visit"), _("The day of the visit (dd/mm/yyyy)."),
               type=ColumnType.DATE, required=True, example="10/06/2019"),
        Column("visitors", _("Who visited"), _("Who made the visit."), required=True,
               example="Cán bộ xã hội Hoàng Thị Lan"),
        Column("place", _("Where"), _("Where the visit took place."), required=True, example="Tại gia đình"),
        Column("findings", _("Findings"), _("What the visit found."), required=True,
               example="Ổn định, đã đi làm tại địa phương."),
        Column("next_visit_on", _("Next visit"),
               _("The day of the next visit planned (dd/mm/yyyy); empty: one month later, within the follow-up."),
               type=ColumnType.DATE),
        Column("safe_escort", _("Safe escort home"),
               _("“Có” when the person was escorted home; mandatory for a minor. Used when the import makes "
                 "the follow-up plan."),
               type=ColumnType.BOOLEAN, example="Có"),
    )
    # The plan the import makes is checked on the visit's date; its errors concern the visit.
    aliases = {"starts_on": "visited_on", "ends_on": "visited_on", "to_status": "", "case": "",
               "plan": "", "responsible_agency": ""}

    def clean(self, ctx: ImportContext, values: dict[str, Any]) -> dict[str, Any]:
        data = {name: values.get(name) if values.get(name) is not None else "" for name in FIELDS}
        form = FollowUpVisitForm(data=data)
        if not form.is_valid():
            raise RowError.from_form(form, self.aliases)
        cleaned = {name: form.cleaned_data.get(name) for name in FIELDS}
        cleaned["next_visit_on"] = cleaned["next_visit_on"] or None
        cleaned["safe_escort"] = bool(values.get("safe_escort"))
        cleaned["register_number"], cleaned["line"] = values["register_number"], values["line"]
        return cleaned

    def create(self, ctx: ImportContext, case, cleaned: dict) -> FollowUpVisit:
        case.refresh_from_db(fields=["status"])  # an earlier row of the run may have moved it
        if not case.reintegration_plans.exists():
            reintegration_plan_create(
                user=ctx.user, case=case, starts_on=cleaned["visited_on"], safe_escort=cleaned["safe_escort"],
            )
        if case.status != Status.FOLLOW_UP:
            case_transition(user=ctx.user, case=case, to_status=Status.FOLLOW_UP,
                            reason=gettext("Follow-up visits recorded in the agency's register."))
        return followup_visit_record(user=ctx.user, case=case, **{name: cleaned[name] for name in FIELDS})

    def changed_since(self, obj: FollowUpVisit, when: datetime.datetime) -> bool:
        return obj.events.filter(pgh_label="update", pgh_created_at__gt=when).exists()

    def undo(self, ctx: ImportContext, obj: FollowUpVisit) -> None:
        """The visit goes; with the case's last visit go the plan and the move to follow-up that
        the row made for it (not a plan or a status someone made on the case page)."""
        plan, transition = self._made_with(obj)
        followup_visit_remove(user=ctx.user, visit=obj)
        if FollowUpVisit.objects.filter(case_id=obj.case_id).exists():
            return
        if transition is not None:
            case_transition_revert(user=ctx.user, transition=transition)
        if plan is not None:
            reintegration_plan_remove(user=ctx.user, plan=plan)

    @staticmethod
    def _made_with(visit: FollowUpVisit) -> tuple[ReintegrationPlan | None, StatusTransition | None]:
        since = visit.created_at - ROW_WINDOW
        plan = ReintegrationPlan.objects.filter(
            pk=visit.plan_id, created_by_id=visit.recorded_by_id, created_at__gte=since,
            created_at__lte=visit.created_at,
        ).first()
        transition = StatusTransition.objects.filter(
            case_id=visit.case_id, to_status=Status.FOLLOW_UP, by_id=visit.recorded_by_id,
            at__gte=plan.created_at if plan else since, at__lte=visit.created_at,
        ).order_by("-at", "-pk").first()
        return plan, transition
