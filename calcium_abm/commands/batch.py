"""``calcium-abm batch FILE --out DIR``: run a sweep, virtual cohort or sensitivity batch.

The batch file and every run's scenario are validated before anything is written. Runs go
to a local process pool (``--workers N``) or a Dask cluster (``--scheduler ADDRESS``);
each finished run is saved atomically, so a killed batch continues with ``--resume``.

Exit status: 0 done; 1 a run failed inside the model (the finished runs are kept); 2 a
bad input, an unreachable ``--scheduler``, an ``--out`` in use by another batch, or a
write that failed (e.g. a full disk; the finished runs are kept); 143 stopped by SIGTERM
(the worker processes are ended and the finished runs kept: continue with ``--resume``).
Progress goes to stderr: a bar on a terminal, else a line every 10 s.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from calcium_abm.batch.estimate import MAX_WORKERS
from calcium_abm.errors import UserInputError
from calcium_abm.interrupts import interruption
from calcium_abm.inputs.options import integer_option, refuse_workers_with_scheduler

NAME = "batch"
HELP = "Run a batch file (parameter sweep, virtual-cohort trial or sensitivity design) in parallel."


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    """``FILE --out DIR [--workers N] [--scheduler ADDRESS] [--resume] [--quiet]`` (shared)."""
    parser.add_argument("file", metavar="FILE", help="the batch file (.toml); see docs/batch.md")
    parser.add_argument("--out", metavar="DIR", required=True,
                        help="directory for the results (new or empty; or an earlier one with --resume)")
    parser.add_argument("--workers", metavar="N",
                        help="local worker processes (default: one per CPU, fewer for small batches, where "
                             "starting workers costs more than it saves; 1 = run in this process)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on a Dask cluster at tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786 "
                             "(see docs/batch.md)")
    parser.add_argument("--resume", action="store_true",
                        help="finish the batch stored in DIR: skip finished runs, run the rest")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress (bar on a terminal, else a line every 10 s) and no closing summary")


def parse_workers(raw: str | None) -> int | None:
    """``--workers`` as an integer (None if not given); UserInputError otherwise. More workers than the
    machine's CPUs are allowed (a cluster's node may have more) with a note on stderr (:func:`workers_note`)."""
    workers = integer_option(raw, "--workers", 1, MAX_WORKERS)
    if (note := workers_note(workers, os.cpu_count() or 1)) is not None:
        print(note, file=sys.stderr)
    return workers


def workers_note(workers: int | None, cpus: int) -> str | None:
    """The note for ``--workers`` above this machine's ``cpus`` (a new user's 16 workers on 2 CPUs took 19 s
    where the default took 2.6 s), else None."""
    if workers is None or workers <= cpus:
        return None
    return (f"note: --workers {workers} is more than this machine's {cpus} CPUs: the workers take turns on them, "
            "so the batch runs slower, not faster (without --workers the batch picks a number for its CPUs)")


def load_batch_file(file: str):
    """``load_batch(file)``, naming a built-in scenario given in its place (``batch healthy_adult`` said only
    'batch file not found')."""
    from calcium_abm.batch.spec import load_batch  # lazy, as in run_from_args
    from calcium_abm.scenario import builtin_scenario_names

    if not os.path.lexists(file) and file in builtin_scenario_names():
        raise UserInputError(f"{file}: batch file not found; '{file}' is a built-in scenario: run it with "
                             f"`calcium-abm run {file} --out FILE.csv`, or name it in a batch file as "
                             f"scenario = \"{file}\" (docs/batch.md)")
    return load_batch(file)


def run_from_args(args: argparse.Namespace):
    """Run the batch the options name; return (spec, run table)."""
    # lazy: `calcium-abm --help` must not load pandas and the batch machinery
    from calcium_abm.batch.progress import Terminated, stop_on_sigterm
    from calcium_abm.batch.runner import RunFailed, check_scheduler_address, run_batch
    from calcium_abm.inputs.memory import check_memory, check_worker_memory, workers_that_fit

    workers = parse_workers(args.workers)
    refuse_workers_with_scheduler(args.workers, args.scheduler)
    if not args.out.strip():
        raise UserInputError(f"--out {args.out!r} is not allowed: give a directory for the batch results")
    scheduler = check_scheduler_address(args.scheduler) if args.scheduler is not None else None
    spec = load_batch_file(args.file)
    try:
        base = spec.base_scenario()
    except UserInputError as exc:  # the file's scenario or [set]: named by the file, as the loader's errors are
        raise type(exc)(f"{args.file}: {exc}") from None
    check_memory(base, str(args.file))
    if workers is not None and scheduler is None:  # the processes that start: at most one a run
        check_worker_memory(min(workers, spec.run_count()), base, str(args.file))
    elif scheduler is None:  # the default (one process a CPU where a pool pays, else 1), capped by the memory
        from calcium_abm.batch.estimate import default_workers, estimated_run_seconds

        chosen = default_workers(spec.run_count(), estimated_run_seconds(base, summary=spec.output == "summary"))
        if chosen > 1 and (fits := workers_that_fit(chosen, base)) < chosen:
            workers = fits
            print(f"note: {fits} worker process{'es' if fits > 1 else ''}, not the {chosen} the default would start "
                  "(one a CPU): more would not fit in the memory available now; --workers N chooses", file=sys.stderr)
    try:
        with stop_on_sigterm():
            table = run_batch(spec, args.out, origin=str(args.file), workers=workers, scheduler=scheduler,
                              resume=args.resume, progress=not args.quiet)
    except RunFailed as exc:
        print(f"error: {exc}\n{_saved(args.out, 'after fixing the cause, continue with --resume')}", file=sys.stderr)
        raise SystemExit(1) from None
    except Terminated:
        print(f"stopped by SIGTERM: {_all_saved(args.out) or _saved(args.out)}", file=sys.stderr)
        raise
    except Exception as exc:  # Ctrl-C, also as a numba kernel wraps it: SIGTERM's guidance and the shell's status
        if not isinstance(interruption(exc), KeyboardInterrupt):
            raise
        _interrupted(args.out)
    except KeyboardInterrupt:
        _interrupted(args.out)
    return spec, table


def _saved(out, then: str = "continue with --resume") -> str:
    """Where the finished runs are and what to do next; or, when the batch stopped before its directory was made
    (while screening candidates or building its runs), that nothing was saved: --resume would find no directory."""
    if (Path(out) / "manifest.json").is_file():
        return f"the finished runs are saved in {out}; {then}"
    return "no run had started (the batch was still screening or building its runs), so nothing was saved; run it again"


def _all_saved(out) -> str | None:
    """The words for a batch stopped after its last run was saved (nothing to resume), else None."""
    from calcium_abm.batch.store import finished_run_ids, load_manifest

    try:
        ids = [run["run_id"] for run in load_manifest(out)["runs"]]
        complete = bool(ids) and len(finished_run_ids(out, ids)) == len(ids)
    except Exception:  # noqa: BLE001 - no readable manifest or runs: say what _saved says
        return None
    return f"every one of the {len(ids)} runs had finished and is saved in {out}; nothing is left to resume" \
        if complete else None


def _interrupted(out) -> None:
    print(f"\ninterrupted: {_saved(out)}", file=sys.stderr)
    raise SystemExit(130) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_runner_arguments(parser)


def main(args: argparse.Namespace) -> int:
    spec, table = run_from_args(args)
    if not args.quiet:
        ran = int((table["status"] == "ran").sum())
        print(f"batch '{spec.name}' ({spec.kind}): {len(table)} runs in {args.out} "
              f"({ran} run now, {len(table) - ran} already done)\n"
              f"next: calcium-abm summarize {args.out}")
    return 0
