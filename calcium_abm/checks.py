"""Small helpers of the scalar laws: one input check, and a cache of per-parameter-set values.

A leaf module (it imports only :mod:`calcium_abm.parameters`), so every physiology module may use it.
"""

from __future__ import annotations

import functools
import math
from typing import Callable, TypeVar

from calcium_abm.parameters import per_parameter_set

T = TypeVar("T")

__all__ = ["checked_float", "per_set_or_fresh"]


def checked_float(name: str, value: float, low: float = 0.0, high: float = math.inf) -> float:
    """Return ``value`` as float, or raise one clear ValueError naming the field.

    Raises:
        ValueError: for a non-finite value or one outside ``[low, high]``, naming ``name``,
            the value and what is allowed.
    """
    v = float(value)
    if low <= v <= high and v - v == 0.0:  # in range and finite (inf - inf and NaN give NaN): the daily path
        return v
    allowed = "" if low == -math.inf and high == math.inf else f" >= {low}" if high == math.inf else \
        f" between {low} and {high}"
    raise ValueError(f"{name} = {value!r} is not allowed: it must be a finite number{allowed}")


def per_set_or_fresh(builder: Callable[..., T] | None = None, *, maxsize: int = 64):
    """``builder(p, *args)`` (a value of the parameter set and fixed arguments, e.g. a reference state the day's laws
    divide by) cached per parameter set (:func:`~calcium_abm.parameters.per_parameter_set`, ``maxsize``
    results), so the daily path computes it once per run; computed afresh for an unhashable ``p`` (a
    namespace of a module's defaults, as the laws' tests pass). ``@per_set_or_fresh`` or
    ``@per_set_or_fresh(maxsize=n)``."""
    if builder is None:
        return functools.partial(per_set_or_fresh, maxsize=maxsize)
    cached = per_parameter_set(builder, maxsize=maxsize)
    last = cached.last

    @functools.wraps(builder)
    def get(p, *args):
        last_p, last_args, last_result = last[0]  # the last call's, as ``cached`` checks it (one call less a day)
        if last_p is p and last_args == args:
            return last_result
        return builder(p, *args) if p.__hash__ is None else cached(p, *args)

    get.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return get
