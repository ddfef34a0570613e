"""Anticoagulation wired into the model (issue 11, step 2): hepatic carboxylation -> functional
clotting factors (each with its half-life) -> prothrombin-complex activity -> the ``inr`` column.

Short runs on small grids; the bands are the validation rows W1 / W2 / 2b (docs/validation.md),
checked here on one seed so a regression shows up in the test suite, not only in ``validate``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from calcium_abm import simulate
from calcium_abm.outputs import COLUMNS
from calcium_abm.physiology import coagulation, parameter_registry, parameter_set
from calcium_abm.scenario import load_scenario

SMALL = {f"{tissue}_grid_{side}": 8 for tissue in ("bone", "vessel") for side in ("width", "height")}
P = parameter_set()


def _run(scenario: str = "healthy_adult", days: int = 56, **overrides):
    return simulate(scenario, years=days / 365.0, seed=2, overrides={**SMALL, **overrides}).set_index("day")


def test_inr_and_activity_are_output_columns_with_units():
    assert COLUMNS["inr"][0] == "-" and "normalised ratio" in COLUMNS["inr"][1]
    assert "factor VII alone by default" in COLUMNS["prothrombin_complex_activity"][1]


def test_the_liver_only_half_saturation_is_gone():
    # the liver differs from the vessel wall by mechanism (design note section 5), not by a threshold
    assert "liver_ggcx_half_saturation_nmol_per_l" not in parameter_registry()


def test_healthy_adult_has_a_normal_inr_throughout():
    frame = _run(days=30)
    assert frame["inr"].between(0.95, 1.1).all()
    assert frame["prothrombin_complex_activity"].between(0.9, 1.0).all()


def test_warfarin_5_mg_reaches_the_therapeutic_inr_through_the_factor_half_lives():
    frame = _run(warfarin_mg_per_day=5.0)
    # started at its steady state (warfarin was taken before day 0): INR 2-3, activity 15-25 %
    assert 2.0 <= frame["inr"].iloc[-1] <= 3.0
    assert 0.15 <= frame["prothrombin_complex_activity"].iloc[-1] <= 0.25
    # the column is the documented INR law of the recorded activity, row by row
    for activity, inr in zip(frame["prothrombin_complex_activity"], frame["inr"]):
        assert inr == pytest.approx(coagulation.inr(activity, P), rel=1e-12)


def test_a_fourfold_warfarin_dose_gives_a_supratherapeutic_inr_in_the_model():
    # the whole daily chain, not only the static one (test_coagulation): 20 mg/day taken since before day 0
    # lowers the factors below 10 % (INR > 4 by the activity-INR table), far beyond 5 mg/day's 2-3
    usual = _run(warfarin_mg_per_day=5.0, days=3)["inr"].iloc[-1]
    high = _run(warfarin_mg_per_day=20.0, days=3)["inr"].iloc[-1]
    assert high > 4.0 and high > 1.5 * usual
    assert _run(warfarin_mg_per_day=1000.0, days=3)["prothrombin_complex_activity"].iloc[-1] < 0.05


def test_starting_warfarin_raises_the_inr_over_days_as_the_factors_decay():
    data = load_scenario("healthy_adult").model_dump()
    data["schedule"] = [{"start_day": 1, "set": {"drugs.warfarin_mg_per_day": 5.0}}]
    frame = simulate(data, years=21 / 365.0, seed=2, overrides=SMALL).set_index("day")
    inr = frame["inr"]
    assert inr.loc[0] < 1.1
    assert inr.loc[1] < inr.loc[3] < inr.loc[10]           # not a step: factors decay with their half-lives
    assert inr.loc[2] < 1.8                                 # factor II (t1/2 60 h) keeps the first days' INR low
    assert inr.loc[21] > 1.8


def test_mk7_45_on_warfarin_lowers_the_inr_but_not_the_extrahepatic_markers():
    vka = _run("long_term_warfarin", days=42)
    both = _run("long_term_warfarin", days=42, mk7_ug_per_day=50.0)
    change = both["inr"].iloc[-1] / vka["inr"].iloc[-1] - 1.0
    assert -0.55 <= change <= -0.25                         # Theuwissen 2013: ~ -40 %
    assert abs(both["ucoc_fraction"].iloc[-1] / vka["ucoc_fraction"].iloc[-1] - 1.0) < 0.15
    assert abs(both["dp_ucmgp_pmol_l"].iloc[-1] / vka["dp_ucmgp_pmol_l"].iloc[-1] - 1.0) < 0.15


def test_the_rat_protocol_needs_its_extra_k1_for_normal_clotting():
    rat = {"species": "rat", "age_years": 0.0, "warfarin_mg_per_day": 1000.0}
    usual = _run("warfarin_high_k1", days=35, vitamin_k1_ug_per_day=100.0, **rat)
    extra = _run("warfarin_high_k1", days=35, vitamin_k1_ug_per_day=6000.0, **rat)
    assert usual["inr"].max() > 3.0
    assert extra["inr"].max() <= 1.3
    # ... while vascular MGP stays uncarboxylated (the point of Price's design)
    assert extra["vascular_mgp_carboxylation_fraction"].iloc[-1] < 0.05
    assert not math.isnan(extra["inr"].iloc[-1])


def _next_day_inr_after_k1(**overrides) -> tuple[float, float]:
    """Row W4's design on one seed: (INR on day 0, INR 24 h after 1 mg oral K1 with warfarin held)."""
    from calcium_abm.validation.anticoagulation_rows import K1_TABLET_UG, OVERANTICOAGULATED

    base = load_scenario("healthy_adult").with_overrides(OVERANTICOAGULATED)
    scenario = base.with_schedule([{"start_day": 1, "set": {
        "drugs.warfarin_mg_per_day": 0.0, "diet.vitamin_k1_ug_per_day": 100.0 + K1_TABLET_UG}}])
    frame = _run(scenario, days=3, **overrides)
    return float(frame.loc[0, "inr"]), float(frame.loc[2, "inr"])


