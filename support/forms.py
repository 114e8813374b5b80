"""Forms for the support pages: thin, the services validate. Errors the services raise are put back
next to the field they concern (see `accounts.formviews.submit`)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.documents import SigningAuthority
from config.uploads import ScanField

from .models import DeliveryMethod, DocumentType, Lender, LineDecision, LoanStatus, Unit

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
MONEY_ATTRS = {"inputmode": "numeric", "min": 0, "step": 1000, "class": "text-end"}


def new_key() -> str:
    return uuid.uuid4().hex


def _date_field(label, required=True, **kwargs):
    return forms.DateField(
        label=label, required=required, widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy."), "required": _("Enter the date.")}, **kwargs,
    )


class KeyedForm(forms.Form):
    """A form with a one-time token: submitting it twice does the work once."""

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", new_key())


class RequestStartForm(forms.Form):
    """Step 1 of a request: who, on which date (this chooses the policy version), staying where."""

    person = forms.TypedChoiceField(label=_("Person supported"), coerce=int)
    application_date = _date_field(_("Application date"))
    in_facility_stay = forms.BooleanField(
        label=_("The person is staying in a support facility"), required=False,
        help_text=_("Some items (e.g. food) are paid only during a stay in a facility."),
    )
    supersedes = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, label) for p, label in people]
        if not self.is_bound:
            self.initial.setdefault("application_date", timezone.localdate())

    def clean_application_date(self):
        day = self.cleaned_data["application_date"]
        if day > timezone.localdate():
            raise ValidationError(_("This date cannot be in the future."))
        return day


class LineForm(forms.Form):
    """One item of the catalogue: ticked to request it, with quantity and amounts."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    selected = forms.BooleanField(label=_("Request"), required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000, required=False,
                                  widget=forms.NumberInput(attrs={"min": 1, "class": "text-end"}))
    unit_amount = forms.IntegerField(label=_("Amount per unit (VND)"), min_value=0, required=False,
                                     widget=forms.NumberInput(attrs=MONEY_ATTRS))
    amount = forms.IntegerField(label=_("Cost (VND)"), min_value=0, required=False,
                                widget=forms.NumberInput(attrs=MONEY_ATTRS))
    extension_requested = forms.BooleanField(label=_("Request an extension"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry

    @property
    def priced(self) -> bool:
        return self.entry is not None and self.entry.item.unit != Unit.ACTUAL_COST and self.entry.amount is not None

    def clean(self):
        data = super().clean()
        if data.get("selected"):
            if not data.get("quantity"):
                self.add_error("quantity", _("Enter a quantity of at least 1."))
            if not self.priced and data.get("amount") is None:
                self.add_error("amount", _("Enter the cost."))
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, entries=(), **kwargs):
        self.entries = list(entries)
        kwargs.setdefault("initial", [{
            "item": e.item.pk, "quantity": 1, "unit_amount": e.amount,
        } for e in self.entries])
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["entry"] = self.entries[index] if index < len(self.entries) else None
        return kwargs

    def clean(self):
        if any(self.errors):
            return
        if not any(form.cleaned_data.get("selected") for form in self.forms):
            raise ValidationError(_("Choose at least one item."))


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0, max_num=100, absolute_max=100)


class DocumentForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document"), required=False,
                                      choices=[("", "—"), *DocumentType.choices])
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    issued_on = _date_field(_("Issued on"), required=False)
    issued_by = forms.CharField(label=_("Issued by"), max_length=255, required=False)
    scan = ScanField(label=_("Scanned document (PDF, JPG, PNG)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("document_type") and not data.get("number"):
            self.add_error("number", _("Enter the document's number."))
        if not data.get("document_type") and (data.get("number") or data.get("scan")):
            self.add_error("document_type", _("Choose the kind of document."))
        return data


DocumentFormSet = forms.formset_factory(DocumentForm, extra=2, max_num=5, absolute_max=5)


class RequestSubmitForm(KeyedForm):
    note = forms.CharField(label=_("Note for the approver"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class LineDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=LineDecision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": _("Choose approve, approve in part or reject.")})
    approved_quantity = forms.IntegerField(label=_("Approved quantity"), min_value=0, required=False,
                                           widget=forms.NumberInput(attrs={"class": "text-end", "min": 0,
                                                                           "data-partly-only": ""}))
    approved_amount = forms.IntegerField(label=_("Approved amount (VND)"), min_value=0, required=False,
                                         widget=forms.NumberInput(attrs={**MONEY_ATTRS, "data-partly-only": ""}))
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, line=None, **kwargs):
        self.line = line
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("decision") in (LineDecision.PARTLY, LineDecision.REJECT) and not data.get("reason"):
            self.add_error("reason", _("Give the reason for rejecting or reducing this item."))
        return data


class DecisionForm(forms.Form):
    decision_date = _date_field(_("Decision date"))
    # Not required: a form without it (an older page) means the head signs.
    signing_authority = forms.TypedChoiceField(label=_("Signs as"), choices=SigningAuthority.choices,
                                               initial=SigningAuthority.HEAD, required=False,
                                               empty_value=SigningAuthority.HEAD)
    signer_title = forms.CharField(
        label=_("Title of the signer"), max_length=120, required=False,
        help_text=_("For KT., TM., TL. and TUQ.: the signer's own title, e.g. PHÓ GIÁM ĐỐC."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("decision_date", timezone.localdate())

    def clean_decision_date(self):
        # Checked here too (the service checks it again), so a future date is flagged together with
        # the lines' missing reasons, not only after they are fixed.
        day = self.cleaned_data["decision_date"]
        if day > timezone.localdate():
            raise ValidationError(_("This date cannot be in the future."))
        return day


class DeliveryForm(KeyedForm):
    line = forms.TypedChoiceField(label=_("Approved item"), coerce=int)
    delivered_on = _date_field(_("Date"))
    method = forms.ChoiceField(label=_("How"), choices=DeliveryMethod.choices)
    quantity = forms.IntegerField(label=_("Quantity delivered"), min_value=0, required=False,
                                  widget=forms.NumberInput(attrs={"class": "text-end", "min": 0}))
    amount = forms.IntegerField(label=_("Amount paid (VND)"), min_value=0, required=False,
                                widget=forms.NumberInput(attrs=MONEY_ATTRS))
    delivered_by_name = forms.CharField(label=_("Name of the official"), max_length=150, required=False)
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=60, required=False)
    receipt_scan = ScanField(label=_("Scanned receipt (PDF, JPG, PNG)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(line.pk, line.item.name) for line in lines]
        if not self.is_bound:
            self.initial.setdefault("delivered_on", timezone.localdate())


class LoanForm(KeyedForm):
    lender = forms.ChoiceField(label=_("Lender"), choices=Lender.choices)
    lender_name = forms.CharField(label=_("Lender's name"), max_length=255, required=False,
                                  help_text=_("Branch or fund; required for another lender."))
    amount = forms.IntegerField(label=_("Amount (VND)"), min_value=1, widget=forms.NumberInput(attrs=MONEY_ATTRS))
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=240)
    interest_rate = forms.DecimalField(label=_("Interest rate (% per year)"), min_value=0, max_value=100,
                                       max_digits=5, decimal_places=2, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=255)
    applied_on = _date_field(_("Applied on"))


class LoanStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=LoanStatus.choices)
    disbursed_on = _date_field(_("Disbursed on"), required=False)


class RepaymentForm(forms.Form):
    paid_on = _date_field(_("Paid on"))
    amount = forms.IntegerField(label=_("Amount (VND)"), min_value=1, widget=forms.NumberInput(attrs=MONEY_ATTRS))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


def item_choices() -> list[tuple[str, str]]:
    """Every entitlement item across policy versions, by its Vietnamese name: (code, name). An item
    renamed in a later version is listed under each name; the version is chosen later, by the date."""
    from .models import EntitlementItem

    rows = EntitlementItem.objects.order_by("regime", "sort_order", "code", "-version__valid_from")
    seen: set[tuple[str, str]] = set()
    choices = []
    for code, name in rows.values_list("code", "name_vi"):
        if (code, name) not in seen:
            seen.add((code, name))
            choices.append((code, name))
    return choices


class HistoricalDeliveryForm(forms.Form):
    """A line of an agency's register of support given before the system (imports): what was given,
    when and how, under which paper decision. The service checks the rules."""

    item = forms.ChoiceField(label=_("Item"))
    delivered_on = _date_field(_("Date"))
    method = forms.ChoiceField(label=_("How"), choices=DeliveryMethod.choices)
    quantity = forms.IntegerField(label=_("Quantity delivered"), min_value=1, required=False)
    amount = forms.IntegerField(label=_("Amount paid (VND)"), min_value=0, required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = _date_field(_("Decision date"), required=False)
    in_facility_stay = forms.BooleanField(label=_("staying in a support facility"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = item_choices()
