"""What the conditions of :mod:`.conditional_parameters` read in one day's validated settings: a parameter (the
scenario's value, else its module's default), a module's parameters, the person's sex and hormone therapy. A leaf of
the package's physiology (it imports none of it at module level), so the conditions can live in several modules.
"""

from __future__ import annotations

import math

__all__ = ["default", "female", "hormone_therapy_taken", "gfr_ml_per_min_over_run", "lower_of_set_and_default", "male",
           "module_parameters", "modules_parameters",
           "parameter"]


def hormone_therapy_taken(state) -> bool:
    """Whether the day's settings give menopausal hormone therapy."""
    return state.drugs.menopausal_hormone_therapy


def parameter(state, name: str, module) -> float:
    """Parameter ``name`` in one day's settings: the scenario's value, else the default ``module`` declares."""
    return state.parameters.get(name, default(name, module))


def lower_of_set_and_default(state, name: str, module, or_default: bool) -> float:
    """An age onset ``name`` in one day's settings (:func:`parameter`), or, ``or_default``, the lower of it and its
    default: moving an onset acts at ages past either of them."""
    value = parameter(state, name, module)
    return min(value, default(name, module)) if or_default else value


def default(name: str, module) -> float:
    """Parameter ``name``'s default, as ``module`` declares it."""
    return next(p.value for p in module.PARAMETERS if p.name == name)


def female(state) -> bool:
    """Whether the day's person is a woman (or a female rodent preset)."""
    return state.patient.sex == "female"


def male(state) -> bool:
    """Whether the day's person is a man (or a male rodent preset)."""
    return state.patient.sex == "male"


def module_parameters(module, state):
    """``module``'s parameter defaults with the day's settings' values of its own parameters (not the whole registry:
    the package imports this module)."""
    from calcium_abm.parameters import module_defaults

    names = {p.name for p in module.PARAMETERS}
    return module_defaults(module.PARAMETERS, module.__name__, {k: v for k, v in state.parameters.items() if k in names})


def gfr_ml_per_min_over_run(state, lowest: bool = True) -> float:
    """The lowest (or highest) GFR a day's settings give over the run: a measured GFR (the lowest: its decline's
    end, if any), else the CKD stage's (the lowest: at most its decline's end), for a person (not a rodent preset) at
    most the GFR of the age law at the run's end (the highest: at the start age)."""
    from calcium_abm.physiology import ageing, kidney

    k, patient = state.kidney, state.patient
    end = k.gfr_end_ml_per_min if lowest and k.gfr_end_ml_per_min is not None else math.inf
    if k.residual_gfr_ml_per_min is not None:
        return min(k.residual_gfr_ml_per_min, end)
    stage = min(kidney.GFR_ML_PER_MIN_BY_CKD_STAGE[patient.ckd_stage], end)
    if patient.species != "human":
        return stage
    age = patient.age_years + (state.simulation.years if lowest else 0.0)
    return ageing.gfr_for_person_ml_per_min(age, patient.sex, stage, module_parameters(ageing, state))


def modules_parameters(state, modules) -> dict:
    """Name -> value of several modules' parameters in one day's settings (:func:`module_parameters` of each)."""
    values = {}
    for module in modules:
        values.update(vars(module_parameters(module, state)))
    return values
