import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import runs, services
from imports.models import ImportBatch
from tests.factories import AgencyFactory, MembershipFactory
from tests.imports.register import register_xlsx
from victims.models import Case

pytestmark = pytest.mark.django_db


def test_smoke():
    m = MembershipFactory()
    rows = [{"register_number": f"TN-{i}", "received_on": datetime.date(2019, 3, i + 1), "reception_channel": "Được giải cứu" if False else "rescued",
             "full_name": f"Nguyễn Thị Hoa {i}", "sex": "Nữ", "birth_year": 2000, "home_province": "Lạng Sơn"} for i in range(3)]
    rows.append({"register_number": "TN-bad", "received_on": "32/13/2019", "reception_channel": "rescued", "full_name": "X"})
    children = [{"register_number": "TN-0", "line": 1, "full_name": "Nguyễn Văn An", "birth_year": 2017, "relationship": "child"}]
    data = register_xlsx({"reception": rows, "child": children})
    batch = services.import_upload(user=m.user, agency=m.agency, file=SimpleUploadedFile("so.xlsx", data))
    runs.check_batch(batch.pk)
    batch.refresh_from_db()
    print(batch.status, batch.counts, batch.errors, batch.failure)
    assert Case.objects.count() == 0
    services.import_confirm(user=m.user, batch=batch)
    runs.import_batch(batch.pk)
    batch.refresh_from_db()
    print(batch.status, batch.counts, batch.errors)
    assert Case.objects.count() == 3
