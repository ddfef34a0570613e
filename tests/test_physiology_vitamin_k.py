"""Pure functions of the vitamin K chain (plasma kinetics, the tissue vitamin K cycle,
VKOR inhibition, tissue lag) and of carboxylation, checked against independent numerical
solutions of the equations their docstrings state."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from calcium_abm.physiology import parameter_set
from calcium_abm.physiology import carboxylation, vitamin_k
from calcium_abm.physiology.carboxylation import advance_dp_ucmgp, carboxylated_fraction
from calcium_abm.physiology.vitamin_k import (
    FORMS,
    MOLAR_MASS_G_PER_MOL,
    advance_plasma,
    kh2_per_supply,
    reduced_vitamin_k,
    tissue_lag_day,
    vkor_activity,
)

P = parameter_set()


def with_params(**changes):
    return P._replace(**changes)


# ----------------------------------------------------------------------------- plasma kinetics
def one_compartment_by_ode(amount_start: float, dose: float, half_life_days: float) -> tuple[float, float]:
    """Fine-step numerical solution of dA/dt = -k A after a bolus at t = 0, with the
    AUC carried as a second state: (amount after the day, AUC over the day)."""
    k = math.log(2) / half_life_days
    sol = solve_ivp(lambda t, y: [-k * y[0], y[0]], (0.0, 1.0), [amount_start + dose, 0.0],
                    method="LSODA", rtol=1e-11, atol=1e-14, max_step=1e-3)
    return float(sol.y[0, -1]), float(sol.y[1, -1])


@pytest.mark.parametrize("time_scale", [1.0, 3.9])
def test_advance_plasma_matches_a_numerical_integration(time_scale):
    start = {"k1": 0.7, "mk4": 0.1, "mk7": 40.0}
    intake = {"k1": 120.0, "mk4": 30.0, "mk7": 180.0}
    warfarin_start, warfarin_dose = 3.0, 5.0
    amounts, warfarin, plasma = advance_plasma(start, warfarin_start, intake, warfarin_dose, P, time_scale)
    for form in FORMS:
        half_life_days = getattr(P, f"{form}_half_life_h") / 24.0 / time_scale  # in simulated days
        dose_nmol = (intake[form] * time_scale * getattr(P, f"{form}_absorbed_fraction")
                     / MOLAR_MASS_G_PER_MOL[form] * 1000.0)
        end, auc = one_compartment_by_ode(start[form], dose_nmol, half_life_days)
        assert amounts[form] == pytest.approx(end, rel=1e-7, abs=1e-12)
        assert plasma.mean_nmol_per_l[form] == pytest.approx(
            auc / getattr(P, f"{form}_distribution_volume_l"), rel=1e-7)
    end, auc = one_compartment_by_ode(warfarin_start, warfarin_dose * time_scale,
                                      P.warfarin_half_life_h / 24.0 / time_scale)
    assert warfarin == pytest.approx(end, rel=1e-7)
    assert plasma.warfarin_mean_mg_per_l == pytest.approx(auc / P.warfarin_distribution_volume_l, rel=1e-7)


def test_advance_plasma_is_linear_and_empty_stays_empty():
    start, intake = {"k1": 1.0, "mk4": 2.0, "mk7": 3.0}, {"k1": 10.0, "mk4": 20.0, "mk7": 30.0}
    a1, w1, p1 = advance_plasma(start, 1.0, intake, 2.0, P)
    a2, w2, p2 = advance_plasma({k: 2 * v for k, v in start.items()}, 2.0, {k: 2 * v for k, v in intake.items()},
                                4.0, P)
    for form in FORMS:
        assert a2[form] == pytest.approx(2 * a1[form], rel=1e-14)
        assert p2.mean_nmol_per_l[form] == pytest.approx(2 * p1.mean_nmol_per_l[form], rel=1e-14)
    assert w2 == pytest.approx(2 * w1, rel=1e-14)
    zero = dict.fromkeys(FORMS, 0.0)
    amounts, warfarin, plasma = advance_plasma(zero, 0.0, zero, 0.0, P)
    assert all(v == 0.0 for v in amounts.values()) and warfarin == 0.0
    assert all(v == 0.0 for v in plasma.mean_nmol_per_l.values()) and plasma.warfarin_mean_mg_per_l == 0.0


def test_mk7_accumulates_far_more_than_k1_at_equal_intake():
    """Long half-life (days) against hours: steady plasma MK-7 exceeds K1."""
    amounts, intake = dict.fromkeys(FORMS, 0.0), dict.fromkeys(FORMS, 100.0)
    for _ in range(60):
        amounts, _, plasma = advance_plasma(amounts, 0.0, intake, 0.0, P)
    assert plasma.mean_nmol_per_l["mk7"] > plasma.mean_nmol_per_l["k1"]


# ----------------------------------------------------------------------------- tissue vitamin K cycle
def cycle_steady_state_by_ode(supply: float, vkor: float, alternative_per_h: float, p) -> float:
    """KH2 at the steady state of the 3-state linear cycle (per hour), by integrating
    the ODE from an empty tissue until it stops changing."""
    e, g = p.tissue_vitamin_k_loss_per_h, p.ggcx_epoxidation_per_h
    a = p.vkor_quinone_reduction_per_h * vkor + alternative_per_h
    b = p.vkor_epoxide_reduction_per_h * vkor

    def rhs(_t, y):
        k, kh2, ko = y
        return [supply + b * ko - (a + e) * k, a * k - (g + e) * kh2, g * kh2 - (b + e) * ko]

    horizon = 40.0 / e  # forty of the slowest time constants
    sol = solve_ivp(rhs, (0.0, horizon), [0.0, 0.0, 0.0], method="Radau", rtol=1e-10, atol=1e-13)
    kh2_end = sol.y[1, -1]
    assert abs(rhs(0, sol.y[:, -1])[1]) <= 1e-9 * max(kh2_end, 1e-12) * (g + e)  # really steady
    return float(kh2_end)


@pytest.mark.parametrize("vkor, alternative", [(1.0, 1e-4), (1.0, 0.005), (0.3, 0.005), (0.02, 0.0), (0.0, 0.005)])
def test_reduced_vitamin_k_is_the_steady_state_of_the_cycle(vkor, alternative):
    supply = 2.5
    expected = cycle_steady_state_by_ode(supply, vkor, alternative, P)
    assert reduced_vitamin_k(supply, vkor, alternative, P) == pytest.approx(expected, rel=1e-6)
    assert kh2_per_supply(vkor, alternative, P) == pytest.approx(expected / supply, rel=1e-6)


def test_no_reductase_means_no_kh2():
    assert reduced_vitamin_k(3.0, 0.0, 0.0, P) == 0.0
    assert np.array_equal(reduced_vitamin_k(np.array([1.0, 2.0]), 0.0, 0.0, P), np.zeros(2))


def test_reduced_vitamin_k_is_linear_in_supply_and_rises_with_vkor():
    supply = np.array([0.0, 0.5, 1.0, 4.0])
    kh2 = reduced_vitamin_k(supply, 1.0, 1e-4, P)
    assert np.allclose(kh2, supply * kh2[2], rtol=1e-14)
    by_vkor = [reduced_vitamin_k(1.0, v, 1e-4, P) for v in (0.0, 0.1, 0.5, 1.0)]
    assert all(a < b for a, b in zip(by_vkor, by_vkor[1:]))


def test_vkor_activity_limits_and_shape():
    assert vkor_activity(0.0, P) == 1.0
    assert vkor_activity(-1.0, P) == 1.0  # no negative concentrations
    assert vkor_activity(1e12, P) == pytest.approx(1.0 - P.warfarin_imax, abs=1e-9)
    partial = with_params(warfarin_imax=0.6)
    assert vkor_activity(1e12, partial) == pytest.approx(0.4, abs=1e-9)
    assert vkor_activity(P.warfarin_ec50_mg_per_l, P) == pytest.approx(1.0 - P.warfarin_imax / 2)
    levels = [vkor_activity(c, P) for c in (0.0, 0.01, 0.1, 1.0, 10.0)]
    assert all(a > b for a, b in zip(levels, levels[1:]))


def test_vessel_wall_vkor_is_more_warfarin_sensitive_than_the_liver_and_bone():
    """The media lacks the reductase that cooperates with VKORC1 in the liver (design note section
    14): at any warfarin concentration its VKOR keeps less activity than the liver's and the
    osteoblasts' (Price & Kaneda 1987: bone carboxylation halves near, not far below, the
    anticoagulant dose), and none is lost without warfarin."""
    ec50 = P.extrahepatic_warfarin_ec50_mg_per_l
    assert ec50 < P.warfarin_ec50_mg_per_l and ec50 < P.bone_warfarin_ec50_mg_per_l
    assert vkor_activity(0.0, P, ec50) == 1.0
    assert vkor_activity(ec50, P, ec50) == pytest.approx(1.0 - P.warfarin_imax / 2)
    for c in (0.01, 0.1, 0.3, 1.0):
        assert vkor_activity(c, P, ec50) < vkor_activity(c, P)
        assert vkor_activity(c, P, ec50) < vkor_activity(c, P, P.bone_warfarin_ec50_mg_per_l)


def _steady_day(p, warfarin_mg_per_day: float):
    """The day after long steady dosing on the usual diet (tissues at the steady state of plasma)."""
    intake = {"k1": 100.0, "mk4": 15.0, "mk7": 5.0}
    amounts, warfarin = vitamin_k.steady_plasma_amounts(intake, warfarin_mg_per_day, p)
    return carboxylation.carboxylation_day(amounts, warfarin, intake, warfarin_mg_per_day, np.ones((1, 4)), None,
                                           False, p)


def test_each_extrahepatic_tissue_uses_its_own_warfarin_sensitivity():
    """On warfarin 5 mg/day the media's MGP follows extrahepatic_warfarin_ec50_mg_per_l only and bone's
    osteocalcin bone_warfarin_ec50_mg_per_l only; the liver's factors follow neither."""
    base = _steady_day(P, 5.0)
    vessel_as_liver = _steady_day(with_params(extrahepatic_warfarin_ec50_mg_per_l=P.warfarin_ec50_mg_per_l), 5.0)
    bone_as_vessel = _steady_day(with_params(bone_warfarin_ec50_mg_per_l=P.extrahepatic_warfarin_ec50_mg_per_l), 5.0)
    for other in (vessel_as_liver, bone_as_vessel):
        assert other.hepatic_carboxylation_fraction == base.hepatic_carboxylation_fraction
        assert other.vkor_activity_fraction == base.vkor_activity_fraction
    assert np.all(base.mgp_carboxylated_by_depth < vessel_as_liver.mgp_carboxylated_by_depth)
    assert vessel_as_liver.osteocalcin_carboxylated_fraction == base.osteocalcin_carboxylated_fraction
    assert bone_as_vessel.osteocalcin_carboxylated_fraction < base.osteocalcin_carboxylated_fraction
    assert np.array_equal(bone_as_vessel.mgp_carboxylated_by_depth, base.mgp_carboxylated_by_depth)


