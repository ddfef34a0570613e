"""Validated scenarios: who is simulated, on what diet and drugs, for how long.

A scenario is a small TOML file (read with :mod:`tomllib`: it is data and never runs
code) or a mapping with the same layout::

    name = "my_patient"
    description = "One line saying what this is"
    source = "citation the scenario follows"

    [patient]               # age_years, sex, postmenopausal, years_since_menopause,
    sex = "female"          # ckd_stage (0 = normal kidneys), species
    [diet]                  # calcium_mg_per_day, phosphate_mg_per_day,
    mk7_ug_per_day = 90     # vitamin_k1_ug_per_day, mk4_ug_per_day, mk7_ug_per_day
    [drugs]                 # warfarin_mg_per_day, sevelamer_g_per_day, calcium_acetate_g_per_day,
                            # menopausal_hormone_therapy
    [genetics]              # mgp_knockout, osteocalcin_knockout
    [kidney]                # residual_gfr_ml_per_min, gfr_end_ml_per_min, gfr_decline_years
    [dialysis]              # sessions_per_week, session_hours
    [simulation]            # years, seed, bone/vessel grid sizes, record_every_days
    [parameters]            # model constants by name (see calcium_abm.parameters)
    k1_half_life_h = 2.0

    [[schedule]]            # changes during the run (days counted from 0)
    start_day = 365
    end_day = 1460          # optional, exclusive; omitted = until the end of the run
    set = { "diet.mk7_ug_per_day" = 180 }

Every field is typed, finite and range-checked; unknown keys are errors. Anything that does not validate
raises one :class:`~calcium_abm.errors.ScenarioError` whose message names each bad field as a dotted
path, the value given and what is allowed. ``Scenario()`` is the model's default person (the
``healthy_adult`` built-in). A year is 365 days: ``Scenario.days == round(years * 365)``.

Schedule semantics: an entry is *active* on days ``start_day <= day < end_day``; the
effective settings on a day are the base scenario with every active entry's ``set``
applied in file order (:meth:`Scenario.state_at`). The effective settings change only
on the days returned by :meth:`Scenario.schedule_boundaries`.

The pieces live in :mod:`calcium_abm.inputs` (sections, key resolution, the TOML reader,
message wording, the memory check); this module assembles the schema and loads scenarios.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.keys import flatten, parameter_registry, resolve_key, unknown_parameter_hint
from calcium_abm.inputs.memory import BYTES_PER_PATCH_ESTIMATE, check_memory, memory_estimate_bytes
from calcium_abm.inputs.messages import (FORMULA_LEADS, MAX_LISTED_PROBLEMS, PlainDescription, PlainName, counted,
                                         did_you_mean, fmt_num, join_problems, problem_lines, range_text, rule_error,
                                         schedule_label, shorten, unit_suffix)
from calcium_abm.inputs.pydantic_messages import checked_scenario
from calcium_abm.inputs.python_values import plain_overrides
from calcium_abm.inputs.kidney_rules import kidney_conflicts, stage_and_gfr, stage_override_problems
from calcium_abm.inputs.menopause import hormone_therapy_problem
from calcium_abm.inputs.schedule_checks import MAX_SCHEDULE_ENTRIES, inert_schedule_entries, settingless_file_problem
from calcium_abm.inputs.sections import (
    DAYS_PER_YEAR,
    FLAT_KEYS,
    CHANGEABLE_DURING_RUN,
    changes_during_run, end_age_problem, menopause_changes,
    shadowed_file_settings, shadowed_settings, shadowed_schedule_keys,
    Diet, Dialysis, Drugs, Genetics, Kidney, Patient, Simulation,
)
from calcium_abm.inputs.toml_reader import parse_toml, parse_toml_value, read_limited

__all__ = [
    "BUILTIN_SCENARIO_DIR",
    "BYTES_PER_PATCH_ESTIMATE",
    "DAYS_PER_YEAR",
    "FLAT_KEYS",
    "MAX_SCENARIO_BYTES",
    "Diet",
    "Drugs",
    "Genetics",
    "Patient",
    "Scenario",
    "ScheduleEntry",
    "Simulation",
    "builtin_scenario_names",
    "builtin_scenarios",
    "check_memory",
    "load_scenario",
    "looks_like_path",
    "memory_estimate_bytes",
    "parse_scenario_toml",
    "parse_set_option",
    "parse_value",
    "resolve_key",
]

#: The built-in scenarios: package data of :mod:`calcium_abm` (``calcium_abm/scenarios/*.toml``).
BUILTIN_SCENARIO_DIR: Traversable = resources.files("calcium_abm") / "scenarios"
MAX_SCENARIO_BYTES = 1024 * 1024  # scenario files and uploads


# --------------------------------------------------------------------------- schedule
class ScheduleEntry(BaseModel):
    """One change during the run: ``set`` applies on days ``start_day <= day < end_day``. ``set`` keys are
    normalised to dotted paths (``diet.mk7_ug_per_day``); :class:`Scenario` checks the values on a copy of itself.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    start_day: int = Field(ge=0)
    end_day: int | None = None
    set: dict[str, Any] = Field(min_length=1)

    @field_validator("set", mode="before")
    @classmethod
    def _resolve_set_keys(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value  # pydantic reports the type error
        problems, out = [], {}
        for key, val in flatten(value).items():
            try:
                path = resolve_key(key)
            except ScenarioError as exc:
                problems.append(f"set: {exc}")
                continue
            if path in out:
                problems.append(f"set: '{key}' sets {path}, as another key of this entry does: give it once")
                continue
            if not changes_during_run(path):
                problems.append(
                    f"set: '{key}' cannot change during a run: a schedule may set keys of "
                    f"{CHANGEABLE_DURING_RUN}"
                )
                continue
            out[path] = val
        if problems:
            raise rule_error("\n".join(problems))
        return out

    @model_validator(mode="after")
    def _end_after_start(self) -> ScheduleEntry:
        if self.end_day is not None and self.end_day <= self.start_day:
            raise rule_error(f"end_day = {self.end_day} is not allowed: must be after start_day ({self.start_day})")
        return self

    def active_on(self, day: int) -> bool:
        return self.start_day <= day and (self.end_day is None or day < self.end_day)


# --------------------------------------------------------------------------- scenario


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    section, dot, field = path.partition(".")
    if not dot:
        data[section] = value
        return
    if (table := data.get(section)) is not None and not isinstance(table, Mapping):
        return  # `simulation = 5` stays to be refused (replaced by the override's table, a malformed file ran)
    data[section] = {**(table or {}), field: value}




class Scenario(BaseModel):
    """A whole, validated scenario (immutable). Build with :func:`load_scenario` or ``Scenario(diet={...})``
    (bad data: the same ScenarioError; ``Scenario.model_validate`` keeps pydantic's ValidationError)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    name: PlainName = Field("custom", min_length=1, max_length=200)  # printed: no control characters
    description: PlainDescription = Field("", max_length=2000)
    source: PlainDescription = Field("", max_length=2000)
    patient: Patient = Patient()
    diet: Diet = Diet()
    drugs: Drugs = Drugs()
    genetics: Genetics = Genetics()
    kidney: Kidney = Kidney()
    dialysis: Dialysis = Dialysis()
    simulation: Simulation = Simulation()
    parameters: dict[str, Annotated[float, Field(allow_inf_nan=False)]] = Field(default_factory=dict)
    # TOML gives a list; at most MAX_SCHEDULE_ENTRIES (its checks cost ~n^2: 2,000 entries took 16 s, 15,000 hung)
    schedule: tuple[ScheduleEntry, ...] = Field((), strict=False, max_length=MAX_SCHEDULE_ENTRIES)

    def __init__(self, /, **data: Any) -> None:  # bad data: load_scenario's one ScenarioError, not pydantic's
        checked_scenario(lambda plain: super(Scenario, self).__init__(**plain), data, Scenario)
    __init__.__pydantic_base_init__ = True  # as RootModel's: model_validate validates without calling it

    @field_validator("parameters", mode="before")
    @classmethod
    def _known_parameter_names(cls, value: Any) -> Any:
        """Unknown names first, whatever their values (``[parameters.x]`` is no parameter, not a bad number)."""
        registry, names = parameter_registry(), value if isinstance(value, dict) else {}
        unknown = [name for name in names if name not in registry]  # a hint only where the message lists it
        if problems := [f"unknown key 'parameters.{shorten(name)}'{unknown_parameter_hint(name) if i < MAX_LISTED_PROBLEMS else ''}"
                        for i, name in enumerate(unknown)]:
            raise rule_error("\n".join(problems))
        return value

    @field_validator("parameters", mode="after")
    @classmethod
    def _known_parameters_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            return value
        registry, problems = parameter_registry(), []
        for name, val in value.items():  # every name is known (_known_parameter_names)
            p = registry[name]
            if not (p.minimum <= val <= p.maximum):
                problems.append(f"parameters.{name} = {fmt_num(val)} is not allowed: "
                                f"{range_text(p.minimum, p.maximum, unit_suffix(p.unit))}")
        if not problems:  # every name known and in range: now the rules between fields
            from calcium_abm.physiology import MODULES, parameter_conflicts, parameter_set
            model_names = {q.name for mod in MODULES for q in getattr(mod, "PARAMETERS", ())}
            if set(registry) == model_names:  # the model's registry (a test may install one of its own)
                problems = [f"parameters: {message}" for message in parameter_conflicts(parameter_set(value))]
        if problems:
            raise rule_error("\n".join(problems))
        return value

    @model_validator(mode="after")
    def _settings_agree(self) -> Scenario:
        problems = kidney_conflicts(self.patient.ckd_stage, self.kidney, self.dialysis) + [problem for problem in (
            hormone_therapy_problem(self.patient, self.drugs),
            end_age_problem(self.patient.age_years, self.simulation.years, self.days, self.patient.species)) if problem]
        if problems:
            raise rule_error("\n".join(problems))
        return self

    @model_validator(mode="after")
    def _schedule_fits(self) -> Scenario:
        if not self.schedule:
            return self
        problems: list[str] = []
        for i, entry in enumerate(self.schedule):
            if entry.start_day >= self.days:
                problems.append(
                    f"schedule entry {i + 1}: start_day = {entry.start_day} is not allowed: the "
                    f"run simulates {counted(self.days, 'day')}, so a change can start on days 0 to {self.days - 1} (the last "
                    f"recorded row, day {self.days}, is the state after the last day: nothing starts on it)"
                )
        problems += shadowed_schedule_keys(self.schedule, self.days)
        if problems:
            raise rule_error("\n".join(problems))
        # Validate the effective settings wherever they change: each value is checked as
        # if it were in the file, together with the other entries active on that day, and
        # against the day before (what may not change during a run: menopause_changes).
        boundaries = self.schedule_boundaries()
        previous = None if boundaries[:1] == [0] else self.state_at(0)
        for day in boundaries:
            try:
                state = self.state_at(day)
                changed = menopause_changes(previous.patient, state.patient) if previous is not None else []
                previous = state
                if changed:
                    raise ScenarioError("\n".join(changed))
            except ScenarioError as exc:
                label = schedule_label(self.schedule, day)
                for line in problem_lines(str(exc)):
                    if not any(p.endswith(line) for p in problems):
                        problems.append(f"{label}: {line}")
        if problems:
            raise rule_error("\n".join(problems))
        return self

    # -- derived values ---------------------------------------------------------------

    @property
    def days(self) -> int:
        """Length of the run in days (a year is 365 days)."""
        return round(self.simulation.years * DAYS_PER_YEAR)

    def schedule_boundaries(self) -> list[int]:
        """Days (within the run, after day 0) on which the effective settings change."""
        days = {e.start_day for e in self.schedule} | {
            e.end_day for e in self.schedule if e.end_day is not None
        }
        return sorted(d for d in days if 0 <= d < self.days)

    def state_at(self, day: int, entries: int | None = None) -> Scenario:
        """The effective settings on ``day``: active schedule entries (the first ``entries`` if given) applied
        in order. The result has an empty schedule; without active entries it is the scenario minus its schedule."""
        changes: dict[str, Any] = {}
        for entry in self.schedule[:entries]:
            if entry.active_on(day):
                changes.update(entry.set)
        if changes.get("patient.postmenopausal"):  # an induced menopause replaces the planned one
            changes.setdefault("patient.age_at_final_menstrual_period", None)
        return self._apply(changes)

    def _apply(self, changes: Mapping[str, Any], keep_schedule: bool = False) -> Scenario:
        data = self.model_dump(exclude_defaults=False)
        if not keep_schedule:
            data["schedule"] = []
        for path, value in changes.items():
            _set_path(data, path, value)
        return _validate(data)

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with ``overrides`` (dotted or flat keys, :func:`resolve_key`) applied. Raises
        :class:`ScenarioError`, also for a value the schedule overrides daily (:func:`.sections.shadowed_settings`)."""
        if not overrides:
            return self
        changes = resolve_overrides(overrides)
        if problems := [*stage_override_problems(changes, self.patient.ckd_stage, self.kidney.residual_gfr_ml_per_min,
                                                 scenario := self._apply(changes, True)),
                        *shadowed_settings(changes, scenario.schedule, scenario.days)]:
            raise ScenarioError(join_problems(problems))
        return scenario

    def with_schedule(self, entries: list[Mapping[str, Any]]) -> Scenario:
        """A new validated scenario with ``entries`` (``{"start_day", "end_day", "set"}``
        mappings, as in ``[[schedule]]``) appended after its own schedule entries.
        Raises :class:`ScenarioError`."""
        if not entries:
            return self
        data = self.model_dump(exclude_defaults=False)
        data["schedule"] = [*data["schedule"], *(dict(e) for e in entries)]
        return _validate(data)

    # -- TOML -------------------------------------------------------------------------

    def to_toml(self) -> str:
        """TOML text (written by ``tomli-w``) that :func:`load_scenario` reads back to an
        equal scenario."""
        data = self.model_dump(mode="python")
        data["schedule"] = [{k: v for k, v in e.items() if v is not None} for e in data["schedule"]]
        for section in ("patient", "kidney"):  # unmeasured baselines, no residual GFR given
            data[section] = {k: v for k, v in data[section].items() if v is not None}
        if not data["schedule"]:
            del data["schedule"]
        if not data["parameters"]:
            del data["parameters"]
        return tomli_w.dumps(data)


def _validate(data: Mapping[str, Any], origin: str | None = None) -> Scenario:
    """Validate a mapping into a Scenario; all problems in one ScenarioError."""
    return checked_scenario(Scenario.model_validate, data, Scenario, origin)


# ---------------------------------------------------------------------------- loading


def resolve_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``overrides`` keyed by dotted path (:func:`resolve_key`), in the given order.

    Raises :class:`ScenarioError` listing every unknown key and every path set twice
    (``mk7_ug_per_day`` and ``diet.mk7_ug_per_day`` together).
    """
    resolved: dict[str, Any] = {}
    problems = []
    for key, value in plain_overrides(overrides).items():
        try:
            path = resolve_key(key)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        if path in resolved:
            problems.append(f"'{key}' sets {path} a second time")
        resolved[path] = value
    if problems:
        raise ScenarioError(join_problems(problems))
    return resolved


def _validate_raw(table: Mapping[str, Any], overrides: Mapping[str, Any] | None, origin: str | None = None,
                  written_out: bool = False) -> Scenario:
    """``table`` (a scenario mapping) validated with ``overrides`` (keys as for :meth:`Scenario.with_overrides`)
    written in first, so whole-scenario checks see them; a setting its schedule overrides daily, or a schedule entry
    that changes nothing (:func:`.schedule_checks.inert_schedule_entries`; not in a batch's runs), is refused."""
    data = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in table.items()}
    before = stage_and_gfr(data)  # as the file gives them, without the overrides
    for path, value in (changes := resolve_overrides(overrides or {})).items():
        _set_path(data, path, value)
    scenario = _validate(data, origin)
    if not written_out and (problems := stage_override_problems(changes, *before, scenario)
                            or shadowed_file_settings(data, scenario.schedule, scenario.days)
                            or inert_schedule_entries(scenario)):
        raise ScenarioError(join_problems(problems, origin))
    return scenario


def parse_scenario_toml(data: bytes | str, origin: str = "scenario", default_name: str | None = None,
                        overrides: Mapping[str, Any] | None = None, written_out: bool = False) -> Scenario:
    """Validate a scenario from TOML text or bytes (e.g. an upload).

    ``origin`` names it in error messages; ``default_name`` is used when it has no ``name``;
    ``overrides`` (as for :meth:`Scenario.with_overrides`) apply before validation. ``written_out``: the
    text is :meth:`Scenario.to_toml`'s (every field given), so no value in it is refused as one its
    schedule overrides on every day (:func:`.sections.shadowed_file_settings`).
    Raises :class:`ScenarioError` (see :func:`calcium_abm.inputs.toml_reader.parse_toml`; also if empty).
    """
    table = parse_toml(data, origin, MAX_SCENARIO_BYTES, ScenarioError, "scenario")
    if problem := settingless_file_problem(table, overrides):  # the wrong file, or not yet saved: no scenario
        raise ScenarioError(f"{origin}: {problem}")
    if default_name and "name" not in table:  # a file's name, not the user's text: made safe, not refused
        table["name"] = f"_{default_name}" if default_name.startswith(FORMULA_LEADS) else default_name
    return _validate_raw(table, overrides, origin, written_out)


def builtin_scenario_names() -> list[str]:
    """The names (file stems) of the built-in scenarios, sorted."""
    return sorted(p.name.removesuffix(".toml") for p in BUILTIN_SCENARIO_DIR.iterdir() if p.name.endswith(".toml"))


def builtin_scenario_text(name: str) -> str | None:
    """The TOML text of built-in scenario ``name``, or None if there is none."""
    if name not in builtin_scenario_names():
        return None
    return (BUILTIN_SCENARIO_DIR / f"{name}.toml").read_text("utf-8")


def builtin_scenarios() -> dict[str, str]:
    """Built-in scenario names (file stems) -> one-line descriptions, sorted by name."""
    out = {}
    for name in builtin_scenario_names():
        table = parse_toml(builtin_scenario_text(name) or "", name, MAX_SCENARIO_BYTES, ScenarioError, "scenario")
        out[name] = str(table.get("description", "")).strip().split("\n")[0]
    return out


def looks_like_path(text: str) -> bool:
    """True if ``text`` names a file rather than a built-in scenario (a folder, or a suffix such as .yaml)."""
    return os.sep in text or "/" in text or text.startswith(".") or 1 < len(Path(text).suffix) <= 6


def load_scenario(source: Scenario | Mapping[str, Any] | str | os.PathLike,
                  overrides: Mapping[str, Any] | None = None) -> Scenario:
    """A validated scenario from a Scenario, a mapping, a built-in name or a .toml path.

    ``overrides`` (dotted or flat keys, as for :meth:`Scenario.with_overrides`) are applied
    *before* the whole scenario is checked, so ``overrides={"simulation.years": 11}``
    admits a schedule entry on day 3650 in a file of 5 years. A file without a ``name``
    gets its file stem as name. Raises :class:`ScenarioError`.
    """
    if isinstance(source, Scenario):
        return source.with_overrides(overrides) if overrides else source
    if isinstance(source, Mapping):
        return _validate_raw(source, overrides)
    if isinstance(source, str) and not looks_like_path(source):
        text = builtin_scenario_text(source)
        if text is not None:
            return parse_scenario_toml(text, source, overrides=overrides)
        with contextlib.suppress(OSError):  # e.g. a name too long for a file name
            if source and Path(source).exists():  # a file (a folder, a FIFO: refused as such) without .toml; "" is "."
                return _load_file(Path(source), overrides)
        names = builtin_scenario_names()
        raise ScenarioError(
            f"unknown scenario '{shorten(source)}'{did_you_mean(source, names)} "
            f"(built-in scenarios: {', '.join(names)}; or give the path of a .toml file)"
        )
    if isinstance(source, (str, os.PathLike)):
        return _load_file(Path(source), overrides)
    raise ScenarioError(
        f"cannot load a scenario from {type(source).__name__}: give a built-in name, a .toml path or a mapping"
    )


def _load_file(path: Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    data = read_limited(path, MAX_SCENARIO_BYTES, ScenarioError, "scenario file")
    return parse_scenario_toml(data, str(path), default_name=path.stem[:200] or None, overrides=overrides)


# ------------------------------------------------------------------------ CLI helpers


def parse_set_option(text: str) -> tuple[str, Any]:
    """``"key=value"`` -> ``(key, value)`` for ``--set``.

    The value is read as a TOML value (``180``, ``true``, ``"female"``, ``1e3``, ``nan``);
    a bare word that is not valid TOML is taken as a string (``sex=female``). The key is
    returned as given; resolve it with :func:`resolve_key`. A value on more than one line
    is refused (everything after the newline would be lost).
    """
    key, eq, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    shown = shorten(text)
    if not eq or not key:
        raise ScenarioError(f"--set {shown!r} is not allowed: must be key=value, e.g. --set mk7_ug_per_day=180")
    if "\n" in text or "\r" in text:
        raise ScenarioError(f"--set {shown!r} is not allowed: it spans more than one line; "
                            "give each setting its own --set key=value")
    if not raw:
        raise ScenarioError(f"--set {shown!r} is not allowed: the value after '=' is empty")
    return key, parse_value(raw, f"--set {shorten(key)}")


def parse_value(raw: str, field: str = "value") -> Any:
    """A command-line value read as TOML, or as a plain string if it is not TOML.

    ``field`` names the value in messages. Raises :class:`ScenarioError` for a value on
    several lines, an integer of more than 4,300 digits or nesting that is too deep.
    """
    return parse_toml_value(raw, field, ScenarioError)
