"""Writes of an import: upload, pick places, confirm, undo. Each takes the acting user.

The check (dry run) and the import run in Celery (imports.tasks); these only record the user's
decisions and queue the work, so a page never waits for a file of 20,000 rows.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.formviews import history_context
from accounts.roles import Action
from victims.services import acting_membership_for

from .kinds import kind as kind_for
from .kinds.base import ImportContext
from .models import ImportBatch, ImportedRecord, ImportStatus

MAX_FILE_BYTES = 20 * 1024 * 1024
EXTENSIONS = (".xlsx", ".csv")
# Undone last-written-first: what hangs off a reception goes before it.
UNDO_ORDER = ("visit", "stay", "support", "identification", "child", "reception")


def _queue(task, batch_id: int) -> None:
    transaction.on_commit(lambda: task.delay(batch_id))


def import_upload(*, user, agency, file, queue: bool = True) -> ImportBatch:
    """Store an uploaded register and queue its check (nothing is written to case files yet).
    `queue=False`: the caller runs the check itself (the import_records command)."""
    from .tasks import check_import

    acting_membership_for(user, agency, Action.RECORDS_IMPORT)
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    if not name.lower().endswith(EXTENSIONS):
        raise ValidationError({"file": _("Upload the register as an Excel file (.xlsx) or a CSV file.")})
    if file.size > MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file is larger than %(max)s MB: split it into several files.") % {
            "max": MAX_FILE_BYTES // 2**20}})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    with transaction.atomic():
        batch = ImportBatch(agency=agency, created_by=user, file_name=name[:255], file_sha256=digest.hexdigest())
        batch.file.save(name, file, save=False)
        batch.save()
        if queue:
            _queue(check_import, batch.pk)
    return batch


def batches_for(actor):
    """The imports of the acting agency, when its role may import (newest first); none otherwise."""
    if actor is None or not actor.can(Action.RECORDS_IMPORT):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(agency_id=actor.agency_id).select_related("agency", "created_by")


def batch_get(actor, pk) -> ImportBatch:
    try:
        return batches_for(actor).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404("No import matches the given query.") from None


def _lock(actor, batch) -> ImportBatch:
    batch = batches_for(actor).select_for_update(of=("self",)).filter(pk=getattr(batch, "pk", batch)).first()
    if batch is None:
        raise Http404("No import matches the given query.")
    return batch


def import_pick_places(*, actor, batch, picks: dict[str, int]) -> ImportBatch:
    """The user picked the current unit of old places the mapping could not decide: check again."""
    from .tasks import check_import

    with transaction.atomic():
        batch = _lock(actor, batch)
        if batch.status != ImportStatus.VALIDATED or not batch.ambiguities:
            raise ValidationError(_("Places are picked after the check and before the import."))
        if not picks:
            raise ValidationError(_("Pick the current unit of every place listed."))
        allowed = {item["key"]: {pk for pk, _name in item["candidates"]} for item in batch.ambiguities}
        for key, unit_id in picks.items():
            if key not in allowed or int(unit_id) not in allowed[key]:
                raise ValidationError(_("Pick one of the units proposed."))
        batch.resolutions = {**batch.resolutions, **{key: int(unit_id) for key, unit_id in picks.items()}}
        batch.status, batch.rows_done = ImportStatus.QUEUED, 0
        batch.save(update_fields=["resolutions", "status", "rows_done"])
        _queue(check_import, batch.pk)
    return batch


def import_confirm(*, actor, batch) -> ImportBatch:
    """Import the rows the check found valid (the others are listed and left out). Once."""
    from .tasks import run_import

    with transaction.atomic():
        batch = _lock(actor, batch)
        user = actor.user
        acting_membership_for(user, batch.agency, Action.RECORDS_IMPORT)
        if batch.status == ImportStatus.IMPORTING or batch.status == ImportStatus.IMPORTED:
            return batch  # a second click, or a second tab
        if batch.status != ImportStatus.VALIDATED:
            raise ValidationError(_("This file can be imported only after its check has finished."))
        batch.status, batch.confirmed_by, batch.rows_done = ImportStatus.IMPORTING, user, 0
        batch.save(update_fields=["status", "confirmed_by", "rows_done"])
        _queue(run_import, batch.pk)
    return batch


def undo_blockers(batch: ImportBatch) -> list[str]:
    """The references of what this import created that someone has changed since (or a later import
    wrote again): while there are any, the import cannot be undone."""
    if batch.status != ImportStatus.IMPORTED or batch.imported_at is None:
        return []
    blockers = []
    for record in batch.created_records.select_related("content_type"):
        obj = record.obj
        if obj is None:
            continue
        if record.batch_id != batch.pk or kind_for(record.kind).changed_since(obj, batch.imported_at):
            blockers.append(record.reference)
    return sorted(blockers)


def import_undo(*, actor, batch) -> ImportBatch:
    """Remove every record this import created, if no one has changed any of them since."""
    user = actor.user
    with transaction.atomic(), history_context(user):
        batch = _lock(actor, batch)
        acting_membership_for(user, batch.agency, Action.RECORDS_IMPORT)
        if batch.status == ImportStatus.UNDONE:
            return batch
        if batch.status != ImportStatus.IMPORTED:
            raise ValidationError(_("Only a finished import can be undone."))
        blockers = undo_blockers(batch)
        if blockers:
            shown = ", ".join(blockers[:10]) + ("…" if len(blockers) > 10 else "")
            raise ValidationError(_(
                "This import cannot be undone: %(count)s records it created were changed since (%(refs)s)."
            ) % {"count": len(blockers), "refs": shown})
        ctx = ImportContext(user=user, agency=batch.agency, batch=batch, places=None, dry_run=False,
                            today=timezone.localdate())
        records = list(batch.created_records.select_related("content_type"))
        records.sort(key=lambda record: UNDO_ORDER.index(record.kind))
        for record in records:
            obj = record.obj
            record.delete()
            if obj is not None:
                kind_for(record.kind).undo(ctx, obj)
        # Rows this import only updated keep their new values: the history shows what they were.
        ImportedRecord.objects.filter(batch=batch).update(batch=F("created_by_batch"))
        batch.status, batch.undone_by, batch.undone_at = ImportStatus.UNDONE, user, timezone.now()
        batch.save(update_fields=["status", "undone_by", "undone_at"])
    return batch

