from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from reporting.facts import rebuild_facts, stale_facts


class Command(BaseCommand):
    help = ("Compare the statistics' fact tables with their source views (reporting.facts); with --rebuild, "
            "refill them first. Exits with an error when a row differs.")

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true",
                            help="Refill every fact table from its view (after a load with triggers off).")

    def handle(self, *args, rebuild, **options):
        if rebuild:
            with transaction.atomic(), connection.cursor() as cursor:
                rebuild_facts(cursor)
            self.stdout.write("Rebuilt.")
        stale = stale_facts()
        for table, count in stale.items():
            self.stdout.write(f"  {table:<28} {count:>10,} rows differ")
        if any(stale.values()):
            raise CommandError("The fact tables differ from their sources: run with --rebuild.")
        self.stdout.write("The fact tables match their sources.")
