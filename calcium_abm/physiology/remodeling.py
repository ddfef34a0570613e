"""Bone remodeling on the trabecular section: osteoclasts resorb, osteoblasts refill.

The section is a grid of patches; each patch holds a volume fraction of mineralised
matrix (``mineral``), of unmineralised matrix (``osteoid``) and of resorbed space still to
be refilled (``cavity``). A remodeling cycle is emergent from four cell rules:

* **Activation** (RANKL/OPG): osteoclasts are recruited onto bone-surface patches at a rate
  raised by PTH and estrogen loss and lowered by vitamin K (Gla-independent SXR action).
* **Resorption**: each osteoclast removes matrix from its patch, moving to the neighbouring
  patch with most matrix when its patch is gone; calcium goes to blood. Osteoclasts die by
  apoptosis (estrogen and vitamin K2 promote it, shortening resorption).
* **Coupling**: a cavity recruits an osteoblast team after a reversal phase; TGF-beta
  released from resorbed matrix sets the team size (cells) in proportion to the cavity.
* **Formation**: each team lays osteoid into its cavity while its cells die by apoptosis
  (estrogen loss and low vitamin K raise it). If the team dies before the cavity is full,
  the remodeling cycle ends with a deficit: that is how bone is lost.
* **Mineralisation** of the osteoid follows in :mod:`.skeleton`.

Steady state is not imposed: it holds when teams outlive their cavities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from calcium_abm.parameters import Parameter, declare, drive_record
from calcium_abm.physiology.bone_rates import (MAX_RECRUITMENT_PER_SURFACE_PATCH_PER_DAY, bone_drive_factors,  # noqa: F401
                                               refill_margin, remodeling_rate_values, team_osteoid_per_cell)
from calcium_abm.physiology.bone_geometry import (EMPTY_PATCH, OFFSETS_X, OFFSETS_Y, SLIVER_CAVITY,  # noqa: F401
                                                  bone_surface, on_surface, trabecular_structure)
from calcium_abm.populations import CellPopulation, grown, take_slots
from calcium_abm.random_stream import RandomStream, as_random_stream

PARAMETERS = declare([
    Parameter("trabecular_bone_volume_fraction", 0.25, "-", "[S] trabecular BV/TV 20-30 % in adults",
              "Fraction of the bone section that is bone at the start", 0.02, 0.9),
    Parameter("reference_bmd_g_cm2", 1.0, "g/cm2", "[S] young-adult lumbar-spine areal BMD ~1.0 g/cm2 (DXA)",
              "Areal BMD of the section at the reference bone volume fraction", 0.1, 3.0),
    Parameter("osteoclast_recruitment_per_surface_patch_per_day", 0.0014, "1/day",
              "assumption: calibrated to trabecular turnover ~25 %/year (activation frequency, Bone Miner 1991)",
              "Osteoclast recruitment onto a bone-surface patch at reference RANKL/OPG", 0.0, 10, ("20",)),
    Parameter("osteoclast_resorption_per_day", 0.03, "patch volume/day",
              "assumption: a 20-50 um patch is cut through in ~1-2 weeks (cutting-cone speed)",
              "Matrix volume fraction an osteoclast removes from its patch per day", 0.0, 10),
    Parameter("osteoclast_apoptosis_per_day", 0.0369173, "1/day",
              "[C] 1/27 per day from the 27-d resorption phase [V] (Bone Miner 1991), held at 0.0400/day at the "
              "healthy diet's vitamin K status: 0.037 until vitamin_k_osteoclast_apoptosis_gain went 0.2 -> 0.1, "
              "0.03846 until vitamin_k_bone_half_saturation_nmol_per_l went 2.37 -> 0.3 (status 0.412 -> 0.847)",
              "Osteoclast apoptosis rate with estrogen present and no vitamin K effect", 0.0, 10, ("20",)),
    Parameter("reversal_recruitment_per_day", 0.1, "1/day",
              "assumption: reversal phase of ~1-2 weeks (Bone Miner 1991: mineralisation lag 8 d)",
              "Rate at which a resorbed cavity recruits an osteoblast team", 0.0, 10),
    Parameter("osteoblast_cells_per_cavity_volume", 100.0, "cells/patch volume",
              "assumption: TGF-beta released from resorbed matrix recruits osteoblasts in proportion (Pivonka 2008)",
              "Osteoblast team size per unit of cavity volume", 0.0, 1e6),
    Parameter("osteoblast_osteoid_per_cell_per_day", 0.0003767, "patch volume/(cell day)",
              "assumption: with the team size, a cavity is refilled in ~90 d (formation 89 d, Bone Miner 1991)",
              "Osteoid laid by one osteoblast per day", 0.0, 1.0, ("20",)),
    Parameter("osteoblast_apoptosis_per_day", 0.0377988, "1/day",
              "assumption: rate set with the refill margin; most osteoblasts die by apoptosis during formation "
              "([S] Jilka 1998); 0.037 until vitamin_k_bone_half_saturation_nmol_per_l went 2.37 -> 0.3, changed "
              "so that the rate at the healthy diet's vitamin K status stays 0.0381/day",
              "Osteoblast apoptosis with estrogen present and full vitamin K status", 1e-4, 10, ("20",)),
    Parameter("osteoblast_team_minimum_cells", 0.05, "cells", "assumption",
              "A team smaller than this stops forming (remaining cells become lining cells)", 0.0, 1e3),
    Parameter("pth_activation_exponent", 1.0, "-", "assumption: PTH raises RANKL / lowers OPG (Lemaire 2004)",
              "Sensitivity of osteoclast recruitment to PTH", 0.0, 10),
    Parameter("estrogen_loss_activation_factor", 1.8, "-",
              "assumption: activation frequency roughly doubles after menopause (Recker 2004); constrained by row 20",
              "Osteoclast recruitment multiplier right after menopause", 1.0, 20, ("20",)),
    Parameter("estrogen_loss_osteoclast_lifespan_factor", 1.3, "-",
              "assumption: estrogen promotes osteoclast apoptosis (Hughes 1996)",
              "Osteoclast lifespan multiplier right after menopause", 0.1, 10, ("20",)),
    Parameter("estrogen_loss_osteoblast_apoptosis_factor", 1.04, "-",
              "assumption: estrogen prevents osteoblast apoptosis (Manolagas 2000)",
              "Osteoblast apoptosis multiplier right after menopause", 0.1, 10, ("20",)),
    Parameter("estrogen_loss_adaptation_years", 5.0, "years",
              "assumption (sensitivity: rows 20 and A3): the direct effects of estrogen loss on bone cells "
              "subside after the transmenopause; [V] Riggs, Khosla & Melton 1998 J Bone Miner Res 13:763: the "
              "accelerated phase is 'most apparent during the first decade after menopause'; [V] Greendale 2012 "
              "J Bone Miner Res 27:111 (SWAN): loss decelerates 2 y after the final period (1.1 %/y at 2-7 y); "
              "5 y (was 3) leaves ~20 % of the early effect 10 y after the final period (row 20: SWAN "
              "1.1 %/y at 2-7 y)",
              "Time constant over which the menopause effects fall to their late level", 0.01, 100, ("20", "A3")),
    Parameter("estrogen_loss_late_effect_fraction", 0.0, "-",
              "[V] Riggs, Khosla & Melton 1998 J Bone Miner Res 13:763 (unitary model): the late slow phase is "
              "'mediated mainly by loss of E action on extraskeletal calcium homeostasis' (gut absorption, "
              "renal calcium) with secondary hyperparathyroidism, not by the direct effects on bone cells; "
              "the model carries it through ageing.absorption_fraction_menopause_drop (Heaney 1989), "
              "calcium.estrogen_renal_calcium_excretion_rise (the renal leak) and the age laws raising PTH, "
              "so no direct effect persists (was 0.3, an assumption, which with those "
              "laws gave late loss about twice [V] Ensrud 1995 J Bone Miner Res 10:1778 (SOF, women >= 65: "
              "total hip 2.5 mg/cm2/y at 67-69 y, ~0.3 %/y) and [S] Moilanen 2021 J Bone Miner Res (OSTPRE, "
              "femoral neck ~0.4 %/y over 25 y; news reports)); [S] Recker 2004 J Bone Miner Res 19:1628: activation "
              "frequency still x3 at 13 y past menopause, here through PTH",
              "Share of the menopause effects that persists late after menopause", 0.0, 1.0, ("20", "A3")),
    Parameter("vitamin_k_bone_half_saturation_nmol_per_l", 0.3, "nmol/L",
              "[C] SXR/PXR action of vitamin K in bone (Tabb 2003), near saturation on the usual diet: status 0.85 "
              "at 100 ug/day K1 (supply 1.66), 0.76 at 56, 0.93 at 254, the shape of the observational data ([V] "
              "Feskanich 1999 Am J Clin Nutr 69:74: hip-fracture risk higher only below 109 ug/day, no trend across "
              "quintiles 2-5; [V] Booth 2000 Am J Clin Nutr 71:1201: lowest quartile, median 56 ug/day); calibrated on "
              "rows T-Booth2008 and T-ECKO2008 (ECKO spine +0.97 / +0.79 % at 2.37 / 0.5, +0.13 to +0.53 % at 0.3 in two "
              "20-seed draws; trial CI -0.67 to 0.54; 2026-12-03). At 0.3 K1 still gains +0.4 to +0.6 % in 2-3 years, "
              "CI above zero in 4 of the 6 trial criteria, where the trials found none (inside their CIs). Sensitivity: "
              "the population's mean status is 0.045 below the typical person's; row A4's women 0.846 -> 0.826",
              "Bone vitamin K supply at half-maximal SXR effect", 1e-6, 1e3,
              ("T-Booth2008", "T-ECKO2008", "T-Binkley2009", "11", "S2")),
    Parameter("vitamin_k_osteoblast_survival_gain", 0.05, "-",
              "assumption: vitamin K2 inhibits osteoblast apoptosis (Urayama 2000)",
              "Extra osteoblast apoptosis at zero vitamin K status (relative)", 0.0, 10, ("11",)),
    Parameter("vitamin_k_osteoclast_apoptosis_gain", 0.1, "-",
              "assumption: vitamin K2 induces osteoclast apoptosis (Kameda 1996); recalibrated 0.2 -> 0.1 on the "
              "life-course start (issue 10): on its aged section MK-7 slowed bone loss more than on the "
              "young-adult one (row 11, woman of 65, 40 seeds: BMD difference 0.70 [0.48, 0.92] pp at 0.2, 0.42 "
              "[0.17, 0.67] at 0.1 with osteoclast_apoptosis_per_day raised to keep the healthy rate); checked "
              "against trials it was not tuned to, which find no or a small BMD effect of vitamin K: [V] Emaus "
              "2010 Osteoporos Int 21:1731 (MK-7 360 ug/d, 1 y, no difference), [V] Knapen 2013 Osteoporos Int "
              "24:2499 (MK-7 180 ug/d, 3 y: a small decrease of the age-related decline), rows S2, T-Binkley2009, "
              "T-Booth2008 and T-ECKO2008",
              "Extra osteoclast apoptosis at full vitamin K status (relative)", 0.0, 10, ("11",)),
])


@dataclass
class BoneSection:
    """State arrays of the trabecular section (all volume fractions of a patch)."""

    mineral: np.ndarray
    osteoid: np.ndarray
    cavity: np.ndarray
    mineral_mg_per_unit: float
    #: mineral still missing from mineralised matrix until its secondary mineralisation ends
    #: (volume of fully mineralised matrix; :func:`.skeleton.mineralise`); zeros if None
    mineral_deficit: np.ndarray | None = None
    #: (mineral content, osteoid, cavity, deficit) sums as :func:`bone_tallies` gives them, left by
    #: the day's last pass over the section (:func:`.skeleton.mineralise`); current until the arrays change
    day_sums: tuple = ()

    def __post_init__(self):
        if self.mineral_deficit is None:
            self.mineral_deficit = np.zeros_like(self.mineral)

    def tallies(self) -> tuple:
        """:func:`bone_tallies` of the section's arrays."""
        return bone_tallies(self.mineral, self.osteoid, self.cavity, self.mineral_deficit)

    def calcium_mg(self, mineral_sum: float | None = None) -> float:
        """Calcium in the section's mineral (mg); pass ``mineral_sum`` (the mineral content,
        patch volumes, summed as :func:`bone_tallies` sums it) if already tallied."""
        if mineral_sum is None:
            mineral_sum = self.tallies()[0]
        return mineral_sum * self.mineral_mg_per_unit


