"""Tables of a trial design in a batch file: screening criteria, arm schedule entries and the published result a
batch emulates (used by :mod:`calcium_abm.batch.spec`). Like the rest of the input layer these never import the
scenario or batch modules; each bad value raises a :func:`~calcium_abm.inputs.messages.rule_error` naming the field,
the value and what is allowed."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.fields import allowed_text, field_bounds, field_choices
from calcium_abm.inputs.keys import dotted_settings, range_problem, resolve_key, resolve_setting, resolved_settings, setting_kind
from calcium_abm.inputs.messages import (PlainDescription, PlainName, accepted_keys, did_you_mean, fmt_num,
                                         fmt_value, rule_error, shorten)
from calcium_abm.inputs.sections import (CHANGEABLE_DURING_RUN, SECTIONS, TOP_LEVEL_TEXT, changes_during_run,
                                         schedule_cover)

__all__ = ["COHORT_SECTIONS", "Arm", "BatchTable", "ArmScheduleEntry", "Criterion", "PlainDescription", "PlainName", "Published",
           "arm_problems", "check_criteria", "check_strata", "criterion_target", "duplicate_value_problems",
           "published_problems", "swept_range_problems", "analysis_outcomes", "analysis_problems", "STATE_OUTCOMES",
           "whole_number_problems"]

#: Sections whose numeric fields a cohort may draw from distributions (and screen on).
COHORT_SECTIONS = ("patient", "diet", "drugs")
ARM_NAME = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.+-]*$")  # an arm's name: no + or - first (a spreadsheet formula)




def arm_place(index: int, name: Any = None) -> str:
    """Where arm ``index`` (from 0) is in the batch file, for messages: ``arms #2 (mk7)`` (``arms #2`` without a valid name)."""
    return f"arms #{index + 1}" + (f" ({name})" if isinstance(name, str) and ARM_NAME.match(name) else "")


class BatchTable(BaseModel):
    """A table of a batch file: strict types, no unknown keys, immutable (the base of every batch table)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Criterion(BatchTable):
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


class ArmScheduleEntry(BatchTable):
    """A change in one arm during the run (titration, stopping, wash-out): on days
    ``start_day <= day < end_day`` (days counted from day 0 of the run, as in a scenario's
    ``[[schedule]]``) the arm's ``set`` values replace the patient's and ``add`` amounts
    are added to the patient's own pre-randomisation values (times ``cohort.adherence``)."""

    start_day: int = Field(ge=0)
    end_day: int | None = Field(None, ge=1)
    set: dict[str, Any] = Field(default_factory=dict)
    add: dict[str, float] = Field(default_factory=dict)
    _dotted = field_validator("set", "add", mode="before")(lambda value: dotted_settings(value))

    @model_validator(mode="after")
    def _sensible(self) -> ArmScheduleEntry:
        if self.end_day is not None and self.end_day <= self.start_day:
            raise rule_error(f"end_day = {self.end_day} is not allowed: must be after start_day ({self.start_day})")
        if not self.set and not self.add:
            raise rule_error("an arm schedule entry needs set or add, e.g. add = { mk7_ug_per_day = 360 }")
        return self


class Arm(BatchTable):
    """A trial arm: settings replaced (``set``) or added to the patient's own (``add``)
    from the randomisation day, and optional later changes (``[[arms.schedule]]``)."""

    name: str = Field(min_length=1, max_length=60)
    set: dict[str, Any] = Field(default_factory=dict)
    add: dict[str, float] = Field(default_factory=dict)
    schedule: list[ArmScheduleEntry] = Field(default_factory=list, max_length=100)
    _dotted = field_validator("set", "add", mode="before")(lambda value: dotted_settings(value))

    @field_validator("name", mode="after")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not ARM_NAME.match(value):
            raise rule_error(f"name = {fmt_value(value)} is not allowed: use ASCII letters (a-z, A-Z), digits and _ . + -, not + or - first")
        return value


