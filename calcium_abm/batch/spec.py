"""Batch files: a base scenario plus a sweep, a virtual cohort, or a sensitivity design.

A batch file is TOML, read with :mod:`tomllib` (data, never code). Exactly one of the
tables ``[sweep]``, ``[cohort]`` (with ``[[arms]]``) or ``[sensitivity]`` says what to run;
see ``docs/batch.md`` and ``examples/batches/``. Anything that does not validate raises
one :class:`~calcium_abm.errors.UserInputError` naming each bad field as a dotted path,
the value given and what is allowed.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from calcium_abm.batch.analysis_table import Analysis, Threshold
from calcium_abm.batch.draws import Distribution, distribution_problems, tertiles_problems
from calcium_abm.batch.fixed import cohort_base, set_conflicts, sweep_over_sex_hint
from calcium_abm.errors import ScenarioError, UserInputError
from calcium_abm.inputs.keys import (column_name, dotted_settings, note_same_setting, range_problem, resolve_setting,
                                     resolved_settings, setting_bounds, setting_kind)  # column_name, setting_bounds: for expand
from calcium_abm.inputs.batch_messages import batch_error_lines, severe_threshold_problem
from calcium_abm.inputs.trial_tables import (COHORT_SECTIONS, Arm, ArmScheduleEntry, BatchTable, Criterion,
    PlainDescription, PlainName, Published, arm_problems, check_criteria, check_strata, criterion_target, duplicate_value_problems,
    published_problems, screening_limit_problems, shadowed_arm_entries, swept_range_problems, analysis_outcomes,
    analysis_problems, whole_number_problems)
from calcium_abm.inputs.sensitivity_keys import unread_method_keys
from calcium_abm.inputs.messages import did_you_mean, fmt_num, fmt_value, join_problems, rule_error, shorten
from calcium_abm.inputs.python_values import plain_values, too_deep_message
from calcium_abm.inputs.sections import BATCH_KINDS, file_kind_problem
from calcium_abm.inputs.toml_reader import parse_toml, read_limited

__all__ = ["Arm", "ArmScheduleEntry", "BatchError", "BatchSpec", "Cohort", "Criterion", "Distribution",
           "MAX_BATCH_BYTES", "MAX_RUNS", "Published", "Sensitivity", "Sweep", "load_batch", "parse_batch_toml"]

MAX_BATCH_BYTES = 1024 * 1024
MAX_RUNS = 100_000  # each run is validated before the batch starts (~3 ms a run: a million would take ~45 min)
MAX_PATIENTS = 100_000

#: Fields a cohort draws with its own rules rather than a distribution (and how, but for sex).
COHORT_SPECIAL_FIELDS = ("patient.sex", "patient.postmenopausal", "patient.ckd_stage")
_DRAWN_BY = {"patient.postmenopausal": "is drawn with cohort.postmenopausal_probability",
             "patient.ckd_stage": "is drawn with cohort.ckd_stage_probabilities",
             "patient.age_at_final_menstrual_period": "follows each woman's drawn age at natural menopause"}
OUTCOME_MEASURES = ("final", "change", "pct_change")


class BatchError(UserInputError):
    """A batch file, batch directory or batch option that is not allowed."""


# ---------------------------------------------------------------------------- sweep
class Range(BatchTable):
    """A numeric range: ``{ min = 0, max = 360, steps = 5 }`` (``steps`` for grids only)."""

    min: float = Field(allow_inf_nan=False)
    max: float = Field(allow_inf_nan=False)
    steps: int | None = Field(None, ge=2, le=10_000)
    log: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.max <= self.min:
            raise rule_error(f"max = {fmt_value(self.max)} is not allowed: must be more than min = {fmt_value(self.min)}")
        if self.log and self.min <= 0:
            raise rule_error(f"min = {fmt_value(self.min)} is not allowed with log = true: must be more than 0")
        return self


SweepValues = list[bool | int | float | str] | Range


class Sweep(BatchTable):
    """Parameters to vary: a full grid, or ``samples`` random / Latin-hypercube draws."""

    method: Literal["grid", "random", "latin_hypercube"] = "grid"
    samples: int | None = Field(None, ge=1, le=MAX_RUNS)
    replicates: int = Field(1, ge=1, le=10_000)
    parameters: dict[str, SweepValues] = Field(min_length=1)

    @field_validator("parameters", mode="after")
    @classmethod
    def _known_settings(cls, value: dict[str, SweepValues]) -> dict[str, SweepValues]:
        problems, seen = [], {}
        for key, where, path in resolved_settings(value, "sweep.parameters", problems):
            values = value[key]
            if path == "simulation.seed":
                problems.append(f"{where}: the seed cannot be swept: use sweep.replicates")
            note_same_setting(where, path, key, seen, problems)
            kind = setting_kind(path)
            if isinstance(values, Range) and kind not in ("int", "float"):
                problems.append(f"{where}: {path} is not a number, so it needs a list of values, not a range")
            if kind == "int":
                problems += whole_number_problems(where, path, values)
            problems += swept_range_problems(where, path, values)
            if isinstance(values, list):
                if not values:
                    problems.append(f"{where} = [] is not allowed: must list at least one value")
                problems += duplicate_value_problems(where, values)
                bad = [v for v in values if isinstance(v, float) and not math.isfinite(v)]
                if bad:
                    problems.append(f"{where}: {fmt_value(bad[0])} is not allowed: values must be finite numbers")
        if problems:
            raise rule_error("\n".join(problems))
        return value

    @model_validator(mode="after")
    def _method_fits(self) -> Sweep:
        problems = []
        if self.method == "grid":
            if self.samples is not None:
                problems.append("sweep.samples is only for method = \"random\" or \"latin_hypercube\"; "
                                "a grid runs every combination")
            for key, values in self.parameters.items():
                if isinstance(values, Range) and values.steps is None:
                    problems.append(f"sweep.parameters.{key}: a range in a grid needs steps, "
                                    "e.g. { min = 0, max = 360, steps = 5 }")
        else:
            if self.samples is None:
                problems.append(f"sweep.samples is missing: method = \"{self.method}\" needs the number "
                                "of parameter points to draw")
            for key, values in self.parameters.items():
                if isinstance(values, Range) and values.steps is not None:
                    problems.append(f"sweep.parameters.{key}.steps is only for method = \"grid\"")
        if problems:
            raise rule_error("\n".join(problems))
        return self

    def points(self) -> int:
        """How many parameter points (before replicates)."""
        if self.method != "grid":
            return int(self.samples or 0)
        n = 1
        for values in self.parameters.values():
            n *= values.steps if isinstance(values, Range) else len(values)
        return n


# --------------------------------------------------------------------------- cohort


class Cohort(BatchTable):
    """N virtual patients drawn from stated distributions."""

    patients: int = Field(ge=1, le=MAX_PATIENTS)
    design: Literal["parallel", "crossover"] = "parallel"
    female_probability: float | None = Field(None, ge=0, le=1, allow_inf_nan=False)  # None: 0.5, or sex's choice
    # among women; None: by age (each woman draws her age at natural menopause, expand.AGE_AT_MENOPAUSE)
    postmenopausal_probability: float | None = Field(None, ge=0, le=1, allow_inf_nan=False)
    ckd_stage_probabilities: list[float] = Field([1.0, 0.0, 0.0, 0.0, 0.0, 0.0], min_length=6, max_length=6)
    distributions: dict[str, Distribution] = Field(default_factory=dict)
    # trial conduct (docs/batch.md, "Trial designs")
    randomisation_day: int = Field(1, ge=0, le=36_500)  # arms' set/add start on this day
    inclusion: dict[str, Criterion] = Field(default_factory=dict)
    exclusion: dict[str, Criterion] = Field(default_factory=dict)
    screening_limit: int | None = Field(None, ge=1, le=MAX_RUNS)  # candidates screened at most
    stratify_by: list[str] = Field(default_factory=list, max_length=3)
    dropout_per_year: float = Field(0.0, ge=0, lt=1, allow_inf_nan=False)  # assumption per design
    adherence: float = Field(1.0, gt=0, le=1, allow_inf_nan=False)  # fraction of each added dose taken

    @field_validator("inclusion", "exclusion", mode="after")
    @classmethod
    def _screenable(cls, value: dict[str, Criterion], info) -> dict[str, Criterion]:
        return check_criteria(value, f"cohort.{info.field_name}")

    @field_validator("stratify_by", mode="after")
    @classmethod
    def _strata(cls, value: list[str]) -> list[str]:
        return check_strata(value, COHORT_SPECIAL_FIELDS)

    def screens(self) -> bool:
        """True if candidates are screened (any inclusion or exclusion criterion)."""
        return bool(self.inclusion or self.exclusion)

    def candidates(self) -> int:
        """How many candidates may be drawn: ``screening_limit``, else 20 per patient when
        screening (at most 100,000), else exactly ``patients``."""
        if self.screening_limit is not None:
            return self.screening_limit  # at least patients (trial_tables.screening_limit_problems)
        return min(20 * self.patients, MAX_PATIENTS) if self.screens() else self.patients

    @field_validator("ckd_stage_probabilities", mode="after")
    @classmethod
    def _a_distribution(cls, value: list[float]) -> list[float]:
        if any(not math.isfinite(p) or p < 0 for p in value):
            raise rule_error(f"cohort.ckd_stage_probabilities = {value} is not allowed: each must be 0 or more")
        if abs(sum(value) - 1.0) > 1e-6:
            raise rule_error(f"cohort.ckd_stage_probabilities = {value} is not allowed: they must add up to 1 "
                        f"(they add up to {sum(value):g}); give six, for stages 0 (normal) to 5")
        return value

    @field_validator("distributions", mode="after")
    @classmethod
    def _drawable(cls, value: dict[str, Distribution]) -> dict[str, Distribution]:
        problems = []
        for _key, where, path in resolved_settings(value, "cohort.distributions", problems):
            if path in _DRAWN_BY:
                problems.append(f"{where}: {path} {_DRAWN_BY[path]}, not a distribution")
            elif path == "patient.sex":
                problems += distribution_problems(where, path, value[_key], ("female", "male"))
            elif path.partition(".")[0] not in COHORT_SECTIONS or setting_kind(path) != "float":
                problems.append(f"{where}: {path} cannot be drawn: a cohort draws sex and numeric settings of "
                                f"[{'], ['.join(COHORT_SECTIONS)}] (ages, traits, baselines, intakes, doses)")
            else:
                problems += distribution_problems(where, path, value[_key])
        if problems:
            raise rule_error("\n".join(problems))
        return value

    @model_validator(mode="after")
    def _sex_drawn_once(self) -> Cohort:
        if self._sex_distribution() is not None and self.female_probability is not None:
            raise rule_error("cohort.female_probability and cohort.distributions.sex are two ways to draw sex: "
                             "give one")
        return self

    def _sex_distribution(self):
        """The ``sex`` distribution the cohort draws, or None."""
        return next((dist for key, dist in self.distributions.items()
                     if resolve_setting(key, "cohort.distributions") == "patient.sex"), None)

    def draws_sex(self) -> bool:
        """Whether the file draws sex (``female_probability`` or a ``sex`` distribution); without, a
        human cohort draws it 50:50 and a rodent cohort keeps its base scenario's."""
        return self.female_probability is not None or self._sex_distribution() is not None

    def female_share(self) -> float:
        """The probability that a drawn patient is a woman."""
        if (dist := self._sex_distribution()) is not None:
            return float(dict(zip(dist.choice, dist.probabilities())).get("female", 0.0))
        return 0.5 if self.female_probability is None else self.female_probability


