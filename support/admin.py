"""Admin: the support policy is edited here (versions, catalogue, province amounts, parameters) without
code changes. Requests and decisions are read-only (case numbers, no names): work goes through the
services, which check scope, limits and authority."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_privacy import VictimDataAdmin

from .models import (
    Condition,
    EntitlementItem,
    PersonCategory,
    PolicyParameter,
    PolicyVersion,
    ProvinceAmount,
    SupportDecision,
    SupportRequest,
)
from .services import policy_version_copy


def _amount(item: EntitlementItem) -> str:
    amount = "—" if item.default_amount is None else f"{item.default_amount:,}".replace(",", ".") + " ₫"
    if item.amount_confirmed:
        return amount
    return format_html("{} <strong>({})</strong>", amount, _("to be confirmed"))


BASIS_FIELDS = ["basis_document", "basis_article", "basis_clause", "basis_point", "basis_note",
                "basis_confirmed", "confirmed_by", "confirmed_on"]


def _basis(rule) -> str:
    """The citation and its state, as the admin lists show it."""
    text = rule.citation or "—"
    if rule.basis_confirmed:
        return format_html("{} <span class=\"basis-confirmed\">({} {}, {})</span>", text, _("confirmed by"),
                           rule.confirmed_by, rule.confirmed_on.strftime("%d/%m/%Y") if rule.confirmed_on else "")
    return format_html("{} <strong class=\"basis-unconfirmed\">({})</strong>", text, _("to be confirmed"))


def _confirm_basis(request, queryset):
    """One save each: the change history records every confirmation, with who and when."""
    who = request.user.get_full_name() or request.user.get_username()
    for rule in queryset:
        rule.basis_confirmed, rule.confirmed_by, rule.confirmed_on = True, who, timezone.localdate()
        rule.save(update_fields=["basis_confirmed", "confirmed_by", "confirmed_on"])


class EntitlementItemForm(forms.ModelForm):
    eligible_categories = forms.MultipleChoiceField(
        label=_("eligible persons"), choices=PersonCategory.choices, widget=forms.CheckboxSelectMultiple,
    )
    conditions = forms.MultipleChoiceField(
        label=_("conditions"), choices=Condition.choices, widget=forms.CheckboxSelectMultiple, required=False,
    )

    class Meta:
        model = EntitlementItem
        fields = [
            "version", "code", "regime", "name_vi", "name_en", "unit", "default_amount", "amount_confirmed",
            "max_quantity_per_person", "extension_quantity", "max_amount_per_person", "eligible_categories",
            "conditions", "application_window_months", "deciding_authority", "forward_days", "appraisal_days",
            "decision_days", *BASIS_FIELDS, "sort_order",
        ]


class EntitlementItemInline(admin.TabularInline):
    model = EntitlementItem
    form = EntitlementItemForm
    fields = ["code", "regime", "name_vi", "unit", "default_amount", "amount_confirmed", "max_quantity_per_person",
              "deciding_authority", "legal_basis"]
    readonly_fields = ["legal_basis"]
    extra = 0
    show_change_link = True

    @admin.display(description=_("legal basis"))
    def legal_basis(self, item):
        return _basis(item)


class PolicyParameterInline(admin.TabularInline):
    model = PolicyParameter
    fields = ["name", "value", "description", "basis_document", "basis_article", "basis_clause", "basis_point",
              "basis_confirmed", "confirmed_by", "confirmed_on"]
    extra = 0


class CopyVersionForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40)
    short_name = forms.CharField(label=_("short name"), max_length=60)
    title = forms.CharField(label=_("title"), max_length=255)
    valid_from = forms.DateField(label=_("valid from"))


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "valid_from", "valid_to", "province", "amounts_to_confirm"]
    search_fields = ["code", "short_name", "title"]
    inlines = [EntitlementItemInline, PolicyParameterInline]
    actions = ["copy_version"]

    @admin.display(description=_("amounts to be confirmed"))
    def amounts_to_confirm(self, version):
        count = version.items.filter(amount_confirmed=False).count()
        if not count:
            return "—"
        return format_html("<strong>{}</strong>", count)

    def get_urls(self):
        return [
            path("<int:pk>/copy/", self.admin_site.admin_view(self.copy_view), name="support_policyversion_copy"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Start a new version as a copy of the selected one"))
    def copy_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version to copy."), messages.WARNING)
            return None
        return redirect(reverse("admin:support_policyversion_copy", args=[queryset.get().pk]))

    def copy_view(self, request, pk):
        source = get_object_or_404(PolicyVersion, pk=pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CopyVersionForm(request.POST or None, initial={"title": source.title})
        if request.method == "POST" and form.is_valid():
            try:
                copy = policy_version_copy(user=request.user, source=source, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(request, _("%(code)s starts on %(date)s; check its amounts and items.") % {
                    "code": copy.code, "date": copy.valid_from.strftime("%d/%m/%Y")}, messages.SUCCESS)
                return redirect(reverse("admin:support_policyversion_change", args=[copy.pk]))
        return render(request, "support/admin_copy_version.html", {
            **self.admin_site.each_context(request), "form": form, "source": source, "opts": self.model._meta,
            "title": _("Start a new version"),
        })


class ProvinceAmountInline(admin.TabularInline):
    model = ProvinceAmount
    fields = ["province", "amount", "valid_from", "valid_to", "legal_basis"]
    autocomplete_fields = []
    raw_id_fields = ["province"]
    extra = 0


@admin.register(EntitlementItem)
class EntitlementItemAdmin(admin.ModelAdmin):
    form = EntitlementItemForm
    list_display = ["name_vi", "version", "regime", "code", "unit", "amount", "max_quantity_per_person",
                    "deciding_authority", "legal_basis"]
    list_filter = ["version", "regime", "amount_confirmed", "basis_confirmed", "deciding_authority", "unit"]
    search_fields = ["code", "name_vi", "name_en", "basis_document"]
    list_select_related = ["version"]
    inlines = [ProvinceAmountInline]
    actions = ["confirm_amounts", "confirm_basis"]
    fieldsets = [
        (None, {"fields": ["version", "code", "regime", "name_vi", "name_en", "sort_order"]}),
        (_("Amount and limits"), {"fields": ["unit", "default_amount", "amount_confirmed", "max_quantity_per_person",
                                             "extension_quantity", "max_amount_per_person"]}),
        (_("Who may receive it"), {"fields": ["eligible_categories", "conditions", "application_window_months"]}),
        (_("Who decides, how fast"), {"fields": ["deciding_authority", "forward_days", "appraisal_days",
                                                 "decision_days"]}),
        (_("Legal basis"), {"fields": BASIS_FIELDS}),
    ]

    @admin.display(description=_("legal basis"))
    def legal_basis(self, item):
        return _basis(item)

    @admin.action(description=_("Mark the legal basis as confirmed (by me, today)"))
    def confirm_basis(self, request, queryset):
        _confirm_basis(request, queryset)

    @admin.display(description=_("amount (VND)"), ordering="default_amount")
    def amount(self, item):
        return _amount(item)

    @admin.action(description=_("Mark the amounts as confirmed"))
    def confirm_amounts(self, request, queryset):
        for item in queryset:  # one save each: the change history records every confirmation
            item.amount_confirmed = True
            item.save(update_fields=["amount_confirmed"])


@admin.register(PolicyParameter)
class PolicyParameterAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "value", "description", "legal_basis"]
    list_filter = ["version", "basis_confirmed"]
    search_fields = ["name", "description", "basis_document"]
    list_select_related = ["version"]
    fields = ["version", "name", "value", "description", *BASIS_FIELDS]
    actions = ["confirm_basis"]

    @admin.display(description=_("legal basis"))
    def legal_basis(self, parameter):
        return _basis(parameter)

    @admin.action(description=_("Mark the legal basis as confirmed (by me, today)"))
    def confirm_basis(self, request, queryset):
        _confirm_basis(request, queryset)


@admin.register(ProvinceAmount)
class ProvinceAmountAdmin(admin.ModelAdmin):
    list_display = ["item", "province", "amount", "valid_from", "valid_to", "legal_basis"]
    list_filter = ["item__version"]
    raw_id_fields = ["item", "province"]
    list_select_related = ["item__version", "province"]


@admin.register(SupportRequest)
class SupportRequestAdmin(VictimDataAdmin):
    """Case numbers and workflow only: no names in the admin."""

    personal_fields = frozenset({"person", "note"})

    list_display = ["pk", "case", "status", "version", "deciding_agency", "application_date", "due_date"]
    list_filter = ["status", "version", "authority"]
    search_fields = ["case__case_number"]
    fields = ["case", "version", "status", "authority", "deciding_agency", "requesting_agency", "application_date",
              "due_date", "supersedes", "created_at"]
    list_select_related = ["case", "version", "deciding_agency"]


@admin.register(SupportDecision)
class SupportDecisionAdmin(VictimDataAdmin):
    personal_fields = frozenset({"note", "pdf"})

    list_display = ["document_number", "request", "outcome", "agency", "decision_date", "pdf_status"]
    list_filter = ["outcome", "pdf_status"]
    search_fields = ["document_number", "request__case__case_number"]
    fields = ["request", "agency", "decided_by", "decision_date", "outcome", "document_number",
              "signing_authority", "signer_title", "pdf_status", "pdf_error"]
    list_select_related = ["request", "agency"]

