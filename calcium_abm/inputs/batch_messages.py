"""pydantic's validation errors of a batch file, as one sentence each.

Locations read ``sweep.parameters.x``, ``arms #2 (mk7).set``; an unknown key gets a did-you-mean
for a true typo or the list of accepted keys, found by walking the schema
(:func:`calcium_abm.inputs.fields.locate`), so a new table needs no entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from calcium_abm.errors import UserInputError
from calcium_abm.inputs.fields import allowed_text, locate
from calcium_abm.inputs.keys import resolve_key, setting_kind
from calcium_abm.inputs.messages import RULE, accepted_keys, counted, did_you_mean, fmt_value, key_not_a_string, shorten
from calcium_abm.inputs.sections import changes_during_run
from calcium_abm.inputs.trial_tables import arm_place

__all__ = ["batch_error_lines", "severe_threshold_problem"]

_RULE_LEADS = ("sweep.", "cohort.", "sensitivity.", "analysis.", "set.", "arms", "a batch", "[[arms]]",
               "a [cohort]", "the batch")
HIDDEN_FIELDS = ("base_dir",)  # set by the loader, never by the user
_fmt = fmt_value

_PHRASES = {
    "int_type": "must be an integer",
    "int_from_float": "must be an integer",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "string_type": "must be a text string",
    "list_type": "must be a list [...]",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "finite_number": "must be a finite number",
}


def _loc_text(loc: tuple, data: Any = None) -> str:
    """``loc`` as the file's place: ``arms #2 (mk7).schedule #1.start_day`` (an arm is named from
    ``data``, the file's table, when its name is valid)."""
    parts: list[str] = []
    node = data
    for item in loc:
        inside = isinstance(node, Mapping) and item in node or isinstance(node, list) and isinstance(item, int) \
            and 0 <= item < len(node)
        node = node[item] if inside else None
        if isinstance(item, int) and parts == ["arms"]:
            parts = [arm_place(item, node.get("name") if isinstance(node, Mapping) else None)]
        elif isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''} #{item + 1}"]
        else:
            parts.append(str(item))
    return ".".join(parts)


def _error_line(err: Mapping[str, Any], root: type[BaseModel], data: Any = None) -> str:
    kind, loc, value, ctx = err["type"], tuple(err["loc"]), err.get("input"), err.get("ctx") or {}
    path = _loc_text(loc, data)
    if kind == RULE:
        text = ctx.get("text", err["msg"])
        section = _loc_text(loc[:-1], data) if loc and loc[-1] in ("_ordered", "_has_its_parameters") else path
        if text.startswith(_RULE_LEADS) or not path or text.startswith(f"{path} = "):  # names its own field
            return text
        return "\n".join(f"{section}: {line}" for line in text.split("\n"))
    if kind == "extra_forbidden":
        return _unknown_key(root, loc, path)
    if kind == "missing":
        return f"{path} is missing: it is required"
    if kind == "invalid_key":  # pydantic's input is the key, the last item of loc (no list index)
        return key_not_a_string(value, _loc_text(loc[:-1], data))
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        word = {"greater_than_equal": "at least", "greater_than": "more than",
                "less_than_equal": "at most", "less_than": "less than"}[kind]
        limit = next(iter(ctx.values()))
        allowed = f"must be {word} {limit}"
    elif kind == "literal_error":
        allowed = f"must be {ctx.get('expected', '')}"
    elif kind in ("too_short", "too_long") and (exact := _exact_length(root, loc)) is not None:
        allowed = f"must have exactly {counted(exact, 'entry')}"  # ckd_stage_probabilities: stages 0 to 5
    elif kind in ("string_too_short", "too_short"):
        allowed = "must not be empty" if kind == "string_too_short" else f"needs at least {counted(int(ctx.get('min_length', 1)), 'entry')}"
    elif kind in ("string_too_long", "too_long"):
        allowed = f"must have at most {counted(int(ctx.get('max_length', 0)), 'character' if 'string' in kind else 'entry')}"
    elif kind in ("float_type", "float_parsing") and len(loc) >= 2 and loc[-2] == "add":
        # a fresh user wrote add = { menopausal_hormone_therapy = true } and was told only "must be a number"
        allowed = "must be a number: add adds an amount to the patient's own value"
        if _kind_of(str(loc[-1])) in ("bool", "str"):
            allowed += f"; put a true/false or text setting in set, e.g. set = {{ {loc[-1]} = {_toml_literal(value)} }}"
            if not changes_during_run(resolve_key(str(loc[-1]), False)):  # a fresh user's set was then refused
                allowed += (f", with cohort.randomisation_day = 0 ({loc[-1]} is set at a run's start and cannot "
                            "change at a later randomisation)")
    else:
        allowed = _range_of(root, loc, kind) if kind in _PHRASES and kind.startswith(("int", "float", "finite")) \
            else _PHRASES.get(kind, err["msg"][0].lower() + err["msg"][1:])
    if kind in ("too_short", "too_long") and isinstance(ctx.get("actual_length"), int):  # a list is shown as [...]
        allowed += f" (it has {ctx['actual_length']})"
    return f"{path} = {_fmt(value)} is not allowed: {allowed}"


def _kind_of(key: str) -> str | None:
    """The setting ``key``'s type (:func:`.keys.setting_kind`), None for an unknown key (its own error says so)."""
    try:
        return setting_kind(resolve_key(key, False))
    except UserInputError:
        return None


