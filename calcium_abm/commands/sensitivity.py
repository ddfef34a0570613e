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
    indices = tables["indices"]
    if "warning" in indices:  # Sobol: a sample too small for its indices
        for row in indices[indices["warning"] != ""].itertuples():
            print(f"warning: {row.output}, {row.parameter}: {row.warning}", file=sys.stderr)
    if not args.quiet:
        print(to_markdown(tables["indices"]))
        print(f"(table and plot written to {report})")
    return 0
