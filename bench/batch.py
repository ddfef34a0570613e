"""Batch throughput: runs per minute serial, on a 2-process pool and on a 2-worker Dask
LocalCluster; parallel efficiency; per-run overheads; the minutes a 10,000-patient, 10-year
summary cohort would take on 2 local workers.

    python bench/batch.py                                  # 16 runs (64x64 grids, 10 years)
    python bench/batch.py --runs 8 --years 2               # quicker
    python bench/batch.py --json bench/results/batch.json  # also save every figure
    python bench/batch.py --docs                           # docs/batch.md's Speed table from that file
    python bench/batch.py --cohort 10000                   # also time a real 10,000-patient cohort
    python bench/batch.py --workers-rule                   # the constants of the default --workers rule

Definitions (every run is a summary-output cohort patient, as large cohorts are run):
* in-process simulate: ``simulate`` time per run in this process, after a warm-up (imports
  and compiled kernels loaded), so it is the model's own cost.
* steady rate: runs per minute between the first result of every worker and the last
  result (process start-up excluded); "with start-up" counts the whole call.
* parallel efficiency = steady rate on 2 workers / (2 x serial rate).
* per-run overhead = wall time per run per worker in the pool (2 x 60 / steady rate) minus
  the in-process simulate time; in seconds and as a share of it.
* task round trip: the CPU time (parent + workers) a 2-worker pool adds per run, from 2-day
  runs on 8x8 grids (40 runs less 8 runs, so start-up cancels): what sending one run to a
  worker and its rows back costs, i.e. what putting several runs in one task (chunking)
  could save at most. CPU time, so it holds on a busy machine.
* set-up per run: expanding the batch (drawing patients, validating each run's scenario)
  and writing the manifest, in the parent before any run starts; Parquet write per run:
  the parent saving the finished summary runs as a batch does (one file for all of them
  here), beside the cost of one file per run (how summary runs were saved before).
* where a run's simulate goes: the first 6 runs (PART_RUNS) of the batch in this process, each timed in
  parts (:func:`summary_run_parts`): building the model, the compiled days, the results frame,
  and the rest (the days' Python: 30-day updates of the person's rates, each compiled call's
  set-up, the recorded rows); medians per part.
* projection from CPU time: 10,000 x (serial CPU per run at 10 years + task round trip) / 2
  + set-up + pool start-up: close to the idle-machine figure when the machine is busy.
* projection: 10,000 x (in-process simulate at 10 years x (1 + pool per-run overhead)) / 2
  workers + 10,000 x set-up per run + pool start-up. With --years other than 10, the
  simulate time at 10 years is the model's build time (measured) + the rest x 10 / years
  (the days cost in proportion to their number).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calcium_abm.batch import run_batch  # noqa: E402

DOCS = ROOT / "docs" / "batch.md"
RESULTS = ROOT / "bench" / "results" / "batch.json"
DOCS_BLOCK = re.compile(r"(<!-- generated: bench-batch -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)
COHORT = 10_000  # patients of the target cohort
TARGET_MINUTES = 30.0
TARGET_EFFICIENCY = 0.90


def batch(runs: int, years: float, output: str = "summary", grid: int = 64) -> dict:
    """A cohort of ``runs`` patients in one arm: every run differs a little (seed, age)."""
    spec = {"name": "bench", "scenario": "healthy_adult", "seed": 1, "years": years, "output": output,
            "cohort": {"patients": runs, "distributions": {
                "age_years": {"distribution": "normal", "mean": 60, "sd": 8, "min": 40, "max": 85}}},
            "arms": [{"name": "usual_diet"}]}
    if grid != 64:
        spec["set"] = {f"{t}_grid_{s}": grid for t in ("bone", "vessel") for s in ("width", "height")}
    return spec


def _rates(start: float, stamps: list[float], workers: int) -> tuple[float, float]:
    """(steady runs/min, runs/min with start-up) from the result time stamps."""
    n = len(stamps)
    first = stamps[min(workers, n) - 1] if workers > 1 else start
    steady = (n - (workers if workers > 1 else 0)) / max(stamps[-1] - first, 1e-9) * 60
    return steady, n / (stamps[-1] - start) * 60


def measure(label: str, spec: dict, keep_frames: bool = False, **kw) -> dict:
    """Run a batch; its rates, simulate time per run, and the wait for the first result."""
    stamps, sims, frames = [], [], []

    def on_result(result):
        stamps.append(time.perf_counter())
        sims.append(result[2])
        if keep_frames:
            frames.append(result)

    with tempfile.TemporaryDirectory() as out:
        start, cpu = time.perf_counter(), time.process_time()
        run_batch(spec, Path(out) / "b", on_result=on_result, **kw)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    workers = 2 if kw.get("scheduler") is not None else kw.get("workers", 1)
    steady, total = _rates(start, stamps, workers)
    return {"label": label, "n": len(stamps), "workers": workers, "wall_s": wall, "rate_steady": steady,
            "rate_total": total, "sim_s": sum(sims) / len(sims), "first_result_s": stamps[0] - start,
            "first_sim_s": sims[0], "frames": frames,
            "cpu_s_per_run": cpu / len(stamps)}


def setup_and_write_ms(spec: dict, frames: list) -> tuple[float, float, float]:
    """Parent-side costs per run, in ms: expanding the batch + writing its manifest; saving
    the finished runs as the batch does (summary rows: one file for all); one file per run."""
    from calcium_abm.batch.expand import expand_runs
    from calcium_abm.batch.spec import load_batch
    from calcium_abm.batch.store import prepare_output, write_run, write_runs

    loaded = load_batch(spec)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        runs = expand_runs(loaded)
        prepare_output(out, loaded, runs, False)
        setup = (time.perf_counter() - start) / len(runs)
        start = time.perf_counter()
        write_runs(out, [(run_id, frame) for run_id, frame, _ in frames])
        write = (time.perf_counter() - start) / len(frames)
        start = time.perf_counter()
        for run_id, frame, _ in frames:
            write_run(out, run_id, frame)
        single = (time.perf_counter() - start) / len(frames)
    return setup * 1e3, write * 1e3, single * 1e3


def task_round_trip_ms(small: int = 8, large: int = 40) -> tuple[float, float]:
    """(in-process CPU ms per 2-day 8x8 run, CPU ms a pool adds per run): the pool's CPU time
    (this process and its 2 workers) for ``large`` runs less that for ``small`` runs, per extra
    run, less the in-process CPU per run. CPU time, not wall time, so other processes on the
    machine do not inflate it, and the workers' start-up cancels out."""
    import resource

    from calcium_abm.batch.expand import expand_runs
    from calcium_abm.batch.runner import RunTask, execute_run, run_tasks
    from calcium_abm.batch.spec import load_batch

    tasks = [RunTask(r.run_id, r.scenario_toml, r.labels, "summary")
             for r in expand_runs(load_batch(batch(large, 2 / 365, grid=8)))]
    execute_run(tasks[0])
    start = time.process_time()
    for task in tasks:
        execute_run(task)
    in_process = (time.process_time() - start) / large

    def pool_cpu(n: int) -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.process_time()
        for _ in run_tasks(tasks[:n], workers=2):
            pass
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's workers have ended and are counted
        return (time.process_time() - start + after.ru_utime + after.ru_stime
                - children.ru_utime - children.ru_stime)

    per_run = (pool_cpu(large) - pool_cpu(small)) / (large - small)
    return in_process * 1e3, (per_run - in_process) * 1e3


