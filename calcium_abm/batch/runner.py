"""Run a batch: serially, on a local process pool, or on a Dask distributed cluster.

Each run is independent and carries its whole scenario (with its seed) as TOML, so the
result never depends on which process or machine ran it: serial, pool and Dask give the
same files, bit for bit. Workers only simulate and return the run's rows; this process
writes each finished run atomically (so Dask workers need no shared disk) and shows a
progress bar with an ETA on stderr (only on a terminal). :func:`run_tasks` is the package's one executor: ``run_batch`` and the validation
experiments (:mod:`calcium_abm.validation.runner`) both send their runs through it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pandas as pd

import calcium_abm
from calcium_abm.batch.estimate import (MAX_WORKERS, default_workers, estimate_line, estimated_run_seconds,
                                        mean_run_seconds, run_start_seconds, screening_line)
from calcium_abm.batch.expand import RunSpec, expand_runs
from calcium_abm.batch.progress import ProgressReport, raise_if_terminated
from calcium_abm.batch.run_notes import RUN_ATTRS, printed_warnings
from calcium_abm.batch.spec import BatchError, BatchSpec, load_batch
from calcium_abm.batch.store import (DiskError, check_output_dir, claim_output, disk_error, model_fingerprint,
                                     prepare_output, write_run, write_runs)
from calcium_abm.inputs.options import call_options_problem
from calcium_abm.interrupts import children_ignore_ctrl_c, interruption

__all__ = ["MAX_WORKERS", "RunFailed", "RunTask", "check_scheduler_address", "connect_scheduler", "default_workers",
           "estimate_line", "estimated_run_seconds", "execute_run", "run_batch", "run_tasks", "summary_row"]

IN_FLIGHT_PER_WORKER = 2  # queued runs per worker: keeps workers busy, loses little on a kill
DASK_WORKER_WAIT_S = 60.0
DASK_CONNECT_TIMEOUT = "5s"  # how long to try reaching a Dask scheduler before giving up (a bad address fails fast)
#: what a script running a batch on a local pool needs (a spawned worker imports it again)
MAIN_GUARD = ('call run_batch under `if __name__ == "__main__":` in the script that runs it: a local pool\'s '
              'workers start by importing that script again, and without the guard each of them starts the batch '
              'too (docs/batch.md, the top)')


class RunFailed(RuntimeError):
    """A run raised an error inside the model (a bug, not a user's mistake): ``run_id`` names it, ``cause`` is the error."""
    def __init__(self, message: str, run_id: str = "", cause: BaseException | None = None):
        super().__init__(message)
        self.run_id, self.cause = run_id, cause


@dataclass(frozen=True)
class RunTask:
    """What a worker needs for one run (small and picklable)."""

    run_id: str
    scenario_toml: str
    labels: dict[str, Any]
    output: str  # "daily" or "summary"


def summary_row(frame: pd.DataFrame) -> dict[str, Any]:
    """One run's recorded days reduced to ``<column>_baseline`` / ``<column>_final`` values."""
    row: dict[str, Any] = {"days": int(frame["day"].iloc[-1])}
    first, last = frame.iloc[0], frame.iloc[-1]
    for column in frame.columns:
        if column not in ("day", "years"):
            row[f"{column}_baseline"] = float(first[column])
            row[f"{column}_final"] = float(last[column])
    return row


def execute_run(task: RunTask) -> tuple[str, pd.DataFrame, float]:
    """Simulate one run; return ``(run_id, rows, simulate_seconds)``.

    Top-level so process pools and Dask can pickle it. The rows start with the run's
    label columns (run_index, run_id, seed, arm, patient, swept values ...).
    """
    # lazy: the model (Mesa, numba kernels) loads in the process that simulates, not in a
    # parent that only hands runs to workers
    from calcium_abm.batch.conduct import person_of_cohort
    from calcium_abm.scenario import parse_scenario_toml
    from calcium_abm.simulation import simulate  # (lazy, as above)

    scenario = person_of_cohort(parse_scenario_toml(task.scenario_toml, origin=f"run {task.run_id}", written_out=True))
    start = time.perf_counter()
    # a summary reads day 0 and the last day only: the days between are not evaluated (the
    # physiology warning still checks every recorded day; see simulate's ``rows``)
    days = simulate(scenario, rows="ends" if task.output == "summary" else "all")
    seconds = time.perf_counter() - start
    if task.output == "summary":
        frame = pd.DataFrame([{**task.labels, **summary_row(days)}])
    elif not task.labels:
        frame = days.reset_index(drop=True)
    else:
        labels = pd.DataFrame({k: [v] * len(days) for k, v in task.labels.items()})
        frame = pd.concat([labels, days.reset_index(drop=True)], axis=1)
    frame.attrs = {key: list(days.attrs.get(key, [])) for key in RUN_ATTRS}  # into the file's metadata (load_results)
    return task.run_id, frame, seconds


def _task(run: RunSpec, output: str) -> RunTask:
    return RunTask(run.run_id, run.scenario_toml, run.labels, output)


# ------------------------------------------------------------------------- executors
Result = tuple[str, pd.DataFrame, float]


def _serial(tasks: list[RunTask], keep_going: bool) -> Iterator[Result | RunFailed]:
    for task in tasks:
        raise_if_terminated()  # a SIGTERM whose exception a numba callback swallowed during the last run
        yield _guard(execute_run, task, keep_going)


def _guard(fn: Callable[[RunTask], Result], task: RunTask, keep_going: bool = False) -> Result | RunFailed:
    """``fn(task)``; an error becomes :class:`RunFailed`, raised, or returned with ``keep_going``."""
    try:
        return fn(task)
    except Exception as exc:  # noqa: BLE001 - reported with the run it belongs to
        if (stop := interruption(exc)) is not None:  # Ctrl-C / SIGTERM inside a kernel: stopped, not failed
            raise stop from None
        hint = f"; if the batch runs from a Python script, {MAIN_GUARD}" if isinstance(exc, BrokenProcessPool) else ""
        failure = RunFailed(f"run {task.labels.get('run_index', 0) + 1} (id {task.run_id}) failed: "
                            f"{type(exc).__name__}: {exc}{hint}", task.run_id, exc)
        if keep_going:
            return failure
        raise failure from exc


def refuse_inside_a_starting_worker() -> None:
    """BatchError in a spawned pool worker re-importing the parent's script (run as ``__mp_main__``): a script
    calling run_batch at module level made each worker start the batch (the pool broke)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") != "__mp_main__":
        frame = frame.f_back
    if frame is not None or getattr(multiprocessing.current_process(), "_inheriting", False):
        raise BatchError(f"run_batch was called while a worker process was starting: {MAIN_GUARD}")


def _exit_with_parent(parent: int) -> None:
    """A pool worker's initializer: end the worker once the process that started it is gone. A batch killed with
    ``kill -9`` (or the OOM killer) left its workers waiting forever, ~340 MB each (their queue never closes)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="calcium-abm-parent-watch", daemon=True).start()


