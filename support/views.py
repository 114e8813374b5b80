"""Support pages: thin views over support.selectors (reads) and support.services (writes).

Every view first checks that one of the user's roles allows the action at all (else 403), then reads
the object through the scoped selectors (out of scope: 404).
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.formviews import apply_service_errors, submit
from accounts.roles import Action
from accounts.web import acting_agency, requires
from victims.readmodel import log_request_reads

from . import selectors, services
from .forms import (
    DecisionForm,
    DeliveryForm,
    DocumentFormSet,
    LineDecisionForm,
    LineFormSet,
    LoanForm,
    LoanStatusForm,
    RepaymentForm,
    RequestStartForm,
    RequestSubmitForm,
)
from .models import (
    DecisionOutcome,
    LineDecision,
    LoanStatus,
    PdfStatus,
    Regime,
    RequestStatus,
)

PAGE_SIZE = 25


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------

@require_GET
@requires(Action.SUPPORT_VIEW)
def request_list(request):
    status = request.GET.get("status", "")
    regime = request.GET.get("regime", "")
    query = request.GET.get("q", "").replace("\x00", "").strip()[:60]  # NUL: PostgreSQL refuses it
    requests = selectors.request_list(
        user=request.user, status=status, q=query, regime=int(regime) if regime.isdigit() else None,
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.display_name = selectors.display_name(item.person, item.identity_visible)
    log_request_reads(request, page.object_list, "support.list")
    today = timezone.localdate()
    return render(request, "support/request_list.html", {
        "page": page, "status": status, "regime": regime, "query": query, "today": today,
        "statuses": RequestStatus.choices, "regimes": Regime.choices,
        "can_decide": request.user.can(Action.SUPPORT_DECIDE),
    })


@require_GET
@requires(Action.SUPPORT_DECIDE)
def queue(request):
    today = timezone.localdate()
    page = Paginator(selectors.decision_queue(user=request.user, today=today), PAGE_SIZE).get_page(
        request.GET.get("page"))
    for item in page.object_list:
        item.days_left = selectors.working_days_left(item, today)
        item.display_name = selectors.display_name(item.person, item.identity_visible)
    log_request_reads(request, page.object_list, "support.queue")
    return render(request, "support/queue.html", {"page": page, "today": today})


@require_GET
@login_required
def policy(request):
    today = timezone.localdate()
    versions = list(selectors.policy_versions())
    for version in versions:
        version.in_force = version.covers(today)
    return render(request, "support/policy.html", {
        "versions": versions, "today": today, "is_admin": request.user.is_staff,
        "can_decide": request.user.can(Action.SUPPORT_DECIDE),
    })


# ---------------------------------------------------------------------------------------------
# A case's support
# ---------------------------------------------------------------------------------------------

@require_GET
@requires(Action.SUPPORT_VIEW)
def case_support(request, case_pk):
    case = selectors.case_get(user=request.user, pk=case_pk)
    log_request_reads(request, [case], "support.view")
    summary = selectors.support_summary_for_case(request.user, case)
    return render(request, "support/case_support.html", {
        "case": case, "support_summary": summary,
        "requests": selectors.requests_for_case(user=request.user, case=case),
        "loans": selectors.loans_for_case(user=request.user, case=case),
        "can_deliver": request.user.can(Action.SUPPORT_DELIVER),
        "case_name": selectors.display_name(case.person, case.identity_visible),
    })


def _people_choices(case):
    people = selectors.people_of_case(case)
    choices = []
    for person in people:
        name = selectors.display_name(person, case.identity_visible)
        label = _("%(name)s (victim)") % {"name": name} if person.pk == case.person_id else \
            _("%(name)s (accompanying child)") % {"name": name}
        choices.append((person, label))
    return choices


@require_http_methods(["GET", "POST"])
@requires(Action.SUPPORT_REQUEST)
def request_create(request, case_pk):
    case = selectors.case_get(user=request.user, pk=case_pk, action=Action.SUPPORT_REQUEST)
    agency = acting_agency(request, Action.SUPPORT_REQUEST)
    people = _people_choices(case)
    data = request.POST if request.method == "POST" else (request.GET if "person" in request.GET else None)
    initial = {"person": case.person_id}
    if supersedes := request.GET.get("supersedes") or request.POST.get("supersedes"):
        initial["supersedes"] = supersedes
    start = RequestStartForm(data, people=people, initial=initial)
    context = {"case": case, "start": start, "case_name": selectors.display_name(case.person, case.identity_visible)}
    superseded = _superseded_request(request, case, start)
    context["superseded"] = superseded
    if not start.is_bound or not start.is_valid():
        return render(request, "support/request_form.html", context)

    person = next(p for p, _label in people if p.pk == start.cleaned_data["person"])
    on = start.cleaned_data["application_date"]
    version, entries = selectors.catalogue_for(person=person, case=case, on=on)
    eligible = [entry for entry in entries if entry.eligible]
    context.update({"version": version, "entries": entries, "person": person, "show_items": True,
                    "ineligible": [entry for entry in entries if not entry.eligible],
                    "person_label": {p.pk: label for p, label in people}[person.pk]})
    if request.method == "GET":
        context.update({
            "lines": LineFormSet(prefix="lines", entries=eligible),
            "documents": DocumentFormSet(prefix="documents"),
            "submit": RequestSubmitForm(),
        })
        return render(request, "support/request_form.html", context)

    lines = LineFormSet(request.POST, prefix="lines", entries=eligible)
    documents = DocumentFormSet(request.POST, request.FILES, prefix="documents")
    submit_form = RequestSubmitForm(request.POST)
    context.update({"lines": lines, "documents": documents, "submit": submit_form})
    # Every form is validated (no short circuit), so all their errors show at once.
    valid = all([lines.is_valid(), documents.is_valid(), submit_form.is_valid()])
    chosen = [form for form in lines.forms if form.is_valid() and form.cleaned_data.get("selected")]
    used_documents = [form for form in documents.forms if form.is_valid() and form.cleaned_data.get("document_type")]
    prefixed = {f"lines.{i}": form for i, form in enumerate(chosen)}
    prefixed.update({f"documents.{i}": form for i, form in enumerate(used_documents)})
    for key in ("application_date", "person", "supersedes"):
        prefixed[key] = start
    if not valid and chosen and documents.is_valid():
        # The rest of the form has errors: still show what the request itself would meet (over the
        # limit, not eligible, a missing document) next to its lines now, not on a later submit.
        try:
            services.support_request_check(
                user=request.user, agency=agency, case=case, person=person, application_date=on,
                lines=_line_inputs(chosen, eligible), documents=_document_inputs(used_documents),
                in_facility_stay=start.cleaned_data["in_facility_stay"], supersedes=superseded,
            )
        except ValidationError as error:
            apply_service_errors(submit_form, error, prefixed=prefixed)
    # "lines" (e.g. no deciding agency) goes on top of the form.
    if done := submit(request, submit_form, lambda data: services.support_request_create(
        user=request.user, agency=agency, case=case, person=person, application_date=on,
        lines=_line_inputs(chosen, eligible), documents=_document_inputs(used_documents),
        in_facility_stay=start.cleaned_data["in_facility_stay"], note=data["note"], supersedes=superseded,
        idempotency_key=data["submission_key"],
    ), valid=valid, prefixed=prefixed, success=lambda created: (
        _("The request was sent for a decision.") if len(created) == 1 else
        _("The request was split by deciding authority and sent as %(count)s requests.") % {"count": len(created)}
    ), then=lambda created: redirect("support:request_detail", pk=created[0].pk)):
        return done
    return render(request, "support/request_form.html", context)


def _line_inputs(chosen, eligible) -> list:
    items = {entry.item.pk: entry.item for entry in eligible}
    inputs = []
    for form in chosen:
        data = form.cleaned_data
        item = items.get(data["item"])
        if item is None:
            raise Http404("No such item.")
        inputs.append(services.LineInput(
            item=item, quantity=data.get("quantity") or 1,
            unit_amount=data.get("unit_amount") if form.priced else None,
            amount=None if form.priced else data.get("amount"),
            extension_requested=bool(data.get("extension_requested")), note=data.get("note") or "",
        ))
    return inputs


def _document_inputs(used_documents) -> list:
    return [services.DocumentInput(
        document_type=form.cleaned_data["document_type"], number=form.cleaned_data["number"],
        issued_on=form.cleaned_data.get("issued_on"), issued_by=form.cleaned_data.get("issued_by") or "",
        scan=form.cleaned_data.get("scan") or None,
    ) for form in used_documents]


def _superseded_request(request, case, start):
    raw = request.POST.get("supersedes") if request.method == "POST" else request.GET.get("supersedes")
    if not raw:
        return None
    old = selectors.request_get(user=request.user, pk=raw)
    if old.case_id != case.pk:
        raise Http404("No support request matches the given query.")
    return old


# ---------------------------------------------------------------------------------------------
# One request
# ---------------------------------------------------------------------------------------------

@require_GET
@requires(Action.SUPPORT_VIEW)
def request_detail(request, pk):
    support_request = selectors.request_get(user=request.user, pk=pk)
    log_request_reads(request, [support_request], "support.view")
    lines = list(support_request.lines.select_related("item").prefetch_related("deliveries").order_by(
        "item__regime", "item__sort_order", "pk"))
    for line in lines:
        line.delivered = sum(d.amount for d in line.deliveries.all())
        line.delivered_quantity = sum(d.quantity for d in line.deliveries.all())
    decision = getattr(support_request, "decision", None) if support_request.is_decided or \
        support_request.status == RequestStatus.SUPERSEDED else None
    can_supersede = (
        support_request.is_decided and request.user.can(Action.SUPPORT_REQUEST)
        and not selectors.has_pending_supersession(user=request.user, support_request=support_request)
    )
    return render(request, "support/request_detail.html", {
        "req": support_request, "lines": lines, "decision": decision,
        "documents": support_request.documents.all(),
        "name": selectors.display_name(support_request.person, support_request.identity_visible),
        "can_decide": services.can_decide(request.user, support_request),
        "can_deliver": request.user.can(Action.SUPPORT_DELIVER) and support_request.status in (
            RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED),
        "can_supersede": can_supersede,
        "superseded_by": support_request.superseded_by.order_by("-pk").first(),
        "days_left": selectors.working_days_left(support_request) if support_request.is_pending else None,
    })


@require_http_methods(["GET", "POST"])
@requires(Action.SUPPORT_DECIDE)
def request_decide(request, pk):
    support_request = selectors.request_get(user=request.user, pk=pk, action=Action.SUPPORT_DECIDE)
    if not support_request.is_pending:
        messages.info(request, _("This request has already been decided."))
        return redirect("support:request_detail", pk=pk)
    if not services.can_decide(request.user, support_request):
        if support_request.requested_by_id == request.user.pk:
            raise PermissionDenied(_("You cannot decide a request you made yourself."))
        raise PermissionDenied(_("Only an approver of %(agency)s may decide this request.") % {
            "agency": support_request.deciding_agency.name})
    lines = list(support_request.lines.select_related("item").order_by("item__regime", "item__sort_order", "pk"))
    data = request.POST if request.method == "POST" else None
    forms = [LineDecisionForm(data, line=line, prefix=f"line-{line.pk}",
                              initial={"decision": LineDecision.APPROVE, "approved_quantity": line.quantity,
                                       "approved_amount": line.amount}) for line in lines]
    decision_form = DecisionForm(data)
    context = {"req": support_request, "line_forms": list(zip(lines, forms, strict=True)), "form": decision_form,
               "name": selectors.display_name(support_request.person, support_request.identity_visible),
               "days_left": selectors.working_days_left(support_request)}

    def decide(data):
        inputs = {line.pk: services.LineDecisionInput(
            decision=form.cleaned_data["decision"], approved_quantity=form.cleaned_data.get("approved_quantity"),
            approved_amount=form.cleaned_data.get("approved_amount"), reason=form.cleaned_data.get("reason") or "",
        ) for line, form in zip(lines, forms, strict=True)}
        return services.support_request_decide(user=request.user, request=support_request, lines=inputs,
                                               note=data["note"], decision_date=data["decision_date"],
                                               signing_authority=data["signing_authority"],
                                               signer_title=data["signer_title"])

    def decided_meanwhile(error):
        codes = {e.code for errors in getattr(error, "error_dict", {}).values() for e in errors}
        if "already_decided" in codes:
            messages.info(request, _("This request has already been decided."))
            return redirect("support:request_detail", pk=pk)
        return None

    # Every form is validated, so all errors show at once (not the lines' only after the decision's).
    valid = request.method == "POST" and all([decision_form.is_valid(), *(form.is_valid() for form in forms)])
    if done := submit(request, decision_form, decide, valid=valid, refused=decided_meanwhile,
                      prefixed={f"lines.{line.pk}": form for line, form in zip(lines, forms, strict=True)},
                      success=lambda decision: _("Decision recorded: %(outcome)s.") % {
                          "outcome": decision.get_outcome_display()},
                      then=lambda decision: redirect("support:request_detail", pk=pk)):
        return done
    return render(request, "support/request_decide.html", context)


# ---------------------------------------------------------------------------------------------
# The decision document
# ---------------------------------------------------------------------------------------------

def _decision_for_document(request, pk):
    decision = selectors.decision_get(user=request.user, pk=pk)
    if decision.outcome == DecisionOutcome.REJECTED:
        raise Http404("A rejection has no decision document.")
    return decision


@require_GET
@requires(Action.SUPPORT_VIEW)
def decision_pdf(request, pk):
    decision = _decision_for_document(request, pk)
    if decision.pdf_status == PdfStatus.READY and decision.pdf:
        log_request_reads(request, [decision], "support.decision_pdf")
        filename = f"quyet-dinh-{decision.document_number.replace('/', '-')}.pdf"
        return FileResponse(decision.pdf.open("rb"), as_attachment=True, filename=filename,
                            content_type="application/pdf")
    return render(request, "support/decision_pending.html", {"decision": decision}, status=202)


@require_GET
@requires(Action.SUPPORT_VIEW)
def decision_status(request, pk):
    decision = _decision_for_document(request, pk)
    return render(request, "support/_decision_status.html", {"decision": decision})


@require_POST
@requires(Action.SUPPORT_DECIDE)
def decision_render(request, pk):
    decision = selectors.decision_get(user=request.user, pk=pk, action=Action.SUPPORT_DECIDE)
    try:
        services.decision_requeue_pdf(user=request.user, decision=decision)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("The decision document is being prepared again."))
    return redirect("support:request_detail", pk=decision.request_id)


@require_GET
@requires(Action.SUPPORT_VIEW)
def document_download(request, pk):
    document = selectors.document_get(user=request.user, pk=pk)
    if not document.scan:
        raise Http404("This document has no scan.")
    log_request_reads(request, [document], "support.document")
    suffix = document.scan.name.rsplit(".", 1)[-1].lower()
    return FileResponse(document.scan.open("rb"), as_attachment=True, filename=f"tai-lieu-{document.pk}.{suffix}")


# ---------------------------------------------------------------------------------------------
# Delivery and payment
# ---------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@requires(Action.SUPPORT_DELIVER)
def delivery_create(request, pk):
    support_request = selectors.request_get(user=request.user, pk=pk, action=Action.SUPPORT_DELIVER)
    agency = acting_agency(request, Action.SUPPORT_DELIVER)
    lines = [line for line in support_request.lines.select_related("item").order_by("item__regime", "pk")
             if line.is_approved]
    if support_request.status not in (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED) or not lines:
        messages.error(request, _("Only approved items of a decision in force can be delivered or paid."))
        return redirect("support:request_detail", pk=pk)
    initial = {"line": request.GET.get("dong")}
    form = DeliveryForm(request.POST or None, request.FILES or None, lines=lines, initial=initial)
    context = {"req": support_request, "form": form, "lines": lines,
               "name": selectors.display_name(support_request.person, support_request.identity_visible)}
    if done := submit(request, form, lambda data: services.delivery_record(
        user=request.user, agency=agency, line=next(line for line in lines if line.pk == data["line"]),
        delivered_on=data["delivered_on"], method=data["method"],
        quantity=data.get("quantity") or 0, amount=data.get("amount") or 0,
        delivered_by_name=data.get("delivered_by_name") or "", receipt_number=data.get("receipt_number") or "",
        receipt_scan=data.get("receipt_scan") or None, note=data.get("note") or "",
        idempotency_key=data["submission_key"],
    ), success=_("The delivery or payment was recorded."), then=lambda result: redirect("support:request_detail", pk=pk)):
        return done
    return render(request, "support/delivery_form.html", context)


# ---------------------------------------------------------------------------------------------
# Loans
# ---------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@requires(Action.SUPPORT_DELIVER)
def loan_create(request, case_pk):
    case = selectors.case_get(user=request.user, pk=case_pk, action=Action.SUPPORT_DELIVER)
    agency = acting_agency(request, Action.SUPPORT_DELIVER)
    form = LoanForm(request.POST or None, initial={"applied_on": timezone.localdate()})
    context = {"case": case, "form": form, "case_name": selectors.display_name(case.person, case.identity_visible)}
    if done := submit(request, form, lambda data: services.loan_create(
        user=request.user, agency=agency, case=case, lender=data["lender"], lender_name=data["lender_name"],
        amount=data["amount"], term_months=data["term_months"], interest_rate=data.get("interest_rate"),
        purpose=data["purpose"], applied_on=data["applied_on"], idempotency_key=data["submission_key"],
    ), success=_("The loan was recorded."), then=lambda loan: redirect("support:loan_detail", pk=loan.pk)):
        return done
    return render(request, "support/loan_form.html", context)


def _loan_context(request, loan, status_form=None, repayment_form=None):
    case = selectors.case_get(user=request.user, pk=loan.case_id)
    return {
        "loan": loan, "case": case, "repayments": loan.repayments.all(),
        "repaid": sum(r.amount for r in loan.repayments.all()),
        "name": selectors.display_name(loan.person, case.identity_visible),
        "can_deliver": request.user.can(Action.SUPPORT_DELIVER),
        "status_form": status_form or LoanStatusForm(),
        "repayment_form": repayment_form or RepaymentForm(initial={"paid_on": timezone.localdate()}),
        "can_repay": loan.status in (LoanStatus.DISBURSED, LoanStatus.OVERDUE),
    }


@require_GET
@requires(Action.SUPPORT_VIEW)
def loan_detail(request, pk):
    loan = selectors.loan_get(user=request.user, pk=pk)
    log_request_reads(request, [loan], "support.view")
    return render(request, "support/loan_detail.html", _loan_context(request, loan))


@require_POST
@requires(Action.SUPPORT_DELIVER)
def loan_status(request, pk):
    return _loan_form(request, pk, LoanStatusForm, "status_form", _("The loan's status was updated."),
                      lambda loan, data: services.loan_update_status(
                          user=request.user, loan=loan, status=data["status"], disbursed_on=data.get("disbursed_on")))


@require_POST
@requires(Action.SUPPORT_DELIVER)
def loan_repayment(request, pk):
    return _loan_form(request, pk, RepaymentForm, "repayment_form", _("The repayment was recorded."),
                      lambda loan, data: services.loan_repayment_record(
                          user=request.user, loan=loan, paid_on=data["paid_on"], amount=data["amount"], note=data["note"]))


def _loan_form(request, pk, form_class, name: str, success: str, write):
    """A form of the loan page: done, back to the page; else the page with the form and its errors."""
    loan = selectors.loan_get(user=request.user, pk=pk, action=Action.SUPPORT_DELIVER)
    form = form_class(request.POST)
    if done := submit(request, form, lambda data: write(loan, data), success=success,
                      then=lambda result: redirect("support:loan_detail", pk=pk)):
        return done
    return render(request, "support/loan_detail.html", _loan_context(request, loan, **{name: form}))
