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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from calcium_abm.errors import ScenarioError, UserInputError
from calcium_abm.inputs.keys import (column_name, note_same_setting, resolve_setting, resolved_settings,
                                     setting_bounds, setting_kind)  # column_name, setting_bounds: for expand
from calcium_abm.inputs.batch_messages import batch_error_lines
from calcium_abm.inputs.sections import SCHEDULABLE
from calcium_abm.inputs.messages import did_you_mean, fmt_value, join_problems, rule_error
from calcium_abm.inputs.toml_reader import parse_toml, read_limited

__all__ = [
    "Arm",
    "ArmScheduleEntry",
    "BatchError",
    "BatchSpec",
    "Cohort",
    "Criterion",
    "Distribution",
    "MAX_BATCH_BYTES",
    "MAX_RUNS",
    "Published",
    "Sensitivity",
    "Sweep",
    "load_batch",
    "parse_batch_toml",
]

MAX_BATCH_BYTES = 1024 * 1024
MAX_RUNS = 1_000_000  # one manifest entry each; more would make the manifest unwieldy
MAX_PATIENTS = 100_000
_NAME = re.compile(r"^[A-Za-z0-9_.+-]+$")

#: Fields a cohort draws with its own rules rather than a distribution.
COHORT_SPECIAL_FIELDS = ("patient.sex", "patient.postmenopausal", "patient.ckd_stage")
#: Sections whose numeric fields a cohort may draw from distributions.
COHORT_SECTIONS = ("patient", "diet", "drugs")
OUTCOME_MEASURES = ("final", "change", "pct_change")


class BatchError(UserInputError):
    """A batch file, batch directory or batch option that is not allowed."""




