import django_filters
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from accounts.models import Agency, ApiScope
from accounts.roles import Action
from config.api.idempotency import idempotent
from config.api.views import Create, List, Retrieve, ScopedViewSet, etag_for
from victims import contacts, referral_selectors, referrals, selectors
from victims.forms.intake import provinces
from victims.models import (
    Case,
    Contact,
    ContactChannel,
    ContactKind,
    ContactOutcome,
    Referral,
    ReferralStatus,
    Urgency,
)
from victims.workflow import Status

from .serializers import (
    CaseSerializer,
    ContactCreateSerializer,
    ContactSerializer,
    PersonSerializer,
    ReferralAcceptSerializer,
    ReferralCreateSerializer,
    ReferralDeclineSerializer,
    ReferralSerializer,
)

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


READ_REFERRALS = (Action.REFERRAL_RECEIVE, ApiScope.REFERRALS_READ)
ANSWER_REFERRALS = (Action.REFERRAL_RECEIVE, ApiScope.REFERRALS_WRITE)
REFERRAL_STATUS_CHOICES = [("open", "open"), ("all", "all"), *ReferralStatus.choices]


class ReferralFilter(django_filters.FilterSet):
    """The pages' filters: status (`open` — waiting or accepted — by default, `all`, or one status),
    urgency, and `overdue` (waiting past the answer deadline)."""

    status = django_filters.ChoiceFilter(choices=REFERRAL_STATUS_CHOICES, method="by_status")
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    overdue = django_filters.BooleanFilter(method="by_overdue")
    case = django_filters.NumberFilter(field_name="case_id")

    class Meta:
        model = Referral
        fields = ["status", "urgency", "overdue", "case"]

    def by_status(self, queryset, name, value):
        return queryset  # applied by the selector (ReferralViewSet.get_queryset)

    def by_overdue(self, queryset, name, value):
        return queryset