@dataclass
class BoneDrives:
    """Systemic and local signals acting on bone cells for one day (dimensionless)."""

    activation_factor: float
    osteoclast_apoptosis_factor: float
    osteoblast_apoptosis_factor: float


@dataclass
class BoneDayResult:
    """Calcium resorbed (mg) and the day's slots (None when :func:`remodel_day` freed the dead itself)."""

    resorbed_mineral_mg: float
    born_osteoclasts: np.ndarray | None
    dead_osteoclasts: np.ndarray | None
    moved_osteoclasts: np.ndarray | None
    born_osteoblasts: np.ndarray | None
    dead_osteoblasts: np.ndarray | None


def section_bmd_g_cm2(mineral_sum: float, reference_mineral_sum: float, p) -> float:
    """The section's areal BMD (g/cm2): ``reference_bmd_g_cm2`` x its mineral (the sum of its patches' mineral
    fractions) / the mineral of a section at ``trabecular_bone_volume_fraction``."""
    return p.reference_bmd_g_cm2 * mineral_sum / reference_mineral_sum


def new_osteoclast_population() -> CellPopulation:
    """Osteoclasts: grid position (x, y), flat patch index ``patch = x * height + y``, age."""
    return CellPopulation({"x": np.int32, "y": np.int32, "patch": np.int64, "age_days": np.float64})


