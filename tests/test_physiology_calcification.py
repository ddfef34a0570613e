"""The vessel-wall (media) rules on their own: mineral stays a volume fraction, MGP stays
non-negative and follows its synthesis, the calcium booked equals the mineral change,
and the directions of the MGP, phosphate and regression mechanisms."""

from __future__ import annotations


import numpy as np
import pytest

from calcium_abm.physiology import parameter_set
from calcium_abm.physiology import calcification
from calcium_abm.physiology.calcification import VesselWall, mgp_inhibition, mgp_synthesis_per_step, vessel_day

P = parameter_set()
W, H = 24, 12


def with_params(**changes):
    return P._replace(**changes)


def new_wall(mgp: float = 1.0, carboxylated: float = 0.5, mineral: float = 0.0, mg_per_unit: float = 0.1,
             osteo_share: float = 0.0, seed: int = 0) -> VesselWall:
    rng = np.random.default_rng(seed)
    return VesselWall(
        osteochondrogenic=rng.random((W, H)) < osteo_share,
        cmgp=np.full((W, H), mgp * carboxylated), ucmgp=np.full((W, H), mgp * (1.0 - carboxylated)),
        mineral=np.full((W, H), mineral), vitamin_k_delivery=calcification.vitamin_k_delivery_profile(1, H, 0.35),
        generation=np.zeros((W, H), dtype=np.int32), mineral_mg_per_unit=mg_per_unit)


def run(wall: VesselWall, days: int, *, carboxylated=0.5, synthesis: float | None = None, phosphate_rel=1.0,
        capxp_rel=1.0, p=P, supply_mg=1e9, dt=1.0, seed=1, check=True) -> list:
    """Step the wall, checking every day's invariants; returns the daily results."""
    rng = np.random.default_rng(seed)
    synthesis = mgp_synthesis_per_step(p, dt) if synthesis is None else synthesis
    carboxylated = np.broadcast_to(np.asarray(carboxylated, dtype=float), (1, H))
    results = []
    for _ in range(days):
        mineral_before = wall.mineral.copy()
        n_osteo_before = int(wall.osteochondrogenic.sum())
        generations_before = int(wall.generation.sum())
        day = vessel_day(wall, carboxylated, synthesis, phosphate_rel, capxp_rel, p, rng, supply_mg, dt)
        if check:
            assert wall.mineral.min() >= 0.0 and wall.mineral.max() <= 1.0 + 1e-12
            assert wall.cmgp.min() >= 0.0 and wall.ucmgp.min() >= -1e-15
            net_mg = float((wall.mineral - mineral_before).sum()) * wall.mineral_mg_per_unit
            assert day.deposited_mg - day.regressed_mg == pytest.approx(net_mg, rel=1e-9, abs=1e-12)
            assert 0.0 <= day.deposited_mg <= supply_mg * (1 + 1e-12)
            assert day.regressed_mg >= 0.0
            # phenotype bookkeeping: dead cells are replaced by contractile daughters
            n_osteo = int(wall.osteochondrogenic.sum())
            upper = n_osteo_before + day.switched_on - day.switched_off
            assert upper - day.apoptoses <= n_osteo <= upper
            assert int(wall.generation.sum()) == generations_before + day.apoptoses
        results.append(day)
    return results


# ----------------------------------------------------------------------------- invariants
@pytest.mark.parametrize("case", [
    dict(),
    dict(capxp_rel=4.0, phosphate_rel=3.0, synthesis=0.0),
    dict(capxp_rel=10.0, p=with_params(mineral_growth_per_day=10.0, matrix_vesicle_nucleation_per_day=1.0,
                                       systemic_calcification_inhibition=0.0), synthesis=0.0),
    dict(dt=7.3, capxp_rel=2.0, synthesis=0.0),
    dict(supply_mg=0.05, capxp_rel=5.0, synthesis=0.0),
], ids=["healthy", "ckd_knockout", "extreme_growth", "mouse_step", "supply_limited"])
def test_vessel_day_keeps_mineral_a_fraction_and_mgp_non_negative(case):
    wall = new_wall(mineral=0.02, osteo_share=0.2)
    results = run(wall, 150, **case)
    if case.get("synthesis") == 0.0:
        assert wall.mineral.mean() > 0.02  # the stressful cases do calcify
    if "supply_mg" in case:
        assert max(d.deposited_mg for d in results) == pytest.approx(case["supply_mg"], rel=1e-9)


def test_zero_mgp_synthesis_drives_mgp_to_zero():
    wall = new_wall(mgp=1.0)
    run(wall, 300, synthesis=0.0)
    assert wall.cmgp.max() < 1e-9 and wall.ucmgp.max() < 1e-9