class ReferralViewSet(List, Retrieve, Create, ScopedViewSet):
    """Referrals: the inbox of the caller's agency (`GET /referrals/`, soonest deadline first), the
    referrals it sent (`GET /referrals/sent/`), sending one (`POST`), and the receiving agency's
    answer (`POST …/accept/`, `POST …/decline/`; 409 once answered). Before acceptance the receiver
    reads the referral, not the file (victims.referrals, victims.referral_selectors)."""

    serializer_class = ReferralSerializer
    rights = {"list": READ_REFERRALS, "sent": (Action.CASE_GRANT, ApiScope.REFERRALS_READ),
              "retrieve": (Action.CASE_VIEW, ApiScope.REFERRALS_READ),
              "create": (Action.CASE_GRANT, ApiScope.REFERRALS_WRITE),
              "accept": ANSWER_REFERRALS, "decline": ANSWER_REFERRALS}
    log_label = "api.referral"
    filterset_class = ReferralFilter
    ordering_fields = ["due_on", "sent_at"]
    ordering = ["due_on", "id"]

    def _filters(self) -> dict:
        params = self.request.query_params
        status = params.get("status") or "open"
        overdue = (params.get("overdue") or "").lower() in ("true", "1", "yes")
        return {"status": status if status in dict(REFERRAL_STATUS_CHOICES) else "open", "overdue": overdue}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator: no actor
            return Referral.objects.none()
        agency = self.actor.agency
        if self.action == "list":
            return referral_selectors.referral_inbox(user=self.user, agency=agency, **self._filters())
        if self.action == "sent":
            return referral_selectors.referral_sent(user=self.user, agency=agency, **self._filters())
        # One referral (and a created one, re-read): through the referral's scope, any status.
        return referral_selectors.referral_get_queryset(user=self.user)

    def get_serializer_class(self):
        return {"create": ReferralCreateSerializer, "accept": ReferralAcceptSerializer,
                "decline": ReferralDeclineSerializer}.get(self.action, ReferralSerializer)

    def read_serializer_class(self):
        return ReferralSerializer

    @extend_schema(responses={200: ReferralSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="sent")
    def sent(self, request):
        """Referrals the caller's agency sent, soonest deadline first."""
        return self.list(request)

    def perform_create(self, serializer):
        data = serializer.validated_data
        case = Case.objects.visible_to(self.user, Action.CASE_GRANT).filter(pk=data["case"]).first()
        if case is None:
            raise NotFound()
        agency = Agency.objects.filter(code=data["receiving_agency"]).first()
        if agency is None:
            raise ValidationError({"receiving_agency": [gettext("Unknown agency.")]})
        return referrals.referral_send(
            user=self.user, case=case, receiving_agency=agency, reason=data["reason"], services=data["services"],
            urgency=data["urgency"], note=data["note"], shared_parts=data["shared_parts"],
            consent_override_reason=data["consent_override_reason"],
        )

    def _answer(self, request, pk, answer):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        referral = answer(Referral(pk=self._pk(pk)), form.validated_data)
        self.log([referral], self.action)
        body = self.read_serializer(referral)
        return Response(body, headers={"ETag": etag_for(body)})

    @staticmethod
    def _pk(pk):
        try:
            return int(pk)
        except (TypeError, ValueError):
            raise NotFound() from None

    @extend_schema(request=ReferralAcceptSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept a waiting referral sent to the caller's agency: the shared parts open; 409 once answered."""
        return idempotent(request, lambda: self._answer(request, pk, lambda referral, data: referrals.referral_accept(
            user=self.user, referral=referral, note=data["note"])))

    @extend_schema(request=ReferralDeclineSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline a waiting referral sent to the caller's agency, with the reason; 409 once answered."""
        return idempotent(request, lambda: self._answer(request, pk, lambda referral, data: referrals.referral_decline(
            user=self.user, referral=referral, reason=data["reason"])))


class ContactFilter(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(choices=ContactChannel.choices)
    kind = django_filters.ChoiceFilter(choices=ContactKind.choices)
    outcome = django_filters.ChoiceFilter(choices=ContactOutcome.choices)
    province = django_filters.CharFilter(field_name="province__code", max_length=20)
    occurred_from = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte")
    occurred_to = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte")

    class Meta:
        model = Contact
        fields = ["channel", "kind", "outcome", "province", "occurred_from", "occurred_to"]


class ContactViewSet(List, Retrieve, Create, ScopedViewSet):
    """The contact log (hotline, walk-ins, messages) in the caller's scope; the caller's identity and
    the summary masked without case.view_identity, as on the pages (victims.contacts)."""

    serializer_class = ContactSerializer
    rights = {"list": (Action.CONTACT_VIEW, ApiScope.CONTACTS_READ),
              "retrieve": (Action.CONTACT_VIEW, ApiScope.CONTACTS_READ),
              "create": (Action.CONTACT_RECORD, ApiScope.CONTACTS_WRITE)}
    log_label = "api.contact"
    filterset_class = ContactFilter
    ordering_fields = ["occurred_at", "channel", "kind", "duration_minutes"]
    ordering = ["-occurred_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator: no actor
            return Contact.objects.none()
        return contacts.contact_list(self.actor)

    def get_serializer_class(self):
        return ContactCreateSerializer if self.action == "create" else ContactSerializer

    def read_serializer_class(self):
        return ContactSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["caller_visible"] = contacts.caller_visible(self.actor)
        return context

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        code = data.pop("province", "")
        if code:
            data["province"] = provinces().filter(code=code).first()
            if data["province"] is None:
                raise ValidationError({"province": [gettext("Unknown province.")]})
        case = data.pop("case", None)
        if case is not None:
            data["case"] = Case(pk=case)
        if "occurred_at" not in data:
            data["occurred_at"] = timezone.now()
        return contacts.contact_record(user=self.user, agency=self.actor.agency, **data)
