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
* Matrix vesicles nucleate crystals at random (mostly beside osteochondrogenic cells);
  deposits grow on their surface (``m**(2/3)``) with the calcium-phosphate product; both are
  damped by ``1 - I_total`` where systemic inhibitors (fetuin-A, pyrophosphate) add to MGP.
  Osteopontin made beside the mineral covers each deposit's surface over physiological time
  and stops its growth: slow (human) deposits stay small, fast (rodent) ones fill first.
  Rodent media see their species' serum Ca x P (:func:`.species.vessel_chemistry`) and
  systemic inhibition (:func:`.species.systemic_calcification_inhibition`).
* Deposits regress slowly (macrophage / osteoclast-like resorption) when MGP is active.
* VSMCs die by apoptosis and are replaced by a contractile daughter of a neighbour;
  apoptotic bodies seed mineral (Proudfoot 2000).
* The wall also holds the person's intimal (plaque) calcium (:mod:`.intima`); the wall's
  calcium and the score are media plus intima.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from calcium_abm.checks import per_set_or_fresh
from calcium_abm.parameters import Parameter, declare, drive_record_slot, kernel_record, per_parameter_set
from calcium_abm.physiology import species
from calcium_abm.physiology.intima import (Intima, advance_intima, intima_estrogen_factor, intima_growth_mg,
                                           next_onset_age_years, start_intima)
from calcium_abm.physiology.calcium import capxp_relative
from calcium_abm.physiology.intima import live_kidney_history as intima_history
from calcium_abm.physiology.wall_kernel import vessel_day_kernel
from calcium_abm.physiology.wall_laws import mgp_free_fraction, systemic_free_fraction
from calcium_abm.physiology.wall_readouts import wall_mineral_sum

