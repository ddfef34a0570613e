"""Kidney disease brings plaque calcium earlier: the intima's onset clock (intima.next_onset_age_years) and
the years of kidney disease before day 0 (patient.kidney_disease_years, intima.live_kidney_history)."""

import math

import pytest

from calcium_abm import CalciumParadoxModel, simulate
from calcium_abm.errors import UserInputError
from calcium_abm.physiology import calcium, dialysis, intima, parameter_set
from calcium_abm.stepping import step_days
from test_stretch import SMALL, _assert_same, _runs

P = parameter_set()
UNITS = P.agatston_units_per_mg_calcium
ESRD = P.esrd_calcification_inhibition_fraction  # the inhibitors left in kidney failure


def test_the_onset_clock_stands_still_in_health_and_runs_faster_with_the_inhibitors_lost():
    assert intima.next_onset_age_years(40.0, 53.0, 1.0, 1.0, 1.0, P) == 53.0  # healthy: the onset stays
    gain = intima.inhibitor_growth_factor(ESRD, P) - 1.0  # the growth law's factor: 1.1 at kidney failure
    assert intima.next_onset_age_years(40.0, 53.0, 1.0, 1.0, ESRD, P) == pytest.approx(53.0 - gain / 365.25)
    drive = intima.plaque_chemistry_drive(1.4, ESRD, P)  # and its Ca x P: the growth law's whole drive
    assert drive == pytest.approx(1.4 ** P.intimal_capxp_exponent * (1.0 + gain))
    assert intima.next_onset_age_years(40.0, 53.0, 1.0, 1.4, ESRD, P) == pytest.approx(53.0 - (drive - 1.0) / 365.25)
    assert intima.next_onset_age_years(40.0, 53.0, 1.0, 0.9, 1.0, P) > 53.0  # less drive than in health: it recedes
    assert intima.next_onset_age_years(54.0, 53.0, 1.0, 1.4, ESRD, P) == 53.0  # past onset: nothing to bring nearer
    assert intima.next_onset_age_years(40.0, 53.0, 0.0, 1.4, ESRD, P) == 53.0  # no intimal disease (rodents)
    ckd4 = dialysis.systemic_inhibitor_fraction(22.0, False, P)
    assert 0.0 < 53.0 - intima.next_onset_age_years(40.0, 53.0, 1.0, 1.0, ckd4, P) < gain / 365.25


def test_a_young_man_on_dialysis_calcifies_decades_before_a_healthy_one():
    """Day by day with intima_day: the healthy man of 20 has no plaque calcium at 40, the man on dialysis from
    20 has it from about 20 + 33 / 2.1 = 35.7 (Goodman 2000: 14 of 16 dialysis patients of 20-30 had coronary
    calcium against 3 of 60 controls)."""
    scores = {}
    for name, inhibitor in (("healthy", 1.0), ("dialysis", ESRD)):
        state = intima.start_intima(20.0, False, None, 1.0, None, UNITS, P)
        for _ in range(int(20 * 365.25)):
            intima.intima_day(state, P.intimal_reference_active_mgp, 1.0, inhibitor, UNITS, 1e9, P)
        scores[name] = (state.onset_age_years, state.calcium_mg * UNITS)
    assert scores["healthy"] == (intima.onset_age_years(False, 1.0, P), 0.0)
    factor = intima.inhibitor_growth_factor(ESRD, P)
    assert scores["dialysis"][0] == pytest.approx(20.0 + (53.0 - 20.0) / factor, abs=0.01)
    assert scores["dialysis"][1] > 5.0


