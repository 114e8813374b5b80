"""Official documents in the state format (Decree 30/2020/NĐ-CP on clerical work, Appendix I).

One layer for every PDF the system issues (decisions, handover records, reports): the numbering
register shared by every document type, the signing block and its variants, the place-and-date line,
and a base template (`documents/base.html`) with the A4 print stylesheet, rendered by WeasyPrint with
the bundled Tinos serif. It lives in `accounts` because it is keyed by the issuing agency, and every app
that issues documents already depends on `accounts`.

    from accounts.documents import DocumentType, document_number_issue, render_pdf
"""

from .context import CONFIDENTIAL_NOTICE, official_context
from .format import legal_basis_lines, place_and_date, place_name, province_of, recipient_lines
from .models import DocumentNumberRegister, DocumentType
from .numbering import IssuedNumber, document_number_issue, document_symbol
from .render import document_html, render_pdf
from .signing import SigningAuthority, signature_lines

__all__ = [
    "CONFIDENTIAL_NOTICE", "DocumentNumberRegister", "DocumentType", "IssuedNumber", "SigningAuthority",
    "document_html", "document_number_issue", "document_symbol", "legal_basis_lines", "official_context",
    "place_and_date", "place_name", "province_of", "recipient_lines", "render_pdf", "signature_lines",
]
