"""Writes on support: requests, decisions, deliveries and payments, loans.

Every service is keyword-only, runs in one transaction, validates and raises `ValidationError` keyed
by field (lines as "lines.<n>" / "lines.<n>.<field>", n being the position in the `lines` argument),
and re-checks the acting user's scope inside the transaction: an object outside the user's scope
answers `Http404`. A user in scope without the right role or authority gets `PermissionDenied`.

Invariants kept here (and tested with random sequences in tests/support/test_properties.py):
- per person and item code, what is approved (plus what is still asked for, at request time) never
  exceeds the item's maximum (plus its extension, once approved) nor its maximum amount;
- per approved line, what is delivered or paid never exceeds what was approved;
- a request is decided once (row lock); a decided request never changes, except that a later
  approved request may supersede it (it then stops counting).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Sum, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import documents as official
from accounts import webhooks
from accounts.documents import SigningAuthority
from accounts.formviews import FieldErrors, history_context
from accounts.models import Agency, User
from accounts.roles import Action
from config.uploads import clean_scan
from victims.models import Case, CaseChild, Person
from victims.scoping import memberships_allowing
from victims.services import acting_membership_for, case_lock
from victims.text import clean_text

from .eligibility import Situation, check_eligibility, facts_for
from .models import (
    LOAN_TRANSITIONS,
    DecisionOutcome,
    Delivery,
    DeliveryMethod,
    EntitlementItem,
    Lender,
    LineDecision,
    LineStatus,
    Loan,
    LoanRepayment,
    LoanStatus,
    PdfStatus,
    PolicyParameter,
    PolicyVersion,
    RequestStatus,
    SupportDecision,
    SupportDocument,
    SupportRequest,
    SupportRequestLine,
    Unit,
)
from .policy import amounts_for, item_in_version, version_in_force
from .routing import deciding_agency
from .working_days import add_working_days

# Requests whose lines count against a person's limits.
COUNTING_STATUSES = (RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED)
DECIDED_STATUSES = (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED, RequestStatus.REJECTED)
APPROVED_LINE = (LineStatus.APPROVED, LineStatus.PARTLY_APPROVED)
KEY_MAX_LENGTH = 64
MAX_AMOUNT = 10**12  # one thousand billion đồng: anything above is a typing error


@dataclass
class LineInput:
    """One requested item. `unit_amount` defaults to the policy amount; `amount` is the actual cost
    for items without a fixed amount (and is computed for the others)."""

    item: EntitlementItem
    quantity: int = 1
    unit_amount: int | None = None
    amount: int | None = None
    extension_requested: bool = False
    note: str = ""


@dataclass
class DocumentInput:
    document_type: str
    number: str
    issued_on: datetime.date | None = None
    issued_by: str = ""
    scan: File | None = None


@dataclass
class LineDecisionInput:
    decision: str
    approved_quantity: int | None = None
    approved_amount: int | None = None
    reason: str = ""


@dataclass
class Usage:
    quantity: int = 0
    amount: int = 0
    extension_approved: bool = False


def _text(value: str, key: str, max_length: int) -> str:
    try:
        value = clean_text(value or "")
    except ValidationError as error:
        raise ValidationError({key: error}) from None
    if len(value) > max_length:
        raise ValidationError({key: ValidationError(
            _("Ensure this value has at most %(limit_value)d characters (it has %(show_value)d)."),
            code="max_length", params={"limit_value": max_length, "show_value": len(value)},
        )})
    return value


def _vnd(amount) -> str:
    return f"{int(amount):,}".replace(",", ".") + " ₫"


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _lock_person(person_id: int) -> Person:
    """Serialises everything that counts against one person's limits."""
    return Person.objects.select_for_update().get(pk=person_id)


# ---------------------------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------------------------

def usage_for(
    person, item_code: str, *, include_pending: bool = True, exclude_requests: tuple = (),
) -> Usage:
    """What already counts against a person's limit for an item code (across policy versions):
    approved quantities and amounts of decided lines, and (at request time) what pending requests ask."""
    person_id = person.pk if isinstance(person, Person) else person
    statuses = COUNTING_STATUSES if include_pending else (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED)
    lines = SupportRequestLine.objects.filter(
        request__person_id=person_id, item__code=item_code, request__status__in=statuses,
    ).exclude(request_id__in=[r for r in exclude_requests if r])
    totals = lines.aggregate(
        quantity=Sum(models.Case(
            When(status=LineStatus.PENDING, then=F("quantity")),
            When(status__in=APPROVED_LINE, then=F("approved_quantity")),
            default=0, output_field=models.BigIntegerField(),
        )),
        amount=Sum(models.Case(
            When(status=LineStatus.PENDING, then=F("amount")),
            When(status__in=APPROVED_LINE, then=F("approved_amount")),
            default=0, output_field=models.BigIntegerField(),
        )),
        extended=models.Count("pk", filter=Q(extension_requested=True, status__in=APPROVED_LINE)),
    )
    return Usage(quantity=totals["quantity"] or 0, amount=totals["amount"] or 0,
                 extension_approved=bool(totals["extended"]))


def quantity_limit(item: EntitlementItem, extended: bool) -> int | None:
    if item.max_quantity_per_person is None:
        return None
    extra = item.extension_quantity if (extended and item.extension_quantity) else 0
    return item.max_quantity_per_person + extra


def remaining_for(person, item: EntitlementItem, *, extended: bool = False) -> int | None:
    """How many more days/items of `item` may still be requested for the person (None: no limit)."""
    usage = usage_for(person, item.code)
    limit = quantity_limit(item, extended or usage.extension_approved)
    return None if limit is None else max(limit - usage.quantity, 0)


