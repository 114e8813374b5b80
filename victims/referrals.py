"""Referrals (chuyển tuyến) and handovers (bàn giao): the services.

A referral shares named parts of the file (SHARED_PART_ACTIONS) within the victim's consent
(victims.services.sharing_consent_check, with the manager's written override). Accepting makes one
CaseAccessGrant with exactly those actions, under the referral's row lock, so two people accepting at
once decide once. Declining, withdrawing and closing end (revoke) that grant. A handover moves the
case's ownership to the receiving agency; the previous owner keeps a read grant on what it recorded.
Every function is keyword-only, one transaction, validates and raises ValidationError by field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.documents import DocumentType, document_number_issue
from accounts.formviews import FieldErrors, history_context
from accounts.models import Agency, User
from accounts.roles import Action
from accounts.webhooks import publish
from support.working_days import add_working_days

from .models import (
    Case,
    CaseAccessGrant,
    CaseChild,
    Handover,
    Referral,
    ReferralStatus,
    ServiceKind,
    SharedPart,
    Urgency,
)
from .scoping import grants_changed, memberships_allowing
from .services import _text, agency_province, case_lock, sharing_consent_check
from .workflow import Status

# What each part of the file opens (grant actions the read model knows). case.view always comes:
# the case's number, status and dates, with the name masked unless identity is shared.
SHARED_PART_ACTIONS: dict[str, tuple[str, ...]] = {
    SharedPart.IDENTITY: (Action.CASE_VIEW_IDENTITY,),
    SharedPart.TRAFFICKING: (Action.CASE_VIEW_TRAFFICKING,),
    SharedPart.HEALTH: (Action.CASE_VIEW_HEALTH,),
    SharedPart.DOCUMENTS: (Action.CASE_VIEW_DOCUMENTS,),
    SharedPart.SUPPORT: (Action.SUPPORT_VIEW, Action.FACILITY_VIEW),
}
# What the previous owner keeps after a handover: reading every part of the file it recorded.
PREVIOUS_OWNER_ACTIONS = sorted({Action.CASE_VIEW, *(a for acts in SHARED_PART_ACTIONS.values() for a in acts)})
ITEM_PREFIX = "item:"


def answer_days() -> int:
    """Working days to answer a referral (settings.REFERRAL_ANSWER_WORKING_DAYS; to be confirmed)."""
    return settings.REFERRAL_ANSWER_WORKING_DAYS


def referral_actions(parts: Iterable[str]) -> list[str]:
    actions = {Action.CASE_VIEW}
    for part in parts:
        actions.update(SHARED_PART_ACTIONS[part])
    return sorted(actions)


def _valid_service(code: str) -> bool:
    return code in ServiceKind.values or (code.startswith(ITEM_PREFIX) and len(code) > len(ITEM_PREFIX))


def _sender_membership(user, case: Case):
    """The acting membership that shares this case (owner, or an agency holding case.grant on it)."""
    membership = memberships_allowing(user, Action.CASE_GRANT).select_related("agency").first()
    if membership is None:
        raise PermissionDenied(gettext("Your role does not allow this."))
    return membership


def referral_send(
    *, user: User, case: Case, receiving_agency: Agency | None, reason: str, services: Iterable[str],
    urgency: str = Urgency.NORMAL, note: str = "", shared_parts: Iterable[str] = (),
    consent_override_reason: str = "",
) -> Referral:
    """Refer a case (or one service need of it) to another agency, sharing the chosen parts."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_GRANT)
        sender = _sender_membership(user, case).agency
        errors = FieldErrors()
        parts = list(dict.fromkeys(shared_parts or ()))
        services = list(dict.fromkeys(services or ()))
        if case.status == Status.CLOSED:
            errors.add("case", _("A closed case cannot be referred."), code="closed")
        if receiving_agency is None:
            errors.add("receiving_agency", _("Choose the receiving agency."), code="required")
        elif not receiving_agency.is_active:
            errors.add("receiving_agency", _("This agency is no longer active."))
        elif receiving_agency.pk in (sender.pk, case.owning_agency_id):
            errors.add("receiving_agency", _("Refer the case to another agency than the one holding it."))
        elif Referral.objects.visible_to(user, Action.CASE_GRANT).filter(
            case_id=case.pk, receiving_agency=receiving_agency,
            status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
        ).exists():
            errors.add("receiving_agency", _("This case already has an open referral to this agency."))
        if not services:
            errors.add("services", _("Choose at least one service requested."), code="required")
        elif not all(_valid_service(code) for code in services):
            errors.add("services", _("Unknown service."), code="invalid")
        if set(parts) - set(SharedPart.values):
            errors.add("shared_parts", _("Unknown part of the file."), code="invalid")
        else:
            # A sender shares only what it may read itself.
            missing = [SharedPart(part).label for part in parts for action in SHARED_PART_ACTIONS[part]
                       if not Case.objects.visible_to(user, action).filter(pk=case.pk).exists()]
            if missing:
                errors.add("shared_parts", _("You cannot share what you may not see yourself: %(parts)s."),
                           parts=", ".join(str(label) for label in dict.fromkeys(missing)))
        if urgency not in Urgency.values:
            errors.add("urgency", _("Choose the urgency."), code="invalid")
        referral = Referral(
            case=case, sender_agency=sender, receiving_agency=receiving_agency or sender,
            reason=_text(reason, "reason", 2000), services=services, urgency=urgency,
            note=_text(note, "note", 2000), shared_parts=parts, sent_by=user,
            due_on=add_working_days(timezone.localdate(), answer_days()),
        )
        if not referral.reason:
            errors.add("reason", _("Give the reason for the referral."), code="required")
        errors.raise_if_any()
        # The one consent rule: the consent must cover the receiving agency, or a manager overrides.
        try:
            referral.consent, referral.consent_override_reason = sharing_consent_check(
                user=user, case=case, grantee_agency=receiving_agency, override_reason=consent_override_reason,
            )
        except ValidationError as error:
            raise ValidationError({
                ("receiving_agency" if key == "grantee_agency" else key): value
                for key, value in error.error_dict.items()
            }) from None
        referral.save()
        publish("referral.created", referral)
        return referral