def test_healthy_synthesis_reaches_one_unit_split_by_carboxylation():
    """A contractile cell's steady-state MGP is one unit, carboxylated in proportion."""
    p = with_params(vsmc_switch_per_day=0.0, vsmc_apoptosis_per_day=0.0)
    f = np.linspace(0.1, 0.9, H)
    wall = new_wall(mgp=0.0)
    run(wall, 400, carboxylated=f, p=p)
    assert np.allclose(wall.cmgp, f[None, :], rtol=1e-9)
    assert np.allclose(wall.ucmgp, 1.0 - f[None, :], rtol=1e-9)
    assert mgp_synthesis_per_step(P) / (1.0 - np.exp(-P.mgp_turnover_per_day)) == pytest.approx(1.0)


def test_reported_mgp_made_matches_the_synthesis():
    p = with_params(vsmc_switch_per_day=0.0, vsmc_switch_back_per_day=0.0, vsmc_apoptosis_per_day=0.0)
    wall = new_wall(osteo_share=0.25, seed=4)
    n_osteo = int(wall.osteochondrogenic.sum())
    s = mgp_synthesis_per_step(p)
    day = run(wall, 1, carboxylated=0.3, p=p)[0]
    expected = s * (W * H - n_osteo + n_osteo * p.osteochondrogenic_mgp_synthesis_factor)
    assert day.mgp_made == pytest.approx(expected, rel=1e-12)
    assert day.ucmgp_made == pytest.approx(0.7 * expected, rel=1e-12)


# ----------------------------------------------------------------------------- directions
def test_active_mgp_protects_against_calcification():
    protected, knockout = new_wall(mgp=1.0, carboxylated=0.9), new_wall(mgp=0.0)
    run(protected, 200, carboxylated=0.9, capxp_rel=1.5)
    run(knockout, 200, synthesis=0.0, capxp_rel=1.5)
    assert knockout.mineral.sum() > 5 * protected.mineral.sum()
    assert knockout.osteochondrogenic.sum() > protected.osteochondrogenic.sum()


def test_carboxylated_mgp_protects_more_than_uncarboxylated():
    carboxylated, uncarboxylated = new_wall(carboxylated=0.95), new_wall(carboxylated=0.0)
    run(carboxylated, 200, carboxylated=0.95, capxp_rel=1.5)
    run(uncarboxylated, 200, carboxylated=0.0, capxp_rel=1.5)
    assert uncarboxylated.mineral.sum() > carboxylated.mineral.sum()


def test_phosphate_drives_the_osteochondrogenic_switch():
    normal, high = new_wall(mgp=0.2, carboxylated=0.0), new_wall(mgp=0.2, carboxylated=0.0)
    on_normal = sum(d.switched_on for d in run(normal, 60, carboxylated=0.0, phosphate_rel=1.0))
    on_high = sum(d.switched_on for d in run(high, 60, carboxylated=0.0, phosphate_rel=3.0))
    assert on_high > on_normal


def test_deposits_regress_when_inhibition_returns():
    no_growth = with_params(matrix_vesicle_nucleation_per_day=0.0, mineral_growth_per_day=0.0,
                            apoptotic_body_mineral_seed=0.0, mineral_regression_per_day=0.01)
    wall = new_wall(mgp=1.0, carboxylated=1.0, mineral=0.5)
    results = run(wall, 100, carboxylated=1.0, p=no_growth)
    assert wall.mineral.max() < 0.5 and wall.mineral.min() > 0.0  # slowly, not at once
    assert all(d.deposited_mg == 0.0 and d.regressed_mg > 0.0 for d in results)
    kept = new_wall(mgp=0.0, mineral=0.5)  # no inhibition: no regression
    run(kept, 100, synthesis=0.0, p=no_growth)
    assert np.all(kept.mineral == 0.5)


def test_mgp_inhibition_saturates():
    c = np.array([0.0, 0.001, 0.01, 0.1, 1.0, 10.0])
    inhibition = mgp_inhibition(c, np.zeros_like(c), P)
    assert inhibition[0] == 0.0 and np.all(np.diff(inhibition) > 0) and np.all(inhibition < 1.0)
    assert mgp_inhibition(np.array([0.01]), np.array([0.0]), P)[0] == pytest.approx(
        0.01 / (0.01 + P.mgp_inhibition_half_saturation))
    # uncarboxylated MGP inhibits, but less than the same amount carboxylated
    uc = mgp_inhibition(np.array([0.0]), np.array([0.1]), P)[0]
    assert 0.0 < uc < mgp_inhibition(np.array([0.1]), np.array([0.0]), P)[0]


def test_vitamin_k_delivery_profile():
    profile = calcification.vitamin_k_delivery_profile(3, 20, 0.35)
    assert profile.shape == (3, 20)
    assert np.allclose(profile.mean(axis=1), 1.0)
    assert np.all(profile == profile[0])
    row = profile[0]
    assert row[0] == row.max()  # the lumen side is best served
    assert row.argmin() not in (0, 19)  # mid-wall is worst served
    assert row[-1] > row[row.argmin()]  # the vasa vasorum help the adventitial side