def duplicate_value_problems(where: str, values: list) -> list[str]:
    """The first value a sweep's list gives twice, found in one pass (``list.count`` per value
    took minutes on a list of 100,000 values); ``true`` is not the value 1, 1.0 is."""
    seen: set[tuple[bool, Any]] = set()
    for value in values:
        key = (type(value) is bool, value)
        if key in seen:
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            return [f"{where}: the value {fmt_num(value) if number else fmt_value(value)} is listed twice"]
        seen.add(key)
    return []


def criterion_target(key: str, where: str) -> str:
    """What a screening criterion ``key`` reads: a recorded column's day-0 value (returned
    as the column name, e.g. ``calcification_score``) or a patient setting (returned as its
    dotted path, e.g. ``patient.age_years``). Raises a rule error naming ``where``."""
    from calcium_abm.outputs import COLUMNS, day_0_value_problem  # lazy: outputs imports Mesa

    if why := day_0_value_problem(key):  # NaN or 0 for every candidate: the criterion admits all or none
        raise rule_error(f"{where}: {key} cannot be screened on: {why}, and a criterion reads the candidate's day 0")
    if key in COLUMNS and key not in ("day", "years"):
        return key
    try:
        path = resolve_setting(key, where)
    except PydanticCustomError:
        raise rule_error(f"{where}: not a recorded column nor a setting of [{'], ['.join(COHORT_SECTIONS)}]"
                         f"{did_you_mean(key, list(COLUMNS))}") from None
    if path.partition(".")[0] not in COHORT_SECTIONS:
        raise rule_error(f"{where}: {path} cannot be screened on: a criterion reads a recorded column on day 0 "
                         f"or a setting of [{'], ['.join(COHORT_SECTIONS)}]")
    return path


class Published(BatchTable):
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
        if self.ci_low is not None and not self.ci_low <= self.effect <= self.ci_high:  # a reversed CI: ci_high named
            low, high = f"ci_low = {fmt_value(self.ci_low)}", f"ci_high = {fmt_value(self.ci_high)}"
            raise rule_error(f"{high} is not allowed: must be at least {low}" if self.ci_low > self.ci_high else
                             f"effect = {fmt_value(self.effect)} is not allowed: must lie within {low} and {high}")
        return self


def check_criteria(value: dict[str, Criterion], where: str) -> dict[str, Criterion]:
    """Every key of ``cohort.inclusion``/``exclusion`` names something to screen on."""
    problems = []
    for key, criterion in value.items():
        try:
            target = criterion_target(key, f"{where}.{key}")
        except PydanticCustomError as exc:
            problems.append(exc.context["text"])
            continue
        if "." in target:  # a setting: what it can hold is known before any candidate is drawn
            problems += _values_it_cannot_hold(f"{where}.{key}", target, criterion)
        else:
            problems += _column_values_it_cannot_meet(f"{where}.{key}", target, criterion)
    if problems:
        raise rule_error("\n".join(problems))
    return value


def _values_it_cannot_hold(where: str, path: str, criterion: Criterion) -> list[str]:
    """A criterion on setting ``path`` that names a value the setting cannot hold (``sex = { one_of = ["femal"] }``,
    ``ckd_stage = { one_of = [7] }``), or bounds a setting that is not a number: no candidate could have it, so an
    inclusion would screen out every candidate and an exclusion would never act."""
    section, _, field = path.partition(".")
    kind, allowed = setting_kind(path), allowed_text(SECTIONS[section], field)
    if criterion.one_of is None:
        if kind in ("int", "float"):
            low, high, low_excluded = field_bounds(SECTIONS[section], field)
            return _bounds_it_cannot_meet(where, path, low, high, criterion, low_excluded)
        bound = "min" if criterion.min is not None else "max"
        return [f"{where}.{bound} = {fmt_value(getattr(criterion, bound))} is not allowed: {path} is not a number "
                f"({allowed}); give one_of = [...]"]
    choices = field_choices(SECTIONS[section], field)
    for v in criterion.one_of:
        number = isinstance(v, (int, float)) and not isinstance(v, bool)
        holds = (v in choices and isinstance(v, str) if choices else isinstance(v, bool) if kind == "bool" else
                 number and range_problem(path, v) is None and (kind != "int" or float(v).is_integer()))
        if not holds:
            return [f"{where}.one_of: {fmt_value(v)} is not allowed: {path} {allowed}"]
    return []


