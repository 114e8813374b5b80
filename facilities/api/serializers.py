"""Facilities and stays as the caller may see them: a shelter's address only with
facility.view_address (`address_visible`), residents' names masked without identity access, the
stay's reason only with identity access (victims.readmodel)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from facilities.models import Facility, Stay
from victims.readmodel import HIDDEN, person_name, sensitive_value


@extend_schema_field({"type": "string", "nullable": True})
class AddressField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, facility):
        value = getattr(facility, self.field_name)
        if self.field_name == "commune":
            value = value.code if value is not None else None
        if getattr(facility, "address_visible", False):
            return value
        return None if value in (None, "") else HIDDEN


class FacilitySerializer(serializers.ModelSerializer):
    owner_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune = AddressField()
    address_detail = AddressField()
    address_visible = serializers.BooleanField(read_only=True)

    class Meta:
        model = Facility
        fields = ["id", "code", "name", "type", "owner_agency", "province", "commune", "address_detail",
                  "rooms", "beds", "gender_policy", "accepts_children", "services", "status",
                  "address_visible", "updated_at"]
        read_only_fields = ["id", "code", "type", "owner_agency", "province", "commune", "address_detail",
                            "address_visible", "updated_at"]


class FacilityUpdateSerializer(serializers.Serializer):
    """The fields a partner may change (facilities.services.facility_update validates them)."""

    name = serializers.CharField(max_length=255, required=False)
    rooms = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    beds = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    accepts_children = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=Facility._meta.get_field("status").choices, required=False)


class StaySerializer(serializers.ModelSerializer):
    facility = serializers.PrimaryKeyRelatedField(read_only=True)
    case = serializers.PrimaryKeyRelatedField(read_only=True)
    resident = serializers.SerializerMethodField()
    admission_reason = serializers.SerializerMethodField()
    destination = serializers.ChoiceField(choices=Stay._meta.get_field("destination").choices, allow_blank=True,
                                          read_only=True)

    class Meta:
        model = Stay
        fields = ["id", "facility", "case", "resident", "accompanying", "admitted_on", "admission_reason",
                  "services", "ends_on", "discharged_on", "destination", "updated_at"]
        read_only_fields = fields

    def get_resident(self, stay) -> str:
        return person_name(stay.person, bool(getattr(stay, "identity_visible", False)))

    def get_admission_reason(self, stay) -> str | None:
        return sensitive_value(stay.admission_reason, bool(getattr(stay, "identity_visible", False)))
