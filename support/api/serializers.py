"""Support requests, their lines, decisions and deliveries as the caller may see them (masked names
through victims.readmodel); writes are validated by the support services, never here."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.documents import SigningAuthority
from support.models import (
    Delivery,
    DeliveryMethod,
    LineDecision,
    SupportRequest,
    SupportRequestLine,
)
from victims.api.serializers import MaskedString
from victims.readmodel import person_name


class LineSerializer(serializers.ModelSerializer):
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    regime = serializers.IntegerField(source="item.regime", read_only=True)

    class Meta:
        model = SupportRequestLine
        fields = ["id", "item", "regime", "quantity", "unit_amount", "amount", "status", "approved_quantity",
                  "approved_amount"]
        read_only_fields = fields


class SupportRequestSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True)
    case_number = serializers.CharField(source="case.case_number", read_only=True)
    person = serializers.SerializerMethodField()
    version = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requesting_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    deciding_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    note = MaskedString()
    lines = LineSerializer(many=True, read_only=True)
    requested_total = serializers.IntegerField(read_only=True)
    approved_total = serializers.IntegerField(read_only=True)
    identity_visible = serializers.BooleanField(read_only=True)

    class Meta:
        model = SupportRequest
        fields = ["id", "case", "case_number", "person", "version", "requesting_agency", "deciding_agency",
                  "authority", "application_date", "due_date", "in_facility_stay", "status", "note", "lines",
                  "requested_total", "approved_total", "identity_visible", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_person(self, support_request) -> dict:
        visible = bool(getattr(support_request, "identity_visible", False))
        return {"id": support_request.person_id, "name": person_name(support_request.person, visible)}


class LineDecisionSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1)
    decision = serializers.ChoiceField(choices=LineDecision.choices)
    approved_quantity = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    approved_amount = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    """Approve, partly approve or reject a pending request line by line (support_request_decide)."""

    lines = LineDecisionSerializer(many=True, allow_empty=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    decision_date = serializers.DateField(required=False, allow_null=True)
    signing_authority = serializers.ChoiceField(choices=SigningAuthority.choices, default=SigningAuthority.HEAD)
    signer_title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class DeliverySerializer(serializers.ModelSerializer):
    line = serializers.IntegerField(source="line_id", min_value=1)
    request = serializers.IntegerField(source="line.request_id", read_only=True)
    item = serializers.CharField(source="line.item.code", read_only=True)
    method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    amount = serializers.IntegerField(min_value=0, max_value=10**12, default=0)
    delivered_by_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "line", "request", "item", "delivered_on", "method", "quantity", "amount",
                  "delivered_by_agency", "delivered_by_name", "receipt_number", "note", "recorded_at"]
        read_only_fields = ["id", "request", "item", "delivered_by_agency", "recorded_at"]
        extra_kwargs = {"delivered_by_name": {"max_length": 150}, "receipt_number": {"max_length": 60},
                        "note": {"max_length": 500}}
