"""Running the virtual experiments: build each arm's scenario, simulate every arm × seed
through the batch executor, and evaluate the criteria per seed.

Runs are independent, so they go to :func:`calcium_abm.batch.runner.run_tasks`, the same
executor as ``calcium-abm batch``: in this process, on a pool of spawned processes, or on
a Dask cluster. Each task carries its validated scenario as TOML, so workers need nothing
but the package. With ``runs_dir`` every finished run is also kept as Parquet (the batch
store's atomic files), so an interrupted validation resumes where it stopped.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from calcium_abm.batch.expand import run_id_for
from calcium_abm.batch.runner import RunFailed, RunTask, run_tasks
from calcium_abm.batch.store import RUNS_DIR, model_fingerprint, run_path, write_run
from calcium_abm.errors import UserInputError
from calcium_abm.io import atomic_write, check_output_directory, directory_option, not_a_directory, read_error_reason
from calcium_abm.scenario import DAYS_PER_YEAR, Scenario, load_scenario
from calcium_abm.validation import effects
from calcium_abm.validation.design import Arm, Criterion, Experiment, NotExpressible

__all__ = [
    "CriterionResult",
    "ExperimentResult",
    "QUICK_SEEDS",
    "DEFAULT_SEEDS",
    "arm_scenario",
    "evaluate",
    "run_validation",
]

DEFAULT_SEEDS = 5
QUICK_SEEDS = 2  # the fewest that still give a confidence interval
STUDY_START_DAY = 1  # interventions start on day 1 (after a run-in, if the study has one): day 0 is the start


@dataclass(frozen=True)
class CriterionResult:
    """One criterion's verdict: mean effect across seeds, its 95 % CI and the per-seed values."""

    criterion: Criterion
    values: tuple[float, ...]
    mean: float
    ci_low: float
    ci_high: float
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and self.criterion.passes(self.mean)

    @property
    def known_failure(self) -> bool:
        """Failed, and declared as a known failure (:attr:`Criterion.known_failure`); a criterion whose runs raised
        is a FAIL whatever its declaration (its reason describes a result, not a crash)."""
        return not self.passed and not self.error and bool(self.criterion.known_failure)


@dataclass
class ExperimentResult:
    """An experiment's outcome: the criteria verdicts and every arm's tables (one per seed)."""

    experiment: Experiment | NotExpressible
    criteria: list[CriterionResult] = field(default_factory=list)
    runs: dict[str, list[pd.DataFrame]] = field(default_factory=dict)  # arm label -> per seed
    seeds: tuple[int, ...] = ()
    grid: int = 0
    seconds: float = 0.0
    run_errors: list[str] = field(default_factory=list)  # simulations that raised

    @property
    def expressible(self) -> bool:
        return isinstance(self.experiment, Experiment)

    @property
    def passed(self) -> bool:
        """True when every criterion passed (a not-expressible row neither passes nor fails)."""
        return self.expressible and all(c.passed or c.known_failure for c in self.criteria)

    @property
    def failed(self) -> bool:
        return self.expressible and not self.passed


def arm_scenario(experiment: Experiment, arm: Arm, *, grid: int, seed: int) -> Scenario:
    """The validated scenario for one arm: base scenario + baseline settings + the intervention's
    periods (:attr:`Arm.periods`) as schedule entries from :data:`STUDY_START_DAY` (after the study's
    run-in), run for the study's days (or the arm's own ``simulation.years``: a population's patients each
    run to their age)."""
    base = load_scenario(arm.scenario)
    years = experiment.days / DAYS_PER_YEAR
    data = base.model_dump()
    data["schedule"] = [entry.model_dump() for entry in base.schedule]
    first, entries = STUDY_START_DAY + experiment.run_in_days, []
    for day, days, overrides in arm.periods:  # start, its stages, then
        ends = {} if days is None else {"end_day": first + day + days}
        entries.append({"start_day": first + day, **ends, "set": dict(overrides)})
    data["name"] = f"{base.name} [{experiment.row}: {arm.label}]"[:200]
    overrides: dict[str, Any] = dict(arm.settings)
    own_length = "simulation.years" in arm.settings  # a population's patient runs to their own age
    overrides.update({
        "simulation.years": overrides.get("simulation.years", years),
        "simulation.seed": seed,
        "simulation.record_every_days": experiment.record_every_days,
        "simulation.bone_grid_width": grid,
        "simulation.bone_grid_height": grid,
        "simulation.vessel_grid_width": grid,
        "simulation.vessel_grid_height": grid,
    })
    # the person first (an entry may need her: hormone therapy), then the entries appended as a batch appends an
    # arm's: an arm may restate its scenario's value (a rat kept on warfarin)
    scenario = load_scenario(data).with_overrides(overrides).with_schedule(entries)
    if not own_length and scenario.days != experiment.days:  # years -> days must round-trip
        raise ValueError(f"row {experiment.row}: {experiment.days} days became {scenario.days}")
    return scenario


def evaluate(criterion: Criterion, runs_by_seed: Sequence[Mapping[str, pd.DataFrame]]) -> CriterionResult:
    """Compute a criterion's effect for each seed and summarise it (mean, 95 % CI)."""
    try:
        if criterion.ratio_of_means:
            pairs = [tuple(map(float, criterion.measure(runs))) for runs in runs_by_seed]
            mean, low, high = effects.ratio_of_means_ci([n for n, _ in pairs], [d for _, d in pairs])
            values = tuple(n / d if d else math.nan for n, d in pairs)  # per seed, for the record
            return CriterionResult(criterion, values, mean, low, high)
        values = tuple(float(criterion.measure(runs)) for runs in runs_by_seed)
    except (KeyError, ValueError, ZeroDivisionError, IndexError) as exc:
        return CriterionResult(criterion, (), math.nan, math.nan, math.nan, error=f"{type(exc).__name__}: {exc}")
    mean, low, high = effects.ci95(values)
    return CriterionResult(criterion, values, mean, low, high)


Progress = Callable[[int, int, str], None]  # (done, total, what just finished)

RUN_STORE_FILE = "validation-runs.json"  # marks a --runs directory and the code that filled it


def open_run_store(runs_dir: str | Path) -> Path:
    """Create or reopen a directory that keeps validation runs; return it.

    Raises:
        UserInputError: it is a file, not writable, holds something else, or was filled by
            different model code (mixing would compare two models).
    """
    path = directory_option(runs_dir, "--runs", "the validation runs")
    marker = path / RUN_STORE_FILE
    fingerprint = model_fingerprint()
    if path.exists() and not path.is_dir():
        raise UserInputError(f"--runs '{path}' is {not_a_directory(path)}, not a directory")
    if marker.exists() or marker.is_symlink():
        try:
            stored = json.loads(marker.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise UserInputError(f"--runs '{path}': {RUN_STORE_FILE} cannot be read "
                                 f"({getattr(exc, 'strerror', None) or exc})") from None
        stored = stored.get("model_fingerprint") if isinstance(stored, dict) else None
        if not isinstance(stored, str):  # written by hand, or by something else
            raise UserInputError(f"--runs '{path}': {RUN_STORE_FILE} names no model fingerprint, so it was not "
                                 "written by `validate --runs`: give a new or empty directory")
        if stored != fingerprint:
            raise UserInputError(f"--runs '{path}' holds runs of different calcium-abm code (model fingerprint "
                                 f"{stored}, this installation {fingerprint}): give another directory")
    else:
        if path.is_dir() and any(path.iterdir()):
            raise UserInputError(f"--runs '{path}' is not empty and has no {RUN_STORE_FILE}: give a new or "
                                 "empty directory (or one an earlier `validate --runs` filled)")
        check_output_directory(path, "--runs", "the validation runs")  # only its last level is created
    runs = path / RUNS_DIR  # an earlier store's runs/ may have been removed, or replaced by a file
    if runs.exists() and not runs.is_dir():
        raise UserInputError(f"--runs '{path}': '{runs}' is {not_a_directory(runs)}, where the runs are kept: "
                             "move it away or give another directory")
    try:
        runs.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserInputError(f"--runs '{path}': cannot create the directory ({exc.strerror})") from None
    if not marker.is_file():
        atomic_write(marker, lambda tmp: Path(tmp).write_text(json.dumps({"model_fingerprint": fingerprint}),
                                                              "utf-8"))
    for leftover in (path / RUNS_DIR).glob(".run-*.tmp"):  # from runs in flight when killed
        leftover.unlink(missing_ok=True)
    return path


def read_kept_run(store: Path, run_id: str) -> pd.DataFrame:
    """A run an earlier validation kept in ``store``; UserInputError naming a file that is not
    Parquet (damaged, or put there by hand) rather than a traceback."""
    import pyarrow as pa  # lazy, as pandas reads it

    path = run_path(store, run_id)
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise UserInputError(f"--runs '{store}': run file '{path}' cannot be read as Parquet ({read_error_reason(exc)}): "
                             "delete it and run validate again with this --runs (the run is made again)") from None


def seeds_for(exp: Experiment, seeds: int, quick: bool) -> tuple[int, ...]:
    """The seeds ``exp`` runs (1..N): the validation's ``seeds``, raised to ``exp.min_seeds``
    and capped at ``exp.max_seeds``. ``quick`` keeps a row's ``min_seeds`` (only its grid shrinks):
    at 2 seeds a noisy BMD row failed nearly every time and was re-run at full settings, so
    ``--quick`` cost more than the full run (probe 36)."""
    n = max(seeds, exp.min_seeds) if exp.min_seeds else seeds
    n = min(n, exp.max_seeds) if exp.max_seeds else n
    return tuple(range(1, n + 1))


def run_validation(items: Iterable[Experiment | NotExpressible], *, seeds: int = DEFAULT_SEEDS,
                   quick: bool = False, workers: int = 2, scheduler: Any = None,
                   runs_dir: str | Path | None = None, progress: Progress | None = None) -> list[ExperimentResult]:
    """Run every experiment's arms over ``seeds`` seeds and evaluate the criteria.

    Args:
        items: experiments (and not-expressible rows, passed through for the report).
        seeds: seeds per arm (seeds 1..N; every arm uses the same seeds).
        quick: use each experiment's ``quick_grid`` instead of ``grid``.
        workers: worker processes (1 = run in this process, no pool).
        scheduler: a Dask scheduler address or ``distributed.Client`` (then ``workers`` is
            ignored); see :func:`calcium_abm.batch.runner.run_tasks`.
        runs_dir: keep every finished run there as Parquet and reuse the runs already
            there (see :func:`open_run_store`): a killed validation resumes.
        progress: called with (0, total, "") before the first run (when there are runs), so a
            report starts with the real total, then after each finished run with (done, total,
            scenario name).

    Returns:
        One :class:`ExperimentResult` per item, in the given order. A run that raises fails
        its experiment (its criteria carry the error); the other experiments still run.
    """
    items = list(items)
    seed_list = tuple(range(1, seeds + 1))
    results = [ExperimentResult(item, seeds=seed_list) for item in items]
    tasks: dict[str, tuple[RunTask, Scenario]] = {}  # run id -> task (identical runs run once)
    slots: dict[str, list[tuple[int, str, int]]] = {}  # run id -> (result index, arm label, seed index)
    for index, result in enumerate(results):
        exp = result.experiment
        if not isinstance(exp, Experiment):
            continue
        result.grid = exp.quick_grid if quick else exp.grid
        result.seeds = seeds_for(exp, seeds, quick)
        result.runs = {arm.label: [None] * len(result.seeds) for arm in exp.arms}  # type: ignore[misc]
        for arm in exp.arms:
            for s_index, seed in enumerate(result.seeds):
                scenario = arm_scenario(exp, arm, grid=result.grid, seed=seed)
                toml = scenario.to_toml()
                run_id = run_id_for(toml, "daily")
                tasks.setdefault(run_id, (RunTask(run_id, toml, {}, "daily"), scenario))
                slots.setdefault(run_id, []).append((index, arm.label, s_index))
    # longest runs first, so the pool's last minutes are not spent on one long straggler
    order = sorted(tasks.values(), key=lambda t: -t[1].days * t[1].simulation.bone_grid_width ** 2)
    started = time.perf_counter()
    total = len(order)
    store = open_run_store(runs_dir) if runs_dir is not None else None
    kept = [t for t, _ in order if store is not None and run_path(store, t.run_id).is_file()]
    kept_ids = {t.run_id for t in kept}
    pending = [t for t, _ in order if t.run_id not in kept_ids]
    kept_frames = {t.run_id: read_kept_run(store, t.run_id) for t in kept}  # a bad file is named before any run

    def outcomes():
        for task in kept:
            yield task.run_id, kept_frames.pop(task.run_id), 0.0
        running = run_tasks(pending, workers=workers, scheduler=scheduler, keep_going=True)
        try:
            for outcome in running:
                if store is not None and not isinstance(outcome, RunFailed):
                    write_run(store, outcome[0], outcome[1])
                yield outcome
        finally:  # a SIGTERM or an error here shuts the pool down now, not at garbage collection
            running.close()

    if progress and total:
        progress(0, total, "")
    finished = outcomes()
    try:
        for done, outcome in enumerate(finished, 1):
            run_id = outcome.run_id if isinstance(outcome, RunFailed) else outcome[0]
            for index, label, s_index in slots[run_id]:
                if isinstance(outcome, RunFailed):  # a crashing run fails its experiment, not the validation
                    cause = outcome.cause
                    results[index].run_errors.append(f"{label}, seed {results[index].seeds[s_index]}: "
                                                     f"{type(cause).__name__}: {cause}")
                else:
                    results[index].runs[label][s_index] = outcome[1]
            if progress:
                progress(done, total, tasks[run_id][1].name)
    finally:
        finished.close()
    elapsed = time.perf_counter() - started
    for result in results:
        exp = result.experiment
        if not isinstance(exp, Experiment):
            continue
        if result.run_errors:
            message = "run failed: " + result.run_errors[0]
            result.criteria = [CriterionResult(c, (), math.nan, math.nan, math.nan, error=message)
                               for c in exp.criteria]
        else:
            runs_by_seed = [{label: frames[i] for label, frames in result.runs.items()}
                            for i in range(len(result.seeds))]
            result.criteria = [evaluate(c, runs_by_seed) for c in exp.criteria]
        result.seconds = elapsed
    return results