def _check_limits(errors: FieldErrors, key: str, item: EntitlementItem, usage: Usage, quantity: int, amount: int,
                  extension: bool) -> None:
    limit = quantity_limit(item, extension or usage.extension_approved)
    if limit is not None and usage.quantity + quantity > limit:
        remaining = max(limit - usage.quantity, 0)
        if item.is_one_off and usage.quantity:
            errors.add(key, _("%(item)s is a one-off and has already been granted or requested for this person."),
                       code="one_off", item=item.name)
        elif item.extension_quantity and not extension and not usage.extension_approved:
            errors.add(key, _("Only %(remaining)s more of %(item)s can be given (maximum %(max)s) unless an "
                              "extension is requested and approved."),
                       code="limit", item=item.name_in_sentence, remaining=remaining, max=limit)
        else:
            errors.add(key, _("Only %(remaining)s more of %(item)s can be given (maximum %(max)s)."),
                       code="limit", item=item.name_in_sentence, remaining=remaining, max=limit)
    if item.max_amount_per_person is not None and usage.amount + amount > item.max_amount_per_person:
        errors.add(key, _("Only %(remaining)s more can be given for %(item)s (maximum %(max)s per person)."),
                   code="amount_limit", item=item.name_in_sentence,
                   remaining=_vnd(max(item.max_amount_per_person - usage.amount, 0)),
                   max=_vnd(item.max_amount_per_person))


# ---------------------------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------------------------

def _requests_for_key(user, key: str) -> list[SupportRequest] | None:
    found = list(SupportRequest.objects.filter(submission_key__startswith=f"{key}:").order_by("pk"))
    if not found:
        return None
    if any(r.requested_by_id != user.pk for r in found):
        raise ValidationError({"idempotency_key": ValidationError(
            _("This form has already been used. Open a new form."), code="reused",
        )})
    return found


def support_request_create(
    *, user: User, agency: Agency, case: Case, person: Person, application_date: datetime.date,
    lines: list[LineInput], documents: list[DocumentInput] = (), in_facility_stay: bool = False,
    note: str = "", supersedes: SupportRequest | None = None, idempotency_key: str = "",
) -> list[SupportRequest]:
    """Request support for a person of a case, on behalf of the user's agency.

    The policy version in force on the application date is applied and stored. Items decided by
    different authorities become separate requests, each routed to the agency holding the authority
    for the case (e.g. the department of the case's province). Returns the requests made; submitting
    the same form (`idempotency_key`) again returns them instead of making new ones.
    """
    key = _text(idempotency_key, "idempotency_key", KEY_MAX_LENGTH)
    if key and (existing := _requests_for_key(user, key)):
        return existing
    try:
        return _create_requests(
            user=user, agency=agency, case=case, person=person, application_date=application_date,
            lines=list(lines), documents=list(documents), in_facility_stay=in_facility_stay,
            note=note, supersedes=supersedes, key=key,
        )
    except IntegrityError:
        if key and (existing := _requests_for_key(user, key)):
            return existing
        raise


def support_request_check(
    *, user: User, agency: Agency, case: Case, person: Person, application_date: datetime.date,
    lines: list[LineInput], documents: list[DocumentInput] = (), in_facility_stay: bool = False,
    supersedes: SupportRequest | None = None,
) -> None:
    """The checks of support_request_create (eligibility, limits, documents) without writing: a form
    that is not complete yet still shows every error the request would meet, all at once."""
    _create_requests(user=user, agency=agency, case=case, person=person, application_date=application_date,
                     lines=list(lines), documents=list(documents), in_facility_stay=in_facility_stay,
                     note="", supersedes=supersedes, key="", check_only=True)


def _create_requests(*, user, agency, case, person, application_date, lines, documents, in_facility_stay,
                     note, supersedes, key, check_only: bool = False) -> list[SupportRequest]:
    note = _text(note, "note", 2000)
    with transaction.atomic(), history_context(user):
        acting_membership_for(user, agency, Action.SUPPORT_REQUEST)
        case = case_lock(user, case, Action.SUPPORT_REQUEST)
        errors = FieldErrors()
        is_child = CaseChild.objects.filter(case=case, person_id=person.pk).exists()
        if person.pk != case.person_id and not is_child:
            raise ValidationError({"person": ValidationError(
                _("Choose the victim of this case or a child who came with them."), code="not_in_case",
            )})
        person = _lock_person(person.pk)

        today = timezone.localdate()
        if application_date is None:
            errors.add("application_date", _("Enter the application date."), code="required")
            errors.raise_if_any()
        if application_date > today:
            errors.add("application_date", _("This date cannot be in the future."), code="future")
        if application_date < case.received_on:
            errors.add("application_date", _("The application date is before the reception date (%(date)s)."),
                       code="before_reception", date=_date(case.received_on))
        errors.raise_if_any()

        version = version_in_force(application_date, case.province)
        if version is None:
            raise ValidationError({"application_date": ValidationError(
                _("No support policy is in force on %(date)s."), code="no_version",
                params={"date": _date(application_date)},
            )})
        if not lines:
            raise ValidationError({"lines": ValidationError(_("Choose at least one item."), code="required")})

        if supersedes is not None:
            supersedes = _check_supersedable(case, person, supersedes)

        documents = [_clean_document(errors, i, d) for i, d in enumerate(documents)]
        situation = Situation(
            in_facility_stay=in_facility_stay,
            document_types=frozenset(d.document_type for d in documents),
        )
        facts = facts_for(person=person, case=case, on=application_date)
        amounts = amounts_for([line.item for line in lines], case.province, application_date)
        seen: set[str] = set()
        prepared: list[tuple[LineInput, SupportRequestLine]] = []
        for index, line in enumerate(lines):
            prepared_line = _prepare_line(
                errors, index, line, version=version, amounts=amounts, seen=seen, person=person, case=case,
                application_date=application_date, situation=situation, facts=facts, supersedes=supersedes,
            )
            if prepared_line is not None:
                prepared.append((line, prepared_line))
        errors.raise_if_any()
        if check_only:
            return []

        groups: dict[str, list[SupportRequestLine]] = defaultdict(list)
        for line, prepared_line in prepared:
            groups[line.item.deciding_authority].append(prepared_line)
        routes = {}
        for authority in groups:
            routes[authority] = deciding_agency(authority, case, agency)

        created = []
        stored_scans: dict[int, str] = {}
        for authority, request_lines in groups.items():
            deadline = max(line.item.deadline_days for line in request_lines)
            request = SupportRequest.objects.create(
                case=case, person=person, version=version, requesting_agency=agency, requested_by=user,
                authority=authority, deciding_agency=routes[authority], application_date=application_date,
                due_date=add_working_days(application_date, deadline), in_facility_stay=in_facility_stay,
                note=note, submission_key=f"{key}:{authority}" if key else "",
            )
            for line in request_lines:
                line.request = request
                line.save()
            for index, document in enumerate(documents):
                row = SupportDocument(
                    request=request, document_type=document.document_type, number=document.number,
                    issued_on=document.issued_on, issued_by=document.issued_by, uploaded_by=user,
                )
                if index in stored_scans:
                    row.scan.name = stored_scans[index]
                elif document.scan is not None:
                    row.scan = document.scan
                row.save()
                if row.scan:
                    stored_scans[index] = row.scan.name
            created.append(request)
        if supersedes is not None:
            # One new request replaces the old decision: the one about the same items, else the first.
            old_codes = set(supersedes.lines.values_list("item__code", flat=True))
            target = next((r for r in created if old_codes & {line.item.code for line in groups[r.authority]}),
                          created[0])
            target.supersedes = supersedes
            target.save(update_fields=["supersedes", "updated_at"])
        if not SupportRequest.objects.visible_to(user, Action.SUPPORT_REQUEST).filter(
            pk__in=[r.pk for r in created]
        ).count() == len(created):
            raise Http404("No case matches the given query.")
        return created


