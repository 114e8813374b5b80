"""Possible duplicates for an actor, the review queue, merge and unmerge (issue 13).

Reads (selectors, all taking the actor):
- `duplicates_for(actor, query)`: what the matcher found, split by the actor's scope. A candidate
  whose case the actor may see comes with that case (masked as usual); any other only as "held by
  agency X" with the agency's public contact. No name, case number, id or detail of a file out of
  scope reaches the caller.
- `proposal_queue(actor)` / `proposal_get(actor, pk)`: stored proposals a reviewer may decide. A
  provincial social-affairs department reviews pairs whose two persons are both in its scope with
  identity; the ministry (person.merge at a ministry agency) reviews any pair, without identity.

Writes (services, one transaction each):
- `duplicates_propose`: store what the matcher found for a person (a rejected pair stays rejected).
- `duplicate_request_referral`: the one-click request of an agency that cannot see the match: the
  proposal is flagged with the asking agency, for the department's review queue and for the holding
  agency, which finds it on its referrals page (`referral_requests_for`) with a button that opens the
  referral form of its own case, addressed to the asking agency.
- `person_merge` / `person_unmerge` / `proposal_reject`: row locks on the proposal and both persons
  (in id order), so two reviewers deciding at once decide once.

Persons are counted once: `persons_received` (victims.selectors) counts distinct surviving persons.
"""

from __future__ import annotations

from dataclasses import dataclass

import pghistory.models
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actor import as_user
from accounts.formviews import history_context
from accounts.models import Agency
from accounts.roles import Action

from .matching import Match, Query, find_matches
from .models import Case, CaseChild, DuplicateProposal, Person, PersonMerge, ProposalStatus
from .scoping import SOCIAL_AFFAIRS_DEPARTMENT, memberships_allowing

MINISTRY = "ministry"
STRONG_SCORE = 70
STRENGTH = {True: gettext_lazy("Strong match"), False: gettext_lazy("Possible match")}


# ---------------------------------------------------------------------------------------------
# What an actor is told
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SeenMatch:
    """A candidate in the actor's scope: its case(s) (with `identity_visible`), score and reasons."""

    cases: list
    score: int
    reason_labels: list[str]


@dataclass(frozen=True)
class HeldElsewhere:
    """A candidate out of the actor's scope: only the agency holding it and how strong the match is."""

    agency: Agency
    strong: bool

    @property
    def strength(self) -> str:
        return str(STRENGTH[self.strong])


@dataclass(frozen=True)
class DuplicateReport:
    seen: list[SeenMatch]
    elsewhere: list[HeldElsewhere]

    def __bool__(self) -> bool:
        return bool(self.seen or self.elsewhere)


def _cases_of_persons(person_ids):
    """Every case a person is in, as the victim or as an accompanying child (across all agencies)."""
    return Case.objects.filter(
        Q(person_id__in=person_ids) | Q(pk__in=CaseChild.objects.filter(person_id__in=person_ids).values("case_id"))
    )


def duplicates_for(actor, query: Query) -> DuplicateReport:
    """The possible duplicates of `query`, as the actor may be told of them (four queries)."""
    matches = find_matches(query)
    if not matches:
        return DuplicateReport([], [])
    by_person = {m.person_id: m for m in matches}
    # Across all agencies, to know who holds each candidate; only agencies leave this function.
    holders = list(
        Case.objects.filter(person_id__in=list(by_person)).values_list("pk", "person_id", "owning_agency_id")
        .union(CaseChild.objects.filter(person_id__in=list(by_person))
               .values_list("case_id", "person_id", "case__owning_agency_id"), all=True)
    )
    visible = {
        case.pk: case for case in Case.objects.visible_to(actor, Action.CASE_VIEW).with_identity_flag(actor)
        .filter(pk__in=[pk for pk, _person, _agency in holders]).select_related("person", "owning_agency")
    }
    seen: dict[int, list] = {}
    hidden: dict[int, bool] = {}  # agency id -> strong
    for pk, person_id, agency_id in holders:
        if pk in visible:
            seen.setdefault(person_id, []).append(visible[pk])
        else:
            hidden[agency_id] = hidden.get(agency_id, False) or by_person[person_id].score >= STRONG_SCORE
    agencies = Agency.objects.in_bulk(list(hidden))
    return DuplicateReport(
        seen=[SeenMatch(cases=cases, score=by_person[person].score, reason_labels=by_person[person].reason_labels)
              for person, cases in sorted(seen.items(), key=lambda item: (-by_person[item[0]].score, item[0]))],
        elsewhere=[HeldElsewhere(agency=agencies[pk], strong=strong)
                   for pk, strong in sorted(hidden.items(), key=lambda item: agencies[item[0]].name_folded)],
    )


