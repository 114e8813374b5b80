import pytest

pytestmark = pytest.mark.django_db


def test_partner_lists_the_shared_case_masked(world, token):
    api = token("DT-HN")
    response = api.get("/api/v1/cases/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["id"] for row in body["results"]] == [world.home.case.pk]
    assert body["results"][0]["person"]["name"] == "T. T. H."
    for path in ("/api/v1/persons/", "/api/v1/support-requests/", "/api/v1/deliveries/", "/api/v1/facilities/",
                 "/api/v1/stays/", "/api/v1/"):
        response = api.get(path)
        assert response.status_code == 200, (path, response.content)
