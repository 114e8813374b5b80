"""Minimal admin: reference data, and read-only views for support staff. Case work goes through the
services (validation, scope, history); the admin never edits victim data or the access log."""

from django.contrib import admin

from accounts.admin_base import ReadOnlyAdmin
from accounts.admin_privacy import VictimDataAdmin

from .models import AccessLog, Case, CaseAccessGrant, EthnicGroup


@admin.register(EthnicGroup)
class EthnicGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]
    search_fields = ["code", "name_folded"]
    ordering = ["sort_order", "code"]


@admin.register(Case)
class CaseAdmin(VictimDataAdmin):
    """Case numbers and workflow only: no names in the admin."""

    personal_fields = Case.SENSITIVE_FIELDS | {"person"}

    list_display = ["case_number", "status", "owning_agency", "province", "received_on"]
    list_filter = ["status", "reception_channel"]
    search_fields = ["case_number"]
    fields = ["case_number", "status", "status_changed_at", "receiving_agency", "owning_agency",
              "province", "reception_channel", "received_on", "created_by", "created_at"]
    list_select_related = ["owning_agency", "province"]


@admin.register(CaseAccessGrant)
class CaseAccessGrantAdmin(VictimDataAdmin):
    """Who may see which case (by number); the reason may tell the victim's story: not shown."""

    personal_fields = frozenset({"reason"})
    list_display = ["case", "grantee_agency", "grantee_user", "actions", "granted_at", "expires_at",
                    "revoked_at"]
    fields = ["case", "grantee_agency", "grantee_user", "actions", "granted_by", "granted_at",
              "expires_at", "revoked_by", "revoked_at"]
    list_select_related = ["case", "grantee_agency", "grantee_user"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "agency", "action", "object_type", "object_id", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "request_id"]
    list_select_related = ["user", "agency"]
    date_hierarchy = "at"
