from django.db import migrations


def load(apps, schema_editor):
    from accounts.admin_units import load_admin_units

    load_admin_units(apps.get_model("accounts", "AdministrativeUnit"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_agency_types")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
