"""Small template helpers for the support pages."""

from django import template

from ..words import amount_in_words, dong

register = template.Library()


@register.filter
def absolute(value):
    try:
        return abs(int(value))
    except (TypeError, ValueError):
        return value


@register.filter(name="dong")
def dong_filter(value):
    """1000000 -> '1.000.000 đồng' (as official documents write amounts)."""
    try:
        return dong(int(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def in_words(value):
    try:
        return amount_in_words(int(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def unconfirmed_amounts(items) -> str:
    """'all', 'some' or '' : how many of these catalogue items (or line forms) have unconfirmed amounts."""
    items = [getattr(getattr(i, "entry", None), "item", i) for i in items]
    unconfirmed = sum(1 for item in items if not item.amount_confirmed)
    if not unconfirmed:
        return ""
    return "all" if unconfirmed == len(items) else "some"