def _toml_literal(value: Any) -> str:
    """``value`` as written in TOML when it is a bool or a short text, else ``...``."""
    return _fmt(value) if isinstance(value, (bool, str)) and len(_fmt(value)) <= 40 else "..."


def _exact_length(root: type[BaseModel], loc: tuple) -> int | None:
    """The length a list field must have where its least and most are the same (a fresh user given 2 entries was
    told "at least 6", given 7 "at most 6"), else None."""
    model, name = locate(root, loc)
    info = None if model is None else model.model_fields.get(str(name))
    limits = {kind: getattr(m, kind) for m in (info.metadata if info else ()) for kind in ("min_length", "max_length")
              if getattr(m, kind, None) is not None}
    return limits["min_length"] if len(limits) == 2 and limits["min_length"] == limits["max_length"] else None


def _range_of(root: type[BaseModel], loc: tuple, kind: str) -> str:
    """A number field's type phrase with what it accepts (:func:`.fields.allowed_text`): "must be an integer
    from 1 to 100000" (found by a fresh user: ``patients = 1e308`` was told "must be an integer" and not which)."""
    phrase, allowed = _PHRASES[kind], allowed_text(*locate(root, loc))
    if not allowed or allowed.startswith(phrase):
        return allowed or phrase
    return f"{phrase} ({allowed.removeprefix('must be ')})"


def _unknown_key(root: type[BaseModel], loc: tuple, path: str) -> str:
    """``unknown key 'x'`` with a did-you-mean for a true typo, else the accepted keys."""
    model, _ = locate(root, (*loc[:-1], "_"))
    if model is None:
        return f"unknown key '{shorten(path)}'"
    choices = [f for f in model.model_fields if f not in HIDDEN_FIELDS]
    parent = path.rpartition(".")[0]
    table = parent.split(" #")[0] if parent else ""
    hint = did_you_mean(str(loc[-1]), choices) or accepted_keys(f"[{table}]" if table else "the top level", choices)
    return f"unknown key '{shorten(path)}'{hint}"


def _dedupe_union_errors(errors: list[dict]) -> list[dict]:
    """A sweep value is a list or a range: report only the errors of the branch it looks like."""
    out, seen_items = [], set()
    for err in errors:
        loc = tuple(err["loc"])
        if len(loc) >= 4 and loc[:2] == ("sweep", "parameters"):
            branch, value = str(loc[3]), err.get("input")
            whole = value if len(loc) == 4 else None
            if len(loc) == 4 and not isinstance(value, (list, dict)):
                if branch.startswith("list["):
                    out.append({"type": RULE, "loc": loc[:3], "msg": "", "input": value, "ctx": {
                        "text": f"sweep.parameters.{loc[2]} = {_fmt(value)} is not allowed: must be a list of "
                                "values or a range { min = ..., max = ..., steps = ... }"}})
                continue
            is_range_branch = "Range" in branch
            if whole is not None and isinstance(whole, dict) != is_range_branch:
                continue  # the error of the branch the value was not meant for
            if len(loc) > 4 and (isinstance(loc[4], int) != (not is_range_branch)):
                continue
            if len(loc) == 6 and not is_range_branch:  # a list item fits none of bool/int/float/str
                if loc[:5] in seen_items:
                    continue
                seen_items.add(loc[:5])
                err = {"type": RULE, "loc": loc[:3], "msg": "", "input": err.get("input"), "ctx": {
                    "text": f"sweep.parameters.{loc[2]} #{loc[4] + 1} = {_fmt(err.get('input'))} is not allowed: "
                            "a list item must be a number, true/false or a text string"}}
            else:
                err = {**err, "loc": loc[:3] + loc[4:]}
        out.append(err)
    return out


def batch_error_lines(errors: list[dict], root: type[BaseModel], data: Any = None) -> list[str]:
    """The sentences for pydantic's ``errors`` of validating ``root`` (the BatchSpec) from ``data``
    (the file's table, which names the arms in the errors' places)."""
    return [_error_line(e, root, data) for e in _dedupe_union_errors(errors)]


def severe_threshold_problem(column: str, above: float) -> str | None:
    """What is wrong with ``analysis.severe_calcification`` (runs whose final ``column`` is above ``above``): not a
    recorded column; a signed one (a change, a balance or a T-score: bmd_change_pct above -1000 counted every run as
    an event); a level outside what the column can hold (:func:`calcium_abm.outputs.column_range`); else None."""
    from calcium_abm.outputs import COLUMNS, SIGNED_COLUMNS, column_range  # lazy: outputs imports Mesa

    where = f"analysis.severe_calcification.column = {fmt_value(column)}"
    if column not in COLUMNS:
        return f"{where}: not a recorded column{did_you_mean(column, list(COLUMNS))}"
    if column in SIGNED_COLUMNS:
        return (f"{where} is not allowed: it can be negative (a change, a balance or a T-score), and the table counts "
                "runs whose final value is above a level of calcium, e.g. calcification_score above 100")
    low, high = column_range(column)
    if above < low:
        return (f"analysis.severe_calcification.above = {fmt_value(above)} is not allowed: must be 0 or more, as "
                f"{column} is never negative (every run would count as severe)")
    if above >= high:
        return (f"analysis.severe_calcification.above = {fmt_value(above)} is not allowed: must be less than 1, as "
                f"{column} is a share of a whole, at most 1 (no run could count as severe)")
    return None
