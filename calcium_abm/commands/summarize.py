"""``calcium-abm summarize DIR``: statistics, trial effects and plots of a finished batch.

All outputs (report.md, the CSV tables, the PNG plots) are written to a hidden temporary
folder and moved into the report folder only when every one is written, so a full disk
or an error leaves the report folder as it was, never a partial set of CSVs
(:func:`calcium_abm.batch.analysis.summarize`, which Python callers get too). A write
that fails exits with status 2 and one message. The folder keeps a list of the files the
summary wrote (``analysis.SUMMARY_FILES``); the next summary into it removes those it does not
write again (a trial's effects when the new batch has one arm), never a file of the user's.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

NAME = "summarize"
# no percent sign: cli.py gives HELP both as help (%-formatted by argparse) and as description (not)
HELP = "Summarise a batch directory: means with 95-percent CIs, trial effects, relative risks, plots."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="the --out directory of `calcium-abm batch`")
    parser.add_argument("--out", metavar="REPORT_DIR",
                        help="where to write report.md, the CSV tables and PNG plots (default: DIR/summary)")
    parser.add_argument("--quiet", action="store_true", help="do not print the report")


def write_summary(directory, report_dir: str | os.PathLike | None = None) -> tuple[dict[str, Any], Path]:
    """Summarise batch ``directory`` (a path or an opened
    :class:`~calcium_abm.batch.store.StoredBatch`) into ``report_dir`` (default ``DIR/summary``),
    all or nothing (:func:`calcium_abm.batch.analysis.summarize`); return ``(tables by name, report folder)``.

    Raises:
        UserInputError: ``directory`` is not a readable batch directory, ``report_dir`` is
            a file, or an output cannot be written (the message names the folder and the
            reason, e.g. "No space left on device"); nothing is then written.
    """
    # lazy: `calcium-abm --help` must not load pandas/scipy
    from calcium_abm.batch.analysis import summarize
    from calcium_abm.batch.store import open_batch

    batch = open_batch(directory)
    tables = summarize(batch, report_dir)
    return tables, Path(report_dir) if report_dir is not None else batch.directory / "summary"


def main(args: argparse.Namespace) -> int:
    from calcium_abm.batch.analysis import outcome_names, small_grid_note  # lazy, as in write_summary
    from calcium_abm.batch.store import open_batch

    batch = open_batch(args.directory)
    tables, report = write_summary(batch, args.out)
    if not args.quiet:  # the report opens with the missing runs, if any
        print((report / "report.md").read_text("utf-8"))
        print(f"(tables and plots written to {report})")
    else:
        if batch.missing:
            print(f"warning: {batch.missing_note()}; the summary is of the finished runs only", file=sys.stderr)
        if grid := small_grid_note(batch.manifest, outcome_names(batch.spec)):  # the report's note, on stderr
            print(f"warning: {grid}", file=sys.stderr)
        if warned := int(tables["per_run"]["left_physiology"].sum()):
            print(f"warning: {warned} run(s) left physiology; {report / 'report.md'} names them", file=sys.stderr)
    return 0
