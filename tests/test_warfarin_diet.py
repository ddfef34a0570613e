"""The liver's response to dietary vitamin K on warfarin (row W-Diet; hepatic_menaquinone_store_nmol_per_l and
liver_alternative_reductase_per_h, recalibrated together on 2026-12-07): the figures docs/ODD.md section 7.9 and
the parameters' sources quote are the model's own, computed here from the steady chain the model runs daily."""

from __future__ import annotations

from pathlib import Path

import pytest

from calcium_abm import simulate
from calcium_abm.physiology import coagulation as c
from calcium_abm.physiology import parameter_registry, parameter_set
from calcium_abm.validation.experiments import all_rows

from test_coagulation import _liver_kh2_relative

ODD = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text(encoding="utf-8").split())
P = parameter_set()


SMALL = {f"{tissue}_grid_{side}": 8 for tissue in ("bone", "vessel") for side in ("width", "height")}


def _steady_inr(p=P, **intake) -> float:
    """The steady INR of the liver's static chain (a parameter set of the reference person)."""
    return c.steady_state_inr(c.hepatic_factor_carboxylation(_liver_kh2_relative(p, **intake), p), p)


def _run_inr(warfarin: float, k1: float = 100.0) -> float:
    """The INR of ``healthy_adult`` on ``warfarin`` mg/day taken since before day 0 (steady from the start), on
    day 3: what a user's run gives (the person's own parameters, which the static chain does not apply)."""
    frame = simulate("healthy_adult", years=3 / 365, seed=2,
                     overrides={**SMALL, "warfarin_mg_per_day": warfarin, "vitamin_k1_ug_per_day": k1})
    return float(frame["inr"].iloc[-1])


def test_the_odd_quotes_the_full_block_on_a_poor_diet_and_the_reductase_s_share():
    """(The ladder and the usual diet's full block: tests/test_odd_numbers.py.)"""
    block_usual, block_poor = _run_inr(1000.0), _run_inr(1000.0, k1=10.0)
    assert f"fully blocked on the usual diet (≈ {block_poor:.0f} on 10 µg/day of K1)" in ODD
    share = c.activity_for_inr(block_usual, P) / P.hepatic_carboxylation_reserve   # KH2 left under full block
    assert f"carries ~{100 * share:.0f} % of the reference hepatic KH2" in ODD


def test_the_reductase_s_source_quotes_the_full_block_it_gives():
    text = " ".join(parameter_registry()["liver_alternative_reductase_per_h"].source.split())
    block_usual, block_poor = _run_inr(1000.0), _run_inr(1000.0, k1=10.0)
    assert (f"makes ~{100 * c.activity_for_inr(block_usual, P):.0f} % of its factors (INR ~{block_usual:.0f} on the "
            f"usual diet, ~{block_poor:.0f} on 10 ug/day of K1)") in text
    assert _run_inr(1000.0, k1=5000.0) < 1.5                            # oral K1 ~5 mg/day restores it


def test_the_store_dilutes_the_liver_s_response_to_dietary_k1():
    """The mechanism the calibration rests on: the same 100 ug/day more K1 lowers the steady INR on warfarin
    less the larger the store (the liver's KH2 follows its total supply), and not at all without warfarin's
    block (the liver is then saturated)."""
    def step(store: float) -> float:
        q = P._replace(hepatic_menaquinone_store_nmol_per_l=store)
        return _steady_inr(q, warfarin=5.5, k1=200.0) - _steady_inr(q, warfarin=5.5)
    steps = [step(s) for s in (0.8, 2.5, 5.0)]
    assert steps[0] < steps[1] < steps[2] < 0.0
    assert abs(_steady_inr(k1=200.0) - _steady_inr()) < 0.01


def test_row_w_diet_reads_the_week_and_the_four_days_against_a_steady_control():
    row = all_rows()["W-Diet"]
    assert [a.label for a in row.arms] == ["warfarin, usual diet", "warfarin, +100 ug/day K1"]
    control, extra = row.arms
    assert dict(control.settings) == dict(extra.settings)                 # the same person at the start
    (_, _, change), = extra.periods
    assert change == {"diet.vitamin_k1_ug_per_day": 200.0}
    bands = {c.label: (c.low, c.high) for c in row.criteria}
    assert bands["INR change after 7 days of +100 ug/day K1 from vegetables"] == pytest.approx((-0.54, -0.16))


def test_the_odd_names_the_calibrated_warfarin_dose_row_w4_gives():
    from calcium_abm.simulation import WARFARIN_CALIBRATED_MAX_MG_PER_DAY
    from calcium_abm.validation.anticoagulation_rows import OVERANTICOAGULATED

    assert WARFARIN_CALIBRATED_MAX_MG_PER_DAY == OVERANTICOAGULATED["drugs.warfarin_mg_per_day"]
    assert f"use (row W4's {WARFARIN_CALIBRATED_MAX_MG_PER_DAY:g} mg/day at 50)" in ODD


def test_the_store_s_source_quotes_the_step_and_the_supply_the_model_computes():
    from calcium_abm.physiology import vitamin_k as vk

    def supply(k1: float) -> float:  # the liver's plasma-derived supply on a steady K1 intake (weights 1)
        intake = {"k1": k1, "mk4": 0.0, "mk7": 0.0}
        amounts, warfarin = vk.steady_plasma_amounts(intake, 0.0, P)
        return vk.tissue_supply_nmol_per_l(vk.advance_plasma(amounts, warfarin, intake, 0.0, P)[2], 1.0, 1.0)

    text = " ".join(parameter_registry()["hepatic_menaquinone_store_nmol_per_l"].source.split())
    step = supply(P.reference_vitamin_k1_intake_ug_per_day) - supply(0.0)
    total = supply(P.reference_vitamin_k1_intake_ug_per_day) + P.hepatic_menaquinone_store_nmol_per_l
    assert f"a step of ~{step:.1f} nmol/L on the reference supply's ~{total:.1f}" in text
