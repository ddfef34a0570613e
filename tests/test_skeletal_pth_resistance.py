"""The skeleton resists PTH in kidney failure (dialysis.skeletal_pth_sensitivity, docs/ODD.md 7.11): bone
turnover on haemodialysis is that of health at several times its PTH (Sprague 2016: normal turnover at
103.8-323 pg/mL; KDIGO: 2-9 x the upper normal limit), the resistance follows the kidneys over weeks, and
healthy ageing never reaches it."""

import pytest

from calcium_abm import CalciumParadoxModel, simulate
from calcium_abm.physiology import ageing, dialysis, kidney, parameter_set, parathyroid
from calcium_abm.scenario import load_scenario
from calcium_abm.stepping import step_days
from calcium_abm.validation.dialysis_bone_rows import NORMAL_TURNOVER_PTH_PMOL_L

P = parameter_set()
S_ESRD, ONSET = P.esrd_skeletal_pth_sensitivity, P.skeletal_pth_resistance_onset_gfr_ml_per_min
SMALL = {"bone_grid_width": 24, "bone_grid_height": 24, "vessel_grid_width": 16, "vessel_grid_height": 16}
MAN_60 = {"patient.age_years": 60.0, "patient.sex": "male"}


def test_the_law_is_one_above_its_onset_the_esrd_share_on_dialysis_and_linear_between():
    assert dialysis.skeletal_pth_sensitivity(100.0, False, P) == 1.0
    assert dialysis.skeletal_pth_sensitivity(ONSET, False, P) == 1.0
    assert dialysis.skeletal_pth_sensitivity(ONSET / 2, False, P) == pytest.approx((1.0 + S_ESRD) / 2)
    assert dialysis.skeletal_pth_sensitivity(0.0, False, P) == pytest.approx(S_ESRD)
    assert dialysis.skeletal_pth_sensitivity(100.0, True, P) == S_ESRD  # dialysis: the kidneys have failed
    with pytest.raises(ValueError, match="gfr"):
        dialysis.skeletal_pth_sensitivity(float("nan"), False, P)


def test_the_esrd_share_puts_normal_turnover_inside_spragues_band():
    """PTH x S = 1 (the healthy drive) at the geometric middle of Sprague's two cut-offs, in the model's units."""
    reference = parathyroid.reference_pth_pmol_l(P)
    low, high = (c / reference for c in NORMAL_TURNOVER_PTH_PMOL_L)
    assert 1.0 / S_ESRD == pytest.approx((low * high) ** 0.5, rel=0.01)


def test_healthy_ageing_reaches_the_onset_only_past_95():
    """The onset sits below the GFR law's value at 95 in both sexes, so no healthy person's bone is touched before."""
    for sex in ("female", "male"):
        assert ageing.gfr_for_person_ml_per_min(95.0, sex, 100.0, P) > ONSET


def test_the_resistance_follows_kidneys_that_fail_with_its_half_life():
    model = CalciumParadoxModel(load_scenario("healthy_adult").with_overrides(SMALL).with_schedule(
        [{"start_day": 1, "set": {"patient.ckd_stage": 5}}]), seed=3)
    assert model.hormones.skeletal_pth_sensitivity == 1.0  # healthy kidneys on day 0
    step_days(model, 1 + round(P.skeletal_pth_resistance_half_life_days))
    target = dialysis.skeletal_pth_sensitivity(model.kidney_inputs().gfr_ml_per_min, False, P)
    assert target < 0.5
    # one half-life after the change: half the way (the day's chain ran once per day since day 1)
    assert model.hormones.skeletal_pth_sensitivity == pytest.approx((1.0 + target) / 2, abs=0.02)


def test_a_patient_on_dialysis_starts_at_his_kidneys_steady_resistance_and_keeps_it():
    model = CalciumParadoxModel(load_scenario("haemodialysis").with_overrides(SMALL), seed=3)
    assert model.hormones.skeletal_pth_sensitivity == S_ESRD
    step_days(model, 30)
    assert model.hormones.skeletal_pth_sensitivity == pytest.approx(S_ESRD, rel=1e-12)
    frame = simulate("haemodialysis", years=0.1, seed=3, overrides=SMALL)  # the column reports it
    assert frame["skeletal_pth_sensitivity"].to_numpy() == pytest.approx(S_ESRD, rel=1e-12)


def test_the_laws_parameters_are_refused_where_no_rule_lets_them_act():
    """The share and the onset act only below the onset or on dialysis; the onset not on dialysis; the half-life
    only while the sensitivity moves (tests/test_inert_inputs.py checks each both ways)."""
    from calcium_abm.errors import ScenarioError

    for scenario, name, value in (("healthy_adult", "esrd_skeletal_pth_sensitivity", 0.3),
                                  ("haemodialysis", "skeletal_pth_resistance_onset_gfr_ml_per_min", 60.0),
                                  ("haemodialysis", "skeletal_pth_resistance_half_life_days", 7.0)):
        with pytest.raises(ScenarioError, match=rf"parameters.{name} = .* does nothing in this run"):
            simulate(scenario, years=0.1, seed=3, overrides={**SMALL, f"parameters.{name}": value})
    # a woman of 99 by the run's end: her ageing GFR passes below the onset, where the share acts
    frame = simulate("healthy_adult", years=0.1, seed=3, overrides={
        **SMALL, "patient.sex": "female", "patient.age_years": 99.0, "patient.postmenopausal": True,
        "patient.years_since_menopause": 48.0, "parameters.esrd_skeletal_pth_sensitivity": 0.3})
    assert frame["skeletal_pth_sensitivity"].iloc[-1] < 1.0


def _year_two_formation_and_pth(scenario, **parameters):
    frame = simulate(scenario, years=2, seed=5, overrides={**SMALL, **MAN_60,
                                                            **{f"parameters.{k}": v for k, v in parameters.items()}})
    year_two = frame[frame["day"] > 365]
    return year_two["bone_mineralisation_mg_per_day"].mean(), year_two["pth_pmol_l"].mean()


def test_on_dialysis_bone_turns_over_as_in_health_at_several_times_its_pth():
    healthy, healthy_pth = _year_two_formation_and_pth("healthy_adult")
    dialysed, pth = _year_two_formation_and_pth("haemodialysis")
    unresisted, _ = _year_two_formation_and_pth("haemodialysis", esrd_skeletal_pth_sensitivity=1.0)
    assert pth > 3.0 * healthy_pth                   # secondary hyperparathyroidism
    assert 0.5 < dialysed / healthy < 2.0            # normal turnover (row Sprague2016)
    assert unresisted / healthy > 2.5                # without the resistance: turnover follows PTH
