"""Reads of referrals and handovers. Every selector takes the acting user and returns only what
they may see: a referral through its case's scope or as the receiving agency (victims.models.querysets)."""

from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from accounts.roles import Action

from .models import Case, Handover, Referral, ReferralStatus
from .selectors import read_through_case_get

OPEN = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)


def _with_flags(referrals: QuerySet, user, case=None) -> QuerySet:
    """`identity_visible`: may the reader see the victim's name (only through the case's own scope,
    so a receiver sees it only after accepting a referral that shares identity). The referrals of
    one case `case_get` read for this user take the flag of that case (and the case itself: see
    `referrals_of_case`)."""
    related = ["sender_agency", "receiving_agency", "sent_by", "answered_by"]
    if case is not None and read_through_case_get(user, case):
        flag = Value(bool(case.identity_visible), output_field=BooleanField())
    else:
        flag = Exists(Case.objects.visible_to(user, Action.CASE_VIEW_IDENTITY).filter(pk=OuterRef("case_id")))
        related.append("case__person")
    return referrals.annotate(identity_visible=flag).select_related(*related)


def _filtered(referrals: QuerySet, status: str = "open", urgency: str = "", overdue: bool = False) -> QuerySet:
    if status in ("", "open"):
        referrals = referrals.filter(status__in=OPEN)
    elif status != "all":
        referrals = referrals.filter(status=status)
    if urgency:
        referrals = referrals.filter(urgency=urgency)
    if overdue:
        referrals = referrals.filter(status=ReferralStatus.PENDING, due_on__lt=timezone.localdate())
    return referrals.order_by("due_on", "pk")


def referral_inbox(*, user, agency, **filters) -> QuerySet[Referral]:
    """Referrals sent to the agency the user acts for, soonest deadline first."""
    referrals = Referral.objects.visible_to(user, Action.REFERRAL_RECEIVE).filter(receiving_agency=agency)
    return _filtered(_with_flags(referrals, user), **filters)


def referral_sent(*, user, agency, **filters) -> QuerySet[Referral]:
    referrals = Referral.objects.visible_to(user, Action.CASE_VIEW).filter(sender_agency=agency)
    return _filtered(_with_flags(referrals, user), **filters)


def inbox_count(user, agency) -> int:
    """Referrals waiting for the agency's answer (the number in the menu)."""
    if agency is None:
        return 0
    return Referral.objects.visible_to(user, Action.REFERRAL_RECEIVE).filter(
        receiving_agency=agency, status=ReferralStatus.PENDING).count()


def referral_get_queryset(*, user, action: str = Action.CASE_VIEW) -> QuerySet[Referral]:
    """Every referral the user may read (either side), with the flags: the API's detail and answers."""
    return _with_flags(Referral.objects.visible_to(user, action), user)


def referral_get(*, user, pk, action: str = Action.CASE_VIEW) -> Referral:
    try:
        return _with_flags(Referral.objects.visible_to(user, action), user).get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No referral matches the given query.") from None


def referrals_of_case(user, case) -> list[Referral]:
    referrals = list(_with_flags(Referral.objects.of_case(user, case), user, case).order_by("-sent_at", "-pk"))
    if read_through_case_get(user, case):
        for referral in referrals:
            referral.case = case  # the case (and its person) the page read, not joined again
    return referrals


def handovers_of_case(user, case) -> list[Handover]:
    return list(Handover.objects.of_case(user, case).select_related("from_agency", "to_agency"))


def handover_for_download(*, user, pk, agency_id) -> Handover:
    """The handover record, for the two agencies of the handover only (it names the victim)."""
    handover = (
        Handover.objects.visible_to(user, Action.CASE_VIEW_IDENTITY)
        .select_related("case", "from_agency", "to_agency").filter(pk=pk).first()
    )
    if handover is None or agency_id not in (handover.from_agency_id, handover.to_agency_id):
        raise Http404("No handover record matches the given query.")
    return handover