class _Table(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# ------------------------------------------------------------------------- settings


# ---------------------------------------------------------------------------- sweep


class Range(_Table):
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


def _whole_numbers(where: str, path: str, values: SweepValues) -> list[str]:
    """A swept integer setting (``ckd_stage``) takes whole numbers only, as a scenario file
    does: listed values and a grid range's points must be whole (a random or Latin
    hypercube draw from a range is rounded to the nearest whole number)."""
    if isinstance(values, Range):
        if values.steps is None:
            return []
        points = ([values.min * (values.max / values.min) ** (i / (values.steps - 1)) for i in range(values.steps)]
                  if values.log else
                  [values.min + (values.max - values.min) * i / (values.steps - 1) for i in range(values.steps)])
        bad = [p for p in points if abs(p - round(p)) > 1e-9]
        return [f"{where} = {{ min = {fmt_value(values.min)}, max = {fmt_value(values.max)}, steps = {values.steps} }} "
                f"is not allowed: {path} takes whole numbers and this grid has {fmt_value(bad[0])}"] if bad else []
    bad = [v for v in values if isinstance(v, str) or isinstance(v, bool)
           or (isinstance(v, float) and math.isfinite(v) and v != int(v))]
    if bad:
        return [f"{where}: {fmt_value(bad[0])} is not allowed: {path} takes whole numbers (e.g. 3)"]
    return []


class Sweep(_Table):
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
                problems += _whole_numbers(where, path, values)
            if isinstance(values, list):
                if not values:
                    problems.append(f"{where} = [] is not allowed: must list at least one value")
                dupes = sorted({repr(v) for v in values if values.count(v) > 1})
                if dupes:
                    problems.append(f"{where}: the value {dupes[0]} is listed twice")
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


class Distribution(_Table):
    """How one patient characteristic or intake is drawn; ``min``/``max`` clip the draws."""

    distribution: Literal["normal", "uniform", "lognormal", "constant"]
    mean: float | None = Field(None, allow_inf_nan=False)
    sd: float | None = Field(None, ge=0, allow_inf_nan=False)
    median: float | None = Field(None, gt=0, allow_inf_nan=False)
    sigma: float | None = Field(None, ge=0, le=10, allow_inf_nan=False)  # sd of log(value)
    value: float | None = Field(None, allow_inf_nan=False)
    min: float | None = Field(None, allow_inf_nan=False)
    max: float | None = Field(None, allow_inf_nan=False)

    @model_validator(mode="after")
    def _has_its_parameters(self) -> Distribution:
        need = {"normal": ("mean", "sd"), "uniform": ("min", "max"), "lognormal": ("median", "sigma"),
                "constant": ("value",)}[self.distribution]
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise rule_error(f'a {self.distribution} distribution needs {" and ".join(need)}; '
                        f'{", ".join(missing)} {"is" if len(missing) == 1 else "are"} missing')
        allowed = set(need) | {"distribution", "min", "max"}
        extra = [n for n in ("mean", "sd", "median", "sigma", "value")
                 if getattr(self, n) is not None and n not in allowed]
        if extra:
            raise rule_error(f"{extra[0]} is not used by a {self.distribution} distribution "
                        f"(it takes {', '.join(need)}, and optional min and max)")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise rule_error(f"max = {fmt_value(self.max)} is not allowed: must be at least min = {fmt_value(self.min)}")
        if self.distribution == "uniform" and not math.isfinite(self.max - self.min):
            raise rule_error(f"min = {fmt_value(self.min)} and max = {fmt_value(self.max)} are not allowed: "
                             "max - min must be finite (a uniform draw over a wider span overflows)")
        if self.distribution == "uniform" and self.max == self.min:
            raise rule_error("a uniform distribution needs max > min (use distribution = \"constant\")")
        return self


class Criterion(_Table):
    """A screening criterion on one baseline value: ``{ min = 50, max = 400 }`` (closed
    range; either bound may be left out) or ``{ one_of = [3, 4] }`` (listed values)."""

    min: float | None = Field(None, allow_inf_nan=False)
    max: float | None = Field(None, allow_inf_nan=False)
    one_of: list[bool | int | float | str] | None = Field(None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _something(self) -> Criterion:
        if self.one_of is not None and (self.min is not None or self.max is not None):
            raise rule_error("give either min/max or one_of, not both")
        if self.one_of is None and self.min is None and self.max is None:
            raise rule_error("a criterion needs min, max or one_of, e.g. { min = 50, max = 400 }")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise rule_error(f"max = {fmt_value(self.max)} is not allowed: must be at least min = {fmt_value(self.min)}")
        return self

    def admits(self, value: Any) -> bool:
        """True if ``value`` meets the criterion (a missing or NaN value never does)."""
        if self.one_of is not None:
            return any(_same_kind(value, v) and value == v for v in self.one_of)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def describe(self) -> str:
        """The criterion in words: ``"from 50 to 400"``, ``"at least 60"``, ``"one of 3, 4"``."""
        if self.one_of is not None:
            return "one of " + ", ".join(fmt_value(v) for v in self.one_of)
        if self.min is not None and self.max is not None:
            return f"from {fmt_value(self.min)} to {fmt_value(self.max)}"
        return f"at least {fmt_value(self.min)}" if self.min is not None else f"at most {fmt_value(self.max)}"


def _same_kind(a: Any, b: Any) -> bool:
    """Both booleans, both strings, or both numbers (an int equals a float of its value)."""
    kinds = [("bool" if isinstance(x, bool) else "str" if isinstance(x, str) else
              "num" if isinstance(x, (int, float)) else type(x).__name__) for x in (a, b)]
    return kinds[0] == kinds[1]


class ArmScheduleEntry(_Table):
    """A change in one arm during the run (titration, stopping, wash-out): on days
    ``start_day <= day < end_day`` (days counted from day 0 of the run, as in a scenario's
    ``[[schedule]]``) the arm's ``set`` values replace the patient's and ``add`` amounts
    are added to the patient's own pre-randomisation values (times ``cohort.adherence``)."""

    start_day: int = Field(ge=0)
    end_day: int | None = Field(None, ge=1)
    set: dict[str, Any] = Field(default_factory=dict)
    add: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sensible(self) -> ArmScheduleEntry:
        if self.end_day is not None and self.end_day <= self.start_day:
            raise rule_error(f"end_day = {self.end_day} is not allowed: must be after start_day ({self.start_day})")
        if not self.set and not self.add:
            raise rule_error("an arm schedule entry needs set or add, e.g. add = { mk7_ug_per_day = 360 }")
        return self


class Arm(_Table):
    """A trial arm: settings replaced (``set``) or added to the patient's own (``add``)
    from the randomisation day, and optional later changes (``[[arms.schedule]]``)."""

    name: str = Field(min_length=1, max_length=60)
    set: dict[str, Any] = Field(default_factory=dict)
    add: dict[str, float] = Field(default_factory=dict)
    schedule: list[ArmScheduleEntry] = Field(default_factory=list, max_length=100)

    @field_validator("name", mode="after")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise rule_error(f"name = {fmt_value(value)} is not allowed: use letters, digits and _ . + - only")
        return value


def criterion_target(key: str, where: str) -> str:
    """What a screening criterion ``key`` reads: a recorded column's day-0 value (returned
    as the column name, e.g. ``calcification_score``) or a patient setting (returned as its
    dotted path, e.g. ``patient.age_years``). Raises a rule error naming ``where``."""
    from calcium_abm.outputs import COLUMNS  # lazy: outputs imports Mesa

    if key in COLUMNS and key not in ("day", "years"):
        return key
    try:
        path = resolve_setting(key, where)
    except PydanticCustomError:
        raise rule_error(f"{where}: not a recorded column{did_you_mean(key, list(COLUMNS))} nor a setting of "
                         f"[{'], ['.join(COHORT_SECTIONS)}]") from None
    if path.partition(".")[0] not in COHORT_SECTIONS:
        raise rule_error(f"{where}: {path} cannot be screened on: a criterion reads a recorded column on day 0 "
                         f"or a setting of [{'], ['.join(COHORT_SECTIONS)}]")
    return path


class Cohort(_Table):
    """N virtual patients drawn from stated distributions."""

    patients: int = Field(ge=1, le=MAX_PATIENTS)
    design: Literal["parallel", "crossover"] = "parallel"
    female_probability: float = Field(0.5, ge=0, le=1, allow_inf_nan=False)
    postmenopausal_probability: float = Field(0.0, ge=0, le=1, allow_inf_nan=False)  # among women
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
        problems = []
        for key in value:
            try:
                criterion_target(key, f"cohort.{info.field_name}.{key}")
            except PydanticCustomError as exc:
                problems.append(exc.context["text"])
        if problems:
            raise rule_error("\n".join(problems))
        return value

    @field_validator("stratify_by", mode="after")
    @classmethod
    def _strata(cls, value: list[str]) -> list[str]:
        problems = []
        for _key, where, path in resolved_settings(value, "cohort.stratify_by", problems):
            if path not in COHORT_SPECIAL_FIELDS:
                problems.append(f"{where}: {path} cannot stratify the randomisation: use "
                                "sex, postmenopausal or ckd_stage (the cohort's categories)")
        if len(set(value)) != len(value):
            problems.append(f"cohort.stratify_by = {value}: a factor is listed twice")
        if problems:
            raise rule_error("\n".join(problems))
        return value

    def screens(self) -> bool:
        """True if candidates are screened (any inclusion or exclusion criterion)."""
        return bool(self.inclusion or self.exclusion)

    def candidates(self) -> int:
        """How many candidates may be drawn: ``screening_limit``, else 20 per patient when
        screening (at most 100,000), else exactly ``patients``."""
        if self.screening_limit is not None:
            return max(self.screening_limit, self.patients)
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
            if path in COHORT_SPECIAL_FIELDS:
                own = {"patient.sex": "cohort.female_probability",
                       "patient.postmenopausal": "cohort.postmenopausal_probability",
                       "patient.ckd_stage": "cohort.ckd_stage_probabilities"}[path]
                problems.append(f"{where}: {path} is drawn with {own}, not a distribution")
            elif path.partition(".")[0] not in COHORT_SECTIONS or setting_kind(path) != "float":
                problems.append(f"{where}: {path} cannot be drawn: a cohort draws numeric settings of "
                                f"[{'], ['.join(COHORT_SECTIONS)}] (ages, intakes, doses)")
        if problems:
            raise rule_error("\n".join(problems))
        return value


# ---------------------------------------------------------------------- sensitivity


class Sensitivity(_Table):
    """Morris screening or Sobol indices over stated ranges (``name = [low, high]``)."""

    method: Literal["morris", "sobol"] = "morris"
    parameters: dict[str, list[float]] = Field(min_length=1)
    trajectories: int = Field(10, ge=2, le=10_000)  # Morris
    levels: int = Field(4, ge=2, le=100)  # Morris
    samples: int = Field(64, ge=2, le=65_536)  # Sobol base sample (a power of 2)

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
        return self.trajectories * (k + 1) if self.method == "morris" else self.samples * (k + 2)


# ------------------------------------------------------------------------- analysis


class Threshold(_Table):
    """An event: a recorded column's final value above a threshold."""

    column: str
    above: float = Field(allow_inf_nan=False)


class Analysis(_Table):
    """What ``summarize`` reports."""

    outcomes: dict[str, Literal["final", "change", "pct_change"]] = Field(
        default_factory=lambda: {"bmd_change_pct": "final", "dp_ucmgp_pmol_l": "pct_change",
                                 "calcification_score": "final"},
        min_length=1,
    )
    control_arm: str | None = None
    severe_calcification: Threshold | None = None
    tertiles_of: str | None = None  # a cohort distribution whose tertiles split the risk table

    @field_validator("outcomes", mode="after")
    @classmethod
    def _recorded(cls, value: dict[str, str]) -> dict[str, str]:
        from calcium_abm.outputs import COLUMNS

        bad = [k for k in value if k not in COLUMNS or k in ("day", "years")]
        if bad:
            raise rule_error(f"analysis.outcomes.{bad[0]}: not a recorded column"
                        f"{did_you_mean(bad[0], list(COLUMNS))} (see calcium_abm.COLUMNS)")
        return value

    @field_validator("severe_calcification", mode="after")
    @classmethod
    def _recorded_threshold(cls, value: Threshold | None) -> Threshold | None:
        from calcium_abm.outputs import COLUMNS

        if value is not None and value.column not in COLUMNS:
            raise rule_error(f"analysis.severe_calcification.column = {fmt_value(value.column)}: not a recorded "
                        f"column{did_you_mean(value.column, list(COLUMNS))}")
        return value


class Published(_Table):
    """The published result a batch emulates, printed beside the simulated effect.

    ``outcome`` is one of the analysis outcomes (``dp_ucmgp_pmol_l_pct_change``); ``effect``
    is the published difference versus the control arm in that outcome's unit, with its
    95 % CI (``ci_low``, ``ci_high``) when the source gives one."""

    outcome: str
    effect: float = Field(allow_inf_nan=False)
    ci_low: float | None = Field(None, allow_inf_nan=False)
    ci_high: float | None = Field(None, allow_inf_nan=False)
    measure: str = Field("", max_length=500)  # how the source states the effect
    source: str = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _ci(self) -> Published:
        if (self.ci_low is None) != (self.ci_high is None):
            raise rule_error("give both ci_low and ci_high, or neither")
        if self.ci_low is not None and not self.ci_low <= self.effect <= self.ci_high:
            raise rule_error(f"effect = {fmt_value(self.effect)} is not allowed: must lie within "
                             f"ci_low = {fmt_value(self.ci_low)} and ci_high = {fmt_value(self.ci_high)}")
        return self


# ---------------------------------------------------------------------------- batch


class BatchSpec(_Table):
    """A whole, validated batch file. Build with :func:`load_batch`."""

    name: str = Field("batch", min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
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

    @field_validator("set", mode="after")
    @classmethod
    def _known_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        problems = []
        for key in value:
            try:
                resolve_setting(key, f"set.{key}")
            except PydanticCustomError as exc:
                problems.append(exc.context["text"])
        if problems:
            raise rule_error("\n".join(problems))
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> BatchSpec:
        kinds = [k for k in ("sweep", "cohort", "sensitivity") if getattr(self, k) is not None]
        if len(kinds) != 1:
            given = f"it has {', '.join(f'[{k}]' for k in kinds)}" if kinds else "it has none"
            raise rule_error(f"a batch file needs exactly one of [sweep], [cohort] or [sensitivity]; {given}")
        problems = []
        if self.cohort is not None:
            problems += self._check_arms()
        elif self.arms:
            problems.append("[[arms]] belong to a [cohort] batch")
        a = self.analysis
        if self.cohort is None and (a.control_arm or a.tertiles_of):
            problems.append("analysis.control_arm and analysis.tertiles_of belong to a [cohort] batch")
        if self.cohort is not None and a.tertiles_of is not None:
            path = None
            try:
                path = resolve_setting(a.tertiles_of, "analysis.tertiles_of")
            except PydanticCustomError as exc:
                problems.append(exc.context["text"])
            drawn = {resolve_setting(k, "cohort.distributions") for k in self.cohort.distributions}
            if path is not None and path not in drawn:
                problems.append(f"analysis.tertiles_of = {fmt_value(a.tertiles_of)} is not allowed: must be one "
                                f"of the cohort's distributions ({', '.join(self.cohort.distributions) or 'none'})")
        if self.published is not None:
            names = [o if m == "final" else f"{o}_{m}" for o, m in a.outcomes.items()]
            if self.cohort is None or len(self.arms) < 2:
                problems.append("[published] belongs to a [cohort] batch with two or more arms")
            elif self.published.outcome not in names:
                problems.append(f"published.outcome = {fmt_value(self.published.outcome)} is not allowed: must be "
                                f"one of the analysis outcomes ({', '.join(names)})")
        runs = self.run_count()
        if runs > MAX_RUNS:
            problems.append(f"the batch has {runs:,} runs, more than the {MAX_RUNS:,} allowed: "
                            "use fewer values, samples, replicates or patients")
        if problems:
            raise rule_error("\n".join(problems))
        return self

    def _check_arms(self) -> list[str]:
        if not self.arms:
            return ["a [cohort] batch needs at least one [[arms]] table, e.g. name = \"placebo\""]
        problems, names = [], [arm.name for arm in self.arms]
        for i, arm in enumerate(self.arms):
            if names.count(arm.name) > 1 and names.index(arm.name) == i:
                problems.append(f"arms: the name {fmt_value(arm.name)} is used twice")
            tables = [(f"arms #{i + 1} ({arm.name})", arm.set, arm.add)]
            tables += [(f"arms #{i + 1} ({arm.name}).schedule #{j + 1}", e.set, e.add)
                       for j, e in enumerate(arm.schedule)]
            for prefix, set_keys, add_keys in tables:
                for table, keys in (("set", set_keys), ("add", add_keys)):
                    for _key, where, path in resolved_settings(keys, f"{prefix}.{table}", problems):
                        if table == "add" and setting_kind(path) != "float":
                            problems.append(f"{where}: add works on numeric settings; {path} is not one")
                        elif self.cohort.randomisation_day > 0 and path.partition(".")[0] not in SCHEDULABLE:
                            problems.append(f"{where}: {path} cannot start at randomisation (day "
                                            f"{self.cohort.randomisation_day}): only settings of "
                                            f"{', '.join(SCHEDULABLE)} change during a run; "
                                            "set cohort.randomisation_day = 0 to apply it from day 0")
        control = self.analysis.control_arm
        if control is not None and control not in names:
            problems.append(f"analysis.control_arm = {fmt_value(control)} is not allowed: must be one of the "
                            f"arms ({', '.join(names)})")
        return problems

    @property
    def kind(self) -> str:
        """``"sweep"``, ``"cohort"`` or ``"sensitivity"``."""
        return "sweep" if self.sweep else "cohort" if self.cohort else "sensitivity"

    @property
    def control(self) -> str | None:
        """The control arm's name (the first arm unless ``analysis.control_arm`` says)."""
        if not self.arms:
            return None
        return self.analysis.control_arm or self.arms[0].name

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
        except ScenarioError as exc:
            raise BatchError(f"scenario = {fmt_value(self.scenario)} with the batch's settings: {exc}") from None


def validate_batch(data: Mapping[str, Any], origin: str = "batch file", base_dir: str | Path = ".") -> BatchSpec:
    """Validate a mapping into a :class:`BatchSpec`; all problems in one BatchError."""
    if not isinstance(data, Mapping):
        raise BatchError(f"{origin}: must be a table of settings")
    try:
        return BatchSpec.model_validate({**data, "base_dir": str(base_dir)})
    except ValidationError as exc:
        raise BatchError(join_problems(batch_error_lines(exc.errors(), BatchSpec), origin)) from None
    except RecursionError:
        raise BatchError(f"{origin}: a value is nested too deeply") from None


def parse_batch_toml(data: bytes | str, origin: str = "batch file", base_dir: str | Path = ".") -> BatchSpec:
    """Validate a batch from TOML text or bytes; ``origin`` names it in messages."""
    table = parse_toml(data, origin, MAX_BATCH_BYTES, BatchError, "batch file")
    return validate_batch(table, origin, base_dir)


def load_batch(source: str | os.PathLike | Mapping[str, Any] | BatchSpec) -> BatchSpec:
    """A validated batch from a :class:`BatchSpec`, a mapping or a ``.toml`` path."""
    if isinstance(source, BatchSpec):
        return source
    if isinstance(source, Mapping):
        return validate_batch(source)
    path = Path(source)
    data = read_limited(path, MAX_BATCH_BYTES, BatchError, "batch file")
    return parse_batch_toml(data, str(path), base_dir=path.parent)