def _check_supersedable(case, person, old: SupportRequest) -> SupportRequest:
    try:
        old = SupportRequest.objects.select_for_update(of=("self",)).get(pk=old.pk, case=case)
    except SupportRequest.DoesNotExist:
        raise ValidationError({"supersedes": ValidationError(
            _("The request to supersede is not part of this case."), code="invalid",
        )}) from None
    if old.person_id != person.pk:
        raise ValidationError({"supersedes": ValidationError(
            _("A new request supersedes a decision for the same person."), code="other_person",
        )})
    if old.status not in DECIDED_STATUSES:
        raise ValidationError({"supersedes": ValidationError(
            _("Only a decided request can be superseded."), code="not_decided",
        )})
    if SupportRequest.objects.filter(supersedes=old, status=RequestStatus.PENDING).exists():
        raise ValidationError({"supersedes": ValidationError(
            _("Another request superseding this decision is already waiting for a decision."), code="pending",
        )})
    if Delivery.objects.filter(line__request=old).exists():
        raise ValidationError({"supersedes": ValidationError(
            _("Support has already been delivered or paid under this decision; it cannot be superseded."),
            code="delivered",
        )})
    return old


def _clean_document(errors: FieldErrors, index: int, document: DocumentInput) -> DocumentInput:
    from .models import DocumentType

    key = f"documents.{index}"
    if document.document_type not in DocumentType.values:
        errors.add(f"{key}.document_type", _("Choose the kind of document."), code="invalid")
    number = _text(document.number, f"{key}.number", 60)
    if not number:
        errors.add(f"{key}.number", _("Enter the document's number."), code="required")
    if document.issued_on and document.issued_on > timezone.localdate():
        errors.add(f"{key}.issued_on", _("This date cannot be in the future."), code="future")
    try:
        scan = clean_scan(document.scan)
    except ValidationError as error:
        errors.add(f"{key}.scan", error.messages[0], code=error.code)
        scan = None
    return DocumentInput(document_type=document.document_type, number=number, issued_on=document.issued_on,
                         issued_by=_text(document.issued_by, f"{key}.issued_by", 255), scan=scan)


def _prepare_line(errors, index, line: LineInput, *, version, amounts, seen, person, case, application_date,
                  situation, facts, supersedes) -> SupportRequestLine | None:
    key = f"lines.{index}"
    item = line.item
    if item.version_id != version.pk:
        errors.add(key, _("%(item)s is not part of %(version)s, the policy in force on %(date)s."),
                   code="wrong_version", item=item.name, version=version.short_name, date=_date(application_date))
        return None
    if item.code in seen:
        errors.add(key, _("%(item)s is listed twice."), code="duplicate", item=item.name)
        return None
    seen.add(item.code)
    eligibility = check_eligibility(person=person, case=case, item=item, on=application_date,
                                    situation=situation, facts=facts)
    if not eligibility:
        for reason in eligibility.reasons:
            errors.add(key, reason.message, code=f"ineligible_{reason.code}")
        return None

    quantity = line.quantity
    if quantity is None or quantity < 1:
        errors.add(f"{key}.quantity", _("Enter a quantity of at least 1."), code="min_value")
        return None
    if item.is_one_off and quantity != 1:
        errors.add(f"{key}.quantity", _("A one-off item is given once: the quantity is 1."), code="one_off")
        return None
    policy_amount = amounts.get(item.pk)
    if item.unit != Unit.ACTUAL_COST and policy_amount is not None:
        unit_amount = policy_amount if line.unit_amount is None else line.unit_amount
        if unit_amount < 0:
            errors.add(f"{key}.unit_amount", _("The amount cannot be negative."), code="min_value")
            return None
        if unit_amount > policy_amount:
            errors.add(f"{key}.unit_amount", _("The amount cannot be more than %(amount)s %(unit)s set by the policy."),
                       code="above_policy", amount=_vnd(policy_amount), unit=item.get_unit_display())
            return None
        amount = quantity * unit_amount
    else:
        unit_amount = 0
        amount = line.amount
        if amount is None:
            errors.add(f"{key}.amount", _("Enter the cost."), code="required")
            return None
        if amount < 0:
            errors.add(f"{key}.amount", _("The amount cannot be negative."), code="min_value")
            return None
        if policy_amount is not None and amount > policy_amount * quantity:
            errors.add(f"{key}.amount", _("The amount cannot be more than %(amount)s set by the policy."),
                       code="above_policy", amount=_vnd(policy_amount * quantity))
            return None
    if amount > MAX_AMOUNT:
        errors.add(f"{key}.amount", _("This amount is too large."), code="max_value")
        return None

    usage = usage_for(person, item.code, exclude_requests=(supersedes.pk if supersedes else None,))
    base_limit = quantity_limit(item, extended=False)
    extension = bool(line.extension_requested)
    if extension and not item.extension_quantity:
        errors.add(f"{key}.extension_requested", _("%(item)s cannot be extended."), code="no_extension",
                   item=item.name)
        return None
    if extension and (base_limit is None or usage.quantity + quantity <= base_limit or usage.extension_approved):
        extension = False  # within the maximum: nothing to extend
    before = len(errors.errors.get(key, []))
    _check_limits(errors, key, item, usage, quantity, amount, extension)
    if len(errors.errors.get(key, [])) > before:
        return None
    return SupportRequestLine(
        item=item, item_name=item.name_vi, legal_basis=item.citation, quantity=quantity, unit_amount=unit_amount, amount=amount, extension_requested=extension,
        note=_text(line.note, f"{key}.note", 500),
    )