def test_bone_carboxylation_halves_at_three_fifths_of_the_dose_that_doubles_clotting_times():
    """Price & Kaneda 1987 (rats): the warfarin dose that halves bone Gla protein carboxylation is 0.6
    of the dose that doubles coagulation times. In the model the dose giving INR 2 (activity 25 %) is
    found by bisection on the liver's rules; at 0.6 of it new osteocalcin is about half as often
    fully carboxylated as without warfarin, while the media's MGP has lost nearly all of it."""
    from calcium_abm.physiology import coagulation

    def inr(dose):
        day = _steady_day(P, dose)
        return coagulation.steady_state_inr(coagulation.hepatic_factor_carboxylation(day.hepatic_kh2_relative, P), P)

    low, high = 0.1, 50.0
    assert inr(low) < 2.0 < inr(high)
    for _ in range(60):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if inr(mid) < 2.0 else (low, mid)
    half_dose = 0.6 * low
    without, at_half = _steady_day(P, 0.0), _steady_day(P, half_dose)
    ratio = at_half.osteocalcin_carboxylated_fraction / without.osteocalcin_carboxylated_fraction
    assert 0.4 < ratio < 0.6
    assert np.all(at_half.mgp_carboxylated_by_depth < 0.1 * without.mgp_carboxylated_by_depth)


