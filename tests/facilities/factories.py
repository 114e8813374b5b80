import datetime

import factory
from django.utils import timezone

from facilities.choices import (
    FacilityType,
    GenderPolicy,
    InspectionForm,
    InspectionKind,
    InspectionStatus,
    LicenceStatus,
    Service,
)
from facilities.models import Facility, Inspection, Licence, Stay
from tests.factories import AgencyFactory, UserFactory, province

ALL_SERVICES = list(Service.values)


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    code = factory.Sequence(lambda n: f"CS-{n:04d}")
    name = factory.Sequence(lambda n: f"Cơ sở trợ giúp xã hội số {n}")
    type = FacilityType.SOCIAL_WORK_CENTRE
    owner_agency = factory.SubFactory(AgencyFactory)
    province = factory.LazyFunction(lambda: province("lang son"))
    address_detail = factory.Sequence(lambda n: f"Số {n} ngõ Bí Mật, thôn Kín Đáo")
    phone = "0205 3870 111"
    rooms = 5
    beds = 10
    gender_policy = GenderPolicy.WOMEN_ONLY
    accepts_children = True
    services = factory.LazyFunction(lambda: list(ALL_SERVICES))
    staff_count = 6
    created_by = factory.SubFactory(UserFactory)


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    facility = factory.SubFactory(FacilityFactory, type=FacilityType.NGO_SHELTER)
    number = factory.Sequence(lambda n: f"{n}/GP-UBND")
    issued_on = factory.LazyFunction(lambda: days_ago(365))
    valid_until = factory.LazyAttribute(lambda licence: licence.issued_on + datetime.timedelta(days=4 * 365))
    services = factory.LazyFunction(lambda: [Service.ACCOMMODATION, Service.ESSENTIAL_NEEDS, Service.PSYCHOLOGICAL])
    capacity = 8
    status = LicenceStatus.ACTIVE
    status_changed_on = factory.SelfAttribute("issued_on")


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    facility = factory.SubFactory(FacilityFactory)
    kind = InspectionKind.PLANNED
    form = InspectionForm.CHECK
    status = InspectionStatus.COMPLETED
    lead_agency = factory.SubFactory(AgencyFactory)
    inspected_on = factory.LazyFunction(lambda: days_ago(30))
    team = "Trưởng đoàn: Đặng Quốc Toàn"
    findings = "Cơ sở đáp ứng yêu cầu về chỗ ở."
    created_by = factory.SubFactory(UserFactory)


class StayFactory(factory.django.DjangoModelFactory):
    """A current stay of the victim of a case (no capacity check: for reads and lists)."""

    class Meta:
        model = Stay

    facility = factory.SubFactory(FacilityFactory)
    case = factory.SubFactory("tests.victims.factories.CaseFactory")
    person = factory.SelfAttribute("case.person")
    admitted_on = factory.LazyFunction(lambda: days_ago(10))
    admission_reason = "Cần chỗ ở tạm thời"
    services = factory.LazyFunction(lambda: [Service.ACCOMMODATION])
    policy_code = "LAW-53-2024"
    max_stay_days = 120
    ends_on = factory.LazyAttribute(lambda stay: stay.admitted_on + datetime.timedelta(days=stay.max_stay_days - 1))
    admitted_by = factory.SelfAttribute("case.created_by")
