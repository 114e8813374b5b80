"""Issue 17's register, end to end without the browser: the check reports exactly the bad rows and
columns and writes nothing; the import writes exactly the valid rows; a second import of the same
file writes nothing and says so; undo removes what the import created."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.actor import act_as
from imports import runs, services
from imports.kinds import kinds
from imports.models import ImportBatch, ImportedRecord, ImportStatus
from support.models import Delivery
from tests.factories import MembershipFactory
from tests.imports.register_world import bad_register
from victims.models import Case, CaseChild, IdentificationOutcome, Person

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


def _reference(kind, row):
    return row["register_number"] if kind == "reception" else f"{row['register_number']}#{row['line']}"


def _expected(sheets, bad):
    titles = {kind.code: str(kind.title) for kind in kinds()}
    rows = {(kind, _reference(kind, row)): n for kind, table in sheets.items() for n, row in enumerate(table, start=2)}
    return {(titles[kind], rows[(kind, reference)], HEADERS[(kind, key)]) for kind, reference, key in bad}


def _valid(sheets, bad, kind):
    spoilt = {reference for k, reference, _key in bad if k == kind}
    return [row for row in sheets[kind] if _reference(kind, row) not in spoilt]


def test_the_check_reports_exactly_the_bad_rows_and_columns_and_writes_nothing(centre):
    data, sheets, bad = bad_register()
    batch = _upload(centre, data)

    assert batch.status == ImportStatus.VALIDATED
    assert _reported(batch) == _expected(sheets, bad)
    for kind, rows in sheets.items():
        valid = len(_valid(sheets, bad, kind))
        counts = batch.counts[kind]
        assert (counts.get("create", 0), counts.get("error", 0)) == (valid, len(rows) - valid), kind
    assert Case.objects.count() == 0 and Person.objects.count() == 0 and ImportedRecord.objects.count() == 0
    messages = {(error["row"], error["column"]): error["message"] for error in batch.errors}
    reception = HEADERS[("reception", "received_on")], HEADERS[("reception", "reception_channel")]
    assert messages[(5, reception[0])] == "“31/02/2019” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy."
    assert messages[(12, HEADERS[("reception", "full_name")])] == "Cột này là bắt buộc."
    assert messages[(23, reception[1])].startswith("“Đi bộ về” không có trong danh sách:")


def test_the_import_writes_exactly_the_valid_rows_then_a_second_import_writes_nothing(centre):
    data, sheets, bad = bad_register()
    batch = _import(centre, _upload(centre, data))

    valid_receptions = _valid(sheets, bad, "reception")
    assert batch.status == ImportStatus.IMPORTED
    assert Case.objects.filter(owning_agency=centre.agency).count() == len(valid_receptions)
    assert CaseChild.objects.count() == len(_valid(sheets, bad, "child"))
    assert IdentificationOutcome.objects.count() == len(_valid(sheets, bad, "identification"))
    assert Delivery.objects.count() == len(_valid(sheets, bad, "support"))
    numbers = set(ImportedRecord.objects.filter(kind="reception").values_list("reference", flat=True))
    assert numbers == {r["register_number"] for r in valid_receptions}
    # Old place names landed on the current province (Hà Giang is in Tuyên Quang since 1/7/2025).
    hoa = next(r for r in valid_receptions if r["home_province"] == "Hà Giang")
    case = ImportedRecord.objects.get(kind="reception", reference=hoa["register_number"]).case
    assert case.person.home_province.name == "Tỉnh Tuyên Quang"
    assert case.received_on == hoa["received_on"]

    again = _upload(centre, data)
    for kind in sheets:
        assert again.counts[kind].get("unchanged", 0) == len(_valid(sheets, bad, kind)), kind
        assert not again.counts[kind].get("create") and not again.counts[kind].get("update"), kind
    assert again.status == ImportStatus.VALIDATED
    again = _import(centre, again)
    assert Case.objects.count() == len(valid_receptions)
    assert CaseChild.objects.count() == len(_valid(sheets, bad, "child"))
    assert Delivery.objects.count() == len(_valid(sheets, bad, "support"))


def test_undo_removes_what_the_import_created(centre):
    data, *_ = bad_register(60)
    batch = _import(centre, _upload(centre, data))
    assert Case.objects.exists()

    services.import_undo(actor=act_as(centre.user, centre), batch=batch)

    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE
    assert Case.objects.count() == 0 and Person.objects.count() == 0 and CaseChild.objects.count() == 0
    assert Delivery.objects.count() == 0 and IdentificationOutcome.objects.count() == 0
    assert ImportedRecord.objects.count() == 0