def new_osteoblast_population() -> CellPopulation:
    """Osteoblast teams: position, flat patch index, age and team size (cells)."""
    return CellPopulation({"x": np.int32, "y": np.int32, "patch": np.int64, "age_days": np.float64,
                           "team_cells": np.float64})


def estrogen_loss_effect(postmenopausal: bool, years_since_menopause: float, p) -> float:
    """Share (0-1) of the early menopause effects acting now; 0 with estrogen present."""
    if not postmenopausal:
        return 0.0
    late = p.estrogen_loss_late_effect_fraction
    return late + (1.0 - late) * np.exp(-years_since_menopause / p.estrogen_loss_adaptation_years)


def bone_drives(pth_relative: float, estrogen_effect: float, vitamin_k_supply_nmol_per_l: float, p,
                activation_effect: float | None = None) -> BoneDrives:
    """Combine PTH, estrogen loss and vitamin K status into the day's cell-rate multipliers
    (:func:`.bone_rates.bone_drive_factors`); ``activation_effect`` is the estrogen-loss effect on
    activation if it differs (its lag)."""
    return BoneDrives(*bone_drive_factors(pth_relative, estrogen_effect, vitamin_k_supply_nmol_per_l, p,
                                          estrogen_effect if activation_effect is None else activation_effect))


