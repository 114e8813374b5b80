"""The stays of a case on its page: from the case row read in the request when it opens them, else by
the stay scope; both give every reader the same stays (`StayQuerySet.of_case`)."""

import pytest
from django.http import Http404

from accounts.actor import act_as
from accounts.models import User
from accounts.roles import Action
from facilities.models import Stay
from tests.victims.factories import CaseAccessGrantFactory, CaseFactory
from victims.selectors import case_get

from .factories import StayFactory

pytestmark = pytest.mark.django_db


def test_a_case_page_reader_gets_the_stays_the_stay_scope_gives(world):
    own = StayFactory(case=world.case, facility=world.facility).case
    # Received at the border, staying at the Lạng Sơn centre's shelter: the centre sees the stay
    # through its facility; shared with Hà Nội for case.view alone: Hà Nội sees the case, not the stay.
    border = StayFactory(case=CaseFactory(receiving_agency=world.border_ls), facility=world.facility).case
    CaseAccessGrantFactory(case=border, grantee_agency=world.centre_hn, actions=[Action.CASE_VIEW])
    CaseAccessGrantFactory(case=border, grantee_agency=world.centre_ls, actions=[Action.CASE_VIEW])
    elsewhere = StayFactory(case=CaseFactory(receiving_agency=world.centre_hn), facility=world.facility_hn).case
    users = [value for value in vars(world).values() if isinstance(value, User)]
    readings = 0
    for case in (own, border, elsewhere):
        for user in users:
            unbound = User.objects.get(pk=user.pk)
            expected = set(Stay.objects.visible_to(unbound, Action.FACILITY_VIEW).filter(case=case)
                           .values_list("pk", flat=True))
            act_as(user, user.memberships.get())
            try:
                read = case_get(user=user, pk=case.pk)
            except Http404:
                continue
            assert set(Stay.objects.of_case(user, read).values_list("pk", flat=True)) == expected, (user, case)
            readings += 1
    assert readings >= 8
    hanoi = world.caseworker_hn
    assert not Stay.objects.of_case(hanoi, case_get(user=hanoi, pk=border.pk)).exists()
    centre = world.caseworker
    assert Stay.objects.of_case(centre, case_get(user=centre, pk=border.pk)).exists()
