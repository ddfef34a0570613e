"""Core speed benchmark of calcium-abm (a benchmark, not a timed test).

Run from the repository root::

    .venv/bin/python bench/core.py            # full run (~1-2 minutes on 2 cores)
    .venv/bin/python bench/core.py --quick    # smoke run (fewer repeats and days)
    .venv/bin/python bench/core.py --json bench-core.json

It prints, for the default scenario (``healthy_adult``), medians over repeats of:

1. simulated days per second at the default grid (64x64 per tissue section) and the wall
   time of a full default run (model construction + 10 years via ``simulate``);
2. agent-and-patch updates per second: (bone patches + vessel patches + live agents) per
   day x days / seconds, live agents counted as ``len(model.agents)`` would count them
   (``agents.agent_count``: the cell agents are made only when read, so the run makes none);
3. the same figure for Mesa's own ``mesa.examples.advanced.wolf_sheep`` (100x100, 1000
   sheep, 500 wolves, grass on; grass patches are agents there, so ``len(model.agents)``
   counts grass patches + sheep + wolves) measured in the same process, and the ratio; and
   the full default run's time over that of 20 wolf_sheep steps in the same repeat (issue 16's
   target: <= 0.3);
4. cost per day (ms) at 64^2 .. 512^2 patches per section (issue 16's target at 64^2: <= 0.08
   ms) and the log-log growth exponent, over all four grids and from 256^2 to 512^2 (linear
   growth: <= 1.1), and where a 64^2 day goes: the median time of each call ``model.step``
   makes (:func:`day_breakdown_us`), the rest being the step's own lines;
5. the start cost of a person: construction (life-course start state, spin-up and measured
   baseline) of a 68-year-old woman 17 years past menopause with a calcium score of 200 and
   no measured T-score (a measured T-score would skip her life course, the costly part of the
   start: ``calcium_abm/physiology/life_course.py``), as a share of the full default run
   (target <= 25 %);
6. peak traced memory (``tracemalloc``, which sees numpy buffers) of model construction +
   30 days, per patch of both sections.

and a table of each figure against its target (PASS/MISS).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

# Import the package from this checkout, whatever the working directory.
_REPO_ROOT = Path(__file__).resolve().parent.parent
if str(_REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(_REPO_ROOT))

from calcium_abm import CalciumParadoxModel, simulate  # noqa: E402
from calcium_abm.agents import agent_count  # noqa: E402

DEFAULT_SCENARIO = "healthy_adult"
BENCH_SEED = 42  # the scenario's own seed: every run of the benchmark simulates the same days
SECTION_SIZES = (64, 128, 256, 512)
MEMORY_SIZES = (64, 256, 512)
WOLF_SHEEP_CONFIG = {"width": 100, "height": 100, "initial_sheep": 1000, "initial_wolves": 500, "grass": True}

TARGET_FULL_RUN_S = 2.0
TARGET_RATIO_VS_WOLF_SHEEP = 100.0
TARGET_GROWTH_EXPONENT = 1.1
TARGET_COST_MS_PER_DAY_64 = 0.08  # issue 16: cost per day at 64x64 per section
TARGET_BYTES_PER_PATCH = 300.0
TARGET_START_SHARE_OF_RUN = 0.25
#: issue 16: the 10-year default run in at most 0.3 x the time of 20 wolf_sheep steps, same run
WOLF_SHEEP_STEPS_COMPARED = 20
TARGET_FULL_RUN_VS_WOLF_SHEEP_STEPS = 0.3
#: the person whose start is timed (figure 5)
START_COST_PERSON = {"sex": "female", "age_years": 68.0, "postmenopausal": True, "years_since_menopause": 17.0,
                     "baseline_calcification_score": 200.0}


def grid_settings(side: int) -> dict[str, int]:
    """Flat overrides giving both tissue sections ``side`` x ``side`` patches."""
    return {"bone_grid_width": side, "bone_grid_height": side,
            "vessel_grid_width": side, "vessel_grid_height": side}


def patch_count(model: CalciumParadoxModel) -> int:
    """Bone patches + vessel patches of a model."""
    return int(model.bone.mineral.size + model.vessel.mineral.size)


# ----------------------------------------------------------------------------- 1 + 2
def time_default_run() -> dict[str, float]:
    """One repeat: days/s and updates/s of the default scenario, and the full-run wall time."""
    gc.collect()
    start = time.perf_counter()
    frame = simulate(DEFAULT_SCENARIO)
    full_run_s = time.perf_counter() - start

    # the same run with a row at its two ends only (a batch's summary output): the days between
    # are the compiled stretch (calcium_abm.stretch), Python touching only the rows and boundaries
    gc.collect()
    start = time.perf_counter()
    simulate(DEFAULT_SCENARIO, rows="ends")
    summary_run_s = time.perf_counter() - start

    gc.collect()
    start = time.perf_counter()
    model = CalciumParadoxModel(DEFAULT_SCENARIO, rng=BENCH_SEED)
    build_s = time.perf_counter() - start
    patches = patch_count(model)
    step_s, updates = 0.0, 0
    while model.running:
        live = agent_count(model)  # agents alive at the start of the day (= len(model.agents), not made)
        start = time.perf_counter()
        model.step()
        step_s += time.perf_counter() - start
        updates += patches + live
    return {"default_days": int(frame["day"].iloc[-1]), "default_days_per_s": model.day / step_s,
            "default_build_s": build_s, "default_full_run_s": full_run_s, "updates_per_s": updates / step_s,
            "summary_run_s": summary_run_s,
            "summary_cost_ms_per_day_64": 1e3 * max(summary_run_s - build_s, 0.0) / model.day}


def start_cost_s(repeats: int) -> float:
    """Median wall time (s) of constructing the model for :data:`START_COST_PERSON`."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        CalciumParadoxModel(DEFAULT_SCENARIO, rng=BENCH_SEED, **START_COST_PERSON)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ----------------------------------------------------------------------------- 3
