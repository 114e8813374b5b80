"""The official document layer: numbering register, place-and-date line, legal bases, signing block."""

import datetime
import io
import threading
from collections import defaultdict

import pdfplumber
import pytest
from django.db import connection, transaction
from django.template import engines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.documents import (
    DocumentNumberRegister,
    DocumentType,
    SigningAuthority,
    document_number_issue,
    legal_basis_lines,
    official_context,
    place_and_date,
    recipient_lines,
    render_pdf,
    signature_lines,
)
from tests.victims.factories import agency


class Rollback(Exception):
    """Raised inside a transaction that took a number, to give it back."""


def _together(calls):
    """Run the calls at the same moment, each in its own thread, connection and transaction."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results[index] = call()
        except Rollback as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issues_give_consecutive_numbers_without_gap_or_repeat():
    department = agency("social_affairs_department", "lang son", code="SYT-LS")

    def issue(document_type, *, roll_back=False):
        def call():
            issued = document_number_issue(agency=department, document_type=document_type, year=2026)
            if roll_back:  # the document could not be saved: its number must come back
                raise Rollback(issued.number)
            return issued
        return call

    calls = [issue(DocumentType.DECISION) for _ in range(4)]
    calls += [issue(DocumentType.DECISION, roll_back=True) for _ in range(2)]
    calls += [issue(DocumentType.REPORT) for _ in range(2)]
    results = _together(calls)

    decisions = [r for r in results[:6] if not isinstance(r, Rollback)]
    assert len(decisions) == 4 and all(isinstance(r, Rollback) for r in results[4:6])
    assert sorted(r.number for r in decisions) == [1, 2, 3, 4]  # no gap, no repeat, rollbacks gave theirs back
    assert {r.symbol for r in decisions} == {f"{n}/QĐ-SYT-LS" for n in range(1, 5)}
    assert sorted(r.number for r in results[6:]) == [1, 2]  # each type has its own register
    assert {r.symbol for r in results[6:]} == {"1/BC-SYT-LS", "2/BC-SYT-LS"}
    registers = {(r.document_type, r.year): r.last_number for r in DocumentNumberRegister.objects.all()}
    assert registers == {(DocumentType.DECISION, 2026): 4, (DocumentType.REPORT, 2026): 2}
    assert document_number_issue(agency=department, document_type=DocumentType.DECISION, year=2026).number == 5


@pytest.fixture
def two_agencies(db):
    return [agency("social_affairs_department", "lang son", code="SYT-LS"),
            agency("social_centre", "lang son", code="TTCTXH-LS")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from(DocumentType), st.sampled_from([2025, 2026]),
                          st.booleans()), max_size=30))
def test_any_sequence_of_issues_and_rollbacks_numbers_each_register_from_1_without_gaps(two_agencies, operations):
    with transaction.atomic():  # each example starts from empty registers
        issued_so_far = defaultdict(int)
        for agency_index, document_type, year, roll_back in operations:
            issuer = two_agencies[agency_index]
            try:
                with transaction.atomic():
                    issued = document_number_issue(agency=issuer, document_type=document_type, year=year)
                    if roll_back:
                        raise Rollback
            except Rollback:
                continue
            key = (issuer.code, document_type, year)
            issued_so_far[key] += 1
            assert issued.number == issued_so_far[key]
            assert issued.symbol == f"{issued.number}/{document_type.abbreviation}-{issuer.code}"
        registers = {(r.agency.code, r.document_type, r.year): r.last_number
                     for r in DocumentNumberRegister.objects.select_related("agency") if r.last_number}
        assert registers == dict(issued_so_far)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_registers_run_per_agency_year_and_type():
    first = agency("social_affairs_department", "lang son", code="SYT-LS")
    second = agency("social_centre", "lang son", code="TTCTXH-LS")
    issued = [
        document_number_issue(agency=first, document_type=DocumentType.HANDOVER_RECORD, year=2026).symbol,
        document_number_issue(agency=first, document_type=DocumentType.HANDOVER_RECORD, year=2026).symbol,
        document_number_issue(agency=second, document_type=DocumentType.HANDOVER_RECORD, year=2026).symbol,
        document_number_issue(agency=first, document_type=DocumentType.HANDOVER_RECORD, year=2027).symbol,
        document_number_issue(agency=first, document_type=DocumentType.DECISION, year=2026).symbol,
    ]
    assert issued == ["1/BB-SYT-LS", "2/BB-SYT-LS", "1/BB-TTCTXH-LS", "1/BB-SYT-LS", "1/QĐ-SYT-LS"]


@pytest.mark.parametrize(("day", "line"), [
    (datetime.date(2026, 2, 5), "Hà Nội, ngày 05 tháng 02 năm 2026"),
    (datetime.date(2026, 1, 31), "Hà Nội, ngày 31 tháng 01 năm 2026"),
    (datetime.date(2026, 3, 9), "Hà Nội, ngày 09 tháng 3 năm 2026"),
    (datetime.date(2025, 12, 10), "Hà Nội, ngày 10 tháng 12 năm 2025"),
])
def test_the_date_line_has_a_leading_zero_for_days_1_to_9_and_for_january_and_february(day, line):
    assert place_and_date("Hà Nội", day) == line


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_every_date_line_reads_back_as_its_date(day):
    line = place_and_date("Lạng Sơn", day)
    place, rest = line.split(", ngày ")
    day_text, rest = rest.split(" tháng ")
    month_text, year_text = rest.split(" năm ")
    assert place == "Lạng Sơn" and len(day_text) == 2
    assert len(month_text) == (2 if day.month < 3 else len(str(day.month)))
    assert datetime.date(int(year_text), int(month_text), int(day_text)) == day


def test_legal_bases_and_recipients_end_with_a_semicolon_and_the_last_with_a_full_stop():
    assert legal_basis_lines(["Căn cứ Luật số 53/2024/QH15;", "Căn cứ Nghị định số 162/2025/NĐ-CP.",
                              "Xét đề nghị của Trung tâm"]) == [
        "Căn cứ Luật số 53/2024/QH15;", "Căn cứ Nghị định số 162/2025/NĐ-CP;", "Xét đề nghị của Trung tâm.",
    ]
    assert recipient_lines(["Như Điều 4", "- Lưu: VT, hồ sơ"]) == ["- Như Điều 4;", "- Lưu: VT, hồ sơ."]


@pytest.mark.parametrize(("authority", "signer_title", "lines"), [
    (SigningAuthority.HEAD, "", ["GIÁM ĐỐC"]),
    (SigningAuthority.ON_BEHALF, "Phó Giám đốc", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    (SigningAuthority.ON_BEHALF, "", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    (SigningAuthority.COLLECTIVE, "Chủ tịch", ["TM. ỦY BAN NHÂN DÂN XÃ ĐỒNG ĐĂNG", "CHỦ TỊCH"]),
    (SigningAuthority.ACTING, "", ["Q. GIÁM ĐỐC"]),
    (SigningAuthority.BY_ORDER, "Chánh Văn phòng", ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
    (SigningAuthority.AUTHORISED, "Trưởng phòng Bảo trợ xã hội", ["TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG BẢO TRỢ XÃ HỘI"]),
])
def test_the_signing_block_names_the_capacity_and_the_signers_title(authority, signer_title, lines):
    head = "CHỦ TỊCH" if authority == SigningAuthority.COLLECTIVE else "Giám đốc"
    assert signature_lines(authority, head_title=head, signer_title=signer_title,
                           body_name="Ủy ban nhân dân xã Đồng Đăng") == lines


HANDOVER = """{% extends "documents/base.html" %}
{% block body %}<p>Hôm nay, tại Trung tâm Công tác xã hội, hai bên tiến hành bàn giao hồ sơ.</p>{% endblock %}"""


@pytest.mark.django_db
def test_another_document_type_reuses_the_layer_with_its_own_body_number_and_signing_block():
    centre = agency("social_centre", "lang son", code="TTCTXH-LS", name="Trung tâm Công tác xã hội tỉnh Lạng Sơn")
    issued = document_number_issue(agency=centre, document_type=DocumentType.HANDOVER_RECORD, year=2026)
    context = official_context(
        agency=centre, document_type=DocumentType.HANDOVER_RECORD, number_symbol=issued.symbol,
        day=datetime.date(2026, 1, 7), abstract="Bàn giao hồ sơ", signing_authority=SigningAuthority.ACTING,
        head_title="Giám đốc", signer_name="Hoàng Thị Thu", recipients=["Sở Y tế", "Lưu: VT"],
        names_victim=False,
    )
    data = render_pdf(engines["django"].from_string(HANDOVER), context)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = pdf.pages[0].extract_text()
    for expected in ("Số: 1/BB-TTCTXH-LS", "Lạng Sơn, ngày 07 tháng 01 năm 2026", "BIÊN BẢN", "Bàn giao hồ sơ",
                     "hai bên tiến hành bàn giao hồ sơ", "- Sở Y tế;", "- Lưu: VT.", "Q. GIÁM ĐỐC", "Hoàng Thị Thu"):
        assert expected in text, expected
    assert "Tài liệu có thông tin cá nhân" not in text  # it names no victim: no confidentiality mark
