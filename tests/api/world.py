"""The API's world: the personas of the permission matrix, two files, and API clients with tokens.

- home: a case owned by the Lạng Sơn centre (TT-LS), its victim "Triệu Thị Hằng", with an approved
  support request, a stay at the centre's shelter, and a share with the Hà Nội partner (DT-HN) for
  case.view, support.view, support.deliver and facility.view — not for the identity;
- away: a case owned by the Hà Nội centre (TT-HN), shared with nobody.
`token(persona_or_agency_code, role, scopes)` makes an API client of that agency (through the
manager service) and returns a DRF test client sending its token.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import apiclients
from accounts.actor import act_as
from accounts.models import Agency, ApiScope, ApiToken
from accounts.roles import Action, Role
from tests.facilities.factories import FacilityFactory, StayFactory
from tests.factories import MembershipFactory, province
from tests.support.factories import LAW53, decide_all, make_case, request_support
from tests.victims.factories import CaseAccessGrantFactory, consented

SECRETS = {
    "home": {"name": "Triệu Thị Hằng", "address": "Bản Khuổi Phầy", "id_number": "084199001234",
             "stay_reason": "chồng đánh đập", "shelter": "Số 9 ngõ Kín Cổng", "means": "Giữ hộ chiếu"},
    "away": {"name": "Quàng Thị Xuyến", "address": "Phố Hàng Bạc 77", "id_number": "001199009876",
             "stay_reason": "bị giam giữ", "shelter": "Ngõ Bí Mật số 5", "means": "Khóa cửa nhốt"},
}
ALL_SCOPES = list(ApiScope.values)
PARTNER_SHARE = [Action.CASE_VIEW, Action.SUPPORT_VIEW, Action.SUPPORT_DELIVER, Action.FACILITY_VIEW]


def _file(side, centre, approver_agency, share_with=None):
    words = SECRETS[side]
    home = "lang son" if side == "home" else "ha noi"
    case = make_case(owner=centre, full_name=words["name"], home=home, home_address_detail=words["address"],
                     id_paper_type="citizen_id", id_paper_number=words["id_number"])
    type(case).objects.filter(pk=case.pk).update(means_of_control=words["means"])
    caseworker = centre.memberships.get(role=Role.CASEWORKER).user
    facility = FacilityFactory(owner_agency=centre, province=province(home), address_detail=words["shelter"])
    stay = StayFactory(case=case, facility=facility, admission_reason=f"Nạn nhân {words['stay_reason']}")
    [support_request] = request_support(SimpleNamespace(caseworker=caseworker, centre=centre), case,
                                        [(LAW53, "clothing_set", 2)])
    director = MembershipFactory(agency=centre, role=Role.APPROVER).user
    decision = decide_all(director, support_request)
    grant = None
    consented(case)
    if share_with is not None:
        grant = CaseAccessGrantFactory(case=case, grantee_agency=share_with, actions=PARTNER_SHARE,
                                       reason="Chuyển tuyến hỗ trợ", granted_by=caseworker)
    return SimpleNamespace(case=case, person=case.person, facility=facility, stay=stay, request=support_request,
                           line=support_request.lines.get(), decision=decision, grant=grant)


@pytest.fixture
def world(personas):
    agencies = {user.agency.code: user.agency for user in personas.values() if user.agency}
    return SimpleNamespace(
        personas=personas, agencies=agencies,
        home=_file("home", agencies["TT-LS"], agencies["SYT-LS"], share_with=agencies["DT-HN"]),
        away=_file("away", agencies["TT-HN"], agencies["SYT-HN"]),
    )


def manager_of(agency):
    membership = agency.memberships.filter(role=Role.AGENCY_MANAGER, is_active=True).first()
    if membership is None:
        membership = MembershipFactory(agency=agency, role=Role.AGENCY_MANAGER)
    user = membership.user
    act_as(user, membership)
    return user


def make_token(agency: Agency, role=Role.PARTNER_API, scopes=None, days=30, name="Hệ thống đối tác"):
    manager = manager_of(agency)
    client = apiclients.api_client_create(user=manager, agency=agency, name=name, role=role)
    token, secret = apiclients.api_token_create(user=manager, client=client, scopes=scopes or ALL_SCOPES,
                                                expires_in_days=days)
    return client, token, secret


def api_for(secret: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


@pytest.fixture
def token(world):
    """token("DT-HN") -> an APIClient with a token of a new client of that agency (all scopes)."""

    def make(agency_code: str, role=Role.PARTNER_API, scopes=None, state="active") -> APIClient:
        client, api_token, secret = make_token(world.agencies[agency_code], role=role, scopes=scopes)
        if state == "expired":
            ApiToken.objects.filter(pk=api_token.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
        elif state == "revoked":
            apiclients.api_token_revoke(user=manager_of(world.agencies[agency_code]), token=api_token)
        api = api_for(secret)
        api.api_client = client
        return api

    return make