# ---------------------------------------------------------------------- sensitivity


class Sensitivity(BatchTable):
    """Morris screening or Sobol indices over stated ranges (``name = [low, high]``)."""

    method: Literal["morris", "sobol"] = "morris"
    parameters: dict[str, list[float]]  # at least 2: _ranges says so, for {} too
    trajectories: int = Field(10, ge=2, le=10_000)  # Morris
    levels: int = Field(4, ge=2, le=100)  # Morris
    samples: int = Field(64, ge=2, le=65_536)  # Sobol base sample (a power of 2)
    replicates: int = Field(1, ge=1, le=1000)  # seeds per design point; outputs averaged over them
    screen_unread: bool = False  # screen parameters no run reads too (effects exactly 0; batch.inert)
    _method_keys = model_validator(mode="before")(unread_method_keys)  # samples with Morris does nothing

    @field_validator("parameters", mode="after")
    @classmethod
    def _ranges(cls, value: dict[str, list[float]]) -> dict[str, list[float]]:
        problems, seen = [], {}
        for key, where, path in resolved_settings(value, "sensitivity.parameters", problems):
            bounds = value[key]
            if setting_kind(path) != "float":
                problems.append(f"{where}: {path} is not a continuous number, so it cannot be "
                                "varied by a sensitivity analysis")
            note_same_setting(where, path, key, seen, problems)
            if len(bounds) != 2 or not all(math.isfinite(b) for b in bounds) or bounds[1] <= bounds[0]:
                problems.append(f"{where} = {bounds} is not allowed: must be [low, high] "
                                "with finite numbers and high > low")
            elif allowed := next(filter(None, (range_problem(path, b) for b in bounds)), None):
                problems.append(f"{where} = [{', '.join(fmt_num(b) for b in bounds)}] is not allowed: both ends "
                                f"{allowed}")  # so every run lies in the range
        if len(value) < 2 and not problems:
            problems.append("sensitivity.parameters: name at least 2 parameters to compare")
        if problems:
            raise rule_error("\n".join(problems))
        return value

    @model_validator(mode="after")
    def _sizes(self) -> Sensitivity:
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise rule_error(f"sensitivity.samples = {self.samples} is not allowed: Sobol sampling needs a "
                        "power of 2 (e.g. 64, 128, 256)")
        if self.method == "morris" and self.levels % 2:
            raise rule_error(f"sensitivity.levels = {self.levels} is not allowed: must be even (e.g. 4 or 6)")
        return self

    def runs(self) -> int:
        k = len(self.parameters)
        points = self.trajectories * (k + 1) if self.method == "morris" else self.samples * (k + 2)
        return points * self.replicates