def test_years_of_kidney_disease_before_day_0_start_the_clock_and_the_plaque_earlier():
    def start(years, inhibitor=ESRD, age=40.0, capxp=1.0):
        state = intima.start_intima(age, False, None, 1.0, None, UNITS, P)
        intima.live_kidney_history(state, years, inhibitor, capxp, P)
        return state

    factor = intima.inhibitor_growth_factor(ESRD, P)
    assert start(0.0).onset_age_years == 53.0 and start(0.0).calcium_mg == 0.0
    ten = start(10.0)  # from 30: the clock reaches 53 at 30 + 23 / 2.1 = 41 > 40: not yet (Ca x P as in health)
    assert ten.calcium_mg == 0.0 and ten.onset_age_years == pytest.approx(53.0 - (factor - 1.0) * 10.0)
    twenty = start(20.0)  # from 20: onset at 20 + 33 / 2.1 = 35.7, then 4.3 years of growth at 2.1 x
    assert twenty.onset_age_years == pytest.approx(20.0 + 33.0 / factor)
    root = P.intimal_sqrt_score_growth_per_year * factor * (40.0 - twenty.onset_age_years)
    assert twenty.calcium_mg * UNITS == pytest.approx(root ** 2, rel=0.02)
    high = start(20.0, capxp=1.5)  # a higher Ca x P: both the clock and the growth run at its drive
    drive = intima.plaque_chemistry_drive(1.5, ESRD, P)
    assert high.onset_age_years == pytest.approx(20.0 + 33.0 / drive)
    assert high.calcium_mg * UNITS == pytest.approx((P.intimal_sqrt_score_growth_per_year * drive
                                                     * (40.0 - high.onset_age_years)) ** 2, rel=0.02)
    old = start(10.0, age=70.0)  # past onset before the disease: the healthy plaque, then faster growth
    healthy = intima.start_intima(70.0, False, None, 1.0, None, UNITS, P)
    assert old.onset_age_years == healthy.onset_age_years and old.calcium_mg > healthy.calcium_mg


def test_no_clock_brings_plaque_calcium_before_20():
    """The onset law's floor (none of Goodman 2000's 23 dialysis patients under 20 had coronary calcium) holds
    for the clock and for a history: a fresh user's CKD 5 since birth gave a score of 309 AU at 18."""
    child = intima.start_intima(18.0, False, None, 1.0, None, UNITS, P)
    intima.live_kidney_history(child, 18.0, ESRD, 2.2, P)
    assert child.onset_age_years == intima.EARLIEST_INTIMAL_ONSET_AGE_YEARS and child.calcium_mg == 0.0
    assert intima.next_onset_age_years(18.0, 20.0, 1.0, 2.2, ESRD, P) == intima.EARLIEST_INTIMAL_ONSET_AGE_YEARS
    young = intima.start_intima(24.0, False, None, 1.0, None, UNITS, P)  # since 6: the onset at 20, then growth
    intima.live_kidney_history(young, 18.0, ESRD, 2.2, P)
    assert young.onset_age_years == intima.EARLIEST_INTIMAL_ONSET_AGE_YEARS and young.calcium_mg > 0.0


def test_a_run_moves_the_onset_by_its_days_of_kidney_failure():
    model = CalciumParadoxModel("haemodialysis", **SMALL, age_years=30.0)
    before, expected = model.vessel.intima.onset_age_years, 0.0
    for _ in range(60):
        model.step()  # the wall reads the day's Ca x P after the day's first exchanges: close to the day's start
        expected += intima.onset_clock_gain_years(calcium.capxp_relative(model.systemic, model.params),
                                                  model.systemic.inhibitor_fraction, model.params)
    assert before - model.vessel.intima.onset_age_years == pytest.approx(expected, rel=0.05)
    assert expected > 1.0 * 60 / 365.25  # the haemodialysis scenario's drive is above 2 (Ca x P x1.2, F 2.1)


def test_a_typical_man_of_20_on_the_built_in_haemodialysis_reaches_his_onset_at_about_35():
    """The figure docs/ODD.md 7.17 and intima.py quote (a healthy man's onset: 53)."""
    model = CalciumParadoxModel("haemodialysis", **SMALL, age_years=20.0, years=16.0)
    step_days(model, model.days_total)
    assert 33.0 < model.vessel.intima.onset_age_years < 37.0
    assert model.vessel.intima.calcium_mg > 0.0


def test_the_scenario_key_acts_in_a_run():
    base = {**SMALL, "age_years": 40.0}
    none = simulate("haemodialysis", years=0.1, seed=1, overrides=base, rows="ends")
    twenty = simulate("haemodialysis", years=0.1, seed=1, overrides={**base, "kidney_disease_years": 20.0},
                      rows="ends")
    assert none.calcification_score.iloc[0] == 0.0 < twenty.calcification_score.iloc[0]
    assert twenty.ca_balance_error_mg.abs().max() < 1e-6  # the history's plaque is day 0's, not created later


