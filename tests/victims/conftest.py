import pytest

from accounts.roles import Role
from tests.factories import province
from tests.victims.factories import agency, member


class World:
    """Agencies of the three demo provinces and one user per role that matters, made on demand."""

    def __init__(self):
        self.centre_ls = agency("social_centre", "lang son", code="TTCTXH-LS")
        self.border_ls = agency("border_guard", "lang son", code="BP-HN-LS")
        self.police_ls = agency("police", "lang son", code="CA-LS")
        self.department_ls = agency("social_affairs_department", "lang son", code="SYT-LS")
        self.centre_hn = agency("social_centre", "ha noi", code="TTBTXH-HN")
        self.police_hn = agency("police", "ha noi", code="CA-HN")
        self.department_hn = agency("social_affairs_department", "ha noi", code="SYT-HN")
        self.department_na = agency("social_affairs_department", "nghe an", code="SYT-NA")
        self.ministry = agency("ministry", None, code="BO-YT")
        self.lang_son, self.ha_noi, self.nghe_an = province("lang son"), province("ha noi"), province("nghe an")

        self.border_guard = member(self.border_ls)
        self.caseworker_ls = member(self.centre_ls)
        self.police_officer_ls = member(self.police_ls)
        self.caseworker_hn = member(self.centre_hn)
        self.police_officer_hn = member(self.police_hn)
        self.approver_ls = member(self.department_ls, Role.APPROVER)
        self.statistician_ls = member(self.department_ls, Role.STATISTICIAN)
        self.approver_hn = member(self.department_hn, Role.APPROVER)
        self.approver_na = member(self.department_na, Role.APPROVER)
        self.analyst = member(self.ministry, Role.MINISTRY_ANALYST)
        self.ministry_statistician = member(self.ministry, Role.STATISTICIAN)
        self.manager_ls = member(self.border_ls, Role.AGENCY_MANAGER)


@pytest.fixture
def world(db):
    return World()
