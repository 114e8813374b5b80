"""Small-cell suppression: the one rule every statistics figure shown without case-level access follows.

A table is a grid of counts with its row totals, column totals and grand total (a one-column
breakdown is a grid of one column). Published cells and margins are linear equations an analyst can
solve; the rule hides enough of them that no hidden value can be worked out:

1. Primary: every cell, margin or total with 0 < value < threshold is hidden ("<5"). Zero is shown.
2. Secondary (complementary): in the extended grid (cells plus the totals row and column) every line
   — a row with its total, a column with its total — must hide none or at least two entries. A line
   with exactly one hidden entry hides, in addition, its smallest positive visible cell; when it has
   none, its total.
3. No hidden value may be derived from the others: the hidden entries of the extended grid are the
   edges of a bipartite graph between its lines (rows and the totals row; columns and the totals
   column); an edge that lies on no cycle (a bridge) is determined by the equations, so the rule adds
   one more hidden entry closing a cycle through it, and repeats until there is no bridge.

`suppress` is pure (no database), so hypothesis tests it on random tables
(tests/reporting/test_suppression.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_THRESHOLD = 5


@dataclass
class Suppressed:
    """Which entries of a table are hidden: cells[i][j], row_totals[i], col_totals[j], grand."""

    cells: list[list[bool]]
    row_totals: list[bool]
    col_totals: list[bool]
    grand: bool
    primary: set = field(default_factory=set)

    def any(self) -> bool:
        return self.grand or any(self.row_totals) or any(self.col_totals) or any(any(r) for r in self.cells)


def _extended(cells):
    rows = [list(r) + [sum(r)] for r in cells]
    ncols = len(cells[0]) if cells else 0
    totals = [sum(cells[i][j] for i in range(len(cells))) for j in range(ncols)]
    rows.append(totals + [sum(totals)])
    return rows


def suppress(cells: list[list[int]], threshold: int = DEFAULT_THRESHOLD) -> Suppressed:
    """Hide small cells of `cells` (rows × columns of non-negative counts) and enough others."""
    n = len(cells)
    m = len(cells[0]) if n else 0
    grid = _extended(cells)
    R, C = n + 1, m + 1  # the last row and column are the totals
    hidden = [[0 < grid[i][j] < threshold for j in range(C)] for i in range(R)]
    primary = {(i, j) for i in range(R) for j in range(C) if hidden[i][j]}

    def lines():
        for i in range(R):
            yield [(i, j) for j in range(C)]
        for j in range(C):
            yield [(i, j) for i in range(R)]

    def hide_another(line, exclude=()):
        """Hide the smallest positive visible entry of a line, cells before its total."""
        total = line[-1]
        candidates = [p for p in line[:-1] if not hidden[p[0]][p[1]] and grid[p[0]][p[1]] > 0 and p not in exclude]
        if candidates:
            choice = min(candidates, key=lambda p: (grid[p[0]][p[1]], p))
        elif not hidden[total[0]][total[1]] and grid[total[0]][total[1]] > 0:
            choice = total
        else:
            return False
        hidden[choice[0]][choice[1]] = True
        return True

    changed = True
    while changed:
        changed = False
        for line in lines():
            if sum(hidden[i][j] for i, j in line) == 1:
                changed |= hide_another(line)
        if not changed:
            changed = _break_bridges(grid, hidden, R, C)

    return Suppressed(
        cells=[[hidden[i][j] for j in range(m)] for i in range(n)],
        row_totals=[hidden[i][m] for i in range(n)],
        col_totals=[hidden[n][j] for j in range(m)],
        grand=hidden[n][m],
        primary=primary,
    )


def _break_bridges(grid, hidden, R, C) -> bool:
    """Find a hidden entry whose value the equations determine (a bridge) and hide one more entry
    so that it lies on a cycle. True when something was hidden."""
    edges = [(i, j) for i in range(R) for j in range(C) if hidden[i][j]]
    if not edges:
        return False
    adjacency: dict[tuple, list[tuple]] = {}
    for i, j in edges:
        adjacency.setdefault(("r", i), []).append((("c", j), (i, j)))
        adjacency.setdefault(("c", j), []).append((("r", i), (i, j)))
    for edge in edges:
        if not _on_cycle(adjacency, edge) and _close_cycle(grid, hidden, R, C, adjacency, edge):
            return True
    return False


def _reachable(adjacency, start, skip_edge):
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        for other, e in adjacency.get(node, ()):
            if e != skip_edge and other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def _on_cycle(adjacency, edge) -> bool:
    i, j = edge
    return ("c", j) in _reachable(adjacency, ("r", i), edge)


def _close_cycle(grid, hidden, R, C, adjacency, edge) -> bool:
    """Hide one visible positive entry linking the two sides of the bridge `edge`."""
    i, j = edge
    side_r = _reachable(adjacency, ("r", i), edge)
    side_c = _reachable(adjacency, ("c", j), edge)
    rows_r = [n for kind, n in side_r if kind == "r"]
    cols_r = [n for kind, n in side_r if kind == "c"]
    rows_c = [n for kind, n in side_c if kind == "r"]
    cols_c = [n for kind, n in side_c if kind == "c"]
    # An entry (row on the row side, column on the column side) closes the cycle... with a path back:
    # row a (row side) – column b (column side) joins the two components.
    candidates = [(a, b) for a in rows_r for b in cols_c] + [(a, b) for a in rows_c for b in cols_r]
    candidates = [p for p in candidates if not hidden[p[0]][p[1]] and grid[p[0]][p[1]] > 0]
    if not candidates:
        # Zero entries are public; a line of zeros cannot protect. Widen: any visible positive entry on
        # the bridge's row or column, which adds a new line to grow the cycle from.
        candidates = [(i, b) for b in range(C) if not hidden[i][b] and grid[i][b] > 0]
        candidates += [(a, j) for a in range(R) if not hidden[a][j] and grid[a][j] > 0]
        if not candidates:
            return False
    a, b = min(candidates, key=lambda p: (grid[p[0]][p[1]], p[0] == R - 1 or p[1] == C - 1, p))
    hidden[a][b] = True
    return True


def suppress_column(values: list[int], threshold: int = DEFAULT_THRESHOLD) -> tuple[list[bool], bool]:
    """A one-column breakdown with its total: (hidden per value, total hidden)."""
    if not values:
        return [], False
    result = suppress([[v] for v in values], threshold)
    # A one-column table: the column total is the grand total; row totals repeat the cells.
    return [row[0] or total for row, total in zip(result.cells, result.row_totals, strict=False)], result.col_totals[0] or result.grand
