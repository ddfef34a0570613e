"""Vessel-wall (media) calcification and the smooth-muscle-cell phenotype switch.

Each patch of the media holds one vascular smooth muscle cell (VSMC), its matrix Gla
protein (carboxylated cMGP and uncarboxylated ucMGP, in units of the healthy contractile
cell's steady-state MGP) and a mineral deposit (volume fraction of the patch).

* VSMCs make MGP; the carboxylated share depends on local KH2 (:mod:`.carboxylation`).
* Active MGP inhibits mineral growth and neutralises BMP-2. Inhibition is saturating:
  ``I = c / (c + K)`` with ``c = cMGP + w * ucMGP`` (ucMGP keeps a little activity through
  its phospho-serine motif; Schurgers 2007 JTH).
* Contractile VSMCs switch to the osteochondrogenic phenotype at a rate raised by phosphate
  (via PiT-1) and by unopposed BMP-2 ``(1 - I)``; they switch back at a rate rising with I.
  (Serum calcium acts through the Ca x P product on mineral, not on the switch.)
* Osteochondrogenic cells shed matrix vesicles that nucleate mineral; deposits grow with
  the calcium-phosphate product, fastest beside osteochondrogenic cells; both are damped
  by ``1 - I_total`` where systemic inhibitors (fetuin-A, pyrophosphate) add to MGP.
* Deposits regress slowly (macrophage / osteoclast-like resorption) when MGP is active.
* VSMCs die by apoptosis and are replaced by a contractile daughter of a neighbour;
  apoptotic bodies seed mineral (Proudfoot 2000).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from calcium_abm.parameters import Parameter, declare

PARAMETERS = declare([
    Parameter("vessel_media_calcium_capacity_mg", 400.0, "mg",
              "assumption: calcium held by a fully calcified coronary media (sets the mg scale)",
              "Calcium in the whole represented media if every patch were fully mineralised", 1e-3, 1e6, ("21",)),
    Parameter("vessel_vitamin_k_penetration_fraction", 0.35, "-",
              "assumption: vitamin K reaches the media from the lumen and the adventitial vasa vasorum",
              "Decay length of vitamin K delivery into the media, as a fraction of its thickness", 0.01, 10),
    Parameter("mgp_turnover_per_day", 0.1, "1/day", "assumption: MGP protein half-life in the wall ~1 week",
              "Turnover of MGP in the vessel wall", 1e-4, 10, ("8",)),
    Parameter("osteochondrogenic_mgp_synthesis_factor", 2.0, "-",
              "assumption: value; MGP is up-regulated in calcifying VSMCs ([S] Shanahan 1999)",
              "MGP synthesis of an osteochondrogenic VSMC relative to a contractile one", 0.0, 20),
    Parameter("ucmgp_relative_inhibition", 0.02, "-",
              "assumption: uncarboxylated MGP keeps some inhibition via its phospho-serine motif (Schurgers 2007 JTH)",
              "Inhibitory potency of ucMGP relative to cMGP", 0.0, 1.0, ("2",)),
    Parameter("mgp_inhibition_half_saturation", 0.01, "healthy MGP units",
              "assumption: saturating inhibition (science brief 1.4); calibrated to rows 1, 2, 21",
              "Active MGP giving half-maximal inhibition", 1e-6, 100, ("1", "2", "21")),
    Parameter("systemic_calcification_inhibition", 0.9, "-",
              "assumption: fetuin-A and pyrophosphate keep serum supersaturation from precipitating (Pasch 2012)",
              "Inhibition of mineral growth by circulating inhibitors", 0.0, 1.0, ("1",)),
    Parameter("vsmc_switch_per_day", 0.04, "1/day",
              "assumption: osteochondrogenic switch rate with unopposed BMP-2 at normal phosphate",
              "Contractile -> osteochondrogenic switching rate at I = 0", 0.0, 10, ("1", "2")),
    Parameter("vsmc_switch_back_per_day", 0.03, "1/day", "assumption: slow re-differentiation when MGP is active",
              "Osteochondrogenic -> contractile switching rate at I = 1", 0.0, 10),
    Parameter("vsmc_switch_phosphate_exponent", 2.0, "-", "assumption: high Pi drives Runx2 via PiT-1 (Leopold 2015)",
              "Sensitivity of the switch to serum phosphate", 0.0, 10),
    Parameter("vsmc_apoptosis_per_day", 0.0005, "1/day", "assumption: slow VSMC turnover in the adult media",
              "VSMC apoptosis rate (replaced by a contractile cell)", 0.0, 1.0),
    Parameter("apoptotic_body_mineral_seed", 0.002, "patch volume",
              "assumption: apoptotic bodies nucleate calcium phosphate (Proudfoot 2000)",
              "Mineral nucleated by one apoptotic VSMC at zero inhibition", 0.0, 1.0),
    Parameter("matrix_vesicle_nucleation_per_day", 0.01, "patch volume/day",
              "assumption: calibrated to MGP-knockout and warfarin-rat onset (rows 1, 2)",
              "Mineral nucleated per day by an osteochondrogenic VSMC at zero inhibition", 0.0, 1.0, ("1", "2")),
    Parameter("mineral_growth_per_day", 0.3, "1/day",
              "assumption: calibrated to rows 1, 2 (radiographic calcification by 5 weeks in rats)",
              "Relative growth rate of an existing deposit at zero inhibition", 0.0, 10, ("1", "2")),
    Parameter("contractile_growth_fraction", 0.1, "-",
              "assumption: deposits grow mainly where cells are osteochondrogenic (matrix vesicles, alkaline "
              "phosphatase; Leopold 2015); growth beside contractile cells is slower",
              "Growth of a deposit beside a contractile VSMC relative to beside an osteochondrogenic one",
              0.0, 1.0, ("2",)),
    Parameter("calcium_phosphate_product_exponent", 2.0, "-",
              "assumption: growth rises with supersaturation (Ca x P; KDOQI 55 mg2/dL2 target)",
              "Sensitivity of nucleation and growth to the Ca x P product", 0.0, 10),
    Parameter("mineral_regression_per_day", 0.0002, "1/day",
              "assumption: slow partial regression once inhibition returns (Millan 2021; animal data)",
              "Resorption rate of a deposit at full MGP inhibition", 0.0, 1.0),
])


@dataclass
class VesselWall:
    """State arrays of the media section."""

    osteochondrogenic: np.ndarray  # bool: VSMC phenotype
    cmgp: np.ndarray               # carboxylated MGP (healthy units)
    ucmgp: np.ndarray              # uncarboxylated MGP (healthy units)
    mineral: np.ndarray            # deposit, volume fraction of patch
    vitamin_k_delivery: np.ndarray  # relative vitamin K reaching each depth (mean 1), shape (1, H)
    generation: np.ndarray         # int: VSMC replacements at each patch
    mineral_mg_per_unit: float


@dataclass
class VesselDayResult:
    deposited_mg: float       # blood -> wall
    regressed_mg: float       # wall -> blood
    ucmgp_made: float         # uncarboxylated MGP made today (healthy units x patches)
    mgp_made: float
    switched_on: int
    switched_off: int
    apoptoses: int


def vitamin_k_delivery_profile(width: int, height: int, penetration_fraction: float) -> np.ndarray:
    """Relative vitamin K delivery across the media: from the lumen (row 0) and the
    adventitial vasa vasorum (last row), decaying into the wall; mean 1."""
    depth = np.linspace(0.0, 1.0, height)
    profile = np.exp(-depth / penetration_fraction) + 0.5 * np.exp(-(1.0 - depth) / penetration_fraction)
    profile /= profile.mean()
    return np.broadcast_to(profile[None, :], (width, height)).copy()


def mgp_synthesis_per_step(p, dt: float = 1.0) -> float:
    """MGP a healthy contractile VSMC makes per step: sized so that its steady-state MGP is
    1 unit (the unit of cMGP/ucMGP)."""
    return float(1.0 - np.exp(-p.mgp_turnover_per_day * dt))


def mgp_inhibition(cmgp: np.ndarray, ucmgp: np.ndarray, p) -> np.ndarray:
    active = cmgp + p.ucmgp_relative_inhibition * ucmgp
    return active / (active + p.mgp_inhibition_half_saturation)


def vessel_day(wall: VesselWall, carboxylated: np.ndarray, mgp_made_per_cell: float,
               phosphate_rel: float, capxp_rel: float, p, rng: np.random.Generator,
               deposition_supply_mg: float, dt: float = 1.0) -> VesselDayResult:
    """One day in the media, in place on ``wall``.

    Args:
        carboxylated: fraction of new MGP fully carboxylated, per patch (or per depth,
            shape (1, H), broadcast along the vessel).
        mgp_made_per_cell: MGP made by a contractile cell this step (healthy units; 0 in
            the MGP knockout). :func:`mgp_synthesis_per_step` gives the healthy value.
        phosphate_rel: serum phosphate / reference.
        capxp_rel: serum Ca x P product / reference.
        deposition_supply_mg: the most calcium blood can give today.
    """
    # MGP: decay, then today's synthesis (contractile s, osteochondrogenic s * factor)
    osteo = wall.osteochondrogenic
    keep = math.exp(-p.mgp_turnover_per_day * dt)
    wall.cmgp *= keep
    wall.ucmgp *= keep
    if mgp_made_per_cell > 0.0:
        synth = np.where(osteo, mgp_made_per_cell * p.osteochondrogenic_mgp_synthesis_factor, mgp_made_per_cell)
        new_c = synth * carboxylated
        wall.cmgp += new_c
        wall.ucmgp += synth
        wall.ucmgp -= new_c
        mgp_made = float(synth.sum())
        ucmgp_made = mgp_made - float(new_c.sum())
    else:
        mgp_made = ucmgp_made = 0.0

    # saturating inhibition; 1 - I computed directly for precision
    denominator = wall.cmgp + p.ucmgp_relative_inhibition * wall.ucmgp + p.mgp_inhibition_half_saturation
    not_inhibited = p.mgp_inhibition_half_saturation / denominator
    inhibition = 1.0 - not_inhibited

    # phenotype switching and apoptosis: one uniform draw per cell, disjoint events; each
    # cell can only switch one way, so one rate array (and one exp) serves both directions
    u = rng.random(osteo.shape, dtype=np.float32)  # float32 resolves p >= 6e-8 (p_apop ~5e-4)
    p_apop = -math.expm1(-p.vsmc_apoptosis_per_day * dt)
    rate = np.where(osteo, p.vsmc_switch_back_per_day * inhibition,
                    p.vsmc_switch_per_day * phosphate_rel ** p.vsmc_switch_phosphate_exponent * not_inhibited)
    threshold = np.expm1(rate * -dt)  # -p_switch
    np.subtract(p_apop, threshold, out=threshold)  # p_apop + p_switch
    apoptotic = u < p_apop
    switches = u < threshold  # includes today's apoptotic cells, handled below

    # mineral: matrix vesicles deposit mineral and existing mineral templates more, both
    # mostly where the cell is osteochondrogenic; free = share not inhibited
    drive_free = capxp_rel ** p.calcium_phosphate_product_exponent * dt * (1.0 - p.systemic_calcification_inhibition)
    m = wall.mineral
    growth = m * p.mineral_growth_per_day
    growth += p.matrix_vesicle_nucleation_per_day
    growth *= np.where(osteo, 1.0 + p.contractile_growth_fraction, p.contractile_growth_fraction)
    growth *= not_inhibited
    growth *= drive_free
    dying = np.flatnonzero(apoptotic)  # few: seed from apoptotic bodies
    if dying.size:
        growth.ravel()[dying] += (p.apoptotic_body_mineral_seed * (1.0 - p.systemic_calcification_inhibition)
                                  * not_inhibited.ravel()[dying])
    np.minimum(growth, 1.0 - m, out=growth)
    need_mg = float(growth.sum()) * wall.mineral_mg_per_unit
    if need_mg > deposition_supply_mg:
        growth *= deposition_supply_mg / need_mg if need_mg > 0 else 0.0
    regress = np.expm1(inhibition * (-p.mineral_regression_per_day * dt))
    regress *= m  # minus the amount regressed: -m (1 - exp(-k I dt))
    m += regress
    m += growth

    if dying.size:
        switches.ravel()[dying] = False  # replaced today, not switched
    switched = np.flatnonzero(switches)
    was_osteo = osteo.ravel()[switched]
    n_off = int(np.count_nonzero(was_osteo))
    n_on = switched.size - n_off
    osteo.ravel()[switched] = ~was_osteo
    if dying.size:
        osteo.ravel()[dying] = False
        wall.generation.ravel()[dying] += 1
    regressed_mg = -float(regress.sum()) * wall.mineral_mg_per_unit
    return VesselDayResult(float(growth.sum()) * wall.mineral_mg_per_unit, regressed_mg,
                           ucmgp_made, mgp_made, n_on, n_off, int(dying.size))
