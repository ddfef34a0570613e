"""``calcium-abm sensitivity FILE --out DIR``: Morris screening or Sobol indices.

The runs of the file's ``[sensitivity]`` design go through the same runner as
``calcium-abm batch`` (local pool or Dask, resumable); then the indices are computed
and written (table + plot) to DIR/summary.
"""

from __future__ import annotations

import argparse
import sys

from calcium_abm.commands.batch import add_runner_arguments, load_batch_file, run_from_args
from calcium_abm.commands.summarize import write_summary
from calcium_abm.errors import UserInputError

NAME = "sensitivity"
HELP = "Morris screening or Sobol indices (SALib) for parameters over stated ranges."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_runner_arguments(parser)


def main(args: argparse.Namespace) -> int:
    # lazy: `calcium-abm --help` must not load pandas, scipy and SALib
    from calcium_abm.batch.analysis import to_markdown

    spec = load_batch_file(args.file)
    if spec.sensitivity is None:
        raise UserInputError(f"{args.file}: has [{spec.kind}], not [sensitivity]: run it with "
                             "`calcium-abm batch`, or add a [sensitivity] table (see docs/batch.md)")
    run_from_args(args)
    tables, report = write_summary(args.out)
    if note := small_grid_indices_note(spec, args.out):
        print(f"warning: {note}", file=sys.stderr)
    indices = tables["indices"]
    if "warning" in indices:  # Sobol: a sample too small for its indices
        for row in indices[indices["warning"] != ""].itertuples():
            print(f"warning: {row.output}, {row.parameter}: {row.warning}", file=sys.stderr)
    if not args.quiet:
        print(to_markdown(tables["indices"]))
        print(f"(table and plot written to {report})")
    return 0


def small_grid_indices_note(spec, out) -> str | None:
    """The warning for BMD outputs of a design run on bone grids below ``SMALL_BONE_GRID_SIDE`` squared (a new
    user's Morris screen on 16 x 16 grids ranked calcium first for bmd_change_pct, at -7.4 with batch seed 5 and
    +9.4 with seed 6: the seed's noise outweighed the effects); None otherwise."""
    from calcium_abm.batch.analysis import outcome_names, small_grid_bmd_outcomes
    from calcium_abm.batch.store import open_batch
    from calcium_abm.outputs import SMALL_BONE_GRID_SIDE

    (bmd, grids), side = small_grid_bmd_outcomes(open_batch(out).manifest, outcome_names(spec)), SMALL_BONE_GRID_SIDE
    return None if not grids else (
        f"{', '.join(bmd)} come{'s' * (len(bmd) == 1)} from bone grids of {', '.join(f'{w} x {h}' for w, h in grids)}, "
        f"below {side} x {side}: there the seed's noise in bone mineral density can be as large as the parameters' "
        f"effects, so their indices and ranks may follow the batch seed; use bone grids of {side} x {side} or more "
        "for BMD outputs")
