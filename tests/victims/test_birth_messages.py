"""Birth-date messages never contradict each other (issue #10 point 10)."""

import pytest
from django.utils import timezone

from victims.models import Case

from .test_views_intake import START, dmy, guard, html, reception  # noqa: F401  (guard is a fixture)

pytestmark = pytest.mark.django_db

def test_a_future_date_of_birth_with_no_year_says_only_what_is_wrong_with_the_date(world, guard):  # noqa: F811
    future = timezone.localdate().replace(year=timezone.localdate().year + 4)
    response = guard.post(START, reception(world, birth_year="", date_of_birth=dmy(future)))

    errors = response.context["form"].errors
    assert not Case.objects.exists()
    assert len(errors["date_of_birth"]) == 1
    assert "birth_year" not in errors
    assert "Năm sinh phải" not in html(response)  # the year was left empty: nothing about it
    assert dmy(future) in html(response)