# ---------------------------------------------------------------------------------------------
# Storing proposals
# ---------------------------------------------------------------------------------------------

def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _stored_pairs(person_id: int, others: list[int]) -> dict[tuple[int, int], DuplicateProposal]:
    return {(p.person_low_id, p.person_high_id): p for p in DuplicateProposal.objects.filter(
        Q(person_low_id=person_id, person_high_id__in=others)
        | Q(person_high_id=person_id, person_low_id__in=others))}


def _store(user, person_id: int, matches: list[Match]) -> list[DuplicateProposal]:
    """The pairs of `person_id` with its matches, in the matches' order: one read of those already
    stored (an open one takes the new score), one insert of the others (a new intake's person has
    none yet), and one read of what the insert wrote (a concurrent intake may have written a pair)."""
    if not matches:
        return []
    wanted = {_pair(person_id, match.person_id): match for match in matches}
    found = _stored_pairs(person_id, [match.person_id for match in matches])
    for pair, proposal in found.items():
        match = wanted[pair]
        if proposal.status == ProposalStatus.OPEN and (proposal.score, proposal.reasons) != (
                match.score, list(match.reasons)):
            proposal.score, proposal.reasons = match.score, list(match.reasons)
            proposal.save(update_fields=["score", "reasons"])
    missing = [pair for pair in wanted if pair not in found]
    if missing:
        DuplicateProposal.objects.bulk_create([
            DuplicateProposal(person_low_id=low, person_high_id=high, score=wanted[low, high].score,
                              reasons=list(wanted[low, high].reasons), proposed_by=user)
            for low, high in missing
        ], ignore_conflicts=True)
        found |= _stored_pairs(person_id, [high if low == person_id else low for low, high in missing])
    return [found[pair] for pair in wanted if pair in found]


def duplicates_propose(*, user, person: Person) -> list[DuplicateProposal]:
    """Run the matcher for a person of the actor's file and store the pairs for review."""
    with transaction.atomic(), history_context(user):
        return _store(as_user(user), person.pk, find_matches(Query.of(person)))


def duplicate_request_referral(*, user, case: Case, agency: Agency) -> list[DuplicateProposal]:
    """Flag the proposals between the person of the actor's case and the persons `agency` holds."""
    actor_agency = getattr(getattr(user, "acting_membership", None), "agency", None)
    with transaction.atomic(), history_context(user):
        matches = find_matches(Query.of(case.person))
        held = set(_cases_of_persons([m.person_id for m in matches]).filter(owning_agency=agency)
                   .values_list("person_id", flat=True))
        held |= set(CaseChild.objects.filter(case__owning_agency=agency, person_id__in=[m.person_id for m in matches])
                    .values_list("person_id", flat=True))
        proposals = _store(as_user(user), case.person_id, [m for m in matches if m.person_id in held])
        if not proposals:
            raise Http404("No possible match is held by this agency.")
        DuplicateProposal.objects.filter(pk__in=[p.pk for p in proposals]).update(
            referral_requested_by=actor_agency or case.owning_agency, referral_requested_at=timezone.now())
        return proposals


@dataclass(frozen=True)
class ReferralRequest:
    """An agency asking the actor's agency for a referral of one of its cases (a possible match)."""

    case: Case
    agency: Agency
    requested_at: object


def referral_requests_for(actor) -> list[ReferralRequest]:
    """Open proposals flagged by another agency whose other person is in a case the actor may refer:
    the actor's own case and the asking agency's name, nothing of the asking agency's file. Pairs
    already referred to the asking agency (open or accepted) are left out. Three queries."""
    from .models import Referral, ReferralStatus

    referable = Case.objects.visible_to(actor, Action.CASE_GRANT).exclude(status="closed")
    mine = referable.values("person_id")
    flagged = list(DuplicateProposal.objects.filter(
        Q(person_low_id__in=mine) | Q(person_high_id__in=mine),
        status=ProposalStatus.OPEN, referral_requested_by__isnull=False,
    ).select_related("referral_requested_by").order_by("-referral_requested_at")[:50])
    if not flagged:
        return []
    persons = {p.person_low_id for p in flagged} | {p.person_high_id for p in flagged}
    cases = list(referable.filter(person_id__in=persons).order_by("-received_on"))
    referred = set(Referral.objects.visible_to(actor, Action.CASE_GRANT).filter(
        case__in=cases, status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
    ).values_list("case_id", "receiving_agency_id"))
    requests, seen = [], set()
    for proposal in flagged:
        asking = proposal.referral_requested_by
        for case in cases:
            key = (case.pk, asking.pk)
            if (case.person_id in (proposal.person_low_id, proposal.person_high_id)
                    and case.owning_agency_id != asking.pk and key not in referred and key not in seen):
                seen.add(key)
                requests.append(ReferralRequest(case, asking, proposal.referral_requested_at))
    return requests


