"""The package's shape is its architecture: imports run one way, down the layers; the report
reads only the run folder and the vocabulary; TensorFlow comes in by one door; functions and
modules stay small; every module has a test that imports it. Read from the source (AST), no
import needed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "autotune"
TESTS = ROOT / "tests"

# Each layer may import from the layers before it, never from its own layer's other members
# or from a later one. A member is a package of autotune/ or a top-level module.
LAYERS = (
    ("errors", "vocabulary", "backend"),  # the ground: errors, names, TensorFlow's door
    (
        "checks",
        "runs",
        "spaces",
        "diagnostics",
        "metrics",
    ),  # checks, run folder, spaces, findings, --metric
    ("data", "options", "callbacks"),  # files -> frames and arrays; the plan; Keras callbacks
    ("console", "models"),  # what the terminal shows; networks and hypermodels
    ("problems",),  # a table or an image folder as a search problem
    ("tuning",),  # KerasTuner oracles and tuners, guidance, the search
    ("distribute",),  # chief, workers, heartbeats
    ("runner", "report", "predict"),  # one run end to end; the run folder -> HTML; predictions
    ("api", "cli"),  # the faces a user sees
    ("__main__", "autotune"),  # ``python -m autotune``, ``import autotune``
)
LAYER = {member: level for level, members in enumerate(LAYERS) for member in members}
# The report reads the run folder and the vocabulary, nothing else of autotune's.
REPORT_MAY_IMPORT = {"runs", "vocabulary"}
TENSORFLOW = ("tensorflow", "keras", "keras_tuner", "tf_keras")
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 350


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    """Every module an AST imports (function bodies included), with the import node."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from autotune.report import charts`` imports the module autotune.report.charts
            subs = [f"{node.module}.{a.name}" for a in node.names]
            modules = [s for s in subs if s in MODULES]
            found += [(m, node) for m in modules] or [(node.module, node)]
    return found


def graph() -> dict[str, set[str]]:
    """autotune's modules -> the autotune modules each imports (ancestor packages left out:
    a module inside a package does not depend on the package's own ``__init__``)."""
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = set()
        for target, _ in imported(ast.parse(path.read_text(encoding="utf-8"))):
            if target in MODULES and target != name and not name.startswith(target + "."):
                targets.add(target)
        edges[name] = targets
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def member(module: str) -> str:
    """``autotune.tuning.search`` -> ``tuning``; ``autotune`` -> ``autotune``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def upward_imports(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports that do not run down the layers (or that leave the report's allowance)."""
    wrong = []
    for source, targets in edges.items():
        for target in targets:
            a, b = member(source), member(target)
            if a == b:
                continue
            if a == "report" and b not in REPORT_MAY_IMPORT:
                wrong.append((source, target))
            elif LAYER[b] >= LAYER[a]:
                wrong.append((source, target))
    return sorted(wrong)


def test_every_member_has_a_layer():
    assert {member(m) for m in MODULES} <= set(LAYER)


def test_imports_have_no_cycle():
    assert cycles(graph()) == []


def test_imports_run_down_the_layers_and_the_report_reads_only_the_run_folder():
    assert upward_imports(graph()) == []


def test_tensorflow_comes_in_by_the_backend_only():
    """A module's first TensorFlow, Keras or KerasTuner import comes after an import of
    ``autotune.backend`` (which quiets TensorFlow's start-up), in the same scope or above."""
    late = []
    for name, path in MODULES.items():
        if name == "autotune.backend":
            continue
        late += _tensorflow_before_backend(ast.parse(path.read_text(encoding="utf-8")), name)
    assert late == []


def _tensorflow_before_backend(tree: ast.AST, name: str, backend: bool = False) -> list[str]:
    late = []
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            if any(n == "autotune.backend" for n in names):
                backend = True
            elif not backend and any(n and n.split(".")[0] in TENSORFLOW for n in names):
                late.append(f"{name}:{node.lineno}")
        elif isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            continue  # read by type checkers only
        elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.If | ast.With | ast.Try):
            late += _tensorflow_before_backend(node, name, backend)
    return late


def test_functions_and_modules_stay_small():
    long_functions, long_modules = [], []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            long_modules.append(name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}.{node.name}")
    assert (long_functions, long_modules) == ([], [])


def test_every_package_says_what_it_owns():
    for name, path in MODULES.items():
        if path.name == "__init__.py" and name != "autotune":
            assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), name


def test_every_module_has_a_test_that_imports_it():
    tested = set()
    for path in TESTS.rglob("*.py"):
        for target, _ in imported(ast.parse(path.read_text(encoding="utf-8"))):
            while target:
                tested.add(target)
                target = target.rpartition(".")[0]
    untested = [m for m in MODULES if m not in tested and not m.endswith("__main__")]
    assert untested == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import autotune.runs\n", None),
        ("from autotune.tuning import search\n", "autotune.tuning.search"),
    ],
)
def test_the_analysis_reads_both_import_forms(source, message):
    names = [target for target, _ in imported(ast.parse(source))]
    assert names == [message or "autotune.runs"]


def test_the_analysis_finds_a_cycle_and_an_upward_import():
    edges = {"autotune.models.a": {"autotune.tuning.b"}, "autotune.tuning.b": {"autotune.models.a"}}
    assert cycles(edges) == [["autotune.models.a", "autotune.tuning.b"]]
    assert upward_imports(edges) == [("autotune.models.a", "autotune.tuning.b")]
    assert upward_imports({"autotune.report.x": {"autotune.diagnostics"}}) == [
        ("autotune.report.x", "autotune.diagnostics")
    ]
