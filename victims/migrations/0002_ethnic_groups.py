from django.db import migrations

from accounts.text import fold, nfc
from victims.ethnic_groups import ETHNIC_GROUPS


def load(apps, schema_editor):
    EthnicGroup = apps.get_model("victims", "EthnicGroup")
    for order, (code, name) in enumerate(ETHNIC_GROUPS, start=1):
        EthnicGroup.objects.update_or_create(
            code=code, defaults={"name": nfc(name), "name_folded": fold(name), "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("victims", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
