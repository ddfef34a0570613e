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
    [drugs]                 # warfarin_mg_per_day
    [genetics]              # mgp_knockout, osteocalcin_knockout
    [simulation]            # years, seed, bone/vessel grid sizes, record_every_days
    [parameters]            # model constants by name (see calcium_abm.parameters)
    k1_half_life_h = 2.0

    [[schedule]]            # changes during the run (days counted from 0)
    start_day = 365
    end_day = 1460          # optional, exclusive; omitted = until the end of the run
    set = { "diet.mk7_ug_per_day" = 180 }

Every field is typed, finite and range-checked; unknown keys are errors. Anything that
does not validate raises one :class:`~calcium_abm.errors.ScenarioError` whose message
names each bad field as a dotted path, the value given and what is allowed.

A year is 365 days: ``Scenario.days == round(years * 365)``.

Schedule semantics: an entry is *active* on days ``start_day <= day < end_day``; the
effective settings on a day are the base scenario with every active entry's ``set``
applied in file order (:meth:`Scenario.state_at`). The effective settings change only
on the days returned by :meth:`Scenario.schedule_boundaries`.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from calcium_abm.errors import ScenarioError

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
    "builtin_scenarios",
    "check_memory",
    "load_scenario",
    "parse_scenario_toml",
    "parse_set_option",
    "resolve_key",
]

BUILTIN_SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DAYS_PER_YEAR = 365
MAX_SCENARIO_BYTES = 1024 * 1024  # scenario files and uploads
BYTES_PER_PATCH_ESTIMATE = 400  # per grid patch, bone and vessel grids together
RECORDED_COLUMNS_ESTIMATE = 60  # columns of the daily output table, 8 bytes each
MEMORY_FRACTION = 0.8  # share of the available memory a run may plan to use

_RULE = "scenario_rule"  # pydantic error type for our own, pre-formatted messages


# ----------------------------------------------------------------------------- fields


def _num(default: float, lo: float, hi: float, unit: str, *, gt: bool = False) -> Any:
    """A finite float field in [lo, hi] (or (lo, hi] with ``gt``), with its unit."""
    bounds = {"gt": lo} if gt else {"ge": lo}
    return Field(default, le=hi, allow_inf_nan=False, json_schema_extra={"unit": unit}, **bounds)


def _int(default: int, lo: int, hi: int | None = None) -> Any:
    return Field(default, ge=lo, le=hi)


