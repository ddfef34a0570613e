"""Osteopontin covers a medial deposit's growth surface over physiological time
(wall_laws.deposit_coat_after_day): slow (human) deposits stop small, fast (rodent) ones fill
first (row V2; design note vessel_wall.md section 1)."""

import math

import numpy as np
import pytest

from calcium_abm.physiology import calcification, parameter_set, species
from calcium_abm.physiology.wall_laws import deposit_coat_after_day, deposit_growth_demand

P = parameter_set()
W, H = 8, 8
#: no MGP, nucleation, apoptosis or switching: the deposits already there only grow
QUIET = P._replace(matrix_vesicle_nucleation_per_day=0.0, vsmc_apoptosis_per_day=0.0, vsmc_switch_per_day=0.0,
                   vsmc_switch_back_per_day=0.0)


def test_the_coat_rises_exponentially_towards_full_cover_and_stops_growth():
    k = 0.01
    coat = 0.0
    for _ in range(100):
        coat = deposit_coat_after_day(coat, math.exp(-k))
    assert coat == pytest.approx(1.0 - math.exp(-k * 100), rel=1e-12)
    assert deposit_coat_after_day(1.0, math.exp(-k)) == 1.0
    assert deposit_coat_after_day(0.0, 1.0) == 0.0  # k = 0: never covered
    root = 0.2 ** (1 / 3)
    assert deposit_growth_demand(root, 0.25, True, 0.3, 0.1) == pytest.approx(
        0.75 * deposit_growth_demand(root, 0.0, True, 0.3, 0.1))
    assert deposit_growth_demand(root, 1.0, True, 0.3, 0.1) == 0.0


def _grow(kind: str, p, days: int, mineral: float = 1e-3) -> calcification.VesselWall:
    wall = calcification.VesselWall(
        osteochondrogenic=np.ones((W, H), dtype=bool), cmgp=np.zeros((W, H)), ucmgp=np.zeros((W, H)),
        mineral=np.full((W, H), mineral), vitamin_k_delivery=np.ones((1, H)),
        generation=np.zeros((W, H), dtype=np.int32), mineral_mg_per_unit=0.1, species=kind)
    wall.species_phosphate_relative, wall.species_capxp_relative = species.vessel_chemistry(kind, p)
    dt = species.time_scale(kind, p)
    rng = np.random.default_rng(3)
    for _ in range(days):
        calcification.vessel_day(wall, np.zeros(H), 0.0, 1.0, 1.0, p, rng, 1e9, dt)
    return wall


def test_a_human_deposit_without_mgp_stops_at_the_size_its_drive_reaches_before_it_is_covered():
    """d m^(1/3)/dt = (g_eff / 3) exp(-k t), so m^(1/3) rises by g_eff / (3 k) at most; without
    osteopontin (k = 0) it rises by g_eff t / 3 without end."""
    days = 15 * 365
    g_eff = (P.mineral_growth_per_day * (1 + P.contractile_growth_fraction)
             * (1 - P.systemic_calcification_inhibition))  # human reference Ca x P, no MGP
    covered = _grow("human", QUIET, days)
    k = P.deposit_passivation_per_day
    expected_root = 1e-3 ** (1 / 3) + g_eff / (3 * k) * (1 - math.exp(-k * days))
    np.testing.assert_allclose(np.cbrt(covered.mineral), expected_root, rtol=2e-3)
    bare_days = 8 * 365  # before the bare deposits fill their patches
    bare = _grow("human", QUIET._replace(deposit_passivation_per_day=0.0), bare_days)
    np.testing.assert_allclose(np.cbrt(bare.mineral), 1e-3 ** (1 / 3) + g_eff * bare_days / 3, rtol=2e-3)
    assert covered.mineral.mean() < 0.1 * bare.mineral.mean()


def test_a_rodent_deposit_grows_almost_as_if_uncovered_over_the_weeks_of_rows_1_and_2():
    covered = _grow("mouse", QUIET, 21, mineral=1e-6)
    bare = _grow("mouse", QUIET._replace(deposit_passivation_per_day=0.0), 21, mineral=1e-6)
    assert bare.mineral.mean() > 0.01  # detectable within 3 weeks
    assert covered.mineral.mean() >= 0.85 * bare.mineral.mean()
