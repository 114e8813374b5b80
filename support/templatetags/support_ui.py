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
