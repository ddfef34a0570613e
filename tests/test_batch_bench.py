"""bench/batch.py's figures reach docs/batch.md only through its generator: the Speed table
is rebuilt from bench/results/batch.json (written by ``bench/batch.py --json``) and must
match; the report prints every figure the issue asks for."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_batch", ROOT / "bench" / "batch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
RESULTS = json.loads((ROOT / "bench" / "results" / "batch.json").read_text(encoding="utf-8"))


def test_the_speed_table_in_docs_batch_md_is_generated_from_the_saved_figures():
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    match = BENCH.DOCS_BLOCK.search(text)
    assert match is not None, "docs/batch.md has no <!-- generated: bench-batch --> block"
    assert match["body"] == BENCH.docs_table(RESULTS), (
        "docs/batch.md's Speed table is stale: run python bench/batch.py --docs")


def test_the_report_and_the_table_give_every_figure_of_the_issue():
    report, table = BENCH.report(RESULTS), BENCH.docs_table(RESULTS)
    for line in ("serial (in process)", "local pool, 2 workers", "Dask LocalCluster, 2 workers",
                 "parallel efficiency", "per-run overhead", "projected: 10,000-patient",
                 "projected from CPU time"):
        assert line in report, line
    dask_overhead = f"{RESULTS['dask_overhead_s'] * 1e3:+.0f} ms"
    assert f"| per-run overhead, Dask LocalCluster | {dask_overhead}" in table
    assert f"{RESULTS['cohort_projected_min']:.0f} min" in table


def test_the_parts_of_a_summary_run_are_measured_where_they_are_spent():
    """The wrappers reach the build, the compiled days and the frame of a real (small) summary run,
    and the rest is what is left of the whole, so the parts add up to it."""
    parts = BENCH.summary_run_parts(BENCH.batch(4, 0.25, grid=16), runs=2)
    assert set(parts) == {*BENCH._PARTS, "whole"}
    assert parts["build"] > 0 and parts["compiled days"] > 0 and parts["results frame"] > 0
    assert parts["days' Python"] >= 0
    assert sum(parts[key] for key in BENCH._PARTS) <= parts["whole"] * (1 + 1e-9)
    from calcium_abm import simulation, stretch
    assert simulation.CalciumParadoxModel.__name__ == "CalciumParadoxModel"  # put back afterwards
    assert stretch._quiet_days.__module__ == "calcium_abm.stretch"
