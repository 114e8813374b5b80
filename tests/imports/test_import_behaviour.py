"""What an importing caseworker relies on beyond the big register: CSV files, corrected rows, people
already known, old wards to pick, the agency's own scope, undo refused once a record is in use, the
command for a whole province, and files that are not registers."""

import datetime
import io

import pghistory.models
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts.actor import act_as
from accounts.models import AgencyType
from imports import runs, services
from imports.kinds import kinds
from imports.models import ImportBatch, ImportedRecord, ImportStatus
from tests.factories import MembershipFactory, province
from tests.imports.register import register_csv, register_xlsx
from victims import services as victim_services
from victims.models import Case, DuplicateProposal, Person

pytestmark = pytest.mark.django_db
D = datetime.date
HEADERS = {(kind.code, column.key): str(column.header) for kind in kinds() for column in kind.columns}


@pytest.fixture
def centre():
    return MembershipFactory(agency__code="TT-LS")


def reception(number="TN-2019-0001", **cells):
    return {"register_number": number, "received_on": D(2019, 3, 15), "reception_channel": "Được giải cứu",
            "full_name": "Nguyễn Thị Hoa", "sex": "Nữ", "birth_year": 2000, "home_province": "Lạng Sơn", **cells}


def check(membership, data: bytes, name="so.xlsx") -> ImportBatch:
    batch = services.import_upload(user=membership.user, agency=membership.agency,
                                   file=SimpleUploadedFile(name, data), queue=False)
    runs.check_batch(batch.pk)
    batch.refresh_from_db()
    return batch


def run(membership, data: bytes, name="so.xlsx") -> ImportBatch:
    batch = check(membership, data, name)
    services.import_confirm(actor=act_as(membership.user, membership), batch=batch)
    runs.import_batch(batch.pk)
    batch.refresh_from_db()
    return batch


def test_a_csv_with_the_template_headers_imports_like_the_workbook(centre):
    data = register_csv("reception", [reception("TN-1"), reception("TN-2", full_name="Lò Thị Mỷ")], delimiter=";")
    batch = run(centre, data, name="so-tiep-nhan.csv")
    assert batch.status == ImportStatus.IMPORTED and batch.counts["reception"] == {"create": 2}
    assert set(Person.objects.values_list("full_name", flat=True)) == {"Nguyễn Thị Hoa", "Lò Thị Mỷ"}


def test_a_corrected_row_updates_the_record_through_the_services_with_history(centre):
    first = run(centre, register_xlsx({"reception": [reception()]}))
    case = ImportedRecord.objects.get(kind="reception").case
    corrected = run(centre, register_xlsx({"reception": [reception(full_name="Nguyễn Thị Hòa", home_province="Hà Giang")]}))

    assert corrected.counts["reception"] == {"update": 1}
    case.refresh_from_db()
    assert (case.person.full_name, case.person.home_province.name) == ("Nguyễn Thị Hòa", "Tỉnh Tuyên Quang")
    assert Case.objects.count() == 1
    updates = pghistory.models.Events.objects.tracks(case.person).filter(pgh_label="update")
    assert any((event.pgh_context or {}).get("import_batch") == corrected.pk for event in updates)
    assert first.pk != corrected.pk


def test_a_person_known_by_the_same_identity_paper_is_linked_not_registered_again(centre):
    border = MembershipFactory(agency__type=AgencyType.objects.get(code="border_guard"))
    known = victim_services.case_register_reception(
        user=border.user, agency=border.agency, reception_channel="handed_back_at_border", received_on=D(2018, 5, 2),
        full_name="Nguyễn Thị Hoa", sex="female", birth_year=2000)
    victim_services.person_update_declaration(user=border.user, person=known.person, id_paper_type="cccd",
                                              id_paper_number="001300012345")

    batch = run(centre, register_xlsx({"reception": [reception(id_paper_type="cccd", id_paper_number="001 300 012 345")]}))

    assert batch.counts["persons_linked"] == 1
    assert Person.objects.count() == 1
    assert set(Case.objects.values_list("person_id", flat=True)) == {known.person_id}
    assert Case.objects.get(owning_agency=centre.agency).person_id == known.person_id


