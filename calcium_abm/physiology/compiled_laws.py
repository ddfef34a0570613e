"""The scalar laws of the daily chain, compiled from their one definition.

The kidney, dialysis and calcium laws are small Python functions of floats and a parameter set
``p`` (:mod:`.kidney`, :mod:`.dialysis`, :mod:`.calcium`). The model's day calls them ~40 times,
as many Python calls (and input checks) that cost more than the arithmetic. This module lets
numba compile those same functions, unchanged, inside a compiled day
(:func:`.minerals.systemic_day`): each law is registered with
:func:`numba.extending.register_jitable` (Python still calls the original; numba compiles it
where a compiled function calls it), the input check :func:`calcium_abm.checks.checked_float`
gets a compiled twin that raises a plain ``ValueError``, and the per-parameter-set reference
values (``kidney.reference_pth_pmol_l`` ...) are read from the parameter record, computed once
by the Python law. So there is still one definition per law.

``p`` inside compiled code is a numpy record of the parameters they read, with the parameter
set's field names, plus the reference values (:func:`law_parameters`). numba calls libm's ``pow``, ``exp`` and ``log``
as Python does and keeps the order of operations, so the compiled day gives the Python day's
numbers bit for bit (``tests/test_compiled_laws.py``). A compiled call that raises, or gives a
non-finite value, is repeated in Python by its caller, which then raises the law's own message
(naming the field) or returns what Python gives.
"""

from __future__ import annotations

import inspect
import math
import operator
import re
import threading

import numpy as np
from numba import types
from numba.experimental import structref
from numba.extending import overload, register_jitable

from calcium_abm.checks import checked_float
from calcium_abm.physiology import calcium, dialysis, kidney

__all__ = ["COMPILED_LAWS", "REFERENCE_VALUES", "LawParameters", "law_parameters", "compiled_chain", "compiles"]

#: the laws a compiled day may call (each compiled from its own definition)
COMPILED_LAWS = (
    kidney.phosphate_absorbed_mg, kidney.phosphate_load_per_nephron_relative, kidney.fgf23_relative,
    kidney.phosphate_fractional_excretion, kidney.calcitriol_phosphate_effect, kidney.calcitriol_relative,
    kidney.parathyroid_capacity_target, kidney.relax, kidney.advance_parathyroid_capacity,
    kidney.parathyroid_calcium_sigmoid_pmol_l, kidney.pth_secretion_pmol_l, kidney.renal_clearance_relative,
    dialysis.systemic_inhibitor_fraction, calcium.serum_calcium_mmol_l, calcium.advance_skeletal_calcitriol,
)
#: per-parameter-set values the laws call (cached in Python): record field -> the function
REFERENCE_VALUES = {
    "reference_phosphate_load_mg__": kidney.reference_phosphate_load_mg,
    "reference_fractional_excretion__": kidney.reference_fractional_excretion,
    "reference_pth_pmol_l__": kidney.reference_pth_pmol_l,
}

for _law in COMPILED_LAWS:
    register_jitable(_law)


@overload(checked_float)
def _compiled_checked_float(name, value, low=0.0, high=math.inf):
    def checked(name, value, low=0.0, high=math.inf):
        v = float(value)
        if low <= v <= high and v - v == 0.0:  # as checked_float
            return v
        raise ValueError("a law's input is not allowed (its caller repeats the call in Python for the message)")
    return checked


def _reference_reader(field: str):
    def reader(p):
        return lambda p: getattr(p, field)
    return reader


for _field, _function in REFERENCE_VALUES.items():
    overload(_function)(_reference_reader(_field))


def compiles(p) -> bool:
    """Whether ``p`` is a parameter set a compiled day takes: a hashable NamedTuple of floats (the
    model's; a module's default namespace, as the laws' tests pass, stays in Python)."""
    return getattr(p, "__hash__", None) is not None and hasattr(p, "_fields")


@structref.register
class LawParametersType(types.StructRef):
    """numba type of :class:`LawParameters` (one field: ``record``)."""

    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class LawParameters(structref.StructRefProxy):
    """A parameter record wrapped for compiled calls: numba types a record array argument in Python
    at every call (~7 us for the ~200 parameters), a struct reference at once. Compiled code reads
    ``params.record[0]`` as ``p``."""

    def __new__(cls, record: np.ndarray):
        return structref.StructRefProxy.__new__(cls, record)


structref.define_proxy(LawParameters, LawParametersType, ["record"])


_CHAINS: list = []  # the Python chains of laws compiled as a whole (compiled_chain)


def compiled_chain(function):
    """Register ``function``, a chain of the laws above on floats and ``p`` written in plain Python,
    to be compiled where a compiled function calls it (:func:`numba.extending.register_jitable`);
    returns ``function`` itself, which Python calls as before. Its ``p.name`` reads join
    :func:`law_parameters`' record."""
    register_jitable(function)
    _CHAINS.append(function)
    return function


def _fields_read(p) -> tuple[str, ...]:
    """The parameters the compiled laws and chains read (``p.name`` in their source), in ``p``'s order."""
    read = set()
    for function in (*COMPILED_LAWS, *_CHAINS):
        read.update(re.findall(r"\bp\.([A-Za-z_][A-Za-z0-9_]*)", inspect.getsource(function)))
    return tuple(name for name in p._fields if name in read)


class _Record(threading.local):
    """Per thread: the one record compiled calls read ``p`` from, its :class:`LawParameters`, the
    parameter set it holds now, and the fields it has (rebuilt when a chain joins)."""

    params: LawParameters | None = None
    holds = None
    chains = -1
    fields: tuple[str, ...] = ()


_RECORD = _Record()


def law_parameters(p) -> LawParameters:
    """The :class:`LawParameters` holding ``p`` (:func:`compiles`): one record per thread, its values
    replaced when another parameter set is passed (~10 us; a model changes its set every 30 days).
    Valid until the next call in the same thread: pass it straight to the compiled call."""
    held = _RECORD
    if held.holds is p:
        return held.params
    if held.chains != len(_CHAINS):
        held.fields = _fields_read(p)
        held.chains = len(_CHAINS)
        names = (*held.fields, *REFERENCE_VALUES)
        held.record = np.zeros(1, dtype=np.dtype([(name, np.float64) for name in names]))
        held.values = held.record.view(np.float64)  # the same memory, which the LawParameters shares
        held.params = LawParameters(held.record)
        held.read = operator.attrgetter(*held.fields)
    values = held.values
    values[:len(held.fields)] = held.read(p)
    values[len(held.fields):] = [function(p) for function in REFERENCE_VALUES.values()]
    held.holds = p
    return held.params
