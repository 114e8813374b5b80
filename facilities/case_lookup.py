"""Finding the case to admit: by a loosely typed case number or the person's name, within scope.

People type "ttctxh-ls-2026-5" or "TTCTXHLS" for TTCTXH-LS-2026-00005 and names without diacritics.
Everything goes through victims.selectors.case_list, so only cases the user may see are found and
names match only where the user may see the identity.
"""

import re

from accounts.text import fold
from victims.selectors import case_list

SUGGESTIONS = 10


def case_number_pattern(typed: str, anchored: bool = False) -> str | None:
    """A PostgreSQL regex for a case number typed without its dashes, case or leading zeros."""
    tokens = re.findall(r"[a-z]+|\d+", fold(typed or ""))
    if not tokens or not any(token.isdigit() for token in tokens) and len("".join(tokens)) < 3:
        return None
    parts = []
    for index, token in enumerate(tokens):
        piece = "-?".join(re.escape(char) for char in token)
        if token.isdigit() and index == len(tokens) - 1 and len(tokens) > 1 and len(token) <= 5:
            piece = "0*" + re.escape(token)  # the running number on its own: "5" is 00005
        parts.append(piece)
    pattern = "-?".join(parts)
    return f"^{pattern}$" if anchored else pattern


def find_cases(user, typed: str, limit: int = SUGGESTIONS):
    """Cases whose number or (visible) person's name matches what was typed, newest first."""
    typed = (typed or "").strip()
    if len(typed) < 2:
        return []
    pks = list(case_list(user=user, q=typed).values_list("pk", flat=True)[:limit])
    if pattern := case_number_pattern(typed):
        pks += list(case_list(user=user).filter(case_number__iregex=pattern).values_list("pk", flat=True)[:limit])
    return list(case_list(user=user).filter(pk__in=pks).order_by("-received_on", "-pk")[:limit])


def resolve_case(queryset, typed: str):
    """The one case of `queryset` with this number, typed exactly or loosely; None if none or several."""
    typed = (typed or "").strip()
    if case := queryset.filter(case_number__iexact=typed).first():
        return case
    if pattern := case_number_pattern(typed, anchored=True):
        matches = list(queryset.filter(case_number__iregex=pattern)[:2])
        if len(matches) == 1:
            return matches[0]
    return None
