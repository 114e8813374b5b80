"""Small-cell suppression (reporting.suppression): property tests on random tables."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.suppression import suppress, suppress_column

tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 60)), min_size=cols, max_size=cols),
            min_size=rows, max_size=rows,
        )
    )
)


def extended(cells, result):
    """(value, hidden) of the extended grid: cells, row totals, column totals, grand total."""
    n, m = len(cells), len(cells[0])
    grid = [[(cells[i][j], result.cells[i][j]) for j in range(m)] + [(sum(cells[i]), result.row_totals[i])]
            for i in range(n)]
    cols = [sum(cells[i][j] for i in range(n)) for j in range(m)]
    grid.append([(cols[j], result.col_totals[j]) for j in range(m)] + [(sum(cols), result.grand)])
    return grid


def determined(grid) -> set:
    """The hidden entries whose value the published entries and the table's equations fix.

    Unknowns are the hidden entries; every line (row + its total, column + its total) is an equation.
    An unknown is determined when its unit vector lies in the row space of the reduced system.
    """
    R, C = len(grid), len(grid[0])
    unknowns = [(i, j) for i in range(R) for j in range(C) if grid[i][j][1]]
    index = {p: k for k, p in enumerate(unknowns)}
    equations = []
    lines = [[(i, j) for j in range(C)] for i in range(R)] + [[(i, j) for i in range(R)] for j in range(C)]
    for line in lines:
        # sum of cells - total = 0
        row = [Fraction(0)] * len(unknowns)
        for k, p in enumerate(line):
            if p in index:
                row[index[p]] += -1 if k == len(line) - 1 else 1
        if any(row):
            equations.append(row)
    # Reduced row echelon form.
    pivots, matrix = [], [r[:] for r in equations]
    r = 0
    for c in range(len(unknowns)):
        pivot = next((k for k in range(r, len(matrix)) if matrix[k][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [x / lead for x in matrix[r]]
        for k in range(len(matrix)):
            if k != r and matrix[k][c] != 0:
                factor = matrix[k][c]
                matrix[k] = [a - factor * b for a, b in zip(matrix[k], matrix[r], strict=False)]
        pivots.append(c)
        r += 1
    fixed = set()
    for k, c in enumerate(pivots):
        if sum(1 for x in matrix[k] if x != 0) == 1:
            fixed.add(unknowns[c])
    return fixed


@settings(max_examples=300, deadline=None)
@given(tables)
def test_small_cells_are_hidden_and_zero_is_shown(cells):
    grid = extended(cells, suppress(cells))
    for row in grid:
        for value, hidden in row:
            if 0 < value < 5:
                assert hidden
            if value == 0:
                assert not hidden


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_line_has_exactly_one_hidden_entry(cells):
    grid = extended(cells, suppress(cells))
    lines = [list(row) for row in grid] + [list(col) for col in zip(*grid, strict=False)]
    for line in lines:
        assert sum(hidden for _, hidden in line) != 1


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_hidden_value_can_be_derived(cells):
    grid = extended(cells, suppress(cells))
    assert not determined(grid)


def test_a_known_table():
    result = suppress([[3, 10, 12], [20, 30, 40]])
    # 3 hidden; its row and column each need a second hidden cell: 10 (row) and 20 (column), then 30.
    assert result.cells == [[True, True, False], [True, True, False]]
    assert result.row_totals == [False, False] and result.col_totals == [False, False, False]
    assert not result.grand


def test_a_column_with_one_small_value_hides_a_second():
    hidden, total_hidden = suppress_column([2, 40, 7, 0])
    assert hidden == [True, False, True, False] and not total_hidden


def test_nothing_small_nothing_hidden():
    assert not suppress([[0, 6], [9, 0]]).any()
