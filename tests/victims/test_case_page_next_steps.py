"""The case page says what must happen next (issue #10 point 8): share a new case with who takes over."""

import pytest
from django.urls import reverse

from accounts.roles import Action
from tests.victims.factories import consented
from victims import services
from victims.models import ReceptionChannel

from .factories import days_ago
from .test_views_cases import client_as, detail

pytestmark = pytest.mark.django_db


def test_a_case_nobody_else_sees_yet_suggests_sharing_it_until_it_is_shared(world):
    case = services.case_register_reception(
        user=world.border_guard, agency=world.border_ls, reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
        full_name="Lục Thị Hạnh", received_on=days_ago(1),
    )
    guard = client_as(world.border_guard)

    body = guard.get(detail(case)).content.decode()
    assert 'data-testid="next-step-share"' in body
    assert "chia sẻ" in body and f'href="{reverse("victims:grant_create", args=[case.pk])}"' in body
    # The centre cannot see it yet: that is what the hint is about.
    assert client_as(world.caseworker_ls).get(detail(case)).status_code == 404

    consented(case)  # sharing stays within the victim's consent
    services.case_grant_access(user=world.border_guard, case=case, grantee_agency=world.centre_ls,
                               actions=[Action.CASE_VIEW], reason="Chuyển trung tâm hỗ trợ")
    assert 'data-testid="next-step-share"' not in guard.get(detail(case)).content.decode()
