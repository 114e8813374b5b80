import pytest

from accounts.demo import seed_organisations
from accounts.models import User
from victims.demo import seed_cases
from victims.models import Case, CaseChild, FollowUpVisit, IdentificationOutcome
from victims.selectors import followups_overdue
from victims.workflow import Status

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_status_once_and_respect_scope():
    seed_organisations()
    assert seed_cases() is True
    count = Case.objects.count()
    assert seed_cases() is False
    assert Case.objects.count() == count

    assert set(Case.objects.values_list("status", flat=True)) == set(Status)
    assert CaseChild.objects.exists() and FollowUpVisit.objects.exists()
    assert IdentificationOutcome.objects.filter(outcome="not_victim").exists()

    canbo_hn, canbo_ls = User.objects.get(username="canbo.hn"), User.objects.get(username="canbo.ls")
    ha_noi_cases = set(Case.objects.visible_to(canbo_hn, "case.view"))
    assert ha_noi_cases and all(c.owning_agency.code == "TTBTXH-HN" for c in ha_noi_cases)
    assert not set(Case.objects.visible_to(canbo_ls, "case.view")) & ha_noi_cases
    assert not Case.objects.visible_to(User.objects.get(username="bo.phantich"), "case.view").exists()

    import django.utils.timezone as tz

    canbo_na = User.objects.get(username="canbo.na")
    assert followups_overdue(canbo_na, tz.localdate()).exists()
