"""The people of the permission matrix: one per role and place, so every app's matrix reads the same.

Two provinces: Lạng Sơn (border, "home") and Hà Nội ("other"). Use `personas` in a test to get them all,
and `client_for(name)` for a client signed in with password and TOTP as that persona.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import AgencyType
from accounts.roles import Role
from tests.factories import AgencyFactory, MembershipFactory, province, totp_device


@dataclass(frozen=True)
class Persona:
    agency_code: str
    agency_type: str
    province: str | None  # folded province name, None for national bodies
    role: str


PERSONAS: dict[str, Persona] = {
    "centre_caseworker": Persona("TT-LS", "social_centre", "lang son", Role.CASEWORKER),
    "border_caseworker": Persona("BP-LS", "border_guard", "lang son", Role.CASEWORKER),
    "police_caseworker": Persona("CA-LS", "police", "lang son", Role.CASEWORKER),
    "department_approver": Persona("SYT-LS", "social_affairs_department", "lang son", Role.APPROVER),
    "department_manager": Persona("SYT-LS", "social_affairs_department", "lang son", Role.AGENCY_MANAGER),
    "department_statistician": Persona("SYT-LS", "social_affairs_department", "lang son", Role.STATISTICIAN),
    "other_caseworker": Persona("TT-HN", "social_centre", "ha noi", Role.CASEWORKER),
    "other_approver": Persona("SYT-HN", "social_affairs_department", "ha noi", Role.APPROVER),
    "ministry_analyst": Persona("BO", "ministry", None, Role.MINISTRY_ANALYST),
    "partner": Persona("DT-HN", "partner_organisation", "ha noi", Role.PARTNER_API),
    "no_agency": Persona("", "", None, ""),
}


@pytest.fixture
def personas(db):
    """name -> User, with their agencies; the agencies are reachable as `user.agency`."""
    agencies, users = {}, {}
    for name, p in PERSONAS.items():
        if not p.role:
            from tests.factories import UserFactory

            users[name] = UserFactory(username=name)
            users[name].agency = None
            continue
        if p.agency_code not in agencies:
            agencies[p.agency_code] = AgencyFactory(
                code=p.agency_code, type=AgencyType.objects.get(code=p.agency_type),
                jurisdiction=province(p.province) if p.province else None,
                name=f"{p.agency_type} {p.agency_code}",
            )
        membership = MembershipFactory(user__username=name, agency=agencies[p.agency_code], role=p.role)
        users[name] = membership.user
        users[name].agency = membership.agency
    return users


@pytest.fixture
def client_for(personas):
    """client_for("centre_caseworker") -> a test Client signed in (password + TOTP) as that persona."""

    def make(name: str) -> Client:
        user = personas[name]
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
        return client

    return make
