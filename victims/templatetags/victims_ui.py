"""Template helpers of the case pages: names masked by scope, hidden sensitive values, panels."""

from django import template
from django.template.loader import get_template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from victims import readmodel
from victims.workflow import Status

register = template.Library()

STATUS_CLASSES = {
    Status.RECEIVED: "text-bg-secondary",
    Status.UNDER_IDENTIFICATION: "text-bg-warning",
    Status.IDENTIFIED: "text-bg-primary",
    Status.NOT_VICTIM: "text-bg-dark",
    Status.IN_SUPPORT: "text-bg-info",
    Status.FOLLOW_UP: "text-bg-success",
    Status.CLOSED: "text-bg-light border",
}


@register.filter
def victim_name(case) -> str:
    """The victim's name for this case's reader: real with identity access, else 'N. T. H.'."""
    return readmodel.case_name(case)


@register.filter
def person_name(person, visible) -> str:
    return readmodel.person_name(person, bool(visible))


@register.filter
def sensitive(value, visible):
    """The value for readers with identity access; a neutral marker for everyone else."""
    if visible:
        return conditional_escape("—" if value in (None, "") else value)
    return format_html('<span class="text-body-secondary" title="{}">{}</span>',
                       _("Shown only to those who may see the victim's identity"), readmodel.HIDDEN)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-secondary")


@register.simple_tag(takes_context=True)
def case_panel(context, panel):
    """Render a panel another app registered (victims.panels) with the case page's context."""
    with context.push(**panel.context):
        return get_template(panel.template).template.render(context)


@register.filter
def country(code) -> str:
    """ISO code -> the country's name in the active language ('VN' -> 'Việt Nam')."""
    from victims.countries import country_name

    return country_name(code) if code else ""


@register.filter
def shown_transitions(choices) -> list:
    """The status changes the case page shows (a button, a link or a note); the others are left out,
    so a reader who can change nothing never sees an empty 'Change the status' heading."""
    return [choice for choice in choices or () if choice.get("how") in ("transition", "closure", "police")]


@register.filter
def any_active(grants) -> bool:
    """Whether any of these access grants is still in force."""
    return any(getattr(grant, "is_active", False) for grant in grants or ())
