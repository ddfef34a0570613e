"""How long a batch will take, and whether a pool of workers pays: the estimate printed before
a batch starts (:func:`estimate_line`) and the default ``--workers`` rule (:func:`default_workers`),
both from a run's size (:func:`estimated_run_seconds`).
"""

from __future__ import annotations

import math
import os

__all__ = ["COST_RISE_YEARS", "LARGE_GRID_DAY_FACTOR", "LARGE_GRID_FROM_PATCHES", "LARGE_GRID_FULL_PATCHES",
           "LARGE_GRID_START_FACTOR", "LATE_SECONDS_PER_VESSEL_PATCH_DAY", "MAX_WORKERS", "POOL_PAYBACK",
           "POOL_START_S", "RODENT_RUN_START_S", "RODENT_SPINUP_SECONDS_PER_BONE_PATCH", "RUN_ESTIMATE_FROM_S",
           "RUN_START_S", "SECONDS_PER_DAY", "SECONDS_PER_PATCH_DAY", "SPINUP_SECONDS_PER_BONE_PATCH",
           "SUMMARY_SECONDS_PER_DAY", "SUMMARY_SECONDS_PER_PATCH_DAY", "ESTIMATE_SAMPLE_RUNS", "default_workers",
           "estimate_line", "estimated_run_seconds", "large_grid_factor", "mean_cost_rise", "mean_run_seconds",
           "run_estimate_line", "run_start_seconds", "screening_line"]

MAX_WORKERS = 512


