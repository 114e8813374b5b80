from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_migrate_loads_the_34_provinces_and_3321_communes():
    assert AdministrativeUnit.objects.provinces().count() == 34
    assert AdministrativeUnit.objects.communes().count() == 3321


def test_every_commune_belongs_to_a_province():
    assert not AdministrativeUnit.objects.communes().filter(parent__isnull=True).exists()
    assert not AdministrativeUnit.objects.communes().exclude(parent__level="province").exists()


def test_loading_again_changes_nothing():
    before = AdministrativeUnit.objects.count()
    call_command("load_admin_units", stdout=StringIO())
    assert AdministrativeUnit.objects.count() == before


@pytest.mark.parametrize("query", ["ha noi", "Hà Nội", "HA NOI", "  hà   nội "])
def test_search_ignores_diacritics_and_case(query):
    names = set(AdministrativeUnit.objects.provinces().search(query).values_list("name", flat=True))
    assert names == {"Thành phố Hà Nội"}


def test_search_finds_d_with_stroke_from_plain_d():
    names = list(AdministrativeUnit.objects.communes().search("dong kinh").values_list("name", flat=True))
    assert "Phường Đông Kinh" in names


def test_admin_units_page_searches_without_diacritics(staff_client):
    response = staff_client.get("/don-vi-hanh-chinh/", {"q": "lang son", "level": "province"})
    assert response.status_code == 200
    assert [u.name for u in response.context["page"]] == ["Tỉnh Lạng Sơn"]


def test_admin_units_page_is_paginated(staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = staff_client.get("/don-vi-hanh-chinh/", {"level": "commune", "page": 3})
    assert response.status_code == 200
    assert len(response.context["page"]) == 50
    assert response.context["page"].paginator.count == 3321