class _Section(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Patient(_Section):
    """Who is simulated."""

    age_years: float = _num(50.0, 0, 120, "years")
    sex: Literal["female", "male"] = "male"
    postmenopausal: bool = False
    years_since_menopause: float = _num(0.0, 0, 60, "years")
    ckd_stage: int = _int(0, 0, 5)  # 0 = normal kidney function
    species: Literal["human", "rat", "mouse"] = "human"  # rodent presets for validation rows

    @model_validator(mode="after")
    def _menopause_needs_female(self) -> Patient:
        if self.postmenopausal and self.sex != "female":
            raise PydanticCustomError(
                _RULE,
                "{text}",
                {
                    "text": "patient.postmenopausal = true is not allowed with "
                    f'patient.sex = "{self.sex}": only a female patient can be postmenopausal'
                },
            )
        return self


class Diet(_Section):
    """Daily intakes."""

    calcium_mg_per_day: float = _num(1000.0, 0, 5000, "mg/day")
    # below ~100 mg/day the quasi-steady phosphate balance (absorbed = renal clearance x Pi)
    # has no physiological meaning: bone and cells would supply phosphate
    phosphate_mg_per_day: float = _num(1200.0, 100, 5000, "mg/day")
    vitamin_k1_ug_per_day: float = _num(100.0, 0, 100000, "µg/day")
    mk4_ug_per_day: float = _num(15.0, 0, 100000, "µg/day")
    mk7_ug_per_day: float = _num(5.0, 0, 10000, "µg/day")


class Drugs(_Section):
    warfarin_mg_per_day: float = _num(0.0, 0, 100, "mg/day")


class Genetics(_Section):
    mgp_knockout: bool = False
    osteocalcin_knockout: bool = False


class Simulation(_Section):
    """How long and how finely to simulate."""

    years: float = _num(10.0, 0, 100, "years", gt=True)
    seed: int = _int(42, 0)
    bone_grid_width: int = _int(64, 8, 4096)
    bone_grid_height: int = _int(64, 8, 4096)
    vessel_grid_width: int = _int(64, 8, 4096)
    vessel_grid_height: int = _int(64, 8, 4096)
    record_every_days: int = _int(1, 1)


_SECTIONS: dict[str, type[_Section]] = {
    "patient": Patient,
    "diet": Diet,
    "drugs": Drugs,
    "genetics": Genetics,
    "simulation": Simulation,
}
_TOP_LEVEL_STR = ("name", "description", "source")
#: Sections a ``[[schedule]]`` entry may change.
SCHEDULABLE = ("patient", "diet", "drugs", "genetics", "parameters")

#: Flat field name -> dotted path, for every section field (names are unique).
FLAT_KEYS: dict[str, str] = {
    field: f"{section}.{field}" for section, model in _SECTIONS.items() for field in model.model_fields
}
assert len(FLAT_KEYS) == sum(len(m.model_fields) for m in _SECTIONS.values()), "flat names clash"


def _registry() -> dict:
    # Lazy: the registry imports the physiology modules (and numba), which the CLI's
    # --help and the scenario schema do not need.
    from calcium_abm.physiology import parameter_registry

    return parameter_registry()


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def resolve_key(key: str) -> str:
    """The dotted path for an override key.

    Accepts dotted paths (``diet.mk7_ug_per_day``, ``parameters.k1_half_life_h``), flat
    section field names (``mk7_ug_per_day``), bare parameter names (``k1_half_life_h``) and
    the top-level ``name``/``description``/``source``. A flat section field name wins over
    a parameter of the same name. Raises :class:`ScenarioError` with a did-you-mean.
    """
    if not isinstance(key, str) or not key.strip():
        raise ScenarioError(f"unknown key {key!r}: an override key must be a non-empty name")
    key = key.strip()
    if key in _TOP_LEVEL_STR:
        return key
    if key in FLAT_KEYS:
        return FLAT_KEYS[key]
    section, dot, field = key.partition(".")
    if dot:
        if section in _SECTIONS and field in _SECTIONS[section].model_fields:
            return key
        if section == "parameters" and field in _registry():
            return key
    elif key in _registry():
        return f"parameters.{key}"
    known = [*_TOP_LEVEL_STR, *FLAT_KEYS.values(), *(f"parameters.{p}" for p in _registry())]
    if not dot:
        known += [*FLAT_KEYS, *_registry()]
    hint = _did_you_mean(key, known)
    if not hint and dot and section not in (*_SECTIONS, "parameters"):
        hint = f" — sections are {', '.join(sorted([*_SECTIONS, 'parameters']))}"
    raise ScenarioError(f"unknown key '{key}'{hint}")


# --------------------------------------------------------------------------- schedule


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"diet": {"mk7_ug_per_day": 1}}`` -> ``{"diet.mk7_ug_per_day": 1}``.

    TOML turns an unquoted ``diet.mk7_ug_per_day = 1`` inside an inline table into a
    nested table; both spellings are accepted.
    """
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, path + "."))
        else:
            out[path] = value
    return out


class ScheduleEntry(BaseModel):
    """One change during the run: ``set`` applies on days ``start_day <= day < end_day``.

    ``set`` keys are normalised to dotted paths (``diet.mk7_ug_per_day``); their values
    are checked by :class:`Scenario`, which applies them to a copy of itself.
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
        for key, val in _flatten(value).items():
            try:
                path = resolve_key(key)
            except ScenarioError as exc:
                problems.append(f"set: {exc}")
                continue
            if path.split(".")[0] not in SCHEDULABLE:
                problems.append(
                    f"set: '{key}' cannot change during a run: a schedule may set keys of "
                    f"{', '.join(SCHEDULABLE)}"
                )
                continue
            out[path] = val
        if problems:
            raise PydanticCustomError(_RULE, "{text}", {"text": "\n".join(problems)})
        return out

    @model_validator(mode="after")
    def _end_after_start(self) -> ScheduleEntry:
        if self.end_day is not None and self.end_day <= self.start_day:
            raise PydanticCustomError(
                _RULE,
                "{text}",
                {
                    "text": f"end_day = {self.end_day} is not allowed: must be after "
                    f"start_day ({self.start_day})"
                },
            )
        return self

    def active_on(self, day: int) -> bool:
        return self.start_day <= day and (self.end_day is None or day < self.end_day)


