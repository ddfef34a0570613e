"""The Python examples of the docs run as written: one that starts a batch on worker processes
does so under ``if __name__ == "__main__":``, since spawned workers import the script again (an
unguarded script started the batch again in each worker, which found --out in use, died, and
broke the pool: 'BrokenProcessPool: A process in the process pool was terminated abruptly')."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import calcium_abm.batch

ROOT = Path(__file__).resolve().parent.parent
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def _examples() -> dict[str, list[str]]:
    """Every Python example: the docs' and the README's ``python`` blocks, and the batch package's quick start."""
    found = {path.name: PYTHON_BLOCK.findall(path.read_text(encoding="utf-8"))
             for path in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]}
    quick_start = calcium_abm.batch.__doc__.split("Quick start::")[1].split("\nSee ")[0]
    found["calcium_abm.batch docstring"] = [textwrap.dedent(quick_start)]
    return found


def _starts_workers(node: ast.AST) -> bool:
    """A call with ``workers=`` other than 1, or a ``scheduler=``: processes that import the script."""
    return any(isinstance(call, ast.Call) and any(
        k.arg in ("workers", "scheduler") and not (isinstance(k.value, ast.Constant) and k.value.value in (1, None))
        for k in call.keywords) for call in ast.walk(node))


def _is_main_guard(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.If) and re.fullmatch(
        r"__name__ == ['\"]__main__['\"]", ast.unparse(statement.test)) is not None


def test_examples_that_start_worker_processes_guard_them_with_main():
    guarded = []
    for source, blocks in _examples().items():
        for block in blocks:
            for statement in ast.parse(block).body:
                if _starts_workers(statement):
                    assert _is_main_guard(statement), (
                        f"{source}: `{ast.unparse(statement)[:80]}` starts worker processes outside "
                        "`if __name__ == \"__main__\":`")
                    guarded.append(source)
    assert {"batch.md", "calcium_abm.batch docstring"} <= set(guarded)  # the check saw the batch examples


def test_the_check_finds_an_unguarded_example():
    unguarded = ast.parse('run_batch("b.toml", "out", workers=2)').body[0]
    assert _starts_workers(unguarded) and not _is_main_guard(unguarded)
    assert not _starts_workers(ast.parse('run_batch("b.toml", "out", workers=1)').body[0])


TOML_BLOCK = re.compile(r"^```toml\n(.*?)^```", re.M | re.S)
SMALL_RUNS = ('years = 3\nrecord_every_days = 30\n[set]\nbone_grid_width = 8\nbone_grid_height = 8\n'
              'vessel_grid_width = 8\nvessel_grid_height = 8\n')


def test_the_batch_files_of_docs_batch_md_are_accepted_as_written(tmp_path):
    """Each complete batch file of docs/batch.md (a block with its [sweep], [cohort] or [sensitivity] table) loads
    as written, and the trial-design example also screens and randomises (cut to 12 patients on small grids):
    it was refused twice, for stratifying its single arm and for screening age_years 60-80 when every candidate
    was the scenario's 50 years old."""
    from calcium_abm.batch import expand_runs, load_batch

    blocks = TOML_BLOCK.findall((ROOT / "docs" / "batch.md").read_text(encoding="utf-8"))
    complete = [b for b in blocks if re.search(r"^\[(sweep|cohort|sensitivity)\]$", b, re.M)]
    assert len(complete) >= 4
    for i, block in enumerate(complete):
        (tmp_path / f"b{i}.toml").write_text(block, encoding="utf-8")
        load_batch(tmp_path / f"b{i}.toml")
    trial = next(b for b in complete if "[cohort.inclusion]" in b)
    small = SMALL_RUNS + trial.replace("patients = 244 ", "patients = 12 ").replace("screening_limit = 2000",
                                                                                   "screening_limit = 400")
    (tmp_path / "trial.toml").write_text(small, encoding="utf-8")
    runs = expand_runs(load_batch(tmp_path / "trial.toml"))
    assert len(runs) == 12 and runs.screening["randomised"] == 12


def test_docs_batch_md_names_every_column_of_a_summary_row():
    """A summary batch's rows held a `days` column that docs/batch.md's `output` entry did not name."""
    import pandas as pd

    from calcium_abm.batch.runner import summary_row

    row = summary_row(pd.DataFrame({"day": [0, 30], "years": [0.0, 30 / 365], "serum_calcium_mmol_l": [2.4, 2.3]}))
    doc = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    entry = next(line for line in doc.splitlines() if line.startswith("| `output` |"))
    for column in row:
        assert column.endswith(("_baseline", "_final")) or f"`{column}`" in entry, column