def round_trip_text(trip_ms: float) -> str:
    """The task round trip for a report: a difference of two noisy CPU totals, so a value below 0 is noise,
    shown as such (the projection counts it as 0)."""
    return f"{trip_ms:+.1f} ms" if trip_ms >= 0 else f"~0 ms (measured {trip_ms:+.1f} ms: noise; counted as 0)"


def first_scenarios(spec: dict, n: int) -> list:
    """The scenarios of the batch's first ``n`` runs, as the batch expands and checks them."""
    from calcium_abm.batch.expand import expand_runs
    from calcium_abm.batch.spec import load_batch
    from calcium_abm.scenario import parse_scenario_toml

    return [parse_scenario_toml(run.scenario_toml) for run in expand_runs(load_batch(spec))[:n]]


def build_seconds(spec: dict, repeats: int = 3) -> float:
    """Median seconds to build one run's model (the bone spin-up included): the part of a
    run's simulate time that does not grow with its years."""
    from statistics import median

    from calcium_abm.model import CalciumParadoxModel

    scenario = first_scenarios(spec, 1)[0]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        CalciumParadoxModel(scenario, rng=scenario.simulation.seed)
        times.append(time.perf_counter() - start)
    return median(times)


#: the parts of a summary run's simulate time (:func:`summary_run_parts`), in the order they print
_PARTS = ("build", "compiled days", "days' Python", "results frame")
PART_RUNS = 6  # runs timed in parts (the batch's first)