# ---------------------------------------------------------------------------- batch


class BatchSpec(BatchTable):
    """A whole, validated batch file. Build with :func:`load_batch`."""

    name: PlainName = Field("batch", min_length=1, max_length=200)
    description: PlainDescription = Field("", max_length=2000)
    scenario: str = Field("healthy_adult", min_length=1, max_length=1000)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    years: float | None = Field(None, gt=0, le=100, allow_inf_nan=False)
    record_every_days: int | None = Field(None, ge=1)
    output: Literal["daily", "summary"] = "daily"
    set: dict[str, Any] = Field(default_factory=dict)
    sweep: Sweep | None = None
    cohort: Cohort | None = None
    arms: list[Arm] = Field(default_factory=list)
    sensitivity: Sensitivity | None = None
    analysis: Analysis = Analysis()
    published: Published | None = None
    base_dir: str = Field(".", exclude=True)  # where a relative scenario path is looked up

    _dotted = field_validator("set", mode="before")(lambda value: dotted_settings(value))
    @field_validator("set", mode="after")
    @classmethod
    def _known_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        problems: list[str] = []  # a key that names no setting adds its message (resolved_settings)
        seeds = [where for _, where, path in resolved_settings(value, "set", problems) if path == "simulation.seed"]
        problems += [f"{where}: a run's seed derives from the batch's seed (and the run's replicate or patient), "
                     "so it cannot be set: give seed = N at the top of the file" for where in seeds]
        if problems:
            raise rule_error("\n".join(problems))
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> BatchSpec:
        kinds = [k for k in BATCH_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            given = f"it has {', '.join(f'[{k}]' for k in kinds)}" if kinds else "it has none"
            raise rule_error(f"a batch file needs exactly one of [sweep], [cohort] or [sensitivity]; {given}")
        problems = set_conflicts(self)
        if self.cohort is not None:
            problems += self._check_arms()
        elif self.arms:
            problems.append("[[arms]] belong to a [cohort] batch")
        a = self.analysis
        problems += analysis_problems(self.kind, [arm.name for arm in self.arms], a)
        if self.cohort is not None and a.tertiles_of is not None:
            problems += tertiles_problems(a.tertiles_of, self.cohort.distributions)
        if self.published is not None:
            problems += published_problems(self.published, analysis_outcomes(self),
                                           self.cohort is not None and len(self.arms) > 1)
        runs = self.run_count()
        if runs > MAX_RUNS:
            problems.append(f"the batch has {runs:,} runs, more than the {MAX_RUNS:,} allowed: "
                            "use fewer values, samples, replicates or patients (each run is checked before the "
                            "batch starts, ~3 ms a run)")
        if problems:
            raise rule_error("\n".join(problems))
        return self

    def _check_arms(self) -> list[str]:
        if not self.arms:
            return ["a [cohort] batch needs at least one [[arms]] table, e.g. name = \"placebo\""]
        problems, names = [], [arm.name for arm in self.arms]
        problems += arm_problems(self.arms, self.cohort.randomisation_day, self.cohort.adherence,
                                 self.cohort.patients if self.cohort.design == "parallel" else None)
        problems += shadowed_arm_entries(self.arms, self.cohort.randomisation_day)
        if self.arms_differ_on_day_0:  # bmd_change_pct is a change from day 0 whatever its measure
            problems += [f"analysis.outcomes.{column} = {fmt_value(m)} is not allowed with cohort.randomisation_day "
                         "= 0: each arm then starts in the steady state of its own treatment, so its day-0 value is "
                         "already treated and a change from it is not the arm's effect; use 'final' (the arms at the "
                         "end), or randomise on day 1 or later" + ("" if "outcomes" in self.analysis.model_fields_set
                                                                   else " (the default outcomes: set [analysis] outcomes)")
                         for column, m in self.analysis.outcomes.items() if m != "final" or column == "bmd_change_pct"]
        problems += screening_limit_problems(self.cohort.screening_limit, self.cohort.patients, self.cohort.screens())
        if self.cohort.stratify_by and (self.cohort.design == "crossover" or len(self.arms) < 2):
            why = "a crossover puts every patient in every arm" if len(self.arms) > 1 else "there is one arm"
            problems.append(f"cohort.stratify_by = {fmt_value(self.cohort.stratify_by)} is not allowed here: it "
                            f"balances the randomisation between arms, and {why}; leave it out")
        control = self.analysis.control_arm
        if control is not None and control not in names:
            problems.append(f"analysis.control_arm = {fmt_value(control)} is not allowed: must be one of the "
                            f"arms ({', '.join(names)})")
        return problems

    @property
    def arms_differ_on_day_0(self) -> bool:
        """Randomised on day 0 with two or more arms, one acting from day 0: the arms' day-0 values are treated."""
        return (self.cohort is not None and self.cohort.randomisation_day == 0 and len(self.arms) > 1 and any(
            a.set or a.add or any(e.start_day == 0 for e in a.schedule) for a in self.arms))

    @property
    def kind(self) -> str:
        """``"sweep"``, ``"cohort"`` or ``"sensitivity"``."""
        return "sweep" if self.sweep else "cohort" if self.cohort else "sensitivity"

    @property
    def control(self) -> str | None:
        """The control arm's name (the first arm unless ``analysis.control_arm`` says)."""
        return (self.analysis.control_arm or self.arms[0].name) if self.arms else None

    def run_count(self) -> int:
        """How many runs the batch asks for (before removing identical ones)."""
        if self.sweep is not None:
            return self.sweep.points() * self.sweep.replicates
        if self.cohort is not None:
            per = len(self.arms) if self.cohort.design == "crossover" else 1
            return self.cohort.patients * max(per, 1)
        return self.sensitivity.runs() if self.sensitivity else 0

    def base_scenario(self):
        """The validated base scenario with ``years``, ``record_every_days`` and ``set`` applied."""
        from calcium_abm.scenario import load_scenario, looks_like_path

        source: str | Path = self.scenario
        if looks_like_path(self.scenario) and not Path(self.scenario).is_absolute():
            source = Path(self.base_dir) / self.scenario
        extra = dict(self.set)
        if self.years is not None:
            extra["simulation.years"] = self.years
        if self.record_every_days is not None:
            extra["simulation.record_every_days"] = self.record_every_days
        try:
            return load_scenario(source, overrides=extra)  # years apply before the schedule is checked
        except ScenarioError as exc:  # each drawn patient replaces the base's, who may refuse [set] (fixed.cohort_base)
            found = cohort_base(self, lambda overrides: load_scenario(source, overrides=overrides), extra)
            if found is not None and not isinstance(found, str):
                return found
            raise BatchError(found or f"scenario = {fmt_value(self.scenario)} with the batch's settings: {exc}"
                                      f"{sweep_over_sex_hint(self)}") from None


def validate_batch(data: Mapping[str, Any], origin: str = "batch file", base_dir: str | Path = ".") -> BatchSpec:
    """Validate a mapping into a :class:`BatchSpec`; all problems in one BatchError."""
    if problem := file_kind_problem(data, "batch"):  # not a table, or a scenario file
        raise BatchError(f"{origin}: {problem}")
    try:
        return BatchSpec.model_validate({**plain_values(data), "base_dir": str(base_dir)})  # numpy scalars: values
    except ValidationError as exc:
        raise BatchError(join_problems(batch_error_lines(exc.errors(), BatchSpec, data), origin)) from None
    except RecursionError:
        raise BatchError(too_deep_message(origin, data)) from None


def parse_batch_toml(data: bytes | str, origin: str = "batch file", base_dir: str | Path = ".") -> BatchSpec:
    """Validate a batch from TOML text or bytes; ``origin`` names it in messages."""
    return validate_batch(parse_toml(data, origin, MAX_BATCH_BYTES, BatchError, "batch file"), origin, base_dir)


def load_batch(source: str | os.PathLike | Mapping[str, Any] | BatchSpec) -> BatchSpec:
    """A validated batch from a :class:`BatchSpec`, a mapping or a ``.toml`` path.

    A file without ``name`` is named after the file (``trial.toml`` -> ``trial``) where its stem is a
    valid name; a mapping without one is named ``batch``."""
    if isinstance(source, BatchSpec):
        return source
    if isinstance(source, Mapping):
        return validate_batch(source)
    if not isinstance(source, (str, os.PathLike)):  # pathlib's TypeError named no argument
        raise BatchError(f"cannot load a batch from {type(source).__name__}: give a .toml path, mapping or BatchSpec")
    data = read_limited(path := Path(source), MAX_BATCH_BYTES, BatchError, "batch file")
    table = parse_toml(data, str(path), MAX_BATCH_BYTES, BatchError, "batch file")
    if isinstance(table, Mapping) and "name" not in table and _plain_name(path.stem):  # named after its file
        table = {"name": path.stem, **table}
    return validate_batch(table, str(path), base_dir=path.parent)


def _plain_name(text: str) -> bool:
    """Whether a file's stem may name an unnamed batch: letters, digits, ``_ - .`` and spaces, starting
    with a letter or digit (so never a spreadsheet formula), at most 200 characters."""
    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_. -]{0,199}", text) is not None
