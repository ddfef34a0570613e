"""The :class:`Parameter` record (a leaf module: it imports nothing of the package).

Every rate and constant of the model is declared once, as a :class:`Parameter`, in the
physiology module that uses it, with its unit and its source (or "assumption: ...").
:func:`calcium_abm.physiology.parameter_registry` gathers them so that scenarios
(``[parameters]``), the documentation table (``docs/parameters.md``) and sensitivity
analysis all read the same list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable


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
