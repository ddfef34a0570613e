"""CalciumParadoxModel: two tissue sections coupled through blood.

The model builds the tissues from a validated :class:`~calcium_abm.scenario.Scenario` and,
each day, calls the submodels of :mod:`calcium_abm.physiology` in a fixed order (the ODD's
process overview, see ``docs/ODD.md``); :meth:`CalciumParadoxModel.step` reads as that list:

1. schedule: apply timed changes that start or end today;
2. blood: vitamin K forms and warfarin absorbed and cleared (exact within the day);
3. carboxylation: tissue vitamin K follows plasma with a lag; liver, vessel wall (per
   depth) and bone carboxylation from the tissue vitamin K cycle; functional clotting
   factors follow the hepatic carboxylation with their half-lives (INR);
4. systemic signals: serum Ca/Pi from the ledgers; FGF23, parathyroid gland, PTH, calcitriol;
5. bone: osteoclast recruitment, resorption, coupling, osteoblast formation; the cortical
   compartment under the same signals;
6. mineral exchanges: resorption, absorption, mineralisation, vessel deposition and
   regression (step 7 is computed here), urine, faeces, bone fluid, dialysis: named transfers
   of the calcium and phosphate ledgers (mineral moves its P with its Ca);
7. vessel wall: MGP turnover, VSMC switching and apoptosis, mineral growth, the intima; plasma dp-ucMGP;
8. agents: births, moves and deaths of cell agents mirror the arrays;
9. record the day's row.

Steps 2-3 are :func:`.carboxylation.carboxylation_day`; 4 :func:`.minerals.systemic_values`; 5 :func:`.remodeling.remodel_day`
and :func:`.skeleton.cortical_day`; 6-7 :func:`.exchanges.exchanges_day` (the ledgers' transfers, the wall's day
:func:`.calcification.wall_day` among them, compiled) and :func:`.calcification.end_wall_day`; 8
:func:`calcium_abm.agents.mirror_bone_day`; 9 the columns, declared once in :mod:`calcium_abm.outputs`.

Each state has one home: ``model.bone`` / ``model.cortical`` / ``model.vessel`` (tissue
arrays; the grids' property layers are views of them), ``model.calcium`` / ``model.phosphate``
(the ledgers, mg), ``model.hormones`` (gland capacity, calcitriol), ``model.blood`` (vitamin K,
warfarin, dp-ucMGP), ``model.osteoclasts`` / ``.osteoblasts`` (cell arrays; agents read them,
and are made when first read: :class:`~calcium_abm.agents.AgentsOnDemand`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Mapping

import mesa
import numpy as np

from calcium_abm.agents import AgentsOnDemand, Blood, BoneTissue, Gut, VesselWallTissue, materialise_agents, mirror_bone_day
from calcium_abm.grid import LazyMooreGrid, add_property_layers
from calcium_abm.inputs.memory import unbuildable_grids_message
from calcium_abm.inputs.seeds import run_seed
from calcium_abm.outputs import CALCIUM_POOLS, RowCollector, current_row
from calcium_abm.render import tissue_snapshot
from calcium_abm import mesa_scenario, person, stepping
from calcium_abm.physiology import (calcification, calcium, calcium_balance, carboxylation, coagulation, exchanges,
                                   ledger, minerals, parameter_set, remodeling, skeleton, vitamin_k, wall_start)
from calcium_abm.physiology.calcium import SystemicState
from calcium_abm.physiology.species import time_scale
from calcium_abm.random_stream import RandomStream
from calcium_abm.errors import ScenarioError
from calcium_abm.scenario import Scenario

#: physiological days the bone section remodels under healthy signals before day 0 (a steady remodeling
#: space, not untouched bone); the media's phenotypes and MGP as long under day-0 inputs (:mod:`.physiology.wall_start`)
SPINUP_DAYS = 400

class CalciumParadoxModel(AgentsOnDemand, mesa_scenario.WithoutMesaScenario, stepping.ClockStopsAtTheEnd, mesa.Model):
    """The calcium-paradox model: a trabecular bone section and an arterial media section,
    each on a Mesa grid, coupled through a well-mixed blood compartment. One step is one day.

    Args:
        scenario: a built-in scenario name, a path to a TOML file, a mapping or a
            :class:`~calcium_abm.scenario.Scenario` (default ``"healthy_adult"``).
        rng: random seed: an int, a string of digits (Mesa's seed box) or a numpy Generator;
            ``None`` draws a fresh seed (or takes a ``seed=`` setting). The seed used, ``model.seed``, is
            recorded in every output; :func:`calcium_abm.simulate` and the CLI pass the
            scenario's ``simulation.seed``.
        **settings: flat overrides of scenario fields or parameters, e.g.
            ``mk7_ug_per_day=180``, ``ckd_stage=4``, ``osteoblast_apoptosis_per_day=0.02``.
            These make ``mesa.batch_run`` and ``SolaraViz`` sliders work directly.

    Raises:
        calcium_abm.errors.ScenarioError: for any invalid scenario or setting, a trait spread only a cohort's
            draw reads (:func:`.person.single_run_scenario`), grids the machine cannot hold (no estimate first).
    """

    def __init__(self, scenario: str | Path | Mapping[str, Any] | Scenario = "healthy_adult", *,
                 rng: int | str | None = None, **settings: Any):
        config = person.single_run_scenario(scenario, settings)
        #: the seed this run uses: pass it back as ``rng`` to repeat the run
        self.seed = run_seed(rng, settings, config.simulation.seed)
        super().__init__(rng=self.seed)
        self.config = config
        self.days_total = config.days
        self._day = 0
        self.record_every_days = config.simulation.record_every_days
        self._boundaries = set(config.schedule_boundaries())
        self.start_age_years, self.age_at_fmp_years = person.start_of(config.state_at(0).patient)
        self._set_inputs(config.state_at(0))
        try:
            self._build()
        except MemoryError:  # numpy's allocation error, raised deep in the grids' layers
            raise ScenarioError(unbuildable_grids_message(config)) from None
        self.datacollector = RowCollector()
        self.datacollector.collect(self)
        self.running = self.days_total > 0
        self.agents_materialised = False  # cell agents are made when first read (AgentsOnDemand)

    def _set_inputs(self, state: Scenario) -> None:
        """Take the effective settings of the day (scenario with active schedule entries)."""
        previous, self.inputs = self.__dict__.get("inputs"), state
        self.base_params = parameter_set(state.parameters)
        self.dt = time_scale(state.patient.species, self.base_params)
        person.take_inputs(self, previous)  # the person's rates (self.params) and menopause start
        self.intake_ug = vitamin_k.dietary_intake_ug_per_day(state.diet)

    @property
    def age_years(self) -> float:
        """The person's age today (years): the scenario's ``age_years`` plus simulated time."""
        return person.age_on_day(self, self.__dict__.get("_day", 0))

    @property
    def years_relative_to_fmp(self) -> float | None:
        """Years from the final menstrual period today (negative before; None if unknown)."""
        return person.years_relative_to_fmp(self.age_years, self.age_at_fmp_years)

    @property
    def day(self) -> int:
        """Days simulated so far (0 before the first step)."""
        return self._day

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        p, sim = self.params, self.config.simulation
        bw, bh, vw, vh = sim.bone_grid_width, sim.bone_grid_height, sim.vessel_grid_width, sim.vessel_grid_height
        # bone section: trabecular structure; its arrays ARE the grid's property layers
        self.bone_grid = self.grid = LazyMooreGrid((bw, bh), random=self.random)  # grid: for Mesa's renderers
        self.bone_grid.before_reading_agents = partial(materialise_agents, self)  # picklable, unlike a lambda
        start_fraction = min(p.trabecular_bone_volume_fraction * person.start_bone_fraction_relative(self), 0.95)
        structure = remodeling.trabecular_structure(bw, bh, start_fraction, self.rng)
        layers = add_property_layers(self.bone_grid, bone_mineral=structure, osteoid=np.zeros((bw, bh)),
                             cavity=np.zeros((bw, bh)), vitamin_k_nmol_l=np.zeros((bw, bh)))
        skeleton_mg = person.start_skeleton_mg(self, start_fraction)
        trabecular_mg = skeleton_mg * p.trabecular_calcium_fraction
        self.bone = remodeling.BoneSection(layers["bone_mineral"], layers["osteoid"], layers["cavity"],
                                           trabecular_mg / float(structure.sum()))
        self.cortical = skeleton.CorticalBone(skeleton_mg - trabecular_mg, 0.0, 0.0)  # its mineral; started below
        self.reference_mineral_sum = float(structure.size) * p.trabecular_bone_volume_fraction
        self.osteoclasts = remodeling.new_osteoclast_population()
        self.osteoblasts = remodeling.new_osteoblast_population()
        person.live_life_course(self, SPINUP_DAYS)  # the decades before the spin-up (not with a measured T-score)
        person.spin_up_bone(self, SPINUP_DAYS)
        self.cortical = person.start_cortical(self, self.cortical.mineral_mg)  # with the spin-up's lagged activation
        person.match_baseline_bmd(self)

        # vessel wall (media): one VSMC per patch, no mineral yet (MGP, phenotypes: _start_at_steady_state)
        self.vessel_grid = LazyMooreGrid((vw, vh), random=self.random)
        layers = add_property_layers(self.vessel_grid, vsmc_osteochondrogenic=np.zeros((vw, vh), dtype=bool),
                             carboxylated_mgp=np.zeros((vw, vh)), uncarboxylated_mgp=np.zeros((vw, vh)),
                             vessel_mineral=np.zeros((vw, vh)), vitamin_k_nmol_l=np.zeros((vw, vh)),
                             vsmc_generation=np.zeros((vw, vh), dtype=np.int32))
        self.vessel = calcification.VesselWall(
            layers["vsmc_osteochondrogenic"], layers["carboxylated_mgp"], layers["uncarboxylated_mgp"],
            layers["vessel_mineral"],
            calcification.vitamin_k_delivery_profile(1, vh, p.vessel_vitamin_k_penetration_fraction),
            layers["vsmc_generation"], p.vessel_media_calcium_capacity_mg / float(vw * vh))
        person.seed_baseline_calcification(self)
        self._kh2_layers = (self.bone_grid.vitamin_k_nmol_l.data, layers["vitamin_k_nmol_l"])  # (bone, vessel)
        self.gut, self.blood = Gut(self), Blood(self)
        self.bone_tissue, self.vessel_tissue = BoneTissue(self), VesselWallTissue(self)
        self._start_at_steady_state()

    def _start_at_steady_state(self) -> None:
        """Inputs steady before day 0 start at their steady state (vitamin K, the kidney-hormone loop,
        serum phosphate and the bone fluid at the day-0 GFR, the media's MGP and VSMC phenotypes,
        plasma dp-ucMGP); both ledgers open their books."""
        p, state, blood = self.params, self.inputs, self.blood
        blood.vitamin_k_nmol, blood.warfarin_mg = vitamin_k.steady_plasma_amounts(self.intake_ug, state.drugs.warfarin_mg_per_day, p, self.dt)
        self.carboxylation = self._carboxylation_day(previous_supply=None)
        k = self.kidney_inputs()  # the calcium-balanced steady state of the day-0 person, kidneys and diet
        blood_mg, self.hormones, phosphate_mmol_l = calcium_balance.start_minerals(person.start_balance(self), k, p)
        blood_p_mg = calcium.blood_phosphorus_mg(phosphate_mmol_l, p)
        s = self.systemic = minerals.systemic_day(self.hormones, blood_mg, blood_p_mg, k, p, dt=0.0)
        calcification.live_kidney_history(self.vessel, state.patient.kidney_disease_years, s, p)  # before the books
        gut_mg = calcium.steady_gut_lumen_mg(k.calcium_mg_per_day + k.binder_calcium_mg_per_day, s, p, self.dt)
        tissue = {"bone_trabecular": self.bone.calcium_mg, "bone_cortical": lambda: self.cortical.mineral_mg,
                  "vessel_wall": self.vessel.calcium_mg}
        fluid_mg = calcium.equilibrium_bone_fluid_mg(blood_mg, s, p)
        self.calcium = ledger.MineralLedger("calcium", {"gut": gut_mg, "blood": blood_mg, "bone_fluid": fluid_mg},
                                            tissue, order=CALCIUM_POOLS)
        self.phosphate = minerals.open_phosphate_ledger(phosphate_mmol_l, fluid_mg, tissue, p)
        uc_rel = wall_start.start_wall_at_steady_state(  # MGP and VSMC phenotypes under the day-0 inputs
            self.vessel, self.carboxylation.mgp_carboxylated_by_depth, 0.0 if state.genetics.mgp_knockout else
            calcification.mgp_synthesis_per_step(p, self.dt), calcium.phosphate_relative(s, p), p, self.seed, self.dt,
            SPINUP_DAYS)
        blood.dp_ucmgp_pmol_l = carboxylation.advance_dp_ucmgp(0.0, uc_rel, calcium.gfr_relative(s, p), p, dt=1e6)
        self.bmd_day0 = self.bone_mineral_density_g_cm2

    def kidney_inputs(self) -> minerals.KidneyInputs:
        """Today's GFR, dietary phosphorus, binders and dialysis (:func:`.minerals.kidney_inputs`); the last
        day's while the (frozen) inputs, the parameters, the GFR and, on a GFR decline, the years are the same."""
        years = person.years_of_kidney_state(self) if self.inputs.kidney.gfr_end_ml_per_min is not None else 0.0
        key, last = (self.inputs, self.gfr_ml_per_min, years, self.params), self.__dict__.get("_kidney_inputs")
        if last is None or last[0] != key:
            last = self._kidney_inputs = (key, minerals.kidney_inputs(*key))
        return last[1]

    def _carboxylation_day(self, previous_supply):  # a day repeating the last (steady inputs): not recomputed
        b, state, last, p = self.blood, self.inputs, self.__dict__.get("_carboxylation_memo"), self.vitamin_k_params
        memo = self._carboxylation_memo = carboxylation.repeated_or_new_day(
            last, b.vitamin_k_nmol, b.warfarin_mg, self.intake_ug, state.drugs.warfarin_mg_per_day,
            self.vessel.vitamin_k_delivery, previous_supply, state.genetics.osteocalcin_knockout, p, self.dt)
        vk = memo[1]
        b.vitamin_k_nmol, b.warfarin_mg = vk.amounts_nmol, vk.warfarin_mg
        # clotting factors: steady at initialisation, then each relaxes towards today's share (its half-life)
        carboxylated = coagulation.hepatic_factor_carboxylation(vk.hepatic_kh2_relative, p)
        if previous_supply is None or b.clotting_factor_activity != carboxylated:  # at its target: stays there
            b.clotting_factor_activity = carboxylated if previous_supply is None else coagulation.relax_factor_activity(
                b.clotting_factor_activity, carboxylated, p, self.dt)
        if memo is not last:  # the grids' vitamin_k_nmol_l property layers (unchanged on a repeated day)
            self._kh2_layers[1][:] = vk.vessel_kh2_by_depth
            self._kh2_layers[0].fill(vk.bone_kh2_nmol_l)
        return vk

    @property
    def random_stream(self) -> RandomStream:
        """``self.rng`` wrapped for the compiled kernels (rewrapped if ``self.rng`` is replaced)."""
        if self.__dict__.get("_random_stream_source") is not self.rng:
            self._random_stream_source, self._random_stream = self.rng, RandomStream(self.rng)
        return self._random_stream

    # ------------------------------------------------------------------ step
    _wrapped_step = stepping.step_one_day  # model.step(): Mesa's day, its daily event moved, not rebuilt
    def step(self) -> None:
        """Advance one day: the ODD's process overview (module docstring), in order."""
        self._start_day()   # 0-3: not past the end, schedule and ageing, vitamin K and carboxylation
        self._finish_day()  # 4-9: systemic signals, bone, exchanges and the wall, dp-ucMGP, agents, the row

    def _start_day(self) -> None:
        """Steps 0-3 of :meth:`step` (on a day of the person's new rates :mod:`.stretch` runs 4-7 compiled)."""
        stepping.refuse_a_day_past_the_end(self)  # 0 not past the run's last day (for Mesa's run_for, run_until)
        person.apply_schedule_and_age(self)                                         # 1 schedule
        self.calcium.new_day(), self.phosphate.new_day()
        self.carboxylation = self._carboxylation_day(self.carboxylation.tissue_supply_nmol_l)  # 2-3

    def _finish_day(self) -> None:
        """Steps 4-9 of :meth:`step`, after :meth:`_start_day`."""
        p, dt, k, vk = self.params, self.dt, self.kidney_inputs(), self.carboxylation
        sv = minerals.systemic_values(self.hormones, self.calcium["blood"], self.phosphate["blood"], k, p, dt)  # 4
        s = self.systemic = SystemicState(*sv[:12])
        drives = person.bone_drives_today(self, s.pth_relative, vk.bone_vitamin_k_supply_nmol_l)
        bone_day = remodeling.remodel_day(self.bone, self.osteoclasts, self.osteoblasts, drives, p,  # 5
                                          self.random_stream, dt, without_agents=not self.mirrors_cell_agents)
        wall, mgp_per_cell = self._mineral_exchanges(s, sv, k, bone_day.resorbed_mineral_mg,  # 6-7
                                                     skeleton.cortical_day(self.cortical, drives, p, dt))
        uc_rel = carboxylation.ucmgp_release_relative(wall.ucmgp_made, self.vessel.mineral.size, mgp_per_cell)
        self.blood.dp_ucmgp_pmol_l = carboxylation.advance_dp_ucmgp(self.blood.dp_ucmgp_pmol_l, uc_rel,
                                                                    calcium.gfr_relative(s, p), p, dt)
        mirror_bone_day(self, bone_day)  # 8
        self._day += 1
        if self._day % self.record_every_days == 0 or self._day == self.days_total:  # 9
            self.datacollector.collect(self, fresh=True)  # the tissue sums the kernels just left
        self.running = self._day < self.days_total

    def _mineral_exchanges(self, s, sv, k, trabecular_resorbed_mg: float, cortical_resorbed_mg: float):
        """Step 6 (and the vessel wall, 7): each calcium exchange a named transfer of the calcium
        ledger; mineral moves its phosphorus with it; then the phosphate diet, gut, kidney and
        dialysis: the compiled chains of :mod:`.physiology.exchanges` (``sv``: today's
        :func:`.minerals.systemic_values`), with the tissue kernels between them. Returns the
        wall's day and the healthy MGP synthesis per cell."""
        p, state, dt, ca, ph, bone, cortical = self.params, self.inputs, self.dt, self.calcium, self.phosphate, \
            self.bone, self.cortical
        kv, mgp_per_cell = exchanges.kidney_values(k), calcification.mgp_synthesis_per_step(p, dt)
        wall_inputs = calcification.wall_day_inputs(self.vessel, self.carboxylation.mgp_carboxylated_by_depth, p,
                                                    self.rng, dt)  # today's uniforms: no draw since remodel_day's
        _, _, trabecular, cortical_mg, wall = exchanges.run(
            exchanges.exchanges_day, ca, ph, p, dt, sv, kv, trabecular_resorbed_mg, cortical_resorbed_mg,
            k.calcium_mg_per_day, bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(),
            bone.mineral_deficit.ravel(), bone.mineral_mg_per_unit, cortical.osteoid_mg, wall_inputs,
            0.0 if state.genetics.mgp_knockout else mgp_per_cell, *calcium._bone_fluid_kernel_records(p),
            minerals.is_session_day(self.day, k.sessions_per_week))
        bone.day_sums = tuple(trabecular[1:])  # as skeleton.mineralise
        cortical.osteoid_mg -= cortical_mg  # as skeleton.mineralise_cortical
        cortical.mineral_mg += cortical_mg
        wall = calcification.end_wall_day(self.vessel, wall, dt)
        return wall, mgp_per_cell

    # ------------------------------------------------------------------ readouts
    @property
    def bone_mineral_density_g_cm2(self) -> float:
        return remodeling.section_bmd_g_cm2(self.bone.tallies()[0], self.reference_mineral_sum, self.params)

    def calcium_pools_mg(self) -> dict[str, float]:
        """Calcium in every pool (mg): ``self.calcium.pools_mg()``."""
        return self.calcium.pools_mg()

    def current_row(self) -> dict[str, float]:
        """Every recorded column for the current day (see :data:`calcium_abm.outputs.COLUMNS`)."""
        return current_row(self)

    def tissue_snapshot(self) -> dict[str, Any]:
        """Copies of the tissue state for drawing (the dashboard reads only this); see
        :func:`calcium_abm.render.tissue_snapshot` for the keys and shapes."""
        return tissue_snapshot(self)

