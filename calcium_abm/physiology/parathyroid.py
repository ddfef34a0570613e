"""The parathyroid gland: PTH secretion from ionised calcium, phosphate and the gland's size, and the PTH every
PTH-dependent law reads relative to (the reference adult's normal gland).

Pure functions of floats and a parameter set ``p``; the gland's parameters are declared in
:data:`.kidney.PARAMETERS` (value, unit, source). Structure re-implemented from Peterson & Riggs 2010 Bone 46:49
(OpenBoneMin, GPL: no code copied): Brown's calcium sigmoid x a slowly adapting capacity that grows when
calcitriol is low or the phosphate per nephron high, x a phosphate term, over the kidney's PTH clearance.

Units: ionised calcium and phosphate in mmol/L, PTH in pmol/L, GFR in mL/min, capacity and calcitriol relative (1 =
healthy). Errors: :class:`ValueError` naming the field, the value and what is allowed, for a negative or
non-finite input.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from calcium_abm.checks import checked_float as _check, per_set_or_fresh
from calcium_abm.physiology.kidney import PARAMETERS, relax, renal_clearance_relative

__all__ = ["NORMAL_GLAND_PARAMETERS", "advance_parathyroid_capacity", "normal_gland", "parathyroid_calcium_sigmoid_pmol_l",
           "parathyroid_capacity_target", "pth_secretion_pmol_l", "reference_pth_pmol_l"]


def parathyroid_capacity_target(calcitriol_relative_: float, p, phosphate_load_relative: float = 1.0) -> float:
    """Gland capacity (1 = healthy) the gland grows or shrinks towards at a calcitriol level and a
    per-nephron phosphate load (:func:`.kidney.phosphate_load_per_nephron_relative`):
    ``(Cmax - (Cmax - Cmin) c**h / (c**h + c50**h)) * L**g``, ``c50`` set so the capacity is 1 at
    c = 1 (Peterson & Riggs 2010 form; low calcitriol -> hyperplasia, up to Cmax) and ``g`` =
    ``parathyroid_capacity_phosphate_load_exponent`` (phosphate-driven hyperplasia, Slatopolsky 1996)."""
    c = _check("calcitriol_relative", calcitriol_relative_)
    load = _check("phosphate_load_relative", phosphate_load_relative) ** p.parathyroid_capacity_phosphate_load_exponent
    cmax, cmin, h = p.parathyroid_capacity_max, p.parathyroid_capacity_min, p.parathyroid_capacity_calcitriol_hill
    c50_h = (cmax - cmin) / (cmax - 1.0) - 1.0  # c50**h
    return (cmax - (cmax - cmin) * c ** h / (c ** h + c50_h)) * load


def advance_parathyroid_capacity(capacity: float, target: float, p, dt_days: float = 1.0) -> float:
    """Gland capacity after ``dt_days`` of first-order approach to ``target`` (exact)."""
    return relax(_check("parathyroid capacity", capacity), _check("parathyroid capacity target", target),
                 p.parathyroid_capacity_half_life_days, dt_days)


def parathyroid_calcium_sigmoid_pmol_l(ionized_calcium_mmol_l: float, p) -> float:
    """PTH of a normal-sized gland at an ionised calcium: Brown's sigmoid, ``(ion/set)**h`` in log form (no overflow)."""
    ion, lo, hi = _check("ionized_calcium_mmol_l", ionized_calcium_mmol_l), p.parathyroid_min_pmol_l, p.parathyroid_max_pmol_l
    x = p.parathyroid_hill * math.log(ion / p.parathyroid_setpoint_ionized_mmol_l) if ion > 0.0 else -math.inf
    return lo + (hi - lo) / (1.0 + math.exp(min(x, 700.0)))


def pth_secretion_pmol_l(ionized_calcium_mmol_l: float, serum_phosphate_mmol_l: float,
                         calcitriol_relative_: float, gfr: float, p,
                         gland_capacity: float | None = None, phosphate_load_relative: float = 1.0) -> float:
    """Plasma PTH (pmol/L) at quasi-steady state (PTH half-life minutes).

    ``PTH = capacity * sigmoid(Ca_ion) * (P / P_ref)**k / renal_clearance_relative(GFR)``.
    ``gland_capacity`` is the slow state of :func:`advance_parathyroid_capacity`; when None, the
    gland is taken at its steady-state size for ``calcitriol_relative_`` and
    ``phosphate_load_relative`` (use for steady states).
    """
    pi = _check("serum_phosphate_mmol_l", serum_phosphate_mmol_l)
    cap = parathyroid_capacity_target(calcitriol_relative_, p, phosphate_load_relative) if gland_capacity is None \
        else _check("gland_capacity", gland_capacity)
    clearance = renal_clearance_relative(gfr, p.pth_renal_clearance_share, p)
    return (cap * parathyroid_calcium_sigmoid_pmol_l(ionized_calcium_mmol_l, p)
            * (pi / p.reference_serum_phosphate_mmol_l_kidney) ** p.parathyroid_phosphate_exponent / clearance)


#: the calcium-PTH curve of a normal gland (:func:`parathyroid_calcium_sigmoid_pmol_l`): the PTH every PTH-dependent
#: law divides by is this gland's, whatever curve the run's person has
NORMAL_GLAND_PARAMETERS = ("parathyroid_setpoint_ionized_mmol_l", "parathyroid_hill", "parathyroid_min_pmol_l",
                           "parathyroid_max_pmol_l")
_NORMAL_GLAND = {par.name: float(par.value) for par in PARAMETERS if par.name in NORMAL_GLAND_PARAMETERS}


def normal_gland(p):
    """``p`` with the calcium-PTH curve of a normal gland (:data:`NORMAL_GLAND_PARAMETERS` at their registered
    values, Schwarz 1994's healthy controls); the same object when it has them already."""
    if all(getattr(p, name) == value for name, value in _NORMAL_GLAND.items()):
        return p
    return p._replace(**_NORMAL_GLAND) if hasattr(p, "_replace") else SimpleNamespace(**{**vars(p), **_NORMAL_GLAND})


@per_set_or_fresh
def reference_pth_pmol_l(p) -> float:
    """PTH of the reference adult (pmol/L): a normal gland (:func:`normal_gland`) at the reference ionised calcium,
    phosphate, calcitriol and GFR.

    Each PTH-dependent law (bone resorption, renal calcium and phosphate handling, calcitriol) reads PTH relative
    to it, so a gland whose calcium-PTH curve differs from the normal one drives them as a disease of the gland
    does: a set point raised (``parathyroid_setpoint_ionized_mmol_l``; Brown's set point is 1.32 (SD 0.10) mmol/L
    in primary hyperparathyroidism against 1.13 (0.04) in controls, and normal again after parathyroidectomy:
    Schwarz et al. 1994 Eur J Clin Invest 24:553; the set point as the disorder's lesion: Marx 2000 N Engl J Med
    343:1863) gives high calcium, high PTH and low phosphate; a gland secreting less gives the reverse. OpenBoneMin
    (Peterson & Riggs 2010) likewise divides PTH by a fixed baseline. Until stop 69 it divided by the person's own
    gland's PTH, so a changed curve changed only the PTH shown (an endocrinologist's review).
    """
    return pth_secretion_pmol_l(p.reference_ionized_calcium_mmol_l, p.reference_serum_phosphate_mmol_l_kidney,
                                1.0, p.reference_gfr_ml_per_min, normal_gland(p))