def wolf_sheep_updates_per_s(seed: int, steps: int) -> dict[str, float]:
    """One repeat of Mesa's wolf_sheep example: (grass patches + sheep + wolves) per step / s."""
    from mesa.examples.advanced.wolf_sheep.model import WolfSheep, WolfSheepScenario

    gc.collect()
    model = WolfSheep(WolfSheepScenario(rng=seed, **WOLF_SHEEP_CONFIG))
    step_s, updates = 0.0, 0
    for _ in range(steps):
        live = len(model.agents)  # GrassPatch agents + sheep + wolves
        start = time.perf_counter()
        model.step()
        step_s += time.perf_counter() - start
        updates += live
    return {"wolf_sheep_updates_per_s": updates / step_s, "wolf_sheep_mean_entities": updates / steps,
            "wolf_sheep_s_per_step": step_s / steps}


def compare_with_wolf_sheep(repeats: int, wolf_sheep_steps: int) -> dict[str, float]:
    """Figures 1-3, medians over repeats. Each repeat times our model and wolf_sheep back
    to back, so a change in machine load hits both sides of the ratio."""
    rows = []
    for seed in range(1, repeats + 1):
        row = time_default_run()
        row.update(wolf_sheep_updates_per_s(seed, wolf_sheep_steps))
        row["updates_ratio_vs_wolf_sheep"] = row["updates_per_s"] / row["wolf_sheep_updates_per_s"]
        row["full_run_vs_wolf_sheep_steps"] = row["default_full_run_s"] / (
            WOLF_SHEEP_STEPS_COMPARED * row["wolf_sheep_s_per_step"])
        row["summary_run_vs_wolf_sheep_steps"] = row["summary_run_s"] / (
            WOLF_SHEEP_STEPS_COMPARED * row["wolf_sheep_s_per_step"])
        rows.append(row)
    medians = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    medians["default_days"] = rows[0]["default_days"]
    medians["wolf_sheep_steps"] = wolf_sheep_steps
    return medians


# ----------------------------------------------------------------------------- 4
def warmed_model(side: int, warmup_days: int, timed_days: int) -> CalciumParadoxModel:
    """The default scenario at ``side`` x ``side`` per section, stepped ``warmup_days``, with
    ``timed_days`` (and one) left to run."""
    days = warmup_days + timed_days
    model = CalciumParadoxModel(DEFAULT_SCENARIO, rng=BENCH_SEED, years=(days + 1) / 365.0, **grid_settings(side))
    for _ in range(warmup_days):
        model.step()
    return model


