"""Submodels of the calcium-paradox model, and the parameter registry.

Each module holds a few pure numpy functions and, beside them, the :class:`Parameter`
declarations (value, unit, source) they use. No module here imports the model; this
package's ``__init__`` gathers the declarations into one registry, so the import arrows
point one way: ``physiology.<module> -> parameters`` and ``physiology -> physiology.<module>``.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Mapping, NamedTuple

from calcium_abm.parameters import Parameter
from calcium_abm.kernel_cache import drop_stale_kernel_caches

drop_stale_kernel_caches()  # before any kernel loads: numba does not see a change in a law's own module

from calcium_abm.physiology import (ageing, calcification, calcium, carboxylation, coagulation, dialysis,
                                   hormone_therapy, intima, kidney, person_traits, remodeling, skeleton, species,
                                   vitamin_k)

#: modules whose ``PARAMETERS`` form the registry, in documentation order
MODULES = (vitamin_k, carboxylation, coagulation, remodeling, skeleton, calcification, intima, calcium, kidney,
           dialysis, species, ageing, hormone_therapy, person_traits)

_REGISTRY: Mapping[str, Parameter] | None = None


def parameter_registry() -> Mapping[str, Parameter]:
    """All model parameters by name, in declaration order: a read-only view (``types.MappingProxyType``), so a
    caller cannot change the values every later run in the process reads (a value outside its range, or one a
    spawned worker would not see); give other values through a scenario's ``[parameters]`` table.

    Raises:
        RuntimeError: if two modules declare the same name.
    """
    global _REGISTRY
    if _REGISTRY is None:
        reg: dict[str, Parameter] = {}
        for mod in MODULES:
            for p in getattr(mod, "PARAMETERS", ()):
                if p.name in reg:
                    raise RuntimeError(f"parameter {p.name!r} declared twice")
                reg[p.name] = Parameter(**{**p.__dict__, "module": mod.__name__})
        _REGISTRY = MappingProxyType(reg)
    return _REGISTRY


@functools.cache
def parameter_set_type() -> type[tuple]:
    """The typed parameter-set class: a :class:`typing.NamedTuple` with one float field per
    registered parameter, in registry order.

    Instances are immutable and hashable (caches key on them: see
    :func:`calcium_abm.physiology.vitamin_k.form_constants`), and a misspelt attribute
    raises ``AttributeError`` at once. Derive a variant with ``p._replace(name=value)``.
    An instance computes its hash once (:func:`_hash_once`): a new set (a person's rates,
    refreshed every ``person.PERSON_UPDATE_DAYS``) is a key of ~20 caches that day, and hashing
    its ~200 floats costs ~2 us each time.
    """
    fields = NamedTuple("ParameterSet", [(name, float) for name in parameter_registry()])
    return type("ParameterSet", (fields,), {"__hash__": _hash_once, "__setattr__": _immutable, "__module__": __name__,
                                            "__doc__": fields.__doc__})


def _hash_once(p) -> int:
    """The tuple's hash, kept in the instance's ``__dict__`` after the first call (the values never change)."""
    known = p.__dict__
    value = known.get("_hash")
    if value is None:
        value = known["_hash"] = tuple.__hash__(p)
    return value


def _immutable(p, name: str, value) -> None:
    raise AttributeError(f"a parameter set is immutable: derive one with p._replace({name}=...)")


def parameter_set(overrides: Mapping[str, float] | None = None):
    """Default values with ``overrides`` applied, as a typed, hashable record
    (``p.k1_half_life_h``; see :func:`parameter_set_type`).

    Overrides must already be validated (see :mod:`calcium_abm.scenario`).

    Raises:
        KeyError: for a name that is not in the registry.
    """
    values = {name: float(p.value) for name, p in parameter_registry().items()}
    if overrides:
        unknown = set(overrides) - set(values)
        if unknown:
            raise KeyError(f"unknown parameters: {sorted(unknown)}")
        values.update({k: float(v) for k, v in overrides.items()})
    return parameter_set_type()(**values)


def parameter_conflicts(p) -> list[str]:
    """Every broken cross-field rule of a parameter set (each module's ``parameter_conflicts``,
    in :data:`MODULES` order); empty if the set is consistent. One message per rule, naming
    the fields, their values and what is required."""
    each = [message for mod in MODULES if hasattr(mod, "parameter_conflicts") for message in mod.parameter_conflicts(p)]
    if each:
        return each
    # then what the laws do together, once each module's own rules hold: the kidneys' steady phosphate (imported
    # here: the solver brings the compiled laws, ~0.2 s, which `validate --list` or `docs` need not load)
    from calcium_abm.physiology.mineral_steady_state import phosphate_handling_conflicts
    return phosphate_handling_conflicts(p)
