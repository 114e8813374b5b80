"""The context every official document template gets from documents/base.html's point of view."""

import datetime

from .format import legal_basis_lines, place_and_date, place_name, province_of, recipient_lines
from .models import DocumentType
from .signing import signature_lines

# The notice documents naming a victim carry (Law 53/2024/QH15 on confidentiality; Decree 13/2023 and
# Law 91/2025/QH15 on personal data), printed where the appendix puts marks: under the number (box 10a).
CONFIDENTIAL_NOTICE = (
    "Tài liệu có thông tin cá nhân của nạn nhân bị mua bán: chỉ sử dụng đúng mục đích, "
    "không tiết lộ khi chưa có sự đồng ý của nạn nhân."
)
DEFAULT_PLACE = "Hà Nội"


def official_context(
    *, agency, document_type: str, number_symbol: str, day: datetime.date, abstract: str = "",
    signing_authority: str = "", head_title: str, signer_title: str = "", signer_name: str = "",
    recipients: list[str] = (), legal_bases: list[str] = (), authority_line: str = "", names_victim: bool,
) -> dict:
    """Header, heading, preamble and footer of a document issued by `agency` on `day`.

    names_victim: the document names a victim, so it carries the confidentiality mark.
    """
    province = province_of(agency)
    return {
        "type_title": DocumentType(document_type).title,
        "parent_body": f"ỦY BAN NHÂN DÂN {province.name.upper()}" if province else "",
        "agency_name": agency.name.upper(),
        "number_symbol": number_symbol,
        "place_and_date": place_and_date(place_name(province.name) if province else DEFAULT_PLACE, day),
        "abstract": abstract,
        "authority_line": authority_line,
        "legal_bases": legal_basis_lines(list(legal_bases)),
        "recipients": recipient_lines(list(recipients)),
        "signature": signature_lines(signing_authority, head_title=head_title, signer_title=signer_title,
                                     body_name=agency.name),
        "signer_name": signer_name,
        "confidential": names_victim,
        "confidential_notice": CONFIDENTIAL_NOTICE,
    }
