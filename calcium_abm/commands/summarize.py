"""``calcium-abm summarize DIR``: statistics, trial effects and plots of a finished batch."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "summarize"
HELP = "Summarise a batch directory: means with 95 %% CIs, trial effects, relative risks, plots."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="the --out directory of `calcium-abm batch`")
    parser.add_argument("--out", metavar="REPORT_DIR",
                        help="where to write report.md, the CSV tables and PNG plots (default: DIR/summary)")
    parser.add_argument("--quiet", action="store_true", help="do not print the report")


def main(args: argparse.Namespace) -> int:
    from calcium_abm.batch.analysis import summarize  # lazy: `calcium-abm --help` must not load pandas/scipy

    summarize(args.directory, args.out)
    report = Path(args.out) if args.out else Path(args.directory) / "summary"
    if not args.quiet:
        print((report / "report.md").read_text("utf-8"))
        print(f"(tables and plots written to {report})")
    return 0