def _pool(tasks: list[RunTask], workers: int, keep_going: bool) -> Iterator[Result | RunFailed]:
    """A local process pool. Spawned workers (not forked) so no parent state leaks in."""
    context = multiprocessing.get_context("spawn")
    pending_tasks = iter(tasks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        in_flight: dict[Any, RunTask] = {}
        try:
            def refill() -> None:
                while len(in_flight) < workers * IN_FLIGHT_PER_WORKER:
                    task = next(pending_tasks, None)
                    if task is None:
                        return
                    in_flight[pool.submit(execute_run, task)] = task

            with children_ignore_ctrl_c():  # the first runs start every worker
                refill()
            while in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    task = in_flight.pop(future)
                    yield _guard(lambda _t, f=future: f.result(), task, keep_going)
                raise_if_terminated()  # a SIGTERM whose exception was swallowed (see _serial)
                refill()
        except BaseException:  # an error, Ctrl-C, SIGTERM or the caller closing us: stop the workers now
            _stop_pool(pool)
            raise


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued runs and end the worker processes, so that leaving the ``with`` block
    neither waits for runs in flight nor leaves the pool's semaphores behind."""
    pool.shutdown(wait=False, cancel_futures=True)
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):  # Python 3.13
        with contextlib.suppress(Exception):
            process.terminate()


_HOST_PORT = re.compile(r"^(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?):(?P<port>\d{1,5})$")
SCHEDULER_ALLOWED = "tcp://HOST:PORT (a Dask scheduler address, e.g. tcp://10.0.0.5:8786)"


