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
