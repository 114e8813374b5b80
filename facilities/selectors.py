"""Reads of facilities, licences, inspections and stays. Every selector takes the acting user.

Scoping is in facilities.scoping (used by `<Model>.objects.visible_to(user, action)`); the selectors
add filters, flags for what the user may see (address, residents' identity) and the 404s.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.utils import timezone

from accounts.roles import Action
from accounts.text import fold
from victims.models import Case, Person
from victims.models.person import name_search_q
from victims.readmodel import person_name
from victims.selectors import read_through_case_get

from . import policy
from .choices import OPEN_FOLLOW_UP, ApplicationStatus, FacilityStatus, LicenceStatus, Service
from .models import Facility, Inspection, Licence, LicenceApplication, Stay

__all__ = [
    "admissible_persons", "application_get", "application_list", "can", "capacity_on", "facility_get",
    "facility_list", "in_stay_on", "inspection_get", "inspection_list", "licence_get", "licence_list", "occupancy",
    "resident_name", "service_scope", "stay_get", "stay_list", "stays_near_limit", "transfer_targets",
    "valid_licence",
]


def _get(queryset, pk, label: str):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {label} matches the given query.") from None


def can(user, action: str, facility: Facility) -> bool:
    """May the user take this action on this facility (in scope for it)?"""
    return Facility.objects.visible_to(user, action).filter(pk=facility.pk).exists()


def _full_access(user):
    """Facilities the user reaches as owner or department (not only through a case)."""
    return Facility.objects.visible_to(user, Action.FACILITY_VIEW, through_cases=False)


def _with_flags(facilities: QuerySet, user) -> QuerySet:
    return facilities.annotate(
        address_visible=Exists(
            Facility.objects.visible_to(user, Action.FACILITY_VIEW_ADDRESS).filter(pk=OuterRef("pk"))
        ),
        full_access=Exists(_full_access(user).filter(pk=OuterRef("pk"))),
    )


# ---------------------------------------------------------------------------------------------
# Facilities
# ---------------------------------------------------------------------------------------------

def facility_list(
    *, user, q: str = "", type: str | None = None, status: str | None = None, province=None,
) -> QuerySet[Facility]:
    """Facilities the user may see, each with `residents`, `address_visible` and `full_access`."""
    facilities = _with_flags(Facility.objects.visible_to(user, Action.FACILITY_VIEW), user).annotate(
        residents=Count("stays", filter=Q(stays__discharged_on__isnull=True)),
    ).select_related("owner_agency", "province")
    if q := (q or "").strip():
        facilities = facilities.filter(Q(name_folded__contains=fold(q)) | Q(code__icontains=q))
    if type:
        facilities = facilities.filter(type=type)
    if status:
        facilities = facilities.filter(status=status)
    if province:
        facilities = facilities.filter(province=province)
    return facilities.order_by("province__name_folded", "name_folded", "pk")


def facility_get(*, user, pk, action: str = Action.FACILITY_VIEW) -> Facility:
    facilities = _with_flags(Facility.objects.visible_to(user, action), user).select_related(
        "owner_agency", "province", "commune"
    )
    return _get(facilities, pk, "facility")


def valid_licence(facility: Facility, day: datetime.date) -> Licence | None:
    """The licence in force on `day` (valid, not suspended), if any."""
    return (
        facility.licences.filter(status=LicenceStatus.ACTIVE, issued_on__lte=day, valid_until__gte=day)
        .order_by("-issued_on", "-pk").first()
    )


def service_scope(facility: Facility, day: datetime.date) -> frozenset[str] | None:
    """The services the facility may deliver on `day`: its licence's scope where a licence is needed
    (None without a valid licence), else the services it is registered for."""
    if facility.requires_licence:
        licence = valid_licence(facility, day)
        return frozenset(licence.services) if licence else None
    return frozenset(facility.services)


def occupied_beds(facility: Facility) -> int:
    """How many residents the facility has now (a count: no resident is read). The facility comes
    from a scoped selector."""
    return Stay.objects.filter(facility=facility, discharged_on__isnull=True).count()


def capacity_on(facility: Facility, day: datetime.date) -> int:
    """Beds that may be used: the facility's beds, capped by the licensed capacity where licensed."""
    if facility.requires_licence:
        licence = valid_licence(facility, day)
        return min(facility.beds, licence.capacity) if licence else 0
    return facility.beds


def transfer_targets(*, user, stay: Stay) -> QuerySet[Facility]:
    """Where a resident may be transferred: operating facilities in the province of the facility or
    of the victim's home, or that the user reaches anyway. Names only: never addresses."""
    home = stay.case.person.home_province_id
    return (
        Facility.objects.filter(status=FacilityStatus.ACTIVE)
        .filter(Q(province_id=stay.facility.province_id) | Q(province_id=home) | Q(pk__in=_full_access(user)))
        .exclude(pk=stay.facility_id).select_related("province").order_by("province__name_folded", "name_folded")
    )


# ---------------------------------------------------------------------------------------------
# Stays
# ---------------------------------------------------------------------------------------------

