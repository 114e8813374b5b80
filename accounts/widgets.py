"""Form widgets shared by the apps."""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """Django's `django/forms/widgets/attrs.html` in Python: True as a bare name, False left out."""
    return mark_safe("".join(  # noqa: S308 - each part is format_html's escaped output
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items() if value is not False
    ))


class PlainSelect(forms.Select):
    """A select written in Python, markup for markup what `forms.Select` renders.

    Django renders every option through its own template (an include per option): the case list's
    province and agency pickers (35 and up to hundreds of options) cost milliseconds each on every
    list page. The options, groups and attributes are still Django's (`get_context`); only the
    writing of the HTML is done here, every value escaped by `format_html`.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html('<option value="{}"{}>{}</option>', option["value"], _attrs(option["attrs"]),
                            option["label"])
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is format_html's escaped output
