"""The kinds of register rows an import reads: one module per kind, one sheet per kind in the template.

`KINDS` is the order rows are written in: a reception first, then what hangs off it.
"""
