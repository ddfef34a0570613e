"""calcium-abm: an agent-based simulator of the bone-vascular calcium paradox.

Public API::

    from calcium_abm import load_scenario, simulate, CalciumParadoxModel

    df = simulate("k2_deficiency", years=10, seed=1)

The names below are imported on first use (PEP 562), so ``import calcium_abm`` and
``calcium-abm --help`` stay quick; Mesa, pandas and the compiled kernels load with the model.
"""

from __future__ import annotations

import importlib
from typing import Any

from calcium_abm.errors import ScenarioError, UserInputError

__version__ = "0.1.0"

#: public name -> module that defines it
_LAZY = {
    "CalciumParadoxModel": "calcium_abm.model",
    "COLUMNS": "calcium_abm.outputs",
    "Parameter": "calcium_abm.parameters",
    "parameter_registry": "calcium_abm.physiology",
    "Scenario": "calcium_abm.scenario",
    "builtin_scenarios": "calcium_abm.scenario",
    "load_scenario": "calcium_abm.scenario",
    "results_frame": "calcium_abm.simulation",
    "known_limits": "calcium_abm.simulation",
    "simulate": "calcium_abm.simulation",
}

__all__ = ["CalciumParadoxModel", "COLUMNS", "Parameter", "Scenario", "ScenarioError", "UserInputError",
           "builtin_scenarios", "known_limits", "load_scenario", "parameter_registry", "results_frame", "simulate",
           "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'calcium_abm' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
