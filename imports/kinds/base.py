"""What every kind of register row declares: its columns (the template is made from them) and how a
row is checked and written through the same forms and services the UI uses.

A row names its reception by the agency's register number (`register_number`). Rows of the other
kinds add a line number (`line`) within that reception, so every row has a reference of the agency's
own that a second import of the same file finds again.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import Agency, User
    from victims.models import Case

    from ..geography import PlaceResolver
    from ..models import ImportBatch


class ColumnType:
    TEXT = "text"
    INTEGER = "integer"
    MONEY = "money"  # whole đồng; "1.000.000", "1000000" and "1.000.000 ₫" are read alike
    DATE = "date"  # dd/mm/yyyy, or a date cell
    CHOICE = "choice"  # one of `choices`: the cell holds the Vietnamese label (a drop-down list) or the code
    CHOICES = "choices"  # several of `choices`, separated by ";"
    BOOLEAN = "boolean"  # "Có" / "Không"
    PLACE = "place"  # free text of a province, district or ward, old or current (see imports.geography)


@dataclasses.dataclass(frozen=True)
class Column:
    key: str  # the form or service field it feeds; also its name in errors
    header: Any  # Vietnamese column header (lazy text); the file is matched on it, diacritics ignored
    help: Any  # one line for the explanation sheet
    type: str = ColumnType.TEXT
    required: bool = False
    choices: Callable[[], Iterable[tuple[str, str]]] | None = None  # (code, label), read when needed
    example: str = ""  # a filled cell for the template's example row


REGISTER_NUMBER = Column(
    "register_number", _("Register number"),
    _("The number of the reception in your agency's register; it identifies the row when the file is imported again."),
    required=True, example="TN-2019-015",
)
LINE = Column(
    "line", _("Line number"),
    _("The line's number within this reception (1, 2, 3…); it identifies the line when the file is imported again."),
    type=ColumnType.INTEGER, required=True, example="1",
)


class RowError(Exception):
    """A row that cannot be written: messages by column key ("" for the row as a whole)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def from_validation_error(cls, error: ValidationError, aliases: dict[str, str] | None = None) -> RowError:
        """A service's or a form's ValidationError, its fields renamed to columns by `aliases`."""
        aliases = aliases or {}
        if hasattr(error, "error_dict"):
            errors: dict[str, list[str]] = {}
            for field, messages in error.message_dict.items():
                key = "" if field == "__all__" else aliases.get(field, field)
                errors.setdefault(key, []).extend(messages)
            return cls(errors)
        return cls({"": list(error.messages)})

    @classmethod
    def from_form(cls, form, aliases: dict[str, str] | None = None) -> RowError:
        aliases = aliases or {}
        errors: dict[str, list[str]] = {}
        for field, messages in form.errors.items():
            key = "" if field == "__all__" else aliases.get(field, field)
            errors.setdefault(key, []).extend(messages)
        return cls(errors)


@dataclasses.dataclass
class ImportContext:
    """What a row is written with: the acting user and agency, the run's place resolver, and
    whether this is the dry run (everything is written, then rolled back) or the real one."""

    user: User
    agency: Agency
    batch: ImportBatch
    places: PlaceResolver
    dry_run: bool
    today: datetime.date


class Kind:
    """One kind of register row. Subclasses set the class attributes and the methods below."""

    code: ClassVar[str]  # "reception", "child", "identification", "support", "stay", "visit"
    title: ClassVar[Any]  # the sheet's name (Vietnamese, lazy): "Tiếp nhận"
    columns: ClassVar[tuple[Column, ...]]  # starts with REGISTER_NUMBER (and LINE for dependent kinds)
    # Service field name -> column key, for a service's errors that name a field, not a column.
    aliases: ClassVar[dict[str, str]] = {}
    # A date column the rows are written in the order of (within the file), when order matters.
    written_in_order_of: ClassVar[str | None] = None

    @property
    def keyed_by_line(self) -> bool:
        return LINE in self.columns

    def reference(self, cleaned: dict) -> str:
        """The agency's own reference of the row: the register number, with the line number."""
        if self.keyed_by_line:
            return f"{cleaned['register_number']}#{cleaned['line']}"
        return str(cleaned["register_number"])

    def clean(self, ctx: ImportContext, values: dict[str, Any]) -> dict[str, Any]:
        """Check the row's values (already read by column type: dates are dates, choices are codes,
        places are `PlaceMatch`es) with the UI's form; return what `create`/`update` take.
        Raise RowError (use RowError.from_form)."""
        raise NotImplementedError

    def create(self, ctx: ImportContext, case: Case | None, cleaned: dict) -> Any:
        """Write the row through the services and return the object it created (a reception returns
        its Case; the others get the reception's case). Raise RowError, ValidationError,
        PermissionDenied or Http404 (the engine turns each into an error of the row)."""
        raise NotImplementedError

    def update(self, ctx: ImportContext, obj: Any, cleaned: dict, previous: dict) -> Any:
        """The row changed since it was imported (`previous` is what was imported then): update
        `obj` through the services, with history. Raise RowError if this kind cannot change a
        written record this way (say where to correct it instead)."""
        raise RowError({"": [str(_("This line was already imported and has changed: correct it on the case page."))]})

    def changed_since(self, obj: Any, when: datetime.datetime) -> bool:
        """Whether anyone changed `obj` after the import wrote it (then the import cannot be undone)."""
        updated = getattr(obj, "updated_at", None)
        return bool(updated and updated > when)

    def undo(self, ctx: ImportContext, obj: Any) -> None:
        """Remove what `create` wrote for this row (dependent kinds are undone before receptions)."""
        obj.delete()