#: Default ``--workers`` rule (measured with ``python bench/batch.py --workers-rule``; see
#: docs/batch.md "Workers and progress"). A pool worker is a spawned process that imports
#: the model and compiles its kernels before its first run. On the shipped dose sweep
#: (30 runs of 730 days on 32x32 grids, ~0.11 s each in process) a 2-worker pool took
#: 8.7 s against 3.7 s serial (load average 12), and 20.6 s against 5.4 s at load 37.
#: A pool is used only when the serial work it shares out clearly outweighs that start-up.
#: A simulated day costs SECONDS_PER_DAY + patches (bone + vessel) x SECONDS_PER_PATCH_DAY, as the core
#: benchmark measures it: 0.14, 0.37, 1.18 and 4.25 ms a day at 64x64, 128x128, 256x256 and 512x512 per
#: section (bench/results/core.json of 2026-12-02, after the compiled exchanges; bench/README.md); this
#: least-squares fit (of relative errors) gives 0.15, 0.35, 1.17 and 4.4 ms. The fixed part (the scalar
#: physiology, the recorded row) dominates small grids, so a cost per patch-day alone (8e-8 s, fitted at
#: 32x32) was 3.5 to 6.7 times too high at 64x64 and beyond. (Before the compiled exchanges: 8e-5 s and
#: 1.2e-8 s, from 0.19, 0.40, 1.57 and 7.67 ms.)
SECONDS_PER_DAY = 8e-5
SECONDS_PER_PATCH_DAY = 8.3e-9
#: Those costs are of a run's first weeks (the benchmark times days 10-50); a day then costs more over the
#: first years, in the vessel wall as its patches come to hold mineral (the wall's growth law works on each
#: patch that holds some): a rise to LATE_SECONDS_PER_VESSEL_PATCH_DAY per vessel patch with a time
#: constant of COST_RISE_YEARS physiological years (:func:`mean_cost_rise`). Measured 2026-12-01 in process
#: (k2_deficiency, CPU time of 60-day windows of one run, minima / medians of 2-8 runs, 2 shared CPUs):
#: at 64x64 0.184 / 0.198 ms a day from day 10, 0.222 / 0.265 from day 3500 (x 1.21 / 1.34); at 128x128
#: 0.389 / 0.445 from day 10, 0.423 / 0.520 from day 90, 0.473 / 0.505 from day 360, 0.564 / 0.684 from
#: day 730, 0.552 / 0.752 from day 1460 and 0.536 / 0.674 from day 3500 (x 1.4 / 1.5); at 256x256 1.28 /
#: 1.36 from day 10, 2.43 / 2.59 from day 1460 (x 1.9): 9-18 ns more per vessel patch and day, about half
#: of it by the end of the first year. The rise is the wall's: with 128x128 bone and 16x16 vessel sections
#: the day went 0.241 -> 0.272 ms by day 1460, with 16x16 bone and 128x128 vessel 0.301 -> 0.439. (The
#: share of patches holding mineral rises more slowly, 0.16 at 1 year, 0.6 at 5 and 0.84 at 10 in every
#: human scenario tried, so it is not the measure.) Whole 10-year k2_deficiency runs vary with the
#: machine's load by up to 30 % between sessions: 0.80-1.13 s at 64x64 (estimate without the rise 0.73,
#: with it 0.92) and 2.15-2.91 s at 128x128 (1.91; 2.67); healthy_adult at 64x64 0.72-0.80 s.
#: Re-measured 2026-12-02 after the wall's day joined the compiled exchanges (the same windows, seeds 1-3,
#: one other process on the 2 CPUs; CalciumParadoxModel + stepping.step_days, CPU time):
#: at 64x64 0.15-0.17 ms from day 10 and 0.17-0.19 from day 3500 (x 1.07-1.26), at 128x128 0.36-0.37 and
#: 0.48 (x 1.30-1.34): 6-7 ns more per vessel patch and day, so the late cost is now 7e-9 s (was 1.5e-8).
LATE_SECONDS_PER_VESSEL_PATCH_DAY = 7e-9
COST_RISE_YEARS = 1.5
#: A day of a summary run (``simulate(..., rows="ends")``, a batch's ``output = "summary"``) costs less: its
#: quiet days run compiled (calcium_abm/stretch.py), with no row recorded and no Python per day. Its
#: fixed part and cost per patch, with the same rise: measured 2026-12-05 (``python bench/estimate.py 64
#: 128 256 --summary --seeds 3``: whole 10-year healthy_adult runs less their build, CPU time, medians of
#: 3 seeds, load 1.7; bone section NxN, vessel 64x64) 0.07, 0.13 and 0.47 ms a day at N = 64, 128 and
#: 256, where these constants give 0.077, 0.14 and 0.395 (a fixed part of 1e-5 s, then the relative
#: least-squares cost per patch; the daily constants gave 0.10, 0.21 and 0.61). A 10,000-patient summary
#: cohort at 64x64 on 2 workers, estimated at 0.68 s a run (57 min) before, took 29.4 min
#: (``bench/batch.py --cohort 10000``); 0.33 s a run now (28 min).
SUMMARY_SECONDS_PER_DAY = 1e-5
SUMMARY_SECONDS_PER_PATCH_DAY = 5.2e-9
#: A run's start, whatever its length: set-up, the person's life course and the 400-day bone spin-up
#: (model.SPINUP_DAYS), which run on the bone section: RUN_START_S + bone patches x
#: SPINUP_SECONDS_PER_BONE_PATCH. Measured 2026-12-05 (``python bench/estimate.py``: CPU time, medians of 3
#: seeds, idle machine; bone section NxN, vessel 64x64): healthy_adult (50 y) 0.021, 0.043, 0.123, 0.465 s
#: at N = 16, 64, 128, 256; 1.9 s at 512 and 8.4 s at 1024 (one seed); k2_deficiency and postmenopausal
#: within 5 % of it; ckd_stage5 (60 y) 0.025-0.654 s, up to 1.4 x (a longer life course). The constants
#: were 0.05 s + 4e-6 s per bone-plus-vessel patch (measured 2026-12-01): half the cost of a large section.
RUN_START_S = 0.02
SPINUP_SECONDS_PER_BONE_PATCH = 7.2e-6
#: A rodent preset's start has no life course (the age laws are human), only the spin-up: measured
#: 2026-12-05 (``python bench/estimate.py 64 128 256 --scenario mgp_knockout --days 20 --seeds 3``) 0.003,
#: 0.008 and 0.031 s, where these give 0.003, 0.0085 and 0.031 (the human constants gave 0.049, 0.138 and
#: 0.492: a fresh user's 100-run mouse batch on 256x256 grids was estimated at 52 s and took 12 s).
RODENT_RUN_START_S = 0.001
RODENT_SPINUP_SECONDS_PER_BONE_PATCH = 4.6e-7
#: Beyond about a million patches a patch costs more, in the start and in every day (found when a fresh
#: user's 4096x4096 run, which the estimate put at 10 minutes, was timed): the arrays outgrow the
#: processor's caches. Measured 2026-12-05 as above, healthy_adult, 60 days after the start: at 1024x1024
#: 8.4 s and 8.9 ms a day (estimates 7.6 s and 8.8 ms), at 2048x2048 63 s and 61 ms (x 2.1 and x 1.74 the
#: small-grid costs), at 4096x4096 261 s and 252 ms (x 2.2 and x 1.8). The factor rises from 1 at
#: LARGE_GRID_FROM_PATCHES to its full value at LARGE_GRID_FULL_PATCHES (linear in log2 of the patches):
#: LARGE_GRID_START_FACTOR for the start, LARGE_GRID_DAY_FACTOR for a day.
LARGE_GRID_FROM_PATCHES = 1024 * 1024
LARGE_GRID_FULL_PATCHES = 2048 * 2048
LARGE_GRID_START_FACTOR = 2.1
LARGE_GRID_DAY_FACTOR = 1.8
POOL_START_S = 10.0  # wall seconds a pool adds before its workers pay off (measured: 6.9 s to 15 s, 2 CPUs)
POOL_PAYBACK = 2.0  # the time a pool saves must exceed its start-up this many times (assumption)


