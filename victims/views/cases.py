"""The case pages: the list, the overdue follow-up visits, the case page and its downloads.

Thin: selectors read (scoped to the acting user), services write. A page of a kind the user's roles
never allow answers 403; a case outside the user's scope answers 404 (the selectors raise it).
Every page that shows victim rows writes the access log (ids only).
"""

import uuid
from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Action
from accounts.web import require_action
from config import private_filters
from victims import referral_selectors, selectors
from victims.forms.cases import SORT_FIELDS, CaseFilterForm, transition_targets
from victims.models import (
    Case,
    CaseAccessGrant,
    CaseChild,
    CaseClosure,
    Consent,
    FollowUpVisit,
    IdentificationOutcome,
    ReintegrationPlan,
    SharingParty,
    TraffickingPurpose,
    VerificationRequest,
)
from victims.panels import panels_for
from victims.readmodel import log_request_reads
from victims.workflow import (
    ENTERED_BY_CLOSURE,
    ENTERED_BY_IDENTIFICATION_OUTCOME,
    PLAN_STATUSES,
    Status,
    can_transition,
    next_statuses,
)

from .timeline import case_timeline, case_timeline_excerpt

PAGE_SIZE = 25
COUNT_CAP = 1000
ACCESS_LOG_ON_PAGE = 20
TIMELINE_ON_PAGE = 20  # the newest entries; the whole history has its own page
HISTORY_PAGE_SIZE = 50

# What the access log says was done (ids only, never personal data).
LOG_LIST = "case.list"
LOG_VIEW = "case.view"
LOG_DOWNLOAD = "case.download_scan"
LOG_OVERDUE = "case.list_overdue"
LOG_ACCESS_LOG = "case.view_access_log"
LOG_HISTORY = "case.view_history"

VERIFICATION_STATUSES = frozenset({Status.RECEIVED, Status.UNDER_IDENTIFICATION, Status.NOT_VICTIM})


# ---------------------------------------------------------------------------------------------
# Helpers shared with the action views
# ---------------------------------------------------------------------------------------------

def log_case_view(request, case: Case, action: str = LOG_VIEW) -> None:
    log_request_reads(request, [case], action)


def case_url(case_or_pk) -> str:
    return reverse("victims:case_detail", args=[getattr(case_or_pk, "pk", case_or_pk)])


def _acting_allows(request, action: str) -> bool:
    membership = request.membership
    return bool(membership and membership.allows(action))