def test_tissue_lag_converges_without_overshoot():
    level, target = 0.0, 3.0
    previous = level
    for _ in range(3000):
        level = tissue_lag_day(level, target, P)
        assert previous <= level <= target
        previous = level
    assert level == pytest.approx(target, rel=1e-9)
    # falling as well as rising
    assert tissue_lag_day(5.0, 1.0, P) < 5.0 and tissue_lag_day(5.0, 1.0, P) > 1.0


def test_tissue_lag_is_exact_over_any_step():
    """Relaxation is integrated exactly: two days equal one step of two days."""
    two_steps = tissue_lag_day(tissue_lag_day(0.5, 2.0, P), 2.0, P)
    assert two_steps == pytest.approx(tissue_lag_day(0.5, 2.0, P, time_scale=2.0), rel=1e-14)
    # and its time constant is 1 / loss rate
    tau_days = 1.0 / (P.tissue_vitamin_k_loss_per_h * 24.0)
    assert tissue_lag_day(0.0, 1.0, P, time_scale=tau_days) == pytest.approx(1.0 - math.exp(-1.0), rel=1e-12)


# ----------------------------------------------------------------------------- carboxylation
@pytest.mark.parametrize("n", [1, 3, 5, 10])
def test_carboxylated_fraction_is_q_to_the_n(n):
    kh2 = np.array([0.0, 0.01, 0.3, 1.0, 3.3, 20.0, 1e4])
    half = 3.3
    q = kh2 / (kh2 + half)
    assert np.allclose(carboxylated_fraction(kh2, half, n), q ** n, rtol=1e-13, atol=0)
    for value in kh2:  # scalars too
        assert carboxylated_fraction(float(value), half, n) == pytest.approx((value / (value + half)) ** n, rel=1e-13)


