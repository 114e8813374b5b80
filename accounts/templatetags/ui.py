"""Template helpers for the Bootstrap UI and Vietnamese number formats."""

from decimal import Decimal, InvalidOperation

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html

register = template.Library()

CHOICE_GROUPS = forms.RadioSelect | forms.CheckboxSelectMultiple


def _described_by(field) -> str:
    ids = []
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    return " ".join(ids)


@register.filter
def control(field):
    """Render a bound field with Bootstrap classes, marked invalid when it has errors.

    Checkbox and radio groups are rendered by includes/field.html (a fieldset, one form-check per
    option, see `choice_control`): here they get no class, so the group's wrapper is never styled as
    one 1em checkbox.
    """
    widget = field.field.widget
    if isinstance(widget, CHOICE_GROUPS):
        return field.as_widget()
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip()}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if described_by := _described_by(field):
        attrs["aria-describedby"] = described_by
    return field.as_widget(attrs=attrs)


@register.filter
def choice_control(choice, field):
    """One option of a checkbox or radio group as a Bootstrap form-check input."""
    attrs = {**choice.data["attrs"], "type": choice.data["type"], "name": choice.data["name"],
             "value": choice.data["value"], "class": "form-check-input" + (" is-invalid" if field.errors else "")}
    if attrs.pop("checked", False) or choice.data.get("selected"):
        attrs["checked"] = True
    attrs.pop("required", None)  # one option need not be ticked; the form says when the group is required
    if field.errors:
        attrs["aria-invalid"] = "true"
    return format_html("<input{}>", flatatt(attrs))


@register.filter
def vnd(value):
    """1000000 -> '1.000.000 ₫' (Vietnamese grouping, no decimals)."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{amount:,.0f}".replace(",", ".") + " ₫"