def _optional_url(name: str, *args) -> str | None:
    """A link to a page of another module (the intake wizard) only once it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# ---------------------------------------------------------------------------------------------
# The case list and the overdue visits
# ---------------------------------------------------------------------------------------------

class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows and then says "more than 1,000": an exact count reads every
    row in scope (a province's hundred thousand cases) on every page view, and nobody pages past 40
    pages; they narrow the filters. The pages beyond the cap are not offered."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def count_label(self) -> str:
        """The count to show: "1.000+" once capped."""
        if self.capped:
            return f"{number_format(COUNT_CAP, force_grouping=True)}+"
        return number_format(self.count, force_grouping=True)


def _sort_links(current: str, allowed: set[str]) -> dict[str, str]:
    """For each sortable column: the `sort` value its header links to (toggling the direction)."""
    links = {}
    for key in SORT_FIELDS:
        if key in allowed:
            links[key] = f"-{key}" if current == key else key
    return links


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request):
    """Cases the user may see: filters kept in the session (never names in the URL), masked names where due."""
    require_action(request, Action.CASE_VIEW)
    params = private_filters.params(request, "victims:case_list")
    if isinstance(params, HttpResponse):
        return params
    form = CaseFilterForm(params or None, user=request.user)
    if form.is_bound:
        form.is_valid()  # invalid filters are ignored and shown next to their field
    cases = selectors.case_list(user=request.user, **form.selector_filters())
    page = CappedPaginator(cases, PAGE_SIZE).get_page(params.get("page"))
    rows = list(page.object_list)
    log_request_reads(request, rows, LOG_LIST)
    # Persons counted once (merged and multi-agency), exact only while the case count is: both scan
    # the scope, so past the cap neither is computed on a page view.
    persons = None if page.paginator.capped else selectors.persons_received(request.user, cases=cases)
    today = timezone.localdate()
    sort = form.sort_value
    overdue = CappedPaginator(selectors.followups_overdue(request.user, today), PAGE_SIZE)
    return render(request, "victims/case_list.html", {
        "form": form, "page": page, "cases": rows, "sort": sort, "persons_count": persons,
        "sort_links": _sort_links(sort, form.allowed_sorts),
        "overdue_count": overdue.count, "overdue_label": overdue.count_label,
        "filtered": any(params.get(name) for name in ("q", "status", "province", "receiving_agency",
                                                          "received_from", "received_to")),
        # The reception is registered for the agency the user acts for (chosen in the header).
        "intake_url": _optional_url("victims:intake_start") if _acting_allows(request, Action.CASE_CREATE) else None,
        "can_see_refused": _acting_allows(request, Action.CASE_VIEW_ACCESS_LOG),
    })


@login_required
@require_GET
def followups_overdue(request):
    """The warning list: cases in follow-up whose next home visit is past due."""
    require_action(request, Action.CASE_VIEW)
    today = timezone.localdate()
    cases = selectors.followups_overdue(request.user, today)
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    log_request_reads(request, rows, LOG_OVERDUE)
    for case in rows:
        case.days_overdue = (today - case.next_visit_due).days
    return render(request, "victims/followups_overdue.html", {
        "page": page, "cases": rows, "overdue_count": page.paginator.count,
        "overdue_label": page.paginator.count_label, "today": today,
        "can_see_refused": _acting_allows(request, Action.CASE_VIEW_ACCESS_LOG),
    })


# ---------------------------------------------------------------------------------------------
# The case page
# ---------------------------------------------------------------------------------------------

def _transition_choices(case: Case, perms: selectors.CasePermissions) -> list[dict]:
    """The next statuses of the state machine, each with how it is reached from this page."""
    plain = set(transition_targets(case.status))
    choices = []
    for status in next_statuses(case.status):
        if status in plain:
            how = "transition" if perms.edit else None
        elif status in ENTERED_BY_CLOSURE:
            how = "closure" if perms.edit else None
        elif status in ENTERED_BY_IDENTIFICATION_OUTCOME:
            how = "outcome" if perms.record_outcome else "police"
        else:  # pragma: no cover - every status is one of the above
            how = None
        choices.append({
            "status": status, "label": Status(status).label, "how": how, "token": uuid.uuid4().hex,
            # Irreversible: the state machine offers no way back to the current status.
            "irreversible": not can_transition(status, case.status),
        })
    return choices


def case_page_context(request, case: Case) -> dict:
    """Everything the case page shows, in a constant number of queries."""
    user = request.user
    perms = selectors.case_permissions(user, case)

    def rows(model):
        return model.objects.of_case(user, case)

    # The children and the outcomes, read once: the timeline and the panels take them from the case.
    prefetch_related_objects(
        [case],
        Prefetch("children", queryset=rows(CaseChild).select_related("person", "person__ethnicity").order_by("pk")),
        Prefetch("identification_outcomes", queryset=rows(IdentificationOutcome).select_related(
            "recorded_by", "recorded_by_agency", "request").order_by("-recorded_at", "-pk")),
    )
    timeline = case_timeline_excerpt(user, case, TIMELINE_ON_PAGE)
    status = case.status
    consents = list(rows(Consent).select_related("person", "recorded_by"))
    parties = dict(SharingParty.choices)
    for consent in consents:
        consent.share_with_labels = [parties.get(party, party) for party in consent.share_with]
    grants = list(rows(CaseAccessGrant).select_related("grantee_agency", "grantee_user", "granted_by",
                                                       "revoked_by").order_by("-granted_at", "-pk"))
    actions = dict(Action.choices)
    for grant in grants:
        grant.action_labels = [actions.get(action, action) for action in grant.actions]
    purposes = dict(TraffickingPurpose.choices)
    context = {
        "case": case, "person": case.person, "identity_visible": perms.identity, "perms": perms,
        # The parts a referral shares on their own (case_get annotates them).
        "trafficking_visible": bool(getattr(case, "trafficking_visible", False)),
        "health_visible": bool(getattr(case, "health_visible", False)),
        "documents_visible": bool(getattr(case, "documents_visible", False)),
        "children": list(case.children.all()),
        "consents": consents,
        "purposes": [purposes.get(purpose, purpose) for purpose in case.purposes or []],
        "verification_requests": list(rows(VerificationRequest).select_related("police_agency", "requested_by")),
        "outcomes": list(case.identification_outcomes.all()),
        "plans": list(rows(ReintegrationPlan).select_related("responsible_agency", "created_by")),
        "visits": list(rows(FollowUpVisit).select_related("recorded_by")),
        "closure": rows(CaseClosure).select_related("closed_by").first(),
        "grants": grants,
        "timeline": timeline.newest,
        "timeline_has_older": timeline.has_older,
        "status_changes": timeline.status_changes,
        "transitions": _transition_choices(case, perms),
        "can_request_verification": perms.edit and status in VERIFICATION_STATUSES,
        "can_record_outcome": perms.record_outcome and status != Status.CLOSED,
        "can_plan": perms.edit and status in PLAN_STATUSES,
        "can_record_visit": perms.edit and status == Status.FOLLOW_UP,
        "can_close": perms.edit and status != Status.CLOSED,
        "panels": panels_for(user, case),
        "referrals": referral_selectors.referrals_of_case(user, case),
        "handovers": referral_selectors.handovers_of_case(user, case),
        "intake_url": _optional_url("victims:intake", case.pk),
        "today": timezone.localdate(),
    }
    context["visit_overdue"] = bool(
        status == Status.FOLLOW_UP and case.next_visit_due and case.next_visit_due < context["today"]
    )
    if perms.view_access_log:
        log = selectors.access_log_for_case(user=user, case=case)
        context["access_log"] = list(log[:ACCESS_LOG_ON_PAGE])
    return context


@login_required
@require_GET
def case_detail(request, pk):
    require_action(request, Action.CASE_VIEW)
    case = selectors.case_get(user=request.user, pk=pk)
    log_case_view(request, case)
    return render(request, "victims/case_detail.html", case_page_context(request, case))


@login_required
@require_GET
def case_history(request, pk):
    """The whole timeline of a case, newest first, a page at a time (the case page shows the newest)."""
    require_action(request, Action.CASE_VIEW)
    case = selectors.case_get(user=request.user, pk=pk)
    log_case_view(request, case, LOG_HISTORY)
    entries = list(reversed(case_timeline(request.user, case)))
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "victims/case_history.html", {"case": case, "page": page, "timeline": page.object_list})


@login_required
@require_GET
def case_access_log(request, pk):
    """Who opened this file, all of it: for the managers of the agency that owns the case."""
    require_action(request, Action.CASE_VIEW_ACCESS_LOG)
    case = selectors.case_get(user=request.user, pk=pk)
    if not selectors.can_view_access_log(request.user, case):
        raise PermissionDenied
    log_case_view(request, case, LOG_ACCESS_LOG)  # reading who opened it is opening it too
    entries = selectors.access_log_for_case(user=request.user, case=case)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "victims/access_log.html", {"case": case, "page": page})


@login_required
@require_GET
def outcome_scan(request, pk, outcome_pk):
    """The scanned confirming document: only here (never under MEDIA_URL), scoped and logged."""
    require_action(request, Action.CASE_VIEW_DOCUMENTS)
    case = selectors.case_get(user=request.user, pk=pk, action=Action.CASE_VIEW_DOCUMENTS)
    outcome = (
        IdentificationOutcome.objects.visible_to(request.user, Action.CASE_VIEW_DOCUMENTS)
        .filter(case_id=case.pk, pk=outcome_pk).first()
    )
    if outcome is None or not outcome.scan:
        raise Http404("No scanned document here.")
    try:
        handle = outcome.scan.open("rb")
    except FileNotFoundError:
        raise Http404("The scanned file is missing.") from None
    log_request_reads(request, [case, outcome], LOG_DOWNLOAD)
    suffix = PurePath(outcome.scan.name).suffix.lower()
    return FileResponse(handle, as_attachment=True, filename=f"{case.case_number}-{outcome.pk}{suffix}")


@login_required
@require_GET
def refused_attempts(request):
    """The agency's managers see who was refused a victim-data page (ids tried, never names)."""
    require_action(request, Action.CASE_VIEW_ACCESS_LOG)
    page = Paginator(selectors.refused_attempts(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "victims/refused_attempts.html", {"page": page, "tab": "refused"})
