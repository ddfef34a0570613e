"""Pure functions of whole-body calcium: gut absorption, the bone-fluid equilibrium, the
PTH / phosphate / kidney loop. Conservation and equilibrium conditions are checked
directly; the rest are directions."""

from __future__ import annotations

import dataclasses
import math

import pytest

from calcium_abm.physiology import kidney, minerals, parameter_set, parathyroid
from calcium_abm.physiology import calcium
from calcium_abm.physiology.calcium import (
    GFR_ML_PER_MIN_BY_CKD_STAGE,
    blood_to_bone_fluid_mg,
    gut_day,
    kidney_and_endogenous_day,
    reference_blood_calcium_mg,
    reference_pth_pmol_l,
    serum_calcium_mmol_l,
    steady_gut_lumen_mg,
)

P = parameter_set()


def systemic_state(blood_mg: float, phosphate_mg_per_day: float, ckd_stage: int, p, phosphate_mmol_l=None):
    """The day's systemic state with the kidney-hormone loop at its steady state for the stage
    (serum phosphate from that steady state unless given)."""
    k = minerals.KidneyInputs(kidney.gfr_ml_per_min(ckd_stage), phosphate_mg_per_day)
    hormones, pi = minerals.steady_hormones(k, p)
    pi = pi if phosphate_mmol_l is None else phosphate_mmol_l
    return minerals.systemic_day(hormones, blood_mg, pi * kidney.PHOSPHORUS_MG_PER_MMOL * p.ecf_volume_l, k, p, dt=0.0)


REFERENCE = systemic_state(reference_blood_calcium_mg(P), 1200.0, 0, P)


def pth_pmol_l(serum_calcium: float, serum_phosphate: float, p) -> float:
    """PTH of a healthy gland at a serum calcium and phosphate (parathyroid.pth_secretion_pmol_l)."""
    return parathyroid.pth_secretion_pmol_l(serum_calcium * p.ionized_calcium_fraction, serum_phosphate, 1.0, 100.0, p,
                                       gland_capacity=1.0)


# ----------------------------------------------------------------------------- gut
@pytest.mark.parametrize("lumen, intake", [(0.0, 1000.0), (250.0, 300.0), (40.0, 0.0), (1e4, 5000.0)])
@pytest.mark.parametrize("dt", [1.0, 7.3])
def test_gut_day_conserves_calcium(lumen, intake, dt):
    absorbed, fecal = gut_day(lumen, intake, REFERENCE, P, dt)
    remaining = lumen + intake - absorbed - fecal
    assert absorbed >= 0 and fecal >= 0 and remaining >= 0
    assert absorbed + fecal + remaining == pytest.approx(lumen + intake, rel=1e-15)
    # absorption and transit compete in the ratio of their rates
    if fecal > 0:
        k_abs = absorbed / fecal * P.gut_transit_per_day
        assert k_abs >= P.passive_absorption_per_day


def test_gut_day_is_exact_first_order_within_the_day():
    """With rates fixed by the lumen at the start of the day, what remains decays
    exponentially: two days' decay is the square of one."""
    total = 800.0
    one = total - sum(gut_day(0.0, total, REFERENCE, P, 1.0))
    two = total - sum(gut_day(0.0, total, REFERENCE, P, 2.0))
    assert two == pytest.approx(one ** 2 / total, rel=1e-12)


def test_steady_gut_lumen_passes_on_exactly_the_intake_and_the_secretion():
    secreted = kidney_and_endogenous_day(REFERENCE, P)[1]
    assert secreted > 0
    for intake in (0.0, 300.0, 1000.0, 2500.0):
        lumen = steady_gut_lumen_mg(intake, REFERENCE, P)
        absorbed, fecal = gut_day(lumen, intake, REFERENCE, P)
        assert absorbed + fecal == pytest.approx(intake + secreted, abs=1e-6)


def test_fractional_absorption_falls_as_intake_rises():
    fractions = []
    for intake in (200.0, 500.0, 1000.0, 2000.0, 4000.0):
        absorbed, _ = gut_day(steady_gut_lumen_mg(intake, REFERENCE, P), intake, REFERENCE, P)
        fractions.append(absorbed / intake)
    assert all(a > b for a, b in zip(fractions, fractions[1:]))
    # ... while the amount absorbed still rises
    assert all(0 < f < 1 for f in fractions)


def test_calcitriol_raises_absorption():
    low = dataclasses.replace(REFERENCE, calcitriol_relative=0.3)
    high = dataclasses.replace(REFERENCE, calcitriol_relative=2.0)
    assert gut_day(0.0, 1000.0, high, P)[0] > gut_day(0.0, 1000.0, REFERENCE, P)[0] > gut_day(0.0, 1000.0, low, P)[0]


