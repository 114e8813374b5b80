"""Cases and persons as the caller may see them: every name through `person_name`, every sensitive
value through `sensitive_value` (victims.readmodel), on the `identity_visible` flag the selector set."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from victims.models import Case, Person
from victims.readmodel import person_name, sensitive_value


class MaskedField(serializers.Field):
    """A sensitive attribute: the value with identity access, `***` (or null when empty) without."""

    def __init__(self, source_type=OpenApiTypes.STR, **kwargs):
        kwargs["read_only"] = True
        self.source_type = source_type
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance):
        value = getattr(instance, self.field_name)
        visible = bool(getattr(instance, "identity_visible", False))
        if visible and hasattr(value, "isoformat"):
            value = value.isoformat()
        if visible and isinstance(value, list):
            return value
        shown = sensitive_value(value, visible)
        return shown if shown is None or isinstance(shown, str) else str(shown)


@extend_schema_field({"type": "string", "nullable": True})
class MaskedString(MaskedField):
    pass


@extend_schema_field({"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
                      "nullable": True})
class MaskedList(MaskedField):
    pass


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    other_names = MaskedString()
    date_of_birth = MaskedString()
    id_paper_type = MaskedString()
    id_paper_number = MaskedString()
    home_address_detail = MaskedString()
    abroad_address = MaskedString()
    home_province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    identity_visible = serializers.BooleanField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "name", "other_names", "sex", "birth_year", "date_of_birth", "nationality",
                  "id_paper_type", "id_paper_number", "home_province", "home_address_detail",
                  "abroad_address", "language", "interpreter_needed", "identity_visible"]
        read_only_fields = fields

    def get_name(self, person) -> str:
        return person_name(person, bool(getattr(person, "identity_visible", False)))


class CasePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sex = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)


class CaseSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    owning_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    receiving_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    reception_place = MaskedString()
    purposes = MaskedList()
    purpose_other = MaskedString()
    means_of_control = MaskedString()
    recruitment = MaskedString()
    trafficked_from = MaskedString()
    trafficked_until = MaskedString()
    immediate_needs = MaskedString()
    identity_visible = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "case_number", "status", "person", "owning_agency", "receiving_agency", "province",
                  "reception_channel", "received_on", "reception_place", "destination_country", "purposes",
                  "purpose_other", "means_of_control", "recruitment", "trafficked_from", "trafficked_until",
                  "immediate_needs", "next_visit_due", "identity_visible", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(CasePersonSerializer)
    def get_person(self, case) -> dict:
        visible = bool(getattr(case, "identity_visible", False))
        return {"id": case.person_id, "name": person_name(case.person, visible), "sex": case.person.sex,
                "birth_year": case.person.birth_year}
