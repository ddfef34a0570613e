"""pydantic's validation errors of a scenario, as one sentence each.

Each line names the dotted path, the value as the user typed it and what the field allows
(read from the schema by :func:`calcium_abm.inputs.fields.allowed_text`). Sentences our own
validators wrote (:func:`~calcium_abm.inputs.messages.rule_error`) pass through unchanged.
:func:`checked_scenario` runs a validation of the Scenario model (:func:`~calcium_abm.scenario.load_scenario`'s
or ``Scenario(...)``'s) and raises all its problems as one :class:`~calcium_abm.errors.ScenarioError`.
"""

from __future__ import annotations

import re

import sys

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.fields import allowed_text, locate
from calcium_abm.inputs.keys import parameter_registry
from calcium_abm.inputs.messages import (RULE, accepted_keys, did_you_mean, fmt_value, join_problems, key_not_a_string,
                                         range_text, shorten, unit_suffix)
from calcium_abm.inputs.intake_names import intake_hint, unknown_intake_word
from calcium_abm.inputs.python_values import plain_values, too_deep_message
from calcium_abm.inputs.sections import SUBSTANCE_SECTIONS, file_kind_problem, other_section_hint

__all__ = ["checked_scenario", "scenario_error_line"]

T = TypeVar("T")

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


def _schedule_prefix(loc: tuple) -> tuple[str, tuple]:
    if loc and loc[0] == "schedule" and len(loc) >= 2 and isinstance(loc[1], int):
        return f"schedule entry {loc[1] + 1}: ", loc[2:]
    return "", loc


def _unknown_key(root: type[BaseModel], loc: tuple, prefix: str, rest: tuple) -> str:
    path = ".".join(str(x) for x in rest)
    model, _ = locate(root, loc[:-1] + ("_",)) if len(loc) > 1 else (root, None)
    model = model or root
    choices = list(model.model_fields)
    parent = path.rpartition(".")[0]
    section = str(rest[-2]) if len(rest) >= 2 else None
    substance = section in SUBSTANCE_SECTIONS and not prefix
    own, dot, field = str(rest[-1]).partition(".")  # "diet.calcium_mg_per_day" inside [diet]: the section twice
    if section and dot and own == section and field in choices:  # (the hint named the same wrong key back)
        return (f"{prefix}unknown key '{shorten(path)}': inside [{section}] a key is given without its section, "
                f"{field} = ...")
    hint = (other_section_hint(section, str(rest[-1])) if section and not prefix else "") or \
        (intake_hint(str(rest[-1]), section) if substance else "") or \
        did_you_mean(path, [f"{parent}.{c}" if parent else c for c in choices])
    if not hint:
        where = "[[schedule]]" if prefix else (f"[{section}]" if section else "the top level")
        hint = accepted_keys(where, choices, what=unknown_intake_word(str(rest[-1])) if substance else "not a known key")
    return f"{prefix}unknown key '{shorten(path)}'{hint}"


def _overflowed_literal(value: Any) -> bool:
    """A number typed as digits but too large for a float (``1e400`` read as inf): its range says it all,
    where a typed ``nan`` or ``inf`` is told it must be a finite number."""
    typed = getattr(value, "typed_text", "") or ""
    return bool(typed) and typed.strip().lstrip("+-").lower() not in ("inf", "infinity", "nan")


def _is_entry_key(loc: tuple, key: str) -> bool:
    """Whether ``loc`` is ``key`` of a ``[[schedule]]`` entry: ``("schedule", i, key)``."""
    return len(loc) == 3 and loc[0] == "schedule" and isinstance(loc[1], int) and loc[2] == key