def _lock_referral(user, referral, action: str) -> Referral:
    referral_id = referral.pk if isinstance(referral, Referral) else referral
    try:
        return (
            Referral.objects.visible_to(user, action).select_for_update(of=("self",))
            .select_related("case", "receiving_agency", "sender_agency", "answered_by").get(pk=referral_id)
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No referral matches the given query.") from None


def _acting_for(user, agency_id: int, action: str) -> bool:
    return memberships_allowing(user, action).filter(agency_id=agency_id).exists()


def _not_pending_error(referral: Referral) -> ValidationError:
    # By id: the join of a row re-read after waiting for its lock may be stale.
    who = User.objects.filter(pk=referral.answered_by_id or referral.ended_by_id).first()
    when = referral.answered_at or referral.ended_at
    return ValidationError({"referral": ValidationError(
        _("This referral has already been answered (%(status)s by %(who)s at %(when)s)."),
        code="already_answered", params={
            "status": ReferralStatus(referral.status).label, "who": who or "—",
            "when": timezone.localtime(when).strftime("%H:%M %d/%m/%Y") if when else "—",
        },
    )})


def _revoke(grant: CaseAccessGrant | None, user) -> None:
    if grant is not None and grant.revoked_at is None:
        CaseAccessGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user,
        )
        grants_changed()  # update() sends no signal


