from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string

from accounts.demo import DEMO_PASSWORD, demo_logins

# Each app's demo loader, in dependency order; each is idempotent and returns whether it created data.
DEMO_LOADERS = [
    "accounts.demo.seed_organisations",
    "victims.demo.seed_cases",
    "facilities.demo.seed_facilities",
    "support.demo.seed_support",
    "victims.demo.seed_contacts",
    "reporting.demo.seed_activities",
]


class Command(BaseCommand):
    help = "Load the demo agencies, users and cases once (demo machines only); --logins prints them."

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, logins=False, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("Demo data is never loaded with production settings.")
        if logins:
            self.print_logins()
            return
        with transaction.atomic():
            created = [path for path in DEMO_LOADERS if import_string(path)()]
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {', '.join(created)}."))
        else:
            self.stdout.write("Demo data already present; nothing to do.")

    def print_logins(self):
        translation.activate("vi")
        self.stdout.write(f"  Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD})")
        for username, agency, role in demo_logins():
            self.stdout.write(f"    {username:<16} {agency:<12} {role}")
        if settings.TWO_FACTOR_REQUIRED:
            self.stdout.write("  Lần đăng nhập đầu tiên: quét mã QR bằng ứng dụng xác thực (TOTP).")
        else:
            self.stdout.write("  Demo: xác thực hai lớp đang tắt (TWO_FACTOR_REQUIRED=false).")
