"""Writes on facilities, licences, inspections and stays.

Every service is keyword-only, runs in one transaction, validates and raises `ValidationError`
keyed by field, and re-checks the acting user's scope inside the transaction: an object outside it
answers `Http404`. Admissions and transfers lock the facility rows (SELECT ... FOR UPDATE, in id
order) before counting beds, so concurrent admissions can never exceed the capacity.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.formviews import FieldErrors, history_context
from accounts.models import Agency, Membership, User
from accounts.roles import Action
from support import working_days
from victims.models import Case, Person
from victims.scoping import SOCIAL_AFFAIRS_DEPARTMENT, memberships_allowing
from victims.workflow import Status

from . import policy
from .choices import (
    GENDER_POLICY_ADMITS,
    OPEN_FOLLOW_UP,
    OWNER_AGENCY_TYPES,
    ApplicationKind,
    ApplicationStatus,
    DischargeDestination,
    FacilityStatus,
    FollowUpStatus,
    InspectionStatus,
    LicenceChangeKind,
    LicenceStatus,
    Service,
)
from .models import (
    Facility,
    Inspection,
    Licence,
    LicenceApplication,
    LicenceStatusChange,
    Stay,
    StayExtension,
)
from .scoping import DEPARTMENT, department_provinces
from .selectors import capacity_on, service_scope
from .workflow import RENEWABLE_LICENCE_STATUSES, can_move_application, can_move_licence

FACILITY_FIELDS = frozenset({
    "code", "name", "type", "owner_agency", "province", "commune", "address_detail", "contact_person",
    "phone", "email", "rooms", "beds", "gender_policy", "accepts_children", "services", "staff_count",
    "staff_qualifications", "funding_source", "funding_detail", "status",
})
# Actions a transfer shares with the receiving facility's agency, so its staff know who arrives.
TRANSFER_GRANT_ACTIONS = [Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY, Action.CASE_EDIT]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def _today():
    return timezone.localdate()


def _date_checks(errors: FieldErrors, field: str, value, *, not_before=None, not_before_message=None):
    if value is None:
        errors.add(field, _("This field is required."), code="required")
        return
    if value > _today():
        errors.add(field, _("This date cannot be in the future."), code="future")
    elif not_before and value < not_before:
        errors.add(field, not_before_message, code="too_early")


def _locked_facilities(user, facility_ids: Iterable[int], action: str) -> dict[int, Facility]:
    """Lock facility rows in id order (no deadlock between two transfers); 404 when out of scope."""
    ids = sorted(set(facility_ids))
    queryset = Facility.objects.visible_to(user, action, through_cases=False)
    locked = {}
    for pk in ids:
        try:
            locked[pk] = queryset.select_for_update(of=("self",)).select_related("owner_agency").get(pk=pk)
        except Facility.DoesNotExist:
            raise Http404("No facility matches the given query.") from None
    return locked


def _lock_facility(user, facility, action: str) -> Facility:
    pk = facility.pk if isinstance(facility, Facility) else facility
    return _locked_facilities(user, [pk], action)[pk]


def _acting_membership(user, facility: Facility, action: str, prefer: Agency | None = None) -> Membership:
    """The membership the user acts with on this facility: the agency they chose to act for (the
    header's choice) when it qualifies, else the facility's owner agency, else the department."""
    memberships = memberships_allowing(user, action).select_related("agency")
    candidates = [memberships.filter(agency_id=facility.owner_agency_id)]
    if DEPARTMENT in _paths(action):
        candidates.append(memberships.filter(
            agency__type__code=SOCIAL_AFFAIRS_DEPARTMENT, agency__jurisdiction_id=facility.province_id,
        ))
    if prefer is not None:
        candidates = [c.filter(agency=prefer) for c in candidates] + candidates
    for queryset in candidates:
        if (membership := queryset.first()) is not None:
            return membership
    raise PermissionDenied(gettext("You cannot do this for this facility."))


def _paths(action):
    from .scoping import SCOPE_PATHS

    return SCOPE_PATHS.get(action, frozenset())


def _occupied(facility: Facility) -> int:
    return Stay.objects.filter(facility=facility, discharged_on__isnull=True).count()


def _services_error(errors: FieldErrors, field: str, facility: Facility, services: set[str], day):
    unknown = services - set(Service.values)
    if unknown:
        errors.add(field, _("Unknown services: %(services)s."), services=", ".join(sorted(unknown)))
        return
    scope = service_scope(facility, day)
    if scope is None:
        errors.add("facility", _("%(facility)s has no valid licence on %(date)s: it cannot admit residents."),
                   code="no_licence", facility=facility.name, date=day.strftime("%d/%m/%Y"))
        return
    outside = services - scope
    if outside:
        labels = ", ".join(str(Service(s).label) for s in Service.values if s in outside)
        errors.add(field, _("Outside the licensed scope of this facility: %(services)s."),
                   code="outside_scope", services=labels)


def _occupied_on(facility: Facility, day) -> int:
    """Residents on `day`: admitted by then and not yet discharged (a discharge frees the bed that day)."""
    return Stay.objects.filter(facility=facility, admitted_on__lte=day).filter(
        Q(discharged_on__isnull=True) | Q(discharged_on__gt=day)
    ).count()


def _capacity_error(errors: FieldErrors, facility: Facility, day, needed: int, until=None):
    """Beds are counted on every day the new stays take one, from `day` to `until` (today for a stay
    that goes on): an admission recorded afterwards (a register's history) is checked against the
    licence and the residents of those days, not of today. Occupancy only rises on an admission day,
    so those days are the ones to check."""
    until = until or _today()
    days = {day, *Stay.objects.filter(facility=facility, admitted_on__gt=day, admitted_on__lte=until)
            .values_list("admitted_on", flat=True)}
    for on in sorted(days):
        free = capacity_on(facility, on) - _occupied_on(facility, on)
        if needed <= free:
            continue
        if on == _today():
            errors.add("persons", _("Not enough free beds in %(facility)s: %(free)s free, %(needed)s needed."),
                       code="capacity", facility=facility.name, free=max(free, 0), needed=needed)
        else:
            errors.add("persons", _("Not enough free beds in %(facility)s on %(date)s: %(free)s free, "
                                    "%(needed)s needed."),
                       code="capacity", facility=facility.name, date=on.strftime("%d/%m/%Y"),
                       free=max(free, 0), needed=needed)
        return


def _admission_checks(errors: FieldErrors, facility: Facility, case: Case, adult: Person | None,
                      children: list[Person], day, *, ended: bool = False):
    # A stay that has ended is history: the facility may have closed since (the licence it had on
    # that day is checked with the services).
    if facility.status != FacilityStatus.ACTIVE and not ended:
        errors.add("facility", _("This facility is not operating: it cannot admit residents."), code="not_active")
    if case.status == Status.CLOSED:
        errors.add("case", _("This case is closed."), code="closed")
    if adult is not None and adult.sex not in GENDER_POLICY_ADMITS[facility.gender_policy]:
        errors.add("persons", _("This facility admits: %(policy)s."), code="gender",
                   policy=facility.get_gender_policy_display())
    if children and not facility.accepts_children:
        errors.add("persons", _("This facility does not take children."), code="no_children")
    for child in children:
        if child.age_on(day) is not None and not child.is_minor_on(day):
            errors.add("persons", _("%(name)s is 18 or older: admit them as a person of their own case."),
                       code="not_a_minor", name=child.full_name)


def _overlap_error(errors: FieldErrors, persons: list[Person], day, until):
    """One place at a time, in the past too: a stay recorded afterwards cannot overlap a stay that
    has ended (a current one is refused by the database constraint). Leaving one facility and
    entering another on the same day is no overlap."""
    ended = Stay.objects.filter(person__in=persons, discharged_on__isnull=False, discharged_on__gt=day)
    if until is not None:
        ended = ended.filter(admitted_on__lt=until)
    other = ended.select_related("person", "facility").order_by("admitted_on").first()
    if other is not None:
        errors.add("admitted_on", _("%(name)s was staying in %(facility)s from %(start)s to %(end)s."),
                   code="overlap", name=other.person.full_name, facility=other.facility.name,
                   start=other.admitted_on.strftime("%d/%m/%Y"), end=other.discharged_on.strftime("%d/%m/%Y"))


def _ends_on(day: datetime.date, max_days: int) -> datetime.date:
    """The last day of a stay of `max_days` days starting on `day` (the admission day is day 1)."""
    return day + datetime.timedelta(days=max_days - 1)


def _create_stays(rows: list[Stay]) -> list[Stay]:
    try:
        with transaction.atomic():
            for stay in rows:
                stay.save()
    except IntegrityError:
        raise ValidationError({"persons": ValidationError(
            _("One of these persons is already staying in a facility: discharge or transfer them first."),
            code="already_staying",
        )}) from None
    return rows


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------

def owner_agencies_for(user, include: int | None = None):
    """Agencies for which the user may register a facility: their own (facility.manage) agencies of
    an owning type, and such agencies in the province of their social-affairs department
    (`include`: an agency to keep in the list, the current owner of a facility being edited)."""
    memberships = memberships_allowing(user, Action.FACILITY_MANAGE)
    provinces = department_provinces(memberships)
    agencies = Agency.objects.filter(is_active=True, type__code__in=OWNER_AGENCY_TYPES).filter(
        Q(pk__in=memberships.values("agency_id"))
        | Q(jurisdiction_id__in=provinces) | Q(jurisdiction__parent_id__in=provinces)
    )
    if include is not None and memberships.exists():
        agencies = Agency.objects.filter(Q(pk__in=agencies.values("pk")) | Q(pk=include))
    return agencies.select_related("type").order_by("name_folded")


def _facility_errors(facility: Facility, user) -> FieldErrors:
    errors = FieldErrors()
    errors.clean(facility)
    if facility.owner_agency_id and not owner_agencies_for(user).filter(pk=facility.owner_agency_id).exists():
        errors.add("owner_agency", _("You cannot register facilities for this agency."), code="owner")
    if Facility.objects.filter(code=facility.code).exclude(pk=facility.pk).exists():
        errors.add("code", _("Another facility already uses this code."), code="unique")
    if facility.pk:
        occupied = _occupied(facility)
        if facility.beds < occupied:
            errors.add("beds", _("%(count)s residents are staying: the beds cannot be fewer."),
                       code="below_occupancy", count=occupied)
    return errors


def facility_create(*, user: User, **fields) -> Facility:
    """Register a facility (cơ sở) for an agency the user manages or in their department's province."""
    unknown = set(fields) - FACILITY_FIELDS
    if unknown:
        raise TypeError(f"Not facility fields: {sorted(unknown)}")
    with transaction.atomic(), history_context(user):
        if not memberships_allowing(user, Action.FACILITY_MANAGE).exists():
            raise PermissionDenied(gettext("You cannot register facilities."))
        facility = Facility(created_by=user, **fields)
        errors = _facility_errors(facility, user)
        errors.raise_if_any()
        facility.save()
        if not Facility.objects.visible_to(user, Action.FACILITY_MANAGE).filter(pk=facility.pk).exists():
            raise Http404("No facility matches the given query.")
        return facility


def facility_update(*, user: User, facility: Facility, **fields) -> Facility:
    unknown = set(fields) - FACILITY_FIELDS
    if unknown:
        raise TypeError(f"Not facility fields: {sorted(unknown)}")
    with transaction.atomic(), history_context(user):
        facility = _lock_facility(user, facility, Action.FACILITY_MANAGE)
        owner_before = facility.owner_agency_id
        for name, value in fields.items():
            setattr(facility, name, value)
        errors = _facility_errors(facility, user)
        if facility.owner_agency_id == owner_before and errors.has("owner_agency"):
            del errors.errors["owner_agency"]  # keeping the owner is always allowed
        errors.raise_if_any()
        facility.save()
        if not Facility.objects.visible_to(user, Action.FACILITY_MANAGE).filter(pk=facility.pk).exists():
            raise Http404("No facility matches the given query.")
        return facility


# ---------------------------------------------------------------------------------------------
# Stays
# ---------------------------------------------------------------------------------------------

def stay_admit(
    *, user: User, facility: Facility, case: Case, persons: Iterable[Person | int],
    admitted_on: datetime.date, admission_reason: str, services: Iterable[str] = (),
    room: str = "", bed: str = "", leaves_on: datetime.date | None = None,
) -> list[Stay]:
    """Admit (tiếp nhận vào cơ sở) the victim of a case and/or the children who came with her.

    Every person takes a bed. A child stays with the victim: admitted with her, or while she stays
    in the same facility. The stay may last the maximum of the policy in force on the admission
    date. Returns the new stays, the victim's first.

    `leaves_on`: for a stay recorded after it ended (an agency's register), the day the person left;
    the beds are then counted over the days of that stay only, and the caller discharges it with
    `stay_discharge` in the same transaction.
    """
    with transaction.atomic(), history_context(user):
        facility = _lock_facility(user, facility, Action.STAY_MANAGE)
        try:
            case = Case.objects.visible_to(user, Action.CASE_VIEW).select_related("person").get(
                pk=case.pk if isinstance(case, Case) else case
            )
        except Case.DoesNotExist:
            raise Http404("No case matches the given query.") from None
        errors = FieldErrors()
        wanted = [p.pk if isinstance(p, Person) else int(p) for p in persons]
        children_by_id = {link.person_id: link.person for link in case.children.select_related("person")}
        adult = case.person if case.person_id in wanted else None
        children = [children_by_id[pk] for pk in dict.fromkeys(wanted) if pk in children_by_id]
        if not wanted:
            errors.add("persons", _("Choose who is admitted."), code="required")
        elif set(wanted) - {case.person_id, *children_by_id}:
            errors.add("persons", _("Only the victim of this case and the children who came with her can be admitted."),
                       code="not_in_case")
        _date_checks(errors, "admitted_on", admitted_on, not_before=case.received_on,
                     not_before_message=_("The admission cannot be before the reception date."))
        reason = (admission_reason or "").strip()
        if not reason:
            errors.add("admission_reason", _("Give the reason for the admission."), code="required")
        services = set(services or ()) | {Service.ACCOMMODATION}
        parent_stay = None
        if children and adult is None:
            parent_stay = Stay.objects.current().filter(person_id=case.person_id, facility=facility).first()
            if parent_stay is None:
                errors.add("persons", _("A child stays with the victim: admit the victim too, or admit the child where she stays."),
                           code="without_parent")
        if not errors.has("admitted_on"):
            _services_error(errors, "services", facility, services, admitted_on)
            _admission_checks(errors, facility, case, adult, children, admitted_on, ended=leaves_on is not None)
            if not errors.errors:
                _capacity_error(errors, facility, admitted_on, len(children) + (adult is not None), until=leaves_on)
            if not errors.errors:
                _overlap_error(errors, [p for p in [adult, *children] if p is not None], admitted_on, leaves_on)
        errors.raise_if_any()

        if parent_stay is not None:
            max_days, code, ends_on = parent_stay.max_stay_days, parent_stay.policy_code, parent_stay.ends_on
        else:
            max_days, code = policy.max_stay_days(admitted_on), policy.policy_code(admitted_on)
            ends_on = _ends_on(admitted_on, max_days)
        common = {
            "facility": facility, "case": case, "admitted_on": admitted_on, "admission_reason": reason,
            "services": sorted(services), "room": room, "bed": bed, "policy_code": code, "max_stay_days": max_days,
            "ends_on": ends_on, "admitted_by": user,
        }
        rows = []
        if adult is not None:
            rows.append(Stay(person=adult, **common))
        principal = rows[0] if rows else parent_stay
        rows += [Stay(person=child, accompanying=principal, **common) for child in children]
        for stay in rows:
            errors.clean(stay, exclude=["accompanying"])
        errors.raise_if_any()
        return _create_stays(rows)


def _current_stay(user, stay, action: str) -> Stay:
    pk = stay.pk if isinstance(stay, Stay) else stay
    try:
        stay = Stay.objects.visible_to(user, action).select_related("facility", "case", "person").get(pk=pk)
    except Stay.DoesNotExist:
        raise Http404("No stay matches the given query.") from None
    return stay


def stay_extend(
    *, user: User, stay: Stay, new_ends_on: datetime.date, reason: str, decided_on: datetime.date | None = None,
    decision_number: str = "", acting_agency: Agency | None = None,
) -> StayExtension:
    """Extend a stay beyond its maximum (gia hạn): the decision of the competent person (the
    facility's manager or the provincial department), with a reason and the new end date.
    The children staying with the victim are extended with her."""
    with transaction.atomic(), history_context(user):
        stay = _current_stay(user, stay, Action.STAY_EXTEND)
        _lock_facility(user, stay.facility, Action.STAY_EXTEND)
        stay = Stay.objects.select_for_update(of=("self",)).select_related("facility", "case").get(pk=stay.pk)
        membership = _acting_membership(user, stay.facility, Action.STAY_EXTEND, prefer=acting_agency)
        decided_on = decided_on or _today()
        errors = FieldErrors()
        if not stay.is_current:
            errors.add("stay", _("This stay has ended."), code="discharged")
        if stay.is_child_stay:
            errors.add("stay", _("A child's stay follows the victim's: extend hers."), code="child")
        _date_checks(errors, "decided_on", decided_on, not_before=stay.admitted_on,
                     not_before_message=_("The decision cannot be before the admission."))
        if new_ends_on is None:
            errors.add("new_ends_on", _("This field is required."), code="required")
        elif new_ends_on <= stay.ends_on:
            errors.add("new_ends_on", _("The new end date must be after %(date)s."), code="not_later",
                       date=stay.ends_on.strftime("%d/%m/%Y"))
        if not (reason or "").strip():
            errors.add("reason", _("Give the reason for the extension."), code="required")
        extension = StayExtension(
            stay=stay, case=stay.case, previous_ends_on=stay.ends_on, new_ends_on=new_ends_on,
            reason=reason, decision_number=decision_number, decided_on=decided_on, decided_by=user,
            decided_by_agency=membership.agency,
        )
        if not errors.errors:
            errors.clean(extension)
        errors.raise_if_any()
        extension.save()
        for row in [stay, *stay.companions.filter(discharged_on__isnull=True)]:
            row.ends_on = new_ends_on
            row.save(update_fields=["ends_on", "updated_at"])
        return extension


def _discharge_checks(errors: FieldErrors, stay: Stay, discharged_on, destination: str, detail: str):
    if not stay.is_current:
        errors.add("stay", _("This stay has already ended."), code="discharged")
    _date_checks(errors, "discharged_on", discharged_on, not_before=stay.admitted_on,
                 not_before_message=_("The discharge cannot be before the admission."))
    if destination not in DischargeDestination.values:
        errors.add("destination", _("Choose where the person goes."), code="required")
    elif destination in (DischargeDestination.OTHER, DischargeDestination.OTHER_FACILITY) and not detail.strip():
        errors.add("destination_detail", _("Say where the person goes."), code="required")


def _discharge(stay: Stay, *, user, discharged_on, destination, detail="", note="", to_facility=None):
    stay.discharged_on = discharged_on
    stay.destination = destination
    stay.destination_detail = detail
    stay.destination_facility = to_facility
    stay.discharge_note = note
    stay.discharged_by = user
    stay.save()


def stay_discharge(
    *, user: User, stay: Stay, discharged_on: datetime.date, destination: str, destination_detail: str = "",
    note: str = "",
) -> list[Stay]:
    """Discharge (xuất cơ sở) with the destination. The children staying with the victim leave with
    her; a child may also leave alone (e.g. to relatives). Returns the discharged stays."""
    with transaction.atomic(), history_context(user):
        stay = _current_stay(user, stay, Action.STAY_MANAGE)
        _lock_facility(user, stay.facility, Action.STAY_MANAGE)
        stay = Stay.objects.select_for_update(of=("self",)).get(pk=stay.pk)
        errors = FieldErrors()
        _discharge_checks(errors, stay, discharged_on, destination, destination_detail or "")
        errors.raise_if_any()
        rows = [stay, *stay.companions.filter(discharged_on__isnull=True).order_by("pk")]
        for row in rows:
            _discharge(row, user=user, discharged_on=discharged_on, destination=destination,
                       detail=destination_detail, note=note)
        return rows


def stay_remove(*, user: User, stay: Stay) -> None:
    """Remove a stay recorded by mistake (an import being undone), with the children's stays that
    follow it. A stay that was extended or transferred since has a history of its own: it stays."""
    with transaction.atomic(), history_context(user):
        stay = _current_stay(user, stay, Action.STAY_MANAGE)
        _lock_facility(user, stay.facility, Action.STAY_MANAGE)
        rows = [stay, *stay.companions.order_by("pk")]
        if StayExtension.objects.filter(stay__in=rows).exists() or Stay.objects.filter(transferred_from__in=rows).exists():
            raise ValidationError({"stay": ValidationError(
                _("This stay was extended or transferred since: it cannot be removed."), code="has_history",
            )})
        for row in reversed(rows):
            row.delete()


def stay_transfer(
    *, user: User, stay: Stay, to_facility: Facility, transferred_on: datetime.date, reason: str,
    room: str = "", bed: str = "",
) -> list[Stay]:
    """Transfer a resident (and the children with her) to another facility: the stays here end with
    destination 'another facility' and new stays start there, keeping the allowed end date (a
    transfer does not restart the maximum stay). The receiving facility's beds are counted under a
    lock. When the user may share the case, the receiving agency gets access to it."""
    from .selectors import transfer_targets

    with transaction.atomic(), history_context(user):
        stay = _current_stay(user, stay, Action.STAY_MANAGE)
        target_id = to_facility.pk if isinstance(to_facility, Facility) else to_facility
        if not transfer_targets(user=user, stay=stay).filter(pk=target_id).exists():
            raise Http404("No facility matches the given query.")
        # Lock both rows in id order (two opposite transfers cannot deadlock); the source is in scope
        # (the stay was found with stay.manage), the target is another agency's.
        locked = {f.pk: f for f in Facility.objects.select_for_update(of=("self",)).filter(
            pk__in=[stay.facility_id, target_id]).order_by("pk")}
        target = locked[target_id]
        stay = Stay.objects.select_for_update(of=("self",)).select_related("case", "person").get(pk=stay.pk)
        errors = FieldErrors()
        if stay.is_child_stay:
            errors.add("stay", _("A child moves with the victim: transfer her stay."), code="child")
        _discharge_checks(errors, stay, transferred_on, DischargeDestination.OTHER_FACILITY, target.name)
        if errors.has("discharged_on"):
            errors.errors["transferred_on"] = errors.errors.pop("discharged_on")
        if not (reason or "").strip():
            errors.add("reason", _("Give the reason for the transfer."), code="required")
        companions = list(stay.companions.filter(discharged_on__isnull=True).select_related("person").order_by("pk"))
        if not errors.errors:
            _services_error(errors, "to_facility", target, set(stay.services), transferred_on)
            _admission_checks(errors, target, stay.case, stay.person, [c.person for c in companions], transferred_on)
            if not errors.errors:
                _capacity_error(errors, target, transferred_on, 1 + len(companions))
        if "persons" in errors.errors or "facility" in errors.errors:
            errors.errors.setdefault("to_facility", []).extend(
                errors.errors.pop("persons", []) + errors.errors.pop("facility", [])
            )
        errors.raise_if_any()

        old_rows = [stay, *companions]
        for row in old_rows:
            _discharge(row, user=user, discharged_on=transferred_on, destination=DischargeDestination.OTHER_FACILITY,
                       detail=target.name, note=reason, to_facility=target)
        new_rows = []
        for row in old_rows:
            new_rows.append(Stay(
                facility=target, case=row.case, person=row.person,
                accompanying=None if row is stay else new_rows[0],
                admitted_on=transferred_on, admission_reason=reason, services=row.services, room=room, bed=bed,
                policy_code=row.policy_code, max_stay_days=row.max_stay_days, ends_on=row.ends_on,
                transferred_from=row, admitted_by=user,
            ))
        _create_stays(new_rows)
        _share_with_receiving_agency(user, stay.case, target)
        return new_rows


def _share_with_receiving_agency(user, case: Case, target: Facility) -> None:
    if not Case.objects.visible_to(user, Action.CASE_GRANT).filter(pk=case.pk).exists():
        return
    from victims.services import case_grant_access

    try:  # within the victim's consent (victims.services.sharing_consent_check), like every share
        case_grant_access(
            user=user, case=case, grantee_agency=target.owner_agency, actions=TRANSFER_GRANT_ACTIONS,
            reason=gettext("Transfer of the resident to %(facility)s") % {"facility": target.name},
        )
    except ValidationError as error:
        errors = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
        raise ValidationError({"to_facility": [e for field in errors.values() for e in field]}) from None


# ---------------------------------------------------------------------------------------------
# Licensing
# ---------------------------------------------------------------------------------------------

def _lock_application(user, application, action: str) -> LicenceApplication:
    pk = application.pk if isinstance(application, LicenceApplication) else application
    try:
        return (
            LicenceApplication.objects.visible_to(user, action).select_for_update(of=("self",))
            .select_related("facility", "previous_licence").get(pk=pk)
        )
    except LicenceApplication.DoesNotExist:
        raise Http404("No application matches the given query.") from None


def _lock_licence(user, licence, action: str) -> Licence:
    pk = licence.pk if isinstance(licence, Licence) else licence
    try:
        return Licence.objects.visible_to(user, action).select_for_update(of=("self",)).select_related(
            "facility").get(pk=pk)
    except Licence.DoesNotExist:
        raise Http404("No licence matches the given query.") from None


def licence_apply(
    *, user: User, facility: Facility, applicant: str, submitted_on: datetime.date,
    proposed_services: Iterable[str], proposed_capacity: int, documents: Iterable[str] = (),
    documents_note: str = "", previous_licence: Licence | None = None,
) -> LicenceApplication:
    """Record an application for a licence (or the renewal of `previous_licence`). The appraisal is
    due within the working days of the policy version in force on the submission date."""
    with transaction.atomic(), history_context(user):
        scope = (Facility.objects.visible_to(user, Action.FACILITY_MANAGE)
                 | Facility.objects.visible_to(user, Action.FACILITY_LICENSE))
        try:
            facility = scope.select_for_update(of=("self",)).get(pk=facility.pk)
        except Facility.DoesNotExist:
            raise Http404("No facility matches the given query.") from None
        errors = FieldErrors()
        if not facility.requires_licence:
            errors.add("facility", _("This type of facility does not need a licence."), code="no_licence_needed")
        _date_checks(errors, "submitted_on", submitted_on)
        if facility.licence_applications.filter(
            status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.APPRAISED]
        ).exists():
            errors.add("facility", _("An application for this facility is already being handled."), code="open")
        if previous_licence is not None:
            previous_licence = Licence.objects.filter(pk=previous_licence.pk, facility=facility).first()
            if previous_licence is None or previous_licence.status not in RENEWABLE_LICENCE_STATUSES:
                errors.add("previous_licence", _("Only a valid or suspended licence can be renewed."), code="not_renewable")
        application = LicenceApplication(
            facility=facility, kind=ApplicationKind.RENEWAL if previous_licence else ApplicationKind.NEW,
            previous_licence=previous_licence, applicant=applicant, submitted_on=submitted_on or _today(),
            documents=sorted(set(documents)), documents_note=documents_note,
            proposed_services=sorted(set(proposed_services)), proposed_capacity=proposed_capacity,
            created_by=user, appraisal_due=_today(), policy_code="-",
        )
        if not proposed_services:
            errors.add("proposed_services", _("Choose the services applied for."), code="required")
        errors.clean(application, exclude=["appraisal_due", "policy_code"])
        errors.raise_if_any()
        application.policy_code = policy.policy_code(submitted_on)
        application.appraisal_due = working_days.add_working_days(
            submitted_on, policy.licence_appraisal_working_days(submitted_on)
        )
        application.save()
        return application


def application_appraise(
    *, user: User, application: LicenceApplication, appraised_on: datetime.date, recommend: bool, note: str,
) -> LicenceApplication:
    """The department's appraisal (thẩm định): recommend a licence to the provincial chairman (the
    decision is then due within the policy's working days) or return the application."""
    with transaction.atomic(), history_context(user):
        application = _lock_application(user, application, Action.FACILITY_LICENSE)
        to_status = ApplicationStatus.APPRAISED if recommend else ApplicationStatus.REJECTED
        errors = FieldErrors()
        if not can_move_application(application.status, to_status):
            errors.add("status", _("This application is not awaiting appraisal."), code="invalid_transition")
        _date_checks(errors, "appraised_on", appraised_on, not_before=application.submitted_on,
                     not_before_message=_("The appraisal cannot be before the submission."))
        if not (note or "").strip():
            errors.add("appraisal_note", _("Record the findings of the appraisal."), code="required")
        errors.raise_if_any()
        application.status = to_status
        application.appraised_on = appraised_on
        application.appraisal_note = note
        application.appraised_by = user
        if recommend:
            application.decision_due = working_days.add_working_days(
                appraised_on, policy.licence_decision_working_days(application.submitted_on)
            )
        application.save()
        return application


def application_decide(
    *, user: User, application: LicenceApplication, decided_on: datetime.date, granted: bool,
    decision_number: str, decision_signer: str, note: str = "", licence_number: str = "",
    valid_until: datetime.date | None = None, services: Iterable[str] | None = None,
    capacity: int | None = None,
) -> LicenceApplication:
    """Record the chairman's decision. A grant issues the licence (number, validity up to 5 years,
    scope of services, capacity); a renewal replaces the licence it renews."""
    with transaction.atomic(), history_context(user):
        application = _lock_application(user, application, Action.FACILITY_LICENSE)
        to_status = ApplicationStatus.GRANTED if granted else ApplicationStatus.REFUSED
        errors = FieldErrors()
        if not can_move_application(application.status, to_status):
            errors.add("status", _("This application is not awaiting a decision."), code="invalid_transition")
        _date_checks(errors, "decided_on", decided_on, not_before=application.appraised_on,
                     not_before_message=_("The decision cannot be before the appraisal."))
        if not (decision_number or "").strip():
            errors.add("decision_number", _("Enter the number of the decision."), code="required")
        if not (decision_signer or "").strip():
            errors.add("decision_signer", _("Enter who signed the decision."), code="required")
        if not granted and not (note or "").strip():
            errors.add("decision_note", _("Give the reasons for the refusal."), code="required")
        licence = None
        if granted:
            services = sorted(set(services if services is not None else application.proposed_services))
            if not services:
                errors.add("services", _("Choose the licensed services."), code="required")
            if not (licence_number or "").strip():
                errors.add("licence_number", _("Enter the licence number."), code="required")
            elif Licence.objects.filter(facility=application.facility, number=licence_number.strip()).exists():
                errors.add("licence_number", _("This facility already has a licence with this number."), code="unique")
            if valid_until is None:
                errors.add("valid_until", _("This field is required."), code="required")
            elif decided_on and not errors.has("decided_on"):
                if valid_until <= decided_on:
                    errors.add("valid_until", _("The validity must end after the issue date."), code="before_issue")
                elif valid_until > add_years(decided_on, policy.LICENCE_MAX_YEARS):
                    errors.add("valid_until", _("A licence is valid for at most %(years)s years."), code="too_long",
                               years=policy.LICENCE_MAX_YEARS)
            capacity = application.proposed_capacity if capacity is None else capacity
            if capacity is not None and capacity < 1:
                errors.add("capacity", _("The licensed capacity is at least one bed."), code="min")
            if not errors.errors:
                licence = Licence(
                    facility=application.facility, application=application, number=licence_number.strip(),
                    issued_on=decided_on, valid_until=valid_until, services=services, capacity=capacity,
                    status=LicenceStatus.ACTIVE, status_changed_on=decided_on,
                )
                errors.clean(licence, exclude=["application"])
        errors.raise_if_any()
        application.status = to_status
        application.decided_on = decided_on
        application.decision_number = decision_number
        application.decision_signer = decision_signer
        application.decision_note = note
        application.decision_recorded_by = user
        application.save()
        if licence is not None:
            licence.save()
            LicenceStatusChange.objects.create(licence=licence, kind=LicenceChangeKind.ISSUED, on_date=decided_on,
                                        reason=note, decision_number=decision_number, recorded_by=user)
            previous = application.previous_licence
            if previous is not None and can_move_licence(previous.status, LicenceStatus.SUPERSEDED):
                previous = Licence.objects.select_for_update(of=("self",)).get(pk=previous.pk)
                _move_licence(previous, LicenceStatus.SUPERSEDED, LicenceChangeKind.SUPERSEDED, user=user,
                              on_date=decided_on, reason=gettext("Renewed by licence %(number)s") % {
                                  "number": licence.number}, decision_number=decision_number)
        return application


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _move_licence(licence: Licence, to_status, kind, *, user, on_date, reason, decision_number=""):
    licence.status = to_status
    licence.status_changed_on = on_date
    licence.save(update_fields=["status", "status_changed_on"])
    return LicenceStatusChange.objects.create(licence=licence, kind=kind, on_date=on_date, reason=reason,
                                       decision_number=decision_number, recorded_by=user)


# What each licence action moves to, the event it records and what it does to the facility.
LICENCE_ACTIONS = {
    "suspend": (LicenceStatus.SUSPENDED, LicenceChangeKind.SUSPENDED, FacilityStatus.SUSPENDED),
    "reinstate": (LicenceStatus.ACTIVE, LicenceChangeKind.REINSTATED, FacilityStatus.ACTIVE),
    "revoke": (LicenceStatus.REVOKED, LicenceChangeKind.REVOKED, FacilityStatus.CLOSED),
}


def licence_change(
    *, user: User, licence: Licence, action: str, on_date: datetime.date, reason: str, decision_number: str = "",
) -> LicenceStatusChange:
    """Suspend, lift a suspension, or revoke a licence, with the date and the reason. The facility's
    status follows (suspended, operating, closed): without a valid licence it admits no one."""
    if action not in LICENCE_ACTIONS:
        raise ValueError(f"Unknown licence action {action!r}")
    to_status, kind, facility_status = LICENCE_ACTIONS[action]
    with transaction.atomic(), history_context(user):
        licence = _lock_licence(user, licence, Action.FACILITY_LICENSE)
        errors = FieldErrors()
        if not can_move_licence(licence.status, to_status):
            errors.add("status", _("This cannot be done to a licence that is %(state)s."), code="invalid_transition",
                       state=str(licence.get_status_display()).lower())
        _date_checks(errors, "on_date", on_date, not_before=licence.issued_on,
                     not_before_message=_("This date is before the licence was issued."))
        if not (reason or "").strip():
            errors.add("reason", _("Give the reason."), code="required")
        errors.raise_if_any()
        event = _move_licence(licence, to_status, kind, user=user, on_date=on_date, reason=reason,
                              decision_number=decision_number)
        facility = Facility.objects.select_for_update(of=("self",)).get(pk=licence.facility_id)
        if action != "reinstate" or facility.status == FacilityStatus.SUSPENDED:
            facility.status = facility_status
            facility.save(update_fields=["status", "updated_at"])
        return event


def licence_suspend(**kwargs) -> LicenceStatusChange:
    return licence_change(action="suspend", **kwargs)


def licence_reinstate(**kwargs) -> LicenceStatusChange:
    return licence_change(action="reinstate", **kwargs)


def licence_revoke(**kwargs) -> LicenceStatusChange:
    return licence_change(action="revoke", **kwargs)


# ---------------------------------------------------------------------------------------------
# Inspections
# ---------------------------------------------------------------------------------------------

def _findings_checks(errors: FieldErrors, inspection: Inspection):
    _date_checks(errors, "inspected_on", inspection.inspected_on)
    if not inspection.findings.strip():
        errors.add("findings", _("Record the findings."), code="required")
    if inspection.required_actions.strip():
        if inspection.follow_up_due is None:
            errors.add("follow_up_due", _("Set a date by which the actions are due."), code="required")
        elif inspection.inspected_on and inspection.follow_up_due < inspection.inspected_on:
            errors.add("follow_up_due", _("The actions cannot be due before the inspection."), code="too_early")
        inspection.follow_up_status = FollowUpStatus.OPEN
    else:
        inspection.follow_up_status = FollowUpStatus.NONE
        inspection.follow_up_due = None


def inspection_create(
    *, user: User, facility: Facility, kind: str, form: str, team: str,
    scheduled_on: datetime.date | None = None, inspected_on: datetime.date | None = None,
    findings: str = "", required_actions: str = "", follow_up_due: datetime.date | None = None,
    acting_agency: Agency | None = None,
) -> Inspection:
    """Schedule an inspection (no inspection date yet) or record one that took place (with findings).
    Required actions open a follow-up with a due date."""
    with transaction.atomic(), history_context(user):
        facility = _lock_facility(user, facility, Action.FACILITY_INSPECT)
        membership = _acting_membership(user, facility, Action.FACILITY_INSPECT, prefer=acting_agency)
        inspection = Inspection(
            facility=facility, kind=kind, form=form, team=team, lead_agency=membership.agency,
            scheduled_on=scheduled_on, inspected_on=inspected_on, findings=findings or "",
            required_actions=required_actions or "", follow_up_due=follow_up_due, created_by=user,
        )
        errors = FieldErrors()
        errors.clean(inspection)
        if inspected_on is None:
            inspection.status = InspectionStatus.PLANNED
            if scheduled_on is None:
                errors.add("scheduled_on", _("Give the planned date, or the date of the inspection."), code="required")
            elif scheduled_on < _today():
                errors.add("scheduled_on", _("A scheduled inspection cannot be in the past."), code="past")
        else:
            inspection.status = InspectionStatus.COMPLETED
            _findings_checks(errors, inspection)
        errors.raise_if_any()
        inspection.save()
        return inspection


def inspection_record_findings(
    *, user: User, inspection: Inspection, inspected_on: datetime.date, findings: str, team: str | None = None,
    required_actions: str = "", follow_up_due: datetime.date | None = None,
) -> Inspection:
    """Record the findings of a scheduled inspection."""
    with transaction.atomic(), history_context(user):
        inspection = _lock_inspection(user, inspection)
        errors = FieldErrors()
        if inspection.status != InspectionStatus.PLANNED:
            errors.add("status", _("The findings of this inspection are already recorded."), code="completed")
        inspection.inspected_on = inspected_on
        inspection.findings = findings or ""
        inspection.required_actions = required_actions or ""
        inspection.follow_up_due = follow_up_due
        if team is not None:
            inspection.team = team
        _findings_checks(errors, inspection)
        errors.clean(inspection)
        errors.raise_if_any()
        inspection.status = InspectionStatus.COMPLETED
        inspection.save()
        return inspection


def _lock_inspection(user, inspection) -> Inspection:
    pk = inspection.pk if isinstance(inspection, Inspection) else inspection
    try:
        return Inspection.objects.visible_to(user, Action.FACILITY_INSPECT).select_for_update(of=("self",)).get(pk=pk)
    except Inspection.DoesNotExist:
        raise Http404("No inspection matches the given query.") from None


def inspection_update_follow_up(
    *, user: User, inspection: Inspection, status: str, note: str, closed_on: datetime.date | None = None,
) -> Inspection:
    """Progress of the required actions: in progress, or completed on a date (with a note)."""
    with transaction.atomic(), history_context(user):
        inspection = _lock_inspection(user, inspection)
        errors = FieldErrors()
        if inspection.follow_up_status not in OPEN_FOLLOW_UP:
            errors.add("follow_up_status", _("This inspection has no open actions."), code="not_open")
        elif status not in (FollowUpStatus.IN_PROGRESS, FollowUpStatus.DONE):
            errors.add("follow_up_status", _("Choose the progress of the actions."), code="invalid")
        if not (note or "").strip():
            errors.add("follow_up_note", _("Describe what was done."), code="required")
        if status == FollowUpStatus.DONE:
            _date_checks(errors, "follow_up_closed_on", closed_on or _today(), not_before=inspection.inspected_on,
                         not_before_message=_("The actions cannot be completed before the inspection."))
        errors.raise_if_any()
        stamp = timezone.localdate().strftime("%d/%m/%Y")
        inspection.follow_up_note = "\n".join(filter(None, [inspection.follow_up_note, f"{stamp}: {note.strip()}"]))
        inspection.follow_up_status = status
        inspection.follow_up_closed_on = (closed_on or _today()) if status == FollowUpStatus.DONE else None
        inspection.save()
        return inspection


__all__ = [
    "application_appraise", "application_decide", "facility_create", "facility_update", "inspection_create",
    "inspection_record_findings", "inspection_update_follow_up", "licence_apply", "licence_change",
    "licence_reinstate", "licence_revoke", "licence_suspend", "owner_agencies_for", "stay_admit",
    "stay_discharge", "stay_extend", "stay_remove", "stay_transfer",
]