def cost_per_day_ms(side: int, warmup_days: int, timed_days: int) -> float:
    """Median ms per day at ``side`` x ``side`` patches per section, after warm-up."""
    model = warmed_model(side, warmup_days, timed_days)
    gc.collect()
    times = []
    for _ in range(timed_days):
        start = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def growth_exponent(patches: list[int], cost_ms: list[float]) -> float:
    """Slope of log(cost) against log(patches), least squares."""
    slope, _ = np.polyfit(np.log(patches), np.log(cost_ms), 1)
    return float(slope)


#: the calls ``CalciumParadoxModel.step`` makes, as (label, module, attribute): each is timed by a
#: wrapper put on the module attribute the step looks up (the indented calls are timed inside the
#: call above them and also counted in its time)
DAY_STEPS = (
    ("schedule and ageing", "calcium_abm.person", "apply_schedule_and_age"),
    ("carboxylation", "calcium_abm.model", "CalciumParadoxModel._carboxylation_day"),
    ("systemic signals", "calcium_abm.physiology.minerals", "systemic_values"),
    ("bone drives", "calcium_abm.person", "bone_drives_today"),
    ("bone cells (remodel_day)", "calcium_abm.physiology.remodeling", "remodel_day"),
    ("  compiled bone-cell kernel", "calcium_abm.physiology.remodeling", "_cells_day_kernel"),
    ("cortical bone", "calcium_abm.physiology.skeleton", "cortical_day"),
    ("mineral exchanges and wall", "calcium_abm.model", "CalciumParadoxModel._mineral_exchanges"),
    ("  wall inputs and uniforms", "calcium_abm.physiology.calcification", "wall_day_inputs"),
    ("  compiled exchanges + wall kernel", "calcium_abm.physiology.exchanges", "run"),
    ("  end of the wall's day", "calcium_abm.physiology.calcification", "end_wall_day"),
    ("plasma dp-ucMGP", "calcium_abm.physiology.carboxylation", "advance_dp_ucmgp"),
    ("cell agents", "calcium_abm.model", "mirror_bone_day"),
    ("recorded row", "calcium_abm.outputs", "RowCollector.collect"),
)


def day_breakdown_us(side: int, warmup_days: int, timed_days: int) -> dict[str, float]:
    """Median microseconds per day of each of :data:`DAY_STEPS` and of the whole ``model.step``
    (``"day"``) at ``side`` x ``side`` patches per section, after warm-up, with ``"step's own
    lines"`` the median day less the medians of the top-level calls. The wrappers add ~0.1 us a
    call, so the parts sum to a little more than an unwrapped day (:func:`cost_per_day_ms`)."""
    import importlib

    times: dict[str, list[float]] = {label: [] for label, _, _ in DAY_STEPS}
    originals = []

    def timed(label, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                times[label].append(time.perf_counter() - start)
        return wrapper

    model = warmed_model(side, warmup_days, timed_days)
    step_times = []
    try:
        for label, module_name, attribute in DAY_STEPS:
            owner = importlib.import_module(module_name)
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            originals.append((owner, name, owner.__dict__[name]))
            setattr(owner, name, timed(label, getattr(owner, name)))
        gc.collect()
        for _ in range(timed_days):
            start = time.perf_counter()
            model.step()
            step_times.append(time.perf_counter() - start)
    finally:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)
    medians = {label: 1e6 * statistics.median(values) for label, values in times.items()
               if len(values) == timed_days}
    medians["day"] = 1e6 * statistics.median(step_times)
    medians["step's own lines"] = medians["day"] - sum(v for k, v in medians.items()
                                                       if k != "day" and not k.startswith(" "))
    return medians


# ----------------------------------------------------------------------------- 5
def _check_tracemalloc_sees_numpy() -> None:
    """Fail loudly if numpy buffers were invisible to tracemalloc (the figure would lie)."""
    tracemalloc.start()
    buffer = np.ones(1_000_000)  # 8 MB
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del buffer
    if peak < 8_000_000:
        raise RuntimeError(f"tracemalloc saw {peak} bytes for an 8 MB numpy array; memory figures unusable")