def summary_run_parts(spec: dict, runs: int = PART_RUNS) -> dict[str, float]:
    """Where a summary run's ``simulate`` time goes, medians over the batch's first ``runs`` runs
    (seconds per run): building the model (the life-course start), the compiled days
    (:func:`calcium_abm.stretch._quiet_days`, every call), the results frame, and the rest: the
    days' Python (each 30-day update of the person's rates, the calls' set-up, the recorded rows).
    Timed by wrappers put on the module attributes ``simulate`` looks up (~1 us a call; the model's
    class by a subclass timing its construction)."""
    from statistics import median

    from calcium_abm import simulation, stretch

    spent = {"build": 0.0, "compiled days": 0.0, "results frame": 0.0}

    def timed(key, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - start
        return wrapper

    originals = (simulation.CalciumParadoxModel, stretch._quiet_days, simulation.results_frame)

    class TimedModel(originals[0]):  # a subclass, so results_frame's isinstance check still holds
        def __init__(self, *args, **kwargs):
            start = time.perf_counter()
            super().__init__(*args, **kwargs)
            spent["build"] += time.perf_counter() - start

    simulation.CalciumParadoxModel = TimedModel
    stretch._quiet_days = timed("compiled days", originals[1])
    simulation.results_frame = timed("results frame", originals[2])
    rows = []
    try:
        for scenario in first_scenarios(spec, runs):
            spent.update(dict.fromkeys(spent, 0.0))
            start = time.perf_counter()
            simulation.simulate(scenario, rows="ends")
            row = dict(spent, whole=time.perf_counter() - start)
            row["days' Python"] = row["whole"] - sum(spent.values())
            rows.append(row)
    finally:
        simulation.CalciumParadoxModel, stretch._quiet_days, simulation.results_frame = originals
    return {key: median(row[key] for row in rows) for key in rows[0]}


def run(runs: int, years: float, grid: int = 64) -> dict:
    """Every figure of the benchmark (see the module docstring)."""
    from distributed import Client

    from calcium_abm.batch.runner import local_dask_cluster
    from calcium_abm.simulation import warm_up

    load_before = os.getloadavg()[0]
    warm_up()  # imports and compiled kernels, so the serial figures are the model's cost
    spec = batch(runs, years, grid=grid)
    serial = measure("serial (in process)", spec, keep_frames=True, workers=1)
    pool = measure("local pool, 2 workers", spec, workers=2)
    start = time.perf_counter()
    with local_dask_cluster(2) as cluster, Client(cluster) as client:
        dask_start = time.perf_counter() - start
        dask = measure("Dask LocalCluster, 2 workers", spec, scheduler=client)
    setup_ms, write_ms, single_ms = setup_and_write_ms(spec, serial.pop("frames"))
    tiny_ms, round_trip_ms = task_round_trip_ms()
    sim = serial["sim_s"]
    r = {"runs": runs, "years": years, "grid": grid, "cpu_count": os.cpu_count(), "load_average_before": load_before,
         "serial": serial, "pool": pool, "dask": dask, "dask_cluster_start_s": dask_start,
         "setup_ms_per_run": setup_ms, "parquet_write_ms_per_run": write_ms,
         "parquet_file_per_run_ms": single_ms,
         "tiny_run_in_process_ms": tiny_ms, "task_round_trip_ms": round_trip_ms,
         "serial_overhead_s": 60 / serial["rate_steady"] - sim}
    for key, m in (("pool", pool), ("dask", dask)):
        m.pop("frames")
        r[f"{key}_efficiency"] = m["rate_steady"] / (2 * serial["rate_steady"])
        r[f"{key}_overhead_s"] = 2 * 60 / m["rate_steady"] - sim
        r[f"{key}_overhead_share"] = r[f"{key}_overhead_s"] / sim
    # a pool's start-up: its first result less that run's own simulate time
    r["pool_start_s"] = pool["first_result_s"] - pool["first_sim_s"]
    r["build_s"] = build_seconds(spec)
    r["summary_run_parts_s"] = summary_run_parts(spec)
    r["sim_10_year_s"] = r["build_s"] + max(sim - r["build_s"], 0.0) * 10.0 / years
    per_run = r["sim_10_year_s"] * (1 + max(r["pool_overhead_share"], 0.0))
    r["cohort_patients"] = COHORT
    r["cohort_projected_min"] = (COHORT * per_run / 2 + COHORT * setup_ms / 1e3 + r["pool_start_s"]) / 60
    # the same from CPU time (this process's, serial: simulate and everything around it), which
    # other processes on the machine inflate much less than wall time
    r["cpu_10_year_s"] = serial["cpu_s_per_run"] * r["sim_10_year_s"] / sim
    r["cohort_projected_cpu_min"] = (COHORT * (r["cpu_10_year_s"] + max(round_trip_ms, 0.0) / 1e3) / 2
                                     + COHORT * setup_ms / 1e3 + r["pool_start_s"]) / 60
    r["load_average_after"] = os.getloadavg()[0]
    return r


def report(r: dict) -> str:
    """The printed figures."""
    lines = [f"{r['runs']} runs, {r['grid']}x{r['grid']} grids, {r['years']:g} years each, summary output; "
             f"{r['cpu_count']} CPUs; 1-min load average {r['load_average_before']:.1f} -> {r['load_average_after']:.1f}"]
    if max(r["load_average_before"], r["load_average_after"]) > 0.5 * (r["cpu_count"] or 1):
        lines.append("warning: other processes were using the CPUs; timings are pessimistic, re-run on an idle machine")
    lines.append(f"\n{'executor':32} {'runs/min':>9} {'(with start-up)':>16} {'simulate s/run':>15}")
    for m in (r["serial"], r["pool"], r["dask"]):
        lines.append(f"{m['label']:32} {m['rate_steady']:9.1f} {m['rate_total']:16.1f} {m['sim_s']:15.3f}")
    lines.append(f"\nin-process simulate time per run      {r['serial']['sim_s']:.3f} s")
    lines.append(f"serial per-run overhead (outside simulate) {r['serial_overhead_s'] * 1e3:+.1f} ms")
    for key, name in (("pool", "local pool, 2 workers"), ("dask", "Dask LocalCluster, 2 workers")):
        lines.append(f"{name:32} parallel efficiency {r[f'{key}_efficiency']:6.1%} (target >= "
                     f"{TARGET_EFFICIENCY:.0%})   per-run overhead {r[f'{key}_overhead_s'] * 1e3:+7.1f} ms "
                     f"({r[f'{key}_overhead_share']:+.1%})")
    lines.append(f"start-up: pool {r['pool_start_s']:.1f} s, Dask cluster {r['dask_cluster_start_s']:.1f} s (not "
                 "counted in the steady rates)")
    lines.append(f"parent, per run: set-up (runs + manifest) {r['setup_ms_per_run']:.2f} ms, "
                 f"Parquet write {r['parquet_write_ms_per_run']:.1f} ms (one file per run, as before: "
                 f"{r['parquet_file_per_run_ms']:.1f} ms)")
    lines.append(f"model build per run (bone spin-up, in simulate) {r['build_s']:.3f} s")
    if "summary_run_parts_s" in r:  # figures saved before this line existed lack it
        parts = r["summary_run_parts_s"]
        timed = ", ".join(f"{key} {1e3 * parts[key]:.0f} ms" for key in _PARTS)
        lines.append(f"where a run's simulate goes ({r['years']:g} years; medians of {min(PART_RUNS, r['runs'])} "
                     f"runs): {timed} (whole {1e3 * parts['whole']:.0f} ms)")
    lines.append(f"task round trip on the pool, CPU per run (2-day 8x8 runs of {r['tiny_run_in_process_ms']:.1f} ms "
                 f"CPU): {round_trip_text(r['task_round_trip_ms'])}")
    scaled = "" if r["years"] == 10 else f", scaled from {r['years']:g}-year runs"
    lines.append(f"\nprojected: {r['cohort_patients']:,}-patient, 10-year summary cohort on 2 local workers "
                 f"≈ {r['cohort_projected_min']:.0f} min ({r['sim_10_year_s']:.2f} s per run in process{scaled}; "
                 f"target <= {TARGET_MINUTES:g} min)")
    lines.append(f"projected from CPU time: ≈ {r['cohort_projected_cpu_min']:.0f} min ({r['cpu_10_year_s']:.2f} s CPU per "
                 "run + the task round trip, 2 workers; what an idle machine would give)")
    if r.get("cohort_measured_min") is not None:
        lines.append(f"measured: {r['cohort_measured_patients']:,}-patient, 10-year cohort on 2 local workers: "
                     f"{r['cohort_measured_min']:.1f} min")
    return "\n".join(lines)


def docs_table(r: dict) -> str:
    """docs/batch.md's Speed table (the block ``bench-batch``) from the saved figures."""
    cohort = f" --cohort {r['cohort_measured_patients']}" if r.get("cohort_measured_patients") else ""
    command = f"python bench/batch.py --runs {r['runs']} --years {r['years']:g}{cohort} --json bench/results/batch.json"
    rows = [("in-process simulate time per run", f"{r['serial']['sim_s']:.3f} s"),
            ("serial runs/min", f"{r['serial']['rate_steady']:.1f}"),
            ("2-worker pool runs/min (steady)", f"{r['pool']['rate_steady']:.1f}"),
            ("2-worker Dask LocalCluster runs/min (steady)", f"{r['dask']['rate_steady']:.1f}"),
            ("parallel efficiency, pool / Dask", f"{r['pool_efficiency']:.1%} / {r['dask_efficiency']:.1%}"),
            ("per-run overhead, pool", f"{r['pool_overhead_s'] * 1e3:+.0f} ms ({r['pool_overhead_share']:+.1%})"),
            ("per-run overhead, Dask LocalCluster",
             f"{r['dask_overhead_s'] * 1e3:+.0f} ms ({r['dask_overhead_share']:+.1%})"),
            ("start-up: pool / Dask cluster", f"{r['pool_start_s']:.1f} s / {r['dask_cluster_start_s']:.1f} s"),
            ("model build per run (bone spin-up; part of simulate)", f"{r['build_s']:.3f} s"),
            *([("a run's simulate: build / compiled days / days' Python / results frame",
                " / ".join(f"{1e3 * r['summary_run_parts_s'][key]:.0f}" for key in _PARTS) + " ms")]
              if "summary_run_parts_s" in r else []),
            ("task round trip, CPU per run (2-day runs on the pool)", round_trip_text(r["task_round_trip_ms"])),
            ("parent: set-up (runs + manifest) / Parquet write, per run",
             f"{r['setup_ms_per_run']:.2f} ms / {r['parquet_write_ms_per_run']:.1f} ms (a file per run: "
             f"{r['parquet_file_per_run_ms']:.1f} ms)"),
            (f"projected {r['cohort_patients']:,}-patient, 10-year cohort, 2 workers",
             f"{r['cohort_projected_min']:.0f} min"),
            ("the same from CPU time (serial CPU per run + task round trip, / 2)",
             f"{r['cohort_projected_cpu_min']:.0f} min"),
            *([(f"measured: a real {r['cohort_measured_patients']:,}-patient, 10-year cohort, 2 workers "
                "(run_batch, Parquet written)", f"{r['cohort_measured_min']:.1f} min")]
              if r.get("cohort_measured_min") is not None else [])]
    lines = [f"`{command}` ({r['runs']} runs of {r['years']:g} years on {r['grid']}x{r['grid']} grids, "
             f"{r['cpu_count']} CPUs, load average {r['load_average_before']:.1f}):", "",
             "| figure | measured |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows]]
    if max(r["load_average_before"], r["load_average_after"]) > 0.5 * (r["cpu_count"] or 1):
        lines += ["", f"Measured on a busy machine (load average {r['load_average_before']:.1f} -> "
                      f"{r['load_average_after']:.1f}): wall-time figures are pessimistic; re-measure idle."]
    return "\n".join(lines) + "\n"


def update_docs(results_path: Path = RESULTS, docs: Path = DOCS) -> bool:
    """Rewrite docs/batch.md's ``bench-batch`` block from the saved figures; True if it changed."""
    text = docs.read_text(encoding="utf-8")
    table = docs_table(json.loads(results_path.read_text(encoding="utf-8")))
    new = DOCS_BLOCK.sub(lambda m: m.group(1) + table + m.group(3), text)
    if new != text:
        docs.write_text(new, encoding="utf-8")
    return new != text


def write_json(results: dict, path: Path) -> None:
    """Write ``results`` to ``path`` atomically (temp file + rename)."""
    from calcium_abm.io import atomic_write

    atomic_write(path, lambda tmp: Path(tmp).write_text(json.dumps(results, indent=2), encoding="utf-8"))


def workers_rule(batch_file: Path) -> int:
    """Time a batch file serially (in process) and on a pool of every CPU; print the wall
    times, what they measure of the default ``--workers`` rule (seconds a run, against the
    rule's estimate; start-up of a pool), and the rule's choice."""
    from calcium_abm.batch.expand import expand_runs
    from calcium_abm.batch.estimate import (LATE_SECONDS_PER_VESSEL_PATCH_DAY, POOL_PAYBACK, POOL_START_S,
                                            SECONDS_PER_DAY, SECONDS_PER_PATCH_DAY, default_workers,
                                            mean_run_seconds)
    from calcium_abm.batch.spec import load_batch

    spec = load_batch(batch_file)
    runs = expand_runs(spec)
    n = len(runs)
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
    pool_start = pool["wall_s"] - serial["wall_s"] / cpus
    print(f"measured: {serial['sim_s']:.3f} s per run; pool start-up {pool_start:.1f} s (rule uses "
          f"{POOL_START_S:.1f} s, x{POOL_PAYBACK:g} to pay back)")
    est = mean_run_seconds([run.scenario_toml for run in runs], summary=spec.output == "summary")  # as the runner
    print(f"rule: estimated {est:.3f} s per run ({1000 * SECONDS_PER_DAY:.2g} ms + {SECONDS_PER_PATCH_DAY:.2g} s per "
          f"patch a day, rising by up to {LATE_SECONDS_PER_VESSEL_PATCH_DAY:.2g} s per vessel patch over the run's "
          f"first years), {n * est:.1f} s serial -> default --workers "
          f"{default_workers(n, est, cpus)} (faster here: {1 if serial['wall_s'] <= pool['wall_s'] else cpus})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=16, help="runs per executor (default 16; at least 4)")
    parser.add_argument("--years", type=float, default=10.0, help="years per run (default 10)")
    parser.add_argument("--grid", type=int, default=64, help="patches per side of each section (default 64)")
    parser.add_argument("--cohort", type=int, default=0, help="also time a real N-patient, 10-year cohort")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save every figure as JSON")
    parser.add_argument("--docs", action="store_true", help=f"instead of measuring, rewrite {DOCS.name}'s Speed "
                        f"table from {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--workers-rule", nargs="?", const=str(ROOT / "examples" / "batches" / "mk7_dose_sweep.toml"),
                        metavar="BATCH_FILE", help="measure the default --workers rule on a batch file "
                        "(default: the shipped dose sweep)")
    args = parser.parse_args(argv)
    if args.docs:
        print(f"{DOCS.relative_to(ROOT)}: {'rewritten' if update_docs() else 'already up to date'}")
        return 0
    if args.workers_rule:
        return workers_rule(Path(args.workers_rule))
    if args.runs < 4 or not 0 < args.years <= 100 or not 4 <= args.grid <= 512:
        print("error: --runs must be at least 4, --years above 0 up to 100, --grid 4 to 512", file=sys.stderr)
        return 2
    if args.json is not None and not args.json.resolve().parent.is_dir():
        print(f"error: --json: folder {str(args.json.resolve().parent)!r} does not exist", file=sys.stderr)
        return 2
    results = run(args.runs, args.years, args.grid)
    if args.cohort:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            run_batch(batch(args.cohort, 10.0, grid=args.grid), Path(out) / "c", workers=2, progress=True)
        results["cohort_measured_patients"] = args.cohort
        results["cohort_measured_min"] = (time.perf_counter() - start) / 60
    print(report(results))
    if args.json is not None:
        write_json(results, args.json)
        print(f"figures saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