def referral_accept(*, user: User, referral: Referral, note: str = "") -> Referral:
    """The receiving agency accepts: one grant with the shared parts' actions (row-locked: a second,
    concurrent accept finds it answered and is told so)."""
    with transaction.atomic(), history_context(user):
        referral = _lock_referral(user, referral, Action.REFERRAL_RECEIVE)
        if not _acting_for(user, referral.receiving_agency_id, Action.REFERRAL_RECEIVE):
            raise PermissionDenied(gettext("Only the receiving agency answers a referral."))
        if referral.status != ReferralStatus.PENDING:
            raise _not_pending_error(referral)
        case = Case.objects.select_for_update().get(pk=referral.case_id)  # locked after the scoped fetch
        if case.status == Status.CLOSED:
            raise ValidationError({"referral": _("The case has been closed.")})
        # The consent may have been withdrawn since the referral was sent: check again as the sender.
        consent, override = sharing_consent_check(
            user=referral.sent_by, case=case, grantee_agency=referral.receiving_agency,
            override_reason=referral.consent_override_reason,
        )
        grant = CaseAccessGrant.objects.create(
            case=case, grantee_agency=referral.receiving_agency, actions=referral_actions(referral.shared_parts),
            reason=gettext("Referral accepted") + f" (#{referral.pk})", granted_by=referral.sent_by,
            consent=consent, consent_override_reason=override,
        )
        referral.status = ReferralStatus.ACCEPTED
        referral.answered_by, referral.answered_at = user, timezone.now()
        referral.answer_reason = _text(note, "note", 2000)
        referral.grant = grant
        referral.save()
        publish("referral.decided", referral)
        return referral


def referral_decline(*, user: User, referral: Referral, reason: str) -> Referral:
    with transaction.atomic(), history_context(user):
        referral = _lock_referral(user, referral, Action.REFERRAL_RECEIVE)
        if not _acting_for(user, referral.receiving_agency_id, Action.REFERRAL_RECEIVE):
            raise PermissionDenied(gettext("Only the receiving agency answers a referral."))
        if referral.status != ReferralStatus.PENDING:
            raise _not_pending_error(referral)
        reason = _text(reason, "reason", 2000)
        if not reason:
            raise ValidationError({"reason": ValidationError(_("Give the reason for declining."), code="required")})
        referral.status = ReferralStatus.DECLINED
        referral.answered_by, referral.answered_at, referral.answer_reason = user, timezone.now(), reason
        referral.save()
        _revoke(referral.grant, user)
        publish("referral.decided", referral)
        return referral


def _end(user, referral, *, status: str, reason: str, sender_only: bool) -> Referral:
    referral = _lock_referral(user, referral, Action.CASE_VIEW)
    sender = _acting_for(user, referral.sender_agency_id, Action.CASE_GRANT)
    receiver = _acting_for(user, referral.receiving_agency_id, Action.REFERRAL_RECEIVE)
    if not (sender or (receiver and not sender_only)):
        raise PermissionDenied(gettext("Your role does not allow this."))
    allowed = {ReferralStatus.PENDING, ReferralStatus.ACCEPTED} if sender_only else {ReferralStatus.ACCEPTED}
    if referral.status not in allowed:
        raise ValidationError({"referral": ValidationError(
            _("This referral is %(status)s: it cannot be changed."), code="invalid_status",
            params={"status": ReferralStatus(referral.status).label},
        )})
    reason = _text(reason, "reason", 2000)
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code="required")})
    referral.status = status
    referral.ended_by, referral.ended_at, referral.end_reason = user, timezone.now(), reason
    referral.save()
    _revoke(referral.grant, user)
    return referral


def referral_withdraw(*, user: User, referral: Referral, reason: str) -> Referral:
    """The sender withdraws the referral (waiting or accepted): the share ends."""
    with transaction.atomic(), history_context(user):
        return _end(user, referral, status=ReferralStatus.WITHDRAWN, reason=reason, sender_only=True)


def referral_close(*, user: User, referral: Referral, reason: str) -> Referral:
    """Either side closes an accepted referral (the service is done): the share ends."""
    with transaction.atomic(), history_context(user):
        return _end(user, referral, status=ReferralStatus.CLOSED, reason=reason, sender_only=False)


# ---------------------------------------------------------------------------------------------
# Handovers
# ---------------------------------------------------------------------------------------------

MINOR_ESCORT_MESSAGE = _("A minor is never handed over without an escort: record who escorts them.")