# --------------------------------------------------------------------------- scenario


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    section, dot, field = path.partition(".")
    if not dot:
        data[section] = value
        return
    table = data.get(section)
    table = dict(table) if isinstance(table, Mapping) else {}
    table[field] = value
    data[section] = table


class Scenario(BaseModel):
    """A whole, validated scenario (immutable). Build with :func:`load_scenario`."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    name: str = Field("custom", min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    source: str = Field("", max_length=2000)
    patient: Patient = Patient()
    diet: Diet = Diet()
    drugs: Drugs = Drugs()
    genetics: Genetics = Genetics()
    simulation: Simulation = Simulation()
    parameters: dict[str, Annotated[float, Field(allow_inf_nan=False)]] = Field(default_factory=dict)
    schedule: tuple[ScheduleEntry, ...] = Field((), strict=False)  # TOML gives a list

    @field_validator("parameters", mode="after")
    @classmethod
    def _known_parameters_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            return value
        registry = _registry()
        problems = []
        for name, val in value.items():
            p = registry.get(name)
            if p is None:
                known = [f"parameters.{k}" for k in registry]
                hint = _did_you_mean(f"parameters.{name}", known)
                problems.append(f"unknown key 'parameters.{name}'{hint}")
            elif not (p.minimum <= val <= p.maximum):
                problems.append(
                    f"parameters.{name} = {_fmt_num(val)} is not allowed: "
                    f"{_range_text(p.minimum, p.maximum, _unit_suffix(p.unit))}"
                )
        if problems:
            raise PydanticCustomError(_RULE, "{text}", {"text": "\n".join(problems)})
        return value

    @model_validator(mode="after")
    def _schedule_fits(self) -> Scenario:
        if not self.schedule:
            return self
        problems: list[str] = []
        for i, entry in enumerate(self.schedule):
            if entry.start_day >= self.days:
                problems.append(
                    f"schedule entry {i + 1}: start_day = {entry.start_day} is not allowed: the "
                    f"run lasts {self.days} days (days 0 to {self.days - 1})"
                )
        if problems:
            raise PydanticCustomError(_RULE, "{text}", {"text": "\n".join(problems)})
        # Validate the effective settings wherever they change: each value is checked as
        # if it were in the file, together with the other entries active on that day.
        for day in self.schedule_boundaries():
            try:
                self.state_at(day)
            except ScenarioError as exc:
                active = [(i + 1, e) for i, e in enumerate(self.schedule) if e.active_on(day)]
                if len(active) == 1:
                    label = f"schedule entry {active[0][0]} (start_day = {active[0][1].start_day})"
                else:
                    numbers = ", ".join(str(n) for n, _ in active)
                    label = f"schedule on day {day} (entries {numbers} active)"
                for line in _problem_lines(exc):
                    if not any(p.endswith(line) for p in problems):
                        problems.append(f"{label}: {line}")
        if problems:
            raise PydanticCustomError(_RULE, "{text}", {"text": "\n".join(problems)})
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

    def state_at(self, day: int) -> Scenario:
        """The effective settings on ``day``: active schedule entries applied in order.

        The result has an empty schedule. Without active entries it equals the scenario
        minus its schedule.
        """
        changes: dict[str, Any] = {}
        for entry in self.schedule:
            if entry.active_on(day):
                changes.update(entry.set)
        return self._apply(changes)

    def _apply(self, changes: Mapping[str, Any], keep_schedule: bool = False) -> Scenario:
        data = self.model_dump(exclude_defaults=False)
        if not keep_schedule:
            data["schedule"] = []
        for path, value in changes.items():
            _set_path(data, path, value)
        return _validate(data)

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with ``overrides`` applied.

        Keys are dotted (``diet.mk7_ug_per_day``, ``simulation.years``,
        ``parameters.<name>``) or flat (``mk7_ug_per_day``, a bare parameter name); see
        :func:`resolve_key`. Raises :class:`ScenarioError`.
        """
        if not overrides:
            return self
        resolved: dict[str, Any] = {}
        problems = []
        for key, value in overrides.items():
            try:
                path = resolve_key(key)
            except ScenarioError as exc:
                problems.append(str(exc))
                continue
            if path in resolved:
                problems.append(f"'{key}' sets {path} a second time")
            resolved[path] = value
        if problems:
            raise ScenarioError(_join_problems(problems))
        return self._apply(resolved, keep_schedule=True)

    # -- TOML -------------------------------------------------------------------------

    def to_toml(self) -> str:
        """TOML text that :func:`load_scenario` reads back to an equal scenario."""
        lines = [f"{key} = {_toml_value(getattr(self, key))}" for key in _TOP_LEVEL_STR]
        for section in _SECTIONS:
            lines += ["", f"[{section}]"]
            model = getattr(self, section)
            lines += [f"{f} = {_toml_value(getattr(model, f))}" for f in type(model).model_fields]
        if self.parameters:
            lines += ["", "[parameters]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in self.parameters.items()]
        for entry in self.schedule:
            lines += ["", "[[schedule]]", f"start_day = {entry.start_day}"]
            if entry.end_day is not None:
                lines.append(f"end_day = {entry.end_day}")
            pairs = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in entry.set.items())
            lines.append(f"set = {{ {pairs} }}")
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- TOML out

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(text: str) -> str:
    """A TOML basic string (control characters and DEL escaped)."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to TOML")
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


# ------------------------------------------------------------------- error formatting


def _fmt_num(x: float) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)


def _fmt_value(value: Any) -> str:
    """A value as the user would have written it in TOML (shortened)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = "nan" if math.isnan(value) else ("inf" if value == math.inf else repr(value))
        text = "-inf" if value == -math.inf else text
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, Mapping):
        text = "a table {...}"
    elif isinstance(value, (list, tuple)):
        text = "a list [...]"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unit_suffix(unit: str) -> str:
    if unit in ("", "-"):
        return ""
    return f" ({unit})" if unit[0].isdigit() else f" {unit}"


