"""Template helpers of the facility pages."""

from django import template

from ..choices import DossierDocument, Service

register = template.Library()

SERVICE_LABELS = dict(Service.choices)
DOCUMENT_LABELS = dict(DossierDocument.choices)


def _labels(values, labels) -> str:
    order = list(labels)
    known = sorted((v for v in values or () if v in labels), key=order.index)
    return ", ".join(str(labels[v]) for v in known) or "—"


@register.filter
def services(values) -> str:
    """['medical', 'accommodation'] -> 'Temporary accommodation, Medical care' (in the list's order)."""
    return _labels(values, SERVICE_LABELS)


@register.filter
def documents(values) -> str:
    return _labels(values, DOCUMENT_LABELS)
