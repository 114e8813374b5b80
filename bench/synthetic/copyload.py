"""Rows streamed into PostgreSQL with COPY, one buffer per table, flushed every few thousand rows."""

import io

NULL = "\\N"


def _value(v) -> str:
    if v.__class__ is int:
        return str(v)
    if v is None:
        return NULL
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, list):
        return "{" + ",".join(v) + "}"
    return str(v)


class Table:
    """A COPY target. Values are generated, never typed by a user: the vocabularies hold no tab,
    newline or backslash, so rows need no escaping (checked once by the tests)."""

    def __init__(self, name: str, columns: list[str], flush_rows: int = 20000):
        self.name, self.columns, self.flush_rows = name, columns, flush_rows
        self.buffer = io.StringIO()
        self.pending = 0
        self.total = 0

    def add(self, *row) -> None:
        # Most values are already strings: convert only the others (a hot loop at a million rows).
        self.buffer.write("\t".join([v if v.__class__ is str else _value(v) for v in row]) + "\n")
        self.pending += 1

    def flush(self, cursor) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        cursor.copy_expert(f'COPY "{self.name}" ({", ".join(self.columns)}) FROM STDIN', self.buffer)
        self.total += self.pending
        self.pending = 0
        self.buffer = io.StringIO()