# ---------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------

def can_decide(user, request: SupportRequest) -> bool:
    """Is the user a competent approver for this request (and not its requester)?"""
    return (
        request.is_pending
        and request.requested_by_id != user.pk
        and memberships_allowing(user, Action.SUPPORT_DECIDE).filter(agency_id=request.deciding_agency_id).exists()
    )


def document_number(number: int, agency: Agency) -> str:
    """'12/QĐ-SYT-LS': number / kind of document (QĐ: quyết định) - issuing agency's code."""
    return official.document_symbol(number, official.DocumentType.DECISION, agency)


def support_request_decide(
    *, user: User, request: SupportRequest, lines: dict[int, LineDecisionInput], note: str = "",
    decision_date: datetime.date | None = None, signing_authority: str = SigningAuthority.HEAD,
    signer_title: str = "",
) -> SupportDecision:
    """Approve, partly approve or reject a request, line by line (`lines`: line id -> decision).

    Decided once: the request row is locked and must still be pending. Only an approver of the
    deciding agency may decide, and never the person who made the request. Approvals are checked
    against the person's limits again (other requests may have been approved meanwhile); approved
    decisions get a document number from the agency's register and their PDF is rendered by a Celery
    task after commit. `signing_authority` (head, KT., TM., Q., TL., TUQ.) and the signer's own title
    are stored with the decision and printed in its signing block.
    """
    note = _text(note, "note", 2000)
    signer_title = _text(signer_title, "signer_title", 120)
    with transaction.atomic(), history_context(user):
        try:
            request = (
                SupportRequest.objects.visible_to(user, Action.SUPPORT_DECIDE)
                .select_for_update(of=("self",)).select_related("deciding_agency", "version").get(pk=request.pk)
            )
        except SupportRequest.DoesNotExist:
            raise Http404("No support request matches the given query.") from None
        if not request.is_pending:
            raise ValidationError({"__all__": ValidationError(
                _("This request has already been decided (%(status)s)."), code="already_decided",
                params={"status": request.get_status_display()},
            )})
        membership = memberships_allowing(user, Action.SUPPORT_DECIDE).filter(
            agency_id=request.deciding_agency_id
        ).select_related("agency").first()
        if membership is None:
            raise PermissionDenied(gettext("Only an approver of %(agency)s may decide this request.") % {
                "agency": request.deciding_agency.name,
            })
        if request.requested_by_id == user.pk:
            raise PermissionDenied(gettext("You cannot decide a request you made yourself."))
        _lock_person(request.person_id)

        errors = FieldErrors()
        today = timezone.localdate()
        decision_date = decision_date or today
        if decision_date > today:
            errors.add("decision_date", _("This date cannot be in the future."), code="future")
        elif decision_date < request.application_date:
            errors.add("decision_date", _("The decision cannot be dated before the application (%(date)s)."),
                       code="before_application", date=_date(request.application_date))
        if signing_authority not in SigningAuthority.values:
            errors.add("signing_authority", _("Choose how the decision is signed."), code="invalid")
        elif SigningAuthority(signing_authority).needs_signer_title and not signer_title:
            errors.add("signer_title", _("Enter the title of the official who signs."), code="required")

        request_lines = list(request.lines.select_related("item").order_by("pk"))
        for line in request_lines:
            given = lines.get(line.pk)
            _decide_line(errors, line, given, request)
        errors.raise_if_any()

        approved = [line for line in request_lines if line.status in APPROVED_LINE]
        if not approved:
            outcome = DecisionOutcome.REJECTED
        elif all(line.status == LineStatus.APPROVED for line in request_lines):
            outcome = DecisionOutcome.APPROVED
        else:
            outcome = DecisionOutcome.PARTLY_APPROVED
        for line in request_lines:
            line.save(update_fields=["status", "approved_quantity", "approved_amount", "decision_reason"])

        decision = SupportDecision(
            request=request, agency=membership.agency, decided_by=user, decision_date=decision_date,
            outcome=outcome, note=note, year=decision_date.year, signing_authority=signing_authority,
            signer_title=signer_title,
        )
        if outcome != DecisionOutcome.REJECTED:
            issued = official.document_number_issue(
                agency=membership.agency, document_type=official.DocumentType.DECISION, year=decision_date.year,
            )
            decision.number, decision.document_number = issued.number, issued.symbol
            decision.pdf_status = PdfStatus.PENDING
        decision.save()
        request.status = outcome  # the outcome codes are request statuses
        request.save(update_fields=["status", "updated_at"])

        if request.supersedes_id and outcome != DecisionOutcome.REJECTED:
            old = SupportRequest.objects.select_for_update(of=("self",)).get(pk=request.supersedes_id)
            if Delivery.objects.filter(line__request=old).exists():
                raise ValidationError({"__all__": ValidationError(
                    _("Support was delivered under the decision this request supersedes; it cannot be replaced."),
                    code="delivered",
                )})
            old.status = RequestStatus.SUPERSEDED
            old.save(update_fields=["status", "updated_at"])

        if decision.pdf_status == PdfStatus.PENDING:
            from .tasks import render_decision_pdf

            render_decision_pdf.delay_on_commit(decision.pk)
        webhooks.publish("support.decision_made", decision)  # to the API clients subscribed (after commit)
        return decision