def handover_record(
    *, user: User, referral: Referral, handed_over_on: datetime.date, place: str, handed_by_name: str,
    received_by_name: str, children: Iterable[CaseChild] = (), escort_name: str = "", escort_role: str = "",
    papers: str = "", belongings: str = "", note: str = "",
) -> Handover:
    """The owner hands the case over to the agency that accepted the referral.

    Ownership moves; the case's province stays the victim's home province, else becomes the new
    owner's (victims.scoping: the department of that province sees it); the previous owner keeps a
    read grant on every part of the file (it recorded them); the referral's own grant ends (ownership
    covers it). The handover record's number comes from the handing-over agency's register, and its
    PDF is rendered by a Celery task after commit.
    """
    with transaction.atomic(), history_context(user):
        referral = _lock_referral(user, referral, Action.CASE_GRANT)
        case = case_lock(user, referral.case_id, Action.CASE_GRANT)
        if not _acting_for(user, case.owning_agency_id, Action.CASE_GRANT):
            raise PermissionDenied(gettext("Only the agency that owns the case hands it over."))
        if referral.status != ReferralStatus.ACCEPTED:
            raise ValidationError({"referral": ValidationError(
                _("Only an accepted referral can be followed by a handover."), code="invalid_status")})
        if referral.sender_agency_id != case.owning_agency_id:
            raise ValidationError({"referral": _("This referral was not sent by the agency that owns the case.")})
        if case.status == Status.CLOSED:
            raise ValidationError({"referral": _("The case has been closed.")})
        errors = FieldErrors()
        children = list(children or ())
        child_ids = {child.pk for child in children}
        linked = {link.pk: link for link in CaseChild.objects.visible_to(user, Action.CASE_GRANT)
                  .filter(case_id=case.pk).select_related("person")}
        if child_ids - set(linked):
            errors.add("children", _("Choose children of this case."), code="invalid")
        handover = Handover(
            case=case, referral=referral, from_agency=case.owning_agency, to_agency=referral.receiving_agency,
            handed_over_on=handed_over_on, place=place, handed_by_name=handed_by_name,
            received_by_name=received_by_name, escort_name=escort_name, escort_role=escort_role,
            papers=papers, belongings=belongings, note=note, created_by=user,
            year=(handed_over_on or timezone.localdate()).year, document_number="-",
        )
        errors.clean(handover, exclude=["case", "referral", "from_agency", "to_agency", "document_number"])
        if handed_over_on and handed_over_on > timezone.localdate():
            errors.add("handed_over_on", _("This date cannot be in the future."))
        elif handed_over_on and handed_over_on < case.received_on:
            errors.add("handed_over_on", _("A handover cannot be before the reception date."))
        day = handed_over_on or timezone.localdate()
        minors = case.person.is_minor_on(day) or any(
            linked[pk].person.is_minor_on(day) for pk in child_ids if pk in linked)
        if minors and not " ".join((escort_name or "").split()):
            errors.add("escort_name", MINOR_ESCORT_MESSAGE, code="escort_required")
        errors.raise_if_any()

        previous = case.owning_agency
        handover.document_number = document_number_issue(
            agency=previous, document_type=DocumentType.HANDOVER_RECORD, year=handover.year,
        ).symbol
        handover.previous_owner_grant = CaseAccessGrant.objects.create(
            case=case, grantee_agency=previous, actions=PREVIOUS_OWNER_ACTIONS,
            reason=gettext("Previous owner after the handover"), granted_by=user,
        )
        handover.save()
        handover.children.set([linked[pk] for pk in child_ids])
        case.owning_agency = referral.receiving_agency
        if not case.person.home_province_id:
            province = agency_province(referral.receiving_agency)
            case.province_id = province.pk if province else case.province_id
        case.save(update_fields=["owning_agency", "province", "updated_at"])
        _revoke(referral.grant, user)
        referral.status = ReferralStatus.HANDED_OVER
        referral.ended_by, referral.ended_at = user, timezone.now()
        referral.save()

        from .tasks import render_handover_pdf

        handover_id = handover.pk
        transaction.on_commit(lambda: render_handover_pdf.delay(handover_id))
        return handover