@pytest.mark.parametrize("overrides, fragments", [
    ({"kidney_disease_years": 5.0}, ("patient.kidney_disease_years = 5", "healthy kidneys")),
    ({"ckd_stage": 4, "kidney_disease_years": 60.0}, ("patient.kidney_disease_years = 60", "age_years = 50")),
    ({"ckd_stage": 4, "kidney_disease_years": 5.0, "baseline_calcification_score": 10.0},
     ("patient.kidney_disease_years = 5", "baseline_calcification_score = 10")),
    ({"species": "rat", "age_years": 0.0, "kidney_disease_years": 0.0001}, ("patient.kidney_disease_years",
                                                                         'species = "rat"')),
    ({"ckd_stage": 4, "kidney_disease_years": math.nan}, ("kidney_disease_years",)),
    ({"ckd_stage": 4, "kidney_disease_years": -1.0}, ("kidney_disease_years",)),
])
def test_years_that_cannot_act_are_refused_by_name(overrides, fragments):
    with pytest.raises(UserInputError) as refused:
        CalciumParadoxModel("healthy_adult", **SMALL, **overrides)
    assert all(f in str(refused.value) for f in fragments), str(refused.value)


def test_the_history_is_day_0s_whatever_the_schedule_does_later():
    """A transplant later in the run keeps the day-0 history (the check reads day 0 only), and a day-0
    [[schedule]] entry that gives the kidney disease makes the history act."""
    def scenario(schedule, **patient):
        return {"patient": {"age_years": 40.0, "kidney_disease_years": 15.0, **patient},
                "simulation": {"years": 1.0, **SMALL}, "schedule": schedule}

    transplant = CalciumParadoxModel(scenario([{"start_day": 100, "set": {"patient.ckd_stage": 0}}], ckd_stage=5))
    on_day_0 = CalciumParadoxModel(scenario([{"start_day": 0, "set": {"patient.ckd_stage": 5}}]))
    assert transplant.vessel.intima.onset_age_years < 40.0 and on_day_0.vessel.intima.onset_age_years < 40.0
    healthy_until_100 = [{"start_day": 0, "end_day": 100, "set": {"kidney.residual_gfr_ml_per_min": 110.0}}]
    with pytest.raises(UserInputError, match="healthy kidneys on day 0"):  # the disease starts on day 100
        CalciumParadoxModel({**scenario(healthy_until_100), "kidney": {"residual_gfr_ml_per_min": 50.0}})


def test_a_plaque_growth_trait_is_accepted_where_kidney_disease_brings_the_onset_into_the_run():
    healthy = {"age_years": 40.0, "wall_plaque_growth": 2.0, "years": 5.0}
    with pytest.raises(UserInputError, match="wall_plaque_growth"):  # a healthy man's onset at 53 is after 45
        CalciumParadoxModel("healthy_adult", **SMALL, **healthy)
    # on dialysis since 30 his onset comes before day 0 (30 + 23 / ~2.4): the trait is not refused, and it acts
    model = CalciumParadoxModel("haemodialysis", **SMALL, **healthy, kidney_disease_years=10.0)
    assert model.vessel.intima.onset_age_years < 45.0


def test_the_compiled_days_carry_the_moving_onset_bit_for_bit(monkeypatch):
    """A woman whose onset comes within the run (estrogen's factor from that day on): the compiled days
    (stretch) give the Python steps' numbers."""
    person = {"sex": "female", "age_years": 60.0, "postmenopausal": True, "years_since_menopause": 9.0,
              "ckd_stage": 4, "kidney_disease_years": 4.0}
    state = intima.start_intima(60.0, True, 51.0, 1.0, None, UNITS, P)
    intima.live_kidney_history(state, 4.0, dialysis.systemic_inhibitor_fraction(22.0, False, P), 1.0, P)
    assert 60.0 < state.onset_age_years < 62.0  # the onset falls within the 2 years run
    python, compiled, ran = _runs(monkeypatch, "healthy_adult", 2.0, 3, **person)
    _assert_same(python, compiled)
    assert ran > 400 and compiled.calcification_score.iloc[-1] > 0.0