def check_scheduler_address(raw: Any) -> str:
    """``--scheduler`` as a ``tcp://HOST:PORT`` address; BatchError naming the value otherwise.

    A bare ``HOST:PORT`` gets ``tcp://``. Other Dask protocols (``tls://``, ``ucx://``,
    ``inproc://``, ``ws://``) and URLs (``http://``) are refused: this package starts and
    reaches schedulers over plain TCP only.
    """
    shown = repr(raw) if isinstance(raw, str) else repr(type(raw).__name__)
    if not isinstance(raw, str):
        raise BatchError(f"--scheduler {shown} is not allowed: must be {SCHEDULER_ALLOWED}")
    address = raw.strip()
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme.lower() != "tcp":
        raise BatchError(f"--scheduler {raw[:80]!r} is not allowed: protocol '{scheme[:20]}://' is not supported; "
                         f"must be {SCHEDULER_ALLOWED}")
    match = _HOST_PORT.match(rest)
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise BatchError(f"--scheduler {raw[:80]!r} is not allowed: must be {SCHEDULER_ALLOWED}, "
                         "with a port from 1 to 65535")
    return f"tcp://{rest}"


def connect_scheduler(scheduler: Any):
    """``(client, owned)``: a ``distributed.Client`` for ``--scheduler`` with a worker ready.

    ``scheduler`` is an address (checked by :func:`check_scheduler_address`; the client
    is then ``owned`` and the caller closes it) or a Client the caller already owns.
    Raises BatchError, naming ``--scheduler`` and the address, when the scheduler cannot
    be reached within :data:`DASK_CONNECT_TIMEOUT` or no worker joins it.
    """
    if not isinstance(scheduler, str):
        return scheduler, False  # a Client (or LocalCluster client) the caller owns
    address = check_scheduler_address(scheduler)
    from distributed import Client  # lazy: Dask loads only for --scheduler

    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        reason = str(exc).split("\n")[0][:200] or type(exc).__name__
        raise BatchError(f"--scheduler {address}: cannot connect to the Dask scheduler ({reason}); "
                         f"allowed is {SCHEDULER_ALLOWED} of a running scheduler (start one with "
                         "`dask scheduler`, see docs/batch.md)") from None
    try:
        client.wait_for_workers(1, timeout=DASK_WORKER_WAIT_S)
    except TimeoutError:
        client.close()
        raise BatchError(f"no Dask worker joined the scheduler at {address} within {DASK_WORKER_WAIT_S:.0f} s: "
                         f"start workers with `dask worker {address}`") from None
    return client, True


#: Two Dask defaults slow this model down in workers (5-year default run, measured here):
#:
#: * the nanny exports MALLOC_TRIM_THRESHOLD_=65536, so glibc hands freed memory back to
#:   the OS at once and the model's small numpy temporaries cost more (0.75 s instead of
#:   0.56 s before the kernels);
#: * the worker's statistical profiler samples the running task's stack every 10 ms while
#:   holding the GIL (10-y run 0.61 s instead of 0.555 s in process; 0.56 s without it).
#:
#: Both are switched off here; workers started by hand get the same from
#: ``dask worker ... --no-nanny`` plus the environment variables below.
DASK_WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                      "distributed.worker.profile.enabled": False}
DASK_WORKER_ENVIRONMENT = {"DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON__MALLOC_TRIM_THRESHOLD_": "None",
                           "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}


def local_dask_cluster(n_workers: int = 2, **kwargs):
    """A ``distributed.LocalCluster`` of single-threaded worker processes set up for this
    model (no dashboard, no malloc trimming; see :data:`DASK_WORKER_CONFIG`)."""
    import dask  # lazy: Dask loads only when a cluster is asked for
    from distributed import LocalCluster

    with dask.config.set(DASK_WORKER_CONFIG):
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                            dashboard_address=kwargs.pop("dashboard_address", None), **kwargs)


def _worker_version() -> str:
    """This process's calcium-abm version and model fingerprint (workers must match the client)."""
    return f"{calcium_abm.__version__} (model {model_fingerprint()})"


def check_worker_versions(client) -> None:
    """BatchError naming a Dask worker whose calcium-abm code differs from this process's."""
    wrong = {w: v for w, v in client.run(_worker_version).items() if v != _worker_version()}
    if wrong:
        worker, version = next(iter(wrong.items()))
        raise BatchError(f"Dask worker {worker} has calcium-abm {version}, this machine "
                         f"{_worker_version()}: install the same code on every worker")


def _dask(tasks: list[RunTask], scheduler: Any, keep_going: bool) -> Iterator[Result | RunFailed]:
    from distributed import as_completed  # lazy: Dask loads only for --scheduler

    client, owned = connect_scheduler(scheduler)
    try:
        check_worker_versions(client)
        slots = max(1, sum(client.nthreads().values())) * IN_FLIGHT_PER_WORKER
        pending_tasks = iter(tasks)
        owner: dict[str, RunTask] = {}

        def submit(task: RunTask):
            future = client.submit(execute_run, task, pure=False, key=f"run-{task.run_id}-{time.time_ns()}")
            owner[future.key] = task
            return future

        first = [submit(t) for t in (next(pending_tasks, None) for _ in range(slots)) if t is not None]
        queue = as_completed(first)
        for future in queue:
            task = owner.pop(future.key)
            result = _guard(lambda _t, f=future: f.result(), task, keep_going)
            future.release()
            yield result
            raise_if_terminated()  # a SIGTERM whose exception was swallowed (see _serial)
            nxt = next(pending_tasks, None)
            if nxt is not None:
                queue.add(submit(nxt))
    finally:
        if owned:
            client.close()


# ---------------------------------------------------------------------------- batch


def _check_workers(workers: int | None) -> int | None:
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise BatchError(f"workers = {workers!r} is not allowed: must be an integer from 1 to {MAX_WORKERS} (--workers)")
    return workers


def run_tasks(tasks: list[RunTask], *, workers: int = 1, scheduler: Any = None,
              keep_going: bool = False) -> Iterator[Result | RunFailed]:
    """Run tasks and yield ``(run_id, rows, simulate_seconds)`` as each finishes.

    The one executor of the package: in this process (``workers == 1`` or a single task),
    on a pool of ``workers`` spawned processes, or on a Dask cluster (``scheduler``: an
    address or a ``distributed.Client``; ``workers`` is then ignored). Results come in
    completion order, not task order; every task's result is the same bit for bit in
    any executor.

    Args:
        tasks: the runs (each carries its whole scenario as TOML).
        keep_going: a failed run is yielded as a :class:`RunFailed` (with its ``run_id``
            and ``cause``) and the others go on; by default the first failure is raised
            and the runs not yet started are cancelled.
    """
    if scheduler is not None:
        return _dask(tasks, scheduler, keep_going)
    processes = pool_processes(len(tasks), workers)
    return _serial(tasks, keep_going) if processes == 1 else _pool(tasks, processes, keep_going)


def pool_processes(n_tasks: int, workers: int) -> int:
    """The processes :func:`run_tasks` runs ``n_tasks`` tasks on with ``workers``: 1 (this process) for
    ``workers <= 1`` or a single task, else one per worker, at most one per task."""
    return 1 if workers <= 1 or n_tasks <= 1 else min(workers, n_tasks)


#: Summary output is written in files of several runs (store.write_runs): at most this many
#: runs, and at least every SUMMARY_FLUSH_S seconds, so a kill -9 loses no more than the runs
#: in flight and the finished runs of the last few seconds.
SUMMARY_RUNS_PER_FILE = 500
SUMMARY_FLUSH_S = 10.0


class _Saver:
    """Saves finished runs as they come: daily output a file per run; summary output in files
    of several runs (:data:`SUMMARY_RUNS_PER_FILE`, :data:`SUMMARY_FLUSH_S`)."""

    def __init__(self, out_dir, output: str, saved: int):
        self.out_dir, self.buffered, self.saved = out_dir, [] if output == "summary" else None, saved
        self.last_flush = time.monotonic()

    def add(self, run_id: str, frame: pd.DataFrame) -> None:
        if self.buffered is None:
            self._write(f"run {run_id}", lambda: write_run(self.out_dir, run_id, frame), 1)
            return
        self.buffered.append((run_id, frame))
        if len(self.buffered) >= SUMMARY_RUNS_PER_FILE or time.monotonic() - self.last_flush >= SUMMARY_FLUSH_S:
            self.flush()

    def flush(self) -> None:
        """Write the buffered summary runs (also when a batch stops on an error or a signal)."""
        if self.buffered:
            runs = list(self.buffered)
            self._write(f"runs {runs[0][0]} ... ({len(runs)} runs)", lambda: write_runs(self.out_dir, runs), len(runs))
            self.buffered.clear()
        self.last_flush = time.monotonic()

    def _write(self, what: str, write: Callable[[], Any], n: int) -> None:
        try:
            write()
        except OSError as exc:
            raise disk_error(self.out_dir, what, exc, self.saved) from None
        self.saved += n