def test_carboxylated_fraction_is_monotone():
    kh2 = np.linspace(0.0, 50.0, 200)
    for n in carboxylation.GLA_RESIDUES.values():
        f = carboxylated_fraction(kh2, 2.0, n)
        assert f[0] == 0.0 and np.all(np.diff(f) > 0) and np.all(f < 1.0)
    # more Gla residues need more vitamin K; a higher half-saturation too
    assert carboxylated_fraction(1.0, 2.0, 10) < carboxylated_fraction(1.0, 2.0, 5) < carboxylated_fraction(1.0, 2.0, 3)
    assert carboxylated_fraction(1.0, 3.0, 5) < carboxylated_fraction(1.0, 2.0, 5)


def test_the_liver_carboxylates_more_completely_than_the_vessel_wall_by_mechanism():
    """Triage without a liver-only threshold: at the same plasma supply and VKOR activity the liver's
    flux-limited carboxylation (reserve, menaquinone store, FSP1-like reductase) is more complete than
    the vessel wall's MGP carboxylation, with and without warfarin."""
    from calcium_abm.physiology import coagulation
    assert "liver_ggcx_half_saturation_nmol_per_l" not in P._fields
    for vkor in (1.0, 0.3):
        supply = 1.0
        liver = coagulation.flux_limited_carboxylated_fraction(
            carboxylation.hepatic_kh2_relative(supply, vkor, P), P.hepatic_carboxylation_reserve, P)
        vessel_kh2 = supply * vitamin_k.kh2_per_supply(vkor, P.extrahepatic_alternative_reductase_per_h, P)
        vessel = carboxylated_fraction(vessel_kh2, P.vessel_ggcx_half_saturation_nmol_per_l, carboxylation.GLA_RESIDUES["mgp"])
        assert liver > vessel


def test_mean_carboxylated_fraction_weights_and_empty_tissue():
    kh2, weights = np.array([0.0, 10.0]), np.array([1.0, 3.0])
    expected = 0.75 * carboxylated_fraction(10.0, 2.0, 5)
    assert carboxylation.mean_carboxylated_fraction(kh2, weights, 2.0, 5) == pytest.approx(expected, rel=1e-14)
    assert math.isnan(carboxylation.mean_carboxylated_fraction(kh2, np.zeros(2), 2.0, 5))


def test_dp_ucmgp_update_is_exact_and_rises_as_kidneys_fail():
    one_day = advance_dp_ucmgp(100.0, 0.5, 1.0, P, dt=1.0)
    two_halves = advance_dp_ucmgp(advance_dp_ucmgp(100.0, 0.5, 1.0, P, dt=0.5), 0.5, 1.0, P, dt=0.5)
    assert one_day == pytest.approx(two_halves, rel=1e-13)
    steady = advance_dp_ucmgp(0.0, 0.5, 1.0, P, dt=1e6)
    assert advance_dp_ucmgp(steady, 0.5, 1.0, P) == pytest.approx(steady, rel=1e-13)
    assert advance_dp_ucmgp(0.0, 0.5, 0.1, P, dt=1e6) > steady  # less renal clearance
    assert advance_dp_ucmgp(0.0, 0.8, 1.0, P, dt=1e6) > steady  # more ucMGP made
    assert advance_dp_ucmgp(0.0, 0.0, 1.0, P, dt=1e6) == 0.0


def test_tissue_supply_serves_the_liver_every_form():
    plasma = vitamin_k.PlasmaDay({"k1": 1.0, "mk4": 2.0, "mk7": 4.0}, 0.0)
    assert vitamin_k.tissue_supply_nmol_per_l(plasma, 1.0, 1.0) == 7.0
    assert vitamin_k.tissue_supply_nmol_per_l(plasma, 0.5, 0.25) == 0.5 + 2.0 + 1.0