def remodel_day(bone: BoneSection, ocs: CellPopulation, obs: CellPopulation, drives: BoneDrives, p,
                rng: np.random.Generator | RandomStream, dt: float = 1.0,
                without_agents: bool = False) -> BoneDayResult:
    """One day of cell activity (activation, resorption, coupling, formation), in place on
    ``bone``, ``ocs`` and ``obs``. Returned dead slots are still marked alive: the caller
    removes their agents and then calls ``kill``. ``dt`` is physiological days per step.
    ``without_agents``: no cell has an agent (none made yet, or no longer mirrored): the dead
    cells' slots are freed here and the result's slot arrays are None (~2 us a day less).

    The rules run as compiled loops over patches and live cells, in one compiled call
    (:func:`_cells_day_kernel`); the random numbers come from ``rng`` in a fixed order, so a seed
    gives one result. Pass a :class:`~calcium_abm.random_stream.RandomStream` of the generator to
    save ~12 us a day.
    """
    w, h = bone.mineral.shape
    rates = remodeling_rates(drives, p, dt)
    resorbed_mineral, oc, ob, born_oc, dead_oc, moved, born_ob, dead_ob = _cells_day_kernel(
        bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(), bone.mineral_deficit.ravel(), w, h,
        ocs.kernel_fields(), obs.kernel_fields(), drive_record(rates), p.osteoblast_cells_per_cavity_volume,
        as_random_stream(rng), without_agents)
    ocs.adopt(oc)  # births needed more slots: the grown arrays (None: none grew)
    obs.adopt(ob)
    return BoneDayResult(resorbed_mineral * bone.mineral_mg_per_unit, born_oc, dead_oc, moved, born_ob, dead_ob)


