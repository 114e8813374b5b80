"""Referrals and handovers (issue 13): the services, through real PostgreSQL and the one door."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone, translation

from accounts.roles import Action
from support.working_days import add_working_days
from tests.victims.referral_world import WORDS, hand_over, referral_world, send
from victims import referrals
from victims.models import (
    Case,
    CaseAccessGrant,
    Consent,
    Handover,
    Referral,
    ReferralStatus,
    SharedPart,
    SharingParty,
)
from victims.readmodel import case_name
from victims.selectors import case_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    return referral_world()


def visible(user, case, action=Action.CASE_VIEW) -> bool:
    return Case.objects.visible_to(user, action).filter(pk=case.pk).exists()


def test_a_referral_waits_with_a_working_day_deadline_and_shares_nothing_before_acceptance(w, settings):
    settings.REFERRAL_ANSWER_WORKING_DAYS = 4
    referral = send(w)
    assert referral.status == ReferralStatus.PENDING
    assert referral.due_on == add_working_days(timezone.localtime(referral.sent_at).date(), 4)  # local day
    assert referral.consent == Consent.objects.visible_to(w.sender, Action.CASE_VIEW).get()
    assert not visible(w.receiver, w.case)
    # the receiver's inbox holds the referral row, never the case
    assert Referral.objects.visible_to(w.receiver, Action.REFERRAL_RECEIVE).filter(pk=referral.pk).exists()
    assert not Referral.objects.visible_to(w.outsider, Action.CASE_VIEW).filter(pk=referral.pk).exists()


def test_accepting_grants_exactly_the_shared_parts(w):
    referral = referrals.referral_accept(user=w.receiver, referral=send(w, parts=[SharedPart.IDENTITY]))
    grant = referral.grant
    assert grant.actions == sorted([Action.CASE_VIEW, Action.CASE_VIEW_IDENTITY])
    assert grant.grantee_agency == w.centre and grant.consent is not None
    case = case_get(user=w.receiver, pk=w.case.pk)
    assert case.identity_visible and case_name(case) == WORDS["name"]
    assert not case.health_visible and not case.trafficking_visible and not case.documents_visible
    assert not visible(w.receiver, w.case, Action.SUPPORT_VIEW)
    assert not visible(w.receiver, w.case, Action.CASE_EDIT)


def test_the_support_part_opens_support_and_stays(w):
    referral = referrals.referral_accept(user=w.receiver, referral=send(w, parts=[SharedPart.SUPPORT, SharedPart.HEALTH]))
    assert set(referral.grant.actions) == {Action.CASE_VIEW, Action.SUPPORT_VIEW, Action.FACILITY_VIEW,
                                           Action.CASE_VIEW_HEALTH}
    case = case_get(user=w.receiver, pk=w.case.pk)
    assert not case.identity_visible and case.health_visible
    assert case_name(case) == "L. T. D."


def test_the_choice_cannot_exceed_the_consent_unless_a_manager_overrides(w):
    Consent.objects.filter(case=w.case).update(share_with=[SharingParty.POLICE])
    with pytest.raises(ValidationError) as error:
        send(w)
    assert "receiving_agency" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        send(w, consent_override_reason="Khẩn cấp")  # a caseworker may not override
    assert "consent_override_reason" in error.value.error_dict
    referral = referrals.referral_send(
        user=w.border_manager, case=w.case, receiving_agency=w.centre, reason="Cần chữa bệnh gấp",
        services=["medical"], shared_parts=[SharedPart.IDENTITY, SharedPart.HEALTH],
        consent_override_reason="Nạn nhân nguy kịch, không thể hỏi ý kiến",
    )
    assert referral.consent is None and referral.consent_override_reason
    grant = referrals.referral_accept(user=w.receiver, referral=referral).grant
    assert grant.consent_override_reason == referral.consent_override_reason


def test_validation_errors_are_keyed_by_field(w):
    with pytest.raises(ValidationError) as error:
        referrals.referral_send(user=w.sender, case=w.case, receiving_agency=w.border, reason="",
                                services=[], shared_parts=["secrets"])
    assert {"receiving_agency", "services", "shared_parts", "reason"} <= set(error.value.error_dict)


def test_an_outsider_cannot_refer_or_accept(w):
    with pytest.raises(Http404):
        referrals.referral_send(user=w.outsider, case=w.case, receiving_agency=w.centre, reason="x",
                                services=["shelter"])
    referral = send(w)
    with pytest.raises(Http404):
        referrals.referral_accept(user=w.outsider, referral=referral)
    with pytest.raises(PermissionDenied):
        referrals.referral_accept(user=w.sender, referral=referral)  # the sender does not answer itself


def test_declining_needs_a_reason_and_shares_nothing(w):
    referral = send(w)
    with pytest.raises(ValidationError):
        referrals.referral_decline(user=w.receiver, referral=referral, reason=" ")
    referral = referrals.referral_decline(user=w.receiver, referral=referral, reason="Hết chỗ")
    assert referral.status == ReferralStatus.DECLINED and referral.grant is None
    assert not visible(w.receiver, w.case)
    with pytest.raises(ValidationError) as error:
        referrals.referral_accept(user=w.receiver2, referral=referral)
    assert "already been answered" in str(error.value) or "đã được trả lời" in str(error.value)


@pytest.mark.parametrize("end", ["withdraw", "close"])
def test_withdrawal_and_closing_end_the_grant(w, end):
    referral = referrals.referral_accept(user=w.receiver, referral=send(w))
    assert visible(w.receiver, w.case)
    if end == "withdraw":
        referral = referrals.referral_withdraw(user=w.sender, referral=referral, reason="Nạn nhân về nhà")
        assert referral.status == ReferralStatus.WITHDRAWN
    else:
        referral = referrals.referral_close(user=w.receiver, referral=referral, reason="Đã hỗ trợ xong")
        assert referral.status == ReferralStatus.CLOSED
    referral.grant.refresh_from_db()
    assert referral.grant.revoked_at is not None
    assert not visible(w.receiver, w.case)


def test_the_receiver_cannot_withdraw(w):
    referral = referrals.referral_accept(user=w.receiver, referral=send(w))
    with pytest.raises(PermissionDenied):
        referrals.referral_withdraw(user=w.receiver, referral=referral, reason="x")


def test_overdue_on_both_sides(w, settings):
    referral = send(w)
    Referral.objects.filter(pk=referral.pk).update(due_on=datetime.date.today() - datetime.timedelta(days=1))
    from victims.referral_selectors import referral_inbox, referral_sent

    assert [r.pk for r in referral_inbox(user=w.receiver, agency=w.centre, overdue=True)] == [referral.pk]
    assert [r.pk for r in referral_sent(user=w.sender, agency=w.border, overdue=True)] == [referral.pk]
    assert Referral.objects.visible_to(w.sender, Action.CASE_VIEW).get(pk=referral.pk).is_overdue()


# --- Handovers --------------------------------------------------------------------------------

def test_a_handover_moves_ownership_and_the_previous_owner_keeps_reading(w):
    referral = referrals.referral_accept(user=w.receiver, referral=send(w))
    handover = hand_over(w, referral)
    case = Case.objects.visible_to(w.receiver, Action.CASE_EDIT).get(pk=w.case.pk)
    assert case.owning_agency == w.centre
    assert case.province.name.endswith("Hà Nội")  # no home province: the new owner's province
    assert handover.document_number == "1/BB-BP-LS"
    assert list(handover.children.all()) == [w.child]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.HANDED_OVER
    assert CaseAccessGrant.objects.get(pk=referral.grant_id).revoked_at is not None  # ownership covers it
    # the border post reads every part it recorded, but no longer edits or shares
    previous = case_get(user=w.sender, pk=w.case.pk)
    assert previous.identity_visible and previous.health_visible and previous.trafficking_visible
    assert not visible(w.sender, w.case, Action.CASE_EDIT) and not visible(w.sender, w.case, Action.CASE_GRANT)
    assert handover.previous_owner_grant.grantee_agency == w.border


def test_a_minor_is_never_handed_over_without_an_escort(w):
    referral = referrals.referral_accept(user=w.receiver, referral=send(w))
    with pytest.raises(ValidationError) as error:
        hand_over(w, referral, escort_name="  ")
    assert list(error.value.error_dict) == ["escort_name"]
    assert not Handover.objects.visible_to(w.sender, Action.CASE_VIEW).exists()
    assert Case.objects.visible_to(w.sender, Action.CASE_EDIT).get(pk=w.case.pk).owning_agency == w.border
    # an adult alone may go without an escort
    handover = hand_over(w, referral, escort_name="", children=[])
    assert handover.escort_name == ""


def test_only_an_accepted_referral_is_handed_over_and_only_by_the_owner(w):
    referral = send(w)
    with pytest.raises(ValidationError):
        hand_over(w, referral)
    referral = referrals.referral_accept(user=w.receiver, referral=referral)
    with pytest.raises(Http404):
        referrals.handover_record(user=w.receiver, referral=referral, handed_over_on=datetime.date.today(),
                                  place="x", handed_by_name="x", received_by_name="x", escort_name="x")


def test_the_handover_record_is_rendered_once(w, settings, tmp_path):
    from tests.support.pdftext import pdf_text
    from victims.handover_pdf import handover_store_pdf

    settings.MEDIA_ROOT = tmp_path
    handover = hand_over(w, referrals.referral_accept(user=w.receiver, referral=send(w)))
    first = handover_store_pdf(handover.pk)
    assert first.pdf_status == "ready", first.pdf_error
    again = handover_store_pdf(handover.pk)
    assert again.pdf.name == first.pdf.name
    with first.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN",
                  WORDS["name"], WORDS["child"], "Nông Văn Hộ", "1/BB-BP-LS", "ĐẠI DIỆN BÊN NHẬN",
                  "ĐẠI DIỆN BÊN GIAO", "Trung tâm Công tác xã hội Hà Nội", "01 ba lô"):
        assert words in text, words


@pytest.mark.django_db(transaction=True)
def test_two_users_accepting_at_once_decide_once():
    w = referral_world()
    referral = send(w)
    barrier = threading.Barrier(2)
    results = []

    def accept(user):
        translation.activate("en")  # a new thread starts in the default language (Vietnamese)
        try:
            barrier.wait()
            referrals.referral_accept(user=user, referral=referral)
            results.append("accepted")
        except ValidationError as error:
            results.append(" ".join(error.messages))
        finally:
            translation.deactivate()
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (w.receiver, w.receiver2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("accepted") == 1 and len(results) == 2, results
    [refusal] = [result for result in results if result != "accepted"]
    assert "already been answered" in refusal and ("Trần Thu Hà" in refusal or "Ngô Minh" in refusal)
    assert CaseAccessGrant.objects.visible_to(w.sender, Action.CASE_VIEW).filter(
        grantee_agency=w.centre).count() == 1


def test_a_bound_reader_sees_the_referrals_an_unbound_one_does():
    """A request reads its receiving agency from the acting membership, a shell from a subquery:
    for every user of the referral world, before and after the answer, the same referrals."""
    from accounts.actor import act_as
    from accounts.models import User

    world = referral_world()
    pending = send(world)
    users = [value for value in vars(world).values() if isinstance(value, User)]

    def seen(user, action):
        return set(Referral.objects.visible_to(user, action).values_list("pk", flat=True))

    for stage in ("pending", "accepted"):
        for user in users:
            for action in (Action.REFERRAL_RECEIVE, Action.CASE_VIEW):
                unbound = seen(User.objects.get(pk=user.pk), action)
                bound = User.objects.get(pk=user.pk)
                act_as(bound, bound.memberships.get())
                assert seen(bound, action) == unbound, (stage, user, action)
        if stage == "pending":
            assert pending.pk in seen(world.receiver, Action.REFERRAL_RECEIVE)
            assert pending.pk not in seen(world.outsider, Action.REFERRAL_RECEIVE)
            referrals.referral_accept(user=world.receiver, referral=pending)
