"""The periodic reports in the partner API: status and files, over the pages' selectors.

A provincial department's client reads its province's reports, the ministry's every report (as on
`/thong-ke/bao-cao/`); out of scope answers 404. Reports hold published aggregates only. The files
are the ones the page offers (a submitted revision's never change): `pdf` and `xlsx` of the
revision shown (the current one once rendered, else the last rendered). Writing (narrative, submit,
accept, return) stays in the browser, where an official signs. Every call is in the access log
(`api.report.list`, `.view`, `.download.pdf|xlsx`; the report's id).
"""

import django_filters
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.models import ApiScope
from accounts.roles import Action
from config.api.views import List, ScopedViewSet, etag_for
from reporting import report_selectors as selectors
from reporting.models import Report, ReportRun, ReportStatus, RunStatus
from reporting.report_render import run_file_path

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READ_REPORTS = ((Action.REPORT_PREPARE, Action.REPORT_REVIEW), ApiScope.REPORTS_READ)


class RunSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = ["revision", "status", "error", "frozen", "number_symbol", "signed_on", "started_at",
                  "finished_at", "files"]

    def get_files(self, run) -> dict[str, bool]:
        return {"pdf": bool(run.status == RunStatus.DONE and run.pdf),
                "xlsx": bool(run.status == RunStatus.DONE and run.xlsx)}


class ReportSerializer(serializers.ModelSerializer):
    report_type = serializers.CharField(source="report_type.code")
    report_type_name = serializers.CharField(source="report_type.name")
    province = serializers.CharField(source="province.code", allow_null=True, default=None,
                                     help_text="Null for the national report.")
    agency = serializers.CharField(source="agency.code")
    late = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "report_type", "report_type_name", "province", "agency", "period_start", "period_end",
                  "due_on", "status", "revision", "submitted_at", "late", "updated_at"]

    def get_late(self, report) -> bool:
        return report.is_late()


class EventSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    step = serializers.CharField()
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    comment = serializers.CharField()
    at = serializers.DateTimeField()


class ReportDetailSerializer(ReportSerializer):
    runs = RunSerializer(many=True, source="page.runs")
    events = EventSerializer(many=True, source="page.events")
    shown_revision = serializers.IntegerField(source="page.shown.revision", allow_null=True, default=None,
                                              help_text="The revision whose files `pdf` and `xlsx` return.")
    data_changed = serializers.BooleanField(source="page.data_changed",
                                            help_text="The figures changed since this revision was submitted.")

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "shown_revision", "data_changed", "runs", "events"]


class ReportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    report_type = django_filters.CharFilter(field_name="report_type__code", max_length=40)
    province = django_filters.CharFilter(field_name="province__code", max_length=20)
    period_end_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_end_to = django_filters.DateFilter(field_name="period_end", lookup_expr="lte")

    class Meta:
        model = Report
        fields = ["status", "report_type", "province", "period_end_from", "period_end_to"]


class ReportViewSet(List, ScopedViewSet):
    """Periodic reports (half-year, annual, on-demand, national) and their rendering status."""

    serializer_class = ReportSerializer
    rights = {"list": READ_REPORTS, "retrieve": READ_REPORTS, "pdf": READ_REPORTS, "xlsx": READ_REPORTS}
    log_label = "api.report"
    filterset_class = ReportFilter
    ordering_fields = ["period_end", "due_on", "submitted_at", "updated_at"]
    ordering = ["-period_end", "province__name", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator: no actor
            return Report.objects.none()
        return selectors.report_list(self.actor)

    def perform_content_negotiation(self, request, force=False):
        # The files answer their own type whatever the Accept header; errors stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action in ("pdf", "xlsx"))

    def _report(self, pk) -> Report:
        report = selectors.report_get(self.actor, pk)  # 404 out of scope
        report.page = selectors.report_page(self.actor, report)
        return report

    @extend_schema(responses={200: ReportDetailSerializer})
    def retrieve(self, request, pk=None):
        report = self._report(pk)
        self.log([report], "view")
        data = ReportDetailSerializer(report, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": etag_for(data)})

    def _file(self, pk, fmt):
        report = self._report(pk)
        run = report.page.shown
        path = run_file_path(run, fmt) if run is not None else None
        if path is None:
            raise NotFound()
        self.log([report], f"download.{fmt}")
        unit = report.province.code if report.province_id else "toan-quoc"
        name = f"bao-cao-{report.report_type.code}-{unit}-{report.period_end:%Y%m%d}-r{run.revision}.{fmt}"
        return FileResponse(open(path, "rb"), as_attachment=True, filename=name,
                            content_type="application/pdf" if fmt == "pdf" else XLSX)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="pdf")
    def pdf(self, request, pk=None):
        """The report's PDF (the administrative document as signed, for a submitted revision)."""
        return self._file(pk, "pdf")

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="xlsx")
    def xlsx(self, request, pk=None):
        """The report's figures as XLSX, one sheet per table."""
        return self._file(pk, "xlsx")
