"""The kinds of register rows an import reads: one module per kind, one sheet per kind in the template.

`kinds()` is the order rows are written in: a reception first, then what hangs off it.
"""


def kinds():
    from .identification import IdentificationKind
    from .reception import ChildKind, ReceptionKind
    from .stays import StayKind
    from .support import SupportKind
    from .visits import VisitKind

    return [ReceptionKind(), ChildKind(), IdentificationKind(), SupportKind(), StayKind(), VisitKind()]


def kind(code: str):
    return next(k for k in kinds() if k.code == code)
