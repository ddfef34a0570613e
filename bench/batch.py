"""Batch throughput: runs per minute serial, on a 2-process pool and on a 2-worker Dask
LocalCluster; parallel efficiency; per-run overhead; a 1,000-patient cohort estimate.

    python bench/batch.py                     # 16 default runs (64x64 grids, 10 years)
    python bench/batch.py --runs 8 --years 2  # quicker
    python bench/batch.py --cohort 1000       # also run a real 1,000-patient, 10-year cohort

Definitions:
* steady rate: runs per minute between the first result of every worker and the last
  result (process start-up excluded); "with start-up" counts the whole call.
* parallel efficiency = steady rate on 2 workers / (2 x serial rate).
* per-run overhead = (wall time per run per worker in the pool - in-process simulate
  time per run) / in-process simulate time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calcium_abm.batch import run_batch  # noqa: E402


def batch(runs: int, years: float, output: str = "summary") -> dict:
    """A cohort of ``runs`` patients in one arm: every run differs a little (seed, age)."""
    return {"name": "bench", "scenario": "healthy_adult", "seed": 1, "years": years, "output": output,
            "cohort": {"patients": runs, "distributions": {
                "age_years": {"distribution": "normal", "mean": 60, "sd": 8, "min": 40, "max": 85}}},
            "arms": [{"name": "usual_diet"}]}


def measure(label: str, spec: dict, **kw) -> dict:
    stamps, sims = [], []

    def on_result(result):
        stamps.append(time.perf_counter())
        sims.append(result[2])

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        run_batch(spec, Path(out) / "b", on_result=on_result, **kw)
        wall = time.perf_counter() - start
    n, workers = len(stamps), kw.get("workers", 1) if kw.get("scheduler") is None else 2
    first = stamps[min(workers, n) - 1] if workers > 1 else start
    steady = (n - (workers if workers > 1 else 0)) / (stamps[-1] - first) * 60
    return {"label": label, "n": n, "wall_s": wall, "rate_total": n / wall * 60, "rate_steady": steady,
            "sim_s": sum(sims) / n, "workers": workers}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--years", type=float, default=10.0)
    parser.add_argument("--cohort", type=int, default=0, help="also time a real N-patient, 10-year cohort")
    args = parser.parse_args()
    spec = batch(args.runs, args.years)
    print(f"{args.runs} runs, 64x64 grids, {args.years:g} years each, summary output; {os.cpu_count()} CPUs")
    serial = measure("serial (in process)", spec, workers=1)
    pool = measure("local pool, 2 workers", spec, workers=2)
    from distributed import Client

    from calcium_abm.batch.runner import local_dask_cluster

    t0 = time.perf_counter()
    with local_dask_cluster(2) as cluster, Client(cluster) as client:
        startup = time.perf_counter() - t0
        dask = measure("Dask LocalCluster, 2 workers", spec, scheduler=client)
    print(f"\n{'executor':32} {'runs/min':>9} {'(with start-up)':>16} {'simulate s/run':>15}")
    for r in (serial, pool, dask):
        print(f"{r['label']:32} {r['rate_steady']:9.1f} {r['rate_total']:16.1f} {r['sim_s']:15.3f}")
    print(f"(Dask cluster start-up, not counted above: {startup:.1f} s)")
    base = serial["rate_steady"]
    in_process = serial["sim_s"]
    print()
    for r in (pool, dask):
        efficiency = r["rate_steady"] / (2 * base)
        per_run_wall = 60 / r["rate_steady"] * 2  # wall seconds per run on one worker
        overhead = (per_run_wall - in_process) / in_process
        print(f"{r['label']:32} parallel efficiency {efficiency:6.1%}   per-run overhead {overhead:+6.1%}")
    serial_overhead = (60 / serial["rate_steady"] - in_process) / in_process
    print(f"{'serial':32} per-run overhead (outside simulate) {serial_overhead:+6.1%}")
    ten_year_run = in_process * (10.0 / args.years)
    est = 1000 * ten_year_run / (2 * min(1.0, pool["rate_steady"] / (2 * base))) / 60
    print(f"\nestimate: 1,000-patient, 10-year cohort on 2 local workers ≈ {est:.1f} min "
          f"({ten_year_run:.2f} s per run in process; target ≤ 20 min)")
    if args.cohort:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            run_batch(batch(args.cohort, 10.0), Path(out) / "c", workers=2, progress=True)
        minutes = (time.perf_counter() - start) / 60
        print(f"measured: {args.cohort}-patient, 10-year cohort on 2 local workers: {minutes:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