def peak_bytes_per_patch(side: int, days: int) -> dict[str, float]:
    """Peak traced bytes (construction + ``days`` days) per patch of both sections."""
    gc.collect()
    tracemalloc.start()
    model = CalciumParadoxModel(DEFAULT_SCENARIO, rng=BENCH_SEED, years=(days + 1) / 365.0, **grid_settings(side))
    for _ in range(days):
        model.step()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    patches = patch_count(model)
    return {"peak_bytes_per_patch": peak / patches, "retained_bytes_per_patch": current / patches,
            "patches": patches, "agents": agent_count(model)}


# ----------------------------------------------------------------------------- profile
def profile_step(side: int, days: int, top: int = 25) -> str:
    """cProfile of ``days`` days at ``side`` x ``side`` per section (after 10 warm-up days),
    functions sorted by own time; returns the printed statistics."""
    import cProfile
    import io
    import pstats

    model = CalciumParadoxModel(DEFAULT_SCENARIO, rng=BENCH_SEED, years=(days + 11) / 365.0, **grid_settings(side))
    for _ in range(10):
        model.step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(days):
        model.step()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"cProfile of {days} days at {side}x{side} per section "
              f"({1e3 * stats.total_tt / days:.3f} ms/day under the profiler)\n")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# ----------------------------------------------------------------------------- alternate
#: one timing sample, run in a fresh interpreter with a checkout's package first on the path;
#: it uses only ``simulate`` and ``CalciumParadoxModel(name, rng=...)``, which every version has
_SAMPLE_CODE = """
import gc, json, time
from calcium_abm import CalciumParadoxModel, simulate
CalciumParadoxModel("healthy_adult", rng=42, years=0.02).step()  # load kernels and caches
gc.collect(); t, c = time.perf_counter(), time.process_time(); simulate("healthy_adult")
full, full_cpu = time.perf_counter() - t, time.process_time() - c
gc.collect(); model = CalciumParadoxModel("healthy_adult", rng=42)
t, c = time.perf_counter(), time.process_time()
while model.running:
    model.step()
wall, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"full_run_s": full, "full_run_cpu_s": full_cpu, "days_per_s": model.day / wall,
                  "cpu_days_per_s": model.day / cpu}))
"""


def alternate(checkouts: list[Path], rounds: int, paired: bool = False) -> dict[str, dict[str, float]]:
    """Figure 1 of several checkouts (e.g. before and after a change), measured in turn
    (A B C A B C ...) so that a change in machine load hits all of them alike; medians over
    ``rounds``. Each sample is a fresh interpreter with the checkout first on ``PYTHONPATH``.
    ``paired`` (two checkouts, two CPUs): each round runs both at once, each pinned to its own CPU,
    the CPUs swapped every round, so both see the same moments of a machine whose speed wanders;
    the second checkout's medians then carry ``full_run_ratio`` (the median over rounds of its full
    run over the first's) and ``rounds_faster`` (rounds in which its full run was the shorter).
    Returns checkout -> medians of: full default run (s, wall and CPU) and days/s in
    ``model.step()`` (wall and CPU)."""
    import subprocess

    def start(checkout: Path, cpu: int | None):
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
        return subprocess.Popen([sys.executable, "-c", _SAMPLE_CODE], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=checkout, preexec_fn=pin)

    def sample(checkout: Path, proc) -> dict[str, float]:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"{checkout}: the sample failed:\n{err.strip()[-2000:]}")
        return json.loads(out.strip().splitlines()[-1])

    # one row per distinct checkout; a paired run keeps the second of one checkout apart (a check of the design)
    names = [f"{c} (2nd)" if paired and i and c == checkouts[0] else str(c) for i, c in enumerate(checkouts)]
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for round_ in range(rounds):
        if paired:
            cpus = sorted(os.sched_getaffinity(0))[:2]
            procs = [start(c, cpus[(i + round_) % 2]) for i, c in enumerate(checkouts)]
            for name, checkout, proc in zip(names, checkouts, procs):
                samples[name].append(sample(checkout, proc))
            continue
        for name, checkout in zip(names, checkouts):
            samples[name].append(sample(checkout, start(checkout, None)))
    medians = {name: {key: statistics.median(row[key] for row in rows) for key in rows[0]}
               for name, rows in samples.items()}
    if paired:
        first, second = (samples[name] for name in names)
        ratios = [b["full_run_s"] / a["full_run_s"] for a, b in zip(first, second)]
        medians[names[1]].update(full_run_ratio=statistics.median(ratios), rounds_faster=sum(r < 1.0 for r in ratios))
    return medians


