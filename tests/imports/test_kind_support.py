"""Support delivered, imported from an agency's register: written under the UI's rules, with the paper
decision as the authority, counted in the statistics like support recorded in the system, undone."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from imports.kinds.base import ImportContext, RowError
from imports.kinds.support import SupportKind
from imports.models import ImportBatch
from reporting.scope import NATIONAL, Filters, Geography
from reporting.statistics import build_tables
from support.models import (
    Delivery,
    DeliveryMethod,
    LineStatus,
    ProvinceAmount,
    RequestStatus,
    SupportDecision,
    SupportRequest,
)
from support.services import delivery_record
from tests.factories import province
from tests.support.factories import ND09, decide_all, item, lang_son, make_case, request_support
from tests.victims.factories import agency, member
from victims.models import IdentificationResult

pytestmark = pytest.mark.django_db
D = datetime.date
# Under NĐ 09/2013 (in force until 30/06/2025): the case is received on 10/01/2025, confirmed on 20/01.
DECIDED, DELIVERED = D(2025, 3, 10), D(2025, 3, 12)


@pytest.fixture
def ls(db):
    """Lạng Sơn: the social centre importing its register (a caseworker, its director), the department."""
    return lang_son()


@pytest.fixture
def case(ls):
    """An identified Vietnamese victim of Lạng Sơn received by the centre on 10/01/2025."""
    return make_case(owner=ls.centre, full_name="Lò Thị Mai", sex="female", birth_year=2000)


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def context(world, user=None) -> ImportContext:
    user = user or world.caseworker
    batch = ImportBatch.objects.create(agency=world.centre, created_by=user, file="imports/so.xlsx",
                                       file_name="so-ho-tro.xlsx", file_sha256="0" * 64)
    return ImportContext(user=user, agency=world.centre, batch=batch, places=None, dry_run=False,
                         today=timezone.localdate())


def row(**values):
    values = {"register_number": "TN-2025-003", "line": 1, "item": "clothing_set", "delivered_on": DELIVERED,
              "method": DeliveryMethod.IN_KIND, "quantity": 2, "amount": 300_000, "decision_number": "12/QĐ-TTCTXH",
              "decision_date": DECIDED, "in_facility_stay": False, "note": ""} | values
    return {key: value for key, value in values.items() if value is not None}


def write(world, case, **values):
    kind, ctx = SupportKind(), context(world)
    return kind.create(ctx, case, kind.clean(ctx, row(**values)))


def errors_of(world, case, **values) -> dict:
    with pytest.raises(RowError) as error:
        write(world, case, **values)
    return error.value.errors


def items_table():
    filters = Filters(start=D(2025, 1, 1), end=D(2025, 12, 31))
    table = next(t for t in build_tables(Geography(NATIONAL), filters)["tables"] if t.key == "items")
    return {r.key: [r.values[c.key] for c in table.columns] for r in table.rows}


def test_a_register_line_is_a_delivery_under_its_paper_decision(ls, case):
    delivery = write(ls, case)
    assert (delivery.delivered_on, delivery.quantity, delivery.amount, delivery.method) == (
        DELIVERED, 2, 300_000, DeliveryMethod.IN_KIND)
    line = delivery.line
    assert (line.item.version.code, line.status, line.approved_quantity, line.approved_amount) == (
        ND09, LineStatus.APPROVED, 2, 300_000)
    request = line.request
    assert request.status == RequestStatus.APPROVED and request.application_date == DECIDED
    decision = request.decision
    assert decision.recorded_from_register and decision.document_number == "12/QĐ-TTCTXH"
    assert decision.number is None and decision.decision_date == DECIDED
    assert decision.decided_by == ls.caseworker  # who recorded it; the paper decided
    event = Delivery.pgh_event_model.objects.get(pgh_obj_id=delivery.pk, pgh_label="insert")
    assert event.pgh_context.metadata["user"] == ls.caseworker.pk  # history says who imported it


def test_the_request_page_shows_the_paper_decision_and_who_recorded_it(ls, case, signed_in):
    request = write(ls, case).line.request
    page = signed_in(ls.caseworker).get(reverse("support:request_detail", args=[request.pk])).content.decode()
    assert 'data-testid="decision-number">12/QĐ-TTCTXH<' in page
    paper = page.split('data-testid="decision-paper">', 1)[1].split("</dd>", 1)[0]
    assert ls.centre.name in paper and "Vi Thị Lan" in paper
    assert 'data-testid="decision-signing"' not in page and 'data-testid="decision-download"' not in page


def test_statistics_count_it_like_a_delivery_recorded_in_the_system(ls, case):
    other = make_case(owner=ls.centre, full_name="Vàng Thị Dua")
    [request] = request_support(ls, other, [(ND09, "clothing_set", 1)], on=DECIDED)
    decision = decide_all(ls.director, request, decision_date=DECIDED)
    delivery_record(user=ls.caseworker, agency=ls.centre, line=request.lines.get(), delivered_on=DELIVERED,
                    method=DeliveryMethod.IN_KIND, quantity=1, amount=150_000)
    assert decision.agency == ls.centre
    before = items_table()["clothing_set"]
    assert before == [1, 150_000, 1, 150_000]  # approved persons and amount, persons delivered, paid

    write(ls, case)
    assert items_table()["clothing_set"] == [2, 450_000, 2, 450_000]


def test_an_ineligible_person_is_refused_on_the_item_column(ls):
    not_a_victim = make_case(owner=ls.centre, result=IdentificationResult.NOT_VICTIM)
    errors = errors_of(ls, not_a_victim)
    assert errors == {"item": ["Người này đã được xác định không phải là nạn nhân bị mua bán nên không được hưởng "
                               "chế độ hỗ trợ."]}
    assert not SupportRequest.objects.exists()


def test_an_item_of_another_version_is_refused_by_the_date(ls, case):
    # Winter clothing comes with Law 53/2024 (from 1/7/2025): not under NĐ 09/2013 in March 2025.
    errors = errors_of(ls, case, item="winter_clothing", quantity=1, amount=300_000)
    assert list(errors) == ["item"]
    assert "NĐ 09/2013" in errors["item"][0] and "10/03/2025" in errors["item"][0]
    # Without a decision date, the date delivered chooses the version.
    errors = errors_of(ls, case, item="winter_clothing", quantity=1, amount=300_000, decision_date=None)
    assert "12/03/2025" in errors["item"][0]


def test_amounts_above_the_policy_or_the_limit_are_refused_on_their_column(ls, case):
    errors = errors_of(ls, case, quantity=2, amount=400_000)
    assert list(errors) == ["amount"] and "150.000 ₫" in errors["amount"][0]
    errors = errors_of(ls, case, quantity=3, amount=450_000)
    assert errors == {"quantity": ["Chỉ có thể cấp thêm 2 cho hỗ trợ quần áo (tối đa 2 bộ) (tối đa 2)."]}
    assert not Delivery.objects.exists()


def test_the_province_amount_of_the_date_applies(ls, case):
    ProvinceAmount.objects.create(item=item(ND09, "clothing_set"), province=province("lang son"), amount=250_000,
                                  valid_from=D(2025, 1, 1), valid_to=D(2025, 6, 30))
    assert write(ls, case, amount=500_000).amount == 500_000


def test_a_line_before_its_decision_is_refused_on_the_date(ls, case):
    errors = errors_of(ls, case, delivered_on=D(2025, 3, 9))
    assert list(errors) == ["delivered_on"] and "10/03/2025" in errors["delivered_on"][0]


def test_a_required_decision_number_is_asked_for(ls, case):
    kind, ctx = SupportKind(), context(ls)
    with pytest.raises(RowError) as error:
        kind.clean(ctx, row(decision_number=""))
    assert list(error.value.errors) == ["decision_number"]


def test_a_case_out_of_the_importers_scope_is_refused(ls):
    elsewhere = agency("social_centre", "ha noi", code="TTCTXH-HN")
    member(elsewhere)
    foreign_case = make_case(owner=elsewhere, home="ha noi")
    with pytest.raises(Http404):
        write(ls, foreign_case)
    assert not SupportRequest.objects.exists()


def test_undo_removes_what_the_line_wrote(ls, case):
    kind, ctx = SupportKind(), context(ls)
    delivery = write(ls, case)
    when = timezone.now()
    assert not kind.changed_since(delivery, when)
    kind.undo(ctx, delivery)
    assert not Delivery.objects.exists() and not SupportDecision.objects.exists()
    assert not SupportRequest.objects.exists()


def test_a_delivery_recorded_since_makes_it_changed(ls, case):
    kind = SupportKind()
    # The register gave the clothes (no amount): the payment was then recorded on the case page.
    delivery = write(ls, case, amount=None)
    assert delivery.amount == 0 and delivery.line.approved_amount == 300_000
    when = timezone.now()
    assert not kind.changed_since(delivery, when)
    delivery_record(user=ls.caseworker, agency=ls.centre, line=delivery.line, delivered_on=D(2025, 3, 20),
                    method=DeliveryMethod.CASH, amount=300_000)
    assert kind.changed_since(delivery, when)
    with pytest.raises(ValidationError) as error:
        kind.undo(context(ls), delivery)
    assert error.value.error_dict["__all__"][0].code == "changed"
    assert Delivery.objects.count() == 2
