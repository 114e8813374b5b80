import datetime

import factory
from django.utils import timezone

from accounts.models import AgencyType
from accounts.roles import Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, province
from victims.models import (
    Case,
    CaseAccessGrant,
    CaseChild,
    ChildRelationship,
    Person,
    ReceptionChannel,
    ReintegrationPlan,
    Sex,
)
from victims.workflow import Status


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def agency(type_code: str = "social_centre", province_name: str | None = "lang son", **kwargs):
    """An agency of a given type in a province (None: a national body)."""
    kwargs.setdefault("jurisdiction", province(province_name) if province_name else None)
    return AgencyFactory(type=AgencyType.objects.get(code=type_code), **kwargs)


def member(agency, role=Role.CASEWORKER, **kwargs):
    """A user with one active membership."""
    return MembershipFactory(agency=agency, role=role, **kwargs).user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Iterator(["Nguyễn Thị Hoa", "Lò Thị Mai", "Vàng Thị Dua", "Hoàng Văn Nam"])
    sex = Sex.FEMALE
    birth_year = 2001


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    case_number = factory.Sequence(lambda n: f"TEST-2026-{n:05d}")
    person = factory.SubFactory(PersonFactory)
    receiving_agency = factory.SubFactory(AgencyFactory)
    owning_agency = factory.SelfAttribute("receiving_agency")
    province = factory.LazyAttribute(lambda case: case.person.home_province or case.receiving_agency.jurisdiction)
    status = Status.RECEIVED
    reception_channel = ReceptionChannel.HANDED_BACK_AT_BORDER
    received_on = factory.LazyFunction(lambda: days_ago(30))
    created_by = factory.SubFactory(UserFactory)


class CaseChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseChild

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory, full_name="Nguyễn Văn Bình", sex=Sex.MALE, birth_year=2022)
    relationship = ChildRelationship.CHILD
    created_by = factory.SelfAttribute("case.created_by")


class CaseAccessGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseAccessGrant

    case = factory.SubFactory(CaseFactory)
    grantee_agency = factory.SubFactory(AgencyFactory)
    actions = factory.LazyFunction(lambda: ["case.view", "case.view_identity"])
    reason = "Chuyển tuyến hỗ trợ"
    granted_by = factory.SelfAttribute("case.created_by")


class ReintegrationPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReintegrationPlan

    case = factory.SubFactory(CaseFactory, status=Status.FOLLOW_UP)
    starts_on = factory.LazyFunction(lambda: days_ago(90))
    ends_on = factory.LazyAttribute(lambda plan: plan.starts_on + datetime.timedelta(days=700))
    responsible_agency = factory.SelfAttribute("case.owning_agency")
    created_by = factory.SelfAttribute("case.created_by")


def consented(case, *parties, given=True):
    """A consent recorded for the case's victim: to share with `parties` (all agency kinds if none)."""
    from victims.models import Consent, SharingParty

    return Consent.objects.create(
        case=case, person=case.person, given=given,
        share_with=sorted(parties) if parties else ([] if not given else [
            SharingParty.POLICE, SharingParty.SOCIAL_AFFAIRS, SharingParty.SOCIAL_CENTRE,
            SharingParty.PARTNER_ORGANISATION, SharingParty.COMMUNE,
        ]),
        recorded_on=case.received_on, recorded_by=case.created_by,
    )
