"""The signing block: who signs and in what capacity (Decree 30/2020/NĐ-CP, Article 13 and Appendix I)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningAuthority(models.TextChoices):
    HEAD = "head", _("The head of the agency signs")
    ON_BEHALF = "kt", _("KT.: a deputy signs on behalf of the head")
    COLLECTIVE = "tm", _("TM.: signs on behalf of the collective body")
    ACTING = "q", _("Q.: the acting head signs")
    BY_ORDER = "tl", _("TL.: signs by order of the head")
    AUTHORISED = "tuq", _("TUQ.: signs by authorisation of the head")

    @property
    def prefix(self) -> str:
        return PREFIXES[self]

    @property
    def needs_signer_title(self) -> bool:
        """By order and by authorisation: the signer's own title is printed and cannot be guessed."""
        return self in (SigningAuthority.BY_ORDER, SigningAuthority.AUTHORISED)


PREFIXES = {
    SigningAuthority.HEAD: "", SigningAuthority.ON_BEHALF: "KT.", SigningAuthority.COLLECTIVE: "TM.",
    SigningAuthority.ACTING: "Q.", SigningAuthority.BY_ORDER: "TL.", SigningAuthority.AUTHORISED: "TUQ.",
}


def signature_lines(authority: str, *, head_title: str, signer_title: str = "", body_name: str = "") -> list[str]:
    """The capacity and title lines above the signature, in capitals.

    head_title: the head's title ('GIÁM ĐỐC'); signer_title: the signer's own title when it differs
    ('PHÓ GIÁM ĐỐC', 'CHÁNH VĂN PHÒNG'); body_name: the collective body a TM. signer speaks for.
    """
    authority = SigningAuthority(authority or SigningAuthority.HEAD)
    head_title, signer_title = head_title.upper(), signer_title.strip().upper()
    if authority == SigningAuthority.HEAD:
        return [head_title]
    if authority == SigningAuthority.ACTING:
        return [f"Q. {head_title}"]
    if authority == SigningAuthority.COLLECTIVE:
        return [f"TM. {(body_name or head_title).upper()}", signer_title or head_title]
    if authority == SigningAuthority.ON_BEHALF:
        return [f"KT. {head_title}", signer_title or f"PHÓ {head_title}"]
    return [f"{authority.prefix} {head_title}", signer_title]