def _patches(scenario) -> tuple[int, int]:
    """(bone + vessel patches, vessel patches) of a scenario's grids."""
    sim = scenario.simulation
    vessel = sim.vessel_grid_width * sim.vessel_grid_height
    return sim.bone_grid_width * sim.bone_grid_height + vessel, vessel


def large_grid_factor(patches: int, full_factor: float) -> float:
    """How much more a patch costs on a grid of ``patches`` than on a small one: 1 up to
    :data:`LARGE_GRID_FROM_PATCHES`, ``full_factor`` from :data:`LARGE_GRID_FULL_PATCHES`, linear in
    log2(patches) between."""
    if patches <= LARGE_GRID_FROM_PATCHES:
        return 1.0
    share = min(1.0, math.log2(patches / LARGE_GRID_FROM_PATCHES)
                / math.log2(LARGE_GRID_FULL_PATCHES / LARGE_GRID_FROM_PATCHES))
    return 1.0 + share * (full_factor - 1.0)


def run_start_seconds(scenario) -> float:
    """A run's start, before its first day: :data:`RUN_START_S` plus bone patches x
    :data:`SPINUP_SECONDS_PER_BONE_PATCH` x :func:`large_grid_factor` (set-up, the life course and the
    bone spin-up); a rodent's with :data:`RODENT_RUN_START_S` and :data:`RODENT_SPINUP_SECONDS_PER_BONE_PATCH`.
    Also what screening a candidate on its day-0 state costs: a model is built for it."""
    sim = scenario.simulation
    bone = sim.bone_grid_width * sim.bone_grid_height
    human = scenario.patient.species == "human"
    fixed, per_patch = ((RUN_START_S, SPINUP_SECONDS_PER_BONE_PATCH) if human
                        else (RODENT_RUN_START_S, RODENT_SPINUP_SECONDS_PER_BONE_PATCH))
    return fixed + bone * per_patch * large_grid_factor(_patches(scenario)[0], LARGE_GRID_START_FACTOR)


