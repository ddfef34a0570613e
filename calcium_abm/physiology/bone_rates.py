"""The bone cells' daily rates as laws of floats and a parameter set ``p``.

:func:`.remodeling.bone_drives` (the day's signals as cell-rate multipliers),
:func:`.remodeling.remodeling_rates` (the kernels' per-step rates) and
:func:`.remodeling.osteoblast_refill_margin` wrap these laws in their named types; compiled
code (the life course's steps, :mod:`.life_course`) calls the same laws, compiled from this one
definition (:mod:`.compiled_laws`), so both give the same numbers bit for bit. Their parameters
are declared in :mod:`.remodeling` and :mod:`.ageing`, with their sources.
"""

from __future__ import annotations

import math

import numba

__all__ = ["MAX_RECRUITMENT_PER_SURFACE_PATCH_PER_DAY", "bone_drive_factors", "remodeling_rate_values",
           "refill_margin", "team_osteoid_per_cell"]

#: at most one new osteoclast per free surface patch a day (~700x the healthy 0.0014): a bound, not a
#: law, so that an extreme but allowed drive (a PTH far outside physiology) cannot ask the Poisson draw
#: for billions of cells and exhaust memory; no run inside physiology comes near it
MAX_RECRUITMENT_PER_SURFACE_PATCH_PER_DAY = 1.0


def bone_drive_factors(pth_relative, estrogen_effect, vitamin_k_supply_nmol_per_l, p, activation_effect):
    """(activation, osteoclast apoptosis, osteoblast apoptosis) factors, dimensionless: PTH
    (relative to the reference adult) and the estrogen-loss effect on activation
    (``activation_effect``, its lagged value), the estrogen-loss effect (0-1) on both cells'
    lifespans, and the bone vitamin K supply (nmol/L) through its saturating status."""
    k_status = vitamin_k_supply_nmol_per_l / (vitamin_k_supply_nmol_per_l + p.vitamin_k_bone_half_saturation_nmol_per_l)
    activation = pth_relative ** p.pth_activation_exponent * (
        1.0 + activation_effect * (p.estrogen_loss_activation_factor - 1.0))
    oc_lifespan = 1.0 + estrogen_effect * (p.estrogen_loss_osteoclast_lifespan_factor - 1.0)
    oc_apoptosis = (1.0 + p.vitamin_k_osteoclast_apoptosis_gain * k_status) / oc_lifespan
    ob_apoptosis = (1.0 + p.vitamin_k_osteoblast_survival_gain * (1.0 - k_status)) * (
        1.0 + estrogen_effect * (p.estrogen_loss_osteoblast_apoptosis_factor - 1.0))
    return activation, oc_apoptosis, ob_apoptosis


@numba.njit(cache=True, inline="always")
def team_osteoid_per_cell(osteoid_per_cell_per_day, apoptosis_per_day, dt):
    """Osteoid one cell of a team lays over a step while the team dies at
    ``apoptosis_per_day``: the exact integral ``r (1 - e^-a dt) / a`` (``r dt`` at a = 0)."""
    survive = math.exp(-apoptosis_per_day * dt)
    return osteoid_per_cell_per_day * ((1.0 - survive) / apoptosis_per_day if apoptosis_per_day > 0 else dt)


def remodeling_rate_values(activation_factor, osteoclast_apoptosis_factor, osteoblast_apoptosis_factor, p, dt):
    """The fields of :class:`.remodeling.RemodelingRates`, in order, for a step of ``dt`` days
    under the three factors of :func:`bone_drive_factors`."""
    a = p.osteoblast_apoptosis_per_day * osteoblast_apoptosis_factor
    return (min(p.osteoclast_recruitment_per_surface_patch_per_day * activation_factor,
                MAX_RECRUITMENT_PER_SURFACE_PATCH_PER_DAY) * dt,
            p.osteoclast_resorption_per_day * dt,
            -math.expm1(-p.osteoclast_apoptosis_per_day * osteoclast_apoptosis_factor * dt),
            -math.expm1(-p.reversal_recruitment_per_day * dt),
            team_osteoid_per_cell(p.osteoblast_osteoid_per_cell_per_day, a, dt),
            math.exp(-a * dt),
            p.osteoblast_team_minimum_cells,
            dt)


def refill_margin(osteoblast_apoptosis_factor, p):
    """Osteoid a team can lay over its life per unit of cavity it was recruited for.

    A team of ``c * cavity`` cells each laying ``r`` per day while dying at rate ``a`` lays
    ``r c / a`` per unit cavity: above 1 the cavity is refilled, below 1 a deficit remains.
    """
    a = p.osteoblast_apoptosis_per_day * osteoblast_apoptosis_factor
    return p.osteoblast_osteoid_per_cell_per_day * p.osteoblast_cells_per_cavity_volume / a
