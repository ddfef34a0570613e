"""Setting names: flat and dotted keys, and what each setting holds.

A setting is named by its dotted path (``diet.mk7_ug_per_day``, ``parameters.k1_half_life_h``)
or, where unambiguous, by its flat name (``mk7_ug_per_day``, ``k1_half_life_h``).
:func:`resolve_key` turns either into the dotted path; :func:`setting_kind`,
:func:`setting_bounds` and :func:`setting_unit` say what the setting accepts, read from the
schema (sections) or the parameter registry (``parameters.*``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.fields import field_bounds, field_kind, field_unit, is_optional_number
from pydantic_core import PydanticCustomError

from calcium_abm.inputs.messages import (MAX_LISTED_PROBLEMS, accepted_keys, did_you_mean, fmt_value, range_text, rule_error, shorten,
                                         unit_suffix)
from calcium_abm.inputs.intake_names import intake_hint, unknown_intake_word
from calcium_abm.inputs.sections import FLAT_KEYS, SECTIONS, SUBSTANCE_SECTIONS, TOP_LEVEL_TEXT, other_section_hint

__all__ = ["NOT_A_PARAMETER", "column_name", "dotted_settings", "flatten", "note_same_setting", "parameter_registry", "resolve_key", "resolve_setting",
           "range_problem", "resolved_settings", "setting_bounds", "setting_kind", "setting_unit",
           "unknown_parameter_hint"]


def parameter_registry() -> dict:
    """The model-parameter registry (imported on first use: it loads the physiology)."""
    from calcium_abm.physiology import parameter_registry as registry

    return registry()


def resolve_key(key: str, hints: bool = True) -> str:
    """The dotted path for an override key.

    Accepts dotted paths (``diet.mk7_ug_per_day``, ``parameters.k1_half_life_h``), flat
    section field names (``mk7_ug_per_day``), bare parameter names (``k1_half_life_h``) and
    the top-level ``name``/``description``/``source``. A flat section field name wins over
    a parameter of the same name. Raises :class:`ScenarioError` (with a did-you-mean for a
    true typo; without one when ``hints`` is False, for a key past the problems a message lists:
    the did-you-mean costs ~1 ms a key).
    """
    if not isinstance(key, str) or not key.strip():
        raise ScenarioError(f"unknown key {key!r}: an override key must be a non-empty name")
    if key != key.strip():  # taken as the stripped key here while a [diet] table refused it: refused everywhere
        raise ScenarioError(f"unknown key {shorten(repr(key))}: it has blank characters at its ends; write "
                            f"{shorten(repr(key.strip()))}")
    if key in TOP_LEVEL_TEXT:
        return key
    if key in FLAT_KEYS:
        return FLAT_KEYS[key]
    registry = parameter_registry()
    section, dot, field = key.partition(".")
    if not dot and key in SECTIONS:  # a section given where a setting belongs
        raise ScenarioError(f"'{key}' is a section, not a setting: set one of its keys as {key}.<key>=value "
                            f"(e.g. {key}.{next(iter(SECTIONS[key].model_fields))}); the keys of [{key}] are "
                            f"{', '.join(SECTIONS[key].model_fields)}")
    if key == "parameters":
        raise ScenarioError("'parameters' is a section, not a setting: set a model parameter as "
                            f"parameters.<name>=value (e.g. parameters.{next(iter(registry), 'NAME')}); the "
                            "names are in docs/parameters.md")
    if dot and section in [*SECTIONS, "parameters"] and not field:  # --set diet.=3: the key is missing, not unknown
        keys = SECTIONS[section].model_fields if section in SECTIONS else ()
        listed = (f"the keys of [{section}] are {', '.join(keys)}" if keys
                  else "the names are in docs/parameters.md")
        raise ScenarioError(f"unknown key '{shorten(key)}': no key after '{section}.'; {listed}")
    if dot:
        if section in SECTIONS and field in SECTIONS[section].model_fields:
            return key
        if section == "parameters" and field in registry:
            return key
    elif key in registry:
        return f"parameters.{key}"
    if not hints:
        raise ScenarioError(f"unknown key '{shorten(key)}'")
    known = [*TOP_LEVEL_TEXT, *FLAT_KEYS.values(), *(f"parameters.{p}" for p in registry)]
    if not dot:
        known += [*FLAT_KEYS, *registry]
    shown = shorten(key)
    clinical = None if dot else _clinical_name(key)  # before a typo's parameter: hormone_therapy is the drug
    hint = (other_section_hint(section, field) if dot and section in [*SECTIONS, "parameters"] else "") or \
        (intake_hint(field, section) if dot and section in SUBSTANCE_SECTIONS else "") or \
        (f" — did you mean '{clinical}'?" if clinical else "") or did_you_mean(key, known)
    if not hint and dot and section in SECTIONS:
        what = unknown_intake_word(field) if section in SUBSTANCE_SECTIONS else "not a known key"
        hint = accepted_keys(f"[{section}]", SECTIONS[section].model_fields, what=what)
    elif not hint and section == "parameters":
        hint = NOT_A_PARAMETER
    elif not hint and dot and section != "parameters":
        hint = f" — sections are {', '.join(sorted([*SECTIONS, 'parameters']))}"
    elif not hint and not dot:
        hint = _flat_key_hint(key)
    raise ScenarioError(f"unknown key '{shown}'{hint}")


_INTAKE_UNIT = r"(^|_)((n|u|µ|m)?g|iu)(_per_day)?$"  # how an intake's name ends: _mg_per_day, _ug


NOT_A_PARAMETER = ": not a model parameter; the names are in docs/parameters.md (calcium-abm docs)"


def unknown_parameter_hint(name: str) -> str:
    """The hint for ``name``, an unknown key of a file's ``[parameters]``, as ``--set
    parameters.NAME`` gets it: the section it belongs in, a typo's parameter, else where the names are."""
    known = [f"parameters.{k}" for k in parameter_registry()]
    return other_section_hint("parameters", name) or did_you_mean(f"parameters.{name}", known) or NOT_A_PARAMETER


