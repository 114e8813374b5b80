"""Scanned documents (PDF, JPEG, PNG): checked by their content, not only their name, before storing.

An extension says nothing: an HTML page named `fake.pdf` would be stored and later served as a PDF.
`filetype` reads the magic bytes; the name must agree with them. Images are opened by Pillow to prove
they decode, and re-saved without their metadata (EXIF: GPS position, camera, date), which may say
where a victim was photographed.
"""

from io import BytesIO
from pathlib import PurePath

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_SCAN_BYTES = 10 * 1024 * 1024
# extension of the name -> the kind the content must be (filetype's extension)
SCAN_KINDS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png"}
SCAN_EXTENSIONS = list(SCAN_KINDS)
IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG"}


def _head(file, size: int = 8192) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _refuse(message, code: str):
    raise ValidationError(message, code=code)


def scan_kind(file) -> str:
    """The checked kind of an uploaded scan ("pdf", "jpg", "png"); ValidationError otherwise."""
    if file.size > MAX_SCAN_BYTES:
        _refuse(_("The scanned file is larger than %(max)s MB.") % {"max": MAX_SCAN_BYTES // 2**20}, "too_large")
    if not file.size:
        _refuse(_("The file is empty."), "empty")
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    guessed = filetype.guess(_head(file))
    kind = guessed.extension if guessed else None
    if kind not in SCAN_KINDS.values() or SCAN_KINDS.get(extension) != kind:
        _refuse(_("This file is not a PDF, JPG or PNG document (its content was checked, not only its "
                  "name). Scan the paper again as PDF, JPG or PNG."), "content_type")
    if kind in IMAGE_FORMATS:
        try:
            with Image.open(file) as image:
                image.verify()
        except (Image.DecompressionBombError, OSError, SyntaxError, ValueError):
            _refuse(_("This image is damaged or too large to open."), "broken_image")
        finally:
            file.seek(0)
    return kind


def clean_scan(file):
    """The upload to store: checked, and for images re-saved without metadata. None stays None."""
    if file is None:
        return None
    kind = scan_kind(file)
    if kind not in IMAGE_FORMATS:
        return file
    with Image.open(file) as image:
        image = ImageOps.exif_transpose(image)  # keep the picture upright once the EXIF is gone
        if IMAGE_FORMATS[kind] == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = BytesIO()
        image.save(out, format=IMAGE_FORMATS[kind], **({"quality": 90} if kind == "jpg" else {}))
    file.seek(0)
    return ContentFile(out.getvalue(), name=PurePath(file.name).name)


class ScanField(forms.FileField):
    """A form's scan field: refuses what is not really a PDF, JPG or PNG, on the field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in SCAN_EXTENSIONS)}
        ))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file:
            scan_kind(file)
        return file
