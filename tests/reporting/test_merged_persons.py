"""A person registered twice and merged counts once, with the reconciliation line; unmerged, twice again.

The merge (victims.duplicates.person_merge) moves every case and child link to the surviving person,
so `reporting.scope.person_key` (the case's person) already counts the survivor; this test holds the
statistics to it at the province and national levels, both before and after an unmerge."""

import datetime

import pytest
from django.utils import timezone

from accounts.actor import act_as
from accounts.roles import Role
from reporting.scope import Filters, statistics_geography
from reporting.statistics import build_tables
from tests.victims.factories import agency, days_ago, member
from victims import duplicates, services
from victims.models import DuplicateProposal, EthnicGroup, Person, ReceptionChannel

pytestmark = pytest.mark.django_db


def actor(user):
    return act_as(user, user.memberships.get())


def register(user, name, *, year, ethnicity=None):
    case = services.case_register_reception(
        user=user, agency=user.memberships.get().agency, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
        received_on=days_ago(3), full_name=name, sex="female", birth_year=year,
    )
    if ethnicity is not None:
        Person.objects.filter(pk=case.person_id).update(ethnicity=ethnicity)
    return case


def figures(user) -> dict:
    today = timezone.localdate()
    filters = Filters(start=today - datetime.timedelta(days=30), end=today)
    tables = build_tables(statistics_geography(actor(user)), filters)["by_key"]
    summary = {row.key: row.values["value"] for row in tables["summary"].rows}
    return {"persons": summary["persons"], "receptions": summary["receptions"],
            "multi_agency": summary["multi_agency"], "sex_female": tables["sex"].rows[0].values["persons"],
            "ethnicity": {row.key: row.values["persons"] for row in tables["ethnicity"].rows}}


def test_a_merged_person_counts_once_and_unmerged_twice_again():
    border, centre = agency("border_guard", "lang son", code="BP-LS"), agency("social_centre", "lang son", code="TT-LS")
    department, ministry = agency("social_affairs_department", "lang son", code="SYT-LS"), agency("ministry", None, code="BO")
    statistician, analyst = member(department, Role.STATISTICIAN), member(ministry, Role.MINISTRY_ANALYST)
    reviewer = member(department, Role.APPROVER)
    tay = EthnicGroup.objects.get(name="Tày")
    first = register(member(border), "Nguyễn Thị Hoa", year=1995, ethnicity=tay)
    second = register(member(centre), "Nguyen Thi Hoa", year=1996)  # ethnicity not recorded at the centre

    two = {"persons": 2, "receptions": 2, "multi_agency": 0, "sex_female": 2, "ethnicity": {str(tay.pk): 1, "": 1}}
    assert figures(statistician) == two
    assert figures(analyst) == two

    proposal = DuplicateProposal.objects.get()
    duplicates.person_merge(user=actor(reviewer), proposal=proposal, survivor_id=first.person_id,
                            reason="Cùng quê, cùng người thân")
    assert Person.objects.get(pk=second.person_id).merged_into_id == first.person_id
    # One person, received by two agencies: the reconciliation line says so; her attributes are the survivor's.
    one = {"persons": 1, "receptions": 2, "multi_agency": 1, "sex_female": 1, "ethnicity": {str(tay.pk): 1}}
    assert figures(statistician) == one
    assert figures(analyst) == one

    duplicates.person_unmerge(user=actor(reviewer), proposal=proposal, reason="Nhầm: hai chị em")
    assert figures(statistician) == two
    assert figures(analyst) == two