# ---------------------------------------------------------------------------------------------
# The review queue
# ---------------------------------------------------------------------------------------------

def reviewer_kind(actor) -> str | None:
    """"department", "ministry" or None: how this actor reviews possible duplicates."""
    memberships = memberships_allowing(actor, Action.PERSON_MERGE).select_related("agency__type")
    kinds = {m.agency.type.code for m in memberships}
    if SOCIAL_AFFAIRS_DEPARTMENT in kinds:
        return "department"
    if MINISTRY in kinds:
        return "ministry"
    return None


def proposal_queue(actor, *, status: str = ProposalStatus.OPEN):
    """The proposals this actor may review (403 for roles and agencies that never review)."""
    kind = reviewer_kind(actor)
    if kind is None:
        raise PermissionDenied(_("Only a provincial department or the ministry reviews possible duplicates."))
    proposals = DuplicateProposal.objects.select_related("referral_requested_by")
    if status:
        proposals = proposals.filter(status=status)
    if status == ProposalStatus.OPEN:
        proposals = proposals.filter(person_low__merged_into__isnull=True, person_high__merged_into__isnull=True)
    if kind == "department":
        # Both persons in the department's scope with identity; a merged person through the survivor
        # (so a decided pair can still be read and undone).
        persons = Person.objects.visible_to(actor, Action.CASE_VIEW_IDENTITY)
        proposals = proposals.filter(
            Q(person_low__in=persons) | Q(person_low__merged_into__in=persons),
            Q(person_high__in=persons) | Q(person_high__merged_into__in=persons),
        )
    return proposals.order_by("-referral_requested_at", "-score", "-proposed_at", "pk")


def proposal_get(actor, pk) -> DuplicateProposal:
    try:
        return proposal_queue(actor, status="").get(pk=pk)
    except (DuplicateProposal.DoesNotExist, ValueError, TypeError):
        raise Http404("No possible duplicate matches the given query.") from None


def identity_visible_to(actor) -> bool:
    return reviewer_kind(actor) == "department"


def proposal_sides(actor, proposal: DuplicateProposal) -> list[dict]:
    """The two persons of a proposal as the reviewer may see them, with the cases each is in."""
    identity = identity_visible_to(actor)
    persons = Person.objects.select_related("home_province").in_bulk([proposal.person_low_id, proposal.person_high_id])
    cases = list(_cases_of_persons(list(persons)).select_related("owning_agency").order_by("received_on", "pk"))
    child_of = dict(CaseChild.objects.filter(case__in=cases, person_id__in=list(persons)).values_list("case_id", "person_id"))
    visible = set(Case.objects.visible_to(actor, Action.CASE_VIEW).filter(pk__in=[c.pk for c in cases])
                  .values_list("pk", flat=True))
    sides = []
    for pk in (proposal.person_low_id, proposal.person_high_id):
        person = persons[pk]
        person_cases = [c for c in cases if c.person_id == pk or child_of.get(c.pk) == pk]
        sides.append({
            "person": person, "identity": identity,
            "cases": [{"case": c, "visible": c.pk in visible, "as_child": c.person_id != pk} for c in person_cases],
        })
    return sides


# ---------------------------------------------------------------------------------------------
# Merge, unmerge, reject
# ---------------------------------------------------------------------------------------------

def _person_links():
    """The foreign keys to Person that a merge moves: every one but history and the duplicate rows."""
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if not (rel.one_to_many or rel.one_to_one) or model is Person:
            continue
        if issubclass(model, pghistory.models.Event) or model in (DuplicateProposal, PersonMerge):
            continue
        yield model, rel.field.name


def _lock_for_decision(actor, proposal_pk) -> tuple[DuplicateProposal, dict[int, Person]]:
    kind = reviewer_kind(actor)
    if kind is None:
        raise PermissionDenied(_("Only a provincial department or the ministry reviews possible duplicates."))
    proposal = proposal_get(actor, proposal_pk)  # scoped: 404 outside the reviewer's queue
    proposal = DuplicateProposal.objects.select_for_update().get(pk=proposal.pk)
    persons = {p.pk: p for p in Person.objects.select_for_update().filter(
        pk__in=[proposal.person_low_id, proposal.person_high_id]).order_by("pk")}
    return proposal, persons


