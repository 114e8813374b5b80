"""Report types are data: their periods, due dates and sections are edited here (no victim data)."""

from django.contrib import admin

from .report_models import ReportType


@admin.register(ReportType)
class ReportTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "months", "due_month", "due_day", "due_days", "is_active")
    fields = ("code", "name", "kind", "start_month", "start_day", "months", "due_month", "due_day", "due_days",
              "table_keys", "chart_keys", "narrative_sections", "source", "is_active")
