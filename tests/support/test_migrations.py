"""The catalogue correction (migrations 0006-0007) leaves decisions already recorded as they were
decided: same version, same item rows, same amounts, and the decision still reads the item name and
legal reference it was made under; the catalogue itself is corrected."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from support.models import SupportDecision, SupportRequest
from support.pdf import decision_context
from tests.support.factories import lang_son, make_case

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("support", "0005_constraint_messages")
OLD_NAME = "Hỗ trợ y tế (khám sức khỏe, sơ cứu, điều trị)"
OLD_REFERENCE = "Luật 53/2024: cả khi sống tại gia đình"


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target if isinstance(target, list) else [target])
    return executor.loader.project_state(target if isinstance(target, list) else [target]).apps


def _record_a_decision_under_the_old_catalogue(apps, world, case):
    """What the application did before the correction: medical care routed to the department."""
    Item = apps.get_model("support", "EntitlementItem")
    Request = apps.get_model("support", "SupportRequest")
    Line = apps.get_model("support", "SupportRequestLine")
    Decision = apps.get_model("support", "SupportDecision")
    medical = Item.objects.get(version__code="LAW-53-2024", code="medical_care")
    assert (medical.name_vi, medical.legal_reference, medical.deciding_authority) == (
        OLD_NAME, OLD_REFERENCE, "provincial_department")
    on = datetime.date(2025, 9, 15)
    request = Request.objects.create(
        case_id=case.pk, person_id=case.person_id, version_id=medical.version_id, requesting_agency_id=world.centre.pk,
        requested_by_id=world.caseworker.pk, authority="provincial_department", deciding_agency_id=world.department.pk,
        application_date=on, due_date=datetime.date(2025, 9, 26), status="approved",
    )
    line = Line.objects.create(request=request, item=medical, quantity=1, unit_amount=0, amount=2_350_000,
                               status="approved", approved_quantity=1, approved_amount=2_000_000)
    decision = Decision.objects.create(
        request=request, agency_id=world.department.pk, decided_by_id=world.approver.pk, decision_date=on,
        outcome="approved", year=2025, number=7, document_number="7/QĐ-SYT-LS", pdf_status="not_needed",
    )
    return request.pk, line.pk, medical.pk, decision.pk


def test_a_decision_recorded_before_the_correction_is_unchanged_after_it():
    world = lang_son()
    case = make_case(owner=world.centre, full_name="Lò Thị Mai", sex="female", birth_year=2000)
    try:
        old_apps = _migrate(BEFORE)
        # the shipped data as it was (0002 and 0003 load it with update_or_create)
        importlib.import_module("support.migrations.0002_policy_versions").load(old_apps, None)
        importlib.import_module("support.migrations.0003_policy_parameters").load(old_apps, None)
        request_id, line_id, item_id, decision_id = _record_a_decision_under_the_old_catalogue(old_apps, world, case)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    request = SupportRequest.objects.select_related("version").get(pk=request_id)
    line = request.lines.get()
    assert (request.version.code, request.authority, request.deciding_agency_id, request.status) == (
        "LAW-53-2024", "provincial_department", world.department.pk, "approved")
    assert (line.pk, line.item_id, line.amount, line.approved_amount, line.status) == (
        line_id, item_id, 2_350_000, 2_000_000, "approved")
    assert (line.item_name, line.legal_basis) == (OLD_NAME, OLD_REFERENCE)
    decision = SupportDecision.objects.get(pk=decision_id)
    assert (decision.document_number, decision.outcome, decision.agency_id) == (
        "7/QĐ-SYT-LS", "approved", world.department.pk)
    [row] = decision_context(decision)["rows"]
    assert (row["name"], row["basis"], row["amount"]) == (OLD_NAME, OLD_REFERENCE, "2.000.000 đồng")

    # ... while the catalogue itself now reads as the law: the same item row, corrected.
    item = line.item
    assert item.name_vi != OLD_NAME and item.deciding_authority == "receiving_body"
    assert item.citation == "điểm b khoản 1 Điều 37 Luật Phòng, chống mua bán người số 53/2024/QH15"
