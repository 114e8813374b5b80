from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, Agency, AgencyType, Membership, User
from .text import fold


class FoldedSearchMixin:
    """Admin search without diacritics trouble: 'nguyen' finds 'Nguyễn', 'd' finds 'Đ'."""

    folded_search_field = "name_folded"

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        folded = queryset.filter(**{f"{self.folded_search_field}__contains": fold(search_term)})
        others, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return folded | others, may_have_duplicates


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]
    fk_name = "user"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("full_name", "phone")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_staff", "last_login")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]


@admin.register(AgencyType)
class AgencyTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("code", "name_vi", "name_en")


@admin.register(Agency)
class AgencyAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("code", "name", "type", "jurisdiction", "parent", "is_active")
    list_filter = ("type", "is_active")
    list_select_related = ("type", "jurisdiction", "parent")
    search_fields = ("code", "name")
    autocomplete_fields = ("jurisdiction", "parent")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role", "is_active", "created_at")
    list_filter = ("role", "is_active", "agency__type")
    list_select_related = ("user", "agency")
    search_fields = ("user__username", "user__full_name", "agency__name", "agency__code")
    autocomplete_fields = ("user", "agency")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "division_type", "parent", "valid_from", "valid_to")
    list_filter = ("level", "division_type")
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "successor")
    show_full_result_count = False
