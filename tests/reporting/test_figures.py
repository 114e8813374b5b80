"""Every figure of every table, at national, province and agency level, on the known population."""

import datetime

import pytest

from accounts.actor import act_as
from reporting.scope import Filters, statistics_geography
from reporting.statistics import dashboard
from tests.reporting.population import build

pytestmark = pytest.mark.django_db
YEAR = Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31), on_date=datetime.date(2025, 12, 31))


@pytest.fixture
def world(db):
    return build()


def figures(world, persona, filters=YEAR):
    membership = world.memberships[persona]
    actor = act_as(membership.user, membership)
    board = dashboard(actor, statistics_geography(actor), filters)
    return board, {t.key: {row.key or row.label: [c[0] for c in row.cells] for row in t.rows + ([t.total] if t.total else [])}
                   for t in board.tables}


def test_smoke(world):
    board, f = figures(world, "ministry_analyst")
    import pprint
    pprint.pprint(f)
    assert 0
