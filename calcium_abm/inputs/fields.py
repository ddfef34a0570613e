"""What a schema field accepts, read from the pydantic model itself.

Bounds (``ge``/``gt``/``le``), type and unit (``json_schema_extra={"unit": ...}``) are
declared once on the field; messages, batch ranges, cohort clipping and dashboard sliders
all read them through these functions, so they cannot disagree.
"""

from __future__ import annotations

import json
import math
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel

from calcium_abm.inputs.messages import range_text, unit_suffix

__all__ = ["allowed_text", "field_bounds", "field_kind", "field_unit", "is_optional_number", "locate"]


def _info(model: type[BaseModel], field: str):
    info = model.model_fields.get(field)
    if info is None:
        raise KeyError(f"{model.__name__} has no field {field!r}")
    return info


def field_bounds(model: type[BaseModel], field: str) -> tuple[float, float, bool]:
    """``(lowest, highest, lowest_excluded)`` a numeric field accepts (``±inf`` if open;
    integer fields give their bounds as exact integers)."""
    lo, hi, lo_open = -math.inf, math.inf, False
    for m in _info(model, field).metadata:
        if getattr(m, "ge", None) is not None:
            lo, lo_open = m.ge, False
        if getattr(m, "gt", None) is not None:
            lo, lo_open = m.gt, True
        if getattr(m, "le", None) is not None:
            hi = m.le
    return lo, hi, lo_open


def field_kind(model: type[BaseModel], field: str) -> str:
    """``"bool"``, ``"int"``, ``"float"``, ``"str"``, ``"choice"`` (a Literal) or ``"other"``."""
    ann = _info(model, field).annotation
    if ann in (bool, int, float, str):
        return ann.__name__
    if ann == (int | None):
        return "int"
    if typing.get_origin(ann) is Literal:
        return "choice"
    return "other"


def field_choices(model: type[BaseModel], field: str) -> tuple[Any, ...]:
    """The values a Literal field accepts (empty for other fields)."""
    ann = _info(model, field).annotation
    return typing.get_args(ann) if typing.get_origin(ann) is Literal else ()


def field_unit(model: type[BaseModel], field: str) -> str:
    """The field's unit as declared in its ``json_schema_extra`` (``""`` if none)."""
    extra = _info(model, field).json_schema_extra
    return str(extra.get("unit", "")) if isinstance(extra, dict) else ""


def is_optional_number(model: type[BaseModel], field: str) -> bool:
    """Whether ``field`` holds a number or nothing (``float | None``: a measured baseline, a GFR
    that may be left out), which is judged against its range like any number."""
    return _info(model, field).annotation == (float | None)


def allowed_text(model: type[BaseModel] | None, field: str | None) -> str:
    """What a field accepts, in words (``must be an integer from 0 to 5``); ``""`` if unknown."""
    if model is None or not field or field not in model.model_fields:
        return ""
    kind = field_kind(model, field)
    if kind == "bool":
        return "must be true or false"
    if kind == "str":
        return "must be a text string"
    if kind == "choice":
        return "must be one of " + ", ".join(json.dumps(a) for a in field_choices(model, field))
    lo, hi, lo_open = field_bounds(model, field)
    if kind == "int":
        lo_i = None if math.isinf(lo) else int(lo)
        hi_i = None if math.isinf(hi) else int(hi)
        if lo_i is not None and hi_i is not None:
            return f"must be an integer from {lo_i} to {hi_i}"
        return f"must be an integer, {lo_i} or more" if lo_i is not None else "must be an integer"
    if kind == "float" or is_optional_number(model, field):
        extra = _info(model, field).json_schema_extra
        note = extra.get("range_note", "") if isinstance(extra, dict) else ""  # a narrower range for some cases
        allowed = range_text(lo, hi, unit_suffix(field_unit(model, field)), lo_open=lo_open)
        return allowed + (f" ({note})" if note else "")
    return ""


def _model_in(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The pydantic model inside an annotation (``Patient``, ``tuple[Entry, ...]``,
    ``X | None``, ``dict[str, Entry]``) and whether it sits behind a free-form table key."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    if origin is dict:
        args = typing.get_args(annotation)
        found, _ = _model_in(args[1]) if len(args) == 2 else (None, False)
        return found, found is not None
    if origin in (tuple, list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found, keyed = _model_in(arg)
            if found is not None:
                return found, keyed
    return None, False


def locate(root: type[BaseModel], loc: tuple) -> tuple[type[BaseModel] | None, str | None]:
    """The model and field a pydantic error location points at (``(None, None)`` if the
    location leaves the schema, e.g. inside a free-form table of plain values)."""
    model: type[BaseModel] | None = root
    field: str | None = None
    skip_key = False
    for i, item in enumerate(loc):
        if isinstance(item, int):
            continue
        if skip_key:  # the user's own key of a dict[str, Model]
            skip_key = False
            continue
        if model is None:
            return None, None
        info = model.model_fields.get(str(item))
        if info is None or i == len(loc) - 1:
            return model, str(item)
        sub, skip_key = _model_in(info.annotation)
        if sub is None:
            return (model, str(item)) if all(isinstance(x, int) for x in loc[i + 1:]) else (None, None)
        model, field = sub, None
    return model, field
