"""The model's parameter registry.

Every rate and constant of the model is declared once, as a :class:`Parameter`, in the
physiology module that uses it, with its unit and its source (or "assumption: ...").
This module gathers them so that scenarios (``[parameters]``), the documentation table
(``docs/parameters.md``) and sensitivity analysis all read the same list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Iterable, Mapping


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


def _physiology_modules():
    # Imported lazily so that physiology modules can import this one.
    from calcium_abm import outputs
    from calcium_abm.physiology import (
        calcification,
        calcium,
        carboxylation,
        remodeling,
        species,
        vitamin_k,
    )

    return (vitamin_k, carboxylation, remodeling, calcification, calcium, species, outputs)


_REGISTRY: dict[str, Parameter] | None = None


def parameter_registry() -> dict[str, Parameter]:
    """All model parameters by name, in declaration order."""
    global _REGISTRY
    if _REGISTRY is None:
        reg: dict[str, Parameter] = {}
        for mod in _physiology_modules():
            for p in getattr(mod, "PARAMETERS", ()):
                if p.name in reg:
                    raise RuntimeError(f"parameter {p.name!r} declared twice")
                reg[p.name] = Parameter(**{**p.__dict__, "module": mod.__name__})
        _REGISTRY = reg
    return _REGISTRY


def parameter_set(overrides: Mapping[str, float] | None = None) -> SimpleNamespace:
    """Default values with ``overrides`` applied, as attributes (``p.k1_half_life_h``).

    Overrides must already be validated (see :mod:`calcium_abm.scenario`).
    """
    values = {name: p.value for name, p in parameter_registry().items()}
    if overrides:
        unknown = set(overrides) - set(values)
        if unknown:
            raise KeyError(f"unknown parameters: {sorted(unknown)}")
        values.update({k: float(v) for k, v in overrides.items()})
    return SimpleNamespace(**values)


def declare(params: Iterable[Parameter]) -> tuple[Parameter, ...]:
    """Helper for modules: ``PARAMETERS = declare([...])``."""
    return tuple(params)