def _range_text(lo: float | None, hi: float | None, unit: str, *, lo_open: bool = False) -> str:
    hi = None if hi is not None and math.isinf(hi) else hi
    lo = None if lo is not None and math.isinf(lo) else lo
    if lo is not None and hi is not None:
        if lo_open:
            return f"must be more than {_fmt_num(lo)} and at most {_fmt_num(hi)}{unit}"
        return f"must be between {_fmt_num(lo)} and {_fmt_num(hi)}{unit}"
    if lo is not None:
        return f"must be {'more than' if lo_open else 'at least'} {_fmt_num(lo)}{unit}"
    if hi is not None:
        return f"must be at most {_fmt_num(hi)}{unit}"
    return "must be a finite number"


def _allowed(model: type[BaseModel] | None, field: str | None) -> str:
    """What a field accepts, in words (``must be an integer from 0 to 5``)."""
    info = model.model_fields.get(field) if (model is not None and field) else None
    if info is None:
        return ""
    lo = hi = None
    lo_open = False
    for m in info.metadata:
        if getattr(m, "ge", None) is not None:
            lo = m.ge
        if getattr(m, "gt", None) is not None:
            lo, lo_open = m.gt, True
        if getattr(m, "le", None) is not None:
            hi = m.le
    ann = info.annotation
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    unit = _unit_suffix(str(extra.get("unit", "")))
    if ann is bool:
        return "must be true or false"
    if ann is int or ann == (int | None):
        if lo is not None and hi is not None:
            return f"must be an integer from {lo} to {hi}"
        return f"must be an integer, {lo} or more" if lo is not None else "must be an integer"
    if ann is float:
        return _range_text(lo, hi, unit, lo_open=lo_open)
    if ann is str:
        return "must be a text string"
    args = getattr(ann, "__args__", ())
    if args and all(isinstance(a, str) for a in args):  # Literal
        return "must be one of " + ", ".join(json.dumps(a) for a in args)
    return ""


