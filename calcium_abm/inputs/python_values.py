"""Values a Python caller passes (``simulate(overrides=...)``, ``CalciumParadoxModel(**settings)``,
``load_scenario(mapping)``, ``mesa.batch_run``) made into the plain values a TOML file gives.

The schema is strict (an integer field takes an ``int``, a switch a ``bool``), so a numpy scalar,
which is what ``numpy.arange``, a pandas row or ``mesa.batch_run`` over such a range passes, was
refused with a message that contradicted itself (``patient.ckd_stage = 3 is not allowed: must be
an integer from 0 to 5`` for ``numpy.int64(3)``). A numpy scalar stands for the Python value it
holds (``.item()``): ``numpy.int64(3)`` is 3, ``numpy.bool_(True)`` is true, ``numpy.float64(3.0)``
is 3.0 (still not an integer).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.messages import fmt_value
from calcium_abm.inputs.toml_reader import nesting_problem

__all__ = ["plain_overrides", "plain_values"]


def plain_values(value: Any) -> Any:
    """``value`` with every numpy scalar in it, at any depth of mappings and lists, replaced by
    the Python value it holds; mappings become dicts and tuples lists (as TOML gives them)."""
    numpy = sys.modules.get("numpy")  # no numpy loaded: no numpy value can be in here
    return value if numpy is None else _plain(value, numpy.generic)


def _plain(value: Any, generic: type) -> Any:
    if isinstance(value, generic):
        return value.item()
    if isinstance(value, Mapping):
        return {key: _plain(item, generic) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, generic) for item in value]
    return value


def plain_overrides(overrides: Any) -> dict[Any, Any]:
    """``overrides`` (None or a mapping of setting names to values) as a dict of plain values.

    Raises:
        ScenarioError: ``overrides`` is not a mapping (a string, a list of pairs, a number), or
            a value in it is nested too deeply.
    """
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise ScenarioError(f"overrides = {fmt_value(overrides)} is not allowed: must be a mapping of setting names "
                            "to values, e.g. {'diet.mk7_ug_per_day': 180, 'ckd_stage': 4}")
    try:
        return {key: plain_values(value) for key, value in overrides.items()}
    except RecursionError:
        raise ScenarioError(too_deep_message("overrides", overrides)) from None


def too_deep_message(origin: str, data: Any) -> str:
    """``"<origin>: 'diet.k1_ug_per_day.a.…' is nested 201 levels deep or more: at most N levels …"``:
    the message for ``data`` that recursion could not walk, naming the first value nested too deeply
    (:func:`.toml_reader.nesting_problem`, which walks without recursion)."""
    return f"{origin}: {nesting_problem(data) or 'a value is nested too deeply'}"
