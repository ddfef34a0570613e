"""calcium-abm: an agent-based simulator of the bone-vascular calcium paradox.

Public API::

    from calcium_abm import load_scenario, simulate, CalciumParadoxModel

    df = simulate("k2_deficiency", years=10, seed=1)
"""

from calcium_abm.errors import ScenarioError, UserInputError
from calcium_abm.model import CalciumParadoxModel
from calcium_abm.outputs import COLUMNS
from calcium_abm.parameters import Parameter, parameter_registry
from calcium_abm.scenario import Scenario, builtin_scenarios, load_scenario
from calcium_abm.simulation import results_frame, simulate

__version__ = "0.1.0"

__all__ = ["CalciumParadoxModel", "COLUMNS", "Parameter", "Scenario", "ScenarioError", "UserInputError",
           "builtin_scenarios", "load_scenario", "parameter_registry", "results_frame", "simulate",
           "__version__"]
