"""The example client (examples/partner_client.py) runs against a live server with a partner token."""

import runpy
import sys
from pathlib import Path

import pytest

from accounts.roles import Role
from support.models import Delivery
from tests.api.world import make_token
from victims.models import ReferralStatus, ServiceKind, SharedPart
from victims.referrals import referral_send

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partner_client.py"


def test_the_example_lists_cases_and_records_a_delivery(world, live_server, monkeypatch, capsys):
    secret = make_token(world.agencies["DT-HN"])[2]
    monkeypatch.setenv("NANHAN_URL", live_server.url)
    monkeypatch.setenv("NANHAN_TOKEN", secret)
    monkeypatch.setattr(sys, "argv", ["partner_client.py"])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert world.home.case.case_number in out and "T. T. H." in out and world.away.case.case_number not in out
    monkeypatch.setattr(sys, "argv", ["partner_client.py", "deliver", str(world.home.line.pk), "in_kind", "1"])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    assert capsys.readouterr().out.startswith("201")
    assert Delivery.objects.filter(line=world.home.line).count() == 1


def test_the_example_lists_the_referral_inbox_and_accepts_one(world, live_server, monkeypatch, capsys):
    sender = world.home.case.owning_agency.memberships.filter(role=Role.CASEWORKER).first().user
    referral = referral_send(user=sender, case=world.home.case, receiving_agency=world.agencies["TT-HN"],
                             reason="Cần tạm trú", services=[ServiceKind.SHELTER], shared_parts=[SharedPart.IDENTITY])
    secret = make_token(world.agencies["TT-HN"], role=Role.CASEWORKER)[2]
    monkeypatch.setenv("NANHAN_URL", live_server.url)
    monkeypatch.setenv("NANHAN_TOKEN", secret)
    monkeypatch.setattr(sys, "argv", ["partner_client.py", "inbox"])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith(f"{referral.pk} TT-LS normal") and "identity" in out and "Triệu" not in out
    monkeypatch.setattr(sys, "argv", ["partner_client.py", "accept", str(referral.pk), "Đã", "nhận"])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith("200") and "Triệu Thị Hằng" in out
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.answer_reason == "Đã nhận"
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    assert capsys.readouterr().out.startswith("409")