def test_a_probable_duplicate_is_listed_for_review_not_merged_silently(centre):
    other = MembershipFactory(agency__jurisdiction=province("ha noi"))
    existing = victim_services.case_register_reception(
        user=other.user, agency=other.agency, reception_channel="rescued", received_on=D(2018, 5, 2),
        full_name="Nguyễn Thị Hoa", sex="female", birth_year=2000)
    victim_services.person_update_declaration(user=other.user, person=existing.person,
                                              home_province=province("lang son"))

    batch = run(centre, register_xlsx({"reception": [reception(full_name="NGUYEN THI HOA")]}))

    assert Person.objects.count() == 2, "a probable match is a second person until the department decides"
    assert batch.counts["for_review"] == 1 and batch.duplicates[0]["reference"] == "TN-2019-0001"
    assert DuplicateProposal.objects.filter(person_high__cases__owning_agency=centre.agency).exists() or \
        DuplicateProposal.objects.filter(person_low__cases__owning_agency=centre.agency).exists()


def test_an_old_ward_split_in_three_is_picked_by_the_user_then_imported(centre):
    data = register_xlsx({"reception": [reception(home_province="Thành phố Hà Nội", home_district="Quận Ba Đình",
                                                  home_commune="Phường Kim Mã")]})
    batch = check(centre, data)
    assert batch.counts["reception"] == {"error": 1}
    assert [item["original"] for item in batch.ambiguities] == ["Thành phố Hà Nội, Quận Ba Đình, Phường Kim Mã"]
    assert batch.errors[0]["column"] == HEADERS[("reception", "home_commune")]
    giang_vo = next(pk for pk, name in batch.ambiguities[0]["candidates"] if name == "Phường Giảng Võ")

    actor = act_as(centre.user, centre)
    services.import_pick_places(actor=actor, batch=batch, picks={batch.ambiguities[0]["key"]: giang_vo})
    runs.check_batch(batch.pk)
    batch.refresh_from_db()
    assert batch.counts["reception"] == {"create": 1} and not batch.errors
    services.import_confirm(actor=actor, batch=batch)
    runs.import_batch(batch.pk)
    person = Person.objects.get()
    assert (person.home_commune.name, person.home_province.name) == ("Phường Giảng Võ", "Thành phố Hà Nội")
    # The register's own words are kept on the record.
    source = ImportedRecord.objects.get(kind="reception").source
    assert source[HEADERS[("reception", "home_commune")]] == "Phường Kim Mã"


def test_an_agency_imports_only_into_its_own_scope(centre):
    run(centre, register_xlsx({"reception": [reception("TN-7")]}))
    other = MembershipFactory(agency__jurisdiction=province("ha noi"))
    # Hà Nội's register names Lạng Sơn's register number: it is not theirs to add to.
    child = {"register_number": "TN-7", "line": 1, "full_name": "Nguyễn Văn An", "birth_year": 2017,
             "relationship": "Con"}
    batch = run(other, register_xlsx({"child": [child]}))
    assert batch.counts["child"] == {"error": 1}
    assert batch.errors[0]["column"] == HEADERS[("child", "register_number")]
    assert not Case.objects.get().children.exists()
    with pytest.raises(Exception) as refused:
        services.batch_get(act_as(other.user, other), ImportBatch.objects.filter(agency=centre.agency).get().pk)
    assert refused.type.__name__ == "Http404"


def test_undo_is_refused_once_someone_changed_a_record(centre):
    batch = run(centre, register_xlsx({"reception": [reception("TN-1"), reception("TN-2", full_name="Lò Thị Mỷ")]}))
    case = ImportedRecord.objects.get(reference="TN-2").case
    victim_services.person_update_declaration(user=centre.user, person=case.person, other_names="Mỷ")

    with pytest.raises(ValidationError) as refused:
        services.import_undo(actor=act_as(centre.user, centre), batch=batch)
    assert "TN-2" in refused.value.messages[0]
    assert Case.objects.count() == 2


def test_confirming_twice_imports_once(centre):
    batch = check(centre, register_xlsx({"reception": [reception()]}))
    actor = act_as(centre.user, centre)
    services.import_confirm(actor=actor, batch=batch)
    services.import_confirm(actor=actor, batch=batch)
    runs.import_batch(batch.pk)
    runs.import_batch(batch.pk)  # a redelivered task
    assert Case.objects.count() == 1


