"""Reads of the case file. Every selector takes the acting user and returns only what they may see.

The scoping rules are in victims.scoping (used by `<Model>.objects.visible_to(user, action)`);
the selectors add the list filters, the identity flag for masking, and the 404 for single objects.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Membership, User
from accounts.roles import Action
from accounts.text import fold

from .models import AccessLog, Case, CaseChild, IdentificationOutcome, Person, VerificationRequest
from .models.person import name_search_q
from .models.querysets import PART_FLAGS
from .readmodel import mask_name, person_name
from .scoping import POLICE, AnyOf, acting_agency, memberships_allowing, scope_tests
from .workflow import Status

__all__ = [
    "CasePermissions", "access_log_for_case", "can_see_identity", "case_permissions", "can_view_access_log", "case_display_name", "case_get",
    "case_list", "followups_overdue", "mask_name", "person_get", "persons_received",
]

CASE_LIST_ORDERINGS = {
    "received_on", "-received_on", "case_number", "-case_number", "status", "-status",
    "created_at", "-created_at", "person__name_folded", "-person__name_folded",
}


def case_list(
    *, user: User, action: str = Action.CASE_VIEW, q: str = "", status: str | None = None,
    province=None, receiving_agency=None, owning_agency=None,
    received_from: datetime.date | None = None, received_to: datetime.date | None = None,
    ordering: str = "-received_on",
) -> QuerySet[Case]:
    """Cases the user may see, filtered and sorted, each annotated with `identity_visible`.

    The free-text search matches case numbers for everyone, and names (without diacritics) only in
    cases whose identity the user may see: a name search must not reveal who is in a case file.
    """
    cases = (
        Case.objects.visible_to(user, action)
        .with_identity_flag(user)
        .select_related("person", "owning_agency", "receiving_agency", "province")
    )
    if q := (q or "").strip():
        cases = cases.filter(_matching_filter(user, q))
    if status:
        cases = cases.filter(status=status)
    if province:
        cases = cases.filter(province=province)
    if receiving_agency:
        cases = cases.filter(receiving_agency=receiving_agency)
    if owning_agency:
        cases = cases.filter(owning_agency=owning_agency)
    if received_from:
        cases = cases.filter(received_on__gte=received_from)
    if received_to:
        cases = cases.filter(received_on__lte=received_to)
    if ordering not in CASE_LIST_ORDERINGS:
        ordering = "-received_on"
    return cases.order_by(ordering, "-pk")


def persons_received(
    user, *, action: str = Action.CASE_VIEW, cases: QuerySet[Case] | None = None,
    received_from: datetime.date | None = None, received_to: datetime.date | None = None,
) -> int:
    """How many persons (not case files) the user's cases are about: a victim received by three
    agencies, or registered twice and merged (victims.duplicates), counts once. Only surviving persons
    are counted (a merged person's cases point at the survivor). `cases` narrows a scoped queryset."""
    cases = Case.objects.visible_to(user, action) if cases is None else cases
    if received_from:
        cases = cases.filter(received_on__gte=received_from)
    if received_to:
        cases = cases.filter(received_on__lte=received_to)
    return (
        Person.objects.filter(merged_into__isnull=True, pk__in=cases.order_by().values("person_id")).count()
    )


# The matching cases a search collects as ids (one statement, then an array parameter). Past this a
# search is too common a word start to list ids for: it stays a subquery (read again per statement).
# At 1M, "le" finds 8,958 of a province's cases: as ids 426 ms, as the subquery 1.1 s.
MATCHING_IDS_CAP = 20_000
CASE_NUMBER_PART_MIN = 3


def _matching_filter(user: User, q: str) -> Q:
    """The search as a filter: the matching case ids as one array parameter when they are few (the
    name match then runs once per page view, not again in the page, the count and the person
    count), else the subquery."""
    matching = _cases_matching(user, q)
    ids = list(matching.values_list("pk", flat=True)[: MATCHING_IDS_CAP + 1])
    if len(ids) > MATCHING_IDS_CAP:
        return Q(pk__in=matching)
    return Q(AnyOf("pk", sorted(set(ids))))


def _cases_matching(user: User, q: str) -> QuerySet:
    """Ids of the cases whose number contains `q` (of 3 characters or more), or whose victim's or
    child's folded name has a word starting with it (`name_search_q`) in a case whose names the user
    may see.

    Each part starts from its own indexes: the persons named (the name's word prefixes) as an array
    (`AnyOf`, an InitPlan in each of the victims' and the children's parts), whose cases and their scope `case_person_scope` gives without reading the
    cases' rows; the case number's trigrams. The identity scope is so checked on the cases of the
    persons found only, never per row of the whole table, whatever the planner estimates for the
    name. One statement for all parts, whose ids the list's page and counts reuse."""
    folded, cases = fold(q), Case.objects.order_by()  # no ordering inside a UNION
    identity = cases.visible_to(user, Action.CASE_VIEW_IDENTITY)
    named_persons = Person.objects.filter(name_search_q(folded)).values("pk")
    children = CaseChild.objects.filter(AnyOf("person_id", named_persons)).values("case_id")
    named = [identity.filter(AnyOf("person_id", named_persons)).values("pk"),
             identity.filter(pk__in=children).values("pk")]
    # Case numbers (<agency code>-<year>-<sequence>) hold no space, and a part shorter than a trigram
    # is in nearly all of them: its trigram index would return the whole table (850 ms at 1M).
    if " " not in q and len(q) >= CASE_NUMBER_PART_MIN:
        named.append(cases.filter(case_number__icontains=q).values("pk"))
    return named[0].union(*named[1:], all=True)


def case_get(*, user: User, pk, action: str = Action.CASE_VIEW) -> Case:
    """One case, with `identity_visible` and the part flags; 404 when the user may not see it (or it
    does not exist). The flags are the scope tested on the row read when the actor's scope is a set of
    ids (every request), else computed by the statement."""
    flags = {"identity_visible": Action.CASE_VIEW_IDENTITY, **PART_FLAGS}
    tests = scope_tests(user, **flags)
    cases = Case.objects.visible_to(user, action).select_related(
        "person", "person__ethnicity", "person__home_province", "person__home_commune",
        "owning_agency", "receiving_agency", "province", "reception_province", "destination_province",
    )
    try:
        case = (cases if tests else cases.with_flags(user, **flags)).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No case matches the given query.") from None
    for name, test in (tests or {}).items():
        setattr(case, name, test(case))
    case._read_through = _reader(user, action)
    return case


def _reader(user, action: str) -> tuple:
    """Who read a case through `case_get`, for what: the user object itself and its acting
    membership (another user object, or one bound to another membership since, reads it again)."""
    from accounts.actor import acting_membership, as_user

    user = as_user(user)
    return user, acting_membership(user), action


def read_through_case_get(user, case: Case, action: str = Action.CASE_VIEW) -> bool:
    """Was this case object fetched by `case_get` for this very user object and action?"""
    read = getattr(case, "_read_through", None)
    if read is None:
        return False
    reader, membership, read_action = _reader(user, action)
    return read[0] is reader and read[1] is membership and read[2] == read_action


def children_of(case: Case) -> list[CaseChild]:
    """The child links of a case with their persons: those the case page prefetched on it (one
    read for the page's list, its timeline and its panels), else read now (never kept on the case,
    so a child added since is not missed)."""
    if "children" in getattr(case, "_prefetched_objects_cache", {}):
        return list(case.children.all())
    return list(case.children.select_related("person").order_by("pk"))


def latest_outcome(case: Case) -> IdentificationOutcome | None:
    """The case's latest identification outcome: the first of those the case page prefetched on it
    (newest first), else read now (never kept on the case)."""
    if "identification_outcomes" in getattr(case, "_prefetched_objects_cache", {}):
        return next(iter(case.identification_outcomes.all()), None)
    return case.identification_outcomes.order_by("-recorded_at", "-pk").first()


def person_get(*, user: User, pk, action: str = Action.CASE_VIEW) -> Person:
    try:
        return Person.objects.visible_to(user, action).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No person matches the given query.") from None


def can_see_identity(user: User, case: Case) -> bool:
    """May this user see the names and sensitive details of this case (checked per agency)?"""
    flag = getattr(case, "identity_visible", None)
    if flag is not None:
        return flag
    return Case.objects.visible_to(user, Action.CASE_VIEW_IDENTITY).filter(pk=case.pk).exists()


def case_display_name(user: User, case: Case) -> str:
    """The victim's name, or its masked form for users without identity access."""
    return person_name(case.person, can_see_identity(user, case))


def followups_overdue(user: User, today: datetime.date, action: str = Action.CASE_VIEW) -> QuerySet[Case]:
    """Cases in reintegration follow-up whose next home visit was due before `today`."""
    return (
        Case.objects.visible_to(user, action)
        .with_identity_flag(user)
        .filter(status=Status.FOLLOW_UP, next_visit_due__lt=today)
        .select_related("person", "owning_agency")
        .order_by("next_visit_due", "pk")
    )


def _access_log_managers(user: User, case: Case) -> QuerySet[Membership]:
    return memberships_allowing(user, Action.CASE_VIEW_ACCESS_LOG).filter(agency_id=case.owning_agency_id)


def can_view_access_log(user: User, case: Case) -> bool:
    """'Who opened this file' is shown to the managers of the agency that owns the case."""
    return _access_log_managers(user, case).exists()


def access_log_for_case(*, user: User, case: Case) -> QuerySet[AccessLog]:
    """Who opened this case file and when; empty for anyone but the owning agency's managers."""
    return (
        AccessLog.objects.filter(object_type=Case._meta.label_lower, object_id=str(case.pk))
        .filter(Exists(_access_log_managers(user, case)))
        .select_related("user", "agency")
        .order_by("-at", "-pk")
    )


@dataclass(frozen=True)
class CasePermissions:
    """What the user may do on this case page; computed in one query."""

    identity: bool
    edit: bool
    grant: bool
    record_outcome: bool
    view_access_log: bool

    @property
    def any_action(self) -> bool:
        return self.edit or self.grant or self.record_outcome


def case_permissions(user, case: Case) -> CasePermissions:
    """What the user may do on this case page: from the case row the page read and the acting
    membership when they answer it (every request), else in one query (the page is already scoped)."""
    tests = scope_tests(user, may_edit=Action.CASE_EDIT, may_grant=Action.CASE_GRANT,
                        may_verify=Action.CASE_VERIFY) if read_through_case_get(user, case) else None
    if tests is None:
        row = _case_permissions_row(user, case)
    else:
        row = {name: test(case) for name, test in tests.items()}
        police, manager = acting_agency(user, Action.CASE_VERIFY), acting_agency(user, Action.CASE_VIEW_ACCESS_LOG)
        row["is_manager"] = manager is not None and manager.id == case.owning_agency_id
        row["is_police"] = bool(row["may_verify"] and police and police.type_code == POLICE and (
            police.id == case.owning_agency_id
            or VerificationRequest.objects.of_case(user, case).filter(police_agency_id=police.id).exists()
        ))
    return CasePermissions(
        identity=can_see_identity(user, case),
        edit=bool(row.get("may_edit")),
        grant=bool(row.get("may_grant")),
        record_outcome=bool(row.get("may_verify") and row.get("is_police")),
        view_access_log=bool(row.get("is_manager")),
    )


def _case_permissions_row(user, case: Case) -> dict:
    requested_units = VerificationRequest.objects.of_case(user, case).values("police_agency_id")
    police = memberships_allowing(user, Action.CASE_VERIFY).filter(agency__type__code=POLICE).filter(
        Q(agency_id=case.owning_agency_id) | Q(agency_id__in=requested_units)
    )
    managers = memberships_allowing(user, Action.CASE_VIEW_ACCESS_LOG).filter(agency_id=case.owning_agency_id)
    return Case.objects.visible_to(user, Action.CASE_VIEW).filter(pk=case.pk).with_flags(
        user, may_edit=Action.CASE_EDIT, may_grant=Action.CASE_GRANT, may_verify=Action.CASE_VERIFY,
    ).annotate(
        is_police=Exists(police),
        is_manager=Exists(managers),
    ).values("may_edit", "may_grant", "may_verify", "is_police", "is_manager").first() or {}


def refused_attempts(*, user) -> QuerySet[AccessLog]:
    """Refused attempts (404/403 on victim-data URLs) by people acting for the agencies whose
    access log this user manages; empty for anyone else."""
    from .readmodel import REFUSED

    agencies = memberships_allowing(user, Action.CASE_VIEW_ACCESS_LOG).values("agency_id")
    return (
        AccessLog.objects.filter(action__startswith=f"{REFUSED}.", agency_id__in=agencies)
        .select_related("user", "agency").order_by("-at", "-pk")
    )


def person_list(*, user: User, action: str = Action.CASE_VIEW) -> QuerySet[Person]:
    """Persons the user may see (victims and accompanying children of visible cases), each with
    `identity_visible`: true when a case through which the person is visible shows identities."""
    identity_cases = Case.objects.visible_to(user, Action.CASE_VIEW_IDENTITY)
    return (
        Person.objects.visible_to(user, action)
        .annotate(identity_visible=Exists(identity_cases.filter(person_id=OuterRef("pk")))
                  | Exists(CaseChild.objects.visible_to(user, Action.CASE_VIEW_IDENTITY)
                           .filter(person_id=OuterRef("pk"))))
        .select_related("home_province", "ethnicity")
        .order_by("pk")
    )
