from django.db import migrations


def create_agency_types(apps, schema_editor):
    from accounts.agency_types import AGENCY_TYPES

    AgencyType = apps.get_model("accounts", "AgencyType")
    for order, (code, name_vi, name_en) in enumerate(AGENCY_TYPES, start=1):
        AgencyType.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_agency_types, migrations.RunPython.noop)]
