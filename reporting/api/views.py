"""The reporting resources of the partner API, over the pages' selectors and services:

- `statistics`: the dashboard's published tables (`reporting.statistics.dashboard`: small cells
  suppressed exactly as on the page) for the caller's geography and the page's filters;
- `programme-activities`: the activities register (`reporting.activities`, `reporting.services`);
- `deidentified-dataset`: the k-anonymous dataset (`reporting.deidentified`), paginated JSON and the
  XLSX / CSV files.
"""

import django_filters
from django.http import HttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import AdministrativeUnit, Agency, ApiScope
from accounts.roles import Action
from config.api.views import Create, List, PartialUpdate, Retrieve, ScopedViewSet
from reporting import activities, deidentified, services
from reporting.forms import StatisticsFilterForm
from reporting.models import ActivityKind, ProgrammeActivity
from reporting.scope import statistics_geography
from reporting.statistics import dashboard, threshold
from victims.forms.intake import provinces
from victims.models import Person

from .serializers import (
    ActivitySerializer,
    ActivityWriteSerializer,
    DatasetNoteSerializer,
    DatasetRowSerializer,
    StatisticsQuerySerializer,
    StatisticsSerializer,
    board_data,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


def _form_filters(request, geography):
    """The page's filter form on the query string: invalid input answers 400 with its field errors."""
    form = StatisticsFilterForm(request.query_params or None, geography=geography)
    if form.is_bound and not form.is_valid():
        errors = {("non_field_errors" if name == "__all__" else name): list(messages)
                  for name, messages in form.errors.items()}
        raise ValidationError(errors)
    return form.filters()


class StatisticsViewSet(ScopedViewSet):
    """The statistics dashboard's tables, as published to the caller: counts under the threshold show
    as `<5` and complementary cells as `x` (their `value` is null) unless the caller may see every
    case behind them. National for the ministry, the province for its department, the agency's own
    otherwise."""

    rights = {"list": (Action.STATISTICS_VIEW, ApiScope.STATISTICS_READ)}
    log_label = "api.statistics"
    filter_backends = []
    pagination_class = None

    @extend_schema(parameters=[StatisticsQuerySerializer], responses={200: StatisticsSerializer})
    def list(self, request):
        geography = statistics_geography(self.actor)
        filters, period = _form_filters(request, geography)
        board = dashboard(self.actor, geography, filters)
        # Every call in the access log: aggregates name no record, so the row names the geography read.
        unit = (Agency(pk=geography.agency_id) if geography.agency_id else
                AdministrativeUnit(pk=geography.province_id) if geography.province_id else Agency(pk=self.actor.agency.pk))
        self.log([unit], "list")
        return Response(board_data(board, period, threshold()))


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)
    province = django_filters.CharFilter(field_name="province__code", max_length=20)
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = ProgrammeActivity
        fields = ["kind", "province", "held_from", "held_to"]


READ_ACTIVITIES = ((Action.ACTIVITY_RECORD, Action.STATISTICS_VIEW), ApiScope.ACTIVITIES_READ)
WRITE_ACTIVITIES = (Action.ACTIVITY_RECORD, ApiScope.ACTIVITIES_WRITE)