def alternate_report(medians: dict[str, dict[str, float]], rounds: int, load: tuple[float, float]) -> str:
    """The printed comparison of :func:`alternate`."""
    lines = [f"default run, medians of {rounds} alternating rounds (1-min load average {load[0]:.1f} -> {load[1]:.1f} "
             f"on {os.cpu_count()} CPUs)",
             f"{'checkout':40s} {'full run s':>10s} {'(CPU s)':>8s} {'days/s':>8s} {'(CPU)':>8s}"]
    for name, m in medians.items():
        lines.append(f"{name[-40:]:40s} {m['full_run_s']:10.3f} {m['full_run_cpu_s']:8.3f} "
                     f"{m['days_per_s']:8,.0f} {m['cpu_days_per_s']:8,.0f}")
        if "full_run_ratio" in m:
            lines.append(f"paired (both at once, one CPU each, swapped every round): full run of the second / the "
                         f"first, median {m['full_run_ratio']:.3f}; the second shorter in {m['rounds_faster']} of "
                         f"{rounds} rounds")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- same frames
#: writes ``simulate(name, years=YEARS)`` of every built-in scenario of the checkout first on
#: ``PYTHONPATH`` to the pickle file given as argv[1] (name -> DataFrame)
_FRAMES_CODE = """
import pickle, sys
from calcium_abm import simulate
from calcium_abm.scenario import builtin_scenario_names
frames = {name: simulate(name, years=float(sys.argv[2])) for name in builtin_scenario_names()}
with open(sys.argv[1], "wb") as handle:
    pickle.dump(frames, handle)
"""


def same_bits(a: object, b: object) -> bool:
    """Whether two frames hold the same columns, dtypes, attrs and values, bit for bit (NaN
    equal to the same NaN)."""
    if list(a.columns) != list(b.columns) or list(a.dtypes) != list(b.dtypes) or a.shape != b.shape:
        return False
    if a.attrs != b.attrs:
        return False
    return all(np.array_equal(a[c].to_numpy().view(np.uint8), b[c].to_numpy().view(np.uint8)) for c in a.columns)


def same_frames(checkouts: list[Path], years: float) -> dict[str, bool]:
    """Run every built-in scenario for ``years`` in each checkout (a fresh interpreter each)
    and compare the first checkout's frames with the others'. Returns scenario -> whether all
    checkouts gave bit-identical frames (a scenario missing from one checkout counts as
    different)."""
    import pickle
    import subprocess

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, checkout in enumerate(checkouts):
            out = Path(tmp) / f"{i}.pkl"
            env = {**os.environ, "PYTHONPATH": str(checkout)}
            proc = subprocess.run([sys.executable, "-c", _FRAMES_CODE, str(out), str(years)], env=env,
                                  capture_output=True, text=True, cwd=checkout, check=False)
            if proc.returncode != 0:
                raise RuntimeError(f"{checkout}: the run failed:\n{proc.stderr.strip()[-2000:]}")
            with open(out, "rb") as handle:
                results.append(pickle.load(handle))
    first = results[0]
    return {name: all(name in other and same_bits(frame, other[name]) for other in results[1:])
            for name, frame in first.items()}


