"""Batch throughput: runs per minute serial, on a 2-process pool and on a 2-worker Dask
LocalCluster; parallel efficiency; per-run overhead; a 1,000-patient cohort estimate.

    python bench/batch.py                     # 16 default runs (64x64 grids, 10 years)
    python bench/batch.py --runs 8 --years 2  # quicker
    python bench/batch.py --cohort 1000       # also run a real 1,000-patient, 10-year cohort
    python bench/batch.py --workers-rule      # measure the constants of the default --workers rule

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


def workers_rule(batch_file: Path) -> int:
    """Time a batch file serially (in process) and on a pool of every CPU; print the wall
    times, the two constants of the default ``--workers`` rule measured from them
    (seconds per patch-day of a run; start-up of a pool), and the rule's choice."""
    from calcium_abm.batch.expand import expand_runs
    from calcium_abm.batch.runner import (POOL_PAYBACK, POOL_START_S, SECONDS_PER_PATCH_DAY, default_workers,
                                          estimated_run_seconds)
    from calcium_abm.batch.spec import load_batch

    spec = load_batch(batch_file)
    n = len(expand_runs(spec))
    cpus = os.cpu_count() or 1
    base = spec.base_scenario()
    sim = base.simulation
    patch_days = base.days * (sim.bone_grid_width * sim.bone_grid_height + sim.vessel_grid_width * sim.vessel_grid_height)
    print(f"{batch_file.name}: {n} runs of {base.days} days x "
          f"{patch_days // max(base.days, 1)} patches; {cpus} CPUs; load average {os.getloadavg()[0]:.1f}")
    serial = measure("serial (in process)", spec, workers=1)
    pool = measure(f"local pool, {cpus} workers", spec, workers=cpus)
    for r in (serial, pool):
        print(f"{r['label']:32} wall {r['wall_s']:7.1f} s   simulate {r['sim_s']:.3f} s/run")
    per_patch_day = serial["sim_s"] / patch_days
    pool_start = pool["wall_s"] - serial["wall_s"] / cpus
    print(f"measured: {per_patch_day:.3g} s per patch-day (rule uses {SECONDS_PER_PATCH_DAY:.3g}); "
          f"pool start-up {pool_start:.1f} s (rule uses {POOL_START_S:.1f} s, x{POOL_PAYBACK:g} to pay back)")
    est = estimated_run_seconds(base)
    print(f"rule: estimated {est:.3f} s per run, {n * est:.1f} s serial -> default --workers "
          f"{default_workers(n, est, cpus)} (faster here: {1 if serial['wall_s'] <= pool['wall_s'] else cpus})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--years", type=float, default=10.0)
    parser.add_argument("--cohort", type=int, default=0, help="also time a real N-patient, 10-year cohort")
    parser.add_argument("--workers-rule", nargs="?", const=str(Path(__file__).resolve().parent.parent / "examples"
                                                               / "batches" / "mk7_dose_sweep.toml"),
                        metavar="BATCH_FILE", help="measure the default --workers rule on a batch file "
                        "(default: the shipped dose sweep)")
    args = parser.parse_args()
    if args.workers_rule:
        return workers_rule(Path(args.workers_rule))
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
