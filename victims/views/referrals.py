"""Referrals (chuyển tuyến) and handovers (bàn giao): the inbox, the sent list, one referral's page
and its answers, the handover form and the handover record's download.

Thin: victims.referral_selectors read (scoped), victims.referrals write. 403 for a role that never
does this; 404 for a referral or case outside the actor's scope. Every page showing a referral or a
case writes the access log (ids only).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.formviews import submit
from accounts.roles import Action
from accounts.web import acting_agency, requires
from victims import duplicates
from victims import referral_selectors as selectors
from victims import referrals as services
from victims.forms import referrals as forms
from victims.models import CaseChild, RecordStatus, ReferralStatus, ServiceKind, SharedPart
from victims.readmodel import log_request_reads, person_name
from victims.selectors import case_get

from .actions import CaseActionView

PAGE_SIZE = 25
LOG_LIST = "referral.list"
LOG_VIEW = "referral.view"
LOG_DOWNLOAD = "handover.download"
FILTER_SESSION_KEY = "referrals:filters:{}"


def referral_url(referral) -> str:
    return reverse("victims:referral_detail", args=[referral.pk])


def _decorate(referrals, today):
    parts = dict(SharedPart.choices)
    labels = dict(ServiceKind.choices)
    if any(code.startswith(services.ITEM_PREFIX) for referral in referrals for code in referral.services):
        # the catalogue's names, read once for the whole page
        labels.update({value: label for _group, options in forms.service_choices() for value, label in options})
    for referral in referrals:
        referral.service_labels = [str(labels.get(code, code)) for code in referral.services]
        referral.victim_display = person_name(referral.case.person, referral.identity_visible) \
            if referral.status != ReferralStatus.PENDING or referral.identity_visible else ""
        referral.overdue = referral.is_overdue(today)
        referral.part_labels = [parts.get(part, part) for part in referral.shared_parts]
    return referrals


def _filters(request, which: str) -> dict:
    """The list's filters: from the query string, else the last ones used (kept in the session, so
    they survive going to a referral and back). No names in them: a query string is fine."""
    key = FILTER_SESSION_KEY.format(which)
    if "reset" in request.GET:
        request.session.pop(key, None)
        data = {}
    elif any(name in request.GET for name in ("status", "urgency", "overdue")):
        data = {name: request.GET.get(name, "") for name in ("status", "urgency", "overdue")}
        request.session[key] = data
    else:
        data = request.session.get(key, {})
    form = forms.ReferralFilterForm(data or None)
    values = {"status": "open", "urgency": "", "overdue": False}
    if form.is_bound and form.is_valid():
        values.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    return {"form": form if form.is_bound else forms.ReferralFilterForm(), "values": values,
            "page": request.GET.get("page")}


def _list(request, which: str, agency, referrals_for, **extra):
    filters = _filters(request, which)
    referrals = referrals_for(user=request.user, agency=agency, **filters["values"])
    page = Paginator(referrals, PAGE_SIZE).get_page(filters["page"])
    rows = _decorate(list(page.object_list), timezone.localdate())
    log_request_reads(request, rows, LOG_LIST)
    return render(request, "victims/referral_list.html", {
        "which": which, "page": page, "referrals": rows, "form": filters["form"], "agency": agency,
        "overdue_count": sum(1 for row in rows if row.overdue), **extra,
    })


@requires(Action.REFERRAL_RECEIVE)
@require_GET
def referral_inbox(request):
    """Referrals sent to the acting agency, soonest deadline first; overdue ones marked."""
    agency = acting_agency(request, Action.REFERRAL_RECEIVE)
    return _list(request, "inbox", agency, selectors.referral_inbox)


@requires(Action.CASE_GRANT)
@require_GET
def referral_sent(request):
    agency = acting_agency(request, Action.CASE_GRANT)
    return _list(request, "sent", agency, selectors.referral_sent,
                 referral_requests=duplicates.referral_requests_for(request.actor))


class ReferralCreateView(CaseActionView):
    action = Action.CASE_GRANT
    form_class = forms.ReferralForm
    title = gettext_lazy("Refer the case to another agency")
    submit_label = gettext_lazy("Send the referral")
    success_message = gettext_lazy("The referral has been sent.")

    def form_kwargs(self):
        return {"case": self.case}

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        if data is None and (to := self.request.GET.get("to", "")).isdigit():
            form.initial["receiving_agency"] = int(to)  # asked for by that agency (victims.duplicates)
        return form

    def not_available(self):
        return _("A closed case cannot be referred.") if self.case.status == "closed" else ""

    def post(self, request, pk):
        form = self.get_form(request.POST)
        if done := submit(request, form, lambda data: services.referral_send(
                user=request.user, case=self.case,
                **{name: value for name, value in data.items() if name != "form_token"}),
                success=self.success_message, then=lambda referral: redirect(
                    referral_url(referral) if referral else reverse("victims:case_detail", args=[self.case.pk]))):
            return done
        return self.render(request, form)


def _referral_context(request, referral) -> dict:
    user = request.user
    actor = request.actor
    agency_id = actor.agency_id if actor else None
    is_receiver = agency_id == referral.receiving_agency_id and actor.can(Action.REFERRAL_RECEIVE)
    is_sender = agency_id == referral.sender_agency_id and actor.can(Action.CASE_GRANT)
    case = referral.case
    owner = agency_id == case.owning_agency_id and actor.can(Action.CASE_GRANT)
    handover = getattr(referral, "handover", None) if referral.status == ReferralStatus.HANDED_OVER else None
    return {
        "referral": _decorate([referral], timezone.localdate())[0], "case": case,
        "is_receiver": is_receiver, "is_sender": is_sender,
        "can_answer": is_receiver and referral.status == ReferralStatus.PENDING,
        "can_withdraw": is_sender and referral.status in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED),
        "can_close": (is_sender or is_receiver) and referral.status == ReferralStatus.ACCEPTED,
        "can_hand_over": owner and is_sender and referral.status == ReferralStatus.ACCEPTED,
        # The case page opens for the receiver only once it may see the case (after accepting).
        "case_visible": referral.status != ReferralStatus.PENDING and _case_visible(user, case),
        "handover": handover,
        "can_download": bool(handover and handover.pdf_status == RecordStatus.READY
                             and referral.identity_visible and agency_id in (handover.from_agency_id,
                                                                            handover.to_agency_id)),
        "accept_form": forms.AnswerForm(prefix="accept"), "decline_form": forms.AnswerForm(prefix="decline"),
        "end_form": forms.AnswerForm(prefix="end"),
    }


def _case_visible(user, case) -> bool:
    try:
        case_get(user=user, pk=case.pk)
    except Http404:
        return False
    return True


@requires(Action.CASE_VIEW)
@require_GET
def referral_detail(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    log_request_reads(request, [referral], LOG_VIEW)
    return render(request, "victims/referral_detail.html", _referral_context(request, referral))


def _answer(request, pk, prefix: str, action: str, write, success: str):
    """POST of one answer (accept, decline, withdraw, close): once per form, refusals as messages."""
    referral = selectors.referral_get(user=request.user, pk=pk, action=action)
    form = forms.AnswerForm(request.POST, prefix=prefix)

    def refused(error: ValidationError):
        if "referral" in getattr(error, "error_dict", {}) or not hasattr(error, "error_dict"):
            for message in error.messages:
                messages.error(request, message)
            return redirect(referral_url(referral))
        return None

    if done := submit(request, form, lambda data: write(referral, data.get("reason", "")), success=success,
                      refused=refused, then=lambda result: redirect(referral_url(referral))):
        return done
    context = _referral_context(request, referral)
    context[f"{prefix}_form"] = form
    return render(request, "victims/referral_detail.html", context, status=200)


@requires(Action.REFERRAL_RECEIVE)
@require_POST
def referral_accept(request, pk):
    return _answer(request, pk, "accept", Action.REFERRAL_RECEIVE,
                   lambda referral, reason: services.referral_accept(user=request.user, referral=referral, note=reason),
                   _("The referral has been accepted: your agency now sees the parts of the file shared."))


@requires(Action.REFERRAL_RECEIVE)
@require_POST
def referral_decline(request, pk):
    return _answer(request, pk, "decline", Action.REFERRAL_RECEIVE,
                   lambda referral, reason: services.referral_decline(user=request.user, referral=referral,
                                                                       reason=reason),
                   _("The referral has been declined."))


@requires(Action.CASE_GRANT)
@require_POST
def referral_withdraw(request, pk):
    return _answer(request, pk, "end", Action.CASE_VIEW,
                   lambda referral, reason: services.referral_withdraw(user=request.user, referral=referral,
                                                                        reason=reason),
                   _("The referral has been withdrawn; the receiving agency no longer sees the case."))


@requires(Action.CASE_VIEW)
@require_POST
def referral_close(request, pk):
    return _answer(request, pk, "end", Action.CASE_VIEW,
                   lambda referral, reason: services.referral_close(user=request.user, referral=referral,
                                                                     reason=reason),
                   _("The referral has been closed."))


@requires(Action.CASE_GRANT)
@require_http_methods(["GET", "POST"])
def handover_create(request, pk):
    """Hand the case over to the agency that accepted the referral (confirmed: it cannot be undone)."""
    referral = selectors.referral_get(user=request.user, pk=pk, action=Action.CASE_GRANT)
    case = case_get(user=request.user, pk=referral.case_id, action=Action.CASE_GRANT)
    actor = request.actor
    if actor is None or actor.agency_id != case.owning_agency_id or referral.sender_agency_id != actor.agency_id:
        raise PermissionDenied(_("Only the agency that owns the case hands it over."))
    children = CaseChild.objects.visible_to(request.user, Action.CASE_GRANT).filter(
        case_id=case.pk).select_related("person").order_by("pk")
    form = forms.HandoverForm(request.POST or None, children=children, identity_visible=case.identity_visible)
    not_available = "" if referral.status == ReferralStatus.ACCEPTED else _(
        "Only an accepted referral can be followed by a handover.")
    if not not_available and (done := submit(
            request, form, lambda data: services.handover_record(
                user=request.user, referral=referral,
                **{name: value for name, value in data.items() if name != "form_token"}),
            success=_("The case has been handed over. The handover record is being prepared."),
            then=lambda result: redirect(referral_url(referral)))):
        return done
    log_request_reads(request, [case, referral], LOG_VIEW)
    return render(request, "victims/handover_form.html", {
        "case": case, "referral": referral, "form": form, "identity_visible": case.identity_visible,
        "not_available": not_available,
        "confirm": _("Hand the case over to %(agency)s? Ownership moves to that agency and cannot be taken "
                     "back.") % {"agency": referral.receiving_agency.name},
    })


@requires(Action.CASE_VIEW_IDENTITY)
@require_GET
def handover_pdf(request, pk):
    """The handover record: for the two agencies only, logged; never under MEDIA_URL."""
    actor = request.actor
    handover = selectors.handover_for_download(user=request.user, pk=pk, agency_id=actor.agency_id if actor else None)
    if handover.pdf_status != RecordStatus.READY or not handover.pdf:
        raise Http404("The handover record is not ready.")
    try:
        handle = handover.pdf.open("rb")
    except FileNotFoundError:
        raise Http404("The handover record is missing.") from None
    log_request_reads(request, [handover.case, handover], LOG_DOWNLOAD)
    filename = f"bien-ban-ban-giao-{handover.document_number.replace('/', '-')}.pdf"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