# ----------------------------------------------------------------------------- driver
def run(quick: bool = False) -> dict[str, object]:
    """Measure every figure; returns a JSON-ready dict."""
    repeats = 1 if quick else 5
    # warm imports and caches (scipy.ndimage, scenario files) outside all measurements
    CalciumParadoxModel(DEFAULT_SCENARIO, rng=BENCH_SEED, years=0.01, **grid_settings(16)).step()

    results: dict[str, object] = {"quick": quick, "repeats": repeats}
    results["load_average_before"] = os.getloadavg()[0]
    results.update(compare_with_wolf_sheep(repeats, wolf_sheep_steps=10 if quick else 50))
    results["start_cost_s"] = start_cost_s(repeats)
    results["start_share_of_run"] = results["start_cost_s"] / results["default_full_run_s"]

    warmup, timed = (3, 5) if quick else (10, 40)
    cost = {side: cost_per_day_ms(side, warmup, timed) for side in SECTION_SIZES}
    results["cost_ms_per_day"] = {f"{side}x{side}": ms for side, ms in cost.items()}
    results["growth_exponent"] = growth_exponent([2 * s * s for s in cost], list(cost.values()))
    # the slope between the two largest grids, where fixed per-day overhead no longer hides it
    top = sorted(cost)[-2:]
    results["growth_exponent_largest_pair"] = growth_exponent([2 * s * s for s in top], [cost[s] for s in top])
    results["day_breakdown_us"] = day_breakdown_us(SECTION_SIZES[0], warmup, timed)
    results["day_outside_kernels_us"] = outside_kernels_us(results["day_breakdown_us"])

    _check_tracemalloc_sees_numpy()
    memory_days = 5 if quick else 30
    results["memory_days"] = memory_days
    results["memory"] = {f"{side}x{side}": peak_bytes_per_patch(side, memory_days) for side in MEMORY_SIZES}
    largest = f"{max(MEMORY_SIZES)}x{max(MEMORY_SIZES)}"
    results["peak_bytes_per_patch"] = results["memory"][largest]["peak_bytes_per_patch"]
    results["load_average_after"] = os.getloadavg()[0]
    results["cpu_count"] = os.cpu_count()
    return results


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(r: dict[str, object]) -> str:
    """The printed table."""
    cost = r["cost_ms_per_day"]
    rows = [
        ("Simulated days/s (default, 64x64)", f"{r['default_days_per_s']:,.0f}", "-", "info"),
        (f"Full default run, build + {r['default_days']} days (s)", f"{r['default_full_run_s']:.2f}",
         f"<= {TARGET_FULL_RUN_S:g}", _verdict(r["default_full_run_s"] <= TARGET_FULL_RUN_S)),
        ("Model construction (s)", f"{r['default_build_s']:.3f}", "-", "info"),
        ("Start cost, 68-year-old woman, share of full run", f"{r['start_share_of_run']:.1%} "
         f"({r['start_cost_s']:.3f} s)", f"<= {TARGET_START_SHARE_OF_RUN:.0%}",
         _verdict(r["start_share_of_run"] <= TARGET_START_SHARE_OF_RUN)),
        ("Updates/s (patches + agents), ours", f"{r['updates_per_s']:,.0f}", "-", "info"),
        (f"Updates/s, Mesa wolf_sheep ({r['wolf_sheep_mean_entities']:,.0f} entities/step)",
         f"{r['wolf_sheep_updates_per_s']:,.0f}", "-", "info"),
        ("Ratio ours / wolf_sheep", f"{r['updates_ratio_vs_wolf_sheep']:.1f}x",
         f">= {TARGET_RATIO_VS_WOLF_SHEEP:g}x", _verdict(r["updates_ratio_vs_wolf_sheep"] >= TARGET_RATIO_VS_WOLF_SHEEP)),
        *([(f"Full default run / {WOLF_SHEEP_STEPS_COMPARED} wolf_sheep steps",
            f"{r['full_run_vs_wolf_sheep_steps']:.2f}", f"<= {TARGET_FULL_RUN_VS_WOLF_SHEEP_STEPS:g}",
            _verdict(r["full_run_vs_wolf_sheep_steps"] <= TARGET_FULL_RUN_VS_WOLF_SHEEP_STEPS))]
          if "full_run_vs_wolf_sheep_steps" in r else []),
        *([(f"Summary run (rows at the ends), build + {r['default_days']} days (s)", f"{r['summary_run_s']:.2f}",
            "-", "info"),
           (f"Summary run / {WOLF_SHEEP_STEPS_COMPARED} wolf_sheep steps", f"{r['summary_run_vs_wolf_sheep_steps']:.2f}",
            f"<= {TARGET_FULL_RUN_VS_WOLF_SHEEP_STEPS:g}",
            _verdict(r["summary_run_vs_wolf_sheep_steps"] <= TARGET_FULL_RUN_VS_WOLF_SHEEP_STEPS)),
           ("Cost per day at 64x64 in the summary run (ms)", f"{r['summary_cost_ms_per_day_64']:.3f}",
            f"<= {TARGET_COST_MS_PER_DAY_64:g}", _verdict(r["summary_cost_ms_per_day_64"] <= TARGET_COST_MS_PER_DAY_64))]
          if "summary_run_vs_wolf_sheep_steps" in r else []),
        *[(f"Cost per day at {size} per section (ms)", f"{ms:.2f}", *(
            (f"<= {TARGET_COST_MS_PER_DAY_64:g}", _verdict(ms <= TARGET_COST_MS_PER_DAY_64)) if size == "64x64"
            else ("-", "info"))) for size, ms in cost.items()],
        ("Growth exponent (log-log, cost vs patches)", f"{r['growth_exponent']:.2f}",
         f"<= {TARGET_GROWTH_EXPONENT:g}", _verdict(r["growth_exponent"] <= TARGET_GROWTH_EXPONENT)),
        ("  slope between the two largest grids only", f"{r['growth_exponent_largest_pair']:.2f}",
         f"<= {TARGET_GROWTH_EXPONENT:g}", _verdict(r["growth_exponent_largest_pair"] <= TARGET_GROWTH_EXPONENT)),
    ]
    largest = max(r["memory"], key=lambda k: int(k.split("x")[0]))
    for size, m in r["memory"].items():
        label = f"Peak memory per patch at {size}, build + {r['memory_days']} d (B)"
        if size == largest:
            rows.append((label, f"{m['peak_bytes_per_patch']:.0f}", f"<= {TARGET_BYTES_PER_PATCH:g}",
                         _verdict(m["peak_bytes_per_patch"] <= TARGET_BYTES_PER_PATCH)))
        else:
            rows.append((label, f"{m['peak_bytes_per_patch']:.0f}", "-", "info"))
    widths = [max(len(row[i]) for row in rows + [("Figure", "Value", "Target", "Result")]) for i in range(4)]
    lines = [f"calcium-abm core benchmark ({'quick' if r['quick'] else 'full'}; medians of {r['repeats']}; "
             f"1-min load average {r['load_average_before']:.1f} -> {r['load_average_after']:.1f} "
             f"on {r['cpu_count']} CPUs)"]
    if max(r["load_average_before"], r["load_average_after"]) > 0.5 * (r["cpu_count"] or 1):
        lines.append("warning: other processes were using the CPUs; timings are pessimistic, re-run on an idle machine")
    for row in [("Figure", "Value", "Target", "Result"), tuple("-" * w for w in widths), *rows]:
        lines.append("  ".join([row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].ljust(widths[2]), row[3]]))
    if "day_breakdown_us" in r:
        lines.append(breakdown_report(r["day_breakdown_us"]))
    return "\n".join(lines)