#: a clinical name for a setting named otherwise here (lower case, without separators or a mL/min unit): a flat
#: key ``egfr`` or ``GFR_ml_min`` is pointed at the setting, as a substance named another way is at its intake
CLINICAL_NAMES = {"gfr": "residual_gfr_ml_per_min", "egfr": "residual_gfr_ml_per_min",
                  "age": "age_years", "gender": "sex",
                  # a T-score is a measured start (the recorded lumbar_spine_t_score column reads it on day 0)
                  **dict.fromkeys(("tscore", "bmdtscore", "baselinetscore", "lumbarspinetscore", "spinetscore"),
                                  "baseline_bmd_t_score"),
                  # the therapy is a drug switch (hormone_therapy pointed at a parameter that acts only with it)
                  **dict.fromkeys(("hormonetherapy", "hrt", "mht", "hormonereplacementtherapy"),
                                  "menopausal_hormone_therapy")}


def _clinical_name(key: str) -> str | None:
    """The setting :data:`CLINICAL_NAMES` gives a flat ``key`` (lower case, separators and a mL/min unit dropped)."""
    return CLINICAL_NAMES.get(re.sub(r"(ml_?(per_?)?min)$", "", re.sub(r"[^a-z0-9]", "_", key.lower())
                                     ).replace("_", ""))


def _flat_key_hint(key: str) -> str:
    """What to say of an unknown flat key: a modelled substance named another way (``warfarin``,
    ``WARFARIN_MG_PER_DAY``, ``phylloquinone_ug_per_day``) gets its intake, never another
    substance's; another intake (``*_mg_per_day``, ``*_ug``) lists the modelled intakes; anything
    else says how settings are named."""
    intakes = [f for s in SUBSTANCE_SECTIONS for f in SECTIONS[s].model_fields]
    section, _, field = key.partition("_")  # a section joined with an underscore: dialysis_sessions_per_week
    if section in SECTIONS and field in SECTIONS[section].model_fields:
        return f" — did you mean '{section}.{field}'?"
    same = intake_hint(key)
    if same:
        return same
    if (clinical := _clinical_name(key)) is not None:
        return f" — did you mean '{clinical}'?"
    if re.search(_INTAKE_UNIT, key.lower()):
        return f": {unknown_intake_word(key)}; the modelled intakes are {', '.join(intakes)}"
    return (f": not a known key; a setting is named section.key (sections: {', '.join(SECTIONS)}) or by "
            "its flat key (e.g. mk7_ug_per_day), a model parameter by its name (docs/parameters.md)")


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"diet": {"mk7_ug_per_day": 1}}`` -> ``{"diet.mk7_ug_per_day": 1}`` (no recursion,
    so a deeply nested table cannot exhaust the stack).

    TOML turns an unquoted ``diet.mk7_ug_per_day = 1`` inside an inline table into a
    nested table; both spellings are accepted, but not both at once for one key (a quoted
    ``"diet.mk7_ug_per_day" = 180`` beside ``diet = { mk7_ug_per_day = 90 }``): one value would
    silently replace the other, so that is refused.
    """
    out: dict[str, Any] = {}
    stack: list[tuple[Mapping[str, Any], str]] = [(table, prefix)]
    while stack:
        current, pre = stack.pop()
        for key, value in current.items():
            if isinstance(value, Mapping):
                stack.append((value, f"{pre}{key}."))
                continue
            name = f"{pre}{key}"
            if name in out:
                raise rule_error(f"{name} is given twice ({fmt_value(out[name])} and {fmt_value(value)}), as a dotted key "
                                 f"and inside a table: give it once")
            out[name] = value
    return out


def dotted_settings(value: Any) -> Any:
    """A settings table (a batch's ``[set]``, an arm's ``set``/``add``) with nested tables turned
    into dotted keys (:func:`flatten`): TOML reads an unquoted ``diet.calcium_mg_per_day = 1500``
    as ``{"diet": {"calcium_mg_per_day": 1500}}``, and both spellings mean the same setting, as in a
    scenario's ``[[schedule]]``. Anything but a mapping is returned for the schema to refuse."""
    return flatten(value) if isinstance(value, Mapping) else value