def scenario_error_line(err: Mapping[str, Any], root: type[BaseModel]) -> str:
    """One pydantic error of validating ``root`` (the Scenario model) as a sentence."""
    kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
    prefix, rest = _schedule_prefix(loc)
    if kind == RULE:
        text = err["ctx"]["text"] if err.get("ctx") else err["msg"]
        return "\n".join(prefix + line for line in text.split("\n"))
    if kind == "extra_forbidden" and _is_entry_key(loc, "add"):  # a batch arm's key, written in a scenario
        return (f"{prefix}add is not allowed in a scenario's [[schedule]]: it adds to each patient's own value in a "
                "batch's [[arms]] and their schedules; here give the value itself, e.g. set = { \"diet.mk7_ug_per_day\" "
                "= 180 }")
    if kind == "extra_forbidden":
        return _unknown_key(root, loc, prefix, rest)
    if kind == "invalid_key":  # pydantic's input is the key, the last item of loc
        return prefix + key_not_a_string(value, ".".join(str(x) for x in rest[:-1]))
    path = ".".join(str(x) for x in rest) or ".".join(str(x) for x in loc)
    model, field = locate(root, loc)
    if loc and loc[0] == "parameters":
        model, field = None, None
    if kind == "missing":
        return f"{prefix}{path} is missing: {allowed_text(model, field) or 'it is required'}"
    allowed = allowed_text(model, field)
    if loc and loc[0] == "parameters" and len(loc) == 2:
        p = parameter_registry().get(str(loc[1]))
        allowed = range_text(p.minimum, p.maximum, unit_suffix(p.unit)) if p else ""
    if kind in ("finite_number", "float_type") and allowed and (_overflowed_literal(value) or (
            type(value) is int and abs(value) > sys.float_info.max)):
        pass  # a number too large for a float (1e400, 10**400): its range says it all, not "must be a number"
    elif kind == "finite_number":
        rng = f" ({allowed.removeprefix('must be ')})" if allowed.startswith("must be ") and "finite" not in allowed else ""
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
    elif kind in ("model_type", "dict_type") and prefix and not rest:  # schedule = [1, 2]
        return f"{prefix.removesuffix(': ')} = {fmt_value(value)} is not allowed: must be a [[schedule]] table"
    elif kind in ("model_type", "dict_type"):
        allowed = f"must be a table ([{path}] section)"
    elif kind in ("tuple_type", "list_type"):
        allowed = "must be a list of [[schedule]] tables"
    elif kind in ("too_short", "too_long") and field == "set":
        allowed = "must set at least one value, e.g. set = { \"diet.mk7_ug_per_day\" = 180 }"
    elif kind == "too_long" and field == "schedule":  # each entry is checked against every other: ~n^2 work
        allowed = (f"must have at most {err['ctx']['max_length']:,} [[schedule]] entries (it has "
                   f"{err['ctx'].get('actual_length', '?'):,}); a dose given every day is one entry with start_day "
                   "and end_day")
    elif not allowed:
        allowed = err["msg"][0].lower() + err["msg"][1:]
    if isinstance(value, str) and re.fullmatch(r"\s*\+?0\d+\s*", value) and "integer" in allowed:  # not -01
        allowed += f", written without leading zeros ({int(value)})"  # "00042": octal-looking, so not read as 42
    return f"{prefix}{path} = {fmt_value(value)} is not allowed: {allowed}"


def checked_scenario(validate: Callable[[Any], T], data: Any, root: type[BaseModel], origin: str | None = None) -> T:
    """``validate(data)``, a validation of ``data`` as ``root`` (the Scenario model), with numpy scalars as the
    Python values they hold (:func:`.python_values.plain_values`). Whatever is wrong with ``data`` raises one
    ScenarioError, a line per problem (:func:`scenario_error_line`), never pydantic's ValidationError;
    ``origin`` (e.g. a file name) names the data in the message."""
    if problem := file_kind_problem(data, "scenario"):  # not a table, or a batch file
        raise ScenarioError(f"{origin or 'scenario'}: {problem}")
    try:
        return validate(plain_values(data))
    except ValidationError as exc:
        errors = exc.errors()  # an entry with add and no set: one problem, not "set is missing" and "unknown key add"
        added = {e["loc"][:2] for e in errors if e["type"] == "extra_forbidden" and _is_entry_key(e["loc"], "add")}
        errors = [e for e in errors if not (e["type"] == "missing" and e["loc"][:2] in added
                                            and _is_entry_key(e["loc"], "set"))]
        raise ScenarioError(join_problems([scenario_error_line(e, root) for e in errors], origin)) from None
    except RecursionError:
        raise ScenarioError(too_deep_message(origin or "scenario", data)) from None
