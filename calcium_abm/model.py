"""CalciumParadoxModel: two tissue sections coupled through blood.

The model builds the tissues from a validated :class:`~calcium_abm.scenario.Scenario` and,
each day, calls the submodels of :mod:`calcium_abm.physiology` in a fixed order (the ODD's
process overview, see ``docs/ODD.md``):

1. schedule: apply timed changes that start or end today;
2. blood: vitamin K forms and warfarin absorbed and cleared (exact within the day);
3. carboxylation: tissue vitamin K follows plasma with a lag; liver, vessel wall (per
   depth) and bone carboxylation from the tissue vitamin K cycle;
4. systemic signals: serum Ca/Pi, PTH, calcitriol (start-of-day values);
5. bone: osteoclast recruitment, resorption, coupling, osteoblast formation; the cortical
   compartment under the same signals;
6. calcium exchanges: resorption, absorption, mineralisation (trabecular and cortical),
   vessel deposition and regression (step 7 is computed here),
   urine, faeces and bone-fluid exchange, each moving mg between two pools;
7. vessel wall: MGP turnover, VSMC switching and apoptosis, mineral growth; plasma
   dp-ucMGP;
8. agents: births, moves and deaths of cell agents mirror the arrays;
9. record the day's row.

State lives in numpy arrays (property layers and cell populations), and the rules over
the grids run as compiled numba kernels that draw from ``self.rng`` through
:attr:`CalciumParadoxModel.random_stream`; Mesa agents give each cell and tissue a
readable face.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping

import mesa
import numpy as np
from mesa.discrete_space import PropertyLayer

from calcium_abm.agents import (
    Blood,
    BoneTissue,
    Gut,
    Osteoblast,
    Osteoclast,
    SmoothMuscleCell,
    VesselWallTissue,
)
from calcium_abm.grid import LazyMooreGrid
from calcium_abm.outputs import CALCIUM_POOLS, RowCollector
from calcium_abm.physiology import parameter_set
from calcium_abm.physiology import calcification, calcium, carboxylation, remodeling, vitamin_k
from calcium_abm.physiology.carboxylation import GLA_RESIDUES
from calcium_abm.physiology.species import time_scale
from calcium_abm.random_stream import RandomStream
from calcium_abm.scenario import Scenario, load_scenario

#: physiological days the bone section remodels under healthy signals before day 0, so a
#: run starts with a steady remodeling space rather than untouched bone.
SPINUP_DAYS = 400


class CalciumParadoxModel(mesa.Model):
    """The calcium-paradox model: a trabecular bone section and an arterial media section,
    each on a Mesa grid, coupled through a well-mixed blood compartment. One step is one day.

    Args:
        scenario: a built-in scenario name, a path to a TOML file, a mapping or a
            :class:`~calcium_abm.scenario.Scenario` (default ``"healthy_adult"``).
        rng: random seed (int); defaults to the scenario's ``simulation.seed``. A string of
            digits (Mesa's seed box) is accepted.
        **settings: flat overrides of scenario fields or parameters, e.g.
            ``mk7_ug_per_day=180``, ``ckd_stage=4``, ``osteoblast_apoptosis_per_day=0.02``.
            These make ``mesa.batch_run`` and ``SolaraViz`` sliders work directly.

    Raises:
        calcium_abm.errors.ScenarioError: for any invalid scenario or setting.
    """

    def __init__(self, scenario: str | Path | Mapping[str, Any] | Scenario = "healthy_adult", *,
                 rng: int | str | None = None, **settings: Any):
        config = load_scenario(scenario)
        if settings:
            config = config.with_overrides(settings)
        if isinstance(rng, str):
            rng = int(rng.strip()) if rng.strip().lstrip("-").isdigit() else config.simulation.seed
        if rng is None:
            rng = config.simulation.seed
        super().__init__(rng=rng)
        self.config = config
        self.days_total = config.days
        self._day = 0
        self.record_every_days = config.simulation.record_every_days
        self._boundaries = set(config.schedule_boundaries())
        self._set_inputs(config.state_at(0))
        self._build()
        self.datacollector = RowCollector()
        self.datacollector.collect(self)
        self.running = self.days_total > 0

    # ------------------------------------------------------------------ inputs
    def _set_inputs(self, state: Scenario) -> None:
        """Take the effective settings of the day (scenario with active schedule entries)."""
        self.inputs = state
        self.params = parameter_set(state.parameters)
        self.dt = time_scale(state.patient.species, self.params)
        d = state.diet
        self.intake_ug = {"k1": d.vitamin_k1_ug_per_day, "mk4": d.mk4_ug_per_day, "mk7": d.mk7_ug_per_day}

    @property
    def day(self) -> int:
        """Days simulated so far (0 before the first step)."""
        return self._day

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        p, sim, rng = self.params, self.config.simulation, self.rng
        bw, bh = sim.bone_grid_width, sim.bone_grid_height
        vw, vh = sim.vessel_grid_width, sim.vessel_grid_height

        # --- bone section: trabecular structure, spun up to a steady remodeling space
        self.bone_grid = LazyMooreGrid((bw, bh), random=self.random)
        structure = remodeling.trabecular_structure(bw, bh, p.trabecular_bone_volume_fraction, rng)
        for name, data in (("bone_mineral", structure), ("osteoid", np.zeros((bw, bh))),
                           ("cavity", np.zeros((bw, bh))), ("vitamin_k_nmol_l", np.zeros((bw, bh)))):
            self.bone_grid.add_property_layer(PropertyLayer.from_data(name, data))
        g = self.bone_grid
        trabecular_mg = p.skeletal_calcium_mg * p.trabecular_calcium_fraction
        self.bone = remodeling.BoneSection(g.bone_mineral.data, g.osteoid.data, g.cavity.data,
                                           trabecular_mg / float(structure.sum()))
        self.cortical = remodeling.cortical_steady_state(p.skeletal_calcium_mg - trabecular_mg, p)
        self.reference_mineral_sum = float(structure.size) * p.trabecular_bone_volume_fraction
        self.osteoclasts = remodeling.new_osteoclast_population()
        self.osteoblasts = remodeling.new_osteoblast_population()
        self._spin_up_bone()
        self.grid = self.bone_grid  # where Mesa's SpaceRenderer / SolaraViz look

        # --- vessel wall (media): one VSMC per patch, MGP at steady state, no mineral yet
        self.vessel_grid = LazyMooreGrid((vw, vh), random=self.random)
        delivery = calcification.vitamin_k_delivery_profile(1, vh, p.vessel_vitamin_k_penetration_fraction)
        for name, data, in (("vsmc_osteochondrogenic", np.zeros((vw, vh), dtype=bool)),
                            ("carboxylated_mgp", np.zeros((vw, vh))), ("uncarboxylated_mgp", np.zeros((vw, vh))),
                            ("vessel_mineral", np.zeros((vw, vh))), ("vitamin_k_nmol_l", np.zeros((vw, vh))),
                            ("vsmc_generation", np.zeros((vw, vh), dtype=np.int32))):
            self.vessel_grid.add_property_layer(PropertyLayer.from_data(name, data))
        vg = self.vessel_grid
        self.vessel = calcification.VesselWall(
            vg.vsmc_osteochondrogenic.data, vg.carboxylated_mgp.data, vg.uncarboxylated_mgp.data,
            vg.vessel_mineral.data, delivery, vg.vsmc_generation.data,
            p.vessel_media_calcium_capacity_mg / float(vw * vh))
        self.vessel_generation = vg.vsmc_generation.data
        # one readable agent per media patch (construction only; create_agents would also
        # build an argument list and an AgentSet of them, doubling peak memory)
        for x in range(vw):
            for y in range(vh):
                SmoothMuscleCell(self, x, y)

        # --- tissue agents and their calcium
        self.gut = Gut(self)
        self.blood = Blood(self, calcium.reference_blood_calcium_mg(p))
        self.bone_tissue = BoneTissue(self, self.bone, self.cortical, p.exchangeable_bone_calcium_mg)
        self.vessel_tissue = VesselWallTissue(self, self.vessel)

        # --- inputs that were steady before day 0 start at their steady state
        self._start_at_steady_state()
        self.flows = {k: 0.0 for k in ("absorbed", "urine", "resorbed", "mineralised", "vessel_net")}
        self.intake_cum_mg = self.urine_cum_mg = self.feces_cum_mg = 0.0
        self.initial_balance_mg = self._pool_total_mg()

    def _spin_up_bone(self) -> None:
        """Remodel under healthy-adult signals for SPINUP_DAYS physiological days.

        Calcium is not booked during spin-up: day 0 starts the ledger.
        """
        p = self.params
        healthy = load_scenario("healthy_adult")
        supply = self._steady_bone_supply(healthy)
        drives = remodeling.bone_drives(1.0, 0.0, supply, p)
        for _ in range(int(math.ceil(SPINUP_DAYS / self.dt))):
            result = remodeling.remodel_day(self.bone, self.osteoclasts, self.osteoblasts, drives, p,
                                            self.random_stream, self.dt)
            self.osteoclasts.kill(result.dead_osteoclasts)
            self.osteoblasts.kill(result.dead_osteoblasts)
            remodeling.mineralise(self.bone, math.inf, 1.0, p, self.dt)
        for pop, cls in ((self.osteoclasts, Osteoclast), (self.osteoblasts, Osteoblast)):
            self._spawn_agents(pop, cls, pop.live_slots())

    def _steady_bone_supply(self, state: Scenario) -> float:
        """Bone vitamin K supply (nmol/L) at steady intake of ``state``'s diet."""
        d = state.diet
        intake = {"k1": d.vitamin_k1_ug_per_day, "mk4": d.mk4_ug_per_day, "mk7": d.mk7_ug_per_day}
        amounts, warfarin = self._steady_plasma(intake, state.drugs.warfarin_mg_per_day)
        _, _, plasma = vitamin_k.advance_plasma(amounts, warfarin, intake, state.drugs.warfarin_mg_per_day,
                                                self.params, self.dt)
        return vitamin_k.tissue_supply_nmol_per_l(plasma, self.params.bone_k1_uptake_weight,
                                                  self.params.mk7_tissue_uptake_weight)

    def _steady_plasma(self, intake_ug: Mapping[str, float], warfarin_mg_per_day: float):
        """Start-of-day plasma amounts after long steady dosing."""
        return vitamin_k.steady_plasma_amounts(intake_ug, warfarin_mg_per_day, self.params, self.dt)

    def _start_at_steady_state(self) -> None:
        p, state = self.params, self.inputs
        amounts, warfarin = self._steady_plasma(self.intake_ug, state.drugs.warfarin_mg_per_day)
        self.blood.vitamin_k_nmol, self.blood.warfarin_mg = amounts, warfarin
        self._vitamin_k_day(advance=False)
        mgp = 0.0 if state.genetics.mgp_knockout else 1.0
        self.vessel.cmgp[:] = mgp * self.mgp_carboxylated_by_depth
        self.vessel.ucmgp[:] = mgp * (1.0 - self.mgp_carboxylated_by_depth)
        sys0 = calcium.systemic_state(self.blood.ecf_calcium_mg, state.diet.phosphate_mg_per_day,
                                      state.patient.ckd_stage, p)
        self.systemic = sys0
        self.gut.lumen_calcium_mg = calcium.steady_gut_lumen_mg(state.diet.calcium_mg_per_day, sys0, p, self.dt)
        uc_rel = mgp * float(np.mean(1.0 - self.mgp_carboxylated_by_depth))
        gfr_rel = sys0.gfr_ml_per_min / calcium.GFR_ML_PER_MIN_BY_CKD_STAGE[0]
        self.blood.dp_ucmgp_pmol_l = carboxylation.advance_dp_ucmgp(0.0, uc_rel, gfr_rel, p, dt=1e6)
        self.bmd_day0 = self.bone_mineral_density_g_cm2

    # ------------------------------------------------------------------ agents
    def _spawn_agents(self, pop, cls, slots) -> None:
        grid = self.bone_grid
        for slot in slots:  # only today's births: a handful per day
            pop.agents[slot] = cls(self, grid[(int(pop.x[slot]), int(pop.y[slot]))], slot)

    def _remove_agents(self, pop, slots) -> None:
        for agent in pop.agents[slots]:  # only today's deaths
            if agent is not None:
                agent.remove()
        pop.kill(slots)

    # ------------------------------------------------------------------ daily submodels
    def _vitamin_k_day(self, advance: bool = True) -> None:
        """Plasma kinetics and tissue carboxylation for today.

        With ``advance`` the plasma moves one day and each tissue's vitamin K follows its
        plasma supply with the tissue lag; without it (initialisation) tissues start at
        the steady state of the current plasma.
        """
        p, b = self.params, self.blood
        warfarin_dose = self.inputs.drugs.warfarin_mg_per_day
        amounts, warfarin, plasma = vitamin_k.advance_plasma(b.vitamin_k_nmol, b.warfarin_mg, self.intake_ug,
                                                             warfarin_dose, p, self.dt)
        if advance:
            b.vitamin_k_nmol, b.warfarin_mg = amounts, warfarin
        self.plasma = plasma
        self.vkor = vitamin_k.vkor_activity(plasma.warfarin_mean_mg_per_l, p)
        targets = {  # the liver takes every form; extra-hepatic tissues by their uptake weights
            "liver": vitamin_k.tissue_supply_nmol_per_l(plasma, 1.0, 1.0),
            "vessel": vitamin_k.tissue_supply_nmol_per_l(plasma, p.vessel_k1_uptake_weight, p.mk7_tissue_uptake_weight),
            "bone": vitamin_k.tissue_supply_nmol_per_l(plasma, p.bone_k1_uptake_weight, p.mk7_tissue_uptake_weight),
        }
        if advance:
            self.tissue_supply = {t: vitamin_k.tissue_lag_day(self.tissue_supply[t], target, p, self.dt)
                                  for t, target in targets.items()}
        else:
            self.tissue_supply = targets
        supply = self.tissue_supply

        liver_kh2 = vitamin_k.reduced_vitamin_k(supply["liver"], self.vkor, p.liver_alternative_reductase_per_h, p)
        self.hepatic_carboxylation = float(carboxylation.carboxylated_fraction(
            liver_kh2, p.liver_ggcx_half_saturation_nmol_per_l, GLA_RESIDUES["prothrombin"]))
        gain = vitamin_k.kh2_per_supply(self.vkor, p.extrahepatic_alternative_reductase_per_h, p)
        self.vessel_kh2_by_depth = gain * supply["vessel"] * self.vessel.vitamin_k_delivery  # shape (1, H)
        self.mgp_carboxylated_by_depth = carboxylation.carboxylated_fraction(
            self.vessel_kh2_by_depth, p.vessel_ggcx_half_saturation_nmol_per_l, GLA_RESIDUES["mgp"])
        self.bone_vitamin_k_supply = supply["bone"]
        self.bone_kh2 = gain * supply["bone"]
        self.vessel_grid.vitamin_k_nmol_l.data[:] = self.vessel_kh2_by_depth
        self.bone_grid.vitamin_k_nmol_l.data.fill(self.bone_kh2)
        self.bone_tissue.osteocalcin_carboxylated_fraction = (
            float("nan") if self.inputs.genetics.osteocalcin_knockout else float(
                carboxylation.carboxylated_fraction(self.bone_kh2, p.bone_ggcx_half_saturation_nmol_per_l,
                                                    GLA_RESIDUES["osteocalcin"])))

    @property
    def random_stream(self) -> RandomStream:
        """``self.rng`` wrapped for the compiled kernels (rewrapped if ``self.rng`` is replaced)."""
        if self.__dict__.get("_random_stream_source") is not self.rng:
            self._random_stream_source, self._random_stream = self.rng, RandomStream(self.rng)
        return self._random_stream

    def _years_since_menopause(self) -> float:
        return self.inputs.patient.years_since_menopause + self.day * self.dt / 365.0

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """Advance one day (see the module docstring for the order of events)."""
        p = self.params
        day = self.day  # days completed before this step
        if day in self._boundaries:
            self._set_inputs(self.config.state_at(day))
            p = self.params
        state, dt, rng = self.inputs, self.dt, self.rng

        self._vitamin_k_day()
        s = calcium.systemic_state(self.blood.ecf_calcium_mg, state.diet.phosphate_mg_per_day,
                                   state.patient.ckd_stage, p)
        self.systemic = s
        pth_rel = s.pth_pmol_l / calcium.reference_pth_pmol_l(p)

        # bone cells
        estrogen = remodeling.estrogen_loss_effect(state.patient.postmenopausal, self._years_since_menopause(), p)
        drives = remodeling.bone_drives(pth_rel, estrogen, self.bone_vitamin_k_supply, p)
        bone_day = remodeling.remodel_day(self.bone, self.osteoclasts, self.osteoblasts, drives, p,
                                          self.random_stream, dt)
        cortical_resorbed = remodeling.cortical_day(self.cortical, drives, p, dt)

        # calcium exchanges, each booked on both sides; outflows never exceed what is there
        blood = self.blood
        resorbed = bone_day.resorbed_mineral_mg + cortical_resorbed
        blood.ecf_calcium_mg += resorbed                                            # bone -> blood
        intake = state.diet.calcium_mg_per_day * dt
        self.gut.lumen_calcium_mg += intake                                         # diet -> gut
        self.intake_cum_mg += intake
        absorbed, fecal = calcium.gut_day(self.gut.lumen_calcium_mg - intake, intake, s, p, dt)
        self.gut.lumen_calcium_mg -= absorbed + fecal
        blood.ecf_calcium_mg += absorbed                                            # gut -> blood
        self.feces_cum_mg += fecal                                                  # gut -> out
        ref_pi, ref_ca = p.reference_serum_phosphate_mmol_l, p.reference_serum_calcium_mmol_l
        capxp_rel = s.serum_calcium_mmol_l * s.serum_phosphate_mmol_l / (ref_ca * ref_pi)
        mineralised = remodeling.mineralise(self.bone, 0.5 * blood.ecf_calcium_mg, capxp_rel, p, dt)
        blood.ecf_calcium_mg -= mineralised                                         # blood -> bone
        cortical_mineralised = remodeling.mineralise_cortical(self.cortical, 0.5 * blood.ecf_calcium_mg,
                                                              capxp_rel, p, dt)
        blood.ecf_calcium_mg -= cortical_mineralised                                # blood -> bone
        mineralised += cortical_mineralised

        # vessel wall
        mgp = 0.0 if state.genetics.mgp_knockout else calcification.mgp_synthesis_per_step(p, dt)
        vessel_day = calcification.vessel_day(
            self.vessel, self.mgp_carboxylated_by_depth, mgp, s.serum_phosphate_mmol_l / ref_pi, capxp_rel, p, rng,
            0.25 * blood.ecf_calcium_mg, dt)
        blood.ecf_calcium_mg += vessel_day.regressed_mg - vessel_day.deposited_mg   # blood <-> wall

        urine, endogenous = calcium.kidney_and_endogenous_day(s, p, dt)
        scale = min(1.0, 0.5 * blood.ecf_calcium_mg / max(urine + endogenous, 1e-12))
        urine, endogenous = urine * scale, endogenous * scale
        blood.ecf_calcium_mg -= urine + endogenous                                  # blood -> urine, gut
        self.urine_cum_mg += urine
        self.gut.lumen_calcium_mg += endogenous
        to_fluid = calcium.blood_to_bone_fluid_mg(blood.ecf_calcium_mg, self.bone_tissue.fluid_calcium_mg,
                                                   s.serum_phosphate_mmol_l, p)
        blood.ecf_calcium_mg -= to_fluid                                            # blood <-> bone fluid
        self.bone_tissue.fluid_calcium_mg += to_fluid

        # plasma dp-ucMGP from today's uncarboxylated MGP
        n_vsmc = self.vessel.mineral.size
        uc_rel = vessel_day.ucmgp_made / (n_vsmc * calcification.mgp_synthesis_per_step(p, dt))
        gfr_rel = s.gfr_ml_per_min / calcium.GFR_ML_PER_MIN_BY_CKD_STAGE[0]
        blood.dp_ucmgp_pmol_l = carboxylation.advance_dp_ucmgp(blood.dp_ucmgp_pmol_l, uc_rel, gfr_rel, p, dt)

        # cell agents mirror today's births, moves and deaths (a handful a day; most days
        # some of these lists are empty)
        if bone_day.born_osteoclasts.size:
            self._spawn_agents(self.osteoclasts, Osteoclast, bone_day.born_osteoclasts)
        if bone_day.born_osteoblasts.size:
            self._spawn_agents(self.osteoblasts, Osteoblast, bone_day.born_osteoblasts)
        grid, ocs = self.bone_grid, self.osteoclasts
        for slot in bone_day.moved_osteoclasts:  # only movers
            agent = ocs.agents[slot]
            if agent is not None:
                agent.cell = grid[(int(ocs.x[slot]), int(ocs.y[slot]))]
        if bone_day.dead_osteoclasts.size:
            self._remove_agents(self.osteoclasts, bone_day.dead_osteoclasts)
        if bone_day.dead_osteoblasts.size:
            self._remove_agents(self.osteoblasts, bone_day.dead_osteoblasts)

        self.flows = {"absorbed": absorbed, "urine": urine, "resorbed": resorbed,
                      "mineralised": mineralised, "vessel_net": vessel_day.deposited_mg - vessel_day.regressed_mg}
        new_day = self._day = day + 1
        if new_day % self.record_every_days == 0 or new_day == self.days_total:
            self.datacollector.collect(self)
        if new_day >= self.days_total:
            self.running = False

    # ------------------------------------------------------------------ readouts
    @property
    def bone_mineral_density_g_cm2(self) -> float:
        bone = self.bone
        mineral_sum = remodeling.bone_tallies(bone.mineral, bone.osteoid, bone.cavity)[0]
        return self.params.reference_bmd_g_cm2 * mineral_sum / self.reference_mineral_sum

    def calcium_pools_mg(self) -> dict[str, float]:
        """Calcium in every pool (mg)."""
        return {"gut": self.gut.calcium_mg, "blood": self.blood.calcium_mg,
                "bone_fluid": self.bone_tissue.fluid_calcium_mg,
                "bone_trabecular": self.bone_tissue.trabecular_calcium_mg,
                "bone_cortical": self.cortical.mineral_mg, "vessel_wall": self.vessel_tissue.calcium_mg}

    def _pool_total_mg(self) -> float:
        return sum(self.calcium_pools_mg().values())

    def current_row(self) -> dict[str, float]:
        """Every recorded column for the current day (see :data:`calcium_abm.outputs.COLUMNS`)."""
        p, s, wall, bone = self.params, self.systemic, self.vessel, self.bone
        # each tissue is reduced in one pass; everything else is arithmetic on those tallies
        mineral_sum, osteoid_sum, cavity_sum = remodeling.bone_tallies(bone.mineral, bone.osteoid, bone.cavity)
        vessel_mineral_sum, n_calcified, n_osteo, f_mgp = calcification.vessel_tallies(
            wall.osteochondrogenic, wall.mineral, p.calcified_patch_threshold,
            self.mgp_carboxylated_by_depth.ravel(), p.osteochondrogenic_mgp_synthesis_factor)
        pools = {"gut": self.gut.calcium_mg, "blood": self.blood.calcium_mg,
                 "bone_fluid": self.bone_tissue.fluid_calcium_mg,
                 "bone_trabecular": mineral_sum * bone.mineral_mg_per_unit,
                 "bone_cortical": self.cortical.mineral_mg,
                 "vessel_wall": vessel_mineral_sum * wall.mineral_mg_per_unit}
        total = pools["gut"] + pools["blood"] + pools["bone_fluid"] + pools["bone_trabecular"] \
            + pools["bone_cortical"] + pools["vessel_wall"]
        excreted = self.urine_cum_mg + self.feces_cum_mg
        bmd = p.reference_bmd_g_cm2 * mineral_sum / self.reference_mineral_sum
        n_vsmc = wall.mineral.size
        ob = self.osteoblasts.live_slots()
        ca = calcium.serum_calcium_mmol_l(self.blood.ecf_calcium_mg, p)
        flows, dt = self.flows, self.dt
        plasma = self.plasma.mean_nmol_per_l
        return {
            "day": float(self.day),
            "years": self.day / 365.0,
            "bone_mineral_density_g_cm2": bmd,
            # NaN if the spin-up already resorbed the whole section (extreme settings)
            "bmd_change_pct": 100.0 * (bmd / self.bmd_day0 - 1.0) if self.bmd_day0 > 0 else float("nan"),
            "bone_volume_fraction": (mineral_sum + osteoid_sum) / bone.mineral.size,
            "remodeling_space_fraction": cavity_sum / bone.cavity.size,
            "vessel_calcification_mg": pools["vessel_wall"],
            "calcification_score": pools["vessel_wall"] * p.agatston_units_per_mg_calcium,
            "calcified_area_fraction": n_calcified / n_vsmc,
            "osteochondrogenic_vsmc_fraction": n_osteo / n_vsmc,
            "dp_ucmgp_pmol_l": self.blood.dp_ucmgp_pmol_l,
            "ucoc_fraction": 1.0 - self.bone_tissue.osteocalcin_carboxylated_fraction,
            "hepatic_carboxylation_fraction": self.hepatic_carboxylation,
            "vascular_mgp_carboxylation_fraction": float("nan") if self.inputs.genetics.mgp_knockout else f_mgp,
            "serum_calcium_mmol_l": ca,
            "ionized_calcium_mmol_l": ca * p.ionized_calcium_fraction,
            "serum_phosphate_mmol_l": s.serum_phosphate_mmol_l,
            "pth_pmol_l": s.pth_pmol_l,
            "calcitriol_relative": s.calcitriol_relative,
            "plasma_k1_nmol_l": plasma["k1"],
            "plasma_mk4_nmol_l": plasma["mk4"],
            "plasma_mk7_nmol_l": plasma["mk7"],
            "plasma_warfarin_mg_l": self.plasma.warfarin_mean_mg_per_l,
            "vkor_activity_fraction": self.vkor,
            "osteoclast_count": float(self.osteoclasts.count),
            "osteoblast_count": float(ob.size),
            "osteoblast_cells": float(self.osteoblasts.team_cells[ob].sum()),
            "contractile_vsmc_count": float(n_vsmc - n_osteo),
            "osteochondrogenic_vsmc_count": float(n_osteo),
            **{f"ca_{name}_mg": pools[name] for name in CALCIUM_POOLS},
            "ca_intake_cum_mg": self.intake_cum_mg,
            "ca_urine_cum_mg": self.urine_cum_mg,
            "ca_feces_cum_mg": self.feces_cum_mg,
            "ca_excreted_cum_mg": excreted,
            "ca_balance_error_mg": total - self.intake_cum_mg + excreted - self.initial_balance_mg,
            "ca_absorption_mg_per_day": flows["absorbed"] / dt,
            "urine_calcium_mg_per_day": flows["urine"] / dt,
            "bone_resorption_mg_per_day": flows["resorbed"] / dt,
            "bone_mineralisation_mg_per_day": flows["mineralised"] / dt,
            "vessel_deposition_mg_per_day": flows["vessel_net"] / dt,
        }

    # ------------------------------------------------------------------ views
    def tissue_snapshot(self) -> dict[str, Any]:
        """Copies of the tissue state for drawing (the dashboard reads only this).

        Returns a dict with:
            ``bone_mineral``, ``bone_osteoid``, ``bone_cavity``: (W, H) volume fractions;
            ``osteoclast_xy``, ``osteoblast_xy``: (n, 2) int patch coordinates;
            ``osteoblast_team_cells``: (n,) team sizes;
            ``vessel_mineral``: (W, H) deposit volume fraction;
            ``vsmc_osteochondrogenic``: (W, H) bool;
            ``carboxylated_mgp``, ``uncarboxylated_mgp``: (W, H) in healthy-MGP units;
            ``vessel_kh2_nmol_l``: (W, H) local reduced vitamin K;
            ``day``: int.
        In the vessel arrays axis 0 runs along the vessel and axis 1 from the lumen
        (index 0) to the adventitia.
        """
        ocs, obs = self.osteoclasts.live_slots(), self.osteoblasts.live_slots()
        wall = self.vessel
        return {
            "day": self.day,
            "bone_mineral": self.bone.mineral.copy(),
            "bone_osteoid": self.bone.osteoid.copy(),
            "bone_cavity": self.bone.cavity.copy(),
            "osteoclast_xy": np.stack([self.osteoclasts.x[ocs], self.osteoclasts.y[ocs]], axis=1),
            "osteoblast_xy": np.stack([self.osteoblasts.x[obs], self.osteoblasts.y[obs]], axis=1),
            "osteoblast_team_cells": self.osteoblasts.team_cells[obs].copy(),
            "vessel_mineral": wall.mineral.copy(),
            "vsmc_osteochondrogenic": wall.osteochondrogenic.copy(),
            "carboxylated_mgp": wall.cmgp.copy(),
            "uncarboxylated_mgp": wall.ucmgp.copy(),
            "vessel_kh2_nmol_l": np.broadcast_to(self.vessel_kh2_by_depth, wall.mineral.shape).copy(),
        }
