from django.core.management.base import BaseCommand

from accounts.admin_units import load_admin_units
from accounts.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Load or refresh provinces and communes from the vietnam-provinces package."

    def handle(self, *args, **options):
        provinces, communes = load_admin_units(AdministrativeUnit)
        self.stdout.write(self.style.SUCCESS(f"{provinces} provinces, {communes} communes loaded."))
