"""Writes on the case file.

Every service is keyword-only, runs in one transaction, validates and raises `ValidationError` keyed
by field, and re-checks the acting user's scope inside the transaction: a case outside the user's
scope answers `Http404` (as if it did not exist). Changes carry the acting user into the pghistory
context, also outside a request (Celery, scripts).
"""

import contextlib
import contextvars
import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Min, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.formviews import FieldErrors, history_context
from accounts.models import AdministrativeUnit, Agency, Membership, User
from accounts.roles import Action
from config.uploads import clean_scan

from .models import (
    AccessLog,
    Case,
    CaseAccessGrant,
    CaseChild,
    CaseClosure,
    ClosureReason,
    Consent,
    FollowUpVisit,
    IdentificationOutcome,
    IdentificationResult,
    Person,
    ReintegrationPlan,
    Sex,
    SharingParty,
    StatusTransition,
    VerificationRequest,
)
from .models.followup import DEFAULT_VISIT_INTERVAL_MONTHS, MAX_FOLLOW_UP_MONTHS
from .scoping import POLICE, grants_changed, memberships_allowing
from .text import add_months, clean_text
from .workflow import (
    ENTERED_BY_CLOSURE,
    ENTERED_BY_IDENTIFICATION_OUTCOME,
    PLAN_STATUSES,
    Status,
    can_transition,
)

