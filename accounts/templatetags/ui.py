"""Template helpers for the Bootstrap UI and Vietnamese number formats."""

from decimal import Decimal, InvalidOperation

from django import forms, template

register = template.Library()


@register.filter
def control(field):
    """Render a bound field with Bootstrap classes, marked invalid when it has errors."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
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
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=attrs)


@register.filter
def vnd(value):
    """1000000 -> '1.000.000 ₫' (Vietnamese grouping, no decimals)."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{amount:,.0f}".replace(",", ".") + " ₫"
