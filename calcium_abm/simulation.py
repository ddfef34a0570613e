"""``simulate``: run a scenario and get a DataFrame, one row per recorded day."""

from __future__ import annotations

import math
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
from calcium_abm.guardrail import alternating_calcium_warning
from calcium_abm.physiology.kidney import PHYSIOLOGICAL_RANGES
from calcium_abm.scenario import Scenario, load_scenario
from calcium_abm.stepping import step_days
from calcium_abm.time_units import DAYS_PER_YEAR_OF_AGE


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
        same scenario and seed give identical frames, bit for bit. ``attrs`` (see
        :func:`results_frame`): ``physiology_warnings`` lists why a run's results are not
        physiological (a day outside the physiological serum calcium or phosphate);
        ``calibration_warnings`` where an input lies beyond what the laws are calibrated on (a
        person's warfarin beyond the warfarin rows' levels); ``notes`` lists what is no
        warning but changes what the run means: off dialysis below
        ``uraemic_intake_onset_gfr_ml_per_min`` uraemic anorexia leaves part of the diet
        uneaten, and the note gives the run-mean calcium and phosphorus eaten against the
        diet's (for a measured intake set ``parameters.uraemic_intake_loss_at_zero_gfr = 0``).

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

    ``attrs``: ``scenario``, ``seed``, ``physiology_warnings`` (list of str: the run left physiology; a batch marks
    such runs), ``calibration_warnings`` (list of str: an input beyond the range its laws are calibrated on,
    :func:`warfarin_warning`; the run did not leave physiology), ``notes`` (list of
    str, each ``"label: text"``: what a reader should know that is no warning, :func:`intake_note`; ``run``'s
    summary prints each as a row), ``units`` (column -> unit) and
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
    warnings = [w for w in (physiology_warning(checked, model.config), alternating_calcium_warning(checked)) if w]
    warfarin = warfarin_warning(model.config)
    frame.attrs["physiology_warnings"] = [*model.__dict__.get("start_warnings", []), *warnings]
    frame.attrs["calibration_warnings"] = [warfarin] if warfarin else []
    frame.attrs["notes"] = [note] if (note := intake_note(frame, model.config)) else []
    frame.attrs["units"] = {name: unit for name, (unit, _) in COLUMNS.items()}
    frame.attrs["start"] = person.start_description(model)  # the blood state day 0 started from
    return frame


#: the highest warfarin dose (mg/day) of the rows that calibrate and check the warfarin laws, W1-W7: row W4's
#: over-anticoagulated person of 50 (validation.anticoagulation_rows.OVERANTICOAGULATED, INR ~5.8); the other rows
#: give 3-10 mg/day (W-Age's man of 85 3-6), all with the default warfarin parameters
WARFARIN_CALIBRATED_MAX_MG_PER_DAY = 36.0
#: a dose above this many times WARFARIN_CALIBRATED_MAX_MG_PER_DAY is far beyond the rows, whatever plasma level it
#: gives (a warfarin_half_life_h or warfarin_distribution_volume_l set away from its default)
WARFARIN_DOSE_MARGIN = 2.0


def calibrated_plasma_warfarin_max_mg_l() -> float:
    """The top of the plasma warfarin range the warfarin laws are calibrated on (mg/L): the steady day-mean level
    (:func:`.vitamin_k.steady_plasma_warfarin_mg_per_l`) of row W4's dose in its person of 50 with the default
    warfarin_half_life_h and warfarin_distribution_volume_l (no row runs a higher level)."""
    from calcium_abm.physiology import parameter_set, vitamin_k

    return vitamin_k.steady_plasma_warfarin_mg_per_l(WARFARIN_CALIBRATED_MAX_MG_PER_DAY, parameter_set())


