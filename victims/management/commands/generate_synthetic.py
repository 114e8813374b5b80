import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.synthetic.generator import Generator, RealDataError
from bench.synthetic.history import verify_foreign_keys


class Command(BaseCommand):
    help = ("Fill the database with a synthetic national dataset (deterministic for a seed) for tests and "
            "benchmarks. Refuses a database that already holds persons or cases unless --append.")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--append", action="store_true",
                            help="Add to a database that already holds persons and cases (never deletes).")
        parser.add_argument("--chunk", type=int, default=20000)
        parser.add_argument("--workers", type=int, default=2,
                            help="Processes making the chunks while this one copies them (0: all in this "
                                 "process). The rows do not depend on it.")
        parser.add_argument("--verify", action="store_true", help="Check every foreign key afterwards.")

    def handle(self, *args, persons, seed, append, chunk, workers, verify, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("Synthetic data is never generated with production settings.")
        started = time.monotonic()
        generator = Generator(persons=persons, seed=seed, chunk=chunk, workers=workers, log=self.stdout.write)
        try:
            counts = generator.run(append=append)
        except RealDataError as error:
            raise CommandError(f"{error} Use --append to add synthetic data to it anyway.") from None
        elapsed = time.monotonic() - started
        total = sum(counts.values())
        for name, count in counts.items():
            self.stdout.write(f"  {name:<34} {count:>12,}")
        self.stdout.write(f"{persons:,} persons, {total:,} rows (without history) in {elapsed:.0f} s "
                          f"({total / elapsed:,.0f} rows/s)")
        if verify:
            from django.db import connection

            with connection.cursor() as cursor:
                broken = verify_foreign_keys(cursor)
            if broken:
                raise CommandError(f"Broken foreign keys: {', '.join(broken)}")
            self.stdout.write("Every foreign key holds.")
