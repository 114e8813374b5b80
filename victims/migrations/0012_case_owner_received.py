import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # As 0011: the new index built without locking the cases against writes, then the plain
    # foreign-key index it also serves dropped (not the foreign key itself).
    atomic = False

    dependencies = [
        ('accounts', '0010_api_scope_reports'),
        ('victims', '0011_case_person_scope'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='case',
            index=models.Index(fields=['owning_agency', 'received_on', 'id'], name='case_owner_received'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='case',
                name='owning_agency',
                field=models.ForeignKey(db_index=False, help_text='The agency responsible for the case now (changes with a handover).', on_delete=django.db.models.deletion.PROTECT, related_name='owned_cases', to='accounts.agency', verbose_name='owning agency'),
            )],
            database_operations=[migrations.RunSQL(
                'DROP INDEX CONCURRENTLY IF EXISTS "victims_case_owning_agency_id_46f969be"',
                'CREATE INDEX CONCURRENTLY IF NOT EXISTS "victims_case_owning_agency_id_46f969be" ON "victims_case" ("owning_agency_id")',
            )],
        ),
    ]
