"""Read-only admin for support staff: facility work goes through the services (scope, capacity
locks, licensing workflow, history), never through the admin."""

from django.contrib import admin

from accounts.admin_base import ReadOnlyAdmin
from accounts.admin_privacy import VictimDataAdmin

from .models import (
    Facility,
    Inspection,
    Licence,
    LicenceApplication,
    LicenceStatusChange,
    Stay,
    StayExtension,
)


@admin.register(Facility)
class FacilityAdmin(VictimDataAdmin):
    """A shelter's address is confidential: province only, never the commune or the street."""

    personal_fields = Facility.ADDRESS_FIELDS
    list_display = ["code", "name", "type", "owner_agency", "province", "beds", "status"]
    list_filter = ["type", "status", "province"]
    search_fields = ["code", "name_folded"]
    fields = ["code", "name", "type", "owner_agency", "province", "rooms", "beds", "gender_policy",
              "accepts_children", "services", "staff_count", "funding_source", "status", "created_by",
              "created_at", "updated_at"]


class LicenceEventInline(admin.TabularInline):
    model = LicenceStatusChange
    extra = 0
    can_delete = False
    raw_id_fields = ["recorded_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ["number", "facility", "issued_on", "valid_until", "status"]
    list_filter = ["status"]
    raw_id_fields = ["facility", "application"]
    inlines = [LicenceEventInline]


@admin.register(LicenceApplication)
class LicenceApplicationAdmin(ReadOnlyAdmin):
    list_display = ["facility", "kind", "submitted_on", "status", "appraisal_due", "decision_due"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["facility", "previous_licence", "appraised_by", "decision_recorded_by", "created_by"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["facility", "form", "kind", "status", "inspected_on", "follow_up_status"]
    list_filter = ["status", "kind", "follow_up_status"]
    raw_id_fields = ["facility", "lead_agency", "created_by"]


@admin.register(Stay)
class StayAdmin(VictimDataAdmin):
    """Ids only: residents' names and reasons are shown in the scoped UI, never in the admin."""

    personal_fields = Stay.SENSITIVE_FIELDS | {"person", "accompanying"}
    list_display = ["pk", "facility", "case", "admitted_on", "ends_on", "discharged_on"]
    list_filter = ["facility"]
    fields = ["facility", "case", "person_id", "accompanying_id", "admitted_on", "ends_on", "policy_code",
              "max_stay_days", "discharged_on", "destination", "admitted_by", "discharged_by"]


@admin.register(StayExtension)
class StayExtensionAdmin(VictimDataAdmin):
    personal_fields = StayExtension.SENSITIVE_FIELDS
    list_display = ["stay", "previous_ends_on", "new_ends_on", "decided_on", "decided_by"]
    fields = ["stay", "case", "previous_ends_on", "new_ends_on", "decision_number", "decided_on",
              "decided_by", "decided_by_agency", "created_at"]
