import django_filters

from accounts.models import ApiScope
from accounts.roles import Action
from config.api.views import List, Retrieve, ScopedViewSet
from victims import selectors
from victims.models import Case
from victims.workflow import Status

from .serializers import CaseSerializer, PersonSerializer

READ_CASES = (Action.CASE_VIEW, ApiScope.CASES_READ)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")
    case_number = django_filters.CharFilter(lookup_expr="icontains", max_length=40)

    class Meta:
        model = Case
        fields = ["status", "received_from", "received_to", "case_number"]


class CaseViewSet(List, Retrieve, ScopedViewSet):
    """Case files in the caller's scope; names and sensitive details masked without identity access."""

    serializer_class = CaseSerializer
    rights = {"list": READ_CASES, "retrieve": READ_CASES}
    log_label = "api.case"
    filterset_class = CaseFilter
    ordering_fields = ["received_on", "case_number", "created_at", "updated_at"]
    ordering = ["-received_on"]

    def get_queryset(self):
        return selectors.case_list(user=self.user)


class PersonViewSet(List, Retrieve, ScopedViewSet):
    """Victims and accompanying children of the caller's visible cases, masked as on the pages."""

    serializer_class = PersonSerializer
    rights = {"list": READ_CASES, "retrieve": READ_CASES}
    log_label = "api.person"
    filterset_fields = ["sex", "birth_year"]
    ordering_fields = ["id", "birth_year"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.person_list(user=self.user)
