"""The skeleton around the trabecular section: the mean-field cortical compartment,
osteoid mineralisation (trabecular and cortical), and the spin-up of the section.

Cortical bone is ~80 % of skeletal calcium but turns over slowly, so it is one mean-field
compartment remodeled under the same signals as the section (:mod:`.remodeling`). Osteoid
in both mineralises first order, taking calcium from blood, at a rate following the serum
Ca x P product.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from calcium_abm.parameters import Parameter, declare
from calcium_abm.physiology.remodeling import BoneDrives, BoneSection, bone_drives, osteoblast_refill_margin, remodel_day

PARAMETERS = declare([
    Parameter("skeletal_calcium_mg", 1.0e6, "mg", "[V] 25,000-30,000 mmol skeletal Ca (OpenBoneMin comments)",
              "Whole-skeleton calcium (trabecular section + cortical compartment)", 1.0, 1e8),
    Parameter("trabecular_calcium_fraction", 0.2, "-", "[S] trabecular bone is ~20 % of skeletal mass",
              "Share of skeletal calcium in trabecular bone (represented by the bone section)", 0.01, 0.99),
    Parameter("cortical_turnover_per_year", 0.03, "1/year",
              "[S] cortical bone turns over ~2-5 %/year vs ~25 %/year for trabecular bone",
              "Cortical resorption per year at reference signals (mean-field compartment)", 0.0, 1.0, ("20",)),
    Parameter("cortical_refill_per_day", 0.011, "1/day",
              "[V] formation period 89 d (Bone Miner 1991): cavities are refilled at ~1/90 per day",
              "Rate at which cortical resorption cavities are refilled", 1e-4, 1.0),
    Parameter("osteoid_mineralisation_per_day", 0.07, "1/day",
              "[V] mineralisation lag ~8-15 d (Bone Miner 1991); first-order primary mineralisation",
              "Rate at which osteoid becomes mineralised matrix", 1e-3, 10),
    Parameter("mineralisation_capxp_exponent", 2.0, "-",
              "assumption: osteoid mineralises from supersaturated extracellular fluid; low Ca x P slows it "
              "(the mechanism of osteomalacia)",
              "Sensitivity of osteoid mineralisation to the serum Ca x P product", 0.0, 10),
])


@dataclass
class CorticalBone:
    """Mean-field cortical compartment (mg of mineral; cavity and osteoid in mineral-equivalent mg).

    Cortical bone is 80 % of the skeleton but turns over slowly; modelled without space,
    with the same rules as the section: resorption follows activation and osteoclast life,
    cavities are refilled by osteoblasts up to the same refill margin, osteoid mineralises.
    """

    mineral_mg: float
    cavity_mg: float
    osteoid_mg: float


def cortical_steady_state(mineral_mg: float, p, activation_factor: float = 1.0) -> CorticalBone:
    """Cortical compartment at steady state (the day-0 state) under reference signals, or under
    a remodeling ``activation_factor`` (:class:`.remodeling.BoneDrives`, e.g. a CKD patient's PTH)."""
    k_res = p.cortical_turnover_per_year / 365.0 * activation_factor
    cavity = k_res * mineral_mg / p.cortical_refill_per_day
    osteoid = p.cortical_refill_per_day * cavity / p.osteoid_mineralisation_per_day
    return CorticalBone(mineral_mg, cavity, osteoid)


def cortical_day(cortical: CorticalBone, drives: BoneDrives, p, dt: float = 1.0) -> float:
    """One day of cortical remodeling (mean field), in place; returns mineral resorbed (mg)."""
    depth = 1.0 / drives.osteoclast_apoptosis_factor  # longer-lived osteoclasts dig deeper
    # float(): numpy's exp, kept so the bits stay, but the state stays a Python float (numpy scalars are slow)
    resorbed = cortical.mineral_mg * (1.0 - float(np.exp(-p.cortical_turnover_per_year / 365.0
                                                         * drives.activation_factor * depth * dt)))
    refilled = cortical.cavity_mg * (1.0 - float(np.exp(-p.cortical_refill_per_day * dt)))
    cortical.mineral_mg -= resorbed
    cortical.cavity_mg += resorbed - refilled
    # teams lay min(1, margin) of their cavity; the rest of the cycle ends as a deficit
    cortical.osteoid_mg += refilled * min(1.0, osteoblast_refill_margin(drives, p))
    return float(resorbed)


def mineralised_fraction(capxp_relative: float, p, dt: float = 1.0) -> float:
    """Share of osteoid that mineralises in one step: first order, with the rate following
    the serum Ca x P product relative to normal (low supersaturation slows it)."""
    rate = p.osteoid_mineralisation_per_day * capxp_relative ** p.mineralisation_capxp_exponent
    return -math.expm1(-rate * dt)


def mineralise_cortical(cortical: CorticalBone, supply_mg: float, capxp_relative: float, p,
                        dt: float = 1.0) -> float:
    """Cortical osteoid mineralisation (mg taken from blood), as :func:`mineralise`."""
    amount = min(cortical.osteoid_mg * mineralised_fraction(capxp_relative, p, dt), max(supply_mg, 0.0))
    cortical.osteoid_mg -= amount
    cortical.mineral_mg += amount
    return float(amount)


def mineralise(bone: BoneSection, supply_mg: float, capxp_relative: float, p, dt: float = 1.0) -> float:
    """First-order mineralisation of osteoid, in place; returns calcium taken from blood
    (mg), scaled down if blood can give only ``supply_mg``. The rate follows the serum
    Ca x P product relative to normal (``capxp_relative``). Leaves the section's sums after the
    step in ``bone.day_sums`` (see :class:`.remodeling.BoneSection`)."""
    moved, *sums = _mineralise_kernel(bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(),
                                      mineralised_fraction(capxp_relative, p, dt), bone.mineral_mg_per_unit, supply_mg)
    bone.day_sums = tuple(sums)
    return moved


@numba.njit(cache=True)
def _mineralise_kernel(mineral, osteoid, cavity, fraction, mg_per_unit, supply_mg):
    """Returns (calcium moved, mg; then the sums of mineral, osteoid and cavity after the step,
    added in the order :func:`.remodeling.bone_tallies` adds them, so they equal its result)."""
    wanted = 0.0
    for o in osteoid:
        wanted += o * fraction
    scale = 1.0
    if wanted * mg_per_unit > supply_mg:  # blood cannot give it all (wanted > 0 here unless supply < 0)
        scale = max(supply_mg, 0.0) / (wanted * mg_per_unit) if wanted > 0.0 else 0.0
    moved = mineral_sum = osteoid_sum = cavity_sum = 0.0
    for k in range(osteoid.size):
        amount = osteoid[k] * fraction * scale
        osteoid[k] -= amount
        mineral[k] += amount
        moved += amount
        mineral_sum += mineral[k]  # the day's readout sums, in the same pass (no second read of the section)
        osteoid_sum += osteoid[k]
        cavity_sum += cavity[k]
    return moved * mg_per_unit, mineral_sum, osteoid_sum, cavity_sum


def spin_up_section(bone: BoneSection, ocs, obs, vitamin_k_supply_nmol_per_l: float, p, stream,
                    dt: float, days: float, estrogen_effect_at=None, pth_relative: float = 1.0) -> None:
    """Remodel the section under ``pth_relative`` (default the reference; a CKD patient's own
    steady-state PTH), Ca x P at reference and the
    given bone vitamin K supply for ``days`` physiological days, in place, so a run starts
    from a steady remodeling space. Dead cells are removed from ``ocs`` and ``obs``; no
    calcium is booked (the ledger starts at day 0).

    ``estrogen_effect_at(days_before_start)`` gives the estrogen-loss effect (0-1) on that
    day of the person's past (default: estrogen present throughout, 0); ``p`` carries the
    person's age-adjusted rates."""
    steps = int(math.ceil(days / dt))
    drives = bone_drives(pth_relative, 0.0, vitamin_k_supply_nmol_per_l, p)
    for i in range(steps):
        if estrogen_effect_at is not None:
            drives = bone_drives(pth_relative, estrogen_effect_at((steps - i) * dt), vitamin_k_supply_nmol_per_l, p)
        result = remodel_day(bone, ocs, obs, drives, p, stream, dt)
        ocs.kill(result.dead_osteoclasts)
        obs.kill(result.dead_osteoblasts)
        mineralise(bone, math.inf, 1.0, p, dt)
