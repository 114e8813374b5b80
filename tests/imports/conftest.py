import pytest
from django.utils import timezone

from imports.kinds.base import ImportContext
from imports.models import ImportBatch
from tests.victims.factories import agency, member


class World:
    """Lạng Sơn: a social work centre and the provincial police, each importing its register;
    Hà Nội: a centre whose cases are out of their scope."""

    def __init__(self):
        self.centre = agency("social_centre", "lang son", code="TTCTXH-LS", name="Trung tâm CTXH Lạng Sơn")
        self.police = agency("police", "lang son", code="CA-LS", name="Công an tỉnh Lạng Sơn")
        self.centre_hn = agency("social_centre", "ha noi", code="TTBTXH-HN")
        self.caseworker = member(self.centre)
        self.officer = member(self.police)
        self.caseworker_hn = member(self.centre_hn)


@pytest.fixture
def world(db):
    return World()


def context(user, agency, *, dry_run=False) -> ImportContext:
    batch = ImportBatch.objects.create(
        agency=agency, created_by=user, file="imports/register.xlsx", file_name="so-dang-ky.xlsx",
        file_sha256="0" * 64,
    )
    return ImportContext(user=user, agency=agency, batch=batch, places=None, dry_run=dry_run,
                         today=timezone.localdate())


def row(**values) -> dict:
    """A row as the engine hands it to `clean`: values read by column type."""
    return {"register_number": "TN-2019-015", "line": 1, **values}