def warfarin_warning(scenario: Scenario) -> str | None:
    """The warning for a person (not a rodent preset: the rat protocol of row 2 takes up to the schema's 1000
    mg/day) whose warfarin dose gives a steady plasma level above :func:`calibrated_plasma_warfarin_max_mg_l`, or
    exceeds WARFARIN_DOSE_MARGIN x WARFARIN_CALIBRATED_MAX_MG_PER_DAY, on some day of the run (day 0 and each
    schedule change; each dose's level at the age at which it ends, as warfarin's half-life rises with age);
    else ``None``. It names the dose, the plasma level and the calibrated range."""
    from calcium_abm.physiology import parameter_set, vitamin_k

    if scenario.patient.species != "human":
        return None
    starts = [0, *(day for day in scenario.schedule_boundaries() if day > 0)]
    worst = None  # (plasma mg/L, dose mg/day)
    for start, end in zip(starts, [*starts[1:], scenario.days]):
        state = scenario.state_at(start)
        if (dose := state.drugs.warfarin_mg_per_day) > 0.0:
            p = parameter_set(state.parameters)
            age = state.patient.age_years + end / DAYS_PER_YEAR_OF_AGE
            half_life = vitamin_k.personal_warfarin_half_life_h(age, p)
            level = vitamin_k.steady_plasma_warfarin_mg_per_l(dose, p._replace(warfarin_half_life_h=half_life))
            worst = max(worst or (level, dose), (level, dose))
    top = calibrated_plasma_warfarin_max_mg_l()
    if worst is None or not (worst[0] > top * (1.0 + 1e-9)
                             or worst[1] > WARFARIN_DOSE_MARGIN * WARFARIN_CALIBRATED_MAX_MG_PER_DAY):
        return None
    return (f"drugs.warfarin_mg_per_day = {worst[1]:g} gives a steady plasma warfarin of {worst[0]:.3g} mg/L, "
            f"outside the 0-{top:.3g} mg/L the model's warfarin laws are calibrated on (validation rows W1-W7: doses "
            f"up to {WARFARIN_CALIBRATED_MAX_MG_PER_DAY:g} mg/day in a person of 50); its INR, clotting factors and "
            "vitamin K carboxylation there are extrapolation. Doses up to 1000 mg/day are allowed for the rat "
            "protocol (scenario warfarin_high_k1), not as a human dose.")


#: a run-mean share eaten below this is reported by :func:`intake_note` (a share of 1 is the whole diet)
EATEN_SHARE_NOTED_BELOW = 0.995


def intake_note(frame: pd.DataFrame, scenario: Scenario) -> str | None:
    """The note for a person's run in which uraemic anorexia (:func:`.dialysis.mineral_intake_share`, off dialysis
    below uraemic_intake_onset_gfr_ml_per_min) left part of the diet uneaten: ``"eaten (run mean): "`` and the
    calcium (none with calcium acetate, whose calcium the ledger's intake also holds) and phosphorus eaten per
    day, from the ledgers' intakes on the first and last rows, against the diet's over the same days (the
    schedule's diet on each) and the share eaten of each; else ``None``. A measured intake is given with
    ``parameters.uraemic_intake_loss_at_zero_gfr = 0``. ``run``'s summary prints it as its "eaten (run mean)" row."""
    if scenario.patient.species != "human" or len(frame) < 2 or "p_intake_cum_mg" not in frame.columns:
        return None
    first, last = int(frame["day"].iloc[0]), int(frame["day"].iloc[-1])
    if not last > first:
        return None
    starts = [first, *(day for day in scenario.schedule_boundaries() if first < day < last)]
    diets = [(scenario.state_at(start), end - start) for start, end in zip(starts, [*starts[1:], last])]
    means = {}  # mineral -> (eaten, the diet's), mg/day over the run
    for name, column, key in (("calcium", "ca_intake_cum_mg", "calcium_mg_per_day"),
                              ("phosphorus", "p_intake_cum_mg", "phosphate_mg_per_day")):
        means[name] = (float(frame[column].iloc[-1] - frame[column].iloc[0]) / (last - first),
                       sum(getattr(state.diet, key) * n for state, n in diets) / (last - first))
    if not means["phosphorus"][0] < EATEN_SHARE_NOTED_BELOW * means["phosphorus"][1]:
        return None
    if not means["calcium"][1] > 0.0 or any(state.drugs.calcium_acetate_g_per_day for state, _ in diets):
        del means["calcium"]
    text = ", ".join(f"{name} {eaten:.0f} of the diet's {diet:.0f} mg/day" for name, (eaten, diet) in means.items())
    shares = " and ".join(f"{100 * eaten / diet:.0f} %" for eaten, diet in means.values())
    return (f"eaten (run mean): {text} ({shares} of the diet): uraemic anorexia leaves part of the diet's calcium "
            "and phosphorus uneaten off dialysis below uraemic_intake_onset_gfr_ml_per_min (docs/ODD.md 7.11; the "
            "vitamin K intakes are taken as set); for a measured intake set parameters.uraemic_intake_loss_at_zero_gfr = 0")


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


