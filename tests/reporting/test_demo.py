"""The demo data gives the dashboards programme activities and contacts; each loader runs once."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.actor import act_as
from accounts.models import Membership
from reporting.demo import seed_activities
from reporting.models import ProgrammeActivity
from reporting.scope import Filters, statistics_geography
from reporting.statistics import build_tables
from victims.demo import seed_contacts
from victims.models import Contact

pytestmark = pytest.mark.django_db


def totals(username) -> dict:
    membership = Membership.objects.get(user__username=username)
    today = timezone.localdate()
    filters = Filters(start=today - datetime.timedelta(days=365), end=today)
    tables = build_tables(statistics_geography(act_as(membership.user, membership)), filters)["by_key"]
    return {key: tables[key].total.values[tables[key].columns[0].key]
            for key in ("activities", "contacts_channel", "contacts_kind")}


def test_the_demo_dashboards_have_activities_and_contacts():
    call_command("seed_demo")
    counts = (ProgrammeActivity.objects.count(), Contact.objects.count())
    assert counts == (6, 8)
    assert Contact.objects.filter(outcome="case_opened", case__isnull=False).count() == 1
    assert not Contact.objects.exclude(caller_name="").exists()  # no caller identity in the demo
    assert totals("bo.phantich") == {"activities": 6, "contacts_channel": 8, "contacts_kind": 8}
    assert totals("thongke.ls") == {"activities": 3, "contacts_channel": 4, "contacts_kind": 4}

    assert seed_activities() is False and seed_contacts() is False
    assert (ProgrammeActivity.objects.count(), Contact.objects.count()) == counts
