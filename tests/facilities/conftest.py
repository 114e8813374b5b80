import pytest

from accounts.roles import Role
from facilities.choices import FacilityType, GenderPolicy
from tests.factories import province
from tests.victims.factories import CaseChildFactory, CaseFactory, PersonFactory, agency, member

from .factories import FacilityFactory, days_ago


class World:
    """Lạng Sơn (a social work centre with its shelter, the department, a border post) and Hà Nội."""

    def __init__(self):
        self.lang_son, self.ha_noi = province("lang son"), province("ha noi")
        self.centre_ls = agency("social_centre", "lang son", code="TTCTXH-LS", name="Trung tâm CTXH Lạng Sơn")
        self.department_ls = agency("social_affairs_department", "lang son", code="SYT-LS")
        self.border_ls = agency("border_guard", "lang son", code="BP-LS")
        self.ngo_ls = agency("partner_organisation", "lang son", code="NGO-LS")
        self.centre_hn = agency("social_centre", "ha noi", code="TTBTXH-HN")
        self.department_hn = agency("social_affairs_department", "ha noi", code="SYT-HN")

        self.caseworker = member(self.centre_ls)  # admits, discharges
        self.director = member(self.centre_ls, Role.AGENCY_MANAGER)  # extends
        self.approver = member(self.department_ls, Role.APPROVER)  # licenses, inspects, extends
        self.department_manager = member(self.department_ls, Role.AGENCY_MANAGER)
        self.statistician = member(self.department_ls, Role.STATISTICIAN)
        self.border_guard = member(self.border_ls)
        self.caseworker_hn = member(self.centre_hn)
        self.approver_hn = member(self.department_hn, Role.APPROVER)

        self.facility = FacilityFactory(
            owner_agency=self.centre_ls, name="Cơ sở Bình An", code="CS-LS-01", beds=4, rooms=2,
            type=FacilityType.SOCIAL_WORK_CENTRE, gender_policy=GenderPolicy.WOMEN_ONLY,
            address_detail="Số 7 đường Bí Mật, thôn Kín",
        )
        self.facility_hn = FacilityFactory(owner_agency=self.centre_hn, province=self.ha_noi, code="CS-HN-01",
                                           name="Cơ sở Hà Nội", address_detail="Ngõ 99 Hà Nội")
        self.case = CaseFactory(
            receiving_agency=self.centre_ls, person=PersonFactory(full_name="Lò Thị Mai", birth_year=2000),
            received_on=days_ago(20), created_by=self.caseworker,
        )
        self.child = CaseChildFactory(case=self.case, person__full_name="Lò Văn Bình", person__birth_year=2022).person


@pytest.fixture
def world(db):
    return World()
