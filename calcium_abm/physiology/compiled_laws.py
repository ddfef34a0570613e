"""The scalar laws of the daily chain, compiled from their one definition.

The kidney, dialysis and calcium laws are small Python functions of floats and a parameter set
``p`` (:mod:`.kidney`, :mod:`.dialysis`, :mod:`.calcium`). The model's day calls them ~40 times,
as many Python calls (and input checks) that cost more than the arithmetic. This module lets
numba compile those same functions, unchanged, inside a compiled day
(:func:`.minerals.systemic_day`): each law is registered with
:func:`numba.extending.register_jitable` (Python still calls the original; numba compiles it
where a compiled function calls it), the input check :func:`calcium_abm.checks.checked_float`
gets a compiled twin that raises a plain ``ValueError``, and the per-parameter-set reference
values (``parathyroid.reference_pth_pmol_l`` ...) are read from the parameter record, computed once
by the Python law. So there is still one definition per law.

``p`` inside compiled code is a numpy record of the parameters they read, with the parameter
set's field names, plus the reference values (:func:`law_parameters`). numba calls libm's ``pow``, ``exp`` and ``log``
as Python does and keeps the order of operations, so the compiled day gives the Python day's
numbers bit for bit (``tests/test_compiled_laws.py``). A compiled call that raises, or gives a
non-finite value, is repeated in Python by its caller, which then raises the law's own message
(naming the field) or returns what Python gives.
"""

from __future__ import annotations

import ast
import inspect
import math
import operator
import re
import textwrap
import threading

import numpy as np
from numba.extending import overload, register_jitable

from calcium_abm.checks import checked_float
from calcium_abm.physiology import (ageing, bone_rates, calcification, calcium, carboxylation, dialysis, intima, kidney,
                                   parathyroid, skeleton)

__all__ = ["COMPILED_LAWS", "REFERENCE_VALUES", "call_compiled", "law_parameters", "compiled_chain", "compiles"]

#: the laws a compiled day may call (each compiled from its own definition)
COMPILED_LAWS = (
    kidney.phosphate_absorbed_mg, kidney.phosphate_load_per_nephron_relative, kidney.fgf23_relative,
    kidney.phosphate_fractional_excretion, kidney.calcitriol_phosphate_effect, kidney.calcitriol_relative,
    parathyroid.parathyroid_capacity_target, kidney.relax, parathyroid.advance_parathyroid_capacity,
    parathyroid.parathyroid_calcium_sigmoid_pmol_l, parathyroid.pth_secretion_pmol_l, kidney.renal_clearance_relative,
    kidney.blood_phosphate_day, kidney.phosphorus_with_calcium_mg, dialysis.systemic_inhibitor_fraction,
    dialysis.skeletal_pth_sensitivity, dialysis.advance_skeletal_pth_sensitivity,
    dialysis.dialysis_session_removal_mg, calcium.serum_calcium_mmol_l, calcium.serum_phosphate_mmol_l,
    calcium.ionized_calcium_mmol_l, calcium.advance_skeletal_calcitriol,
    calcium.gut_day, calcium.filtered_calcium_mg, calcium.kidney_and_endogenous_day, calcium.excretion_day,
    calcium.capxp_relative, calcium._bone_pth_scale, calcium.bone_fluid_moved_mg,
    skeleton.osteoid_mineralisation_rate_per_day, skeleton.mineralised_fraction, skeleton.secondary_fraction,
    skeleton.mineralise_arrays, skeleton.cortical_mineralised_mg, calcium.phosphate_relative,
    intima.intima_growth_mg, intima.inhibitor_growth_factor, intima.plaque_chemistry_drive,
    intima.onset_clock_gain_years, intima.next_onset_age_years, calcification.wall_day,
    ageing.lagged_activation_effect, bone_rates.bone_drive_factors, bone_rates.remodeling_rate_values,
    bone_rates.refill_margin, skeleton.cortical_day_values, calcium.gfr_relative, carboxylation.advance_dp_ucmgp,
    carboxylation.ucmgp_release_relative,
)
#: per-parameter-set values the laws call (cached in Python): record field -> the function
REFERENCE_VALUES = {
    "reference_phosphate_load_mg__": kidney.reference_phosphate_load_mg,
    "reference_fractional_excretion__": kidney.reference_fractional_excretion,
    "reference_pth_pmol_l__": parathyroid.reference_pth_pmol_l,
}



