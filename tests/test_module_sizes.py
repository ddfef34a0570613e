"""Issue 9's size limits: no module in ``calcium_abm/`` over 500 lines, and ``model.py``
at most 300 with ``step`` at most 40 (the ODD's process overview, not its details)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "calcium_abm"


def test_no_module_of_the_package_is_over_500_lines():
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert sizes and all(isinstance(n, int) for n in sizes.values())
    too_long = {name: n for name, n in sizes.items() if n > 500}
    assert not too_long, f"split these modules (lines): {too_long}"


def test_model_step_reads_like_the_process_overview():
    source = (PACKAGE / "model.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 300
    tree = ast.parse(source)
    step = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "step")
    assert step.end_lineno - step.lineno + 1 <= 40