# The identity and address part of the declaration (tờ khai), editable with person_update_declaration.
PERSON_DECLARATION_FIELDS = frozenset({
    "full_name", "other_names", "sex", "date_of_birth", "birth_year", "ethnicity", "nationality",
    "id_paper_type", "id_paper_number", "home_province", "home_commune", "home_address_detail",
    "abroad_address", "language", "interpreter_needed",
})
# The reception and trafficking part, editable with case_update_declaration.
CASE_DECLARATION_FIELDS = frozenset({
    "reception_channel", "received_on", "reception_place", "reception_province",
    "destination_country", "destination_province", "purposes", "purpose_other", "means_of_control",
    "recruitment", "trafficked_from", "trafficked_until", "immediate_needs", "health_notes",
})
# What a grant may give. Granting on (case.grant) stays with the owner and the department.
# A share names the parts of the file it opens: support and stays are parts of their own.
GRANTABLE_ACTIONS = frozenset({
    Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY, Action.CASE_VIEW_TRAFFICKING, Action.CASE_VIEW_HEALTH,
    Action.CASE_VIEW_DOCUMENTS, Action.CASE_EDIT, Action.CASE_VERIFY, Action.SUPPORT_VIEW,
    Action.FACILITY_VIEW,
})
# The police verify with the whole declaration and the confirming documents in hand.
VERIFICATION_GRANT_ACTIONS = [
    Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY, Action.CASE_VIEW_TRAFFICKING, Action.CASE_VIEW_DOCUMENTS,
    Action.CASE_VERIFY,
]
OUTCOME_STATUS = {
    IdentificationResult.IDENTIFIED: Status.IDENTIFIED,
    IdentificationResult.NOT_VICTIM: Status.NOT_VICTIM,
    IdentificationResult.UNDER_IDENTIFICATION: Status.UNDER_IDENTIFICATION,
}
INTAKE_KEY_MAX_LENGTH = 64


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def case_lock(user, case, action: str) -> Case:
    """The case (or case id), locked (SELECT ... FOR UPDATE), if the user may do `action` on it;
    else 404 (never say it exists). Every app's services that write on a case start with it."""
    case_id = case.pk if isinstance(case, Case) else case
    try:
        return (
            Case.objects.visible_to(user, action)
            .select_for_update(of=("self",))
            .select_related("person", "owning_agency__type", "province")
            .get(pk=case_id)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No case matches the given query.") from None


_MEMBERSHIPS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("acting_memberships", default=None)


@contextlib.contextmanager
def memberships_read_once():
    """Within a long run as one actor (an import of 20,000 rows), each (user, agency, action)
    membership check is read once, not once per service call: the run acts as the membership it
    started with, as a request does. Refusals are read again (never cached)."""
    token = _MEMBERSHIPS.set({})
    try:
        yield
    finally:
        _MEMBERSHIPS.reset(token)


def acting_membership_for(user, agency, action: str) -> Membership:
    """The user's membership of `agency` that allows `action` (the one a write is recorded for);
    PermissionDenied when there is none."""
    memo = _MEMBERSHIPS.get()
    key = (getattr(user, "pk", user), getattr(agency, "pk", agency), action)
    if memo is not None and key in memo:
        return memo[key]
    membership = memberships_allowing(user, action).filter(agency=agency).select_related(
        "agency", "agency__type", "agency__jurisdiction"
    ).first()
    if memo is not None and membership is not None:
        memo[key] = membership
    if membership is None:
        raise PermissionDenied(gettext("You cannot do this for this agency."))
    return membership


def agency_province(agency: Agency | None) -> AdministrativeUnit | None:
    """The province an agency serves (its jurisdiction, or the province of its commune)."""
    unit = agency.jurisdiction if agency else None
    if unit is None:
        return None
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return unit
    return unit.province if unit.parent_id else None


def _scoping_province_id(person: Person, agency: Agency) -> int | None:
    if person.home_province_id:
        return person.home_province_id
    province = agency_province(agency)
    return province.pk if province else None


def _check_birth_before_reception(errors: FieldErrors, person: Person, received_on) -> None:
    if not received_on:
        return
    if person.date_of_birth and person.date_of_birth > received_on:
        errors.add("date_of_birth", _("The date of birth is after the reception date."), code="after_reception")
    elif not person.date_of_birth and person.birth_year and person.birth_year > received_on.year:
        errors.add("birth_year", _("The year of birth is after the reception date."), code="after_reception")


def _text(value: str, field: str, max_length: int) -> str:
    try:
        value = clean_text(value or "")
    except ValidationError as error:
        raise ValidationError({field: error}) from None
    if len(value) > max_length:
        raise ValidationError({field: ValidationError(
            _("Ensure this value has at most %(limit_value)d characters (it has %(show_value)d)."),
            code="max_length", params={"limit_value": max_length, "show_value": len(value)},
        )})
    return value


def _transition(case: Case, to_status: str, *, user, reason: str = "") -> StatusTransition:
    """Move a locked case along the state machine and record it. The one place status changes."""
    if to_status not in Status.values:
        raise ValidationError({"to_status": ValidationError(_("Unknown status."), code="invalid")})
    if not can_transition(case.status, to_status):
        raise ValidationError({"to_status": ValidationError(
            _("Cannot move a case from %(from)s to %(to)s."), code="invalid_transition",
            params={"from": Status(case.status).label, "to": Status(to_status).label},
        )})
    transition = StatusTransition.objects.create(
        case=case, from_status=case.status, to_status=to_status, by=user, reason=reason,
    )
    case.status = to_status
    case.status_changed_at = transition.at
    case.save(update_fields=["status", "status_changed_at", "next_visit_due", "updated_at"])
    return transition


# ---------------------------------------------------------------------------------------------
# Reception and declaration
# ---------------------------------------------------------------------------------------------

def _next_case_number(agency: Agency, year: int) -> str:
    """<agency code>-<year>-<5-digit sequence> from a locked counter row: never MAX()+1, never reused.

    One upsert creates or increments the row and keeps it locked to the end of the transaction (the
    ORM would take three statements: create if missing, lock, save)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO victims_casenumbercounter AS counter (agency_id, year, last_value) VALUES (%s, %s, 1) "
            "ON CONFLICT (agency_id, year) DO UPDATE SET last_value = counter.last_value + 1 RETURNING last_value",
            [agency.pk, year],
        )
        (value,) = cursor.fetchone()
    return f"{agency.code}-{year}-{value:05d}"


def _case_for_intake_key(user, key: str) -> Case | None:
    case = Case.objects.filter(intake_key=key).first()
    if case is None:
        return None
    if case.created_by_id != user.pk:
        raise ValidationError({"idempotency_key": ValidationError(
            _("This form has already been used. Open a new form."), code="reused",
        )})
    return case


def case_register_reception(
    *, user: User, agency: Agency, reception_channel: str, received_on: datetime.date,
    full_name: str, sex: str = Sex.UNKNOWN, date_of_birth: datetime.date | None = None,
    birth_year: int | None = None, reception_place: str = "",
    reception_province: AdministrativeUnit | None = None, immediate_needs: str = "",
    idempotency_key: str = "", person: Person | None = None, **declaration,
) -> Case:
    """Register a reception (tiếp nhận) for the user's agency: a new person and a new case.

    `idempotency_key` is the reception form's one-time token: submitting the same form twice returns
    the case the first submission created, and never makes a second one.

    `person`: a person already registered (an import found her by the same identity paper): the new
    case is hers, and the identity given here is not written over hers.

    `declaration`: more fields of the declaration (PERSON_ and CASE_DECLARATION_FIELDS), written with
    the reception in one go and checked by the same model validation as person_update_declaration and
    case_update_declaration: an import has the whole declaration at once, and one write (one duplicate
    search) costs a third of three. The person's fields are ignored for a `person` already registered.
    """
    unknown = set(declaration) - PERSON_DECLARATION_FIELDS - CASE_DECLARATION_FIELDS - {
        "full_name", "sex", "date_of_birth", "birth_year", "reception_channel", "received_on", "reception_place",
        "reception_province", "immediate_needs"}
    if unknown:
        raise TypeError(f"Not declaration fields: {sorted(unknown)}")
    key = _text(idempotency_key, "idempotency_key", INTAKE_KEY_MAX_LENGTH)
    if key and (existing := _case_for_intake_key(user, key)):
        return existing
    try:
        return _register_reception(
            user=user, agency=agency, key=key, reception_channel=reception_channel,
            received_on=received_on, full_name=full_name, sex=sex, date_of_birth=date_of_birth,
            birth_year=birth_year, reception_place=reception_place,
            reception_province=reception_province, immediate_needs=immediate_needs, person=person,
            declaration=declaration,
        )
    except IntegrityError:
        # A concurrent submission of the same form won the unique intake key.
        if key and (existing := _case_for_intake_key(user, key)):
            return existing
        raise


def _register_reception(*, user, agency, key, received_on, person=None, declaration=None, **fields) -> Case:
    declaration = declaration or {}
    with transaction.atomic(), history_context(user):
        acting_membership_for(user, agency, Action.CASE_CREATE)
        errors = FieldErrors()
        known = person is not None
        if not known:
            person = Person(
                full_name=fields["full_name"], sex=fields["sex"], date_of_birth=fields["date_of_birth"],
                birth_year=fields["birth_year"], created_by=user,
                **{name: value for name, value in declaration.items() if name in PERSON_DECLARATION_FIELDS},
            )
        case = Case(
            case_number="-", receiving_agency=agency, owning_agency=agency, status=Status.RECEIVED,
            reception_channel=fields["reception_channel"], received_on=received_on,
            reception_place=fields["reception_place"], reception_province=fields["reception_province"],
            immediate_needs=fields["immediate_needs"], intake_key=key, created_by=user,
            **{name: value for name, value in declaration.items() if name in CASE_DECLARATION_FIELDS},
        )
        if not known:
            errors.clean(person, trusted=["created_by"])
        errors.clean(case, exclude=["person", "case_number"], trusted=["receiving_agency", "owning_agency", "created_by"])
        if not errors.errors.get("date_of_birth") and not errors.errors.get("birth_year"):
            _check_birth_before_reception(errors, person, received_on)
        errors.raise_if_any()

        case.case_number = _next_case_number(agency, timezone.localdate().year)
        # The counter lock orders concurrent submissions: the loser sees the winner's case here.
        if key and (existing := _case_for_intake_key(user, key)):
            return existing
        if not known:
            person.save()
        case.person = person
        case.province_id = _scoping_province_id(person, agency)
        case.save()
        if not Case.objects.visible_to(user, Action.CASE_VIEW).filter(pk=case.pk).exists():
            raise Http404("No case matches the given query.")
        if not known:
            _propose_duplicates(user, person)
        return case


def _propose_duplicates(user, person: Person) -> None:
    """Possible duplicates across agencies go to the department's review queue (victims.duplicates)."""
    from .duplicates import duplicates_propose

    duplicates_propose(user=user, person=person)


DUPLICATE_KEYS = frozenset({"full_name", "sex", "date_of_birth", "birth_year", "home_province", "id_paper_number"})


def person_update_declaration(*, user: User, person: Person, **fields) -> Person:
    """Fill or correct the identity part of the declaration (tờ khai) of a victim or a child."""
    unknown = set(fields) - PERSON_DECLARATION_FIELDS
    if unknown:
        raise TypeError(f"Not declaration fields of a person: {sorted(unknown)}")
    with transaction.atomic(), history_context(user):
        try:
            person = Person.objects.visible_to(user, Action.CASE_EDIT).select_for_update().get(pk=person.pk)
        except Person.DoesNotExist:
            raise Http404("No person matches the given query.") from None
        for name, value in fields.items():
            setattr(person, name, value)
        if "date_of_birth" in fields and fields["date_of_birth"] is None and "birth_year" not in fields:
            person.birth_year = None
        errors = FieldErrors()
        errors.clean(person)
        # Person-wide writes reach only the cases this actor may edit: another agency's case of the
        # same person keeps its province (and so its scope) until that agency changes it.
        editable = Case.objects.visible_to(user, Action.CASE_EDIT)
        cases = editable.filter(Q(person=person) | Q(children__person=person))
        if not errors.errors:
            _check_birth_before_reception(errors, person, cases.aggregate(first=Min("received_on"))["first"])
        errors.raise_if_any()
        person.save()
        for case in editable.filter(person=person).select_related("receiving_agency__jurisdiction"):
            province_id = _scoping_province_id(person, case.receiving_agency)
            if case.province_id != province_id:
                case.province_id = province_id
                case.save(update_fields=["province", "updated_at"])
        if DUPLICATE_KEYS & set(fields):
            _propose_duplicates(user, person)
        return person


def case_update_declaration(*, user: User, case: Case, **fields) -> Case:
    """Fill or correct the reception and trafficking part of the declaration."""
    unknown = set(fields) - CASE_DECLARATION_FIELDS
    if unknown:
        raise TypeError(f"Not declaration fields of a case: {sorted(unknown)}")
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_EDIT)
        for name, value in fields.items():
            setattr(case, name, value)
        errors = FieldErrors()
        errors.clean(case)
        if "received_on" in fields and not errors.errors.get("received_on"):
            _check_birth_before_reception(errors, case.person, case.received_on)
            first_child_birth = case.children.aggregate(first=Min("person__date_of_birth"))["first"]
            if first_child_birth and case.received_on and first_child_birth > case.received_on:
                errors.add("received_on", _("A child's date of birth is after the reception date."))
        errors.raise_if_any()
        case.save()
        return case