def _locate(loc: tuple) -> tuple[str, str, type[BaseModel] | None, str | None]:
    """(prefix, dotted path, model, field) for a pydantic error location."""
    if loc and loc[0] == "schedule" and len(loc) >= 2 and isinstance(loc[1], int):
        prefix = f"schedule entry {loc[1] + 1}: "
        rest = [str(x) for x in loc[2:]]
        field = rest[0] if rest else None
        return prefix, ".".join(rest) or "schedule", ScheduleEntry, field
    path = ".".join(str(x) for x in loc)
    if len(loc) == 2 and loc[0] == "parameters":
        return "", path, None, str(loc[1])
    if len(loc) == 2 and loc[0] in _SECTIONS:
        return "", path, _SECTIONS[loc[0]], str(loc[1])
    if len(loc) == 1:
        return "", path, Scenario, str(loc[0])
    return "", path, None, None


_TYPE_WORDS = {
    "int_type": "must be an integer",
    "int_from_float": "must be an integer",
    "int_parsing": "must be an integer",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a text string",
}


def _error_line(err: Mapping[str, Any]) -> str:
    kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
    if kind == _RULE:
        text = err["ctx"]["text"] if err.get("ctx") else err["msg"]
        if loc and loc[0] == "schedule" and len(loc) >= 2 and isinstance(loc[1], int):
            prefix = f"schedule entry {loc[1] + 1}: "
            return "\n".join(prefix + line for line in text.split("\n"))
        return text
    prefix, path, model, field = _locate(loc)
    if kind == "extra_forbidden":
        section = loc[-2] if len(loc) >= 2 else None
        if model is ScheduleEntry:
            choices = list(ScheduleEntry.model_fields)
        elif isinstance(section, str) and section in _SECTIONS:
            choices = list(_SECTIONS[section].model_fields)
        else:
            choices = list(Scenario.model_fields)
        parent = path.rpartition(".")[0]
        full = [f"{parent}.{c}" if parent else c for c in choices]
        hint = _did_you_mean(path, full)
        if not hint:
            where = f"[{section}]" if isinstance(section, str) else "the top level"
            where = "[[schedule]]" if model is ScheduleEntry else where
            hint = f" — {where} accepts {', '.join(choices)}"
        return f"{prefix}unknown key '{path}'{hint}"
    if kind == "missing":
        return f"{prefix}{path} is missing: {_allowed(model, field) or 'it is required'}"
    allowed = _allowed(model, field)
    if loc and loc[0] == "parameters" and len(loc) == 2:
        p = _registry().get(str(loc[1]))
        allowed = _range_text(p.minimum, p.maximum, _unit_suffix(p.unit)) if p else ""
    if kind == "finite_number":
        rng = f" ({allowed.removeprefix('must be ')})" if allowed.startswith("must be between") else ""
        allowed = "must be a finite number" + rng
    elif kind in _TYPE_WORDS and not allowed.startswith(_TYPE_WORDS[kind]):
        word = _TYPE_WORDS[kind]
        allowed = word if not allowed else f"{word} ({allowed.removeprefix('must be ')})"
    elif kind == "string_too_short":
        allowed = "must not be empty"
    elif kind == "string_too_long":
        allowed = f"must be at most {err['ctx']['max_length']} characters"
    elif kind == "dict_type" and field == "set":
        allowed = 'must be a table such as { "diet.mk7_ug_per_day" = 180 }'
    elif kind in ("model_type", "dict_type"):
        allowed = f"must be a table ([{path}] section)"
    elif kind in ("tuple_type", "list_type"):
        allowed = "must be a list of [[schedule]] tables"
    elif kind in ("too_short", "too_long") and field == "set":
        allowed = "must set at least one value, e.g. set = { \"diet.mk7_ug_per_day\" = 180 }"
    elif not allowed:
        allowed = err["msg"][0].lower() + err["msg"][1:]
    return f"{prefix}{path} = {_fmt_value(value)} is not allowed: {allowed}"


