"""COPY text for one chunk of stories, in two phases so that chunks can be made in parallel.

Phase 1 (the steps) decides every row of the chunk with chunk-local ids: a row's own id and the ids
it points to (other generated tables) count from 0 in the chunk, and a register number (case number,
decision number) is a `Numbered` placeholder. Only a chunk's case ids are final from the start (a
chunk holds a fixed number of cases), so text that embeds a case id can be written at once.

Phase 2 (`format_rows`) gets the chunk's offsets (the first id of each table and the last number of
each register before this chunk: known once the earlier chunks have counted their rows) and writes
the COPY text. The rows are the same as if the chunks had been made one after the other.
"""

NULL = "\\N"


class Numbered:
    """The `local`-th number of a register (agency, year) in this chunk, written with `template`
    (`{n}` is the number) once the register's last number before the chunk is known."""

    __slots__ = ("key", "local", "template")
    bases: dict = {}  # the chunk being formatted (one chunk at a time per process)

    def __init__(self, key, local: int, template: str = "{n}"):
        self.key, self.local, self.template = key, local, template

    def text(self, template: str) -> "Numbered":
        return Numbered(self.key, self.local, template)

    def resolve(self) -> str:
        return self.template.format(n=Numbered.bases.get(self.key, 0) + self.local)


def _value(v) -> str:
    if v.__class__ is int:
        return str(v)
    if v is None:
        return NULL
    if v is True:
        return "t"
    if v is False:
        return "f"
    if v.__class__ is list:
        return "{" + ",".join(v) + "}"
    if v.__class__ is Numbered:
        return v.resolve()
    return str(v)


class Table:
    """A COPY target. Values are generated, never typed by a user: the vocabularies hold no tab,
    newline or backslash, so rows need no escaping (checked once by the tests)."""

    def __init__(self, name: str, columns: list[str]):
        self.name, self.columns = name, columns
        self.rows: list[tuple] = []
        self.total = 0

    def add(self, *row) -> None:
        self.rows.append(row)

    def take(self) -> list[tuple]:
        rows, self.rows = self.rows, []
        return rows


def line(row) -> str:
    """One row as COPY text, whatever its values (the reference for `formatter`)."""
    return "\t".join([v if v.__class__ is str else _value(v) for v in row])


def formatter(columns: list[tuple[str, bool, bool, bool]]):
    """A function writing rows of one table as COPY text, made for its columns (a hot loop: one
    f-string per row). `columns` is (kind, nullable, shifted, numbered) per column: kind is "text",
    "int", "bool", "array" or "date" (dates and times); a shifted column holds a chunk-local id and
    gets an offset (the function's second argument, one per shifted column, in order); a numbered
    column may hold a `Numbered`. Gives the same text as `line` (tests/bench checks it)."""
    fields, offsets = [], []
    for i, (kind, nullable, shift, numbered) in enumerate(columns):
        v = f"r[{i}]"
        if numbered:
            fields.append(f"{{_v({v})}}")
            continue
        if shift:
            offsets.append(f"o{i}")
            value = f"{v} + o{i}"
        elif kind == "bool":
            value = f'"t" if {v} else "f"'
        elif kind == "array":
            value = f'"{{" + ",".join({v}) + "}}"'
        else:
            value = v
        fields.append(f"{{N if {v} is None else {value}}}" if nullable else f"{{{value}}}")
    unpack = f"    {', '.join(offsets)}, = offsets\n" if offsets else ""
    tab = "\\t"  # written into the source of the f-string
    source = (f"def format_rows(rows, offsets, N=NULL, _v=_value):\n{unpack}"
              f"    return [f'{tab.join(fields)}' for r in rows]\n")
    namespace = {"NULL": NULL, "_value": _value}
    exec(source, namespace)  # noqa: S102 - code built here from column kinds, no input
    return namespace["format_rows"]