def person_merge(*, user, proposal: DuplicateProposal | int, survivor_id: int, reason: str) -> PersonMerge:
    """Merge the two persons of a proposal into `survivor_id`: every case, child link, consent, stay,
    request and loan of the other person now points at the survivor; the other row stays (merged_into)."""
    reason = (reason or "").strip()
    with transaction.atomic(), history_context(user):
        proposal, persons = _lock_for_decision(user, getattr(proposal, "pk", proposal))
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError(_("This possible duplicate has already been decided."), code="decided")
        if survivor_id not in persons:
            raise ValidationError({"survivor": _("Choose one of the two persons.")})
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the merge.")})
        survivor, merged = persons[survivor_id], next(p for pk, p in persons.items() if pk != survivor_id)
        if survivor.merged_into_id or merged.merged_into_id:
            raise ValidationError(_("One of the two persons has already been merged."), code="decided")
        shared_case = _cases_of_persons([survivor.pk]).filter(pk__in=_cases_of_persons([merged.pk]).values("pk"))
        if shared_case.exists():
            raise ValidationError(_("The two persons are in the same case file: they are not the same person."))
        moved = {}
        for model, field in _person_links():
            rows = model._base_manager.filter(**{field: merged})
            ids = list(rows.values_list("pk", flat=True))
            if ids:
                moved[f"{model._meta.label_lower}.{field}"] = ids
                model._base_manager.filter(pk__in=ids).update(**{field: survivor})
        merged.merged_into = survivor
        merged.save(update_fields=["merged_into", "updated_at"])
        now = timezone.now()
        proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.MERGED, as_user(user), now
        proposal.decision_reason = reason
        proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        return PersonMerge.objects.create(survivor=survivor, merged=merged, proposal=proposal, moved=moved,
                                          reason=reason, merged_by=as_user(user), merged_at=now)


def person_unmerge(*, user, proposal: DuplicateProposal | int, reason: str) -> PersonMerge:
    """Undo the merge of a proposal exactly: the rows that moved go back, the person is listed again,
    the proposal is open again (a reviewer may then reject it)."""
    reason = (reason or "").strip()
    with transaction.atomic(), history_context(user):
        proposal, persons = _lock_for_decision(user, getattr(proposal, "pk", proposal))
        merge = (PersonMerge.objects.select_for_update().filter(proposal=proposal, undone_at__isnull=True)
                 .order_by("-merged_at").first())
        if proposal.status != ProposalStatus.MERGED or merge is None:
            raise ValidationError(_("This possible duplicate is not merged."), code="decided")
        if not reason:
            raise ValidationError({"reason": _("Give the reason for undoing the merge.")})
        survivor, merged = persons[merge.survivor_id], persons[merge.merged_id]
        if survivor.merged_into_id:
            raise ValidationError(_("The surviving person has since been merged again: undo that merge first."))
        links = {f"{model._meta.label_lower}.{field}": (model, field) for model, field in _person_links()}
        for key, ids in merge.moved.items():
            model, field = links[key]
            model._base_manager.filter(pk__in=ids, **{field: survivor}).update(**{field: merged})
        merged.merged_into = None
        merged.save(update_fields=["merged_into", "updated_at"])
        merge.undone_by, merge.undone_at, merge.undo_reason = as_user(user), timezone.now(), reason
        merge.save(update_fields=["undone_by", "undone_at", "undo_reason"])
        proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.OPEN, None, None
        proposal.decision_reason = ""
        proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        return merge


def proposal_reject(*, user, proposal: DuplicateProposal | int, reason: str) -> DuplicateProposal:
    """Not the same person: the pair is never proposed again."""
    reason = (reason or "").strip()
    with transaction.atomic(), history_context(user):
        proposal, _persons = _lock_for_decision(user, getattr(proposal, "pk", proposal))
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError(_("This possible duplicate has already been decided."), code="decided")
        if not reason:
            raise ValidationError({"reason": _("Give the reason.")})
        proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.REJECTED, as_user(user), timezone.now()
        proposal.decision_reason = reason
        proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        return proposal


def last_merge(proposal: DuplicateProposal) -> PersonMerge | None:
    """The latest merge of a pair fetched through the reviewer's queue (proposal_get)."""
    return (PersonMerge.objects.filter(proposal=proposal).select_related("merged_by", "undone_by")
            .order_by("-merged_at", "-pk").first())


def merged_person_ids(person: Person) -> list[int]:
    """The person and everyone merged into them (access-log rows of a person are kept under each id)."""
    ids, frontier = [person.pk], [person.pk]
    while frontier:
        frontier = list(Person.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids
