"""``simulate``: run a scenario and get a DataFrame, one row per recorded day."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from calcium_abm.agents import stop_mirroring
from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.keys import resolve_key
from calcium_abm.inputs.messages import fmt_value, short_repr
from calcium_abm.inputs.python_values import plain_overrides
from calcium_abm.model import CalciumParadoxModel
from calcium_abm import person
from calcium_abm.outputs import COLUMNS, RowCollector, physiology_row, physiology_warning
from calcium_abm.physiology.kidney import PHYSIOLOGICAL_RANGES
from calcium_abm.scenario import Scenario, load_scenario
from calcium_abm.stepping import step_days


def prepare_scenario(scenario: str | Path | Mapping[str, Any] | Scenario, years: float | None = None,
                     seed: int | None = None, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """The validated scenario that :func:`simulate` would run (raises ScenarioError, also when
    ``years`` or ``seed`` and a key of ``overrides`` give one setting two values)."""
    extra: dict[str, Any] = plain_overrides(overrides)
    for argument, value, path in (("years", years, "simulation.years"), ("seed", seed, "simulation.seed")):
        if value is None:
            continue
        named = [key for key in extra if _names(key, path)]
        if named and extra[named[0]] != value:
            raise ScenarioError(f"{argument} = {fmt_value(value)} and overrides {named[0]!r} = "
                                f"{fmt_value(extra[named[0]])} both set {path}: give one of them")
        if not named:
            extra[path] = value
    # the overrides apply before the whole scenario is checked, so a schedule is checked
    # against the effective duration (years=11 admits an entry on day 3650)
    return load_scenario(scenario, overrides=extra or None)


def _names(key: Any, path: str) -> bool:
    """Whether the override ``key`` sets ``path`` (an unknown key is left to :func:`load_scenario`'s message)."""
    try:
        return resolve_key(key) == path
    except ScenarioError:
        return False


#: what :func:`simulate` can keep: every recorded day, or day 0 and the last day only
ROWS = ("all", "ends")
#: bone-section patches from which ``simulate(progress=True)`` says that the build takes a while
#: (the life course before day 0 runs the bone rules over the whole section: ~4 s at 512 x 512 for a
#: person of 50, ~4x that per doubling of the side, before the progress bar can start)
LARGE_SECTION_PATCHES = 512 * 512


def simulate(scenario: str | Path | Mapping[str, Any] | Scenario = "healthy_adult", years: float | None = None,
             seed: int | None = None, overrides: Mapping[str, Any] | None = None,
             progress: bool = False, rows: str = "all") -> pd.DataFrame:
    """Run one scenario and return its recorded days.

    Args:
        scenario: built-in name, TOML path, mapping or Scenario.
        years: run length (overrides ``simulation.years``).
        seed: random seed (overrides ``simulation.seed``).
        overrides: more settings, dotted (``"diet.mk7_ug_per_day"``) or flat
            (``"mk7_ug_per_day"``, a parameter name).
        progress: show a progress bar on stderr for runs longer than ~2 s (terminal only).
        rows: ``"all"`` keeps every recorded day; ``"ends"`` keeps day 0 and the last day
            only (all a batch's ``output = "summary"`` reads): the recorded days between
            are not evaluated except for the columns the physiology warning reads
            (:func:`calcium_abm.outputs.physiology_row`), so the two rows and
            ``attrs["physiology_warnings"]`` are the same as with ``"all"``, bit for bit.

    Returns:
        DataFrame with the columns of :data:`calcium_abm.outputs.COLUMNS`, one row per
        ``simulation.record_every_days`` (day 0 and the last day always included). The
        same scenario and seed give identical frames, bit for bit.

    Raises:
        ValueError: ``rows`` is not one of :data:`ROWS`, or ``progress`` is not True or False.
    """
    if not isinstance(progress, (bool, np.bool_)):  # "no" would have shown the bar
        raise ValueError(f"progress = {progress!r} is not allowed: must be True or False")
    if rows not in ROWS:
        raise ValueError(f"rows = {rows!r} is not allowed: must be one of {', '.join(map(repr, ROWS))}")
    config = prepare_scenario(scenario, years, seed, overrides)
    width, height = config.simulation.bone_grid_width, config.simulation.bone_grid_height
    if progress and width * height >= LARGE_SECTION_PATCHES:
        before = "the person's life course runs" if config.patient.species == "human" else "its spin-up runs"
        print(f"{config.name}: building a {width} x {height} bone section ({before} on it before day 0; on a "
              "section this large that takes a while)...", file=sys.stderr, flush=True)
    model = CalciumParadoxModel(config, rng=config.simulation.seed)
    stop_mirroring(model)  # only the recorded rows leave this function: no one reads the bone-cell agents
    if rows == "ends":
        model.datacollector = EndRowsCollector(model)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=model.days_total, unit="day", desc=config.name, file=sys.stderr, delay=2.0,
                   disable=None, mininterval=0.5)
    # = model.step() that many times, without Mesa's per-step events: 100 days between the bar's updates,
    # else all at once (a stretch of quiet days is then never cut in two at a chunk's end, ~0.2 ms each)
    chunk = 100 if bar is not None else model.days_total
    while model.running:
        done = step_days(model, chunk)
        if bar is not None:
            bar.update(done)
    if bar is not None:
        bar.close()
    return results_frame(model)


def results_frame(model: CalciumParadoxModel) -> pd.DataFrame:
    """The model's recorded rows as a DataFrame with the documented column order.

    ``attrs``: ``scenario``, ``seed``, ``physiology_warnings`` (list of str), ``units`` (column -> unit) and
    ``start`` (which blood state day 0 started from: :func:`calcium_abm.person.start_description`).

    Raises:
        TypeError: ``model`` is not a :class:`~calcium_abm.model.CalciumParadoxModel`.
    """
    if not isinstance(model, CalciumParadoxModel):
        raise TypeError(f"results_frame takes a CalciumParadoxModel, not {type(model).__name__} "
                        f"({short_repr(model, 60)})")
    data = model.datacollector.column_arrays()  # = model_vars, without the per-column lists
    frame = pd.DataFrame({name: data[name] for name in COLUMNS})
    frame["day"] = frame["day"].astype("int64")
    frame.attrs["scenario"] = model.config.name
    frame.attrs["seed"] = model.seed
    collector = model.datacollector
    checked = collector.checked_rows(frame) if isinstance(collector, EndRowsCollector) else frame
    warning = physiology_warning(checked, model.config)
    frame.attrs["physiology_warnings"] = [*model.__dict__.get("start_warnings", []), *([warning] if warning else [])]
    frame.attrs["units"] = {name: unit for name, (unit, _) in COLUMNS.items()}
    frame.attrs["start"] = person.start_description(model)  # the blood state day 0 started from
    return frame


class EndRowsCollector(RowCollector):
    """A :class:`~calcium_abm.outputs.RowCollector` that keeps the whole row of day 0 and of
    the last day only; on the recorded days between it keeps
    :func:`~calcium_abm.outputs.physiology_row` (day, serum calcium and phosphate), so the
    physiology warning checks the same days with the same values as a run that keeps every
    row. Made right after the model is built (it takes day 0 from the model's state)."""

    def __init__(self, model: CalciumParadoxModel):
        super().__init__()
        self.last_day = model.days_total
        #: the recorded days between the ends, in day order, as blocks of columns (name -> values): one
        #: day's :func:`~calcium_abm.outputs.physiology_row`, or many days'
        #: :func:`~calcium_abm.outputs.physiology_columns` (compiled days, :mod:`calcium_abm.stretch`)
        self.between: list[dict[str, np.ndarray]] = []
        self.collect(model)

    def collect(self, model, fresh: bool = False):  # noqa: D102 - see the class docstring
        if model.day in (0, self.last_day):
            super().collect(model, fresh)
        else:
            self.between.append({name: np.array([value]) for name, value in physiology_row(model).items()})

    def between_frame(self) -> pd.DataFrame:
        """The recorded days between the ends: ``day`` and the physiology columns, one row a day."""
        names = ["day", *PHYSIOLOGICAL_RANGES]
        return pd.DataFrame({name: np.concatenate([block[name] for block in self.between]) if self.between
                             else np.empty(0) for name in names}, columns=names)

    def checked_rows(self, ends: pd.DataFrame) -> pd.DataFrame:
        """Every recorded day's physiology columns, in day order: the two kept rows of
        ``ends`` with the days between."""
        names = ["day", *PHYSIOLOGICAL_RANGES]
        return pd.concat([ends[names].iloc[:1], self.between_frame(), ends[names].iloc[1:]], ignore_index=True)


def warm_up() -> float:
    """Compile (or load from numba's on-disk cache) the kernels behind the daily rules, by
    stepping a tiny model a few days, and those of a summary run's quiet days
    (:mod:`calcium_abm.stretch`) by a tiny run of 40 days keeping its ends. Returns the seconds it
    took: ~25 s the first time after an install (23 s measured on a 2-core machine), less after a
    change to one kernel, well under 1 s afterwards. Optional: the first run does it by itself."""
    import time

    start = time.perf_counter()
    tiny = {"simulation.bone_grid_width": 8, "simulation.bone_grid_height": 8,
            "simulation.vessel_grid_width": 8, "simulation.vessel_grid_height": 8}
    simulate("healthy_adult", years=5 / 365.0, overrides=tiny)
    simulate("healthy_adult", years=40 / 365.0, overrides=tiny, rows="ends")
    return time.perf_counter() - start
