"""``calcium-abm validate``: run the calibration table as virtual experiments.

Prints a table (finding, expected band, simulated mean with 95 % CI, PASS / FAIL / NOT
EXPRESSIBLE) and writes a report folder (Markdown + one PNG per experiment). Exit status
1 when any criterion fails, 0 when all pass. ``--docs`` regenerates ``docs/validation.md``.

With a scenario file (``calcium-abm validate my.toml``) it only checks that the file is a
valid scenario, without simulating.

The validation machinery is imported inside the functions, so that ``calcium-abm --help``
stays fast (see :mod:`calcium_abm.commands`).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from calcium_abm.batch.estimate import MAX_WORKERS
from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import MAX_PATH_CHARS, did_you_mean, printable, shorten
from calcium_abm.inputs.options import integer_option, refuse_workers_with_scheduler

NAME = "validate"
HELP = ("Run the calibration table as virtual experiments and report PASS/FAIL per published finding "
        "(or, given a scenario file, just check the file).")

MAX_SEEDS = 100
DEFAULT_OUT = "validation-report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario_file", nargs="?", metavar="SCENARIO_FILE",
                        help="only check that this scenario (.toml or built-in name) is valid; no simulation")
    parser.add_argument("--quick", action="store_true",
                        help="fewer seeds (2; a row whose design needs more keeps them) and smaller grids: a "
                             "rough check whose PASS is indicative; a row "
                             "that fails a criterion is re-run at its full grid and seeds before it is reported "
                             "(the exit status is 1 only if it fails there too); KNOWN FAIL rows are not re-run, "
                             "so their quick numbers can differ from the sizes their notes give")
    parser.add_argument("--seeds", metavar="N", help="seeds per arm (default 5; 2 with --quick)")
    parser.add_argument("--rows", metavar="LIST", action="append",
                        help="only these rows, comma-separated (e.g. 8,9 or S1; --rows 8 --rows 9 is the "
                             "same); see --list")
    parser.add_argument("--workers", metavar="N", help="worker processes (default 2)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786, instead of local workers "
                             "(the batch runner's executor; see docs/batch.md)")
    parser.add_argument("--runs", metavar="DIR",
                        help="keep every simulated run in DIR (Parquet) and reuse those already there: "
                             "an interrupted validation resumes")
    parser.add_argument("--out", metavar="DIR",
                        help="report folder: DIR/report.md and DIR/row_*.png (default validation-report)")
    parser.add_argument("--docs", action="store_true",
                        help="write docs/validation.md and docs/validation/*.png in the source tree instead of --out")
    parser.add_argument("--no-report", action="store_true", help="print the table only; write no files")
    parser.add_argument("--list", action="store_true", help="list the rows and exit")


def _holds_at_a_boundary(row: str, word: str) -> bool:
    """Whether ``word`` is in the row id starting where a part of it starts (the id's start, after a ``-``, or
    where letters turn to digits): ``ECKO`` and ``1999`` are, ``999`` (inside Crowther1999's year) is not."""
    row, word = row.lower(), word.lower()
    return bool(word) and any(row.startswith(word, i) for i in range(len(row))
                              if i == 0 or not row[i - 1].isalnum() or row[i - 1].isalpha() != row[i].isalpha())


def _unknown_rows_text(unknown: list[str], rows: list[str]) -> str:
    """``"unknown row 'ECKO2008' — did you mean 'T-ECKO2008'?"``: a typo of a row id, or the one
    id that holds what was typed (``T-ECKO``, ``ecko2008``); the first 5 unknown ids are named."""
    parts = []
    for word in unknown[:5]:
        holding = [r for r in rows if _holds_at_a_boundary(r, word)]
        hint = did_you_mean(word, rows) or (f" — did you mean '{holding[0]}'?" if len(holding) == 1 else "")
        parts.append(f"'{shorten(word)}'{hint}")
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    return f"unknown row{'s' if len(unknown) > 1 else ''} {', '.join(parts)}{more}"


def selected_rows(raw: str | list[str] | None):
    """The experiments (and not-expressible rows) named by ``--rows``, in table order; a list
    holds the values of a repeated ``--rows`` (each one a comma-separated list)."""
    from calcium_abm.validation.experiments import all_rows

    rows = all_rows()
    if raw is None:
        return list(rows.values())
    values = [raw] if isinstance(raw, str) else list(raw)  # --rows 8 --rows 9 names both rows
    for value in values:
        if not all(part.strip() for part in str(value).split(",")):  # ",8" or "8,,9": as power --sizes, no typo skipped
            raise UserInputError(f"--rows {value!r} is not allowed: give row ids separated by commas, with no empty "
                                 f"entry, such as 8,9 ({', '.join(rows)})")
    raw = ",".join(map(str, values))
    wanted = [part.strip() for part in raw.split(",") if part.strip()]
    by_case = {}  # a row id typed in another case (w1 for W1) means that row when only one matches
    for key in rows:
        by_case.setdefault(key.lower(), []).append(key)
    wanted = [w if w in rows or len(by_case.get(w.lower(), [])) != 1 else by_case[w.lower()][0] for w in wanted]
    unknown = [w for w in wanted if w not in rows]
    if unknown:
        given = "--rows" if len(wanted) == 1 else f"--rows {shorten(str(raw))!r}"  # the one id is echoed once
        text = _unknown_rows_text(unknown, list(rows))
        raise UserInputError(f"{given}: {text}{'' if text.endswith('?') else '.'} The rows are {', '.join(rows)}")
    twice = list(dict.fromkeys(w for w in wanted if wanted.count(w) > 1))
    if twice:  # as power --sizes 5,5: the second would run nothing
        raise UserInputError(f"--rows {shorten(str(raw))!r} is not allowed: row{'s' * (len(twice) > 1)} "
                             f"{', '.join(twice)} named twice (each row runs once); name each row once")
    return [item for key, item in rows.items() if key in wanted]


def refuse_conflicting_reports(args: argparse.Namespace) -> None:
    """--out, --docs and --no-report each say where the report goes (a folder, the source
    tree's docs/, nowhere): two of them together would leave one unused, so it is refused."""
    given = [name for name, on in (("--out", args.out is not None), ("--docs", args.docs),
                                   ("--no-report", args.no_report)) if on]
    if len(given) > 1:
        raise UserInputError(f"{', '.join(given[:-1])} and {given[-1]} cannot be combined: --out DIR writes the "
                             "report to DIR, --docs to the source tree's docs/ instead, --no-report writes none; "
                             "give one of them")
    partial = [flag for flag, on in (("--rows", args.rows is not None), ("--quick", args.quick)) if on]
    if args.docs and partial:  # the page replaced whole: other rows would vanish, or rough numbers stand
        raise UserInputError(f"--docs cannot be combined with {' and '.join(partial)}: --docs replaces "
                             "docs/validation.md, the project's page of every row at full settings (README "
                             "quotes its summary), so it would hold only "
                             f"{'these rows' if args.rows is not None else 'a rough check'}; write such a "
                             "report with --out DIR")


#: the options a run of the table reads (SCENARIO_FILE and --list run nothing)
_RUN_OPTIONS = (("--quick", "quick"), ("--seeds", "seeds"), ("--workers", "workers"), ("--scheduler", "scheduler"),
                ("--runs", "runs"), ("--out", "out"), ("--docs", "docs"), ("--no-report", "no_report"))


def refuse_unused_options(args: argparse.Namespace) -> None:
    """A scenario file is only checked and --list only lists: options that would steer a run
    (and --rows with a file) would be silently unused, so they are refused."""
    unused = [flag for flag, name in _RUN_OPTIONS if getattr(args, name) not in (None, False)]
    if args.scenario_file is not None:
        unused += ["--rows"] * (args.rows is not None) + ["--list"] * args.list
        where, does, drop = "a scenario file", f"validate {args.scenario_file} only checks that scenario", "the file"
    elif args.list:
        where, does, drop = "--list", "it only lists the rows (with --rows, those rows)", "--list"
    else:
        return
    if unused:
        raise UserInputError(f"{', '.join(unused)} cannot be used with {where}: {does}, without simulating; to run "
                             f"the table with {'it' if len(unused) == 1 else 'them'}, leave out {drop}")


def _docs_dir() -> Path:
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file():
        raise UserInputError("--docs writes into the source tree's docs/ folder, but calcium_abm is not "
                             f"running from a source checkout ({root}); use --out DIR instead")
    return root / "docs"


def check_output_dir(path: str | Path) -> Path:
    """Raise UserInputError unless ``path`` is, or can be created (its last level only) as,
    a writable directory."""
    from calcium_abm.io import check_output_directory

    return check_output_directory(path, "--out", "the report")


def refuse_occupied_report_files(markdown_path: Path, image_dir: Path, items, option: str) -> None:
    """Before any run: a directory or special file where report.md or a row's PNG goes would
    fail the write only after the whole validation, so it is refused now, named."""
    from calcium_abm.validation.design import Experiment

    from calcium_abm.io import unlisted_files
    from calcium_abm.validation.report import REPORT_FILES

    files = [markdown_path] + [image_dir / f"row_{item.row}.png" for item in items if isinstance(item, Experiment)]
    for path in files:
        if path.exists() and not path.is_file():
            what = "a directory" if path.is_dir() else "not a regular file (a device, FIFO or socket)"
            raise UserInputError(f"{option}: '{path}' is {what}, where the report writes a file: move it away"
                                 f"{' or give another --out' if option == '--out' else ''}")
    # a file of the user's where the report's folder writes one: refused at the end of the runs, so refused now
    names = {path.name for path in files if path.parent == image_dir}
    if foreign := unlisted_files(image_dir, REPORT_FILES, names.__contains__):
        raise UserInputError(f"{option}: '{image_dir / foreign[0]}' is not among the files an earlier validate wrote "
                             f"there (its list, {REPORT_FILES}), where the report writes one: move it away"
                             f"{' or give another --out' if option == '--out' else ''}")


def _schedule_count(n: int) -> str:
    return f", {n} schedule entr{'y' if n == 1 else 'ies'}" if n else ""


def _list_rows(items) -> None:
    from calcium_abm.validation.design import Experiment

    items = list(items)
    width = max((len(item.row) for item in items), default=4)
    for item in items:
        n = len(item.criteria) if isinstance(item, Experiment) else 0
        kind = f"{n} criteri{'on' if n == 1 else 'a'}" if isinstance(item, Experiment) else "not expressible"
        print(f"{item.row:<{width}} {item.title} ({kind}) — {item.source}")


def main(args: argparse.Namespace) -> int:
    refuse_unused_options(args)
    if args.scenario_file is not None:
        from calcium_abm.inert_settings import refuse_inert_settings
        from calcium_abm.scenario import load_scenario

        scenario = load_scenario(args.scenario_file)
        # what a run of it would refuse (settings that would do nothing for this person), named as run names it
        refuse_inert_settings(scenario, origin=args.scenario_file)
        print(f"ok: {shorten(args.scenario_file, MAX_PATH_CHARS)} is a valid scenario '{printable(scenario.name)}' "
              f"({scenario.days} days"
              f"{_schedule_count(len(scenario.schedule))})")
        return 0

    items = selected_rows(args.rows)
    if args.list:
        _list_rows(items)
        return 0
    from calcium_abm.validation.runner import DEFAULT_SEEDS, QUICK_SEEDS

    refuse_conflicting_reports(args)
    seeds = integer_option(args.seeds, "--seeds", 1, MAX_SEEDS, QUICK_SEEDS if args.quick else DEFAULT_SEEDS)
    workers = integer_option(args.workers, "--workers", 1, MAX_WORKERS, 2)
    refuse_workers_with_scheduler(args.workers, args.scheduler)
    if args.scheduler is None and workers > 1:  # each worker process runs the rows' people (default grids)
        from calcium_abm.inputs.memory import check_worker_memory, workers_that_fit
        from calcium_abm.scenario import load_scenario

        person = load_scenario("healthy_adult")
        if args.workers is None:  # the default 2: as many as fit (a refusal named an option not given)
            workers = workers_that_fit(workers, person)
        check_worker_memory(workers, person, "validate")
    if args.docs:
        docs = _docs_dir()
        markdown_path, image_dir = docs / "validation.md", docs / "validation"
    else:
        out = check_output_dir(args.out if args.out is not None else DEFAULT_OUT)
        markdown_path, image_dir = out / "report.md", out
    write_files = not args.no_report
    if write_files:
        check_output_dir(image_dir)
        refuse_occupied_report_files(markdown_path, image_dir, items, "--docs" if args.docs else "--out")

    from calcium_abm.batch.progress import ProgressReport, stop_on_sigterm
    from calcium_abm.batch.runner import check_scheduler_address, connect_scheduler
    from calcium_abm.validation.report import format_table, write_report
    from calcium_abm.validation.runner import run_validation

    client, owned = None, False
    if args.scheduler is not None:  # checked and reached before anything is written
        client, owned = connect_scheduler(check_scheduler_address(args.scheduler))
    reports: list[ProgressReport] = []  # one per pass (a quick FAIL's re-run is a second pass)

    def progress(done: int, total: int, name: str) -> None:
        if done == 0:  # a pass starts with its real total: a bar on a terminal, else a line every 10 s
            if reports:
                reports[-1].close()
            reports.append(ProgressReport(total, "validate"))
        reports[-1].set(done, total)

    started = time.perf_counter()
    try:
        with stop_on_sigterm():
            results = run_validation(items, seeds=seeds, quick=args.quick, workers=workers,
                                     scheduler=client, runs_dir=args.runs, progress=progress)
            if args.quick:  # small grids and 2 seeds are noisy: a FAIL is confirmed before it counts
                full_seeds = seeds if args.seeds is not None else DEFAULT_SEEDS
                results = confirm_quick_failures(results, lambda rows: run_validation(
                    rows, seeds=full_seeds, quick=False, workers=workers, scheduler=client,
                    runs_dir=args.runs, progress=progress))
    finally:
        if reports:
            reports[-1].close()
        if owned:
            client.close()
    seconds = time.perf_counter() - started
    print(format_table(results))
    if write_files:
        command = "calcium-abm validate " + " ".join(shlex.quote(a) for a in _command_options(args))
        try:
            path = write_report(results, markdown_path, image_dir, command=command.strip(), seconds=seconds,
                                quick=args.quick)
        except OSError as exc:  # e.g. a full disk: the table above is the result
            raise UserInputError(f"{'--docs' if args.docs else '--out'} '{markdown_path.parent}': cannot write the "
                                 f"report: {exc.strerror or exc}; the table above is complete") from None
        print(f"report written to {path}", file=sys.stderr)
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else f"{workers} worker{'s' * (workers != 1)}"
    grids = "quick: small grids, " if args.quick else ""
    own = sorted({f"{r.experiment.row}: {len(r.seeds)}" for r in results if r.expressible and len(r.seeds) != seeds})
    others = f" ({', '.join(own)} by their design)" if own else ""
    print(f"({seconds:.0f} s, {grids}{seeds} seed{'s' * (seeds != 1)} per arm{others}, {where})", file=sys.stderr)
    return 1 if any(r.failed for r in results) else 0


def confirm_quick_failures(results: list, rerun) -> list:
    """``results`` of a quick run with each row that failed a criterion replaced by its
    re-run at full settings (``rerun(experiments) -> results``), so that a verdict that only
    the small grids and 2 seeds produce is never reported as FAIL. A row whose runs raised
    is not re-run (the error is the verdict)."""
    failing = [i for i, r in enumerate(results) if r.failed and not r.run_errors]
    if not failing:
        return results
    rows = ", ".join(results[i].experiment.row for i in failing)
    print(f"validate: {'rows' if len(failing) > 1 else 'row'} {rows} failed a criterion at quick settings; "
          "re-running at full settings (the row's grid, more seeds) before reporting", file=sys.stderr)
    confirmed = rerun([results[i].experiment for i in failing])
    out = list(results)
    for i, result in zip(failing, confirmed):
        out[i] = result
        verdict = "fails there too" if result.failed else "passes there: the quick FAIL was noise"
        print(f"validate: row {result.experiment.row} at full settings ({result.grid}x{result.grid}, "
              f"{len(result.seeds)} seeds) {verdict}", file=sys.stderr)
    return out


def _command_options(args: argparse.Namespace) -> list[str]:
    """The options that shaped the results (for the report's header)."""
    out = []
    if args.quick:
        out.append("--quick")
    if args.seeds is not None:
        out += ["--seeds", str(args.seeds)]
    if args.rows is not None:
        out += ["--rows", args.rows if isinstance(args.rows, str) else ",".join(args.rows)]
    if args.docs:
        out.append("--docs")
    return out
