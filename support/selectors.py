"""Reads of support data. Every selector takes the acting user and returns only what they may see
(through the case the data belongs to: victims.scoping); single objects answer 404 when out of scope.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.roles import Action
from victims.models import Case, Person
from victims.readmodel import person_name
from victims.scoping import memberships_allowing, scope_tests
from victims.selectors import children_of, read_through_case_get

from .eligibility import Situation, case_state, check_eligibility, facts_for
from .models import (
    Delivery,
    DocumentType,
    EntitlementItem,
    Loan,
    LoanStatus,
    PersonCategory,
    PolicyVersion,
    Regime,
    RequestStatus,
    SupportDecision,
    SupportDocument,
    SupportRequest,
    SupportRequestLine,
)
from .policy import amounts_for, version_in_force
from .working_days import working_days_between

REQUEST_ORDERINGS = {"-created_at", "created_at", "due_date", "-due_date", "application_date", "-application_date"}
ACTIVE_STATUSES = (RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED)


def _identity_flag(user):
    return Exists(Case.objects.visible_to(user, Action.CASE_VIEW_IDENTITY).filter(pk=OuterRef("case_id")))


def _with_totals(requests: QuerySet) -> QuerySet:
    zero = Value(0, output_field=IntegerField())
    return requests.annotate(
        requested_total=Coalesce(Sum("lines__amount"), zero),
        approved_total=Coalesce(Sum("lines__approved_amount"), zero),
    )


def _lines_prefetch():
    return Prefetch("lines", queryset=SupportRequestLine.objects.select_related("item").order_by(
        "item__regime", "item__sort_order", "pk"))


def request_list(
    *, user, status: str = "", q: str = "", regime: int | None = None, ordering: str = "-created_at",
) -> QuerySet[SupportRequest]:
    """Requests the user may see, newest first, with totals and the identity flag for masking."""
    requests = (
        SupportRequest.objects.visible_to(user, Action.SUPPORT_VIEW)
        .select_related("case", "person", "version", "requesting_agency", "deciding_agency")
        .annotate(identity_visible=_identity_flag(user))
    )
    if status in RequestStatus.values:
        requests = requests.filter(status=status)
    if regime:
        requests = requests.filter(Exists(SupportRequestLine.objects.filter(request=OuterRef("pk"), item__regime=regime)))
    if q := (q or "").strip()[:60]:
        requests = requests.filter(case__case_number__icontains=q)
    if ordering not in REQUEST_ORDERINGS:
        ordering = "-created_at"
    return _with_totals(requests).prefetch_related(_lines_prefetch()).order_by(ordering, "-pk")


def decision_queue(*, user, today: datetime.date | None = None) -> QuerySet[SupportRequest]:
    """Pending requests the user is competent to decide: their agency holds the authority, the case is
    in their scope, and they did not make the request. Sorted by deadline; `overdue` annotated."""
    today = today or timezone.localdate()
    agencies = memberships_allowing(user, Action.SUPPORT_DECIDE).values("agency_id")
    requests = (
        SupportRequest.objects.visible_to(user, Action.SUPPORT_DECIDE)
        .filter(status=RequestStatus.PENDING, deciding_agency_id__in=agencies)
        .exclude(requested_by=user)
        .select_related("case", "person", "version", "requesting_agency", "deciding_agency")
        .annotate(identity_visible=_identity_flag(user))
    )
    return _with_totals(requests).prefetch_related(_lines_prefetch()).order_by("due_date", "pk")


def working_days_left(request: SupportRequest, today: datetime.date | None = None) -> int:
    """Working days until the decision is due (negative: overdue by that many working days)."""
    return working_days_between(today or timezone.localdate(), request.due_date)


def request_get(*, user, pk, action: str = Action.SUPPORT_VIEW) -> SupportRequest:
    try:
        return (
            SupportRequest.objects.visible_to(user, action)
            .select_related("case", "case__owning_agency", "person", "version", "requesting_agency",
                            "deciding_agency", "requested_by", "supersedes")
            .annotate(identity_visible=_identity_flag(user))
            .get(pk=pk)
        )
    except (SupportRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No support request matches the given query.") from None


def decision_get(*, user, pk, action: str = Action.SUPPORT_VIEW) -> SupportDecision:
    try:
        return SupportDecision.objects.visible_to(user, action).select_related("request", "agency").get(pk=pk)
    except (SupportDecision.DoesNotExist, ValueError, TypeError):
        raise Http404("No decision matches the given query.") from None


def document_get(*, user, pk) -> SupportDocument:
    try:
        return SupportDocument.objects.visible_to(user, Action.SUPPORT_VIEW).select_related("request").get(pk=pk)
    except (SupportDocument.DoesNotExist, ValueError, TypeError):
        raise Http404("No document matches the given query.") from None


def loan_get(*, user, pk, action: str = Action.SUPPORT_VIEW) -> Loan:
    try:
        return Loan.objects.visible_to(user, action).select_related("case", "person", "agency").get(pk=pk)
    except (Loan.DoesNotExist, ValueError, TypeError):
        raise Http404("No loan matches the given query.") from None


def case_get(*, user, pk, action: str = Action.SUPPORT_VIEW) -> Case:
    """The case, for a support page; 404 when out of the user's scope for the action."""
    try:
        return (
            Case.objects.visible_to(user, action).with_identity_flag(user)
            .select_related("person", "province", "owning_agency__type").get(pk=pk)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No case matches the given query.") from None


def has_pending_supersession(*, user, support_request: SupportRequest) -> bool:
    """Is a request superseding this one already waiting for a decision?"""
    return SupportRequest.objects.visible_to(user, Action.SUPPORT_VIEW).filter(
        supersedes=support_request, status=RequestStatus.PENDING).exists()


def display_name(person: Person, identity_visible: bool) -> str:
    return person_name(person, identity_visible)


def people_of_case(case: Case) -> list[Person]:
    """The victim, then the accompanying children (the case page has read them already: no query)."""
    children = {link.person_id: link.person for link in children_of(case)}
    return [case.person, *(children[pk] for pk in sorted(children))]


def requests_for_case(*, user, case: Case) -> QuerySet[SupportRequest]:
    return _with_totals(
        SupportRequest.objects.visible_to(user, Action.SUPPORT_VIEW).filter(case=case)
        .select_related("person", "version", "deciding_agency", "decision")
    ).prefetch_related(_lines_prefetch()).order_by("-created_at", "-pk")


def loans_for_case(*, user, case: Case) -> QuerySet[Loan]:
    zero = Value(0, output_field=IntegerField())
    return (
        Loan.objects.visible_to(user, Action.SUPPORT_VIEW).filter(case=case)
        .annotate(repaid=Coalesce(Sum("repayments__amount"), zero))
        .select_related("person").order_by("-applied_on", "-pk")
    )


# ---------------------------------------------------------------------------------------------
# The per-regime summary (for the case page)
# ---------------------------------------------------------------------------------------------

@dataclass
class RegimeRow:
    regime: int
    label: str
    entitled: str  # "yes", "conditional", "no"
    entitled_items: list[str] = field(default_factory=list)
    requested: int = 0
    approved: int = 0
    delivered: int = 0
    pending: int = 0
    loans: int = 0


@dataclass
class PersonSummary:
    person: Person
    name: str
    is_victim: bool
    category: str | None
    category_label: str
    reasons: list[str]
    rows: list[RegimeRow]

    @property
    def totals(self) -> dict:
        return {key: sum(getattr(row, key) for row in self.rows) for key in ("requested", "approved", "delivered")}


@dataclass
class SupportSummary:
    case: Case
    version: PolicyVersion | None
    people: list[PersonSummary]
    can_request: bool


OPTIMISTIC = Situation(in_facility_stay=True, document_types=frozenset(DocumentType.values))


def support_summary_for_case(user, case: Case, today: datetime.date | None = None) -> SupportSummary | None:
    """Per person (victim and accompanying children) and per regime: what they are entitled to under the
    policy in force today, and the amounts requested, approved and delivered. None when the user may not
    see the case's support (then the case page shows nothing about support)."""
    # May the user see the case's support, request support, see its names. The case page's case was
    # read for this user with its identity flag, and the rest is the scope tested on that row when
    # the actor's scope is a set of ids (every request); otherwise one statement.
    read = read_through_case_get(user, case)
    identity_visible = case.identity_visible if read else None
    flags = {"visible": Action.SUPPORT_VIEW, "can_request": Action.SUPPORT_REQUEST}
    if identity_visible is None:
        flags["identity_visible"] = Action.CASE_VIEW_IDENTITY
    tests = scope_tests(user, **flags) if read else None
    if tests is not None:
        allowed = {name: test(case) for name, test in tests.items()}
    else:
        del flags["visible"]
        row = (Case.objects.visible_to(user, Action.SUPPORT_VIEW).filter(pk=case.pk)
               .with_flags(user, **flags).values(*flags).first())
        allowed = {"visible": row is not None, **(row or {})}
    if not allowed["visible"]:
        return None
    identity_visible = allowed.get("identity_visible", identity_visible)
    today = today or timezone.localdate()
    persons = people_of_case(case)
    state = case_state(case, today, child_ids=[person.pk for person in persons[1:]])
    version = state.version
    items = list(EntitlementItem.objects.filter(version=version).select_related("version")) if version else []

    lines = (
        SupportRequestLine.objects.filter(request__case=case, request__status__in=ACTIVE_STATUSES)
        .values("request__person_id", "item__regime")
        .annotate(
            requested=Coalesce(Sum("amount"), 0),
            approved=Coalesce(Sum("approved_amount"), 0),
            pending=Coalesce(Sum("amount", filter=Q(status="pending")), 0),
        )
    )
    delivered = (
        Delivery.objects.filter(line__request__case=case, line__request__status__in=ACTIVE_STATUSES)
        .values("line__request__person_id", "line__item__regime").annotate(total=Sum("amount"))
    )
    loans = (
        Loan.objects.filter(case=case).exclude(status=LoanStatus.REJECTED)
        .values("person_id").annotate(total=Sum("amount"))
    )
    sums = {(r["request__person_id"], r["item__regime"]): r for r in lines}
    paid = {(r["line__request__person_id"], r["line__item__regime"]): r["total"] for r in delivered}
    borrowed = {r["person_id"]: r["total"] for r in loans}

    people = []
    for person in persons:
        facts = facts_for(person=person, case=case, on=today, state=state)
        rows = []
        for regime in Regime:
            regime_items = [i for i in items if i.regime == regime]
            eligible = [
                item for item in regime_items
                if check_eligibility(person=person, case=case, item=item, on=today, situation=OPTIMISTIC, facts=facts)
            ]
            if not eligible:
                entitled = "no"
            elif all(item.conditions for item in eligible):
                entitled = "conditional"
            else:
                entitled = "yes"
            entitled_items = [item.name for item in eligible]
            found = sums.get((person.pk, regime), {})
            rows.append(RegimeRow(
                regime=regime, label=regime.label, entitled=entitled, entitled_items=entitled_items,
                requested=found.get("requested", 0), approved=found.get("approved", 0),
                pending=found.get("pending", 0), delivered=paid.get((person.pk, regime), 0) or 0,
                loans=borrowed.get(person.pk, 0) if regime == Regime.HARDSHIP_AND_LOANS else 0,
            ))
        people.append(PersonSummary(
            person=person, name=display_name(person, identity_visible), is_victim=person.pk == case.person_id,
            category=facts.category,
            category_label=PersonCategory(facts.category).label if facts.category else "",
            reasons=[r.message for r in facts.category_reasons], rows=rows,
        ))
    return SupportSummary(case=case, version=version, people=people, can_request=allowed["can_request"])


# ---------------------------------------------------------------------------------------------
# The request form: the catalogue for one person on one date, with eligibility
# ---------------------------------------------------------------------------------------------

@dataclass
class CatalogueEntry:
    item: EntitlementItem
    amount: int | None
    eligible: bool
    reasons: list[str]
    remaining: int | None


def catalogue_for(*, person: Person, case: Case, on: datetime.date, situation: Situation | None = None) -> tuple[
        PolicyVersion | None, list[CatalogueEntry]]:
    """The items of the version in force on `on`, each with its amount for the case's province, whether
    the person is eligible (with reasons; documentary conditions are checked on submit) and how much
    remains under the person's limits."""
    from .services import remaining_for

    version = version_in_force(on, case.province)
    if version is None:
        return None, []
    items = list(EntitlementItem.objects.filter(version=version).select_related("version"))
    amounts = amounts_for(items, case.province, on)
    facts = facts_for(person=person, case=case, on=on)
    situation = situation or OPTIMISTIC
    entries = []
    for item in items:
        result = check_eligibility(person=person, case=case, item=item, on=on, situation=situation, facts=facts)
        entries.append(CatalogueEntry(
            item=item, amount=amounts[item.pk], eligible=bool(result), reasons=result.messages,
            remaining=remaining_for(person, item) if result else None,
        ))
    return version, entries


def policy_versions() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.select_related("province").prefetch_related(
        Prefetch("items", queryset=EntitlementItem.objects.order_by("regime", "sort_order", "code")),
        "parameters",
    ).order_by("-valid_from")


def delivery_list(*, user) -> QuerySet[Delivery]:
    """Deliveries and payments the user may see (through the case of their request), newest first."""
    return (
        Delivery.objects.visible_to(user, Action.SUPPORT_VIEW)
        .select_related("line__request", "line__item", "delivered_by_agency")
        .order_by("-recorded_at", "-pk")
    )