# ----------------------------------------------------------------------------- bone fluid
def equilibrium_ratio(blood_mg: float, serum_phosphate: float) -> float:
    """The fluid : blood ratio the docstring states: r0 (PTH c**k / PTH0) ** -exponent (healthy
    gland; c = the skeleton's calcitriol signal, 1 at the reference)."""
    s = state_at(serum_phosphate)
    r0 = P.exchangeable_bone_calcium_mg / reference_blood_calcium_mg(P)
    pth = s.gland_pth_scale * parathyroid.parathyroid_calcium_sigmoid_pmol_l(
        serum_calcium_mmol_l(blood_mg, P) * P.ionized_calcium_fraction, P)
    seen = pth * s.skeletal_calcitriol_relative ** P.bone_fluid_pth_calcitriol_exponent
    return r0 * (seen / reference_pth_pmol_l(P)) ** (-P.bone_fluid_pth_exponent)


def state_at(phosphate: float):
    return systemic_state(reference_blood_calcium_mg(P), 1200.0, 0, P, phosphate_mmol_l=phosphate)


@pytest.mark.parametrize("blood_factor, fluid_factor, phosphate", [
    (1.0, 1.0, 1.1), (0.8, 1.0, 1.1), (1.3, 0.7, 1.1), (1.0, 1.0, 2.5), (0.5, 3.0, 0.6), (1.05, 0.0, 1.1),
])
def test_bone_fluid_exchange_conserves_and_ends_at_equilibrium(blood_factor, fluid_factor, phosphate):
    blood = blood_factor * reference_blood_calcium_mg(P)
    fluid = fluid_factor * P.exchangeable_bone_calcium_mg
    phosphate_state = state_at(phosphate)
    moved = blood_to_bone_fluid_mg(blood, fluid, phosphate_state, P)
    new_blood, new_fluid = blood - moved, fluid + moved
    assert new_blood + new_fluid == pytest.approx(blood + fluid, rel=1e-15)
    assert new_blood > 0 and new_fluid > 0
    assert new_fluid / new_blood == pytest.approx(equilibrium_ratio(new_blood, phosphate), rel=1e-6)
    # at equilibrium nothing more moves
    assert abs(blood_to_bone_fluid_mg(new_blood, new_fluid, phosphate_state, P)) <= 1e-6 * (blood + fluid)


def test_reference_state_is_at_bone_fluid_equilibrium():
    moved = blood_to_bone_fluid_mg(reference_blood_calcium_mg(P), P.exchangeable_bone_calcium_mg, REFERENCE, P)
    assert abs(moved) <= 1e-6 * P.exchangeable_bone_calcium_mg


def test_pth_pulls_calcium_out_of_bone_fluid_unless_calcitriol_is_missing():
    """A larger gland (more PTH at the same calcium) lowers the fluid : blood ratio; without
    calcitriol the skeleton resists PTH's calcaemic action (Massry 1973)."""
    blood, fluid = reference_blood_calcium_mg(P), P.exchangeable_bone_calcium_mg
    normal = blood_to_bone_fluid_mg(blood, fluid, REFERENCE, P)
    big_gland = dataclasses.replace(REFERENCE, gland_pth_scale=2.0 * REFERENCE.gland_pth_scale)
    high_pth = blood_to_bone_fluid_mg(blood, fluid, big_gland, P)
    assert high_pth < normal
    resistant = dataclasses.replace(big_gland, skeletal_calcitriol_relative=0.2)  # the skeleton's (lagged) signal
    assert blood_to_bone_fluid_mg(blood, fluid, resistant, P) > high_pth


# ----------------------------------------------------------------------------- PTH, phosphate, kidney
def test_pth_falls_as_serum_calcium_rises_and_rises_with_phosphate():
    levels = [pth_pmol_l(ca, 1.1, P) for ca in (1.8, 2.1, 2.35, 2.6, 3.0)]
    assert all(a > b for a, b in zip(levels, levels[1:]))
    assert P.parathyroid_min_pmol_l <= levels[-1] and levels[0] <= P.parathyroid_max_pmol_l
    assert pth_pmol_l(2.35, 2.0, P) > pth_pmol_l(2.35, 1.1, P)