def case_add_child(
    *, user: User, case: Case, full_name: str, relationship: str, sex: str = Sex.UNKNOWN,
    date_of_birth: datetime.date | None = None, birth_year: int | None = None,
    relationship_note: str = "", **identity,
) -> CaseChild:
    """Add an accompanying child: a person of their own, linked to the case."""
    unknown = set(identity) - PERSON_DECLARATION_FIELDS
    if unknown:
        raise TypeError(f"Not declaration fields of a person: {sorted(unknown)}")
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_EDIT)
        errors = FieldErrors()
        child = Person(
            full_name=full_name, sex=sex, date_of_birth=date_of_birth, birth_year=birth_year,
            created_by=user, **identity,
        )
        link = CaseChild(case=case, relationship=relationship, relationship_note=relationship_note,
                         created_by=user)
        errors.clean(child, trusted=["created_by"])
        errors.clean(link, exclude=["person"], trusted=["case", "created_by"])
        if not errors.errors:
            _check_birth_before_reception(errors, child, case.received_on)
        if not errors.errors and child.age_on(case.received_on) is not None and not child.is_minor_on(case.received_on):
            errors.add("date_of_birth" if child.date_of_birth else "birth_year",
                       _("An accompanying child must be under 18 on the reception date."), code="not_a_minor")
        # The same child twice (a double submit): the case row is locked, so this check is race-free.
        if not errors.errors and case.children.filter(
            person__name_folded=child.name_folded, person__date_of_birth=child.date_of_birth,
            person__birth_year=child.birth_year,
        ).exists():
            errors.add("full_name", _("This child is already registered in this case."), code="duplicate")
        errors.raise_if_any()
        child.save()
        link.person = child
        link.save()
        return link