@numba.njit(cache=True, error_model="numpy")
def _cells_day_kernel(mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, cells_per_cavity_volume,
                      stream, free_dead):
    """:func:`remodel_day`'s rules in one compiled call: activation (:func:`_activation_kernel`),
    the new osteoclasts placed, resorption and coupling (:func:`_resorption_kernel`), the new teams
    placed (``cells_per_cavity_volume`` x their cavity's depth), formation (:func:`_formation_kernel`).
    ``oc`` / ``ob`` are the populations' :meth:`~calcium_abm.populations.CellPopulation.kernel_fields`
    (osteoclasts: alive, x, y, patch, age; teams: the same and team cells), returned grown if births
    needed more slots, else None (boxing 11 unchanged arrays back cost ~2 us a day). Returns (mineral
    resorbed in patch volumes, oc, ob, born osteoclast slots, dead ones, moved ones, born team slots, ended ones);
    with ``free_dead`` the dead are marked dead here and the five slot arrays are None."""
    rates = rates_record[0]
    oc_capacity, ob_capacity = oc[0].size, ob[0].size
    forming, where = _activation_kernel(mineral, osteoid, w, h, ob[0], ob[3], rates.recruitment_per_surface_patch,
                                        stream)
    alive, x, y, patch, age, born_oc = _place_cells(oc[0], oc[1], oc[2], oc[3], oc[4], where, h)
    oc = (alive, x, y, patch, age)
    resorbed, moved, dead_oc, recruit_at, recruit_depth = _resorption_kernel(
        mineral, osteoid, cavity, deficit, w, h, forming, alive, x, y, patch, age, rates_record, stream)
    alive, x, y, patch, age, born_ob = _place_cells(ob[0], ob[1], ob[2], ob[3], ob[4], recruit_at, h)
    team_cells = grown(ob[5], alive.size)
    for i in range(born_ob.size):
        team_cells[born_ob[i]] = recruit_depth[i] * cells_per_cavity_volume
    ob = (alive, x, y, patch, age, team_cells)
    dead_ob = _formation_kernel(osteoid, cavity, alive, patch, team_cells, age, rates_record)
    oc_grown, ob_grown = oc if oc[0].size != oc_capacity else None, ob if ob[0].size != ob_capacity else None
    if free_dead:
        oc[0][dead_oc] = False
        ob[0][dead_ob] = False
        return resorbed, oc_grown, ob_grown, None, None, None, None, None
    return resorbed, oc_grown, ob_grown, born_oc, dead_oc, moved, born_ob, dead_ob


@numba.njit(cache=True, error_model="numpy")
def _place_cells(alive, x, y, patch, age, at, h):
    """New cells on the flat patches ``at`` (age 0), in the slots :func:`.populations.take_slots`
    gives; returns the (possibly grown) fields and the slots."""
    slots, capacity = take_slots(alive, at.size)
    alive, x, y, patch, age = grown(alive, capacity), grown(x, capacity), grown(y, capacity), grown(
        patch, capacity), grown(age, capacity)
    for i in range(at.size):
        s, k = slots[i], at[i]
        alive[s], x[s], y[s], patch[s], age[s] = True, k // h, k % h, k, 0.0
    return alive, x, y, patch, age, slots


class RemodelingRates(NamedTuple):
    """Per-step rates of the bone-cell kernels for one day's drives (built by
    :func:`remodeling_rates`; one record instead of positional floats)."""

    recruitment_per_surface_patch: float  # expected new osteoclasts per free surface patch
    resorption_per_step: float            # matrix an osteoclast removes (patch volume)
    p_osteoclast_death: float             # probability an osteoclast dies in the step
    p_team_recruit: float                 # probability an open cavity recruits a team
    osteoid_per_cell: float               # osteoid one osteoblast lays in the step
    osteoblast_survival: float            # share of a team's cells surviving the step
    team_minimum_cells: float             # osteoblast_team_minimum_cells
    dt: float                             # physiological days per step