PARAMETERS = declare([
    Parameter("vessel_media_calcium_capacity_mg", 400.0, "mg",
              "[C] a fully calcified media scores 5000 AU (400 mg x agatston_units_per_mg_calcium), the larges"
              "t baseline score the schema accepts; target V1 (the media must not fill in a decade of warfarin"
              "); sensitivity: only scales mg",
              "Calcium in the whole represented media if every patch were fully mineralised", 1e-3, 1e6, ("21",)),
    Parameter("vessel_vitamin_k_penetration_fraction", 0.35, "-",
              "assumption: vitamin K reaches the media from the lumen and the adventitial vasa vasorum; only t"
              "he depth profile of carboxylation depends on it (rows 8, 9 see its mean)",
              "Decay length of vitamin K delivery into the media, as a fraction of its thickness", 0.01, 10),
    Parameter("mgp_turnover_per_day", 0.15, "1/day",
              "assumption: MGP protein half-life in the wall ~5 days; targets: row 2 (protection lost within "
              "~2 weeks of warfarin in rats) and row 8 (dp-ucMGP responds within weeks); Morris: minor "
              "(docs/sensitivity_vessel.md)",
              "Turnover of MGP in the vessel wall", 1e-4, 10, ("8",)),
    Parameter("osteochondrogenic_mgp_synthesis_factor", 1.3, "-",
              "[C] MGP is up-regulated in calcifying VSMCs (Shanahan 1999 [S]); in vitro phosphate raised MGP "
              "secretion by human aortic VSMCs (Louvet 2013 Nephrol Dial Transplant 28:869 [V abstract]) while "
              "beta-glycerophosphate raised no calcification gene but osteopontin in bovine VSMCs (ter Braake 2018 "
              "Sci Rep [V abstract]): a modest rise. Value: with the warfarin-treated media mostly "
              "osteochondrogenic, a VKA raises dp-ucMGP by (1 + (f - 1) x ~0.8) / 0.35 = 3.5-fold at 1.3 (published "
              "~3: Delanaye 2014 BMC Nephrol 15:145 [V], 2.9 on haemodialysis; AHA abstract 5583, 3.4 and 2.3 "
              "within the treated); was 2.0 (5.2-fold). Check: row Kurnatowska (CKD 5 dp-ucMGP)",
              "MGP synthesis of an osteochondrogenic VSMC relative to a contractile one", 0.0, 20),
    Parameter("ucmgp_relative_inhibition", 0.001, "-",
              "[C] calibration: warfarin rats calcify within 2-3 weeks (row 2, Price 1998), so uncarboxylated "
              "MGP leaves >= 95 % of growth uninhibited; > 0 because the phospho-serine peptide inhibits in vi"
              "tro (Schurgers 2007 JTH [V])",
              "Inhibitory potency of ucMGP relative to cMGP", 0.0, 1.0, ("2",)),
    Parameter("mgp_inhibition_half_saturation", 0.02, "healthy MGP units",
              "[C] calibration: saturating inhibition (science brief 1.4; Langmuir-type adsorption inhibition of "
              "hydroxyapatite growth, J Cryst Growth 2000 216:443 [V]); warfarin rats calcify within ~2-3 weeks "
              "of starting (row 2), so the wall's cMGP (half-life ~1 week) must lose its protection after a "
              "~98 % fall; larger values raise osteochondrogenic switching and dp-ucMGP in CKD 5 above "
              "Kurnatowska 2016 (row Kurnatowska)",
              "Active MGP giving half-maximal inhibition", 1e-6, 100, ("1", "1b", "2")),
    Parameter("systemic_calcification_inhibition", 0.97, "-",
              "[C] human media; calibration: VKA users' coronary calcium exceeds non-users' by +37 AU after 6-60 and "
              "+183 AU after > 60 months (Weijs 2011 Eur Heart J 32:2555 [V abstract]); 0.97 gave +2.6, +51, +291 AU "
              "at 2.5, 5, 7.5 years of warfarin (steady wall start; kidney_and_anticoagulation.md section 14); with "
              "the osteopontin cover (deposit_passivation_per_day) and the vessel carboxylation of 2026-12-01 +0.9, +8, "
              "+23 AU, below Weijs's means (16 x 16, "
              "seeds 1-5; vessel_wall.md section 1); > rodents' (species.py); check: V1, V2 (with the saturating "
              "inhibitor law, wall_laws.systemic_free_fraction, of 2026-12-02: V1 41.6 -> 26.2 AU, V2 90.9 -> "
              "59.6 AU against +117, band 28-206; 0.97 was not re-calibrated under it)",
              "Inhibition of mineral growth by circulating inhibitors (fetuin-A, pyrophosphate) in humans", 0.0, 1.0,
              ("V1",)),
    Parameter("vsmc_switch_per_day", 0.015, "1/day",
              "assumption: osteochondrogenic switch within days when MGP is absent (MGP-/- arteries hold "
              "chondrocytes by 2-3 weeks, Luo 1997; the rodent phosphate speeds it); few osteochondrogenic cells "
              "in the healthy media (a placebo arm's dp-ucMGP stays flat: row 8); targets rows 1, 2 and "
              "Kurnatowska; Morris: drives dp-ucMGP",
              "Contractile -> osteochondrogenic switching rate at I = 0", 0.0, 10, ("1", "2")),
    Parameter("vsmc_switch_back_per_day", 0.03, "1/day",
              "assumption: slow re-differentiation when MGP is active; targets Kurnatowska and S1 (few osteoch"
              "ondrogenic cells in the healthy media); Morris: drives dp-ucMGP",
              "Osteochondrogenic -> contractile switching rate at I = 1", 0.0, 10),
    Parameter("vsmc_switch_phosphate_exponent", 2.0, "-",
              "assumption: high Pi drives Runx2 via PiT-1 (Leopold 2015); target: row Kurnatowska (CKD 5); wit"
              "h species phosphate it speeds the rodent switch",
              "Sensitivity of the switch to serum phosphate", 0.0, 10),
    Parameter("vsmc_apoptosis_per_day", 0.0005, "1/day",
              "assumption: slow VSMC turnover in the adult media (~17 %/year); apoptotic seeds are a minor nuc"
              "leation route (Morris screening of its seed: docs/sensitivity_vessel.md lists the nucleus volum"
              "e)",
              "VSMC apoptosis rate (replaced by a contractile cell)", 0.0, 1.0),
    Parameter("apoptotic_body_mineral_seed", 1e-5, "patch volume",
              "assumption: an apoptotic body nucleates calcium phosphate like a matrix vesicle (Proudfoot 2000 "
              "Circ Res 87:1055): a few nuclei, so it counts as ~10 crystal nuclei (mineral_nucleus_volume)",
              "Mineral nucleated by one apoptotic VSMC at zero inhibition", 0.0, 1.0),
    Parameter("matrix_vesicle_nucleation_per_day", 0.0053, "1/day",
              "[C] calibration: MGP-/- mice (row 1b, Luo 1997 / MGI: none detected up to 1 week, widespread at "
              "2-3 weeks) and warfarin rats (row 2, Price 1998: first seen at 2 weeks); in the knockout a "
              "patch nucleates within ~1/(0.0053 x 9.4) = 20 mouse days (calcification 'originates at several "
              "sites', MGI)",
              "Probability per day that an osteochondrogenic VSMC's matrix vesicles nucleate a crystal in its "
              "patch, at zero inhibition and reference Ca x P", 0.0, 1.0, ("1", "1b", "2")),
    Parameter("mineral_nucleus_volume", 1e-6, "patch volume",
              "assumption: a nucleated crystal is far below CT/histology detection (1 % of a patch); with "
              "surface growth the delay to detection is 3 (0.01^(1/3) - v^(1/3)) / rate, insensitive to v "
              "below ~1e-5",
              "Mineral of a newly nucleated crystal", 0.0, 1e-2),
    Parameter("mineral_growth_per_day", 0.021, "patch volume^(1/3)/day",
              "[C] calibration: growth on the mineral surface, d m/dt = g m^(2/3) (rate proportional to crystal "
              "surface area: J Dent Res 1984 63:874 [V]; surface-controlled, 2nd order in supersaturation: "
              "Koutsoukos 2000 [V]); g set so a knockout-mouse nucleus reaches detection in ~7.5 mouse days "
              "(row 1b: none detected up to 1 week) and fills its patch in ~5 weeks (row 1: death within 2 "
              "months); rats then see it at 2-3 weeks (row 2)",
              "Surface growth constant of an existing deposit at zero inhibition and reference Ca x P",
              0.0, 10, ("1", "1b", "2")),
    Parameter("deposit_passivation_per_day", 0.001, "1/day",
              "[C] osteopontin, made beside medial mineral, adsorbs to it and stops its growth (Speer 2002 J Exp "
              "Med 196:1047 [V]; Hunter 2013 Calcif Tissue Int 93:348 [V]); rate: VKA users' extra coronary "
              "calcium rises from 6-60 to > 60 months of use (Weijs 2011) and not with duration beyond 5 years "
              "(Ünlü 2020), so 1/k ~ 2.7 years (row V2 passes for k >= ~0.0008); rodents: <= 15 % less growth "
              "by the end of rows 1, 1b, 2 (Speer's x2 without osteopontin in mice is not reproduced)",
              "Rate at which osteopontin covers a deposit's growth surface (physiological days)", 0.0, 1.0,
              ("V2",)),
    Parameter("contractile_growth_fraction", 0.1, "-",
              "assumption: deposits grow mainly where cells are osteochondrogenic (matrix vesicles, alkaline p"
              "hosphatase; Leopold 2015); growth beside contractile cells is slower; targets rows 1b, 2; Morri"
              "s: minor",
              "Growth of a deposit beside a contractile VSMC relative to beside an osteochondrogenic one",
              0.0, 1.0, ("2",)),
    Parameter("calcium_phosphate_product_exponent", 2.0, "-",
              "[V] hydroxyapatite crystal growth is second order in supersaturation (J Cryst Growth 2000 216:4"
              "43: apparent order n = 2; surface-diffusion-controlled spiral growth); the Ca x P ratio stands "
              "in for supersaturation",
              "Sensitivity of nucleation and growth to the Ca x P product", 0.0, 10),
    Parameter("mineral_regression_per_day", 0.0002, "1/day",
              "assumption: slow partial regression once inhibition returns (Millan 2021); target T-Ikari2016 ("
              "MK-4 45 mg does not reverse human CAC in a year); rat regression on high vitamin K (Schurgers 2"
              "007 Blood) is not reproduced: row R-Schurgers2007, a known failure",
              "Resorption rate of a deposit at full MGP inhibition", 0.0, 1.0),
    # readouts of the wall (CT detection and the Agatston-like scale)
    Parameter("agatston_units_per_mg_calcium", 12.5, "Agatston units/mg",
              "assumption: mass score ~0.2 mg calcium hydroxyapatite per Agatston unit [U]; HA is 39.9 % Ca [C]",
              "Agatston-like score per mg of calcium deposited in the coronary media", 0.0, 1e4, ("21",)),
    Parameter("calcified_patch_threshold", 0.01, "patch volume",
              "assumption: CT/histology detects a patch once ~1 % of it is mineral (130 HU threshold); the det"
              "ection threshold of rows 1, 1b and 2",
              "Mineral fraction above which a vessel patch counts as calcified", 0.0, 1.0, ("1", "2")),
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
    # set by prepare_wall at the start of a run
    species_phosphate_relative: float = 1.0   # the species' serum phosphate / human reference
    species_capxp_relative: float = 1.0       # the species' serum Ca x P / human reference
    species: str = "human"                    # whose systemic inhibition the media has
    intima: Intima = field(default_factory=Intima)
    #: :func:`vessel_tallies` of the wall as the last :func:`vessel_day` left it (set by that day)
    day_tallies: tuple = ()
    #: each deposit's cube root as the kernel last computed it: a cache (the start of its next
    #: :func:`.wall_laws.cube_root_near`), made on the first :func:`vessel_day`
    mineral_root: np.ndarray | None = None
    #: share of each deposit's growth surface covered by osteopontin (0-1; :func:`.wall_laws.deposit_coat_after_day`),
    #: made (all 0) on the first :func:`vessel_day`
    deposit_coat: np.ndarray | None = None

    def calcium_mg(self, mineral_sum: float | None = None) -> float:
        """Calcium deposited in the wall (mg): media plus intima; pass ``mineral_sum``
        (media patch volumes, summed as :func:`vessel_tallies` sums it) if already tallied."""
        return self.media_calcium_mg(mineral_sum) + self.intima.calcium_mg

    def media_calcium_mg(self, mineral_sum: float | None = None) -> float:
        """Calcium deposited in the media (mg)."""
        if mineral_sum is None:
            mineral_sum = wall_mineral_sum(self.mineral)
        return mineral_sum * self.mineral_mg_per_unit


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


@per_set_or_fresh
def mgp_synthesis_per_step(p, dt: float = 1.0) -> float:
    """MGP a healthy contractile VSMC makes per step: sized so that its steady-state MGP is
    1 unit (the unit of cMGP/ucMGP). Cached per parameter set and step."""
    return float(1.0 - np.exp(-p.mgp_turnover_per_day * dt))


def mgp_inhibition(cmgp: np.ndarray, ucmgp: np.ndarray, p) -> np.ndarray:
    """MGP inhibition ``I`` (0-1) of each patch: ``1 -`` :func:`mgp_free_fraction`."""
    cmgp = np.asarray(cmgp, dtype=np.float64)
    ucmgp = np.asarray(ucmgp, dtype=np.float64)
    return 1.0 - mgp_free_fraction(cmgp, ucmgp, p.ucmgp_relative_inhibition, p.mgp_inhibition_half_saturation)


class VesselConstants(NamedTuple):
    """Constants of the wall kernel for one parameter set and time step (built once by
    :func:`vessel_constants`; per step = per simulated day)."""

    mgp_keep: float                     # share of MGP left after a step's turnover
    osteo_mgp_factor: float             # osteochondrogenic_mgp_synthesis_factor
    uc_weight: float                    # ucmgp_relative_inhibition
    half_saturation: float              # mgp_inhibition_half_saturation (healthy MGP units)
    p_apoptosis: float                  # probability a VSMC dies in a step
    switch_back_per_step: float         # osteochondrogenic -> contractile at I = 1
    growth_per_day: float               # mineral_growth_per_day
    nucleation_per_day: float           # matrix_vesicle_nucleation_per_day
    nucleus_volume: float               # mineral_nucleus_volume
    contractile_growth_fraction: float
    apoptotic_seed: float               # apoptotic_body_mineral_seed
    regression_per_step: float          # mineral_regression_per_day x dt
    coat_uncovered_keep: float          # exp(-deposit_passivation_per_day x dt)
    calcified_threshold: float          # calcified_patch_threshold (the day's readout tallies)


class VesselDrives(NamedTuple):
    """Today's systemic inputs to the wall kernel."""

    mgp_made_per_cell: float            # healthy units per contractile cell per step (0: knockout)
    switch_on_per_step: float           # contractile -> osteochondrogenic at I = 0
    drive_free: float                   # (Ca x P)^n x dt x (1 - systemic inhibition)
    seed_free: float                    # 1 - the species' systemic inhibition (apoptotic seeds)
    supply_mg: float                    # the most calcium blood can give today


@per_parameter_set
def vessel_constants(p, dt: float = 1.0) -> VesselConstants:
    """The wall kernel's constants for parameter set ``p`` (hashable) and step ``dt`` (days)."""
    return VesselConstants(
        mgp_keep=math.exp(-p.mgp_turnover_per_day * dt), osteo_mgp_factor=p.osteochondrogenic_mgp_synthesis_factor,
        uc_weight=p.ucmgp_relative_inhibition, half_saturation=p.mgp_inhibition_half_saturation,
        p_apoptosis=-math.expm1(-p.vsmc_apoptosis_per_day * dt), switch_back_per_step=p.vsmc_switch_back_per_day * dt,
        growth_per_day=p.mineral_growth_per_day, nucleation_per_day=p.matrix_vesicle_nucleation_per_day,
        nucleus_volume=p.mineral_nucleus_volume, contractile_growth_fraction=p.contractile_growth_fraction,
        apoptotic_seed=p.apoptotic_body_mineral_seed, regression_per_step=p.mineral_regression_per_day * dt,
        coat_uncovered_keep=math.exp(-p.deposit_passivation_per_day * dt),
        calcified_threshold=p.calcified_patch_threshold)


@per_parameter_set
def _vessel_kernel_constants(p, dt: float) -> np.ndarray:
    return kernel_record(vessel_constants(p, dt))


def vessel_day(wall: VesselWall, carboxylated: np.ndarray, mgp_made_per_cell: float,
               phosphate_rel: float, capxp_rel: float, p, rng: np.random.Generator,
               deposition_supply_mg: float, dt: float = 1.0, inhibitor_relative: float = 1.0) -> VesselDayResult:
    """One day in the wall, in place on ``wall``: the media's kernel, then the intima
    (:func:`.intima.intima_day`, from the blood supply the media left). The result's
    ``deposited_mg`` is media plus intima.

    Args:
        carboxylated: fraction of new MGP fully carboxylated at each depth of the media
            (length H, or shape (1, H)); the same all along the vessel.
        mgp_made_per_cell: MGP made by a contractile cell this step (healthy units; 0 in
            the MGP knockout). :func:`mgp_synthesis_per_step` gives the healthy value.
        phosphate_rel: serum phosphate / reference.
        capxp_rel: serum Ca x P product / reference.
        deposition_supply_mg: the most calcium blood can give today.
        inhibitor_relative: circulating calcification inhibitors (fetuin-A, pyrophosphate)
            relative to health (:func:`.dialysis.systemic_inhibitor_fraction`): the serum capacity
            in the saturating law :func:`.wall_laws.systemic_free_fraction` with the species'
            systemic inhibition (:func:`.species.systemic_calcification_inhibition`).
    """
    values = wall_day(*wall_day_inputs(wall, carboxylated, p, rng, dt), mgp_made_per_cell, phosphate_rel, capxp_rel,
                      deposition_supply_mg, inhibitor_relative, p, dt)
    return end_wall_day(wall, values, dt)


def wall_day_inputs(wall: VesselWall, carboxylated: np.ndarray, p, rng: np.random.Generator | None, dt: float,
                    uniforms: np.ndarray | None = None) -> tuple:
    """What :func:`wall_day` takes besides today's drives, gathered in Python: the wall's arrays, the
    day's uniforms, the kernel's constants, the drive record it fills, the species' values and the
    intima's state and estrogen factor. One uniform per cell decides apoptosis, switching and
    nucleation (disjoint events), drawn here by numpy so the random stream does not depend on the
    kernel (float32 resolves p >= 6e-8; p_apop ~5e-4); or ``uniforms``, an array of the wall's
    shape that compiled days fill from the same generator in the same order (``rng`` unused)."""
    osteo, intima = wall.osteochondrogenic, wall.intima
    if wall.mineral_root is None or wall.mineral_root.shape != wall.mineral.shape:
        wall.mineral_root = np.zeros_like(wall.mineral)
    if wall.deposit_coat is None or wall.deposit_coat.shape != wall.mineral.shape:
        wall.deposit_coat = np.zeros_like(wall.mineral)
    return (osteo, wall.cmgp, wall.ucmgp, wall.mineral, wall.mineral_root, wall.deposit_coat, wall.generation,
            _per_depth(carboxylated, osteo.shape[1]),
            rng.random(osteo.shape, dtype=np.float32) if uniforms is None else uniforms,
            _vessel_kernel_constants(p, dt), drive_record_slot(VesselDrives), wall.mineral_mg_per_unit,
            species.systemic_calcification_inhibition(wall.species, p), wall.species_phosphate_relative,
            wall.species_capxp_relative, intima.calcium_mg, intima.rate_multiplier, intima.age_years,
            intima.onset_age_years, intima_estrogen_factor(intima, p.agatston_units_per_mg_calcium, p))


def wall_day(osteo, cmgp, ucmgp, mineral, mineral_root, coat, generation, carboxylated_by_depth, u, k_record,
             drives_record, mg_per_unit, systemic, species_phosphate_relative, species_capxp_relative,
             intima_calcium_mg, intima_rate, intima_age, intima_onset, intima_estrogen, mgp_made_per_cell,
             phosphate_rel, capxp_rel, deposition_supply_mg, inhibitor_relative, p, dt):
    """:func:`vessel_day` on :func:`wall_day_inputs` and today's drives (plain values; compiled code
    calls it too): the media's kernel, then the intima's growth (:func:`.intima.intima_growth_mg`).
    Returns (deposited mg, media plus intima; regressed mg; ucMGP and MGP made; switches on, off;
    apoptoses; the wall's readout tallies; the intima's mg; the intima's onset age after the day,
    :func:`.intima.next_onset_age_years`)."""
    phosphate_rel = phosphate_rel * species_phosphate_relative
    capxp_media = capxp_rel * species_capxp_relative
    drives = drives_record[0]  # a VesselDrives record, filled in place
    drives["mgp_made_per_cell"] = mgp_made_per_cell
    drives["switch_on_per_step"] = p.vsmc_switch_per_day * phosphate_rel ** p.vsmc_switch_phosphate_exponent * dt
    drives["drive_free"] = (capxp_media ** p.calcium_phosphate_product_exponent * dt
                            * systemic_free_fraction(inhibitor_relative, systemic))
    drives["seed_free"] = 1.0 - systemic
    drives["supply_mg"] = deposition_supply_mg
    deposited, regressed, ucmgp_made, mgp_made, n_on, n_off, n_dead, active_sum, tallies = vessel_day_kernel(
        osteo, cmgp, ucmgp, mineral, mineral_root, coat, generation, carboxylated_by_depth, u, k_record, drives_record,
        mg_per_unit)
    intima_mg = intima_growth_mg(intima_calcium_mg, intima_rate, intima_age, intima_onset, intima_estrogen,
                                 active_sum / osteo.size, capxp_rel, inhibitor_relative, p.agatston_units_per_mg_calcium,
                                 max(deposition_supply_mg - deposited, 0.0), p, dt)
    onset = next_onset_age_years(intima_age, intima_onset, intima_rate, capxp_rel, inhibitor_relative, p, dt)
    return deposited + intima_mg, regressed, ucmgp_made, mgp_made, n_on, n_off, n_dead, tallies, intima_mg, onset


def end_wall_day(wall: VesselWall, values: tuple, dt: float) -> VesselDayResult:
    """Keep :func:`wall_day`'s tallies and intima (its calcium, age and onset) on ``wall``; its
    :class:`VesselDayResult`."""
    *result, wall.day_tallies, intima_mg, wall.intima.onset_age_years = values
    advance_intima(wall.intima, intima_mg, dt)
    return VesselDayResult(*result)


def live_kidney_history(wall: VesselWall, years: float, s, p) -> None:
    """The intima's ``years`` (``patient.kidney_disease_years``) of the day-0 kidney disease before day 0
    (:func:`.intima.live_kidney_history`, in place), at the day-0 systemic state ``s`` (a
    :class:`.calcium.SystemicState`: its calcification inhibitors and Ca x P); nothing for 0 years."""
    if years > 0.0:
        intima_history(wall.intima, years, s.inhibitor_fraction, capxp_relative(s, p), p)


def prepare_wall(wall: VesselWall, patient, age_years: float, age_at_fmp_years: float | None, p,
                 hormone_therapy: bool = False) -> None:
    """Start a run's wall, in place: the species (its systemic inhibition and serum chemistry,
    :func:`.species.vessel_chemistry`) and the intima at the person's age (:func:`.intima.start_intima`:
    a measured ``patient.baseline_calcification_score``, or the onset and growth laws, under menopausal
    ``hormone_therapy`` if taken on day 0; none in rodents)."""
    wall.species = patient.species
    wall.species_phosphate_relative, wall.species_capxp_relative = species.vessel_chemistry(patient.species, p)
    wall.intima = start_intima(age_years, patient.sex == "female", age_at_fmp_years, patient.calcification_propensity,
                               patient.baseline_calcification_score, p.agatston_units_per_mg_calcium, p,
                               human=patient.species == "human", growth=patient.wall_plaque_growth,
                               hormone_therapy=hormone_therapy)


def _per_depth(carboxylated: np.ndarray, height: int) -> np.ndarray:
    values = np.ascontiguousarray(carboxylated, dtype=np.float64).reshape(-1)
    if values.size != height:
        raise ValueError(f"carboxylated: expected one value per depth ({height}), got shape "
                         f"{np.shape(carboxylated)}")
    return values