def setting_kind(path: str) -> str:
    """``"int"``, ``"float"``, ``"bool"`` or ``"str"``: the type a scenario setting holds
    (``"float"`` also for a number that may be left out, such as a measured baseline)."""
    section, _, field = path.partition(".")
    if section == "parameters":
        return "float"
    model = SECTIONS.get(section)
    if model is None or field not in model.model_fields:
        return "str"
    if is_optional_number(model, field):
        return "float"
    kind = field_kind(model, field)
    return kind if kind in ("int", "float", "bool") else "str"


def setting_bounds(path: str) -> tuple[float, float]:
    """The closed range a numeric scenario setting accepts (a ``gt`` bound counts as ``ge``)."""
    section, _, field = path.partition(".")
    if section == "parameters":
        p = parameter_registry()[field]
        return float(p.minimum), float(p.maximum)
    if section not in SECTIONS:
        return -math.inf, math.inf
    lo, hi, _ = field_bounds(SECTIONS[section], field)
    return float(lo), float(hi)


def range_problem(path: str, value: float) -> str | None:
    """What a numeric setting (optional numbers included) allows (``must be between 0 and
    10000 µg/day``) if ``value`` lies outside it, else None (also None for a setting that is not
    numeric)."""
    section, _, field = path.partition(".")
    if section == "parameters":
        lo, hi, lo_open = (*setting_bounds(path), False)
    elif section in SECTIONS and field in SECTIONS[section].model_fields and setting_kind(path) in ("int", "float"):
        lo, hi, lo_open = field_bounds(SECTIONS[section], field)
    else:
        return None
    if (lo < value if lo_open else lo <= value) and value <= hi:
        return None
    return range_text(lo, hi, unit_suffix(setting_unit(path)), lo_open=lo_open)


def setting_unit(path: str) -> str:
    """The unit of a scenario setting (``"µg/day"``; ``""`` if it has none)."""
    section, _, field = path.partition(".")
    if section == "parameters":
        return str(parameter_registry()[field].unit)
    return field_unit(SECTIONS[section], field) if section in SECTIONS else ""


# ------------------------------------------------------ settings named in tables


def resolve_setting(key: str, where: str, hints: bool = True) -> str:
    """The scenario's dotted path for ``key`` (flat or dotted), for a validator: an unknown
    key raises a :func:`~calcium_abm.inputs.messages.rule_error` naming ``where`` (``hints``:
    :func:`resolve_key`'s)."""
    try:
        return resolve_key(key, hints)
    except ScenarioError as exc:
        raise rule_error(f"{where}: {exc}") from None


def resolved_settings(keys: Iterable[str], section: str, problems: list[str]) -> Iterator[tuple[str, str, str]]:
    """``(key, where, path)`` for each of a table's keys that names a scenario setting; a key
    that does not, or that names a setting an earlier key names (``mk7_ug_per_day`` beside
    ``diet.mk7_ug_per_day``: one value would never act), adds its message to ``problems`` (so one
    error can list every bad key)."""
    seen: dict[str, str] = {}
    for key in keys:
        where = f"{section}.{shorten(key)}"  # a 500-character key was echoed in full here and shortened after it
        try:  # past the problems a message lists, an unknown key is counted without its did-you-mean
            path = resolve_setting(key, where, hints=len(problems) < MAX_LISTED_PROBLEMS)
        except PydanticCustomError as exc:
            problems.append(exc.context["text"])
            continue
        if path in seen:
            problems.append(f"{where}: sets {path}, as {seen[path]} does: give it once")
            continue
        seen[path] = key
        yield key, where, path


def note_same_setting(where: str, path: str, key: str, seen: dict[str, str], problems: list[str]) -> None:
    """Two keys (flat and dotted, say) naming one setting of a varied table is an error."""
    column = column_name(path)
    if column in seen:
        problems.append(f"{where}: sets {path}, as {seen[column]} does")
    seen[column] = key


def column_name(path: str) -> str:
    """A setting's column in the results: its last dotted component."""
    return path.rpartition(".")[2]