def consent_record(
    *, user: User, case: Case, share_with: Iterable[str], given: bool = True,
    recorded_on: datetime.date | None = None, person: Person | None = None,
    share_with_detail: str = "", guardian_name: str = "", guardian_relationship: str = "",
    note: str = "",
) -> Consent:
    """Record consent to share information (or its refusal). A minor's consent needs a guardian."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_EDIT)
        person = person or case.person
        if person.pk != case.person_id and not case.children.filter(person_id=person.pk).exists():
            raise ValidationError({"person": _("This person is not in the case.")})
        consent = Consent(
            case=case, person=person, given=given, share_with=sorted(set(share_with or ())),
            share_with_detail=share_with_detail, recorded_on=recorded_on or timezone.localdate(),
            guardian_name=guardian_name, guardian_relationship=guardian_relationship, note=note,
            recorded_by=user,
        )
        errors = FieldErrors()
        errors.clean(consent)
        if consent.recorded_on > timezone.localdate():
            errors.add("recorded_on", _("This date cannot be in the future."))
        elif consent.recorded_on < case.received_on:
            errors.add("recorded_on", _("Consent cannot be recorded before the reception date."))
        if given and not consent.share_with:
            errors.add("share_with", _("Choose with whom the information may be shared."), code="required")
        if person.is_minor_on(consent.recorded_on):
            if not consent.guardian_name:
                errors.add("guardian_name", _("A guardian must consent for a minor."), code="required")
            if not consent.guardian_relationship:
                errors.add("guardian_relationship", _("Give the guardian's relationship to the child."),
                           code="required")
        errors.raise_if_any()
        consent.save()
        return consent


# ---------------------------------------------------------------------------------------------
# Verification and identification
# ---------------------------------------------------------------------------------------------

def verification_request(*, user: User, case: Case, police_agency: Agency, note: str = "") -> VerificationRequest:
    """Ask a police unit to verify and identify the person. The unit gets access to the case."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_EDIT)
        police = Agency.objects.filter(pk=police_agency.pk, is_active=True, type__code=POLICE).first()
        if police is None:
            raise ValidationError({"police_agency": _("Choose an active police unit.")})
        if case.status not in (Status.RECEIVED, Status.UNDER_IDENTIFICATION, Status.NOT_VICTIM):
            raise ValidationError({"case": ValidationError(
                _("Verification can be requested only before the person is identified."),
                code="invalid_status",
            )})
        request = VerificationRequest(case=case, police_agency=police, note=note, requested_by=user)
        errors = FieldErrors()
        errors.clean(request)
        errors.raise_if_any()
        request.save()
        if police.pk != case.owning_agency_id:
            CaseAccessGrant.objects.create(
                case=case, grantee_agency=police, actions=VERIFICATION_GRANT_ACTIONS,
                reason=gettext("Verification request"), granted_by=user,
            )
        if case.status != Status.UNDER_IDENTIFICATION:
            _transition(case, Status.UNDER_IDENTIFICATION, user=user,
                        reason=gettext("Verification requested from %(agency)s.") % {"agency": police.name})
        return request


