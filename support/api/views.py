import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import ApiScope
from accounts.roles import Action
from config.api.idempotency import idempotent
from config.api.views import Create, List, Retrieve, ScopedViewSet, etag_for
from support import selectors, services
from support.models import Delivery, RequestStatus, SupportRequest, SupportRequestLine

from .serializers import DecisionSerializer, DeliverySerializer, SupportRequestSerializer

READ_SUPPORT = (Action.SUPPORT_VIEW, ApiScope.SUPPORT_READ)


class SupportRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)
    case = django_filters.NumberFilter(field_name="case_id")
    application_from = django_filters.DateFilter(field_name="application_date", lookup_expr="gte")
    application_to = django_filters.DateFilter(field_name="application_date", lookup_expr="lte")

    class Meta:
        model = SupportRequest
        fields = ["status", "case", "application_from", "application_to"]


class SupportRequestViewSet(List, Retrieve, ScopedViewSet):
    """Support requests of the cases whose support the caller may see, with their lines."""

    serializer_class = SupportRequestSerializer
    rights = {"list": READ_SUPPORT, "retrieve": READ_SUPPORT,
              "decide": (Action.SUPPORT_DECIDE, ApiScope.DECISIONS_WRITE)}
    log_label = "api.support"
    filterset_class = SupportRequestFilter
    ordering_fields = ["created_at", "application_date", "due_date"]
    ordering = ["-created_at", "-id"]
    idempotent_create = True

    def get_queryset(self):
        return selectors.request_list(user=self.user)

    def get_serializer_class(self):
        return DecisionSerializer if self.action == "decide" else SupportRequestSerializer

    @extend_schema(request=DecisionSerializer, responses={200: SupportRequestSerializer})
    @action(detail=True, methods=["post"], url_path="decision")
    def decide(self, request, pk=None):
        """Decide a pending request (approvers of the deciding agency); 409 once it is decided."""
        return idempotent(request, lambda: self._decide(request))

    def _decide(self, request):
        support_request = self.get_object()
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        lines = {row["line"]: services.LineDecisionInput(
            decision=row["decision"], approved_quantity=row.get("approved_quantity"),
            approved_amount=row.get("approved_amount"), reason=row.get("reason", ""),
        ) for row in data["lines"]}
        services.support_request_decide(
            user=self.user, request=support_request, lines=lines, note=data["note"],
            decision_date=data.get("decision_date"), signing_authority=data["signing_authority"],
            signer_title=data["signer_title"],
        )
        self.log([support_request], "decide")
        fresh = self.get_queryset().get(pk=support_request.pk)
        body = SupportRequestSerializer(fresh, context=self.get_serializer_context()).data
        return Response(body, headers={"ETag": etag_for(body)})


class DeliveryFilter(django_filters.FilterSet):
    request = django_filters.NumberFilter(field_name="line__request_id")
    line = django_filters.NumberFilter(field_name="line_id")
    delivered_from = django_filters.DateFilter(field_name="delivered_on", lookup_expr="gte")
    delivered_to = django_filters.DateFilter(field_name="delivered_on", lookup_expr="lte")

    class Meta:
        model = Delivery
        fields = ["request", "line", "method", "delivered_from", "delivered_to"]


class DeliveryViewSet(List, Retrieve, Create, ScopedViewSet):
    """Support delivered or paid against approved lines. Partners record what they delivered
    (support.services.delivery_record: never more than approved, never before the decision)."""

    serializer_class = DeliverySerializer
    rights = {"list": READ_SUPPORT, "retrieve": READ_SUPPORT,
              "create": (Action.SUPPORT_DELIVER, ApiScope.DELIVERIES_WRITE)}
    log_label = "api.delivery"
    filterset_class = DeliveryFilter
    ordering_fields = ["recorded_at", "delivered_on"]
    ordering = ["-recorded_at", "-id"]
    idempotent_create = True

    def get_queryset(self):
        return selectors.delivery_list(user=self.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        return services.delivery_record(
            user=self.user, agency=self.actor.agency, line=SupportRequestLine(pk=data["line_id"]),
            delivered_on=data["delivered_on"], method=data["method"], quantity=data["quantity"],
            amount=data["amount"], delivered_by_name=data.get("delivered_by_name", ""),
            receipt_number=data.get("receipt_number", ""), note=data.get("note", ""),
        )