def _column_values_it_cannot_meet(where: str, column: str, criterion: Criterion) -> list[str]:
    """A criterion on recorded ``column`` no day-0 value meets (``ucoc_fraction = { min = 2 }``, ``one_of = ["high"]``,
    ``one_of`` a level, not a count) or every value meets (``calcification_score = { min = 0 }``)."""
    from calcium_abm.outputs import COLUMNS, column_range  # lazy: outputs imports Mesa
    low, high = column_range(column)
    if criterion.one_of is None:
        return _bounds_it_cannot_meet(where, column, low, high, criterion)
    if (bad := next((v for v in criterion.one_of if isinstance(v, (bool, str)) or not low <= v <= high), ())) != ():
        return [f"{where}.one_of: {fmt_value(bad)} is not allowed: {_holds(column, low, high)}"]
    return [] if COLUMNS[column][0] in ("cells", "teams") else [  # a count can be a listed number; a level never is
        f"{where}.one_of is not allowed: {column} is a continuous value that no candidate has exactly; give min and/or "
        "max"]


def _holds(name: str, low: float, high: float, low_excluded: bool = False) -> str:
    return (f"{name} holds numbers {'above' if low_excluded else 'from'} {fmt_num(low)}"
            + (f" to {fmt_num(high)}" if high < math.inf else " up"))


def _bounds_it_cannot_meet(where: str, name: str, low: float, high: float, criterion: Criterion,
                           low_excluded: bool = False) -> list[str]:
    """A min/max criterion on ``name``, which holds numbers from ``low`` (above it if ``low_excluded``) to ``high``, that
    no value can meet, or that every value meets: an inclusion would screen out every candidate or none, an exclusion
    none or all."""
    held = _holds(name, low, high, low_excluded)
    too_low = criterion.max is not None and (criterion.max < low or (low_excluded and criterion.max <= low))
    if (criterion.min is not None and criterion.min > high) or too_low:
        bound = "max" if too_low else "min"
        return [f"{where}.{bound} = {fmt_value(getattr(criterion, bound))} is not allowed: no candidate could "
                f"meet it, as {held}"]
    if (criterion.min is None or criterion.min <= low) and (criterion.max is None or criterion.max >= high):
        return [f"{where}: {criterion.describe()} is not allowed: every candidate meets it, as {held}, so it tells "
                "no candidate from another; give a bound inside that range"]
    return []


def check_strata(value: list[str], categories: tuple[str, ...]) -> list[str]:
    """``cohort.stratify_by`` names the cohort's categories (sex, postmenopausal, CKD stage)."""
    problems: list[str] = []
    names, known = [c.rpartition(".")[2] for c in categories], []
    for key in value:  # an unknown name: a typo of a category, else the categories (not every setting)
        try:
            known.append((key, resolve_key(key)))
        except ScenarioError:
            hint = did_you_mean(key, names) or accepted_keys("cohort.stratify_by", names)
            problems.append(f"cohort.stratify_by.{shorten(key)}: unknown key '{shorten(key)}'{hint}")
    for key, path in known:
        where = f"cohort.stratify_by.{key}"
        if path not in categories:
            problems.append(f"{where}: {path} cannot stratify the randomisation: use "
                            "sex, postmenopausal or ckd_stage (the cohort's categories)")
    if len(set(value)) != len(value):
        problems.append(f"cohort.stratify_by = {value}: a factor is listed twice")
    if problems:
        raise rule_error("\n".join(problems))
    return value


def whole_number_problems(where: str, path: str, values: Any) -> list[str]:
    """A swept integer setting (``ckd_stage``) takes whole numbers only, as a scenario file does: listed values and a
    grid range's points must be whole; a random or Latin hypercube range draws its whole numbers alike, so it holds one
    and has no log scale (which would give the end numbers another share)."""
    if not isinstance(values, list):  # a sweep range: min, max, steps, log
        if values.steps is None:
            text = f"{where} = {{ min = {fmt_value(values.min)}, max = {fmt_value(values.max)}"
            return ([f"{text} }} is not allowed: {path} takes whole numbers and none lies in this range"]
                    if math.ceil(values.min) > math.floor(values.max) else [f"{text}, log = true }} is not allowed: "
                    f"{path} takes whole numbers, drawn alike from the range: leave log out"] if values.log else [])
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