def identification_record_outcome(
    *, user: User, case: Case, outcome: str, document_type: str = "", document_number: str = "",
    document_date: datetime.date | None = None, issuing_body: str = "", scan=None,
    request: VerificationRequest | None = None, note: str = "",
) -> IdentificationOutcome:
    """The police record the identification outcome; the case status follows it.

    Only caseworkers of a police unit asked to verify this case, or of the owning agency when it is
    a police unit, may record it.
    """
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_VERIFY)
        requests = VerificationRequest.objects.filter(case=case)
        if request is not None and not requests.filter(pk=request.pk).exists():
            raise ValidationError({"request": _("This verification request is not for this case.")})
        police_memberships = memberships_allowing(user, Action.CASE_VERIFY).filter(agency__type__code=POLICE)
        if request is not None:
            allowed_agencies = Q(agency_id=request.police_agency_id) | Q(agency_id=case.owning_agency_id)
        else:
            allowed_agencies = Q(agency_id=case.owning_agency_id) | Q(agency_id__in=requests.values("police_agency_id"))
        membership = police_memberships.filter(allowed_agencies).select_related("agency").first()
        if membership is None:
            raise PermissionDenied(gettext(
                "Only the police unit asked to verify this case, or a police unit that owns it, "
                "may record its identification."
            ))
        if request is None:
            request = requests.filter(police_agency_id=membership.agency_id).first()
        record = IdentificationOutcome(
            case=case, request=request, outcome=outcome, document_type=document_type,
            document_number=document_number, document_date=document_date, issuing_body=issuing_body,
            note=note, recorded_by=user, recorded_by_agency=membership.agency,
        )
        errors = FieldErrors()
        try:
            scan = clean_scan(scan)
        except ValidationError as error:
            errors.add("scan", error.messages[0], code=error.code)
        if scan is not None and "scan" not in errors.errors:
            record.scan = scan
        errors.clean(record)
        errors.raise_if_any()
        return _save_outcome(case, record, user=user)


def _save_outcome(case: Case, record: IdentificationOutcome, *, user) -> IdentificationOutcome:
    """The one place an outcome moves the case: its status follows OUTCOME_STATUS."""
    target = OUTCOME_STATUS[record.outcome]
    if target != case.status:
        _transition(case, target, user=user, reason=gettext("Identification outcome: %(outcome)s.") % {
            "outcome": IdentificationResult(record.outcome).label,
        })
    record.save()
    return record


def identification_record_register_outcome(
    *, user: User, agency: Agency, case: Case, outcome: str, document_type: str = "",
    document_number: str = "", document_date: datetime.date | None = None, issuing_body: str = "",
    note: str = "",
) -> IdentificationOutcome:
    """An outcome the police gave on paper, as the owning agency's register records it (an import of
    the register). The paper document is the authority, so its number and issuing body are required
    for every outcome; the case status follows it as when the police record it themselves."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_EDIT)
        membership = acting_membership_for(user, agency, Action.CASE_EDIT)
        if case.owning_agency_id != membership.agency_id:
            raise PermissionDenied(gettext(
                "Only the agency that owns this case may record an outcome from its register."
            ))
        record = IdentificationOutcome(
            case=case, outcome=outcome, document_type=document_type, document_number=document_number,
            document_date=document_date, issuing_body=issuing_body, note=note, recorded_by=user,
            recorded_by_agency=membership.agency,
        )
        errors = FieldErrors()
        if not (document_number or "").strip():
            errors.add("document_number", _("Enter the number of the document that gave this outcome."),
                       code="required")
        if not (issuing_body or "").strip():
            errors.add("issuing_body", _("Enter who issued the document that gave this outcome."),
                       code="required")
        errors.clean(record, trusted=["case", "recorded_by", "recorded_by_agency"])
        errors.raise_if_any()
        return _save_outcome(case, record, user=user)


# ---------------------------------------------------------------------------------------------
# Status, follow-up and closure
# ---------------------------------------------------------------------------------------------

def case_transition(*, user: User, case: Case, to_status: str, reason: str = "") -> StatusTransition:
    """Move a case along the state machine (victims.workflow) with a reason."""
    reason = _text(reason, "reason", 2000)
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_EDIT)
        if to_status in ENTERED_BY_IDENTIFICATION_OUTCOME:
            raise ValidationError({"to_status": ValidationError(
                _("A case becomes %(to)s only when the police record the identification outcome."),
                code="needs_outcome", params={"to": Status(to_status).label},
            )})
        if to_status in ENTERED_BY_CLOSURE:
            raise ValidationError({"to_status": ValidationError(
                _("Close a case with a reason for closing."), code="needs_closure",
            )})
        if to_status == Status.FOLLOW_UP:
            plan = case.reintegration_plans.order_by("-starts_on", "-pk").first()
            if plan is None:
                raise ValidationError({"to_status": ValidationError(
                    _("Make a reintegration plan before starting follow-up."), code="needs_plan",
                )})
            if case.next_visit_due is None:
                case.next_visit_due = _first_visit_due(plan)
        return _transition(case, to_status, user=user, reason=reason)


def _first_visit_due(plan: ReintegrationPlan) -> datetime.date | None:
    due = add_months(plan.starts_on, plan.visit_interval_months)
    return due if due <= plan.ends_on else None


def reintegration_plan_create(
    *, user: User, case: Case, starts_on: datetime.date, ends_on: datetime.date | None = None,
    visit_interval_months: int = DEFAULT_VISIT_INTERVAL_MONTHS, responsible_agency: Agency | None = None,
    family_assessment: str = "", goals: str = "", safe_escort: bool = False,
) -> ReintegrationPlan:
    """Plan the return and the follow-up: monthly visits by default, for at most 24 months."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_EDIT)
        if case.status not in PLAN_STATUSES:
            raise ValidationError({"case": ValidationError(
                _("A reintegration plan is made for an identified victim, in support or in follow-up."),
                code="invalid_status",
            )})
        plan = ReintegrationPlan(
            case=case, starts_on=starts_on,
            ends_on=ends_on or (add_months(starts_on, MAX_FOLLOW_UP_MONTHS) if starts_on else None),
            visit_interval_months=visit_interval_months,
            responsible_agency=responsible_agency or case.owning_agency,
            family_assessment=family_assessment, goals=goals, safe_escort=safe_escort, created_by=user,
        )
        errors = FieldErrors()
        errors.clean(plan)
        if not errors.errors:
            if plan.starts_on < case.received_on:
                errors.add("starts_on", _("Follow-up cannot start before the reception date."))
            if plan.ends_on <= plan.starts_on:
                errors.add("ends_on", _("The end date is before the start date."))
            elif plan.ends_on > add_months(plan.starts_on, MAX_FOLLOW_UP_MONTHS):
                errors.add("ends_on", _("Follow-up lasts at most %(months)s months."), months=MAX_FOLLOW_UP_MONTHS)
            if case.person.is_minor_on(plan.starts_on) and not plan.safe_escort:
                errors.add("safe_escort", _("A safe escort home is mandatory for a minor."), code="required")
            if not plan.responsible_agency.is_active:
                errors.add("responsible_agency", _("This agency is no longer active."))
        errors.raise_if_any()
        plan.save()
        if not case.followup_visits.filter(visited_on__gte=plan.starts_on).exists():
            case.next_visit_due = _first_visit_due(plan)
            case.save(update_fields=["next_visit_due", "updated_at"])
        return plan


