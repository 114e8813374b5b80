"""Forms of the periodic reports."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.formviews import OneTimeForm

from .report_services import ACCEPT, RETURN

NARRATIVE_MAX = 20_000


class NarrativeForm(forms.Form):
    """One text area per narrative section the report type names."""

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        for section in sections:
            self.fields[f"section_{section['key']}"] = forms.CharField(
                label=section["title"], required=False, max_length=NARRATIVE_MAX,
                initial=section.get("text", ""), widget=forms.Textarea(attrs={"rows": 5}),
            )
        self.sections = sections

    def texts(self) -> dict:
        return {s["key"]: self.cleaned_data.get(f"section_{s['key']}", "") for s in self.sections}


class SubmitForm(OneTimeForm):
    pass


class ReviewForm(OneTimeForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[(ACCEPT, pgettext_lazy("report review", "Accept")), (RETURN, _("Return to the province"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    """A report type and period, as the ministry's overview names it in the query string."""

    report_type = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    start = forms.DateField(input_formats=["%Y-%m-%d"])
    end = forms.DateField(input_formats=["%Y-%m-%d"])
