"""Dietary calcium binds phosphate in the gut (Heaney & Nordin 2002): the law, its use in the
absorption of phosphorus, and what it does to a person on a calcium supplement."""

from __future__ import annotations

import math

import pytest

from calcium_abm import simulate
from calcium_abm.physiology import dialysis, kidney, parameter_set

SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


def test_the_binding_acts_only_beyond_the_reference_diet():
    p = parameter_set()
    beta, reference = p.dietary_calcium_phosphate_binding_mg_per_mg, p.reference_calcium_intake_mg_per_day
    assert dialysis.dietary_calcium_phosphate_binding_mg(reference, p) == 0.0
    assert dialysis.dietary_calcium_phosphate_binding_mg(reference + 1000.0, p) == pytest.approx(1000.0 * beta)
    assert dialysis.dietary_calcium_phosphate_binding_mg(reference - 500.0, p) == pytest.approx(-500.0 * beta)
    with pytest.raises(ValueError, match=r"diet calcium_mg_per_day = nan is not allowed"):
        dialysis.dietary_calcium_phosphate_binding_mg(math.nan, p)


def test_absorption_is_smooth_through_the_reference_and_bounded_on_both_sides():
    """Bound phosphorus never exceeds the absorbable part, freed phosphorus never the unabsorbed
    part; near the reference each mg bound or freed moves absorption by ~1 mg."""
    p = parameter_set()
    intake = 1200.0
    at_reference = kidney.phosphate_absorbed_mg(intake, 1.0, 0.0, p)
    for small in (1e-3, -1e-3):
        slope = (kidney.phosphate_absorbed_mg(intake, 1.0, small, p) - at_reference) / small
        assert slope == pytest.approx(-1.0, rel=1e-3)
    assert 0.0 <= kidney.phosphate_absorbed_mg(intake, 1.0, 1e6, p) < 1e-6 < at_reference
    freed = kidney.phosphate_absorbed_mg(intake, 1.0, -1e6, p)
    assert at_reference < freed <= intake and freed == pytest.approx(intake)
    assert kidney.phosphate_absorbed_mg(0.0, 1.0, -100.0, p) == 0.0


def _first_week(frame, column: str) -> float:
    return float(frame[column].iloc[:7].mean())


def test_a_calcium_supplement_lowers_urine_phosphorus_by_what_it_binds():
    """A run starts at the mineral steady state of its inputs, where urine phosphorus equals
    absorbed phosphorus: 1,000 mg/day more calcium lowers it by ~beta x 1,000 mg/day more than the
    same supplement with the binding switched off (beta = 0), and serum phosphate sits lower. (The
    first week, before the stochastic skeleton moves phosphate: the difference is the same in every
    seed; over a year at this grid one seed's bone noise can swamp it.)"""
    p = parameter_set()
    beta = p.dietary_calcium_phosphate_binding_mg_per_mg
    expected = 1000.0 * beta

    def run(calcium: float, binding: float):
        return simulate("healthy_adult", years=14 / 365, seed=1, overrides={
            **SMALL, "diet.calcium_mg_per_day": calcium,
            "parameters.dietary_calcium_phosphate_binding_mg_per_mg": binding})

    # on the reference diet (1,000 mg/day) nothing is bound whatever beta, so a run refuses it there
    usual = _first_week(simulate("healthy_adult", years=14 / 365, seed=1, overrides={
        **SMALL, "diet.calcium_mg_per_day": 1000.0}), "urine_phosphate_mg_per_day")

    def urine_fall(binding: float) -> float:
        return usual - _first_week(run(2000.0, binding), "urine_phosphate_mg_per_day")

    assert 0.6 * expected < urine_fall(beta) - urine_fall(0.0) < 1.2 * expected
    bound, unbound = run(2000.0, beta), run(2000.0, 0.0)
    assert _first_week(bound, "serum_phosphate_mmol_l") < _first_week(unbound, "serum_phosphate_mmol_l") - 0.01
