"""Scans are checked by their content: an HTML page named fake.pdf is refused, images lose their EXIF."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from config.uploads import MAX_SCAN_BYTES, ScanField, clean_scan, scan_kind

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (21.0, 50.0, 0.0)}  # GPS: where the photo was taken
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Trieu Thi Hang")
    out = BytesIO()
    Image.new("RGB", (10, 10), "blue").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(("name", "content"), [
    ("fake.pdf", HTML),                     # the probe's file
    ("fake.png", PDF),                      # a real PDF under an image name
    ("scan.jpg", b"\x89PNG\r\n\x1a\n" + b"0" * 40),  # a PNG header that does not decode, named .jpg
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40),  # a PNG header that does not decode
    ("x.exe", b"MZ\x90\x00" + b"\x00" * 60),
    ("doc.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ("empty.pdf", b""),
])
def test_what_is_not_really_a_pdf_jpg_or_png_is_refused(name, content):
    with pytest.raises(ValidationError):
        scan_kind(upload(name, content))
    field = ScanField(required=False)
    with pytest.raises(ValidationError):
        field.clean(upload(name, content))


def test_the_refusal_says_why_in_vietnamese():
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as error:
        scan_kind(upload("fake.pdf", HTML))
    assert "không phải" in error.value.messages[0]


def test_real_pdf_jpeg_and_png_pass():
    assert scan_kind(upload("a.pdf", PDF)) == "pdf"
    assert scan_kind(upload("a.JPG", jpeg_with_gps())) == "jpg"
    assert scan_kind(upload("a.jpeg", jpeg_with_gps())) == "jpg"
    assert scan_kind(upload("a.png", png_with_text())) == "png"


def test_the_size_limit_stays():
    big = upload("big.pdf", PDF + b"0" * MAX_SCAN_BYTES)
    with pytest.raises(ValidationError) as error:
        scan_kind(big)
    assert error.value.code == "too_large"


def test_image_metadata_is_stripped_and_pdfs_are_kept_as_sent():
    original = jpeg_with_gps()
    assert Image.open(BytesIO(original)).getexif()  # the test image does carry EXIF
    cleaned = clean_scan(upload("photo.jpg", original))
    stored = cleaned.read()
    assert Image.open(BytesIO(stored)).getexif() == {}
    assert b"CameraMaker" not in stored and stored.startswith(b"\xff\xd8")

    png = clean_scan(upload("photo.png", png_with_text())).read()
    assert b"Trieu" not in png and Image.open(BytesIO(png)).size == (10, 10)

    pdf = upload("a.pdf", PDF)
    assert clean_scan(pdf).read() == PDF


# Through the services and pages that store scans -------------------------------------------------

@pytest.mark.django_db
def test_an_html_file_named_pdf_is_not_stored_as_an_identification_scan(settings, tmp_path):
    from tests.victims.conftest import World
    from tests.victims.factories import CaseFactory
    from victims import services
    from victims.models import IdentificationOutcome, IdentificationResult
    from victims.workflow import Status

    settings.MEDIA_ROOT = tmp_path
    world = World()
    case = CaseFactory(receiving_agency=world.police_ls, status=Status.RECEIVED)
    with pytest.raises(ValidationError) as error:
        services.identification_record_outcome(
            user=world.police_officer_ls, case=case, outcome=IdentificationResult.UNDER_IDENTIFICATION,
            scan=upload("fake.pdf", HTML),
        )
    assert "scan" in error.value.message_dict
    assert not IdentificationOutcome.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))

    photo = services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome=IdentificationResult.UNDER_IDENTIFICATION,
        scan=upload("anh.jpg", jpeg_with_gps()),
    )
    with photo.scan.open("rb") as handle:
        assert Image.open(handle).getexif() == {}


@pytest.mark.django_db
def test_support_documents_and_receipts_are_checked_too(settings, tmp_path):
    from support.models import SupportDocument
    from support.services import DocumentInput
    from tests.support.factories import lang_son, make_case

    settings.MEDIA_ROOT = tmp_path
    ls = lang_son()
    case = make_case(owner=ls.centre, full_name="Lò Thị Mai", sex="female", birth_year=2000)
    fake = DocumentInput(document_type="poor_household_certificate", number="12/GCN", scan=upload("fake.pdf", HTML))
    with pytest.raises(ValidationError) as error:
        _request_with(ls, case, fake)
    assert "documents.0.scan" in error.value.message_dict
    assert not SupportDocument.objects.exists()


def _request_with(ls, case, document):
    from support.services import LineInput, support_request_create
    from tests.support.factories import IN_LAW53, LAW53, item

    return support_request_create(
        user=ls.caseworker, agency=ls.centre, case=case, person=case.person, application_date=IN_LAW53,
        lines=[LineInput(item=item(LAW53, "hardship_allowance"), quantity=1)], documents=[document],
    )
