from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register file"),
        help_text=_("The filled template (.xlsx), or a CSV file with the same column headers. At most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )


class PlacesForm(forms.Form):
    """One picker per old place the mapping could not decide."""

    def __init__(self, *args, ambiguities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = {}
        for index, item in enumerate(ambiguities):
            name = f"place_{index}"
            self.keys[name] = item["key"]
            self.fields[name] = forms.TypedChoiceField(
                label=item["original"], coerce=int,
                choices=[("", "—"), *((pk, label) for pk, label in item["candidates"])],
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def picks(self) -> dict[str, int]:
        return {self.keys[name]: value for name, value in self.cleaned_data.items()}
