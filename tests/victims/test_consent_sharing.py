"""Sharing a case stays within the victim's recorded consent (DOMAIN.md §6), unless an agency manager
overrides it with a written reason; withdrawing a consent ends the shares it allowed."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from victims import services
from victims.models import AccessLog, Case, CaseAccessGrant, SharingParty
from victims.services import LOG_CONSENT_OVERRIDE

from .factories import CaseFactory, consented, member

pytestmark = pytest.mark.django_db


def share(world, case, agency, user=None, **kwargs):
    return services.case_grant_access(user=user or world.caseworker_ls, case=case, grantee_agency=agency,
                                      actions=["case.view"], reason="Phối hợp hỗ trợ", **kwargs)


def sees(user, case) -> bool:
    return Case.objects.visible_to(user, "case.view").filter(pk=case.pk).exists()


def test_a_recorded_refusal_stops_the_share(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    consented(case, given=False)
    with pytest.raises(ValidationError) as error:
        share(world, case, world.centre_hn)
    from django.utils import translation

    with translation.override("vi"):
        assert "từ chối" in " ".join(error.value.message_dict["grantee_agency"])
    assert not CaseAccessGrant.objects.filter(case=case).exists() and not sees(world.caseworker_hn, case)


def test_no_recorded_consent_stops_the_share(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    with pytest.raises(ValidationError) as error:
        share(world, case, world.centre_hn)
    assert error.value.error_dict["grantee_agency"][0].code == "no_consent"


def test_the_share_must_be_with_a_party_the_victim_named(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    consent = consented(case, SharingParty.SOCIAL_CENTRE)
    grant = share(world, case, world.centre_hn)
    assert grant.consent == consent and sees(world.caseworker_hn, case)
    with pytest.raises(ValidationError):
        share(world, case, world.police_hn)  # police were not named
    assert not sees(world.police_officer_hn, case)


def test_a_later_refusal_replaces_an_earlier_consent(world):
    import datetime

    case = CaseFactory(receiving_agency=world.centre_ls)
    consented(case)
    refusal = consented(case, given=False)
    refusal.recorded_on = case.received_on + datetime.timedelta(days=1)
    refusal.save()
    with pytest.raises(ValidationError):
        share(world, case, world.centre_hn)


def test_an_agency_manager_overrides_with_a_written_reason_recorded_and_logged(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    consented(case, given=False)
    manager = member(world.department_ls, Role.AGENCY_MANAGER)
    with pytest.raises(ValidationError) as error:  # a caseworker may not override
        share(world, case, world.police_hn, consent_override_reason="Khẩn cấp")
    assert "consent_override_reason" in error.value.message_dict
    with pytest.raises(ValidationError):  # nor the manager without a reason
        share(world, case, world.police_hn, user=manager, consent_override_reason="   ")
    grant = share(world, case, world.police_hn, user=manager,
                  consent_override_reason="Cơ quan điều tra yêu cầu để bảo vệ nạn nhân")
    assert grant.consent is None and grant.consent_override_reason.startswith("Cơ quan điều tra")
    assert sees(world.police_officer_hn, case)
    log = AccessLog.objects.get(action=LOG_CONSENT_OVERRIDE)
    assert (log.user_id, log.object_id, log.agency_id) == (manager.pk, str(case.pk), world.department_ls.pk)
    assert "điều tra" not in str(log)  # ids only in the log, the reason stays on the grant


def test_sharing_inside_the_owning_agency_needs_no_consent(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    colleague = member(world.centre_ls)
    grant = services.case_grant_access(user=world.caseworker_ls, case=case, grantee_user=colleague,
                                       actions=["case.view", "case.edit"], reason="Phân công")
    assert grant.consent is None and not grant.consent_override_reason


def test_withdrawing_a_consent_ends_the_shares_it_allowed_from_now_on(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    consent = consented(case, SharingParty.SOCIAL_CENTRE, SharingParty.POLICE)
    allowed = share(world, case, world.centre_hn)
    manager = member(world.department_ls, Role.AGENCY_MANAGER)
    other = consented(case, SharingParty.COMMUNE)  # a later, separate consent: its shares stay
    overridden = share(world, case, world.police_hn, user=manager, consent_override_reason="Bảo vệ nạn nhân")
    assert sees(world.caseworker_hn, case)

    services.consent_withdraw(user=world.caseworker_ls, consent=consent)
    allowed.refresh_from_db()
    overridden.refresh_from_db()
    assert allowed.revoked_at is not None and allowed.revoked_by == world.caseworker_ls
    assert overridden.revoked_at is None and other.pk
    assert not sees(world.caseworker_hn, case) and sees(world.police_officer_hn, case)
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    with pytest.raises(ValidationError):
        services.consent_withdraw(user=world.caseworker_ls, consent=consent)


def test_only_who_may_edit_the_case_withdraws_a_consent(world):
    from django.http import Http404

    case = CaseFactory(receiving_agency=world.centre_ls)
    consent = consented(case)
    with pytest.raises(Http404):
        services.consent_withdraw(user=world.caseworker_hn, consent=consent)


def test_the_withdraw_button_on_the_case_page(world, client):
    from .test_views_cases import client_as

    case = CaseFactory(receiving_agency=world.centre_ls)
    consent = consented(case)
    grant = share(world, case, world.centre_hn)
    client = client_as(world.caseworker_ls)
    page = client.get(f"/ho-so/{case.pk}/").content.decode()
    assert f"/ho-so/{case.pk}/dong-y/{consent.pk}/rut/" in page
    assert client.post(f"/ho-so/{case.pk}/dong-y/{consent.pk}/rut/").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