def _identity_flag(user):
    return Exists(Case.objects.visible_to(user, Action.CASE_VIEW_IDENTITY).filter(pk=OuterRef("case_id")))


def _stays(user, action: str = Action.FACILITY_VIEW, identity_visible=None, stays=None) -> QuerySet[Stay]:
    """`identity_visible`: pass the flag when every stay is of one case whose flag is known; `stays`:
    the stays already scoped (default: `Stay.objects.visible_to(user, action)`)."""
    flag = _identity_flag(user) if identity_visible is None else Value(identity_visible, output_field=BooleanField())
    return (
        (Stay.objects.visible_to(user, action) if stays is None else stays)
        .annotate(identity_visible=flag)
        .select_related("facility", "case", "person", "accompanying", "destination_facility")
    )


def resident_name(stay: Stay) -> str:
    """The resident's name, masked unless the user may see the identity of the stay's case."""
    return person_name(stay.person, bool(getattr(stay, "identity_visible", False)))


def stay_list(
    *, user, facility: Facility | None = None, state: str = "current", q: str = "",
) -> QuerySet[Stay]:
    """Stays the user may see; state: current, discharged or all. Search by case number, or by
    name in cases whose identity the user may see."""
    stays = _stays(user).annotate(companion_count=Count("companions", filter=Q(companions__discharged_on__isnull=True)))
    if facility is not None:
        stays = stays.filter(facility=facility)
    if state == "current":
        stays = stays.filter(discharged_on__isnull=True)
    elif state == "discharged":
        stays = stays.filter(discharged_on__isnull=False)
    if q := (q or "").strip():
        stays = stays.filter(
            Q(case__case_number__icontains=q) | (Q(identity_visible=True) & name_search_q(fold(q), "person__"))
        )
    # Newest first; a mother before the children who stay with her.
    return stays.order_by("-admitted_on", "-case_id", F("accompanying_id").asc(nulls_first=True), "pk")


def stay_get(*, user, pk, action: str = Action.FACILITY_VIEW) -> Stay:
    return _get(_stays(user, action).select_related("transferred_from__facility"), pk, "stay")


def stays_near_limit(*, user, today: datetime.date | None = None, within: int | None = None) -> QuerySet[Stay]:
    """Current stays whose allowed end is within `within` days or past: the warning list.
    Children's stays follow their parent's and are counted with it."""
    today = today or timezone.localdate()
    within = policy.NEAR_LIMIT_DAYS if within is None else within
    return (
        _stays(user)
        .filter(discharged_on__isnull=True, ends_on__lte=today + datetime.timedelta(days=within))
        .filter(Q(accompanying__isnull=True) | Q(accompanying__discharged_on__isnull=False))
        .annotate(companion_count=Count("companions", filter=Q(companions__discharged_on__isnull=True)))
        .order_by("ends_on", "pk")
    )


def in_stay_on(*, user, person: Person, day: datetime.date) -> bool:
    """Was the person staying in a facility on `day` (admitted by then, not yet discharged)? For
    rules that pay only during a stay (support). Scoped: false unless the user may see that stay."""
    return (
        Stay.objects.visible_to(user, Action.FACILITY_VIEW)
        .filter(person=person, admitted_on__lte=day)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gte=day))
        .exists()
    )


def admissible_persons(case: Case) -> list[tuple[Person, bool]]:
    """The victim of the case and the children who came with her: (person, is_child)."""
    persons = [(case.person, False)]
    persons += [(link.person, True) for link in case.children.select_related("person").order_by("pk")]
    return persons


# ---------------------------------------------------------------------------------------------
# Occupancy
# ---------------------------------------------------------------------------------------------

@dataclass
class OccupancyRow:
    label: str
    beds: int = 0
    residents: int = 0
    past_limit: int = 0
    facilities: int = 0
    completed_days: float = 0.0
    completed_stays: int = 0
    facility: Facility | None = None
    children: list = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(self.beds - self.residents, 0)

    @property
    def average_stay(self) -> float | None:
        return round(self.completed_days / self.completed_stays, 1) if self.completed_stays else None

    @property
    def rate(self) -> int:
        return round(100 * self.residents / self.beds) if self.beds else 0


