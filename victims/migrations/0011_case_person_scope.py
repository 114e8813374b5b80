import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

# The name search's first word is a prefix range of `name_folded` (person_name_w1): at the default
# statistics target its row estimate was 3x the real one, enough for the planner to read the whole
# scope's cases instead of the few persons' cases (bench/results.md, session 4).
NAME_STATISTICS = "ALTER TABLE victims_person ALTER COLUMN name_folded SET STATISTICS {}"


class Migration(migrations.Migration):
    # Built without locking the cases against writes; the plain foreign-key index it replaces is
    # dropped once the new one serves the person lookups.
    atomic = False

    dependencies = [
        ('victims', '0010_name_word_search'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='case',
            index=models.Index(fields=['person'], include=('id', 'owning_agency', 'province'), name='case_person_scope'),
        ),
        # AlterField would drop and re-add the foreign key (a validating scan under a write lock):
        # only the index goes.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='case',
                name='person',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='victims.person', verbose_name='person'),
            )],
            database_operations=[migrations.RunSQL(
                'DROP INDEX CONCURRENTLY IF EXISTS "victims_case_person_id_b1647616"',
                'CREATE INDEX CONCURRENTLY IF NOT EXISTS "victims_case_person_id_b1647616" ON "victims_case" ("person_id")',
            )],
        ),
        migrations.RunSQL(
            [NAME_STATISTICS.format(1000), "ANALYZE victims_person (name_folded)"],
            [NAME_STATISTICS.format(-1)],
        ),
    ]