def _join_problems(lines: list[str], origin: str | None = None) -> str:
    lines = [ln for chunk in lines for ln in chunk.split("\n")]
    where = f"{origin}: " if origin else ""
    if len(lines) == 1:
        return where + lines[0]
    head = f"{origin} has {len(lines)} problems:" if origin else f"{len(lines)} problems:"
    return head + "\n" + "\n".join(f"  - {ln}" for ln in lines)


def _problem_lines(exc: ScenarioError) -> list[str]:
    """The individual problem lines of a ScenarioError made by :func:`_join_problems`."""
    lines = str(exc).split("\n")
    if len(lines) > 1 and lines[0].endswith("problems:"):
        return [ln.removeprefix("  - ") for ln in lines[1:]]
    return lines


def _validate(data: Mapping[str, Any], origin: str | None = None) -> Scenario:
    """Validate a mapping into a Scenario; all problems in one ScenarioError."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{origin or 'scenario'}: must be a table of settings, not {_fmt_value(data)}")
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(_join_problems([_error_line(e) for e in exc.errors()], origin)) from None
    check_memory(scenario, origin)
    return scenario


# ----------------------------------------------------------------------------- memory


def _available_memory_bytes() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def memory_estimate_bytes(scenario: Scenario) -> int:
    """Rough bytes a run needs: grid patches plus the recorded table."""
    s = scenario.simulation
    patches = s.bone_grid_width * s.bone_grid_height + s.vessel_grid_width * s.vessel_grid_height
    rows = scenario.days / s.record_every_days + 1
    return int(patches * BYTES_PER_PATCH_ESTIMATE + rows * RECORDED_COLUMNS_ESTIMATE * 8)


def check_memory(scenario: Scenario, origin: str | None = None) -> None:
    """Raise ScenarioError if the run would not fit in the memory available now."""
    available = _available_memory_bytes()
    if available is None:
        return
    need = memory_estimate_bytes(scenario)
    limit = int(available * MEMORY_FRACTION)
    if need <= limit:
        return
    s = scenario.simulation
    grids = (
        f"simulation.bone_grid_width = {s.bone_grid_width}, "
        f"simulation.bone_grid_height = {s.bone_grid_height}, "
        f"simulation.vessel_grid_width = {s.vessel_grid_width}, "
        f"simulation.vessel_grid_height = {s.vessel_grid_height}"
    )
    where = f"{origin}: " if origin else ""
    raise ScenarioError(
        f"{where}the grids are too large for this machine's memory: {grids} "
        f"(with simulation.years = {_fmt_num(s.years)}, "
        f"simulation.record_every_days = {s.record_every_days}) need about "
        f"{_fmt_bytes(need)}, but the limit is {_fmt_bytes(limit)} "
        f"({int(MEMORY_FRACTION * 100)}% of the {_fmt_bytes(available)} available); "
        "use smaller grids"
    )


def _fmt_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover


# ---------------------------------------------------------------------------- loading


def parse_scenario_toml(
    data: bytes | str, origin: str = "scenario", default_name: str | None = None
) -> Scenario:
    """Validate a scenario from TOML text or bytes (e.g. an upload).

    ``origin`` names it in error messages; ``default_name`` is used when it has no ``name``.
    """
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"{origin}: is {_fmt_bytes(size)}, more than the {_fmt_bytes(MAX_SCENARIO_BYTES)} "
            "a scenario may be"
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(
                f"{origin}: is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
            ) from None
    data = data.removeprefix("\ufeff")
    try:
        table = tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin}: is not valid TOML: {exc}") from None
    if default_name and "name" not in table:
        table["name"] = default_name
    return _validate(table, origin)


def builtin_scenarios() -> dict[str, str]:
    """Built-in scenario names (file stems) -> one-line descriptions, sorted by name."""
    out = {}
    for path in BUILTIN_SCENARIO_DIR.glob("*.toml"):
        with open(path, "rb") as fh:
            description = str(tomllib.load(fh).get("description", ""))
        out[path.stem] = description.strip().split("\n")[0]
    return dict(sorted(out.items()))


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or os.sep in text or "/" in text or text.startswith(".")


def load_scenario(source: Scenario | Mapping[str, Any] | str | os.PathLike) -> Scenario:
    """A validated scenario from a Scenario, a mapping, a built-in name or a .toml path.

    A file without a ``name`` gets its file stem as name. Raises :class:`ScenarioError`.
    """
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return _validate(source)
    if isinstance(source, str) and not _looks_like_path(source):
        path = BUILTIN_SCENARIO_DIR / f"{source}.toml"
        if not path.is_file():
            if Path(source).is_file():  # a file in the current directory without .toml
                return _load_file(Path(source))
            names = list(builtin_scenarios())
            raise ScenarioError(
                f"unknown scenario '{source}'{_did_you_mean(source, names)} "
                f"(built-in scenarios: {', '.join(names)}; or give the path of a .toml file)"
            )
        return _load_file(path)
    if isinstance(source, (str, os.PathLike)):
        return _load_file(Path(source))
    raise ScenarioError(
        f"cannot load a scenario from {type(source).__name__}: give a built-in name, "
        "a .toml path or a mapping"
    )


def _load_file(path: Path) -> Scenario:
    origin = str(path)
    try:
        if path.is_dir():
            raise ScenarioError(f"{origin}: is a directory, not a scenario file")
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"{origin}: is {_fmt_bytes(size)}, more than the "
                f"{_fmt_bytes(MAX_SCENARIO_BYTES)} a scenario may be"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{origin}: scenario file not found") from None
    except OSError as exc:
        raise ScenarioError(f"{origin}: cannot read the scenario file ({exc.strerror})") from None
    return parse_scenario_toml(data, origin, default_name=path.stem[:200] or None)


# ------------------------------------------------------------------------ CLI helpers


def parse_set_option(text: str) -> tuple[str, Any]:
    """``"key=value"`` -> ``(key, value)`` for ``--set``.

    The value is read as a TOML value (``180``, ``true``, ``"female"``, ``1e3``, ``nan``);
    a bare word that is not valid TOML is taken as a string (``sex=female``). The key is
    returned as given; resolve it with :func:`resolve_key`.
    """
    key, eq, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    if not eq or not key:
        raise ScenarioError(
            f"--set {text!r} is not allowed: must be key=value, e.g. --set mk7_ug_per_day=180"
        )
    if not raw:
        raise ScenarioError(f"--set {text!r} is not allowed: the value after '=' is empty")
    return key, parse_value(raw)


def parse_value(raw: str) -> Any:
    """A command-line value read as TOML, or as a plain string if it is not TOML."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw
