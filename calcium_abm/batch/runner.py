"""Run a batch: serially, on a local process pool, or on a Dask distributed cluster.

Each run is independent and carries its whole scenario (with its seed) as TOML, so the
result never depends on which process or machine ran it: serial, pool and Dask give the
same files, bit for bit. Workers only simulate and return the run's rows; this process
writes each finished run atomically (so Dask workers need no shared disk) and shows a
progress bar with an ETA on stderr (only on a terminal).

:func:`run_tasks` is the package's one executor: ``run_batch`` and the validation
experiments (:mod:`calcium_abm.validation.runner`) both send their runs through it.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pandas as pd

import calcium_abm
from calcium_abm.batch.expand import RunSpec, expand_runs
from calcium_abm.batch.spec import BatchError, BatchSpec, load_batch
from calcium_abm.batch.store import model_fingerprint, prepare_output, write_run

__all__ = ["MAX_WORKERS", "RunFailed", "RunTask", "execute_run", "run_batch", "run_tasks", "summary_row"]

MAX_WORKERS = 512
IN_FLIGHT_PER_WORKER = 2  # queued runs per worker: keeps workers busy, loses little on a kill
DASK_WORKER_WAIT_S = 60.0
DASK_CONNECT_TIMEOUT = "15s"


class RunFailed(RuntimeError):
    """A run raised an error inside the model (a bug, not a user's mistake).

    ``run_id`` names the run and ``cause`` is the exception the model raised.
    """

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
    from calcium_abm.scenario import parse_scenario_toml
    from calcium_abm.simulation import simulate  # (lazy, as above)

    scenario = parse_scenario_toml(task.scenario_toml, origin=f"run {task.run_id}")
    start = time.perf_counter()
    days = simulate(scenario)
    seconds = time.perf_counter() - start
    if task.output == "summary":
        frame = pd.DataFrame([{**task.labels, **summary_row(days)}])
    elif not task.labels:
        frame = days.reset_index(drop=True)
    else:
        labels = pd.DataFrame({k: [v] * len(days) for k, v in task.labels.items()})
        frame = pd.concat([labels, days.reset_index(drop=True)], axis=1)
    frame.attrs = {}
    return task.run_id, frame, seconds


def _task(run: RunSpec, output: str) -> RunTask:
    return RunTask(run.run_id, run.scenario_toml, run.labels, output)


# ------------------------------------------------------------------------- executors


Result = tuple[str, pd.DataFrame, float]


def _serial(tasks: list[RunTask], keep_going: bool) -> Iterator[Result | RunFailed]:
    for task in tasks:
        yield _guard(execute_run, task, keep_going)


def _guard(fn: Callable[[RunTask], Result], task: RunTask, keep_going: bool = False) -> Result | RunFailed:
    """``fn(task)``; an error becomes :class:`RunFailed`, raised, or returned with ``keep_going``."""
    try:
        return fn(task)
    except Exception as exc:  # noqa: BLE001 - reported with the run it belongs to
        failure = RunFailed(f"run {task.labels.get('run_index', 0) + 1} (id {task.run_id}) failed: "
                            f"{type(exc).__name__}: {exc}", task.run_id, exc)
        if keep_going:
            return failure
        raise failure from exc


def _pool(tasks: list[RunTask], workers: int, keep_going: bool) -> Iterator[Result | RunFailed]:
    """A local process pool. Spawned workers (not forked) so no parent state leaks in."""
    context = multiprocessing.get_context("spawn")
    pending_tasks = iter(tasks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        in_flight: dict[Any, RunTask] = {}
        try:
            def refill() -> None:
                while len(in_flight) < workers * IN_FLIGHT_PER_WORKER:
                    task = next(pending_tasks, None)
                    if task is None:
                        return
                    in_flight[pool.submit(execute_run, task)] = task

            refill()
            while in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    task = in_flight.pop(future)
                    yield _guard(lambda _t, f=future: f.result(), task, keep_going)
                refill()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _connect(scheduler: Any):
    """A ``distributed.Client`` for an address (or the given Client), with workers ready."""
    from distributed import Client  # lazy: Dask loads only for --scheduler

    if not isinstance(scheduler, str):
        return scheduler, False  # a Client (or LocalCluster client) the caller owns
    address = scheduler.strip()
    if not re.match(r"^([a-z]+://)?[\w.\-\[\]:]+:\d+$", address):
        raise BatchError(f"--scheduler {scheduler!r} is not allowed: must be a Dask scheduler address "
                         "such as tcp://10.0.0.5:8786 or 127.0.0.1:8786")
    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise BatchError(f"cannot connect to the Dask scheduler at {address}: {exc} "
                         "(start one with `dask scheduler`, see docs/batch.md)") from None
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


def _dask(tasks: list[RunTask], scheduler: Any, keep_going: bool) -> Iterator[Result | RunFailed]:
    from distributed import as_completed  # lazy: Dask loads only for --scheduler

    client, owned = _connect(scheduler)
    try:
        versions = client.run(_worker_version)
        wrong = {w: v for w, v in versions.items() if v != _worker_version()}
        if wrong:
            worker, version = next(iter(wrong.items()))
            raise BatchError(f"Dask worker {worker} has calcium-abm {version}, this machine "
                             f"{_worker_version()}: install the same code on every worker")
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
            nxt = next(pending_tasks, None)
            if nxt is not None:
                queue.add(submit(nxt))
    finally:
        if owned:
            client.close()


# ---------------------------------------------------------------------------- batch


def _check_workers(workers: int | None) -> int:
    if workers is None:
        return max(1, os.cpu_count() or 1)
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise BatchError(f"--workers {workers!r} is not allowed: must be an integer from 1 to {MAX_WORKERS}")
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
    if workers <= 1 or len(tasks) <= 1:
        return _serial(tasks, keep_going)
    return _pool(tasks, min(workers, len(tasks)), keep_going)


def run_batch(batch: str | os.PathLike | BatchSpec | dict, out_dir: str | os.PathLike, *,
              workers: int | None = 1, scheduler: Any = None, resume: bool = False,
              progress: bool = False, on_result: Callable[[Result], None] | None = None) -> pd.DataFrame:
    """Run every unfinished run of a batch and store it in ``out_dir``.

    Args:
        batch: a batch file path, mapping or :class:`BatchSpec`.
        out_dir: the output directory (new or empty, or an earlier one with ``resume``).
        workers: local processes; 1 runs in this process; None = one per CPU.
        scheduler: a Dask scheduler address (``"tcp://host:8786"``) or a
            ``distributed.Client``; then ``workers`` is ignored.
        resume: finish a batch stored in ``out_dir``, skipping finished runs.
        progress: a progress bar with ETA on stderr (shown only on a terminal).
        on_result: called with ``(run_id, rows, simulate_seconds)`` after each run is saved.

    Returns:
        One row per run: its labels and ``status`` ("ran" or "already done").
        Read the results with :func:`calcium_abm.batch.load_results`.
    """
    spec = load_batch(batch)
    workers = _check_workers(workers)
    runs = expand_runs(spec)  # validates every run before anything is written
    done = prepare_output(out_dir, spec, runs, resume)
    tasks = [_task(r, spec.output) for r in runs if r.run_id not in done]
    results = run_tasks(tasks, workers=workers, scheduler=scheduler)
    from tqdm import tqdm  # lazy: only the process that writes the batch shows a bar

    with tqdm(total=len(runs), initial=len(runs) - len(tasks), unit="run", desc=spec.name, file=sys.stderr,
              disable=None if progress else True, smoothing=0.05, dynamic_ncols=True) as bar:
        for result in results:
            write_run(out_dir, result[0], result[1])
            if on_result is not None:
                on_result(result)
            bar.update(1)
    table = pd.DataFrame([r.labels for r in runs])
    table["status"] = ["already done" if r.run_id in done else "ran" for r in runs]
    return table
