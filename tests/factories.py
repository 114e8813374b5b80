import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AdministrativeUnit, Agency, AgencyType, Membership, User
from accounts.roles import Role


def province(folded_name: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.provinces().get(name_folded__endswith=folded_name)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"AG-{n:04d}")
    name = factory.Sequence(lambda n: f"Trung tâm Công tác xã hội số {n}")
    type = factory.LazyFunction(lambda: AgencyType.objects.get(code="social_centre"))
    jurisdiction = factory.LazyFunction(lambda: province("lang son"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = "Nguyễn Thị Hoa"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.vn")
    password = factory.PostGenerationMethodCall("set_password", "Mat-khau-an-toan-2026")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.CASEWORKER


def totp_device(user, confirmed=True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=confirmed)