#: the compiled kernels a day calls: the time outside them is Python, numpy's draws and the calls' overhead
KERNEL_STEPS = ("  compiled bone-cell kernel", "  compiled exchanges + wall kernel")


def outside_kernels_us(parts: dict[str, float]) -> float:
    """Median us of a day spent outside :data:`KERNEL_STEPS` (a :func:`day_breakdown_us` result): what a
    day costs besides the work that grows with the grid, and what persons stepped in lock-step could share."""
    return parts["day"] - sum(parts[label] for label in KERNEL_STEPS)


def breakdown_report(parts: dict[str, float]) -> str:
    """Where a 64x64 day goes: :func:`day_breakdown_us`'s medians, one line each."""
    lines = ["", f"Where a {SECTION_SIZES[0]}x{SECTION_SIZES[0]} day goes (median us per day, each call of "
                 "model.step timed; indented: inside the line above)"]
    width = max(len(label) for label in parts)
    lines += [f"{label.ljust(width)}  {us:6.1f}" for label, us in parts.items() if label != "day"]
    lines.append(f"{'whole day (model.step)'.ljust(width)}  {parts['day']:6.1f}")
    lines.append(f"{'  outside the compiled kernels'.ljust(width)}  {outside_kernels_us(parts):6.1f}")
    return "\n".join(lines)