def known_limits(scenario: Scenario, frame: pd.DataFrame) -> list[str]:
    """The known limits of the model that a run meets, in words (each as ``run``'s summary prints it after
    "known limit", and the dashboard beside the run): a person whose GFR falls below 60 mL/min (the recorded
    ``gfr_ml_per_min``, or the lowest GFR any of the run's settings gives: a decline, a scheduled stage), where the
    model's serum calcium falls too little from CKD 3 to CKD 4 (row KEEP of docs/validation.md); where the skeleton
    resists PTH off dialysis (before dialysis, or after a transplant: the model is calibrated on dialysis), its
    turnover (rows Sprague2016, Keronen2019); and on warfarin (a dose on day 0 or in the schedule, or plasma
    warfarin recorded), a dose the kidneys' function does not lower (docs/ODD.md section 8). ``frame``: the run's
    rows so far (:func:`results_frame`; its first row is enough at day 0). Empty for a rodent preset or a person
    whose GFR stays at 60 or above."""
    from calcium_abm.physiology.conditional_parameters import _dialysis, _gfr_ml_per_min, _resistance_onset

    states = [scenario.state_at(day) for day in (0, *scenario.schedule_boundaries())]
    gfrs = [_gfr_ml_per_min(s) for s in states]  # each setting's lowest GFR over the run
    recorded = frame["gfr_ml_per_min"].min() if "gfr_ml_per_min" in frame.columns else math.inf
    if scenario.patient.species != "human" or not min(recorded, *gfrs) < 60:
        return []
    limits = ["in CKD the model's serum calcium falls too little from CKD 3 to CKD 4, where cohorts find it falling "
              "(KNOWN FAIL row KEEP, docs/validation.md)"]
    before_dialysis = any(not _dialysis(s) and gfr < _resistance_onset(s) for s, gfr in zip(states, gfrs))
    transplant = any(_dialysis(a) and not _dialysis(b) for a, b in zip(states, states[1:]))
    resisted = "skeletal_pth_sensitivity" in frame.columns and frame["skeletal_pth_sensitivity"].min() < 1.0
    if before_dialysis or transplant or (resisted and not all(_dialysis(s) for s in states)):
        limits.append("the skeleton's resistance to PTH is calibrated on dialysis: before dialysis and after a "
                      "transplant the model's bone turnover is too high for its PTH (KNOWN FAIL rows Sprague2016 and "
                      "Keronen2019, docs/validation.md)")
    if any(state.drugs.warfarin_mg_per_day > 0.0 for state in states) or (
            "plasma_warfarin_mg_l" in frame.columns and frame["plasma_warfarin_mg_l"].max() > 0.0):
        limits.append("warfarin's clearance does not fall with kidney function in the model, where people with an "
                      "eGFR of 30-59 / below 30 need ~10 / ~19 % less for the same INR (Limdi et al. 2010; docs/ODD.md "
                      "section 8): read its INR as a normal kidney's")
    return limits
