"""Cases and persons as the caller may see them: every name through `person_name`, every sensitive
value through `sensitive_value` (victims.readmodel), on the `identity_visible` flag the selector set."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from victims.contacts import caller_display
from victims.models import (
    Case,
    Contact,
    ContactChannel,
    ContactKind,
    ContactOutcome,
    Person,
    Referral,
    ReferralStatus,
    SharedPart,
    Urgency,
)
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


class ReferralVictimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as its reader sees it. Before acceptance the receiver reads the referral, never
    the file: no victim (not even initials) unless the case's own scope shows the identity; after
    acceptance the name as the shared parts allow (masked without identity), as on the pages."""

    case = serializers.IntegerField(source="case_id", read_only=True)
    victim = serializers.SerializerMethodField()
    sender_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    receiving_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    overdue = serializers.SerializerMethodField()
    identity_visible = serializers.BooleanField(read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "case", "victim", "sender_agency", "receiving_agency", "reason", "services", "urgency",
                  "note", "shared_parts", "status", "sent_at", "due_on", "overdue", "answered_at",
                  "answer_reason", "ended_at", "end_reason", "identity_visible"]
        read_only_fields = fields

    @extend_schema_field(ReferralVictimSerializer(allow_null=True))
    def get_victim(self, referral) -> dict | None:
        visible = bool(getattr(referral, "identity_visible", False))
        if referral.status == ReferralStatus.PENDING and not visible:
            return None
        return {"id": referral.case.person_id, "name": person_name(referral.case.person, visible)}

    def get_overdue(self, referral) -> bool:
        return referral.is_overdue(timezone.localdate())


class ReferralCreateSerializer(serializers.Serializer):
    """Send a referral (victims.referrals.referral_send: the consent rule and the parts the sender
    may share are checked there)."""

    case = serializers.IntegerField(min_value=1)
    receiving_agency = serializers.CharField(max_length=40, help_text="The receiving agency's code.")
    reason = serializers.CharField(max_length=2000)
    services = serializers.ListField(child=serializers.CharField(max_length=80), allow_empty=False, max_length=50)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    shared_parts = serializers.ListField(child=serializers.ChoiceField(choices=SharedPart.choices), required=False,
                                         default=list, max_length=10)
    consent_override_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReferralAcceptSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReferralDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CallerSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_null=True, allow_blank=True)
    note = serializers.CharField(allow_null=True, allow_blank=True)


class ContactSerializer(serializers.ModelSerializer):
    """A contact as the pages show it: the caller's identity and the summary through
    victims.contacts.caller_display (initials and `***` without case.view_identity)."""

    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    recording_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    caller = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    caller_visible = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "occurred_at", "channel", "line", "kind", "province", "outcome", "duration_minutes",
                  "summary", "case", "caller", "caller_visible", "recording_agency", "created_at", "updated_at"]
        read_only_fields = fields

    def _visible(self) -> bool:
        return bool(self.context.get("caller_visible", False))

    @extend_schema_field(CallerSerializer)
    def get_caller(self, contact) -> dict:
        shown = caller_display(contact, self._visible())
        return {"name": shown["name"], "phone": shown["phone"], "note": shown["note"]}

    @extend_schema_field({"type": "string", "nullable": True})
    def get_summary(self, contact):
        return caller_display(contact, self._visible())["summary"]

    def get_caller_visible(self, contact) -> bool:
        return self._visible()


class ContactCreateSerializer(serializers.Serializer):
    """Record a contact (victims.contacts.contact_record validates it)."""

    occurred_at = serializers.DateTimeField(required=False)
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    line = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    province = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                     help_text="The province's code.")
    outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
    duration_minutes = serializers.IntegerField(min_value=0, max_value=100_000, required=False, allow_null=True)
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    case = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    caller_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    caller_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    caller_note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