def estimated_run_seconds(scenario, summary: bool = False) -> float:
    """A run's in-process simulate time from its size: its start (:func:`run_start_seconds`) and
    days x (:data:`SECONDS_PER_DAY` + patches x :data:`SECONDS_PER_PATCH_DAY` x :func:`large_grid_factor` +
    vessel patches x :data:`LATE_SECONDS_PER_VESSEL_PATCH_DAY` x :func:`mean_cost_rise`); a ``summary`` run
    (a batch's ``output = "summary"``, ``simulate(..., rows="ends")``) with :data:`SUMMARY_SECONDS_PER_DAY`
    and :data:`SUMMARY_SECONDS_PER_PATCH_DAY` instead (most of its days compiled)."""
    patches, vessel = _patches(scenario)
    rise = vessel * LATE_SECONDS_PER_VESSEL_PATCH_DAY * mean_cost_rise(scenario.days * _time_scale(scenario) / 365.0)
    fixed, per_patch = ((SUMMARY_SECONDS_PER_DAY, SUMMARY_SECONDS_PER_PATCH_DAY) if summary
                        else (SECONDS_PER_DAY, SECONDS_PER_PATCH_DAY))
    per_patch *= large_grid_factor(patches, LARGE_GRID_DAY_FACTOR)
    return run_start_seconds(scenario) + scenario.days * (fixed + patches * per_patch + rise)


#: runs whose scenarios are read to estimate a batch's time (spread over the batch: a sweep's runs differ in size)
ESTIMATE_SAMPLE_RUNS = 24


def mean_run_seconds(scenario_tomls: list[str], summary: bool = False) -> float:
    """The mean :func:`estimated_run_seconds` of a batch's runs (their scenarios as TOML, written out),
    from up to :data:`ESTIMATE_SAMPLE_RUNS` of them spread over the list (0 for none). Found by a fresh
    user: a sweep of bone grids [64, 1024] was estimated at the base scenario's size ("under a second";
    it took 16 s)."""
    from calcium_abm.scenario import parse_scenario_toml  # lazy: the scenario layer loads pydantic

    if not scenario_tomls:
        return 0.0
    n = len(scenario_tomls)
    picked = sorted({round(i * (n - 1) / max(ESTIMATE_SAMPLE_RUNS - 1, 1)) for i in range(ESTIMATE_SAMPLE_RUNS)})
    return sum(estimated_run_seconds(parse_scenario_toml(scenario_tomls[i], written_out=True), summary=summary)
               for i in picked) / len(picked)


def mean_cost_rise(years: float) -> float:
    """The mean over a run of ``years`` physiological years of the day's cost rise as a share of
    its late value, ``1 - exp(-t / COST_RISE_YEARS)`` (:data:`COST_RISE_YEARS`): 0 for no days,
    0.27 over one year, 0.85 over ten."""
    if years <= 0.0:
        return 0.0
    return 1.0 + COST_RISE_YEARS / years * math.expm1(-years / COST_RISE_YEARS)


def _time_scale(scenario) -> float:
    """Physiological days per simulated day (a rodent preset's; the physiology loads only for one)."""
    if scenario.patient.species == "human":
        return 1.0
    from calcium_abm.physiology import parameter_set  # lazy: numba kernels load with the registry
    from calcium_abm.physiology.species import time_scale

    return time_scale(scenario.patient.species, parameter_set(scenario.parameters))


def default_workers(n_runs: int, run_seconds: float, cpus: int | None = None) -> int:
    """The ``--workers`` used when none is given: one process per CPU if the time that saves,
    ``n_runs x run_seconds x (1 - 1/cpus)``, exceeds ``POOL_PAYBACK x POOL_START_S``; else 1
    (serial, in this process). Never more workers than runs."""
    cpus = max(1, min(cpus if cpus is not None else (os.cpu_count() or 1), MAX_WORKERS, n_runs))
    if cpus == 1:
        return 1
    saved = n_runs * run_seconds * (1 - 1 / cpus)
    return cpus if saved > POOL_PAYBACK * POOL_START_S else 1