def write_json(results: dict[str, object], path: Path) -> None:
    """Write ``results`` to ``path`` atomically (temp file + rename)."""
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(results, handle, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fast smoke run (1 repeat, few days)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the figures as JSON")
    parser.add_argument("--profile", type=int, metavar="SIDE",
                        help="instead of the benchmark, print a cProfile of the daily step at SIDE x SIDE "
                             "patches per section")
    parser.add_argument("--profile-days", type=int, default=200, metavar="DAYS",
                        help="days to profile with --profile (default 200)")
    parser.add_argument("--alternate", type=Path, nargs="+", metavar="CHECKOUT",
                        help="instead of the benchmark, compare the default run of these checkouts (folders "
                             "holding calcium_abm/), measured in turn, e.g. before and after a change")
    parser.add_argument("--rounds", type=int, default=3, metavar="N",
                        help="rounds of --alternate (default 3)")
    parser.add_argument("--paired", action="store_true",
                        help="with --alternate and two checkouts: run both at once, each on its own CPU (swapped "
                             "every round), and print the median ratio of their full runs")
    parser.add_argument("--same-frames", type=Path, nargs="+", metavar="CHECKOUT",
                        help="instead of the benchmark, check that these checkouts give bit-identical frames "
                             "for every built-in scenario (exit status 1 if not)")
    parser.add_argument("--years", type=float, default=3.0, metavar="Y",
                        help="simulated years per scenario with --same-frames (default 3)")
    args = parser.parse_args(argv)
    if args.same_frames is not None:
        missing = [str(c) for c in args.same_frames if not (c / "calcium_abm" / "__init__.py").is_file()]
        if missing or len(args.same_frames) < 2:
            print(f"error: --same-frames: give at least two checkouts of this repository (folders holding "
                  f"calcium_abm/); not checkouts: {', '.join(missing) or 'none'}", file=sys.stderr)
            return 2
        if not 0.0 < args.years <= 100.0:
            print(f"error: --years: {args.years} is out of range; allowed above 0 up to 100", file=sys.stderr)
            return 2
        same = same_frames([c.resolve() for c in args.same_frames], args.years)
        for name, ok in same.items():
            print(f"{name:36s} {'identical' if ok else 'DIFFERENT'}")
        print(f"{sum(same.values())} of {len(same)} built-in scenarios bit-identical over {args.years:g} years")
        return 0 if all(same.values()) else 1
    if args.paired and args.alternate is None:
        print("error: --paired: only with --alternate (it pairs two checkouts' samples)", file=sys.stderr)
        return 2
    if args.alternate is not None:
        missing = [str(c) for c in args.alternate if not (c / "calcium_abm" / "__init__.py").is_file()]
        if missing:
            print(f"error: --alternate: {', '.join(missing)} holds no calcium_abm/__init__.py; give checkouts "
                  "of this repository", file=sys.stderr)
            return 2
        if not 1 <= args.rounds <= 100:
            print(f"error: --rounds: {args.rounds} is out of range; allowed 1 to 100", file=sys.stderr)
            return 2
        if args.paired and (len(args.alternate) != 2 or len(os.sched_getaffinity(0)) < 2):
            print(f"error: --paired: needs exactly two checkouts (got {len(args.alternate)}) and two CPUs "
                  f"(have {len(os.sched_getaffinity(0))})", file=sys.stderr)
            return 2
        before = os.getloadavg()[0]
        medians = alternate([c.resolve() for c in args.alternate], args.rounds, paired=args.paired)
        print(alternate_report(medians, args.rounds, (before, os.getloadavg()[0])))
        return 0
    if args.profile is not None:
        if not 4 <= args.profile <= 2048:
            print(f"error: --profile: side {args.profile} is out of range; allowed 4 to 2048 patches",
                  file=sys.stderr)
            return 2
        if not 1 <= args.profile_days <= 100_000:
            print(f"error: --profile-days: {args.profile_days} is out of range; allowed 1 to 100000",
                  file=sys.stderr)
            return 2
        print(profile_step(args.profile, args.profile_days))
        return 0
    if args.json is not None and not args.json.resolve().parent.is_dir():
        print(f"error: --json: folder {str(args.json.resolve().parent)!r} does not exist; "
              "give a path in an existing folder", file=sys.stderr)
        return 2
    results = run(quick=args.quick)
    print(report(results))
    if args.json is not None:
        try:
            write_json(results, args.json)
        except OSError as exc:
            print(f"error: --json: cannot write {str(args.json)!r}: {exc.strerror}", file=sys.stderr)
            return 2
        print(f"figures saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