def test_the_liver_follows_plasma_vitamin_k_within_days_so_oral_k1_acts_by_the_next_day():
    """The liver's own vitamin K turnover (liver_vitamin_k_turnover_per_h, ~1.5 days) lets 1 mg of
    oral K1 bring an INR of ~6 into 1.8-3.2 by the next day (row W4, Crowther 1998/2000); with the
    extra-hepatic tissues' ~8-day turnover it did not (INR ~4.2)."""
    start, fast = _next_day_inr_after_k1()
    assert 4.5 <= start <= 10.0 and 1.8 <= fast <= 3.2
    _, slow = _next_day_inr_after_k1(liver_vitamin_k_turnover_per_h=P.tissue_vitamin_k_loss_per_h)
    assert slow > 3.2
    # the turnover sets only the time course: a steady run on warfarin does not read it, and refuses it
    from calcium_abm.errors import ScenarioError
    with pytest.raises(ScenarioError, match="liver_vitamin_k_turnover_per_h = .* does nothing in this run"):
        _run(days=60, warfarin_mg_per_day=5.0, liver_vitamin_k_turnover_per_h=P.tissue_vitamin_k_loss_per_h)


def _inr_after_a_week_of_more_k1(extra_ug_per_day: float) -> tuple[float, float]:
    """(steady INR on warfarin 5 mg/day, INR after 7 days of ``extra_ug_per_day`` more K1): the
    design docs/ODD.md section 8 quotes ("Warfarin and dietary K1")."""
    base = load_scenario("healthy_adult").with_overrides({"drugs.warfarin_mg_per_day": 5.0, **SMALL})
    scenario = base.with_schedule([{"start_day": 60, "end_day": 67, "set": {
        "diet.vitamin_k1_ug_per_day": base.diet.vitamin_k1_ug_per_day + extra_ug_per_day}}])
    frame = simulate(scenario, years=68 / 365.0, seed=2).set_index("day")
    return float(frame.loc[60, "inr"]), float(frame.loc[67, "inr"])


def test_the_odd_quotes_the_inr_response_to_more_dietary_k1_on_warfarin():
    """The figures the ODD compares with the dietary-K1 studies come from this run (they are the
    model's, not typed): the INR falls with each step of K1, the more the larger the step."""
    text = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text().split())
    figures = [_inr_after_a_week_of_more_k1(extra) for extra in (50.0, 100.0, 150.0)]
    steady = figures[0][0]
    after = [inr for _, inr in figures]
    assert all(abs(before - steady) < 1e-9 for before, _ in figures)
    assert steady > after[0] > after[1] > after[2]
    quoted = f"lowers the model's INR from {steady:.2f} to {after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f}"
    assert quoted in text, quoted