def swept_range_problems(where: str, path: str, values: Any) -> list[str]:
    """A swept value outside its setting's range (a listed value, or a range's ``min`` or
    ``max``), worded as the scenario words it (:func:`range_problem`), so the batch is refused
    when it is read rather than run by run; the first such value, or nothing. A label (``name``, ``description``, ``source``) is
    refused: it changes nothing in a run, so every point's runs would be identical."""
    if path in TOP_LEVEL_TEXT:
        return [f"{where}: {path} labels a run and changes nothing in it, so every point's runs would be "
                "identical: sweep a setting the runs read"]
    if isinstance(values, list):
        shown = [("", v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
                 and not (isinstance(v, float) and not math.isfinite(v))]  # (inf, nan: told apart; huge ints compare)
    else:  # a range: every point lies between its ends
        shown = [("min = ", values.min), ("max = ", values.max)]
    for label, v in shown:
        if allowed := range_problem(path, v):
            return [f"{where}: {label}{fmt_value(v)} is not allowed: {path} {allowed}"]
    return []


def arm_entries(place: str, arm: Arm, randomisation_day: int) -> list[tuple[int | None, str, int, int | None,
                                                                            dict, dict]]:
    """``(j, where, start_day, end_day, set, add)`` of each schedule entry an arm's runs get, in order: its
    ``set``/``add`` from ``randomisation_day`` (if it has any; ``j`` None, ``where`` the arm's ``place``), then its
    ``[[arms.schedule]]`` entries (``j`` their index, ``where`` e.g. ``arms #2 (mk7).schedule #1``)."""
    entries = [(None, place, randomisation_day, None, arm.set, arm.add)] if arm.set or arm.add else []
    return entries + [(j, f"{place}.schedule #{j + 1}", e.start_day, e.end_day, e.set, e.add)
                      for j, e in enumerate(arm.schedule)]


def arm_problems(arms: list[Arm], randomisation_day: int, adherence: float = 1.0,
                 parallel_patients: int | None = None) -> list[str]:
    """What is wrong with a cohort's arms: a name used twice, ``add`` on a non-number, one
    setting in both ``set`` and ``add`` (the add won, the set was dropped), a
    setting that cannot change during a run asked to start at randomisation, an
    ``adherence`` below 1 with no ``add`` for it to scale (it would do nothing), in a parallel
    design of ``parallel_patients``, fewer patients than arms (an arm would have none), or a crossover
    (``parallel_patients`` None) of one arm (the design would change nothing)."""
    problems: list[str] = []
    if parallel_patients is None and len(arms) == 1:
        problems.append("cohort.design = \"crossover\" is not allowed with one arm: every patient is in the one arm "
                        "either way, so the design changes nothing; give two or more arms, or leave design out")
    if parallel_patients is not None and parallel_patients < len(arms):
        problems.append(f"cohort.patients = {parallel_patients} is not allowed with {len(arms)} arms in a parallel "
                        f"design: must be at least {len(arms)}, one patient per arm, or an arm would have no runs")
    if adherence < 1 and not any(arm.add or any(e.add for e in arm.schedule) for arm in arms):
        problems.append(f"cohort.adherence = {fmt_value(adherence)} is not allowed here: it is the fraction taken of "
                        "each dose an arm adds (add = {...}), and no arm adds one (set = {...} is a value, not "
                        "a dose); give the dose as add, or leave adherence out")
    names = [arm.name for arm in arms]
    folded = [name.lower() for name in names]  # mk7_180 and MK7_180 name one file on a case-blind file system
    unchanged = [arm_place(i, arm.name) for i, arm in enumerate(arms) if not (arm.set or arm.add or arm.schedule)]
    if len(unchanged) > 1:  # a trialist: the second ran and was reported as an "effect" against the control
        problems.append(f"{unchanged[1]} changes nothing, as {unchanged[0]} does: an arm without set, add or "
                        "schedule is the control, and a trial has one; give the arm a change, or leave it out")
    for i, arm in enumerate(arms):
        if folded.count(folded[i]) > 1 and folded.index(folded[i]) == i:
            twin = names[folded.index(folded[i], i + 1)]
            problems.append(f"arms: the name {fmt_value(arm.name)} is used twice" if twin == arm.name else
                            f"arms: the names {fmt_value(arm.name)} and {fmt_value(twin)} differ only in case: "
                            "their result files would be one on a case-blind file system; give names that differ")
        tables = [(where, set_keys, add_keys) for _, where, _, _, set_keys, add_keys
                  in arm_entries(arm_place(i, arm.name), arm, randomisation_day)]
        problems += [f"{arm_place(i, arm.name)}.schedule #{j + 1}: start_day = {e.start_day} is not allowed: must be at "
                     f"least cohort.randomisation_day ({randomisation_day}), so the arms are the same people until "
                     "they are randomised; a change every arm has belongs in the scenario's [[schedule]]"
                     for j, e in enumerate(arm.schedule) if e.start_day < randomisation_day]
        for prefix, set_keys, add_keys in tables:
            both = [{path for _, _, path in resolved_settings(keys, prefix, [])} for keys in (set_keys, add_keys)]
            problems += [f"{prefix}: {path} is in both set and add: give one (set replaces the patient's value, add "
                         "goes on top of it)" for path in sorted(both[0] & both[1])]
            for table, keys in (("set", set_keys), ("add", add_keys)):
                for key, where, path in resolved_settings(keys, f"{prefix}.{table}", problems):
                    value = keys[key]
                    allowed = (range_problem(path, value) if table == "set" and isinstance(value, (int, float))
                               and not isinstance(value, bool) else None)
                    if allowed:
                        problems.append(f"{where}: {path} = {fmt_value(value)} is not allowed: {allowed}")
                    elif path in TOP_LEVEL_TEXT:  # the arm's own name labels its runs
                        problems.append(f"{where}: {path} labels a run and changes nothing in it (an arm is "
                                        "named by its name = \"...\"): give the arm a setting the runs read")
                    elif table == "add" and setting_kind(path) != "float":
                        problems.append(f"{where}: add works on numeric settings; {path} is not one")
                    elif table == "add" and value == 0:  # (a bool, a text: the line above)
                        problems.append(f"{where}: {path} = 0 is not allowed: adding 0 changes nothing; leave it "
                                        "out (an arm without set or add is the control)")
                    elif randomisation_day > 0 and not changes_during_run(path):
                        problems.append(f"{where}: {path} cannot start at randomisation (day {randomisation_day}): "
                                        f"only settings of {CHANGEABLE_DURING_RUN} change during a run; "
                                        "set cohort.randomisation_day = 0 to apply it from day 0")
    return problems


def shadowed_arm_entries(arms: list[Arm], randomisation_day: int) -> list[str]:
    """An arm's ``set``/``add`` or ``[[arms.schedule]]`` entry whose setting a later entry of the same arm sets
    on every day it is active (without ``end_day``: to the run's end, however long), named as the file names
    them: the runs apply the later entry, so the earlier one never acts (the same rule as a scenario's schedule,
    :func:`.sections.shadowed_schedule_keys`, whose message would number the run's generated entries)."""
    problems: list[str] = []
    forever = 10**9  # an entry without end_day outlasts any run
    for i, arm in enumerate(arms):
        tables = arm_entries(arm_place(i, arm.name), arm, randomisation_day)
        entries = [SimpleNamespace(start_day=start, end_day=end, set={
            path: name for name, keys in (("set", set_keys), ("add", add_keys))
            for _, _, path in resolved_settings(keys, where, [])}) for _, where, start, end, set_keys, add_keys in tables]
        for k, entry in enumerate(entries):
            for path, how in entry.set.items():
                reach, first = schedule_cover(path, entries[k + 1:], entry.start_day, forever)
                if reach >= (entry.end_day or forever):
                    later = tables[k + 1 + first][1]
                    fix = ("each add goes on the patient's own value, not on an earlier entry's: give the sum in one "
                           "entry" if how == "add" and entries[k + 1 + first].set[path] == "add" else
                           "give this entry an end_day before the later one starts, or leave it out")
                    problems.append(f"{tables[k][1]}.{how}: {path} never acts: {later} sets it on every day this "
                                    f"entry is active, and the later entry wins; {fix}")
    return problems


def screening_limit_problems(limit: int | None, patients: int, screens: bool) -> list[str]:
    """``cohort.screening_limit`` caps the candidates screened: without a criterion no one is
    screened out, and below ``patients`` it cannot hold (each patient is a screened candidate)."""
    if limit is not None and not screens:
        return [f"cohort.screening_limit = {limit} is not allowed here: it caps the candidates screened, and "
                "the cohort has no [cohort.inclusion] or [cohort.exclusion] criterion, so every candidate "
                "drawn is randomised; leave it out or add a criterion"]
    if limit is not None and limit < patients:
        return [f"cohort.screening_limit = {limit} is not allowed: must be at least cohort.patients = {patients} "
                "(every randomised patient is a screened candidate)"]
    return []


#: the outcomes ``summarize`` reports for a sweep or a sensitivity screen without ``analysis.outcomes``: each
#: run starts at the steady state of its own values, so a change from day 0 of a blood marker measures
#: nothing there (a cohort's arms start on the randomisation day: the analysis's own default)
STATE_OUTCOMES = {"bmd_change_pct": "final", "dp_ucmgp_pmol_l": "final", "calcification_score": "final"}


def analysis_outcomes(spec: Any) -> dict[str, str]:
    """The outcomes ``summarize`` reports for a batch ``spec``: ``analysis.outcomes`` as given, or its default,
    which for a sweep or a sensitivity screen is :data:`STATE_OUTCOMES`."""
    given = spec.cohort is not None or "outcomes" in spec.analysis.model_fields_set
    return dict(spec.analysis.outcomes) if given else dict(STATE_OUTCOMES)


def analysis_problems(kind: str, arm_names: list[str], analysis: Any) -> list[str]:
    """What is wrong with ``[analysis]`` for a batch of ``kind`` with ``arm_names``: a table only a cohort reads,
    ``control_arm`` with one arm (there is no effect to compare), ``severe_calcification`` in a sensitivity screen (no
    table reads it) and ``tertiles_of`` without it (its tertiles split only the relative risks of severe calcification)."""
    a, problems = analysis, []
    if kind != "cohort" and (a.control_arm or a.tertiles_of):
        problems.append("analysis.control_arm and analysis.tertiles_of belong to a [cohort] batch")
    elif a.control_arm is not None and len(arm_names) == 1:
        problems.append(f"analysis.control_arm = {fmt_value(a.control_arm)} is not allowed with one arm: there is "
                        "no other arm to compare with it; leave it out or add an arm")
    if kind == "sensitivity" and a.severe_calcification is not None:
        problems.append("analysis.severe_calcification is not allowed in a [sensitivity] batch: no table of a "
                        "screen reads it (indices are computed for the outcomes); give its column as an outcome")
    if a.tertiles_of is not None and a.severe_calcification is None:
        problems.append(f"analysis.tertiles_of = {fmt_value(a.tertiles_of)} is not allowed without "
                        "analysis.severe_calcification: its tertiles split only the risk of severe calcification "
                        "(e.g. severe_calcification = { column = \"calcification_score\", above = 100 }); give both, or "
                        "leave tertiles_of out")
    return problems


def published_problems(published: Published, outcomes: dict[str, str], cohort_with_arms: bool) -> list[str]:
    """``[published]`` needs a cohort with two or more arms and one of its outcomes."""
    names = [o if m == "final" else f"{o}_{m}" for o, m in outcomes.items()]
    if not cohort_with_arms:
        return ["[published] belongs to a [cohort] batch with two or more arms"]
    if published.outcome not in names:
        return [f"published.outcome = {fmt_value(published.outcome)} is not allowed: must be one of the "
                f"analysis outcomes ({', '.join(names)})"]
    return []
