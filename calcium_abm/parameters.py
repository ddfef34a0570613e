"""The :class:`Parameter` record and small helpers (a leaf module: it imports nothing of the package).

Every rate and constant of the model is declared once, as a :class:`Parameter`, in the
physiology module that uses it, with its unit and its source (or "assumption: ...").
:func:`calcium_abm.physiology.parameter_registry` gathers them so that scenarios
(``[parameters]``), the documentation table (``docs/parameters.md``) and sensitivity
analysis all read the same list.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable, Iterable, Mapping, TypeVar

import numpy as np

T = TypeVar("T")


@dataclass(frozen=True)
class Parameter:
    """One documented model constant.

    Attributes:
        name: unique name, with the unit in it where it has one (``k1_half_life_h``).
        value: default value (human, healthy adult).
        unit: unit string for the docs ("1/day", "mg/day", "-" for dimensionless).
        source: citation, or a string starting with "assumption" when no source was found.
        description: one line saying what it is.
        minimum, maximum: the range a user may set it to (inclusive).
        constrains: ids of validation rows that constrain this value (docs only).
        module: filled in by the registry with the module that declares it.
    """

    name: str
    value: float
    unit: str
    source: str
    description: str
    minimum: float = 0.0
    maximum: float = math.inf
    constrains: tuple[str, ...] = ()
    module: str = field(default="", compare=False)

    @property
    def is_assumption(self) -> bool:
        return self.source.lower().startswith("assumption")


def declare(params: Iterable[Parameter]) -> tuple[Parameter, ...]:
    """Helper for modules: ``PARAMETERS = declare([...])``."""
    return tuple(params)


def per_parameter_set(builder: Callable[..., T] | None = None, *, maxsize: int = 64):
    """Cache ``builder(p, *args)`` per (hashable) parameter set ``p`` and arguments.

    A :func:`functools.lru_cache` of ``maxsize`` results holds them; in front of it, the last
    call's parameter set is kept (a strong reference, so its identity cannot be reused) and an
    identical call returns at once, without hashing the ~100 parameter values (the daily
    hot path calls these builders with the same set every day). ``@per_parameter_set`` or
    ``@per_parameter_set(maxsize=n)``; only for pure builders with immutable results.
    """
    if builder is None:
        return functools.partial(per_parameter_set, maxsize=maxsize)
    cached = functools.lru_cache(maxsize=maxsize)(builder)
    last: list = [(None, None, None)]  # one (p, args, result) tuple, replaced whole: a thread never reads a mix

    @functools.wraps(builder)
    def get(p, *args):
        last_p, last_args, last_result = last[0]
        if last_p is p and last_args == args:
            return last_result
        result = cached(p, *args)
        last[0] = (p, args, result)
        return result

    get.cache_info = cached.cache_info  # type: ignore[attr-defined]
    get.last = last  # type: ignore[attr-defined]  # for wrappers that check it first (checks.per_set_or_fresh)
    return get


@functools.cache
def _record_dtype(fields: tuple[str, ...]) -> np.dtype:
    return np.dtype([(name, np.float64) for name in fields])


def kernel_record(values) -> np.ndarray:
    """A NamedTuple of floats as a one-element float64 structured array with the same
    field names, for compiled kernels, which read it by name (``k = rec[0]; k.mgp_keep``),
    so a swapped pair cannot compile. (Numba types a NamedTuple argument in Python at
    every call, ~0.4 us per field; a record array costs ~0.3 us.)"""
    return np.array([tuple(values)], dtype=_record_dtype(values._fields))


_DRIVE_RECORDS = threading.local()  # per thread: NamedTuple type -> its preallocated record


def drive_record(values) -> np.ndarray:
    """:func:`kernel_record` for values that change every day (a kernel's drives): the same
    record, written into one preallocated record per NamedTuple type and thread instead of a
    new array per call (~0.4 instead of ~2 us). It is valid until the next call for the same
    type in the same thread: pass it straight to the kernel; never keep it."""
    record = drive_record_slot(type(values))
    record[0] = values
    return record


def drive_record_slot(kind: type) -> np.ndarray:
    """The preallocated record :func:`drive_record` writes values of the NamedTuple type ``kind`` into
    (this thread's), for a caller that fills its fields itself (``record[0]["name"] = value``)."""
    records = _DRIVE_RECORDS.__dict__
    record = records.get(kind)
    if record is None:
        record = records[kind] = np.zeros(1, dtype=_record_dtype(kind._fields))
    return record


def module_defaults(params: Iterable[Parameter], module: str, overrides: Mapping[str, float]) -> SimpleNamespace:
    """One module's parameter defaults as attributes, with ``overrides`` applied (for the pure
    laws' tests and readouts, without the whole registry).

    Raises:
        KeyError: for a name the module does not declare (naming the module).
    """
    defaults = {p.name: p.value for p in params}
    unknown = set(overrides) - set(defaults)
    if unknown:
        raise KeyError(f"unknown {module} parameters: {sorted(unknown)}")
    return SimpleNamespace(**{**defaults, **{k: float(v) for k, v in overrides.items()}})