@numba.njit(cache=True, inline="always")
def osteoid_laid(team_cells, osteoid_per_cell, cavity):
    """Osteoid a team lays into its cavity in a step (patch volume): its cells' output,
    at most what the cavity still lacks (the osteoblast refill rule)."""
    return min(team_cells * osteoid_per_cell, cavity)


def remodeling_rates(drives: BoneDrives, p, dt: float = 1.0) -> RemodelingRates:
    """The kernels' rates for today's ``drives``, parameter set ``p`` and step ``dt`` (days)
    (:func:`.bone_rates.remodeling_rate_values`)."""
    return RemodelingRates(*remodeling_rate_values(drives.activation_factor, drives.osteoclast_apoptosis_factor,
                                                   drives.osteoblast_apoptosis_factor, p, dt))


cells_day_kernel = _cells_day_kernel  # for compiled callers (the life course's steps, .life_course)


@numba.njit(cache=True, error_model="numpy")
def _activation_kernel(mineral, osteoid, w, h, ob_alive, ob_patch, rate_per_surface_patch, stream):
    """Mark patches being refilled (``forming``: osteoid and active osteoblasts shield them
    from osteoclasts) and draw today's new osteoclasts onto the other surface patches:
    Poisson in number, uniform over surface patches. Returns (forming, their patches)."""
    forming = np.zeros(w * h, dtype=np.bool_)
    for s in range(ob_alive.size):
        if ob_alive[s]:
            forming[ob_patch[s]] = True
    surface = np.empty(w * h, dtype=np.int64)
    n_surface = 0
    for x in range(w):
        for y in range(h):
            k = x * h + y
            if not forming[k] and on_surface(mineral, osteoid, w, h, x, y):
                surface[n_surface] = k
                n_surface += 1
    where = np.empty(0, dtype=np.int64)
    rng = stream.rng
    if n_surface:
        n_new = rng.poisson(rate_per_surface_patch * n_surface)
        if n_new:
            where = surface[rng.integers(0, n_surface, size=n_new)]  # = Generator.choice
    return forming, where