def _decide_line(errors: FieldErrors, line: SupportRequestLine, given: LineDecisionInput | None, request) -> None:
    key = f"lines.{line.pk}"
    item = line.item
    if given is None or given.decision not in LineDecision.values:
        errors.add(f"{key}.decision", _("Choose approve, approve in part or reject."), code="required")
        return
    reason = _text(given.reason, f"{key}.reason", 2000)
    if given.decision == LineDecision.APPROVE:
        quantity, amount = line.quantity, line.amount
    elif given.decision == LineDecision.REJECT:
        quantity, amount = 0, 0
    else:
        quantity = line.quantity if given.approved_quantity is None else given.approved_quantity
        if quantity < 0 or quantity > line.quantity:
            errors.add(f"{key}.approved_quantity", _("Approve between 0 and %(max)s."), code="range", max=line.quantity)
            return
        priced = bool(line.unit_amount)
        if given.approved_amount is None or (priced and given.approved_amount == line.amount):
            # Priced per unit: the amount follows the quantity (an untouched, prefilled amount too).
            amount = quantity * line.unit_amount if priced else (line.amount if quantity == line.quantity else None)
            if amount is None:
                errors.add(f"{key}.approved_amount", _("Enter the amount approved."), code="required")
                return
        else:
            amount = given.approved_amount
        ceiling = quantity * line.unit_amount if line.unit_amount else line.amount
        if amount < 0 or amount > min(ceiling, line.amount):
            errors.add(f"{key}.approved_amount", _("Approve between 0 and %(max)s."), code="range",
                       max=_vnd(min(ceiling, line.amount)))
            return
    if quantity == 0 or (amount == 0 and line.amount > 0):
        line.status, quantity, amount = LineStatus.REJECTED, 0, 0
    elif quantity == line.quantity and amount == line.amount:
        line.status = LineStatus.APPROVED
    else:
        line.status = LineStatus.PARTLY_APPROVED
    if line.status != LineStatus.APPROVED and not reason:
        errors.add(f"{key}.reason", _("Give the reason for rejecting or reducing this item."), code="required")
        return
    if line.status != LineStatus.REJECTED:
        usage = usage_for(request.person_id, item.code, include_pending=False,
                          exclude_requests=(request.pk, request.supersedes_id))
        before = len(errors.errors.get(key, []))
        _check_limits(errors, key, item, usage, quantity, amount, line.extension_requested)
        if len(errors.errors.get(key, [])) > before:
            return
    line.approved_quantity, line.approved_amount, line.decision_reason = quantity, amount, reason


def decision_requeue_pdf(*, user: User, decision: SupportDecision) -> SupportDecision:
    """Render a decision's PDF again (after a failure), for users who may see the decision."""
    with transaction.atomic(), history_context(user):
        try:
            decision = SupportDecision.objects.visible_to(user, Action.SUPPORT_VIEW).select_for_update(
                of=("self",)).get(pk=decision.pk)
        except SupportDecision.DoesNotExist:
            raise Http404("No decision matches the given query.") from None
        if decision.outcome == DecisionOutcome.REJECTED:
            raise ValidationError({"__all__": ValidationError(_("A rejection has no decision document."))})
        if decision.recorded_from_register:
            raise ValidationError({"__all__": ValidationError(
                _("This decision was taken on paper: its document is the paper one."), code="paper",
            )})
        if decision.pdf_status == PdfStatus.PENDING:
            return decision
        decision.pdf_status = PdfStatus.PENDING
        decision.pdf_error = ""
        decision.save(update_fields=["pdf_status", "pdf_error"])
        from .tasks import render_decision_pdf

        render_decision_pdf.delay_on_commit(decision.pk)
        return decision


# ---------------------------------------------------------------------------------------------
# Delivery and payment
# ---------------------------------------------------------------------------------------------

def delivery_record(
    *, user: User, agency: Agency, line: SupportRequestLine, delivered_on: datetime.date, method: str,
    quantity: int = 0, amount: int = 0, delivered_by_name: str = "", receipt_number: str = "",
    receipt_scan: File | None = None, note: str = "", idempotency_key: str = "",
) -> Delivery:
    """Record what was delivered or paid against an approved line; never more than approved."""
    key = _text(idempotency_key, "idempotency_key", KEY_MAX_LENGTH)
    if key and (existing := Delivery.objects.filter(submission_key=key).first()):
        if existing.recorded_by_id != user.pk:
            raise ValidationError({"idempotency_key": _("This form has already been used. Open a new form.")})
        return existing
    try:
        with transaction.atomic(), history_context(user):
            return _record_delivery(
                user=user, agency=agency, line=line, delivered_on=delivered_on, method=method, quantity=quantity,
                amount=amount, delivered_by_name=delivered_by_name, receipt_number=receipt_number,
                receipt_scan=receipt_scan, note=note, key=key,
            )
    except IntegrityError:
        if key and (existing := Delivery.objects.filter(submission_key=key, recorded_by=user).first()):
            return existing
        raise


def _record_delivery(*, user, agency, line, delivered_on, method, quantity, amount, delivered_by_name,
                     receipt_number, receipt_scan, note, key) -> Delivery:
    acting_membership_for(user, agency, Action.SUPPORT_DELIVER)
    try:
        line = (
            SupportRequestLine.objects.visible_to(user, Action.SUPPORT_DELIVER)
            .select_for_update(of=("self",)).select_related("request", "item").get(pk=line.pk)
        )
    except SupportRequestLine.DoesNotExist:
        raise Http404("No approved item matches the given query.") from None
    request = line.request
    errors = FieldErrors()
    if request.status not in (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED) or not line.is_approved:
        raise ValidationError({"line": ValidationError(
            _("Only approved items of a decision in force can be delivered or paid."), code="not_approved",
        )})
    if SupportRequest.objects.filter(supersedes=request, status=RequestStatus.PENDING).exists():
        raise ValidationError({"line": ValidationError(
            _("A request superseding this decision is waiting for a decision: deliver after it is decided."),
            code="being_superseded",
        )})
    decided_on = request.decision.decision_date
    if method not in DeliveryMethod.values:
        errors.add("method", _("Choose how the support was given."), code="invalid")
    if delivered_on is None:
        errors.add("delivered_on", _("Enter the date."), code="required")
    elif delivered_on > timezone.localdate():
        errors.add("delivered_on", _("This date cannot be in the future."), code="future")
    elif delivered_on < decided_on:
        errors.add("delivered_on", _("Support is delivered after the decision (%(date)s)."), code="before_decision",
                   date=_date(decided_on))
    quantity, amount = int(quantity or 0), int(amount or 0)
    if quantity < 0:
        errors.add("quantity", _("The quantity cannot be negative."), code="min_value")
    if amount < 0:
        errors.add("amount", _("The amount cannot be negative."), code="min_value")
    if quantity == 0 and amount == 0 and not errors.errors:
        errors.add("amount", _("Enter the amount paid or the quantity delivered."), code="required")
    totals = line.deliveries.aggregate(quantity=Sum("quantity"), amount=Sum("amount"))
    delivered_quantity, paid = totals["quantity"] or 0, totals["amount"] or 0
    if quantity > 0 and delivered_quantity + quantity > line.approved_quantity:
        errors.add("quantity", _("Only %(remaining)s more can be delivered (approved: %(approved)s)."), code="above_approval",
                   remaining=max(line.approved_quantity - delivered_quantity, 0), approved=line.approved_quantity)
    if amount > 0 and paid + amount > line.approved_amount:
        errors.add("amount", _("Only %(remaining)s more can be paid (approved: %(approved)s)."), code="above_approval",
                   remaining=_vnd(max(line.approved_amount - paid, 0)), approved=_vnd(line.approved_amount))
    try:
        receipt_scan = clean_scan(receipt_scan)
    except ValidationError as error:
        errors.add("receipt_scan", error.messages[0], code=error.code)
    errors.raise_if_any()
    delivery = Delivery(
        line=line, delivered_on=delivered_on, method=method, quantity=quantity, amount=amount,
        delivered_by_agency=agency, delivered_by_name=_text(delivered_by_name, "delivered_by_name", 150),
        receipt_number=_text(receipt_number, "receipt_number", 60), note=_text(note, "note", 500),
        recorded_by=user, submission_key=key,
    )
    if receipt_scan is not None:
        delivery.receipt_scan = receipt_scan
    delivery.save()
    return delivery