def occupancy(*, user, today: datetime.date | None = None, province=None) -> list[OccupancyRow]:
    """Per province, then per facility the user reaches as owner or department: beds, residents,
    free beds, stays past the limit, and the average length of the stays completed in the last
    12 months. Two queries whatever the number of facilities."""
    today = today or timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    completed = Q(stays__discharged_on__isnull=False, stays__discharged_on__gte=year_ago)
    current = Q(stays__discharged_on__isnull=True)
    facilities = (
        _full_access(user).exclude(status=FacilityStatus.CLOSED)
        .annotate(
            residents=Count("stays", filter=current),
            past_limit=Count("stays", filter=current & Q(stays__ends_on__lt=today)),
            completed_stays=Count("stays", filter=completed),
            completed_length=Avg(
                ExpressionWrapper(F("stays__discharged_on") - F("stays__admitted_on"), output_field=DurationField()),
                filter=completed,
            ),
        )
        .select_related("province").order_by("province__name_folded", "name_folded", "pk")
    )
    if province:
        facilities = facilities.filter(province=province)
    provinces: dict[int, OccupancyRow] = {}
    for facility in facilities:
        # Stays count their first day: 1 + the difference of the dates.
        days = (facility.completed_length.days + 1) if facility.completed_length is not None else 0
        row = OccupancyRow(
            label=facility.name, beds=facility.beds, residents=facility.residents, past_limit=facility.past_limit,
            facilities=1, completed_days=days * facility.completed_stays,
            completed_stays=facility.completed_stays, facility=facility,
        )
        total = provinces.setdefault(facility.province_id, OccupancyRow(label=facility.province.name))
        total.children.append(row)
        for attr in ("beds", "residents", "past_limit", "facilities", "completed_days", "completed_stays"):
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
    return list(provinces.values())


# ---------------------------------------------------------------------------------------------
# Licensing and inspections
# ---------------------------------------------------------------------------------------------

def application_list(*, user, status: str | None = None, overdue: bool = False,
                     today: datetime.date | None = None) -> QuerySet[LicenceApplication]:
    today = today or timezone.localdate()
    applications = LicenceApplication.objects.visible_to(user, Action.FACILITY_VIEW).select_related(
        "facility", "facility__province"
    )
    if status:
        applications = applications.filter(status=status)
    if overdue:
        applications = applications.filter(
            Q(status=ApplicationStatus.SUBMITTED, appraisal_due__lt=today)
            | Q(status=ApplicationStatus.APPRAISED, decision_due__lt=today)
        )
    return applications.order_by("-submitted_on", "-pk")


def application_get(*, user, pk, action: str = Action.FACILITY_VIEW) -> LicenceApplication:
    return _get(
        LicenceApplication.objects.visible_to(user, action).select_related(
            "facility", "facility__province", "previous_licence", "appraised_by", "decision_recorded_by",
            "created_by",
        ),
        pk, "application",
    )


def licence_list(*, user, state: str | None = None, today: datetime.date | None = None) -> QuerySet[Licence]:
    today = today or timezone.localdate()
    licences = Licence.objects.visible_to(user, Action.FACILITY_VIEW).select_related("facility", "facility__province")
    if state == "expired":
        licences = licences.filter(status=LicenceStatus.ACTIVE, valid_until__lt=today)
    elif state == LicenceStatus.ACTIVE:
        licences = licences.filter(status=LicenceStatus.ACTIVE, valid_until__gte=today)
    elif state in LicenceStatus.values:
        licences = licences.filter(status=state)
    return licences.order_by("-issued_on", "-pk")


def licence_get(*, user, pk, action: str = Action.FACILITY_VIEW) -> Licence:
    return _get(
        Licence.objects.visible_to(user, action).select_related("facility", "facility__province", "application"),
        pk, "licence",
    )


def inspection_list(*, user, facility: Facility | None = None, follow_up: str | None = None,
                    overdue: bool = False, today: datetime.date | None = None) -> QuerySet[Inspection]:
    today = today or timezone.localdate()
    inspections = Inspection.objects.visible_to(user, Action.FACILITY_VIEW).select_related(
        "facility", "facility__province", "lead_agency"
    )
    if facility is not None:
        inspections = inspections.filter(facility=facility)
    if follow_up:
        inspections = inspections.filter(follow_up_status=follow_up)
    if overdue:
        inspections = inspections.filter(follow_up_status__in=OPEN_FOLLOW_UP, follow_up_due__lt=today)
    return inspections.order_by(F("inspected_on").desc(nulls_first=True), "-scheduled_on", "-pk")


def inspection_get(*, user, pk, action: str = Action.FACILITY_VIEW) -> Inspection:
    return _get(
        Inspection.objects.visible_to(user, action).select_related("facility", "lead_agency", "created_by"),
        pk, "inspection",
    )


SERVICE_LABELS = dict(Service.choices)


def stays_for_case(user, case: Case) -> list[Stay] | None:
    """The case page's facilities panel: the stays of this case the user may see, newest first (a
    mother before her children); None (no panel) when there is none to show, e.g. for a share that
    names case.view only. One query whatever the number of stays."""
    stays = list(
        _stays(user, identity_visible=bool(case.identity_visible) if read_through_case_get(user, case) else None,
               stays=Stay.objects.of_case(user, case))
        .order_by("-admitted_on", F("accompanying_id").asc(nulls_first=True), "pk")
    )
    for stay in stays:
        stay.display_name = resident_name(stay)
    return stays or None


def facility_queryset(*, user, action: str = Action.FACILITY_VIEW) -> QuerySet[Facility]:
    """Facilities in scope with `address_visible` and `full_access`, without aggregates (so a row can
    be locked for update): the detail of `facility_get` as a queryset."""
    return _with_flags(Facility.objects.visible_to(user, action), user).select_related(
        "owner_agency", "province", "commune"
    )
