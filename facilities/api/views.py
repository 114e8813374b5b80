import django_filters
from drf_spectacular.utils import extend_schema

from accounts.models import ApiScope
from accounts.roles import Action
from config.api.views import List, PartialUpdate, Retrieve, ScopedViewSet
from facilities import selectors, services
from facilities.choices import FacilityStatus, FacilityType
from facilities.models import Facility, Stay

from .serializers import FacilitySerializer, FacilityUpdateSerializer, StaySerializer

READ_FACILITIES = (Action.FACILITY_VIEW, ApiScope.FACILITIES_READ)


class FacilityFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=FacilityType.choices)
    status = django_filters.ChoiceFilter(choices=FacilityStatus.choices)

    class Meta:
        model = Facility
        fields = ["type", "status"]


class FacilityViewSet(List, Retrieve, PartialUpdate, ScopedViewSet):
    """Facilities in the caller's scope. PATCH with `If-Match` (the ETag read): 412 when stale."""

    serializer_class = FacilitySerializer
    rights = {"list": READ_FACILITIES, "retrieve": READ_FACILITIES,
              "partial_update": (Action.FACILITY_MANAGE, ApiScope.FACILITIES_WRITE)}
    log_label = "api.facility"
    filterset_class = FacilityFilter
    ordering_fields = ["name_folded", "code", "updated_at"]
    ordering = ["name_folded", "id"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.facility_list(user=self.user)
        return selectors.facility_queryset(user=self.user)

    def get_serializer_class(self):
        if self.action == "partial_update" and self.request.method == "PATCH":
            return FacilityUpdateSerializer
        return FacilitySerializer

    def perform_update(self, serializer):
        return services.facility_update(user=self.user, facility=serializer.instance, **serializer.validated_data)

    @extend_schema(request=FacilityUpdateSerializer, responses={200: FacilitySerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)


class StayFilter(django_filters.FilterSet):
    facility = django_filters.NumberFilter(field_name="facility_id")
    case = django_filters.NumberFilter(field_name="case_id")
    current = django_filters.BooleanFilter(field_name="discharged_on", lookup_expr="isnull")

    class Meta:
        model = Stay
        fields = ["facility", "case", "current"]


class StayViewSet(List, Retrieve, ScopedViewSet):
    """Stays the caller may see (owner, department, or shares naming facility.view)."""

    serializer_class = StaySerializer
    rights = {"list": READ_FACILITIES, "retrieve": READ_FACILITIES}
    log_label = "api.stay"
    filterset_class = StayFilter
    ordering_fields = ["admitted_on", "ends_on"]
    ordering = ["-admitted_on", "id"]

    def get_queryset(self):
        return selectors.stay_list(user=self.user, state="all")