class _ConstantMessages(ast.NodeTransformer):
    """``raise E(<message built at run time>)`` -> ``raise E("<law>: ...")``: numba compiles a
    raise with a constant message only (an f-string's ``!r`` is Python's)."""

    def __init__(self, law: str):
        self.law = law

    def visit_Raise(self, node: ast.Raise) -> ast.Raise:
        if isinstance(node.exc, ast.Call) and not all(isinstance(a, ast.Constant) for a in node.exc.args):
            node.exc.args = [ast.Constant(f"{self.law}: an input is not allowed (Python repeats the call for the "
                                          "message)")]
        return node


def _compilable(law):
    """``law`` itself where numba compiles it; else the same source with its raise messages made
    constant (:class:`_ConstantMessages`), defined in the law's module: one definition either way."""
    source = textwrap.dedent(inspect.getsource(law))
    tree = ast.parse(source)
    if not any(isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
               and not all(isinstance(a, ast.Constant) for a in node.exc.args) for node in ast.walk(tree)):
        return law
    tree = ast.fix_missing_locations(_ConstantMessages(law.__qualname__).visit(tree))
    tree.body[0].decorator_list = []
    namespace: dict = {}
    exec(compile(tree, inspect.getsourcefile(law), "exec"), law.__globals__, namespace)  # noqa: S102 - our own law
    return namespace[law.__name__]


#: the parameter names (``p.name``) the registered laws and chains read, scanned from their source once, when each
#: is registered (a server whose source files changed on disk, a ``git pull`` during a lab, could no longer read
#: them: each new tab's thread scanned the sources again and every new tab failed, a student's review)
_READ: set[str] = set()


def _note_reads(function) -> None:
    _READ.update(re.findall(r"\bp\.([A-Za-z_][A-Za-z0-9_]*)", inspect.getsource(function)))


def _register(law) -> None:
    """Let compiled code call ``law`` (Python keeps calling ``law`` itself)."""
    twin = _compilable(law)
    _note_reads(law)
    overload(law, strict=False)(lambda *args, **kwargs: twin)


for _law in COMPILED_LAWS:
    _register(_law)


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


def call_compiled(call, p):
    """``call(record)`` with :func:`law_parameters`' record of ``p``, a compiled chain's call giving a tuple of
    floats; None where ``p`` does not compile (:func:`compiles`), or where the call raises or gives a value that
    is not finite: the caller then runs the Python chain, which raises the law's own message (naming the
    field) or gives Python's value."""
    if not compiles(p):
        return None
    try:
        values = call(law_parameters(p))
    except (ValueError, ArithmeticError):
        return None
    return values if math.isfinite(sum(values)) else None


_CHAINS: list = []  # the Python chains of laws compiled as a whole (compiled_chain)


def compiled_chain(function):
    """Register ``function``, a chain of the laws above on floats and ``p`` written in plain Python,
    to be compiled where a compiled function calls it (:func:`numba.extending.register_jitable`);
    returns ``function`` itself, which Python calls as before. Its ``p.name`` reads join
    :func:`law_parameters`' record."""
    register_jitable(function)
    _note_reads(function)
    _CHAINS.append(function)
    return function


def _fields_read(p) -> tuple[str, ...]:
    """The parameters the compiled laws and chains read (``p.name`` in their source), in ``p``'s order."""
    return tuple(name for name in p._fields if name in _READ)


class _Record(threading.local):
    """Per thread: the one record compiled calls read ``p`` from, the parameter set it holds now,
    and the fields it has (rebuilt when a chain joins)."""

    record: np.ndarray | None = None
    holds = None
    chains = -1
    fields: tuple[str, ...] = ()


_RECORD = _Record()


def law_parameters(p) -> np.ndarray:
    """The record holding ``p`` (:func:`compiles`) for compiled calls, which read ``record[0]`` as
    ``p``: a one-element float64 record array of the parameters the compiled laws and chains read
    (numba types a record argument at each call, ~0.3 us for ~70 fields, ~8 us for all ~220), and
    :data:`REFERENCE_VALUES`. One record per thread, its values replaced when another parameter set
    is passed (~15 us; a model changes its set every 30 days). Valid until the next call in the same
    thread: pass it straight to the compiled call."""
    held = _RECORD
    if held.holds is p:
        return held.record
    if held.chains != len(_CHAINS):
        held.fields = _fields_read(p)
        held.chains = len(_CHAINS)
        names = (*held.fields, *REFERENCE_VALUES)
        held.record = np.zeros(1, dtype=np.dtype([(name, np.float64) for name in names]))
        held.values = held.record.view(np.float64)  # the same memory
        held.read = operator.attrgetter(*held.fields)
    values = held.values
    values[:len(held.fields)] = held.read(p)
    values[len(held.fields):] = [function(p) for function in REFERENCE_VALUES.values()]
    held.holds = p
    return held.record
