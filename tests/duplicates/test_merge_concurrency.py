"""Two reviewers merge the same pair at the same moment: one merge, the other is told it is decided."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from tests.victims.factories import agency, member
from tests.victims.test_concurrency import submit_together
from victims import duplicates
from victims.models import DuplicateProposal, PersonMerge

from .test_merge import register

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_concurrent_merges_decide_once():
    border, centre = agency("border_guard", "lang son", code="BP-C"), agency("social_centre", "lang son", code="TT-C")
    department = agency("social_affairs_department", "lang son", code="SYT-C")
    first = register(member(border), "Nguyễn Thị Hoa", year=1995)
    second = register(member(centre), "Nguyen Thi Hoa", year=1995)
    proposal = DuplicateProposal.objects.get()
    reviewers = [member(department, Role.APPROVER), member(department, Role.AGENCY_MANAGER)]

    def merge(i):
        try:
            duplicates.person_merge(user=reviewers[i], proposal=proposal.pk,
                                    survivor_id=(first, second)[i].person_id, reason="Cùng người")
            return "merged"
        except ValidationError as error:
            return error.code

    results = submit_together(2, merge)
    assert sorted(results) == ["decided", "merged"]
    assert PersonMerge.objects.count() == 1