# ---------------------------------------------------------------------------------------------
# Support given before the system, from an agency's register (imports)
# ---------------------------------------------------------------------------------------------

# Errors of the request and decision helpers on a line ("lines.<n>[.<field>]") -> this service's arguments.
_LINE_FIELDS = {"quantity": "quantity", "approved_quantity": "quantity", "unit_amount": "amount", "amount": "amount",
                "approved_amount": "amount", "note": "note"}
# Errors on the line as a whole that are about how much, not about which item.
_LINE_CODES = {"amount_limit": "amount", "limit": "quantity", "one_off": "quantity"}


def _historical_key(key: str, code: str | None, date_key: str) -> str:
    if key in ("application_date", "decision_date"):
        return date_key
    if key in ("lines", "line", "person"):
        return "item_code"
    if key.startswith("lines."):
        field = key.split(".", 2)[2] if key.count(".") >= 2 else ""
        return _LINE_FIELDS.get(field, "amount") if field else _LINE_CODES.get(code, "item_code")
    return key


def _historical_errors(error: ValidationError, date_key: str) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list] = {}
    for key, errors in error.error_dict.items():
        for item_error in errors:
            renamed.setdefault(_historical_key(key, item_error.code, date_key), []).append(item_error)
    return ValidationError(renamed)


def support_record_historical_delivery(
    *, user: User, agency: Agency, case: Case, item_code: str, delivered_on: datetime.date, method: str,
    decision_number: str, decision_date: datetime.date | None = None, quantity: int | None = None,
    amount: int | None = None, in_facility_stay: bool = False, note: str = "",
) -> Delivery:
    """Record support given to the victim of a case under a paper decision, as an agency's register
    writes it: the request, its approved line and the delivery, in one transaction.

    The rules are the UI's: the request goes through the same path (eligibility, the version in force
    on the decision date, or the delivery date without one, amounts of the policy and the province,
    limits per person, scope of the case), then the delivery through `_record_delivery`. Only the
    authority differs: the paper decision written in the register, so nobody decides in the system
    (the importing user is not made to decide their own request). The decision keeps the paper's
    number and is marked `recorded_from_register`; it takes no number from the agency's register and
    has no document rendered. Errors are keyed by this function's arguments.
    """
    date_key = "decision_date" if decision_date else "delivered_on"
    try:
        with transaction.atomic(), history_context(user):
            return _record_historical(
                user=user, agency=agency, case=case, item_code=item_code, delivered_on=delivered_on, method=method,
                decision_number=decision_number, decision_date=decision_date, quantity=quantity, amount=amount,
                in_facility_stay=in_facility_stay, note=note,
            )
    except ValidationError as error:
        raise _historical_errors(error, date_key) from None


