"""The package's import graph: layered, acyclic, and faces kept out of the core.

Every import counts, including those inside functions (a cycle hidden behind a lazy
import is still a cycle); only ``if TYPE_CHECKING:`` blocks are left out, since they
never run.
"""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "conformance"

#: Layers, lowest first: a module imports only from its own layer or below.
LAYERS: dict[str, int] = {
    "conformance._errors": 1,
    "conformance._files": 1,
    "conformance._config": 1,
    "conformance._ids": 1,
    "conformance._version": 1,
    "conformance._catalog": 1,
    "conformance._validation": 2,
    "conformance._generation": 2,
    "conformance.strategies": 2,
    "conformance._fuzzing": 3,
    "conformance._webhooks": 3,
    "conformance._compat": 3,
    "conformance._export": 3,
    "conformance._codegen": 3,
    "conformance._usage": 3,
    "conformance.types": 2,
    "conformance.models": 2,
    "conformance._cli": 4,
    "conformance._plugin": 4,
    "conformance.pytest_plugin": 4,
    "conformance.__main__": 4,
}
#: Third-party modules only the faces may import.
FACE_ONLY = ("click", "pytest", "_pytest")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for prefix, layer in LAYERS.items():
        inside = module == prefix or module.startswith(prefix + ".")
        if inside and (best is None or len(prefix) > best[0]):
            best = (len(prefix), layer)
    return None if best is None else best[1]


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _exists(module: str) -> bool:
    base = PACKAGE.parent / module.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def imports_of(path: Path) -> set[str]:
    """The absolute names of the modules ``path`` imports at run time."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            # ``from . import _sub`` imports a submodule, not the package's own names.
            submodules = {f"{target}.{alias.name}" for alias in node.names}
            submodules = {m for m in submodules if _exists(m)}
            if len(submodules) < len(node.names):
                found.add(target)
            found.update(submodules)
    return found


@functools.cache
def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for t in imports_of(path) if t in modules and t != name}
        # Importing a submodule runs its package's __init__ first.
        for target in list(targets):
            parent = target.rpartition(".")[0]
            while parent and parent != "conformance":
                if parent in modules and parent != name and not name.startswith(parent + "."):
                    targets.add(parent)
                parent = parent.rpartition(".")[0]
        edges[name] = targets
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(name for name in graph() if name != "conformance" and layer_of(name) is None)
    assert unplaced == []


@pytest.mark.parametrize("module", sorted(m for m in graph() if m != "conformance"))
def test_no_module_imports_a_higher_layer(module: str) -> None:
    edges = graph()
    mine = layer_of(module)
    assert mine is not None
    upward = sorted(t for t in edges[module] if t == "conformance" or (layer_of(t) or 0) > mine)
    assert upward == [], f"{module} (layer {mine}) imports {upward}"


@pytest.mark.parametrize(
    "module", sorted(m for m in graph() if m != "conformance" and (layer_of(m) or 0) < 4)
)
def test_core_modules_do_not_import_the_faces_libraries(module: str) -> None:
    path = PACKAGE.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PACKAGE.parent / module.replace(".", "/") / "__init__.py"
    leaked = sorted(t for t in imports_of(path) if t.split(".")[0] in FACE_ONLY)
    assert leaked == [], f"{module} imports {leaked}"


def test_importing_strategies_loads_no_runner_and_starts_no_thread() -> None:
    code = (
        "import sys, threading\n"
        "import conformance.strategies\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('conformance._fuzzing',"
        " 'conformance._webhooks', 'conformance._cli', 'conformance._plugin')))\n"
        "print(loaded, threading.active_count())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[] 1"


def _calls(name: str) -> Iterator[tuple[str, int]]:
    """``(module, line)`` of every call of ``name(...)`` (or ``x.name(...)``) in the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    yield module_name(path), node.lineno


@pytest.mark.parametrize(
    ("name", "home"),
    [
        # One Hypothesis settings builder: health checks, deadline, phases decided once.
        ("settings", "conformance._generation._search"),
        # One failure renderer for the CLI and the plugin.
        ("_handler_traceback", "conformance._fuzzing._render"),
    ],
)
def test_one_of_each(name: str, home: str) -> None:
    places = {module for module, _ in _calls(name)}
    # The profile read (settings() with no arguments) is how the builder is called too.
    assert places <= {home}, f"{name}(...) is built outside {home}: {sorted(places - {home})}"


def test_deliveries_are_validated_one_way() -> None:
    """The validation package (validator, fast path, factory) checks deliveries with
    jsonschema_rs only, so a delivery is judged the same by ``validate`` and by the
    plugin's delivery factory, whatever optional format checkers are installed."""
    imported = {
        target
        for path in sorted((PACKAGE / "_validation").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for target in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
    }
    assert not {m for m in imported if m == "jsonschema" or m.startswith("jsonschema.")}