def run_batch(batch: str | os.PathLike | BatchSpec | dict, out_dir: str | os.PathLike, *,
              workers: int | None = 1, scheduler: Any = None, resume: bool = False,
              progress: bool = False, on_result: Callable[[Result], None] | None = None,
              origin: str | None = None) -> pd.DataFrame:
    """Run every unfinished run of a batch and store it in ``out_dir``.

    Everything is checked before anything is written: the batch, every run, the options,
    and (with ``scheduler``) that the Dask scheduler answers and has a worker. Then the
    directory is claimed (see :func:`calcium_abm.batch.store.claim_output`), so a second
    batch or ``--resume`` into the same directory is refused while this one runs.

    Args:
        batch: a batch file path, mapping or :class:`BatchSpec`.
        out_dir: the output directory (new or empty, or an earlier one with ``resume``).
        workers: local processes; 1 runs in this process; None = :func:`default_workers`
            of the runs still to do.
        scheduler: a Dask scheduler address (``"tcp://host:8786"``) or a
            ``distributed.Client``; then ``workers`` is ignored.
        resume: finish a batch stored in ``out_dir``, skipping finished runs.
        progress: progress on stderr: a bar on a terminal, else a line every
            :data:`PROGRESS_LINE_INTERVAL_S` seconds (see :class:`ProgressReport`).
        on_result: called with one argument, the tuple ``(run_id, rows, simulate_seconds)``, after each run is saved
            (summary output: handed to the writer, which saves it within
            :data:`SUMMARY_FLUSH_S` seconds, at the latest when the batch ends or stops).
        origin: the file a :class:`BatchSpec` was read from, naming it in the messages of its runs
            (a path given as ``batch`` names itself).

    Returns:
        One row per run: its labels and ``status`` ("ran" or "already done").
        Read the results with :func:`calcium_abm.batch.load_results`.

    Raises:
        BatchError: a bad batch, option, scheduler or directory; a directory in use by
            another batch; a write that failed (e.g. a full disk: the message says how
            many runs are saved; continue with ``resume``).
        RunFailed: a run raised inside the model.
    """
    refuse_inside_a_starting_worker()
    spec = load_batch(batch)
    workers = _check_workers(workers)
    if problem := call_options_problem(resume=resume, progress=progress, on_result=on_result):
        raise BatchError(problem)
    check_output_dir(out_dir, resume)  # before screening, which may build a model per candidate for minutes
    try:
        if progress and (line := screening_line(spec.name, spec.cohort, run_start_seconds(spec.base_scenario()))):
            print(line, file=sys.stderr, flush=True)  # screening happens while the runs are built, below
        runs = expand_runs(spec)  # validates every run before anything is written
    except BatchError as exc:  # a problem of the file's content: named by the file, as the loader's are
        origin = origin or (os.fspath(batch) if isinstance(batch, (str, os.PathLike)) else None)
        raise (BatchError(f"{origin}: {exc}") if origin else exc) from None
    client, owned = connect_scheduler(scheduler) if scheduler is not None else (None, False)
    try:
        if client is not None:  # before --out is written: a mismatch left a manifest without runs
            check_worker_versions(client)
        with claim_output(out_dir):
            try:
                done = prepare_output(out_dir, spec, runs, resume)
            except OSError as exc:
                raise disk_error(out_dir, "the batch manifest", exc, 0) from None
            tasks = [_task(r, spec.output) for r in runs if r.run_id not in done]
            saver = _Saver(out_dir, spec.output, len(done))
            run_seconds = mean_run_seconds([task.scenario_toml for task in tasks], spec.output == "summary")
            if workers is None:
                workers = default_workers(len(tasks), run_seconds)
            if progress and tasks:
                print(estimate_line(spec.name, len(tasks), run_seconds, pool_processes(len(tasks), workers),
                                    client is not None, runs.screening), file=sys.stderr, flush=True)
            results = run_tasks(tasks, workers=workers, scheduler=client)
            try:
                with ProgressReport(len(runs), spec.name, initial=saver.saved, enabled=progress) as report:
                    for result in results:
                        saver.add(result[0], result[1])
                        for warning in printed_warnings(result[1].attrs):  # as `run` prints them
                            print(f"warning: run {result[0]}: {warning}", file=sys.stderr, flush=True)
                        if on_result is not None:
                            on_result(result)
                        report.update(1)
                    saver.flush()
            except BaseException:
                with contextlib.suppress(BatchError):
                    saver.flush()  # the finished runs still buffered are kept, also on an error or a stop
                raise
            finally:
                results.close()  # a pool stops at once (its workers end), also on an error
    except DiskError as exc:
        if os.path.exists(out_dir):
            raise
        raise exc.removed() from None  # claim_output removed the directory it created: nothing to resume
    finally:
        if owned:
            client.close()
    table = pd.DataFrame([r.labels for r in runs])
    table["status"] = ["already done" if r.run_id in done else "ran" for r in runs]
    return table
