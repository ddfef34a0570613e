"""Conditions of :mod:`.conditional_parameters` for the caps of FGF23 (``kidney.fgf23_max_relative``,
``kidney.fgf23_min_relative``): a cap acts only where the day's FGF23 reaches it, and the model's FGF23 is a law of
the day's phosphorus absorbed per remaining nephron, calcitriol and ionised calcium (:func:`.kidney.fgf23_relative`),
with no memory, so a run's FGF23 stays near the steady value of its kidneys and diet
(:func:`.mineral_steady_state.mineral_steady_state`). A cap is refused where that value, at the lowest and the highest
GFR of the day's settings over the run, lies more than :data:`FGF23_CAP_MARGIN` times inside both the cap given and
the default one (the run is then the same whatever the cap), with FGF23's powers of ionised calcium and calcitriol
at most their defaults. Each is a (words, predicate on one day's validated settings) pair;
``tests/test_inert_inputs.py`` checks each entry both ways.
"""

from __future__ import annotations

import math
import types

from calcium_abm.physiology.condition_reads import default as _default
from calcium_abm.physiology.condition_reads import gfr_ml_per_min_over_run as _gfr_ml_per_min
from calcium_abm.physiology.condition_reads import modules_parameters
from calcium_abm.physiology.condition_reads import parameter as _parameter

__all__ = ["CAP_CONDITIONS", "FGF23_CAP_MARGIN", "steady_fgf23_range"]

#: how far inside a cap the steady FGF23 must lie for the cap to be refused (an assumption): a day's FGF23 differs
#: from the steady value of its kidneys and diet only through calcitriol (power 0.3 of (1 + c) / 2) and ionised
#: calcium (power 1); the runs tests/test_cap_conditions.py checks move it by under 3x (the furthest, diets poor in
#: calcium on a 16 x 16 grid whose ionised calcium falls far). With either power raised above its default no cap is
#: refused.
FGF23_CAP_MARGIN = 10.0


def _kidney_parameters(state):
    """The kidney's, the parathyroid's and dialysis's parameters of one day's settings, as a namespace (the laws run
    in Python on it, computed afresh), without the package's whole registry (which imports this module)."""
    from calcium_abm.physiology import dialysis, kidney

    return types.SimpleNamespace(**modules_parameters(state, (kidney, dialysis)))


def steady_fgf23_range(state) -> tuple[float, float]:
    """The lowest and highest steady relative FGF23 of one day's settings over the run (at its highest and its lowest
    GFR, the day's diet, binders and dialysis; at the reference ionised calcium), or ``(0, inf)`` where the kidneys
    have no steady phosphate (too little GFR without dialysis: FGF23 may reach either cap)."""
    from calcium_abm.physiology import minerals
    from calcium_abm.physiology.mineral_steady_state import mineral_steady_state

    p = _kidney_parameters(state)
    values = []
    for lowest in (False, True):
        gfr = max(_gfr_ml_per_min(state, lowest), 1e-3)
        k = minerals.kidney_inputs(state, gfr, 0.0, p)
        try:
            values.append(mineral_steady_state(gfr, p, k.phosphate_mg_per_day, binder_mg=k.binder_mg_per_day,
                                               dialysis_sessions_per_week=k.sessions_per_week).fgf23_relative)
        except ValueError:
            return 0.0, math.inf
    return min(values), max(values)


def _excursions_bounded(state) -> bool:
    """Whether the margin holds: FGF23's powers of ionised calcium and calcitriol at most their defaults (a second
    reading of stop 70 raised the calcium power to 8, and a floor the margin called unreachable acted)."""
    from calcium_abm.physiology import kidney

    return all(_parameter(state, name, kidney) <= _default(name, kidney)
               for name in ("fgf23_calcium_exponent", "fgf23_calcitriol_exponent"))


def _reaches_ceiling(state) -> bool:
    from calcium_abm.physiology import kidney

    if not _excursions_bounded(state):
        return True
    ceiling = min(_parameter(state, "fgf23_max_relative", kidney), _default("fgf23_max_relative", kidney))
    return steady_fgf23_range(state)[1] * FGF23_CAP_MARGIN >= ceiling


def _reaches_floor(state) -> bool:
    from calcium_abm.physiology import kidney

    if not _excursions_bounded(state):
        return True
    floor = max(_parameter(state, "fgf23_min_relative", kidney), _default("fgf23_min_relative", kidney))
    return steady_fgf23_range(state)[0] / FGF23_CAP_MARGIN <= floor


#: parameter -> (where it acts, in words; predicate), merged into :data:`.conditional_parameters.CONDITIONAL_PARAMETERS`
CAP_CONDITIONS = {
    "fgf23_max_relative": (
        "the steady FGF23 of the run's kidneys and diet comes within a factor of 10 of this ceiling or the default "
        "one (100), or parameters.fgf23_calcium_exponent or fgf23_calcitriol_exponent is above its default: a healthy "
        "adult's is 1, a haemodialysis patient's ~18; a cap acts only where FGF23 reaches it",
        _reaches_ceiling),
    "fgf23_min_relative": (
        "the steady FGF23 of the run's kidneys and diet comes within a factor of 10 of this floor or the default one "
        "(0.05), or parameters.fgf23_calcium_exponent or fgf23_calcitriol_exponent is above its default: a healthy "
        "adult's is 1, and about 0.1 on 100 mg/day of phosphorus; a floor acts only where FGF23 reaches it",
        _reaches_floor),
}
