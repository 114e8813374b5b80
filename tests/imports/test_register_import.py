"""Issue 17's register, end to end without the browser: the check reports exactly the bad rows and
columns and writes nothing; the import writes exactly the valid rows; a second import of the same
file writes nothing and says so; undo removes what the import created."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.actor import act_as
from imports import runs, services
from imports.kinds import kinds
from imports.models import ImportBatch, ImportedRecord, ImportStatus
from tests.factories import MembershipFactory
from tests.imports.register_world import bad_register
from victims.models import Case, CaseChild, Person

pytestmark = pytest.mark.django_db

HEADERS = {(kind.code, column.key): str(column.header) for kind in kinds() for column in kind.columns}


@pytest.fixture
def centre():
    membership = MembershipFactory(agency__code="TT-LS")
    return membership


def _upload(membership, data: bytes, name="so-tiep-nhan-2014-2024.xlsx") -> ImportBatch:
    batch = services.import_upload(user=membership.user, agency=membership.agency,
                                   file=SimpleUploadedFile(name, data), queue=False)
    runs.check_batch(batch.pk)
    batch.refresh_from_db()
    return batch


def _import(membership, batch) -> ImportBatch:
    services.import_confirm(actor=act_as(membership.user, membership), batch=batch)
    runs.import_batch(batch.pk)
    batch.refresh_from_db()
    return batch


def _reported(batch):
    return {(error["sheet"], error["row"], error["column"]) for error in batch.errors}


def _expected(receptions, children, bad):
    sheets = {kind.code: str(kind.title) for kind in kinds()}
    rows = {("reception", r["register_number"]): n for n, r in enumerate(receptions, start=2)}
    rows |= {("child", f"{c['register_number']}#{c['line']}"): n for n, c in enumerate(children, start=2)}
    return {(sheets[kind], rows[(kind, reference)], HEADERS[(kind, key)]) for kind, reference, key in bad}


def test_the_check_reports_exactly_the_bad_rows_and_columns_and_writes_nothing(centre):
    data, receptions, children, bad = bad_register()
    batch = _upload(centre, data)

    assert batch.status == ImportStatus.VALIDATED
    assert _reported(batch) == _expected(receptions, children, bad)
    bad_receptions = {ref for kind, ref, _key in bad if kind == "reception"}
    assert batch.counts["reception"] == {"create": len(receptions) - len(bad_receptions), "error": len(bad_receptions)}
    assert Case.objects.count() == 0 and Person.objects.count() == 0 and ImportedRecord.objects.count() == 0
    assert all(error["message"] and not error["message"].startswith("“") or "dd/mm/yyyy" in error["message"]
               for error in batch.errors)


def test_the_import_writes_exactly_the_valid_rows_then_a_second_import_writes_nothing(centre):
    data, receptions, children, bad = bad_register()
    batch = _import(centre, _upload(centre, data))

    bad_receptions = {ref for kind, ref, _key in bad if kind == "reception"}
    bad_children = {ref for kind, ref, _key in bad if kind == "child"}
    valid_receptions = [r for r in receptions if r["register_number"] not in bad_receptions]
    valid_children = [c for c in children if f"{c['register_number']}#{c['line']}" not in bad_children
                      and c["register_number"] not in bad_receptions]
    assert batch.status == ImportStatus.IMPORTED
    assert Case.objects.filter(owning_agency=centre.agency).count() == len(valid_receptions)
    assert CaseChild.objects.count() == len(valid_children)
    numbers = set(ImportedRecord.objects.filter(kind="reception").values_list("reference", flat=True))
    assert numbers == {r["register_number"] for r in valid_receptions}
    # Old place names landed on the current province (Hà Giang is in Tuyên Quang since 1/7/2025).
    hoa = next(r for r in valid_receptions if r["home_province"] == "Hà Giang")
    case = ImportedRecord.objects.get(kind="reception", reference=hoa["register_number"]).case
    assert case.person.home_province.name == "Tỉnh Tuyên Quang"
    assert case.received_on == hoa["received_on"]

    again = _upload(centre, data)
    assert again.counts["reception"].get("create", 0) == 0
    assert again.counts["reception"]["unchanged"] == len(valid_receptions)
    again = _import(centre, again)
    assert Case.objects.count() == len(valid_receptions)
    assert CaseChild.objects.count() == len(valid_children)


def test_undo_removes_what_the_import_created(centre):
    data, *_ = bad_register(60)
    batch = _import(centre, _upload(centre, data))
    assert Case.objects.exists()

    services.import_undo(actor=act_as(centre.user, centre), batch=batch)

    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE
    assert Case.objects.count() == 0 and Person.objects.count() == 0 and CaseChild.objects.count() == 0
    assert ImportedRecord.objects.count() == 0