def _record_historical(*, user, agency, case, item_code, delivered_on, method, decision_number, decision_date,
                       quantity, amount, in_facility_stay, note) -> Delivery:
    acting_membership_for(user, agency, Action.SUPPORT_DELIVER)
    case = case_lock(user, case, Action.SUPPORT_DELIVER)
    errors = FieldErrors()
    decision_number = _text(decision_number, "decision_number", 60)
    if not decision_number:
        errors.add("decision_number", _("Enter the number of the paper decision the support was given under."),
                   code="required")
    if delivered_on is None:
        errors.add("delivered_on", _("Enter the date."), code="required")
    if not item_code:
        errors.add("item_code", _("Choose an item of the support policy."), code="required")
    errors.raise_if_any()
    decided_on = decision_date or delivered_on
    version = version_in_force(decided_on, case.province)
    if version is None:
        raise ValidationError({"decision_date": ValidationError(
            _("No support policy is in force on %(date)s."), code="no_version", params={"date": _date(decided_on)},
        )})
    item = item_in_version(version, item_code)
    if item is None:
        known = EntitlementItem.objects.filter(code=item_code).order_by("-version__valid_from").first()
        if known is None:
            raise ValidationError({"item_code": ValidationError(
                _("Choose an item of the support policy."), code="invalid",
            )})
        raise ValidationError({"item_code": ValidationError(
            _("%(item)s is not part of %(version)s, the policy in force on %(date)s."), code="wrong_version",
            params={"item": known.name, "version": version.short_name, "date": _date(decided_on)},
        )})
    quantity = quantity or 1
    unit_amount = None
    priced = item.unit != Unit.ACTUAL_COST and amounts_for([item], case.province, decided_on)[item.pk] is not None
    if priced and amount is not None:
        unit_amount = -(-amount // quantity)  # rounded up: the check against the policy amount stays strict
    [request] = _create_requests(
        user=user, agency=agency, case=case, person=case.person, application_date=decided_on,
        lines=[LineInput(item=item, quantity=quantity, unit_amount=unit_amount, amount=amount)], documents=[],
        in_facility_stay=in_facility_stay, note="", supersedes=None, key="",
    )
    line = request.lines.select_related("item").get()
    paid = line.amount if amount is None else amount
    if paid == line.amount:
        given = LineDecisionInput(decision=LineDecision.APPROVE)
    else:  # the amount paid, rounded down from the request's amount per unit
        given = LineDecisionInput(decision=LineDecision.PARTLY, approved_quantity=quantity, approved_amount=paid,
                                  reason=gettext("As given under the paper decision."))
    errors = FieldErrors()
    _decide_line(errors, line, given, request)
    errors.raise_if_any()
    line.save(update_fields=["status", "approved_quantity", "approved_amount", "decision_reason"])
    outcome = DecisionOutcome.APPROVED if line.status == LineStatus.APPROVED else DecisionOutcome.PARTLY_APPROVED
    SupportDecision.objects.create(
        request=request, agency=request.deciding_agency, decided_by=user, decision_date=decided_on,
        outcome=outcome, year=decided_on.year, document_number=decision_number, pdf_status=PdfStatus.NOT_NEEDED,
        recorded_from_register=True,
    )
    request.status = outcome
    request.save(update_fields=["status", "updated_at"])
    return _record_delivery(
        user=user, agency=agency, line=line, delivered_on=delivered_on, method=method, quantity=quantity,
        amount=amount or 0, delivered_by_name="", receipt_number="", receipt_scan=None, note=note, key="",
    )


def _historical_parts(delivery: Delivery):
    line = delivery.line
    request = line.request
    return line, request, getattr(request, "decision", None)


def support_historical_delivery_changed_since(delivery: Delivery, when: datetime.datetime) -> bool:
    """Whether anything of what `support_record_historical_delivery` wrote changed after `when`: the
    delivery, its line, request or decision edited, another delivery against the line, a request
    superseding the decision."""
    line, request, decision = _historical_parts(delivery)
    if request.updated_at > when or line.deliveries.exclude(pk=delivery.pk).exists():
        return True
    if SupportRequest.objects.filter(supersedes=request).exists():
        return True
    edited = [(Delivery, delivery.pk), (SupportRequestLine, line.pk), (SupportRequest, request.pk)]
    if decision is not None:
        edited.append((SupportDecision, decision.pk))
    return any(
        model.pgh_event_model.objects.filter(pgh_obj_id=pk, pgh_created_at__gt=when, pgh_label="update").exists()
        for model, pk in edited
    )


def support_historical_delivery_undo(*, user: User, delivery: Delivery) -> None:
    """Remove what `support_record_historical_delivery` wrote: the delivery, the decision, the line and
    the request (history records the deletions). Refused for support recorded in the system, and
    once another delivery or request hangs off it."""
    with transaction.atomic(), history_context(user):
        try:
            delivery = (
                Delivery.objects.visible_to(user, Action.SUPPORT_DELIVER).select_for_update(of=("self",))
                .select_related("line__request__decision").get(pk=delivery.pk)
            )
        except Delivery.DoesNotExist:
            raise Http404("No delivery matches the given query.") from None
        line, request, decision = _historical_parts(delivery)
        request = SupportRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        if decision is None or not decision.recorded_from_register:
            raise ValidationError({"__all__": ValidationError(
                _("Only support recorded from a register can be removed this way."), code="not_from_register",
            )})
        if (Delivery.objects.filter(line__request=request).exclude(pk=delivery.pk).exists()
                or SupportRequest.objects.filter(supersedes=request).exists()):
            raise ValidationError({"__all__": ValidationError(
                _("Other support has been recorded against this decision since; it cannot be removed."),
                code="changed",
            )})
        delivery.delete()
        decision.delete()
        request.lines.all().delete()
        request.delete()


# ---------------------------------------------------------------------------------------------
# Loans (regime 6)
# ---------------------------------------------------------------------------------------------

def loan_create(
    *, user: User, agency: Agency, case: Case, lender: str, amount: int, term_months: int, purpose: str,
    applied_on: datetime.date, lender_name: str = "", interest_rate=None, idempotency_key: str = "",
) -> Loan:
    """Record a preferential loan applied for by the victim of a case (the lender decides)."""
    key = _text(idempotency_key, "idempotency_key", KEY_MAX_LENGTH)
    if key and (existing := Loan.objects.filter(submission_key=key).first()):
        if existing.recorded_by_id != user.pk:
            raise ValidationError({"idempotency_key": _("This form has already been used. Open a new form.")})
        return existing
    with transaction.atomic(), history_context(user):
        acting_membership_for(user, agency, Action.SUPPORT_DELIVER)
        case = case_lock(user, case, Action.SUPPORT_DELIVER)
        errors = FieldErrors()
        if lender not in Lender.values:
            errors.add("lender", _("Choose the lender."), code="invalid")
        lender_name = _text(lender_name, "lender_name", 255)
        if lender == Lender.OTHER and not lender_name:
            errors.add("lender_name", _("Name the lender."), code="required")
        if amount is None or amount <= 0:
            errors.add("amount", _("Enter an amount above zero."), code="min_value")
        elif amount > MAX_AMOUNT:
            errors.add("amount", _("This amount is too large."), code="max_value")
        if not term_months or term_months <= 0 or term_months > 240:
            errors.add("term_months", _("Enter a term between 1 and 240 months."), code="range")
        if interest_rate is not None and not (0 <= interest_rate <= 100):
            errors.add("interest_rate", _("Enter a rate between 0 and 100."), code="range")
        purpose = _text(purpose, "purpose", 255)
        if not purpose:
            errors.add("purpose", _("Say what the loan is for."), code="required")
        if applied_on is None:
            errors.add("applied_on", _("Enter the date."), code="required")
        elif applied_on > timezone.localdate():
            errors.add("applied_on", _("This date cannot be in the future."), code="future")
        elif applied_on < case.received_on:
            errors.add("applied_on", _("The application date is before the reception date (%(date)s)."),
                       code="before_reception", date=_date(case.received_on))
        errors.raise_if_any()
        try:
            with transaction.atomic():
                return Loan.objects.create(
                    case=case, person=case.person, lender=lender, lender_name=lender_name, amount=amount,
                    term_months=term_months, interest_rate=interest_rate, purpose=purpose, applied_on=applied_on,
                    agency=agency, recorded_by=user, submission_key=key,
                )
        except IntegrityError:
            existing = Loan.objects.filter(submission_key=key, recorded_by=user).first() if key else None
            if existing is None:
                raise
            return existing


def _locked_loan(user, loan) -> Loan:
    try:
        return Loan.objects.visible_to(user, Action.SUPPORT_DELIVER).select_for_update(of=("self",)).get(pk=loan.pk)
    except Loan.DoesNotExist:
        raise Http404("No loan matches the given query.") from None


def loan_update_status(*, user: User, loan: Loan, status: str, disbursed_on: datetime.date | None = None) -> Loan:
    with transaction.atomic(), history_context(user):
        loan = _locked_loan(user, loan)
        if status not in LOAN_TRANSITIONS.get(loan.status, frozenset()):
            raise ValidationError({"status": ValidationError(
                _("A loan cannot go from %(from)s to %(to)s."), code="invalid_transition",
                params={"from": loan.get_status_display(),
                        "to": LoanStatus(status).label if status in LoanStatus.values else status},
            )})
        if status == LoanStatus.DISBURSED and loan.status != LoanStatus.OVERDUE:
            if disbursed_on is None:
                raise ValidationError({"disbursed_on": ValidationError(_("Enter the date."), code="required")})
            if disbursed_on > timezone.localdate() or disbursed_on < loan.applied_on:
                raise ValidationError({"disbursed_on": ValidationError(
                    _("The money is disbursed between the application (%(date)s) and today."), code="range",
                    params={"date": _date(loan.applied_on)},
                )})
            loan.disbursed_on = disbursed_on
        loan.status = status
        loan.save(update_fields=["status", "disbursed_on", "updated_at"])
        return loan


def loan_repayment_record(
    *, user: User, loan: Loan, paid_on: datetime.date, amount: int, note: str = "",
) -> LoanRepayment:
    """Record a repayment; the loan is repaid when the repayments reach its amount, never beyond."""
    with transaction.atomic(), history_context(user):
        loan = _locked_loan(user, loan)
        errors = FieldErrors()
        if loan.status not in (LoanStatus.DISBURSED, LoanStatus.OVERDUE):
            raise ValidationError({"__all__": ValidationError(
                _("Repayments are recorded for a disbursed loan."), code="not_disbursed",
            )})
        repaid = loan.repayments.aggregate(total=Sum("amount"))["total"] or 0
        if paid_on is None:
            errors.add("paid_on", _("Enter the date."), code="required")
        elif paid_on > timezone.localdate():
            errors.add("paid_on", _("This date cannot be in the future."), code="future")
        elif loan.disbursed_on and paid_on < loan.disbursed_on:
            errors.add("paid_on", _("A repayment comes after the disbursement (%(date)s)."), code="before",
                       date=_date(loan.disbursed_on))
        if amount is None or amount <= 0:
            errors.add("amount", _("Enter an amount above zero."), code="min_value")
        elif repaid + amount > loan.amount:
            errors.add("amount", _("Only %(remaining)s is still owed."), code="above_owed",
                       remaining=_vnd(loan.amount - repaid))
        errors.raise_if_any()
        repayment = LoanRepayment.objects.create(
            loan=loan, paid_on=paid_on, amount=amount, note=_text(note, "note", 255), recorded_by=user,
        )
        if repaid + amount == loan.amount:
            loan.status = LoanStatus.REPAID
            loan.save(update_fields=["status", "updated_at"])
        return repayment


# ---------------------------------------------------------------------------------------------
# Policy versions (administrators)
# ---------------------------------------------------------------------------------------------

def policy_version_copy(
    *, user: User, source: PolicyVersion, code: str, short_name: str, title: str, valid_from: datetime.date,
) -> PolicyVersion:
    """Start a new version (e.g. a new finance circular) as a copy of `source` from `valid_from`:
    same catalogue, parameters and legal basis, to be edited. `source` ends the day before, if it was
    still in force then. Amounts of the copy are marked to be confirmed."""
    with transaction.atomic(), history_context(user):
        source = PolicyVersion.objects.select_for_update().get(pk=source.pk)
        errors = FieldErrors()
        if valid_from is None:
            errors.add("valid_from", _("Enter the date."), code="required")
            errors.raise_if_any()
        if valid_from <= source.valid_from:
            errors.add("valid_from", _("The new version must start after %(date)s."), code="too_early",
                       date=_date(source.valid_from))
        if PolicyVersion.objects.filter(code=code).exists():
            errors.add("code", _("This code is already used."), code="unique")
        errors.raise_if_any()
        if source.valid_to is None or source.valid_to >= valid_from:
            source.valid_to = valid_from - datetime.timedelta(days=1)
            source.save(update_fields=["valid_to"])
        copy = PolicyVersion(
            code=code, short_name=short_name, title=title, legal_basis=source.legal_basis, valid_from=valid_from,
            valid_to=None, province=source.province, notes=gettext("Copied from %(code)s.") % {"code": source.code},
        )
        copy.full_clean()
        copy.save()
        for item in source.items.all():
            item.pk = None
            item.version = copy
            item.amount_confirmed = False
            item.save()
        PolicyParameter.objects.bulk_create([
            PolicyParameter(
                version=copy, name=p.name, value=p.value, description=p.description,
                # the citation is kept; its value is for someone to confirm again in the new version
                **{field: getattr(p, field) for field in ("basis_document", "basis_article", "basis_clause",
                                                          "basis_point", "basis_note")},
            )
            for p in source.parameters.all()
        ])
        return copy


__all__ = [
    "DocumentInput", "LineDecisionInput", "LineInput", "Usage", "can_decide", "decision_requeue_pdf",
    "delivery_record", "document_number", "loan_create", "support_request_check", "loan_repayment_record", "loan_update_status",
    "policy_version_copy", "support_historical_delivery_changed_since", "support_historical_delivery_undo",
    "support_record_historical_delivery", "quantity_limit", "remaining_for", "support_request_create", "support_request_decide", "usage_for",
]