def test_failing_kidneys_raise_phosphate_and_pth_and_lower_calcitriol():
    blood = reference_blood_calcium_mg(P)
    states = [systemic_state(blood, 1200.0, stage, P) for stage in range(6)]
    phosphate = [s.serum_phosphate_mmol_l for s in states]
    # early stages are compensated (FEPi rises), so phosphate only stays level there
    assert all(a <= b * (1 + 1e-9) for a, b in zip(phosphate, phosphate[1:])) and phosphate[5] > phosphate[0]
    assert states[5].pth_pmol_l > states[0].pth_pmol_l
    assert states[5].calcitriol_relative < states[0].calcitriol_relative
    assert [s.gfr_ml_per_min for s in states] == [GFR_ML_PER_MIN_BY_CKD_STAGE[k] for k in range(6)]


def test_reference_state_is_reference():
    assert REFERENCE.serum_calcium_mmol_l == pytest.approx(P.reference_serum_calcium_mmol_l, rel=1e-14)
    assert REFERENCE.ionized_calcium_mmol_l == pytest.approx(
        P.reference_serum_calcium_mmol_l * P.ionized_calcium_fraction, rel=1e-14)
    assert math.isfinite(REFERENCE.calcitriol_relative) and REFERENCE.calcitriol_relative > 0


def test_urine_rises_with_serum_calcium_and_follows_the_filtrate_in_ckd():
    """Urine calcium rises with serum calcium; a kidney that has lost nephrons resists PTH, so at the
    same calcium and PTH it excretes more, and the PTH of CKD (x GFR^-q) is what brings its
    excretion per volume of filtrate back to the healthy kidney's (the source of
    ``renal_pth_resistance_gfr_exponent``: in CKD calcium excreted per filtrate equals controls' at
    a high PTH)."""
    blood = reference_blood_calcium_mg(P)
    low, high = (systemic_state(blood * f, 1200.0, 0, P) for f in (0.9, 1.1))
    assert kidney_and_endogenous_day(high, P)[0] > kidney_and_endogenous_day(low, P)[0]
    normal = systemic_state(blood, 1200.0, 0, P)
    gfr_rel = 0.25
    ckd = dataclasses.replace(normal, gfr_ml_per_min=gfr_rel * P.reference_gfr_ml_per_min)
    assert kidney_and_endogenous_day(ckd, P)[0] > kidney_and_endogenous_day(normal, P)[0]
    ckd_pth = dataclasses.replace(ckd, pth_relative=normal.pth_relative * gfr_rel ** -P.renal_pth_resistance_gfr_exponent)
    per_filtrate = kidney_and_endogenous_day(ckd_pth, P)[0] / gfr_rel
    assert per_filtrate == pytest.approx(kidney_and_endogenous_day(normal, P)[0], rel=1e-12)
    without_resistance = P._replace(renal_pth_resistance_gfr_exponent=0.0)
    assert kidney_and_endogenous_day(ckd_pth, without_resistance)[0] < 0.1 * gfr_rel * kidney_and_endogenous_day(
        normal, without_resistance)[0]
    urine, endogenous = kidney_and_endogenous_day(normal, P, dt=2.0)
    assert (urine, endogenous) == pytest.approx(tuple(2 * x for x in kidney_and_endogenous_day(normal, P)))


def test_urine_never_exceeds_the_filtered_calcium():
    """The tubule reabsorbs calcium and does not secrete it: at a residual GFR of 1 mL/min the law
    alone (fewer nephrons resisting the high PTH less) would excrete more than the filtrate holds,
    so urine is the filtered load there; at a healthy GFR the bound is far away (fractional
    excretion ~1-2 %) and the law's value stands."""
    normal = systemic_state(reference_blood_calcium_mg(P), 1200.0, 0, P)
    filtered = calcium.filtered_calcium_mg(normal, P)
    assert filtered == pytest.approx(100.0 * 1.44 * normal.serum_calcium_mmol_l * P.ultrafiltrable_calcium_fraction
                                     * calcium.CALCIUM_MG_PER_MMOL)
    assert 0.005 < kidney_and_endogenous_day(normal, P)[0] / filtered < 0.03
    anuric = dataclasses.replace(normal, gfr_ml_per_min=1.0, serum_calcium_mmol_l=2.5)
    wider = P._replace(ultrafiltrable_calcium_fraction=1.0)
    assert kidney_and_endogenous_day(anuric, P)[0] == calcium.filtered_calcium_mg(anuric, P)
    assert kidney_and_endogenous_day(anuric, P)[0] < kidney_and_endogenous_day(anuric, wider)[0]


def test_serum_calcium_and_blood_mass_are_consistent():
    assert serum_calcium_mmol_l(reference_blood_calcium_mg(P), P) == pytest.approx(P.reference_serum_calcium_mmol_l)
    assert calcium.CALCIUM_MG_PER_MMOL == pytest.approx(40.08)
