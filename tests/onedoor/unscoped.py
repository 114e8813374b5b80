"""Find reads of victim-data models that go around `visible_to`: `Model.objects.filter(...)` & co.

Used by tests/onedoor/test_unscoped_reads.py; a module of its own so the test can run it on a planted
example as well as on the project.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "victims", "support", "facilities", "reporting", "imports", "config")

# The victim-data models: every read goes through `Model.objects.visible_to(actor, action)`.
VICTIM_DATA_MODELS = frozenset({
    "Person", "Case", "CaseChild", "Consent", "VerificationRequest", "IdentificationOutcome",
    "StatusTransition", "ReintegrationPlan", "FollowUpVisit", "CaseClosure", "CaseAccessGrant",
    "SupportRequest", "SupportRequestLine", "SupportDocument", "SupportDecision", "Delivery", "Loan",
    "LoanRepayment", "Stay", "StayExtension", "Contact", "DuplicateProposal", "PersonMerge", "Referral",
    "Handover", "ReceptionFact", "SupportFact", "VisitFact",
})
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
# Manager calls that read nothing (writes are the services' business, and they re-check scope).
# `of_case` is a scoped entry too: visible_to, or the rows of the case case_get just read in scope.
NOT_READS = frozenset({"visible_to", "of_case", "create", "bulk_create", "none"})
# Where the scope itself is written: these build the filters everything else goes through.
SCOPING_MODULES = frozenset({
    "victims/scoping.py", "victims/models/querysets.py", "support/models/querysets.py",
    "facilities/scoping.py", "facilities/models/querysets.py",
})


@dataclass(frozen=True, order=True)
class UnscopedRead:
    path: str
    function: str
    line: int
    call: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.function)

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}(): {self.call}"


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str):
        self.path = path
        self.stack: list[str] = []
        self.found: list[UnscopedRead] = []

    def _visit_function(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_function

    def visit_Call(self, node: ast.Call):
        func = node.func
        if (
            isinstance(func, ast.Attribute) and func.attr not in NOT_READS
            and isinstance(func.value, ast.Attribute) and func.value.attr in MANAGERS
            and isinstance(func.value.value, ast.Name) and func.value.value.id in VICTIM_DATA_MODELS
        ):
            call = f"{func.value.value.id}.{func.value.attr}.{func.attr}()"
            self.found.append(UnscopedRead(self.path, ".".join(self.stack) or "<module>", node.lineno, call))
        self.generic_visit(node)


def unscoped_reads_in_source(source: str, path: str) -> list[UnscopedRead]:
    finder = _Finder(path)
    finder.visit(ast.parse(source))
    return finder.found


def project_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in SCOPING_MODULES:
                continue
            files.append(path)
    return files


def unscoped_reads() -> list[UnscopedRead]:
    found = []
    for path in project_files():
        found += unscoped_reads_in_source(path.read_text(), path.relative_to(ROOT).as_posix())
    return sorted(found)
