import pytest
from django.core.management import call_command

from accounts.models import Agency, Membership, User
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_agency_type_and_role_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # second run: nothing new

    agencies = Agency.objects.select_related("type", "jurisdiction")
    assert {a.type.code for a in agencies} >= {
        "border_guard", "police", "immigration", "mission_abroad", "commune_committee",
        "social_affairs_department", "social_centre", "victim_support_facility", "ministry",
        "partner_organisation",
    }
    provinces = {a.jurisdiction.name for a in agencies if a.jurisdiction}
    assert len(provinces) >= 3
    assert "Tỉnh Lạng Sơn" in provinces  # a border province
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role)
    assert User.objects.filter(username="bienphong.ls").count() == 1
    assert "already present" in capsys.readouterr().out


def test_demo_logins_are_printed(capsys):
    call_command("seed_demo", "--logins")
    out = capsys.readouterr().out
    assert "bienphong.ls" in out and "pheduyet.ls" in out and "Demo@2026" in out
    assert "doitac.api" not in out  # the partner API account cannot sign in to the pages


def test_seed_demo_gives_realistic_cases_in_every_status():
    from victims.models import Case
    from victims.workflow import Status

    call_command("seed_demo")

    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert Case.objects.filter(children__isnull=False).exists()


def test_seed_demo_gives_facilities_with_residents_licences_and_an_inspection():
    from facilities.models import Inspection, Licence, Stay

    call_command("seed_demo")

    assert Stay.objects.filter(discharged_on__isnull=True).exists()
    assert len(set(Licence.objects.values_list("status", flat=True))) >= 3
    assert Inspection.objects.exists()


def test_seed_demo_gives_support_requests_in_several_states():
    from support.models import SupportRequest

    call_command("seed_demo")

    assert len(set(SupportRequest.objects.values_list("status", flat=True))) >= 3