def followup_visit_record(
    *, user: User, case: Case, visited_on: datetime.date, visitors: str, place: str, findings: str,
    next_visit_on: datetime.date | None = None,
) -> FollowUpVisit:
    """Record a home visit. The next one is due a visit interval later, within the follow-up period."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_EDIT)
        if case.status != Status.FOLLOW_UP:
            raise ValidationError({"case": ValidationError(
                _("Visits are recorded during reintegration follow-up."), code="invalid_status",
            )})
        plan = case.reintegration_plans.order_by("-starts_on", "-pk").first()
        visit = FollowUpVisit(
            case=case, plan=plan, visited_on=visited_on, visitors=visitors, place=place,
            findings=findings, next_visit_on=next_visit_on, recorded_by=user,
        )
        errors = FieldErrors()
        errors.clean(visit)
        if not errors.errors:
            if visited_on > timezone.localdate():
                errors.add("visited_on", _("This date cannot be in the future."))
            elif visited_on < plan.starts_on:
                errors.add("visited_on", _("This visit is before the start of the follow-up (%(date)s)."),
                           date=plan.starts_on.strftime("%d/%m/%Y"))
            elif visited_on > plan.ends_on:
                errors.add("visited_on", _("This visit is after the end of the follow-up (%(date)s)."),
                           date=plan.ends_on.strftime("%d/%m/%Y"))
            if next_visit_on is None:
                due = add_months(visited_on, plan.visit_interval_months)
                visit.next_visit_on = due if due <= plan.ends_on else None
            elif next_visit_on <= visited_on:
                errors.add("next_visit_on", _("The next visit must be after this visit."))
            elif next_visit_on > plan.ends_on:
                errors.add("next_visit_on", _("The next visit cannot be after the end of the follow-up (%(date)s)."),
                           date=plan.ends_on.strftime("%d/%m/%Y"))
        errors.raise_if_any()
        visit.save()
        latest = case.followup_visits.order_by("-visited_on", "-pk").first()
        case.next_visit_due = latest.next_visit_on
        case.save(update_fields=["next_visit_due", "updated_at"])
        return visit


# Taking back what an import of a register wrote (imports.kinds undo a row through these).

def case_transition_revert(*, user: User, transition: StatusTransition) -> Case:
    """Take back a case's latest status change: the case returns to the status it had. Only the
    latest change may be taken back; after a later one the case has moved on."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, transition.case_id, Action.CASE_EDIT)
        latest = case.transitions.order_by("-at", "-pk").first()
        if latest is None or latest.pk != transition.pk:
            raise ValidationError({"to_status": ValidationError(
                _("The status of this case has changed since: this change cannot be taken back."),
                code="not_latest",
            )})
        before = case.transitions.exclude(pk=latest.pk).order_by("-at", "-pk").first()
        case.status = latest.from_status
        case.status_changed_at = before.at if before else case.created_at
        if case.status != Status.FOLLOW_UP:
            case.next_visit_due = None
        latest.delete()
        case.save(update_fields=["status", "status_changed_at", "next_visit_due", "updated_at"])
        return case


def identification_outcome_remove(*, user: User, record: IdentificationOutcome) -> None:
    """Remove a recorded outcome (the status it moved the case to is taken back separately)."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, record.case_id, Action.CASE_EDIT)
        IdentificationOutcome.objects.filter(pk=record.pk, case=case).delete()


def followup_visit_remove(*, user: User, visit: FollowUpVisit) -> None:
    """Remove a visit; the next visit due follows the latest visit left (or the plan)."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, visit.case_id, Action.CASE_EDIT)
        FollowUpVisit.objects.filter(pk=visit.pk, case=case).delete()
        latest = case.followup_visits.order_by("-visited_on", "-pk").first()
        plan = case.reintegration_plans.order_by("-starts_on", "-pk").first()
        if latest is not None:
            case.next_visit_due = latest.next_visit_on
        else:
            case.next_visit_due = _first_visit_due(plan) if plan and case.status == Status.FOLLOW_UP else None
        case.save(update_fields=["next_visit_due", "updated_at"])


