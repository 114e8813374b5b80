"""Merge and unmerge through the services: every link moves and comes back exactly, once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.actor import act_as
from accounts.roles import Role
from tests.victims.factories import CaseChildFactory, agency, days_ago, member
from victims import duplicates, selectors, services
from victims.matching import Query
from victims.models import (
    AccessLog,
    Case,
    CaseChild,
    Consent,
    DuplicateProposal,
    Person,
    ReceptionChannel,
)

pytestmark = pytest.mark.django_db


def register(user, name, *, year, channel=ReceptionChannel.HANDED_BACK_AT_BORDER):
    return services.case_register_reception(
        user=user, agency=user.memberships.get().agency, reception_channel=channel,
        received_on=days_ago(3), full_name=name, sex="female", birth_year=year,
    )


@pytest.fixture
def world(db):
    border = agency("border_guard", "lang son", code="BP-LS", phone="0205 3881 111",
                    email="dbp.ls@example.vn", address="Cửa khẩu Tân Thanh")
    centre = agency("social_centre", "lang son", code="TT-LS")
    department = agency("social_affairs_department", "lang son", code="SYT-LS")
    other_department = agency("social_affairs_department", "ha noi", code="SYT-HN")
    ministry = agency("ministry", None, code="BO")
    ns = type("World", (), {})()
    ns.border, ns.centre = border, centre
    ns.border_officer, ns.centre_worker = member(border), member(centre)
    ns.reviewer = member(department, Role.APPROVER)
    ns.other_reviewer = member(other_department, Role.APPROVER)
    ns.ministry = member(ministry, Role.MINISTRY_ANALYST)
    ns.first = register(ns.border_officer, "Nguyễn Thị Hoa", year=1995)
    services.consent_record(user=ns.border_officer, case=ns.first, share_with=["social_centre"])
    ns.child = CaseChildFactory(case=ns.first)
    ns.second = register(ns.centre_worker, "Nguyen Thi Hoa", year=1996)
    return ns


def actor(user):
    return act_as(user, user.memberships.get())


def test_registering_the_same_woman_proposes_the_pair(world):
    proposal = DuplicateProposal.objects.get()
    assert {proposal.person_low_id, proposal.person_high_id} == {world.first.person_id, world.second.person_id}
    assert proposal.status == "open" and "same_name" in proposal.reasons and "birth_year_near" in proposal.reasons


def test_the_second_agency_is_told_only_who_holds_the_match(world):
    report = duplicates.duplicates_for(actor(world.centre_worker), Query.of(world.second.person))
    assert report.seen == []
    [held] = report.elsewhere
    assert held.agency == world.border and held.agency.phone == "0205 3881 111"
    assert not hasattr(held, "person_id") and not hasattr(held, "cases")


def test_the_department_merges_and_unmerges_exactly(world):
    proposal = DuplicateProposal.objects.get()
    reviewer = actor(world.reviewer)
    assert list(duplicates.proposal_queue(reviewer)) == [proposal]
    assert selectors.persons_received(reviewer) == 2
    first_person, second_person = world.first.person_id, world.second.person_id
    consents = list(Consent.objects.filter(person_id=first_person).values_list("pk", flat=True))
    AccessLog.objects.create(user=world.reviewer, object_type="victims.person", object_id=str(second_person),
                             action="case.view")

    merge = duplicates.person_merge(user=reviewer, proposal=proposal, survivor_id=first_person,
                                    reason="Cùng số điện thoại người thân, cùng quê")
    assert set(Case.objects.filter(person_id=first_person).values_list("pk", flat=True)) == {
        world.first.pk, world.second.pk}
    merged = Person.objects.get(pk=second_person)
    assert merged.merged_into_id == first_person and merged.full_name == "Nguyen Thi Hoa"  # kept as it was
    assert selectors.persons_received(reviewer) == 1
    assert not Person.objects.visible_to(reviewer, "case.view").filter(pk=second_person).exists()
    assert duplicates.merged_person_ids(Person.objects.get(pk=first_person)) == [first_person, second_person]
    assert merge.moved == {"victims.case.person": [world.second.pk]}
    assert DuplicateProposal.objects.get().status == "merged"
    assert list(duplicates.proposal_queue(reviewer)) == []

    duplicates.person_unmerge(user=reviewer, proposal=proposal, reason="Nhầm: hai chị em")
    assert Case.objects.get(pk=world.second.pk).person_id == second_person
    assert Case.objects.get(pk=world.first.pk).person_id == first_person
    assert Person.objects.get(pk=second_person).merged_into_id is None
    assert list(Consent.objects.filter(person_id=first_person).values_list("pk", flat=True)) == consents
    assert CaseChild.objects.get(pk=world.child.pk).case_id == world.first.pk
    assert selectors.persons_received(reviewer) == 2
    assert DuplicateProposal.objects.get().status == "open"


def test_a_rejected_pair_is_not_proposed_again(world):
    proposal = DuplicateProposal.objects.get()
    duplicates.proposal_reject(user=actor(world.reviewer), proposal=proposal, reason="Khác quê, khác cha mẹ")
    assert duplicates.duplicates_for(actor(world.centre_worker), Query.of(world.second.person)).elsewhere == []
    duplicates.duplicates_propose(user=world.centre_worker, person=world.second.person)
    assert DuplicateProposal.objects.get().status == "rejected"
    third = register(member(world.centre), "Nguyễn Thị Hoa", year=1995)
    assert DuplicateProposal.objects.filter(status="open", person_high=third.person).count() == 2


def test_a_decided_pair_is_decided_once(world):
    proposal = DuplicateProposal.objects.get()
    reviewer = actor(world.reviewer)
    duplicates.person_merge(user=reviewer, proposal=proposal, survivor_id=world.first.person_id, reason="x")
    with pytest.raises(ValidationError) as error:
        duplicates.person_merge(user=reviewer, proposal=proposal, survivor_id=world.second.person_id, reason="y")
    assert error.value.code == "decided"
    with pytest.raises(ValidationError) as error:
        duplicates.proposal_reject(user=reviewer, proposal=proposal, reason="z")
    assert error.value.code == "decided"


def test_who_may_review(world):
    proposal = DuplicateProposal.objects.get()
    with pytest.raises(PermissionDenied):
        duplicates.proposal_queue(actor(world.centre_worker))
    assert list(duplicates.proposal_queue(actor(world.other_reviewer))) == []  # another province
    from django.http import Http404

    with pytest.raises(Http404):
        duplicates.person_merge(user=actor(world.other_reviewer), proposal=proposal,
                                survivor_id=world.first.person_id, reason="x")
    # The ministry reviews every pair (cross-province), without identity.
    ministry = actor(world.ministry)
    assert list(duplicates.proposal_queue(ministry)) == [proposal]
    assert duplicates.identity_visible_to(ministry) is False


def test_a_merge_needs_a_reason_and_one_of_the_two(world):
    proposal = DuplicateProposal.objects.get()
    with pytest.raises(ValidationError) as error:
        duplicates.person_merge(user=actor(world.reviewer), proposal=proposal, survivor_id=world.first.person_id,
                                reason=" ")
    assert "reason" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        duplicates.person_merge(user=actor(world.reviewer), proposal=proposal, survivor_id=-1, reason="x")
    assert "survivor" in error.value.error_dict


def test_asking_for_a_referral_flags_the_pair_for_the_department(world):
    duplicates.duplicate_request_referral(user=actor(world.centre_worker), case=world.second, agency=world.border)
    proposal = DuplicateProposal.objects.get()
    assert proposal.referral_requested_by == world.centre and proposal.referral_requested_at is not None
    from django.http import Http404

    with pytest.raises(Http404):  # an agency that holds no match: nothing to ask
        duplicates.duplicate_request_referral(user=actor(world.centre_worker), case=world.second, agency=world.centre)
