"""Possible duplicates: on a case (on demand), the review queue, merge, reject and unmerge.

Access (tests/access/test_duplicates_matrix.py):
- case_duplicates / duplicate_referral: a role with case.view_identity, the case in scope for it
  (else 404). Candidates out of the actor's scope show only the agency holding them and its contact.
- duplicate_queue / duplicate_detail / merge / reject / unmerge: person.merge at a provincial
  department (pairs in its scope) or at the ministry (any pair, without identity); else 403; a
  proposal outside the reviewer's queue answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.formviews import submit
from accounts.models import Agency
from accounts.roles import Action
from accounts.web import require_action

from .. import duplicates, selectors
from ..forms.duplicates import MergeForm, ReasonForm, ReferralRequestForm
from ..matching import REASONS, Query
from ..models import ProposalStatus
from ..readmodel import log_request_reads, mask_name, sensitive_value

PAGE_SIZE = 25


def _case_for_duplicates(request, pk):
    require_action(request, Action.CASE_VIEW_IDENTITY)
    case = selectors.case_get(user=request.user, pk=pk, action=Action.CASE_VIEW_IDENTITY)
    return case


@login_required
@require_GET
def case_duplicates(request, pk):
    """Possible duplicates of the case's person, in the actor's scope or held by other agencies."""
    case = _case_for_duplicates(request, pk)
    report = duplicates.duplicates_for(request.actor, Query.of(case.person))
    log_request_reads(request, [case, *(c for match in report.seen for c in match.cases)], "case.duplicates")
    return render(request, "victims/duplicates/case.html", {"case": case, "report": report})


@login_required
@require_POST
def duplicate_referral(request, pk):
    """One click: ask the agency holding a possible match for a referral (see duplicates)."""
    case = _case_for_duplicates(request, pk)
    form = ReferralRequestForm(request.POST)
    if not form.is_valid():
        return redirect("victims:case_duplicates", pk=case.pk)
    agency = Agency.objects.filter(pk=form.cleaned_data["agency"]).first()
    if agency is None:
        return redirect("victims:case_duplicates", pk=case.pk)
    duplicates.duplicate_request_referral(user=request.user, case=case, agency=agency)
    messages.success(request, _(
        "Your request has been sent to %(agency)s: it appears on its referrals page, where it can refer "
        "its case to your agency, and in the provincial department's review of possible duplicates. "
        "You can also call it on the contact below.") % {"agency": agency.name})
    return redirect("victims:case_duplicates", pk=case.pk)


def _reviewer(request) -> str:
    require_action(request, Action.PERSON_MERGE)
    kind = duplicates.reviewer_kind(request.actor)
    if kind is None:
        raise PermissionDenied(_("Only a provincial department or the ministry reviews possible duplicates."))
    return kind


STATUS_TABS = [(ProposalStatus.OPEN, ProposalStatus.OPEN.label), (ProposalStatus.MERGED, ProposalStatus.MERGED.label),
               (ProposalStatus.REJECTED, ProposalStatus.REJECTED.label)]


@login_required
@require_GET
def duplicate_queue(request):
    kind = _reviewer(request)
    status = request.GET.get("status", ProposalStatus.OPEN)
    if status not in ProposalStatus.values:
        status = ProposalStatus.OPEN
    page = Paginator(duplicates.proposal_queue(request.actor, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    return render(request, "victims/duplicates/queue.html", {
        "page": page, "proposals": rows, "status": status, "tabs": STATUS_TABS, "kind": kind,
    })


def _sides(request, proposal):
    sides = duplicates.proposal_sides(request.actor, proposal)
    for side in sides:
        person, identity = side["person"], side["identity"]
        side["name"] = person.full_name if identity else mask_name(person.full_name)
        side["paper"] = sensitive_value(person.id_paper_number, identity)
        side["label"] = f"{side['name']} · {person.birth_display or '—'} · {', '.join(c['case'].owning_agency.name for c in side['cases']) or '—'}"
    return sides


def _detail(request, proposal, form=None, undo_form=None, reject_form=None, status=200):
    sides = _sides(request, proposal)
    log_request_reads(request, [side["person"] for side in sides], "person.duplicate_review")
    merge = duplicates.last_merge(proposal)
    return render(request, "victims/duplicates/detail.html", {
        "proposal": proposal, "sides": sides, "merge": merge,
        "reasons": [str(REASONS.get(code, code)) for code in proposal.reasons],
        "form": form or MergeForm(sides=sides), "reject_form": reject_form or ReasonForm(prefix="reject"),
        "undo_form": undo_form or ReasonForm(prefix="undo"),
    }, status=status)


@login_required
@require_GET
def duplicate_detail(request, pk):
    _reviewer(request)
    return _detail(request, duplicates.proposal_get(request.actor, pk))


def _refused_decided(request, proposal):
    def refused(error):
        if getattr(error, "code", None) == "decided" or any(
                getattr(e, "code", None) == "decided" for e in getattr(error, "error_list", [])):
            messages.warning(request, " ".join(error.messages))
            return redirect("victims:duplicate_detail", pk=proposal.pk)
        return None
    return refused


@login_required
@require_http_methods(["POST"])
def duplicate_merge(request, pk):
    _reviewer(request)
    proposal = duplicates.proposal_get(request.actor, pk)
    form = MergeForm(request.POST, sides=_sides(request, proposal))
    if done := submit(request, form, lambda data: duplicates.person_merge(
            user=request.user, proposal=proposal, survivor_id=data["survivor"], reason=data["reason"]),
            success=_("The two persons have been merged."), refused=_refused_decided(request, proposal),
            then=lambda merge: redirect("victims:duplicate_detail", pk=proposal.pk)):
        return done
    return _detail(request, proposal, form=form, status=200)


@login_required
@require_http_methods(["POST"])
def duplicate_reject(request, pk):
    _reviewer(request)
    proposal = duplicates.proposal_get(request.actor, pk)
    form = ReasonForm(request.POST, prefix="reject")
    if done := submit(request, form, lambda data: duplicates.proposal_reject(
            user=request.user, proposal=proposal, reason=data["reason"]),
            success=_("Recorded: not the same person. This pair will not be proposed again."),
            refused=_refused_decided(request, proposal),
            then=lambda result: redirect("victims:duplicate_queue")):
        return done
    return _detail(request, proposal, reject_form=form)


@login_required
@require_http_methods(["POST"])
def duplicate_unmerge(request, pk):
    _reviewer(request)
    proposal = duplicates.proposal_get(request.actor, pk)
    form = ReasonForm(request.POST, prefix="undo")
    if done := submit(request, form, lambda data: duplicates.person_unmerge(
            user=request.user, proposal=proposal, reason=data["reason"]),
            success=_("The merge has been undone: both persons and their files are as before."),
            refused=_refused_decided(request, proposal),
            then=lambda result: redirect("victims:duplicate_detail", pk=proposal.pk)):
        return done
    return _detail(request, proposal, undo_form=form)