def reintegration_plan_remove(*, user: User, plan: ReintegrationPlan) -> None:
    """Remove a plan that no visit was recorded under."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, plan.case_id, Action.CASE_EDIT)
        if FollowUpVisit.objects.filter(plan_id=plan.pk).exists():
            raise ValidationError({"plan": ValidationError(
                _("Visits are recorded under this plan: it cannot be removed."), code="has_visits",
            )})
        ReintegrationPlan.objects.filter(pk=plan.pk, case=case).delete()
        if not case.reintegration_plans.exists():
            case.next_visit_due = None
            case.save(update_fields=["next_visit_due", "updated_at"])


def case_close(
    *, user: User, case: Case, reason: str, reason_detail: str = "", closed_on: datetime.date | None = None,
) -> CaseClosure:
    """Close a case with a reason. Closed is final."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_EDIT)
        closure = CaseClosure(
            case=case, reason=reason, reason_detail=reason_detail,
            closed_on=closed_on or timezone.localdate(), closed_by=user,
        )
        errors = FieldErrors()
        errors.clean(closure, exclude=["case"])
        if not errors.errors:
            if closure.closed_on > timezone.localdate():
                errors.add("closed_on", _("This date cannot be in the future."))
            elif closure.closed_on < case.received_on:
                errors.add("closed_on", _("A case cannot close before the reception date."))
            if reason == ClosureReason.OTHER and not closure.reason_detail:
                errors.add("reason_detail", _("Describe the reason for closing."), code="required")
        errors.raise_if_any()
        case.next_visit_due = None
        _transition(case, Status.CLOSED, user=user, reason=str(closure.get_reason_display()))
        closure.save()
        return closure


# ---------------------------------------------------------------------------------------------
# Sharing
# ---------------------------------------------------------------------------------------------

# The agency types each party named in a consent covers (accounts.agency_types). Health services,
# legal aid, family and "other" are no agency type: sharing with them in the system needs an override.
CONSENT_PARTY_AGENCY_TYPES = {
    SharingParty.POLICE: frozenset({"police", "immigration", "border_guard"}),
    SharingParty.SOCIAL_AFFAIRS: frozenset({"social_affairs_department", "ministry"}),
    SharingParty.SOCIAL_CENTRE: frozenset({"social_centre", "victim_support_facility"}),
    SharingParty.PARTNER_ORGANISATION: frozenset({"partner_organisation"}),
    SharingParty.COMMUNE: frozenset({"commune_committee"}),
}
LOG_CONSENT_OVERRIDE = "case.consent_override"


def current_consent(case: Case) -> Consent | None:
    """The victim's latest recorded consent (or refusal) on this case that is not withdrawn."""
    return (
        Consent.objects.filter(case_id=case.pk, person_id=case.person_id, withdrawn_on__isnull=True)
        .order_by("-recorded_on", "-pk").first()
    )


def sharing_consent_check(
    *, user: User, case: Case, grantee_agency: Agency | None = None, grantee_user: User | None = None,
    override_reason: str = "",
) -> tuple[Consent | None, str]:
    """The one consent rule for every share of a case (case_grant_access, the transfer grant).

    Sharing inside the owning agency needs nothing. Otherwise the victim's current consent must name a
    party covering the grantee's agency type; if it does not (no consent, a refusal, another party),
    only an agency manager who may act on the case shares it, with a written reason. Returns the
    consent that allows the share and the override reason kept; raises ValidationError otherwise.
    """
    if grantee_agency is not None:
        agencies = [grantee_agency]
    elif grantee_user is not None:
        agencies = [m.agency for m in grantee_user.active_memberships()]
    else:
        return None, ""
    if any(agency.pk == case.owning_agency_id for agency in agencies):
        return None, ""
    consent = current_consent(case)
    if consent is not None and consent.given:
        covered = frozenset().union(*(CONSENT_PARTY_AGENCY_TYPES.get(p, frozenset()) for p in consent.share_with))
        if any(agency.type.code in covered for agency in agencies):
            return consent, ""
    reason = " ".join((override_reason or "").split())
    if not reason:
        if consent is None:
            message = _("No consent to share information is recorded for this victim.")
        elif not consent.given:
            message = _("The victim refused to share information.")
        else:
            message = _("The victim's consent does not cover sharing with this agency.")
        raise ValidationError({"grantee_agency": ValidationError(
            f"{message} " + gettext("Record the consent first, or an agency manager may share it with a "
                                    "written reason."),
            code="no_consent",
        )})
    if not Case.objects.visible_to(user, Action.CASE_CONSENT_OVERRIDE).filter(pk=case.pk).exists():
        raise ValidationError({"consent_override_reason": ValidationError(
            _("Only an agency manager may share a case beyond the victim's consent."), code="not_manager",
        )})
    return None, _text(reason, "consent_override_reason", 2000)


def case_grant_access(
    *, user: User, case: Case, actions: Iterable[str], reason: str,
    grantee_agency: Agency | None = None, grantee_user: User | None = None,
    expires_at: datetime.datetime | None = None, consent_override_reason: str = "",
) -> CaseAccessGrant:
    """Share one case with another agency or one user (referral, assignment), with a reason, within
    the victim's consent (or beyond it by an agency manager's written override, logged)."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, case, Action.CASE_GRANT)
        errors = FieldErrors()
        actions = set(actions or ())
        if (grantee_agency is None) == (grantee_user is None):
            errors.add("grantee_agency", _("Choose either an agency or a user to share the case with."),
                       code="one_grantee")
        elif grantee_agency is not None and not grantee_agency.is_active:
            errors.add("grantee_agency", _("This agency is no longer active."))
        elif grantee_user is not None and not grantee_user.is_active:
            errors.add("grantee_user", _("This user account is not active."))
        if not actions:
            errors.add("actions", _("Choose what the grantee may do."), code="required")
        elif actions - GRANTABLE_ACTIONS:
            errors.add("actions", _("These actions cannot be shared: %(actions)s."),
                       actions=", ".join(sorted(actions - GRANTABLE_ACTIONS)))
        if expires_at is not None and expires_at <= timezone.now():
            errors.add("expires_at", _("The expiry must be in the future."))
        grant = CaseAccessGrant(
            case=case, grantee_agency=grantee_agency, grantee_user=grantee_user,
            actions=sorted(actions | {Action.CASE_VIEW}), reason=reason, granted_by=user,
            expires_at=expires_at,
        )
        errors.clean(grant, exclude=["grantee_agency", "grantee_user", "actions"])
        errors.raise_if_any()
        grant.consent, grant.consent_override_reason = sharing_consent_check(
            user=user, case=case, grantee_agency=grantee_agency, grantee_user=grantee_user,
            override_reason=consent_override_reason,
        )
        grant.save()
        if grant.consent_override_reason:
            membership = memberships_allowing(user, Action.CASE_CONSENT_OVERRIDE).first()
            _log_row(user, membership.agency_id if membership else None, case, LOG_CONSENT_OVERRIDE, "").save()
        return grant


def consent_withdraw(*, user: User, consent: Consent, withdrawn_on: datetime.date | None = None) -> Consent:
    """The victim withdraws a consent: from now on, the shares it allowed end (revoked, recorded)."""
    with transaction.atomic(), history_context(user):
        case = case_lock(user, consent.case_id, Action.CASE_EDIT)
        try:
            consent = Consent.objects.select_for_update().get(pk=consent.pk, case_id=case.pk)
        except Consent.DoesNotExist:
            raise Http404("No consent matches the given query.") from None
        if consent.withdrawn_on is not None:
            raise ValidationError({"withdrawn_on": _("This consent has already been withdrawn.")})
        withdrawn_on = withdrawn_on or timezone.localdate()
        if withdrawn_on > timezone.localdate():
            raise ValidationError({"withdrawn_on": _("This date cannot be in the future.")})
        if withdrawn_on < consent.recorded_on:
            raise ValidationError({"withdrawn_on": _("A consent cannot be withdrawn before it was recorded.")})
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on"])
        CaseAccessGrant.objects.active().filter(consent=consent).update(revoked_at=timezone.now(), revoked_by=user)
        grants_changed()  # update() sends no signal
        return consent


def case_revoke_grant(*, user: User, grant: CaseAccessGrant) -> CaseAccessGrant:
    with transaction.atomic(), history_context(user):
        try:
            grant = (
                CaseAccessGrant.objects.visible_to(user, Action.CASE_GRANT)
                .select_for_update(of=("self",)).get(pk=grant.pk)
            )
        except CaseAccessGrant.DoesNotExist:
            raise Http404("No grant matches the given query.") from None
        if grant.revoked_at is not None:
            raise ValidationError({"grant": _("This access has already been revoked.")})
        grant.revoked_at = timezone.now()
        grant.revoked_by = user
        grant.save(update_fields=["revoked_at", "revoked_by"])
        return grant


# ---------------------------------------------------------------------------------------------
# Access log
# ---------------------------------------------------------------------------------------------

def _log_row(user, agency, obj, action: str, request_id: str) -> AccessLog:
    return AccessLog(
        user_id=getattr(user, "pk", None), agency_id=getattr(agency, "pk", agency),
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action,
        request_id=(request_id or "")[:64],
    )


def access_log_write(*, user: User, agency: Agency | int | None, obj, action: str, request_id: str = "") -> AccessLog:
    """Record that the user (acting for the agency) read or exported the object. Ids only."""
    row = _log_row(user, agency, obj, action, request_id)
    with transaction.atomic():
        row.save()
    return row


def access_log_write_many(
    *, user: User, agency: Agency | int | None, objects: Iterable, action: str, request_id: str = "",
) -> list[AccessLog]:
    """One row per object, one INSERT: for searches and lists that return victim rows."""
    rows = [_log_row(user, agency, obj, action, request_id) for obj in objects]
    with transaction.atomic():
        return AccessLog.objects.bulk_create(rows)