class ActivityViewSet(List, Retrieve, Create, PartialUpdate, ScopedViewSet):
    """Programme activities: the caller's agency's own, and with statistics its geography's (as the
    register's page). Recording and correcting (`PATCH` with `If-Match`) are for the agency's own."""

    serializer_class = ActivitySerializer
    rights = {"list": READ_ACTIVITIES, "retrieve": READ_ACTIVITIES, "create": WRITE_ACTIVITIES,
              "partial_update": WRITE_ACTIVITIES}
    log_label = "api.activity"
    filterset_class = ActivityFilter
    ordering_fields = ["held_on", "created_at", "participants"]
    ordering = ["-held_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator: no actor
            return ProgrammeActivity.objects.none()
        if self.action == "partial_update":
            return activities.activity_editable(self.actor)
        return activities.activity_list(self.actor)

    def get_serializer_class(self):
        return ActivityWriteSerializer if self.action in ("create", "partial_update") else ActivitySerializer

    def read_serializer_class(self):
        return ActivitySerializer

    def _fields(self, data: dict) -> dict:
        data = dict(data)
        if "province" in data:
            data["province"] = provinces().filter(code=data["province"]).first()
            if data["province"] is None:
                raise ValidationError({"province": [gettext("Unknown province.")]})
        return data

    def perform_create(self, serializer):
        return services.activity_create(actor=self.actor, **self._fields(serializer.validated_data))

    def perform_update(self, serializer):
        return services.activity_update(actor=self.actor, activity=serializer.instance,
                                        **self._fields(serializer.validated_data))

    @extend_schema(request=ActivityWriteSerializer, responses={201: ActivitySerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=ActivityWriteSerializer, responses={200: ActivitySerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)


class DatasetPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    note = DatasetNoteSerializer()
    results = DatasetRowSerializer(many=True)


READ_DATASET = (Action.DATASET_DEIDENTIFIED, ApiScope.DATASET_READ)


class DeidentifiedDatasetViewSet(ScopedViewSet):
    """The de-identified case-level dataset (CTDC core fields; k-anonymous: every released
    combination of the quasi-identifiers occurs at least k times). The ministry's roles, and a client
    of the ministry with the statistician role (research partners). Filters as the statistics."""

    rights = {"list": READ_DATASET, "xlsx": READ_DATASET, "csv": READ_DATASET}
    log_label = "api.deidentified"
    filter_backends = []

    def perform_content_negotiation(self, request, force=False):
        # The files answer their own type whatever the Accept header; errors stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action in ("xlsx", "csv"))

    def _dataset(self, request):
        geography = deidentified.require_reader(self.actor)
        filters, _period = _form_filters(request, geography)
        return deidentified.dataset(self.actor, filters)

    def _log(self, person_ids, verb):
        self.log([Person(pk=pk) for pk in person_ids], verb)

    @extend_schema(parameters=[StatisticsQuerySerializer], responses={200: DatasetPageSerializer})
    def list(self, request):
        data = self._dataset(request)
        indices = self.paginate_queryset(list(range(len(data.rows))))
        self._log([data.person_ids[i] for i in indices], "list")
        response = self.get_paginated_response([data.rows[i] for i in indices])
        response.data["note"] = {
            "k": data.k, "persons": data.persons, "released": len(data.rows), "withheld": data.withheld,
            "released_exactly": data.by_level.get(0, 0), "generalised_level_1": data.by_level.get(1, 0),
            "generalised_level_2": data.by_level.get(2, 0), "standard": deidentified.STANDARD,
        }
        return response

    def _file(self, request, fmt):
        data = self._dataset(request)
        self._log(data.person_ids, "download")
        body = deidentified.dataset_xlsx(data) if fmt == "xlsx" else deidentified.dataset_csv(data)
        response = HttpResponse(body, content_type=XLSX if fmt == "xlsx" else f"{CSV}; charset=utf-8")
        stamp = f"{data.filters.start:%Y%m%d}-{data.filters.end:%Y%m%d}"
        response["Content-Disposition"] = f'attachment; filename="du-lieu-phi-dinh-danh-{stamp}.{fmt}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(parameters=[StatisticsQuerySerializer], responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="xlsx")
    def xlsx(self, request):
        """The dataset as an XLSX workbook: the rows, and a note sheet (what was generalised, how many
        rows were withheld)."""
        return self._file(request, "xlsx")

    @extend_schema(parameters=[StatisticsQuerySerializer], responses={(200, CSV): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="csv")
    def csv(self, request):
        """The dataset as CSV (UTF-8 with BOM): the rows, then the note below a blank line."""
        return self._file(request, "csv")