@numba.njit(cache=True, error_model="numpy")
def _resorption_kernel(mineral, osteoid, cavity, deficit, w, h, forming, alive, xs, ys, patches, ages, rates_record, stream):
    """Osteoclasts resorb their patch (several on one patch share it), move to the
    neighbour with most matrix when it is used up (dying if there is none), and die by
    apoptosis; then each open cavity may recruit an osteoblast team. Resorbed mineral takes its
    share of the patch's ``deficit`` (young matrix holds less calcium).

    Returns (mineral resorbed, moved slots, dead slots, recruiting patches, their depth).
    """
    rng = stream.rng
    rates = rates_record[0]
    resorption_per_step, p_die, p_recruit, dt = (rates.resorption_per_step, rates.p_osteoclast_death,
                                                 rates.p_team_recruit, rates.dt)
    live = np.flatnonzero(alive)
    n_live = live.size
    sharing = np.zeros(w * h, dtype=np.int64)
    for s in live:
        sharing[patches[s]] += 1
    resorbed = 0.0
    for s in live:
        k = patches[s]
        count = sharing[k]
        if count == 0:
            continue  # patch already resorbed today
        sharing[k] = 0
        avail = mineral[k] + osteoid[k]
        take = min(count * resorption_per_step, avail)
        frac = take / avail if avail > 0.0 else 0.0
        mineral_taken = mineral[k] * frac
        osteoid_taken = osteoid[k] * frac
        deficit_taken = deficit[k] * frac
        resorbed += mineral_taken - deficit_taken
        deficit[k] -= deficit_taken
        mineral[k] -= mineral_taken
        osteoid[k] -= osteoid_taken
        cavity[k] += mineral_taken + osteoid_taken

    # moves: read the matrix after all resorption, before anyone moves; ties broken at random
    moved = np.empty(n_live, dtype=np.int64)
    n_moved = 0
    stranded = np.zeros(n_live, dtype=np.bool_)
    for i in range(n_live):
        s = live[i]
        k = patches[s]
        if mineral[k] + osteoid[k] >= EMPTY_PATCH:
            continue
        best, best_x, best_y = -np.inf, -1, -1
        for j in range(8):
            nx, ny = xs[s] + OFFSETS_X[j], ys[s] + OFFSETS_Y[j]
            value = -1.0
            if 0 <= nx < w and 0 <= ny < h:
                nk = nx * h + ny
                if not forming[nk]:
                    value = mineral[nk] + osteoid[nk]
            value += rng.random() * 1e-6
            if value > best:
                best, best_x, best_y = value, nx, ny
        if best > 1e-6:
            xs[s], ys[s], patches[s] = best_x, best_y, best_x * h + best_y
            moved[n_moved] = s
            n_moved += 1
        else:
            stranded[i] = True  # no bone left nearby: the osteoclast dies

    dead = np.empty(n_live, dtype=np.int64)
    n_dead = 0
    for i in range(n_live):
        s = live[i]
        dies = rng.random() < p_die
        ages[s] += dt
        if dies or stranded[i]:
            dead[n_dead] = s
            n_dead += 1
        else:
            forming[patches[s]] = True  # still being resorbed: no team yet

    # coupling: after reversal an open cavity recruits a team; slivers too small for a
    # team are sealed by lining cells laying osteoid
    recruit_at = np.empty(w * h, dtype=np.int64)
    recruit_depth = np.empty(w * h)
    n_recruit = 0
    for k in range(w * h):
        depth = cavity[k]
        if depth > 0.0 and not forming[k]:
            if depth <= SLIVER_CAVITY:
                osteoid[k] += depth
                cavity[k] = 0.0
            elif rng.random() < p_recruit:
                recruit_at[n_recruit] = k
                recruit_depth[n_recruit] = depth
                n_recruit += 1
    return (resorbed, moved[:n_moved].copy(), dead[:n_dead].copy(),
            recruit_at[:n_recruit].copy(), recruit_depth[:n_recruit].copy())


@numba.njit(cache=True, error_model="numpy")
def _formation_kernel(osteoid, cavity, alive, patches, team_cells, ages, rates_record):
    """Each team (one per cavity) lays osteoid and loses cells; a team whose cavity is full
    or that shrank below the minimum ends. A team that gave up leaves its cavity unfilled
    for good: the remodeling deficit. Returns the slots of ended teams."""
    rates = rates_record[0]
    dead = np.empty(alive.size, dtype=np.int64)
    n_dead = 0
    for s in range(alive.size):
        if not alive[s]:
            continue
        k = patches[s]
        lay = osteoid_laid(team_cells[s], rates.osteoid_per_cell, cavity[k])
        cavity[k] -= lay
        osteoid[k] += lay
        team_cells[s] *= rates.osteoblast_survival
        ages[s] += rates.dt
        if cavity[k] <= EMPTY_PATCH or team_cells[s] < rates.team_minimum_cells:
            dead[n_dead] = s
            n_dead += 1
            cavity[k] = 0.0
    return dead[:n_dead].copy()


def osteoblast_refill_margin(drives: BoneDrives, p) -> float:
    """Osteoid a team can lay over its life per unit of cavity it was recruited for
    (:func:`.bone_rates.refill_margin`): below 1 a remodeling cycle ends with a deficit."""
    return refill_margin(drives.osteoblast_apoptosis_factor, p)


@numba.njit(cache=True, error_model="numpy")
def bone_tallies(mineral, osteoid, cavity, deficit):
    """One pass over the section for the daily readouts: sums of mineral content (mineralised
    matrix less its ``deficit``), osteoid, cavity and deficit (patch volumes)."""
    mineral_sum = osteoid_sum = cavity_sum = deficit_sum = 0.0
    for m, o, c, d in zip(mineral.ravel(), osteoid.ravel(), cavity.ravel(), deficit.ravel()):
        mineral_sum += m - d
        osteoid_sum += o
        cavity_sum += c
        deficit_sum += d
    return mineral_sum, osteoid_sum, cavity_sum, deficit_sum
