"""A run's start and cost per day against ``calcium_abm.batch.estimate`` (the time ``calcium-abm run``
and ``batch`` print before they start), at the bone sections given (the vessel section stays 64x64).

    python bench/estimate.py                          # 64 128 256 512 1024, 60 days, healthy_adult
    python bench/estimate.py 2048 4096 --days 20      # large sections (4096: ~5 min and ~3 GB)
    python bench/estimate.py 64 256 --scenario ckd_stage5 --seeds 3
    python bench/estimate.py 64 128 256 --summary      # whole 10-year summary runs (rows="ends")

For each size it builds the model (``CalciumParadoxModel``: set-up, the person's life course and
the bone spin-up) and steps ``--days`` days (``stepping.step_days``), in CPU time (this process),
medians over ``--seeds`` seeds, and prints them beside :func:`~calcium_abm.batch.estimate.run_start_seconds`
and the estimate's cost of a day (:func:`~calcium_abm.batch.estimate.estimated_run_seconds` less the
start, over the run's days). The start grows with the person's age (a longer life course): compare
scenarios of one age. With ``--summary`` each run is a whole summary run (``simulate(..., rows="ends")``,
a batch's ``output = "summary"``) of ``--years`` years (default 10), its days' cost per day its simulate
time less a build, beside the estimate for a summary run. The figures quoted in
``calcium_abm/batch/estimate.py`` come from this script.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calcium_abm import CalciumParadoxModel, simulate  # noqa: E402
from calcium_abm.batch.estimate import estimated_run_seconds, run_start_seconds  # noqa: E402
from calcium_abm.errors import ScenarioError  # noqa: E402
from calcium_abm.person import single_run_scenario  # noqa: E402
from calcium_abm.scenario import load_scenario  # noqa: E402
from calcium_abm.stepping import step_days  # noqa: E402


def _scenario(scenario_name: str, side: int, years: float):
    return single_run_scenario(load_scenario(scenario_name), {"bone_grid_width": side, "bone_grid_height": side,
                                                             "years": years})


def measure(scenario_name: str, side: int, days: int, seeds: int) -> dict[str, float]:
    """Median CPU seconds to build and ms per day stepped, with the estimate's figures, at ``side``²."""
    scenario = _scenario(scenario_name, side, max(days + 1, 2) / 365.0)
    builds, per_day = [], []
    for seed in range(seeds):
        start = time.process_time()
        model = CalciumParadoxModel(scenario, rng=seed)
        builds.append(time.process_time() - start)
        start = time.process_time()
        step_days(model, days)
        per_day.append((time.process_time() - start) / days)
    start_estimate = run_start_seconds(scenario)
    return {"side": side, "build_s": statistics.median(builds), "build_estimate_s": start_estimate,
            "day_ms": 1e3 * statistics.median(per_day),
            "day_estimate_ms": 1e3 * (estimated_run_seconds(scenario) - start_estimate) / scenario.days}


def measure_summary(scenario_name: str, side: int, years: float, seeds: int) -> dict[str, float]:
    """Median CPU seconds to build, and ms per day of the rest of a whole summary run of ``years``, with the
    estimate's figures for a summary run, at ``side``²."""
    scenario = _scenario(scenario_name, side, years)
    builds, per_day = [], []
    for seed in range(seeds):
        start = time.process_time()
        CalciumParadoxModel(scenario, rng=seed)
        build = time.process_time() - start
        start = time.process_time()
        simulate(scenario, seed=seed, rows="ends")
        builds.append(build)
        per_day.append((time.process_time() - start - build) / scenario.days)
    start_estimate = run_start_seconds(scenario)
    return {"side": side, "build_s": statistics.median(builds), "build_estimate_s": start_estimate,
            "day_ms": 1e3 * statistics.median(per_day),
            "day_estimate_ms": 1e3 * (estimated_run_seconds(scenario, summary=True) - start_estimate) / scenario.days}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sides", nargs="*", type=int, default=[64, 128, 256, 512, 1024],
                        help="bone sections NxN to time (default 64 128 256 512 1024)")
    parser.add_argument("--days", type=int, default=60, help="days stepped after the build (default 60)")
    parser.add_argument("--seeds", type=int, default=1, help="seeds per size, medians (default 1)")
    parser.add_argument("--scenario", default="healthy_adult")
    parser.add_argument("--summary", action="store_true", help="whole summary runs of --years instead of --days")
    parser.add_argument("--years", type=float, default=10.0, help="years of a --summary run (default 10)")
    args = parser.parse_args(argv)
    for wrong, message in ((args.days < 1, f"--days {args.days}: must be at least 1"),
                           (args.seeds < 1, f"--seeds {args.seeds}: must be at least 1"),
                           (any(side < 8 for side in args.sides), f"sides {args.sides}: each must be at least 8"),
                           (not 0 < args.years <= 100, f"--years {args.years:g}: must be above 0 up to 100")):
        if wrong:
            parser.error(message)
    try:  # what the scenario refuses (a mouse's 10 years, a run shorter than a day), before the warm-up
        for side in args.sides:
            _scenario(args.scenario, side, args.years if args.summary else max(args.days + 1, 2) / 365.0)
    except ScenarioError as exc:
        parser.error(str(exc))
    step_days(CalciumParadoxModel(load_scenario(args.scenario)), 12)  # imports and compiled kernels loaded first
    simulate(args.scenario, years=40 / 365.0, rows="ends")  # and the compiled quiet days
    span = f"whole {args.years:g}-year summary runs" if args.summary else f"{args.days} days after the build"
    print(f"{args.scenario}, vessel 64x64, {span}, {args.seeds} seed(s), CPU time; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'bone section':>14} {'build s':>9} {'estimate':>9} {'ms a day':>9} {'estimate':>9}")
    for side in args.sides:
        r = (measure_summary(args.scenario, side, args.years, args.seeds) if args.summary
             else measure(args.scenario, side, args.days, args.seeds))
        print(f"{f'{side}x{side}':>14} {r['build_s']:9.3f} {r['build_estimate_s']:9.3f} {r['day_ms']:9.2f} "
              f"{r['day_estimate_ms']:9.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
