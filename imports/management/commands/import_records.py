"""Load a whole register from the command line, with the same check and report as the page."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Agency, Membership
from accounts.roles import ROLE_ACTIONS, Action
from imports import services
from imports.engine import Run
from imports.models import ImportStatus
from imports.reading import FileError
from imports.runs import _finish


class Command(BaseCommand):
    help = "Check (--dry-run) or import an agency's register file (.xlsx or .csv), as the import page does."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--agency", required=True, help="The agency's code.")
        parser.add_argument("--user", help="Who imports (a member of the agency who may import). "
                                           "Default: the agency's only such member.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and write nothing.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            agency = Agency.objects.get(code=options["agency"])
        except Agency.DoesNotExist:
            raise CommandError(f"No agency with the code {options['agency']}.") from None
        user = self._user(agency, options["user"])
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            upload.size = path.stat().st_size
            try:
                batch = services.import_upload(user=user, agency=agency, file=upload, queue=False)
            except (ValidationError, PermissionDenied) as error:
                raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        dry_run = options["dry_run"]
        batch.status = ImportStatus.VALIDATING if dry_run else ImportStatus.IMPORTING
        batch.confirmed_by = None if dry_run else user
        batch.save(update_fields=["status", "confirmed_by"])
        run = Run(batch, dry_run=dry_run, progress=self._progress)
        try:
            run()
        except FileError as error:
            batch.status, batch.failure = ImportStatus.FAILED, str(error)
            batch.save(update_fields=["status", "failure"])
            raise CommandError(str(error)) from error
        if dry_run:
            _finish(batch, run, ImportStatus.VALIDATED, validated_at=timezone.now())
        else:
            _finish(batch, run, ImportStatus.IMPORTED, validated_at=timezone.now(), imported_at=timezone.now())
            batch.file.delete(save=True)  # as the page's import does: the rows are in the case files now
        self._report(batch, dry_run)

    def _user(self, agency, username):
        roles = [role for role, actions in ROLE_ACTIONS.items() if Action.RECORDS_IMPORT in actions]
        members = Membership.objects.filter(agency=agency, role__in=roles, is_active=True, user__is_active=True)
        if username:
            membership = members.filter(user__username=username).select_related("user").first()
            if membership is None:
                raise CommandError(f"{username} may not import for {agency.code}.")
            return membership.user
        found = list(members.select_related("user")[:2])
        if len(found) != 1:
            raise CommandError(f"Name the user who imports with --user (members of {agency.code} who may import: "
                               f"{', '.join(m.user.username for m in members.select_related('user')[:10]) or 'none'}).")
        return found[0].user

    def _progress(self, done, total):
        self.stderr.write(f"\r{done}/{total}", ending="")

    def _report(self, batch, dry_run):
        self.stderr.write("")
        self.stdout.write(f"Import {batch.pk}: {'checked (nothing written)' if dry_run else 'imported'}")
        for kind, counts in batch.counts.items():
            if isinstance(counts, dict):
                shown = ", ".join(f"{what} {n}" for what, n in sorted(counts.items()))
                self.stdout.write(f"  {kind}: {shown}")
        self.stdout.write(f"  persons linked: {batch.counts.get('persons_linked', 0)}, "
                          f"for review: {batch.counts.get('for_review', 0)}, rows with errors: {batch.counts.get('errors', 0)}")
        for error in batch.errors[:200]:
            self.stdout.write(f"  {error['sheet']} row {error['row']} [{error['column'] or '-'}]: {error['message']}")
        if len(batch.errors) > 200:
            self.stdout.write(f"  … {len(batch.errors) - 200} more errors: see the import page.")
