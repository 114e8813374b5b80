"""Rendering an official document: a template extending `documents/base.html`, to HTML, to PDF."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils import translation

from accounts.text import nfc

# Tinos, metric-compatible with the Times New Roman the decree prescribes. Two subsets of one family:
# pango falls back glyph by glyph from the Latin file to the Vietnamese one (see documents/_print.css).
FONT_FILES = {
    f"{subset}_{style}".replace("-", "_"): f"vendor/tinos/files/tinos-{subset}-{style}.woff"
    for subset in ("latin", "vietnamese")
    for style in ("400-normal", "400-italic", "700-normal", "700-italic")
}


def _font_url(path: str) -> str:
    found = finders.find(path) or str(Path(settings.BASE_DIR) / "static" / path)
    return Path(found).resolve().as_uri()


def document_html(template, context: dict) -> str:
    """The document's HTML, in Vietnamese (the language of the state format), NFC-normalised.

    template: a template name, or a loaded template, extending documents/base.html.
    """
    fonts = {key: _font_url(path) for key, path in FONT_FILES.items()}
    template = get_template(template) if isinstance(template, str) else template
    with translation.override("vi"):
        return nfc(template.render({**context, "fonts": fonts}))


def render_pdf(template, context: dict) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    return HTML(string=document_html(template, context), base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=FontConfiguration(),
    )
