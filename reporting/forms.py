from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.formviews import OneTimeForm
from accounts.models import AdministrativeUnit, Agency, AgencyType
from victims.forms.intake import DateInput

from .models import ActivityKind
from .periods import parse_period, preset_choices
from .scope import NATIONAL, PROVINCE, Filters, Geography

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class StatisticsFilterForm(forms.Form):
    """The dashboard's filters, in the URL (GET): they survive navigation and downloads."""

    period = forms.ChoiceField(label=_("Period"), required=False)
    start = forms.DateField(label=_("From"), required=False, input_formats=DATE_FORMATS, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, input_formats=DATE_FORMATS, widget=DateInput())
    province = forms.ModelChoiceField(label=_("Province"), required=False, empty_label=_("All provinces"),
                                      queryset=AdministrativeUnit.objects.none())
    on_date = forms.DateField(label=_("Residents on"), required=False, input_formats=DATE_FORMATS, widget=DateInput(),
                              help_text=_("Occupancy of the facilities on this date (default: the period's end)."))
    agency_type = forms.ModelChoiceField(label=_("Agency type"), required=False, empty_label=_("All agency types"),
                                         queryset=AgencyType.objects.all(), to_field_name="code")
    agency = forms.ModelChoiceField(label=_("Agency"), required=False, empty_label=_("All agencies"),
                                    queryset=Agency.objects.none())

    def __init__(self, data, *, geography: Geography):
        super().__init__(data)
        self.geography = geography
        for name in ("province", "agency_type", "agency"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["period"].choices = preset_choices()
        if geography.level == NATIONAL:
            self.fields["province"].queryset = AdministrativeUnit.objects.current().provinces().order_by("name_folded")
        else:
            del self.fields["province"]
        if geography.level == PROVINCE:
            self.fields["agency"].queryset = Agency.objects.filter(
                Q(jurisdiction_id=geography.province_id) | Q(jurisdiction__parent_id=geography.province_id),
                is_active=True,
            ).order_by("name")
        else:
            del self.fields["agency"]

    def filters(self) -> tuple[Filters, object]:
        data = self.cleaned_data if self.is_valid() else {}
        period = parse_period(data.get("period") or "", data.get("start"), data.get("end"))
        province = data.get("province")
        agency_type = data.get("agency_type")
        agency = data.get("agency")
        return Filters(
            start=period.start, end=period.end, province_id=province.pk if province else None,
            agency_type=agency_type.code if agency_type else "", agency_id=agency.pk if agency else None,
            on_date=data.get("on_date"),
        ), period


class ActivityForm(OneTimeForm):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("Date"), input_formats=DATE_FORMATS, widget=DateInput())
    province = forms.ModelChoiceField(label=_("Province"), queryset=AdministrativeUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=255)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    trainees = forms.IntegerField(label=_("Trainees"), min_value=0, initial=0)
    panels = forms.IntegerField(label=_("Panels"), min_value=0, initial=0)
    posters = forms.IntegerField(label=_("Posters"), min_value=0, initial=0)
    leaflets = forms.IntegerField(label=_("Leaflets"), min_value=0, initial=0)
    booklets = forms.IntegerField(label=_("Booklets"), min_value=0, initial=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = AdministrativeUnit.objects.current().provinces().order_by("name_folded")

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "form_token"}
