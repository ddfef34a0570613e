"""The package's import graph has no cycles, and ``batch/`` reads bottom-up.

The graph is built from the source with :mod:`ast`, counting every ``import`` and
``from ... import`` of ``calcium_abm.*`` anywhere in a module (at module level, inside
functions, under ``if TYPE_CHECKING``), so an import moved into a function to dodge a
circle still counts as an arrow. An edge ``a -> b`` means module ``a`` imports ``b``;
importing ``calcium_abm.x.y`` also counts as importing the package ``calcium_abm.x``
only when ``calcium_abm.x`` is the name imported (``from calcium_abm.x import y`` where
``y`` is a submodule is an edge to ``calcium_abm.x.y``).

The package facades ``calcium_abm/__init__.py`` and ``calcium_abm/batch/__init__.py``
re-export names lazily (PEP 562) from their submodules; those lookups happen through
``importlib`` and are not counted (they are the public entry points, not dependencies
of the internals).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "calcium_abm"
PACKAGE = "calcium_abm"


def module_name(path: Path, root: Path | None = None) -> str:
    parts = list(path.relative_to((root or ROOT).parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules(root: Path | None = None) -> dict[str, Path]:
    root = root or ROOT  # read at call time: a test points ROOT at a planted package
    return {module_name(p, root): p for p in sorted(root.rglob("*.py")) if "__pycache__" not in p.parts}


def _resolve_relative(current: str, is_package: bool, level: int, module: str | None) -> str:
    base = current.split(".") if is_package else current.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imported_modules(path: Path, name: str, modules: set[str], package: str = PACKAGE) -> set[str]:
    """Every ``calcium_abm`` module that ``path`` imports anywhere in its source."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found: set[str] = set()

    def add(target: str) -> None:
        # the longest known module that is target or a parent of it
        parts = target.split(".")
        while parts:
            candidate = ".".join(parts)
            if candidate in modules:
                found.add(candidate)
                return
            parts.pop()

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == package or alias.name.startswith(package + "."):
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            source = (_resolve_relative(name, path.name == "__init__.py", node.level, node.module)
                      if node.level else node.module or "")
            if not (source == package or source.startswith(package + ".")):
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                add(submodule if submodule in modules else source)
    found.discard(name)
    return found


def import_graph(root: Path | None = None, package: str = PACKAGE) -> dict[str, set[str]]:
    """module -> the modules of ``package`` (at ``root``) it imports (statically, anywhere in its source)."""
    modules = all_modules(root)
    names = set(modules)
    return {name: imported_modules(path, name, names, package) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first == last), or None; depth-first search."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt, BLACK) == GREY:
                return stack[stack.index(nxt):] + [nxt]
            if colour.get(nxt) == WHITE:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        colour[node] = BLACK
        return None

    for start in sorted(graph):
        if colour[start] == WHITE:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def _all_cycles_text(graph: dict[str, set[str]]) -> str:
    """Every cycle the search finds, removing one edge of each in turn (for the message)."""
    graph = {k: set(v) for k, v in graph.items()}
    lines = []
    while (cycle := find_cycle(graph)) is not None and len(lines) < 20:
        lines.append("  " + " -> ".join(cycle))
        graph[cycle[-2]].discard(cycle[-1])
    return "\n".join(lines)


# ----------------------------------------------------------------------- the checker


def test_find_cycle_reports_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_function_level_and_relative_imports_count(tmp_path, monkeypatch):
    pkg = tmp_path / "calcium_abm"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("def f():\n    from calcium_abm.sub import b\n    return b\n")
    (pkg / "sub" / "b.py").write_text("from . import a\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", pkg)
    graph = import_graph()
    assert graph["calcium_abm.sub.a"] == {"calcium_abm.sub.b"}
    assert graph["calcium_abm.sub.b"] == {"calcium_abm.sub.a"}
    assert find_cycle(graph) is not None


# ----------------------------------------------------------------------- the package


def test_the_graph_sees_the_package():
    graph = import_graph()
    assert "calcium_abm.batch.runner" in graph
    assert "calcium_abm.batch.expand" in graph["calcium_abm.batch.runner"]


def test_calcium_abm_has_no_import_cycle():
    graph = import_graph()
    cycle = find_cycle(graph)
    if cycle is not None:
        pytest.fail("import cycles in calcium_abm (an arrow of each must go):\n" + _all_cycles_text(graph))


def test_the_dashboard_has_no_import_cycle():
    """Found at stop 68: calcium_dashboard.settings re-exported the demos from calcium_dashboard.demos, which imports
    settings (importing demos first failed with a partially initialised module)."""
    root = ROOT.parent / "app" / "calcium_dashboard"
    graph = import_graph(root, "calcium_dashboard")
    assert "calcium_dashboard.settings" in graph["calcium_dashboard.demos"]
    cycle = find_cycle(graph)
    if cycle is not None:
        pytest.fail("import cycles in calcium_dashboard:\n" + _all_cycles_text(graph))


BATCH_LAYERS = ["fixed", "draws", "analysis_table", "spec", "streams", "sensitivity", "conduct", "arms", "inert", "expand", "columns",
                "run_notes", "store", "progress", "estimate", "runner", "statistics", "plots",
                "analysis", "power"]


def test_batch_reads_bottom_up():
    """spec -> expand -> store -> runner -> analysis (with the SALib design below expand and
    the pure statistics and plots below analysis): no module imports a later layer."""
    graph = import_graph()
    order = {f"calcium_abm.batch.{m}": i for i, m in enumerate(BATCH_LAYERS)}
    backwards = [f"{a} -> {b}" for a, targets in graph.items() if a in order
                 for b in targets if b in order and order[b] > order[a]]
    assert not backwards, "batch/ imports pointing back up the layers: " + ", ".join(sorted(backwards))
    batch_modules = {m.rpartition(".")[2] for m in graph if m.startswith("calcium_abm.batch.")}
    assert batch_modules <= set(BATCH_LAYERS) | {"spec"}, "place the new batch module in BATCH_LAYERS"