def _duration(seconds: float) -> str:
    """``under a second``, ``roughly 5 s``, ``roughly 4 min`` or ``roughly 1 h 23 min``, with units (a fresh
    user read tqdm's ``04:52`` as hours and minutes, and ``23:59`` as almost a day)."""
    if seconds < 0.5:
        return "under a second"
    if seconds < 59.5:
        return f"roughly {seconds:.0f} s"
    minutes = int(seconds / 60.0 + 0.5)  # half up: 150 s is 3 min
    if minutes < 60:
        return f"roughly {minutes} min"
    return f"roughly {minutes // 60} h {minutes % 60} min" if minutes % 60 else f"roughly {minutes // 60} h"


def estimate_line(name: str, n_runs: int, run_seconds: float, workers: int, on_dask: bool = False,
                  screening: dict | None = None, cpus: int | None = None) -> str:
    """The line a batch prints before it starts: how many runs, where (``workers``: the processes that run
    them, :func:`.runner.pool_processes`), and roughly how long (from :func:`estimated_run_seconds`, shared
    by at most one process per CPU, ``cpus`` default this machine's: found by a fresh user, 4 workers on 2
    CPUs were estimated at half the time of 2); a rough guide, as measured on one machine; after the
    screening counts of a screened cohort (the manifest's ``screening``), if given."""
    cpus = max(1, cpus if cpus is not None else (os.cpu_count() or 1))
    where = "a Dask cluster" if on_dask else ("this process" if workers <= 1 else f"{workers} worker processes")
    if not on_dask and workers > cpus:
        where += f" on {cpus} CPU{'' if cpus == 1 else 's'}"
    text = f"{name}: "
    if screening is not None:
        text += (f"{screening['screened']} candidates screened ({screening['excluded']} excluded, "
                 f"{screening['randomised']} randomised); ")
    text += f"{n_runs} run{'' if n_runs == 1 else 's'} to do on {where}"
    if not on_dask:
        text += f"; {_duration(n_runs * run_seconds / min(max(workers, 1), cpus))} of simulation"
        if workers > 1:
            text += f", plus about {POOL_START_S:.0f} s to start the workers"
    return text


#: a single run says how long it will take when its estimate is at least this (s); a shorter one starts its
#: progress bar soon enough to tell
RUN_ESTIMATE_FROM_S = 10.0


def run_estimate_line(scenario) -> str | None:
    """The line ``calcium-abm run`` prints before a long run (found by a fresh user: a 4096x4096 grid,
    which ``calcium-abm batch`` gives an estimate for, started silently): ``NAME: one run on 4096x4096
    bone and 64x64 vessel grids; roughly 20 min of simulation (a rough guide, as measured on one
    machine)``, from :func:`estimated_run_seconds`. None for a run estimated under
    :data:`RUN_ESTIMATE_FROM_S`."""
    seconds = estimated_run_seconds(scenario)
    if seconds < RUN_ESTIMATE_FROM_S:
        return None
    sim = scenario.simulation
    return (f"{scenario.name}: one run on {sim.bone_grid_width}x{sim.bone_grid_height} bone and "
            f"{sim.vessel_grid_width}x{sim.vessel_grid_height} vessel grids; {_duration(seconds)} of simulation "
            "(a rough guide, as measured on one machine)")


def screening_line(name: str, cohort, start_seconds: float) -> str | None:
    """The line a screened cohort prints before its candidates are screened (in this process, before
    any run): how many at most and, when a criterion reads the day-0 state, roughly how long (a model
    is built for each candidate: ``start_seconds``, :func:`run_start_seconds`). None without criteria."""
    from calcium_abm.batch.conduct import screening_criteria  # lazy: a cohort's criteria only

    if cohort is None or not cohort.screens():
        return None
    limit, patients = cohort.candidates(), cohort.patients
    text = f"{name}: screening up to {limit} candidates until {patients} qualify"
    state = [key for _kind, key, _crit, target in screening_criteria(cohort) if "." not in target]
    if not state:
        return text + " (on their drawn values: no model needed)"
    return (text + f" (a model is built for each to read its day-0 {', '.join(state)}): "
            f"{_duration(patients * start_seconds)} if every candidate qualifies, at most "
            f"{_duration(limit * start_seconds)}")
