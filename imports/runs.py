"""The check and the import of a batch, as the Celery tasks run them: progress on the batch row as
it goes, the result (counts, errors by row and column, places to pick, duplicates) at the end."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from .engine import Run
from .models import ImportBatch, ImportStatus
from .reading import FileError


def _progress(batch_id: int):
    def report(done: int, total: int) -> None:
        # Outside the run's transactions: the page polling this row sees it advance.
        ImportBatch.objects.filter(pk=batch_id).update(rows_done=done, rows_total=total)
    return report


def _finish(batch: ImportBatch, run: Run, status: str, **fields) -> None:
    result = run.result
    batch.counts = {
        **{kind: dict(counter) for kind, counter in result.counts.items()},
        "errors": result.error_count, "persons_linked": run.linked, "for_review": len(run.duplicates),
    }
    batch.errors = result.errors
    batch.ambiguities = list(run.ambiguities.values())
    batch.duplicates = run.duplicates
    batch.status = status
    batch.failure = ""
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.save()


def _fail(batch: ImportBatch, reason: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED, failure=reason)


def check_batch(batch_id: int) -> None:
    """The dry run: every row through the forms and services, all of it rolled back."""
    batch = ImportBatch.objects.select_related("agency", "created_by").get(pk=batch_id)
    if batch.status not in (ImportStatus.QUEUED, ImportStatus.VALIDATING):
        return  # a redelivered message after the check finished
    ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.VALIDATING)
    try:
        run = Run(batch, dry_run=True, progress=_progress(batch_id))
        run()
    except (FileError, PermissionDenied) as error:
        _fail(batch, str(error))
        return
    batch.refresh_from_db(fields=["rows_total", "rows_done"])
    _finish(batch, run, ImportStatus.VALIDATED, validated_at=timezone.now())


def import_batch(batch_id: int) -> None:
    """The import: the same run, committed a transaction per hundred receptions."""
    batch = ImportBatch.objects.select_related("agency", "created_by", "confirmed_by").get(pk=batch_id)
    if batch.status != ImportStatus.IMPORTING:
        return
    try:
        run = Run(batch, dry_run=False, progress=_progress(batch_id))
        run()
    except (FileError, PermissionDenied) as error:
        _fail(batch, str(error))
        return
    except Exception:
        # Committed batches stay (a second import of the file finds them and writes the rest).
        _fail(batch, _("The import stopped on an unexpected error; what was written is kept: import the file again to finish."))
        raise
    batch.refresh_from_db(fields=["rows_total", "rows_done"])
    _finish(batch, run, ImportStatus.IMPORTED, imported_at=timezone.now())
    # The rows are in the case files now (each record keeps its own cells): the uploaded register,
    # a second copy of every name in it, is not kept. Its fingerprint stays on the batch.
    batch.file.delete(save=True)
