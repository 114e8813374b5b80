"""Run an import: every row through its kind's form and services, grouped by register number.

The dry run and the import are the same code. A reception and every row that hangs off it (children,
identification, support, stays, visits) are written inside one savepoint; the dry run rolls each
savepoint back (its row locks go with it, so a long check does not hold up the agency's intake),
the import releases it and commits a transaction every `BATCH_SIZE` receptions. What the dry run
counts is therefore exactly what the import writes, the services' own rules included.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable

import pghistory
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import act_as
from accounts.roles import Action
from support.policy import policy_read_once
from victims.services import acting_membership_for, memberships_read_once

from .geography import PlaceResolver
from .kinds import kinds
from .kinds.base import ImportContext, Kind, RowError
from .models import ImportBatch, ImportedRecord
from .reading import CellReader, Row, read_rows

BATCH_SIZE = 100
ERRORS_KEPT = 5_000  # a file of nothing but errors still shows its first rows; the count is complete


@dataclasses.dataclass
class Result:
    counts: dict = dataclasses.field(default_factory=dict)
    errors: list = dataclasses.field(default_factory=list)
    error_count: int = 0

    def count(self, kind: str, what: str) -> None:
        self.counts.setdefault(kind, Counter())[what] += 1

    def error(self, row: Row, column_key: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            header = next((str(c.header) for c in row.kind.columns if c.key == column_key), "")
            self.errors.append({"sheet": row.sheet, "row": row.number, "column": header, "message": str(message)})


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def fingerprint(cleaned: dict) -> str:
    data = json.dumps(_jsonable(cleaned), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def _service_error(error: Exception, kind: Kind) -> RowError:
    if isinstance(error, RowError):
        return error
    if isinstance(error, ValidationError):
        return RowError.from_validation_error(error, kind.aliases)
    if isinstance(error, Http404):
        return RowError({"register_number": [_("This case is not in your agency's scope.")]})
    if isinstance(error, PermissionDenied):
        return RowError({"": [str(error) or _("Your role may not write this row.")]})
    return RowError({"": [_("This row conflicts with a record written at the same time: import the file again.")]})


class Run:
    def __init__(self, batch: ImportBatch, *, dry_run: bool, progress: Callable[[int, int], None] | None = None):
        self.batch = batch
        self.kinds = kinds()
        user = batch.confirmed_by if not dry_run and batch.confirmed_by_id else batch.created_by
        # The run acts as that user in the batch's agency only (least privilege, as in a request).
        act_as(user, acting_membership_for(user, batch.agency, Action.RECORDS_IMPORT))
        self.ctx = ImportContext(
            user=user,
            agency=batch.agency, batch=batch, places=PlaceResolver(), dry_run=dry_run,
            today=timezone.localdate(),
        )
        self.reader = CellReader()
        self.progress = progress or (lambda done, total: None)
        self.result = Result()
        self.ambiguities: dict[str, dict] = {}
        self.duplicates: list[dict] = []
        self.linked = 0

    # The reception kind reports what it found through these.
    def ambiguous_place(self, key: str, original: str, candidates) -> None:
        self.ambiguities.setdefault(key, {
            "key": key, "original": original, "candidates": [[unit.pk, unit.name] for unit in candidates],
        })

    def linked_person(self) -> None:
        self.linked += 1

    def for_review(self, row: Row, reference: str, score: int) -> None:
        self.duplicates.append({"sheet": row.sheet, "row": row.number, "reference": reference, "score": score})

    def __call__(self) -> Result:
        with self.batch.file.open("rb") as file:
            rows = read_rows(file, self.batch.file_name, self.kinds)
        total = len(rows)
        self.progress(0, total)
        groups: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            groups[str(row.cells.get("register_number", "")).strip()].append(row)
        records = self._records(groups)
        self.ctx.run = self
        done = 0
        keys = list(groups)
        with (pghistory.context(import_batch=self.batch.pk, dry_run=self.ctx.dry_run), memberships_read_once(),
              policy_read_once()):
            for start in range(0, len(keys), BATCH_SIZE):
                with transaction.atomic():
                    for key in keys[start:start + BATCH_SIZE]:
                        self._group(key, groups[key], records)
                        done += len(groups[key])
                self.progress(done, total)
        return self.result

    def _records(self, groups) -> dict[tuple[str, str], ImportedRecord]:
        registers = [key for key in groups if key]
        found = {}
        for start in range(0, len(registers), 5_000):
            query = ImportedRecord.objects.filter(
                agency=self.batch.agency, register_number__in=registers[start:start + 5_000],
            ).select_related("content_type", "case")
            for record in query:
                found[(record.kind, record.reference)] = record
        return found

    def _group(self, register: str, rows: list[Row], records) -> None:
        savepoint = transaction.savepoint()
        case = None
        reception = records.get(("reception", register))
        if reception is not None:
            case = reception.case
        reception_failed = False
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            kind = row.kind
            if kind.code != "reception" and reception_failed:
                self.result.count(kind.code, "error")
                self.result.error(row, "register_number", _("The reception of this register number has errors: correct it first."))
                continue
            outcome = self._row(row, case, records, seen)
            if kind.code == "reception":
                if outcome is None:
                    reception_failed = True
                else:
                    case = outcome
        if self.ctx.dry_run:
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)

    def _row(self, row: Row, case, records, seen):
        """Write one row in its own savepoint; the reception row returns its case (None on error)."""
        kind = row.kind
        values, cell_errors = self.reader.read(row)
        if cell_errors:
            for error in cell_errors:
                self.result.error(row, error.column, error.message)
            self.result.count(kind.code, "error")
            return None
        self.ctx.row = row
        savepoint = transaction.savepoint()
        try:
            cleaned = kind.clean(self.ctx, values)
            reference = kind.reference(cleaned)
            if (kind.code, reference) in seen:
                raise RowError({"line" if kind.keyed_by_line else "register_number": [
                    _("The same reference is on row %(row)s of this sheet.") % {"row": seen[(kind.code, reference)]}]})
            seen[(kind.code, reference)] = row.number
            self.ctx.reference = reference
            record = records.get((kind.code, reference))
            digest = fingerprint(cleaned)
            if record is not None and record.fingerprint == digest:
                what, obj = "unchanged", record.obj
            elif record is not None:
                obj = kind.update(self.ctx, record.obj, cleaned, record.cleaned)
                what = "update"
                if not self.ctx.dry_run:
                    record.fingerprint, record.cleaned, record.batch = digest, _jsonable(cleaned), self.batch
                    record.source = row.source
                    record.save(update_fields=["fingerprint", "cleaned", "batch", "source", "updated_at"])
            else:
                if kind.code != "reception" and case is None:
                    raise RowError({"register_number": [_(
                        "No reception with this register number, in this file or imported before."
                    )]})
                obj = kind.create(self.ctx, case, cleaned)
                what = "create"
                record = ImportedRecord(
                    agency=self.batch.agency, kind=kind.code, register_number=cleaned["register_number"],
                    reference=reference, fingerprint=digest,
                    created_by_batch=self.batch, batch=self.batch,
                    case=obj if kind.code == "reception" else case,
                    content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
                    cleaned=_jsonable(cleaned), source=row.source,
                )
                record.save()
                records[(kind.code, reference)] = record
        except (RowError, ValidationError, PermissionDenied, Http404, IntegrityError) as error:
            transaction.savepoint_rollback(savepoint)
            for column, messages in _service_error(error, kind).errors.items():
                for message in messages:
                    self.result.error(row, column, message)
            self.result.count(kind.code, "error")
            return None
        transaction.savepoint_commit(savepoint)
        self.result.count(kind.code, what)
        return record.case if kind.code == "reception" else obj
