"""Decisions: only the competent approver (under Law 53/2024 the receiving body's own head for regimes
1-4, the provincial department for 5-6), never on one's own request, once; numbered per agency and
year; payments never exceed the approval."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from accounts.documents import DocumentNumberRegister, DocumentType
from accounts.roles import Role
from support.models import (
    Delivery,
    LineStatus,
    LoanStatus,
    PdfStatus,
    RequestStatus,
    SupportDecision,
)
from support.services import (
    LineDecisionInput,
    delivery_record,
    loan_create,
    loan_repayment_record,
    loan_update_status,
    support_request_decide,
)
from tests.support.factories import (
    IN_ND09,
    LAW53,
    ND09,
    decide_all,
    lang_son,
    make_case,
    request_support,
)
from tests.victims.factories import agency, member

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def codes(error: ValidationError) -> dict:
    return {key: [e.code for e in errors] for key, errors in error.error_dict.items()}


@pytest.fixture
def pending(ls, case):
    [request] = request_support(ls, case, [(LAW53, "food_in_facility", 25), (LAW53, "clothing_set", 2)], stay=True)
    return request


def lines_of(request, **decisions):
    """decisions by item code: approve / reject / (partly, quantity)."""
    result = {}
    for line in request.lines.select_related("item"):
        spec = decisions.get(line.item.code, "approve")
        if isinstance(spec, tuple):
            result[line.pk] = LineDecisionInput(decision="partly", approved_quantity=spec[1], reason="Giảm theo thực tế.")
        else:
            result[line.pk] = LineDecisionInput(decision=spec, reason="Không đủ điều kiện." if spec == "reject" else "")
    return result


def test_the_receiving_body_approves_one_item_and_rejects_the_other(ls, pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decision = support_request_decide(user=ls.director, request=pending,
                                          lines=lines_of(pending, clothing_set="reject"))
    # After commit: the PDF task, and the webhook event for the partners' systems (accounts.webhooks).
    assert len(callbacks) == 2 and any("render_decision_pdf" in repr(callback) for callback in callbacks)
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PARTLY_APPROVED
    assert decision.outcome == "partly_approved" and decision.agency == ls.centre
    assert decision.document_number == "1/QĐ-TTCTXH-LS" and decision.year == TODAY.year
    assert decision.pdf_status == PdfStatus.PENDING
    food, clothes = sorted(pending.lines.all(), key=lambda line: line.item.sort_order)
    assert (food.status, food.approved_quantity, food.approved_amount) == (LineStatus.APPROVED, 25, 1_000_000)
    assert (clothes.status, clothes.approved_amount, clothes.decision_reason) == (
        LineStatus.REJECTED, 0, "Không đủ điều kiện.")


def test_part_approval_reduces_quantity_and_amount_and_needs_a_reason(ls, pending):
    inputs = lines_of(pending, food_in_facility=("partly", 20))
    food_id = next(pk for pk, value in inputs.items() if value.decision == "partly")
    inputs[food_id].reason = ""
    with pytest.raises(ValidationError) as error:
        support_request_decide(user=ls.director, request=pending, lines=inputs)
    assert codes(error.value) == {f"lines.{food_id}.reason": ["required"]}

    inputs[food_id].reason = "Lưu trú thực tế 20 ngày."
    support_request_decide(user=ls.director, request=pending, lines=inputs)
    food = pending.lines.get(pk=food_id)
    assert (food.status, food.approved_quantity, food.approved_amount) == (LineStatus.PARTLY_APPROVED, 20, 800_000)


def test_reducing_the_days_reduces_the_prefilled_amount(ls, pending):
    """The decision form prefills the requested amount; cutting the days is enough to cut the money."""
    inputs = lines_of(pending)
    food = pending.lines.get(item__code="food_in_facility")
    inputs[food.pk] = LineDecisionInput(decision="partly", approved_quantity=15, approved_amount=food.amount,
                                        reason="Lưu trú thực tế 15 ngày.")
    support_request_decide(user=ls.director, request=pending, lines=inputs)
    food.refresh_from_db()
    assert (food.approved_quantity, food.approved_amount) == (15, 600_000)


def test_every_line_needs_a_decision_and_approvals_stay_within_the_request(ls, pending):
    with pytest.raises(ValidationError):
        support_request_decide(user=ls.director, request=pending, lines={})
    inputs = lines_of(pending)
    line_id = next(iter(inputs))
    inputs[line_id] = LineDecisionInput(decision="partly", approved_quantity=99, reason="x")
    with pytest.raises(ValidationError) as error:
        support_request_decide(user=ls.director, request=pending, lines=inputs)
    assert codes(error.value) == {f"lines.{line_id}.approved_quantity": ["range"]}


def test_a_request_is_decided_once(ls, pending):
    decide_all(ls.director, pending)
    with pytest.raises(ValidationError) as error:
        decide_all(ls.director, pending, decision="reject", reason="Đổi ý.")
    assert codes(error.value) == {"__all__": ["already_decided"]}
    assert SupportDecision.objects.count() == 1


def test_a_caseworker_cannot_approve_their_own_request(ls, case):
    both = member(ls.department, Role.CASEWORKER)
    member_approver = member(ls.department, Role.APPROVER, user=both)
    assert member_approver == both
    [request] = request_support(ls, case, [(LAW53, "clothing_set", 1)], user=both, agency=ls.department)
    with pytest.raises(PermissionDenied):
        decide_all(both, request)
    with pytest.raises(Http404):  # caseworkers have no decide action at all
        decide_all(ls.caseworker, request)
    decide_all(ls.approver, request)


def test_only_the_approver_of_the_right_province_decides(ls, pending):
    hanoi = agency("social_affairs_department", "ha noi")
    with pytest.raises(Http404):
        decide_all(member(hanoi, Role.APPROVER), pending)
    manager = member(ls.department, Role.AGENCY_MANAGER)
    with pytest.raises(Http404):
        decide_all(manager, pending)
    assert pending.status == RequestStatus.PENDING


def test_facility_items_are_decided_by_the_facility_director_not_the_department(ls):
    case = make_case(owner=ls.centre, received_on=datetime.date(2025, 1, 5))
    [request] = request_support(ls, case, [(ND09, "clothing_set", 2)], on=IN_ND09)
    assert request.deciding_agency == ls.centre
    with pytest.raises(PermissionDenied):  # the department sees the case, but does not hold the authority
        decide_all(ls.approver, request)
    decision = decide_all(ls.director, request)
    assert decision.document_number == "1/QĐ-TTCTXH-LS"


def test_decision_numbers_run_per_agency_and_year_and_rejections_have_none(ls, case):
    numbers = []
    for code in ("clothing_set", "underwear_set", "winter_clothing"):
        [request] = request_support(ls, case, [(LAW53, code, 1)])
        outcome = "reject" if code == "underwear_set" else "approve"
        numbers.append(decide_all(ls.director, request, decision=outcome, reason="Không cần.").document_number)
    assert numbers == ["1/QĐ-TTCTXH-LS", "", "2/QĐ-TTCTXH-LS"]
    register = DocumentNumberRegister.objects.get(agency=ls.centre, year=TODAY.year,
                                                  document_type=DocumentType.DECISION)
    assert register.last_number == 2


def test_decision_dates_are_checked(ls, pending):
    with pytest.raises(ValidationError) as error:
        decide_all(ls.director, pending, decision_date=TODAY + datetime.timedelta(days=1))
    assert codes(error.value) == {"decision_date": ["future"]}
    with pytest.raises(ValidationError) as error:
        decide_all(ls.director, pending, decision_date=datetime.date(2025, 9, 1))
    assert codes(error.value) == {"decision_date": ["before_application"]}


# ---------------------------------------------------------------------------------------------
# Concurrency: two approvers press "decide" at the same moment (real PostgreSQL, two connections)
# ---------------------------------------------------------------------------------------------

def _in_threads(*functions):
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as error:  # collected and asserted by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_decisions_decide_once():
    world = lang_son()
    second_approver = member(world.centre, Role.APPROVER)
    case = make_case(owner=world.centre)
    [request] = request_support(world, case, [(LAW53, "clothing_set", 2)])

    results = _in_threads(
        lambda: decide_all(world.director, request),
        lambda: decide_all(second_approver, request, decision="reject", reason="Không đủ điều kiện."),
    )

    decisions = [r for r in results if isinstance(r, SupportDecision)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(decisions) == 1 and len(refusals) == 1, results
    assert codes(refusals[0]) == {"__all__": ["already_decided"]}
    assert SupportDecision.objects.count() == 1
    request.refresh_from_db()
    assert request.status == decisions[0].outcome


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_cannot_both_take_a_one_off_allowance():
    world = lang_son()
    colleague = member(world.centre, Role.CASEWORKER)
    case = make_case(owner=world.centre, received_on=TODAY - datetime.timedelta(days=30),
                     confirmed_on=TODAY - datetime.timedelta(days=20))
    on = TODAY - datetime.timedelta(days=5)

    def ask(user):
        return request_support(world, case, [(LAW53, "hardship_allowance", 1)], on=on, user=user,
                               documents=["poor_household_certificate"])

    results = _in_threads(lambda: ask(world.caseworker), lambda: ask(colleague))

    made = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert codes(refused[0]) == {"lines.0": ["one_off"]}


# ---------------------------------------------------------------------------------------------
# Delivery and payment
# ---------------------------------------------------------------------------------------------

def test_payments_never_exceed_the_approval(ls, pending):
    decide_all(ls.director, pending)
    food = pending.lines.get(item__code="food_in_facility")

    def pay(amount, quantity=0, **kwargs):
        return delivery_record(user=ls.caseworker, agency=ls.centre, line=food, delivered_on=TODAY, method="cash",
                               amount=amount, quantity=quantity, **kwargs)

    pay(600_000, quantity=15)
    with pytest.raises(ValidationError) as error:
        pay(500_000)
    assert codes(error.value) == {"amount": ["above_approval"]}
    with pytest.raises(ValidationError) as error:
        pay(0, quantity=11)
    assert codes(error.value) == {"quantity": ["above_approval"]}
    pay(400_000, quantity=10, receipt_number="PT-12")
    assert sum(d.amount for d in Delivery.objects.all()) == food.approved_amount


def test_nothing_is_paid_on_a_rejected_line_or_before_the_decision(ls, pending):
    decide_all(ls.director, pending, decision="reject", reason="Không đủ điều kiện.")
    line = pending.lines.first()
    with pytest.raises(ValidationError) as error:
        delivery_record(user=ls.caseworker, agency=ls.centre, line=line, delivered_on=TODAY, method="cash",
                        amount=1000)
    assert codes(error.value) == {"line": ["not_approved"]}


def test_approvers_do_not_record_payments_and_outsiders_do_not_see_lines(ls, pending):
    decide_all(ls.director, pending)
    line = pending.lines.first()
    with pytest.raises(PermissionDenied):
        delivery_record(user=ls.director, agency=ls.centre, line=line, delivered_on=TODAY, method="cash",
                        amount=1000)
    elsewhere = agency("social_centre", "ha noi")
    with pytest.raises(Http404):
        delivery_record(user=member(elsewhere), agency=elsewhere, line=line, delivered_on=TODAY, method="cash",
                        amount=1000)


def test_a_decision_with_payments_cannot_be_superseded(ls, case, pending):
    decide_all(ls.director, pending)
    delivery_record(user=ls.caseworker, agency=ls.centre, line=pending.lines.first(), delivered_on=TODAY,
                    method="in_kind", quantity=1)
    with pytest.raises(ValidationError) as error:
        request_support(ls, case, [(LAW53, "clothing_set", 1)], supersedes=pending)
    assert codes(error.value) == {"supersedes": ["delivered"]}


def test_no_payment_while_a_replacement_is_pending(ls, case, pending):
    decide_all(ls.director, pending)
    request_support(ls, case, [(LAW53, "clothing_set", 1)], supersedes=pending)
    with pytest.raises(ValidationError) as error:
        delivery_record(user=ls.caseworker, agency=ls.centre, line=pending.lines.first(), delivered_on=TODAY,
                        method="cash", amount=1000)
    assert codes(error.value) == {"line": ["being_superseded"]}


# ---------------------------------------------------------------------------------------------
# Loans
# ---------------------------------------------------------------------------------------------

def test_a_loan_goes_from_application_to_repaid(ls, case):
    loan = loan_create(user=ls.caseworker, agency=ls.centre, case=case, lender="womens_union_fund", amount=10_000_000,
                       term_months=24, purpose="Mở quán tạp hóa", applied_on=TODAY)
    with pytest.raises(ValidationError):
        loan_update_status(user=ls.caseworker, loan=loan, status=LoanStatus.DISBURSED, disbursed_on=TODAY)
    loan_update_status(user=ls.caseworker, loan=loan, status=LoanStatus.APPROVED)
    with pytest.raises(ValidationError) as error:
        loan_repayment_record(user=ls.caseworker, loan=loan, paid_on=TODAY, amount=1_000_000)
    assert codes(error.value) == {"__all__": ["not_disbursed"]}
    loan_update_status(user=ls.caseworker, loan=loan, status=LoanStatus.DISBURSED, disbursed_on=TODAY)
    loan_repayment_record(user=ls.caseworker, loan=loan, paid_on=TODAY, amount=4_000_000)
    with pytest.raises(ValidationError) as error:
        loan_repayment_record(user=ls.caseworker, loan=loan, paid_on=TODAY, amount=7_000_000)
    assert codes(error.value) == {"amount": ["above_owed"]}
    loan_repayment_record(user=ls.caseworker, loan=loan, paid_on=TODAY, amount=6_000_000)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID


def test_loan_input_is_checked(ls, case):
    with pytest.raises(ValidationError) as error:
        loan_create(user=ls.caseworker, agency=ls.centre, case=case, lender="other", amount=0, term_months=0,
                    purpose="", applied_on=TODAY + datetime.timedelta(days=1))
    assert set(codes(error.value)) == {"lender_name", "amount", "term_months", "purpose", "applied_on"}
