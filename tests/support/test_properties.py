"""Property: whatever sequence of requests, decisions, supersessions and payments people attempt, what
is approved never exceeds the limits of the policy and what is paid never exceeds what is approved."""

import datetime
from collections import defaultdict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.models import Delivery, LineStatus, RequestStatus, SupportRequest, SupportRequestLine
from support.services import (
    LineDecisionInput,
    LineInput,
    delivery_record,
    quantity_limit,
    support_request_create,
    support_request_decide,
)
from tests.support.factories import IN_LAW53, LAW53, add_child, item, make_case

pytestmark = pytest.mark.django_db

ITEMS = ["food_in_facility", "clothing_set", "hardship_allowance", "medical_care", "school_support"]
MEDICAL_CAP = 3_000_000

QUANTITIES = st.sampled_from([1, 1, 2, 3, 25, 60, 100, 119, 130, 181])
AMOUNTS = st.sampled_from([0, 400_000, 1_500_000, 2_500_000, 3_000_000])
PERCENT = st.one_of(st.sampled_from([100, 100, 100, 50, 0, 101, 130]), st.integers(0, 130))
EXTENSION = st.sampled_from([False, False, False, True])
request_op = st.tuples(st.just("request"), st.integers(0, 1), st.sampled_from(ITEMS), QUANTITIES, EXTENSION,
                       AMOUNTS)
decide_op = st.tuples(st.just("decide"), st.integers(0, 20), st.sampled_from(["approve", "reject", "partly"]),
                      PERCENT)
supersede_op = st.tuples(st.just("supersede"), st.integers(0, 20), st.sampled_from(ITEMS), QUANTITIES,
                         EXTENSION, AMOUNTS)
pay_op = st.tuples(st.just("pay"), st.integers(0, 30), PERCENT, PERCENT)
operations = st.lists(st.one_of(request_op, decide_op, decide_op, supersede_op, pay_op, pay_op),
                      min_size=4, max_size=18)


class Rollback(Exception):
    pass


@pytest.fixture
def people(ls):
    medical = item(LAW53, "medical_care")
    medical.max_amount_per_person = MEDICAL_CAP  # a cap set as data, like an administrator would
    medical.save()
    case = make_case(owner=ls.centre, received_on=IN_LAW53 - datetime.timedelta(days=60),
                     confirmed_on=IN_LAW53 - datetime.timedelta(days=30))
    return ls, case, [case.person, add_child(case, birth_year=2017)]


def _line(code, quantity, extension, amount):
    entry = item(LAW53, code)
    return LineInput(item=entry, quantity=quantity, extension_requested=extension,
                     amount=amount if not entry.priced_per_unit else None)


def _run(world, case, persons, ops):
    requests: list[int] = []
    for op in ops:
        try:
            if op[0] in ("request", "supersede"):
                if op[0] == "request":
                    _, who, code, quantity, extension, amount = op
                    person, supersedes = persons[who], None
                else:
                    _, index, code, quantity, extension, amount = op
                    decided = list(SupportRequest.objects.filter(pk__in=requests).exclude(
                        status=RequestStatus.PENDING).order_by("pk"))
                    if not decided:
                        continue
                    supersedes = decided[index % len(decided)]
                    person = supersedes.person
                made = support_request_create(
                    user=world.caseworker, agency=world.centre, case=case, person=person, application_date=IN_LAW53,
                    lines=[_line(code, quantity, extension, amount)], in_facility_stay=True,
                    documents=[_poor()], supersedes=supersedes,
                )
                requests.extend(r.pk for r in made)
            elif op[0] == "decide" and requests:
                _, index, mode, percent = op
                # mostly a pending request; sometimes any (deciding twice must be refused)
                pending = list(SupportRequest.objects.filter(pk__in=requests, status=RequestStatus.PENDING)
                               .order_by("pk")) if index % 5 else []
                request = pending[index % len(pending)] if pending else \
                    SupportRequest.objects.get(pk=requests[index % len(requests)])
                decisions = {line.pk: LineDecisionInput(
                    decision=mode, approved_quantity=line.quantity * percent // 100,
                    approved_amount=line.amount * percent // 100, reason="Theo thực tế.",
                ) for line in request.lines.all()}
                support_request_decide(user=world.approver, request=request, lines=decisions)
            elif op[0] == "pay":
                _, index, percent, quantity_percent = op
                lines = list(SupportRequestLine.objects.filter(request__case=case).order_by("pk"))
                approved = [line for line in lines if line.approved_amount or line.approved_quantity]
                lines = approved if (approved and index % 4) else lines
                if lines:
                    line = lines[index % len(lines)]
                    delivery_record(user=world.caseworker, agency=world.centre, line=line,
                                    delivered_on=datetime.date.today(), method="cash",
                                    amount=(line.approved_amount or line.amount) * percent // 100,
                                    quantity=(line.approved_quantity or line.quantity) * quantity_percent // 100)
        except (ValidationError, PermissionDenied):
            pass  # refusals are fine; only what was accepted must respect the limits


def _poor():
    from support.services import DocumentInput

    return DocumentInput(document_type="poor_household_certificate", number="01/GCN")


def _check_invariants(case):
    approved = defaultdict(lambda: [0, 0, False])
    for line in SupportRequestLine.objects.filter(
        request__case=case, request__status__in=[RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED],
    ).select_related("item", "request"):
        assert line.approved_amount <= line.amount and line.approved_quantity <= line.quantity
        if line.status in (LineStatus.APPROVED, LineStatus.PARTLY_APPROVED):
            totals = approved[(line.request.person_id, line.item.code)]
            totals[0] += line.approved_quantity
            totals[1] += line.approved_amount
            totals[2] = totals[2] or line.extension_requested
    for (_person, code), (quantity, amount, extended) in approved.items():
        entry = item(LAW53, code)
        limit = quantity_limit(entry, extended)
        assert limit is None or quantity <= limit, (code, quantity, limit)
        assert entry.max_amount_per_person is None or amount <= entry.max_amount_per_person, (code, amount)

    for line in SupportRequestLine.objects.filter(request__case=case).prefetch_related("deliveries"):
        paid = sum(d.amount for d in line.deliveries.all())
        delivered = sum(d.quantity for d in line.deliveries.all())
        if paid or delivered:
            assert line.status in (LineStatus.APPROVED, LineStatus.PARTLY_APPROVED)
            assert paid <= line.approved_amount and delivered <= line.approved_quantity
    assert not Delivery.objects.filter(line__request__status=RequestStatus.SUPERSEDED,
                                       line__request__supersedes__isnull=True).exclude(
        line__request__case=case).exists()
    # a superseded decision never had anything paid under it
    assert not Delivery.objects.filter(line__request__case=case,
                                       line__request__status=RequestStatus.SUPERSEDED).exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_no_sequence_of_requests_and_decisions_exceeds_the_limits(people, ops):
    world, case, persons = people
    try:
        with transaction.atomic():
            _run(world, case, persons, ops)
            _check_invariants(case)
            raise Rollback  # every example starts from the same case file
    except Rollback:
        pass
