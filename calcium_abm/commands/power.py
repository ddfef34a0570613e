"""``calcium-abm power DIR --outcome NAME --sizes 10,20,50``: simulation-based trial power.

From a finished pilot cohort (``calcium-abm batch``), the share of simulated trials of each
size (patients per arm) that find the effect, analysed as the trial would be (Welch,
paired or ANCOVA); see :mod:`calcium_abm.batch.power`. Writes ``power_<outcome>_<arm>_<analysis>.csv``
and ``.png`` to the report folder (:func:`~calcium_abm.batch.power.power_files`; a call for another outcome
writes beside the others) and prints the table.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from calcium_abm.errors import UserInputError
from calcium_abm.inputs.options import integer_option

NAME = "power"
HELP = "Simulation-based power of a virtual trial at several sample sizes, from a pilot cohort batch."
#: what power writes, in messages written before the pilot names the files (power_files)
WRITES = "the power table and plot (power_OUTCOME_ARM_ANALYSIS.csv and .png)"

DEFAULT_SIMULATIONS = 1000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="the --out directory of a finished cohort batch (the pilot)")
    parser.add_argument("--outcome", metavar="NAME", required=True,
                        help="the per-run outcome, e.g. dp_ucmgp_pmol_l_pct_change (see DIR/summary/per_run.csv)")
    parser.add_argument("--sizes", metavar="LIST", required=True, help="patients per arm, e.g. 10,20,50,100")
    parser.add_argument("--effect", metavar="X",
                        help="the true effect to detect (treated minus control, in the outcome's unit); "
                             "default: the pilot's own effect")
    parser.add_argument("--arm", metavar="NAME", help="the treated arm (default: the first arm after the control)")
    parser.add_argument("--analysis", choices=("welch", "paired", "ancova"),
                        help="how each simulated trial is analysed (default: paired for a crossover, else welch)")
    parser.add_argument("--alpha", metavar="A", default="0.05", help="two-sided significance level (default 0.05)")
    parser.add_argument("--simulations", metavar="N", default=str(DEFAULT_SIMULATIONS),
                        help=f"simulated trials per size (default {DEFAULT_SIMULATIONS})")
    parser.add_argument("--seed", metavar="N", default="0", help="seed of the resampling (default 0)")
    parser.add_argument("--out", metavar="REPORT_DIR",
                        help="where to write power_OUTCOME_ARM_ANALYSIS.csv and .png (default DIR/summary)")


def _number(raw: str, option: str, allowed: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise UserInputError(f"{option} {raw!r} is not allowed: must be {allowed}")
    return value


def _integer(raw: str, option: str, low: int, high: int) -> int:
    return integer_option(raw, option, low, high)


def main(args: argparse.Namespace) -> int:
    # lazy: `calcium-abm --help` must not load pandas, scipy and statsmodels
    from calcium_abm.batch.analysis import refuse_runs_folder, small_grid_note, to_markdown
    from calcium_abm.batch.power import (MAX_DRAWS, MAX_EFFECT, MAX_PATIENTS_PER_ARM, MAX_SEED, MAX_SIMULATIONS,
                                         draws_problem, plot_power_curve, power_curve, power_design, power_files, power_heading,
                                         repeated_size_problem)
    from calcium_abm.batch.store import open_batch
    from calcium_abm.io import atomic_directory, check_output_directory

    sizes_text = [part.strip() for part in str(args.sizes).split(",")]
    if not any(sizes_text) or not all(sizes_text):  # "" or "10,,20": an empty entry is a typo, never skipped
        raise UserInputError(f"--sizes {args.sizes!r} is not allowed: give patients per arm separated by commas, "
                             "with no empty entry, e.g. 10,20,50")
    sizes = [_integer(part, "--sizes", 2, MAX_PATIENTS_PER_ARM) for part in sizes_text]
    if problem := repeated_size_problem(f"--sizes {args.sizes!r}", sizes):
        raise UserInputError(problem)
    effect = None if args.effect is None else _number(args.effect, "--effect", "a number (the outcome's unit)")
    if effect is not None and abs(effect) > MAX_EFFECT:
        raise UserInputError(f"--effect {args.effect!r} is not allowed: must be a number between -{MAX_EFFECT:g} and "
                             f"{MAX_EFFECT:g} (the outcome's unit)")
    alpha_allowed = "more than 0 and less than 1, e.g. 0.05"
    alpha = _number(args.alpha, "--alpha", f"a number {alpha_allowed}")
    if not 0.0 < alpha < 1.0:
        raise UserInputError(f"--alpha {args.alpha!r} is not allowed: must be {alpha_allowed}")
    simulations = _integer(args.simulations, "--simulations", 1, MAX_SIMULATIONS)
    if max(sizes) * simulations > MAX_DRAWS:  # before the pilot is read: the options alone are refused
        raise UserInputError(draws_problem("--sizes", max(sizes), "--simulations", simulations))
    seed = _integer(args.seed, "--seed", 0, MAX_SEED)
    report = Path(args.directory) / "summary"
    if args.out is not None:  # before the work: only the last level is created, as for `run --out`
        report = check_output_directory(args.out, "--out", WRITES)
    pilot = open_batch(args.directory)
    refuse_runs_folder(report, pilot.directory, WRITES)
    design = power_design(pilot, args.outcome, arm=args.arm, analysis=args.analysis, alpha=alpha)
    csv, png = power_files(design)
    if pilot.missing:
        print(f"warning: {pilot.missing_note()}; this power resamples the pilot's {len(pilot.finished)} finished "
              "runs only", file=sys.stderr)
    if design.pilot_caveat:
        print(f"warning: {design.pilot_caveat}", file=sys.stderr)
    if grid := small_grid_note(pilot.manifest, [design.outcome]):  # seed noise read as patients' spread
        print(f"warning: {grid}", file=sys.stderr)
    table = power_curve(design, effect, sizes, simulations, seed)
    try:  # both files or neither (a full disk, a folder named like the plot); no list: the others' files stay
        with atomic_directory(report) as tmp:
            table.to_csv(tmp / csv, index=False)
            plot_power_curve(table, tmp / png, design)
    except OSError as exc:
        raise UserInputError(f"--out '{report}': cannot write {csv} and {png}: {exc.strerror or exc}; "
                             "nothing was written") from None
    print(f"{power_heading(float(table['effect'].iloc[0]), design)}: {simulations} simulated trials per size, "
          "resampling the pilot's patients\n")
    print(to_markdown(table[["n_per_arm", "power", "ci_low", "ci_high"]]))
    print(f"({csv} and {png} written to {report})", file=sys.stderr)
    return 0