def test_files_that_are_not_registers_are_refused_with_a_reason(centre):
    with pytest.raises(ValidationError) as refused:
        services.import_upload(user=centre.user, agency=centre.agency,
                               file=SimpleUploadedFile("so.pdf", b"%PDF-1.4"), queue=False)
    assert refused.value.message_dict["file"] == ["Hãy tải sổ lên dưới dạng tệp Excel (.xlsx) hoặc tệp CSV."]
    batch = check(centre, b"not a zip", name="so.xlsx")
    assert batch.status == ImportStatus.FAILED and batch.failure == "Đây không phải tệp Excel (.xlsx) hoặc tệp CSV."
    batch = check(centre, "Họ tên;Tuổi\nA;3\n".encode(), name="so.csv")
    assert batch.status == ImportStatus.FAILED and "không khớp với mẫu nào" in batch.failure


def test_the_command_checks_then_imports_a_whole_register(centre, tmp_path):
    path = tmp_path / "so-lang-son.xlsx"
    path.write_bytes(register_xlsx({"reception": [reception("TN-1"), reception("TN-2", received_on="31/02/2019")]}))
    out = io.StringIO()
    call_command("import_records", str(path), agency="TT-LS", dry_run=True, stdout=out, stderr=io.StringIO())
    assert "reception: create 1, error 1" in out.getvalue() and "row 3" in out.getvalue()
    assert Case.objects.count() == 0

    call_command("import_records", str(path), agency="TT-LS", stdout=io.StringIO(), stderr=io.StringIO())
    assert Case.objects.count() == 1
    assert ImportBatch.objects.filter(status=ImportStatus.IMPORTED, file_name="so-lang-son.xlsx").count() == 1


def test_visits_are_written_oldest_first_whatever_the_order_of_the_lines(centre):
    today = datetime.date.today()
    received = today - datetime.timedelta(days=400)
    outcome = {"register_number": "TN-9", "line": 1, "outcome": "identified", "document_type": "police_confirmation",
               "document_number": "12/XN-CAT", "document_date": received + datetime.timedelta(days=5),
               "issuing_body": "Công an tỉnh Lạng Sơn"}
    visit = {"register_number": "TN-9", "visitors": "Cán bộ xã hội Hoàng Thị Lan", "place": "Tại gia đình",
             "findings": "Ổn định."}
    later = {**visit, "line": 1, "visited_on": received + datetime.timedelta(days=90)}
    earlier = {**visit, "line": 2, "visited_on": received + datetime.timedelta(days=30)}
    batch = run(centre, register_xlsx({"reception": [reception("TN-9", received_on=received)],
                                       "identification": [outcome], "visit": [later, earlier]}))
    assert batch.counts["visit"] == {"create": 2}, batch.errors
    case = Case.objects.get()
    assert case.reintegration_plans.get().starts_on == earlier["visited_on"]


def test_the_template_offers_lists_for_coded_values_and_explains_every_column():
    from openpyxl import load_workbook

    from imports.workbook import build_template

    book = load_workbook(io.BytesIO(build_template(kinds())))
    receptions = book["Lượt tiếp nhận"]
    channel = next(cell.column_letter for cell in receptions[1] if cell.value == "Hình thức tiếp nhận *")
    lists = [dv for dv in receptions.data_validations.dataValidation if str(dv.sqref).split(":")[0] == f"{channel}2"]
    assert lists and lists[0].type == "list" and "Danh mục" in lists[0].formula1
    assert book["Danh mục"].sheet_state == "hidden"
    explained = {row[1] for row in book["Hướng dẫn"].iter_rows(min_row=2, values_only=True) if row[1]}
    assert {str(column.header) for kind in kinds() for column in kind.columns} <= explained


def test_the_import_records_who_the_file_and_the_counts(centre):
    import hashlib

    data = register_xlsx({"reception": [reception()]})
    batch = run(centre, data)
    assert batch.created_by == centre.user and batch.confirmed_by == centre.user
    assert batch.file_sha256 == hashlib.sha256(data).hexdigest()
    assert batch.counts["reception"] == {"create": 1} and batch.imported_at is not None
    assert not batch.file, "the uploaded register is not kept once its rows are in the case files"
