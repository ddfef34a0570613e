"""Menopausal hormone therapy (``drugs.menopausal_hormone_therapy``, :mod:`calcium_abm.physiology.hormone_therapy`):
its laws, where it acts in a run, when it starts, and the people it is refused for."""

from __future__ import annotations

import tomllib

import pytest

from calcium_abm import CalciumParadoxModel, simulate
from calcium_abm.batch.expand import expand_runs
from calcium_abm.batch.spec import BatchError, load_batch
from calcium_abm.errors import ScenarioError
from calcium_abm.physiology import parameter_set
from calcium_abm.physiology import ageing, hormone_therapy, intima
from calcium_abm.scenario import load_scenario

SMALL = {"bone_grid_width": 24, "bone_grid_height": 24, "vessel_grid_width": 16, "vessel_grid_height": 16}
WOMAN = {"sex": "female", "age_years": 56.0, "postmenopausal": True, "years_since_menopause": 5.0}
YEAR = 365


def _woman(**more):
    return load_scenario("healthy_adult").with_overrides({**SMALL, **WOMAN, **more})


def test_the_laws_give_back_the_replaced_share_of_the_lost_estrogen():
    p = parameter_set()
    assert hormone_therapy.estrogen_level_with_therapy(0.2, False, p) == 0.2
    assert hormone_therapy.estrogen_level_with_therapy(0.2, True, p) == 1.0  # standard dose: all of it (T = 1)
    half = p._replace(hormone_therapy_estrogen_replacement=0.5)
    assert hormone_therapy.estrogen_level_with_therapy(0.2, True, half) == pytest.approx(0.6)
    assert hormone_therapy.estrogen_loss_share_left(True, half) == 0.5
    assert hormone_therapy.estrogen_loss_share_left(False, half) == 1.0


def test_a_womans_rates_on_therapy_are_those_of_her_estrogen_given_back():
    """Kidney (urinary calcium), gut (the menopause's fall of absorption) and media (calcification drive)."""
    p = parameter_set()
    off = ageing.personal_parameters(p, 61.0, "female", 10.0)
    on = ageing.personal_parameters(p, 61.0, "female", 10.0, hormone_therapy=True)
    before = ageing.personal_parameters(p, 61.0, "female", None)  # her estrogen never lost
    for name in ("reference_urine_calcium_mg_per_day", "passive_absorption_per_day", "vsmc_switch_per_day"):
        assert getattr(on, name) != getattr(off, name)
        assert getattr(on, name) == pytest.approx(getattr(before, name), rel=1e-12)
    assert on.reference_urine_calcium_mg_per_day < off.reference_urine_calcium_mg_per_day
    assert on.passive_absorption_per_day > off.passive_absorption_per_day
    assert intima.estrogen_factor(61.0, True, 51.0, p, True) < intima.estrogen_factor(61.0, True, 51.0, p)


def test_therapy_started_in_a_run_acts_from_its_day_on_bone_and_urine():
    """Until the entry's day the run is the one without therapy, bit for bit; then bone is lost more slowly
    (the estrogen-loss effect on the bone cells goes) and less calcium leaves in the urine."""
    base = _woman(years=1.0, seed=4)
    start = 100
    treated = base.with_schedule([{"start_day": start, "set": {"drugs.menopausal_hormone_therapy": True}}])
    a, b = simulate(base), simulate(treated)
    assert a.iloc[: start + 1].equals(b.iloc[: start + 1])
    assert b["bone_mineral_density_g_cm2"].iloc[-1] > a["bone_mineral_density_g_cm2"].iloc[-1]
    assert b["urine_calcium_mg_per_day"].iloc[-1] < a["urine_calcium_mg_per_day"].iloc[-1]


def test_therapy_on_day_0_is_taken_since_the_final_period():
    """A user of many years starts with more bone than a woman who never took it (her life course ran under it)."""
    never = CalciumParadoxModel(_woman(years=0.1, age_years=68.0, years_since_menopause=18.0), rng=2)
    user = CalciumParadoxModel(_woman(years=0.1, age_years=68.0, years_since_menopause=18.0,
                                      menopausal_hormone_therapy=True), rng=2)
    assert user.bone.mineral.sum() > never.bone.mineral.sum()


def test_a_scheduled_menopause_and_therapy_reach_the_intima():
    """The intima reads today's menopause and therapy (a menopause set by a schedule counts from its day)."""
    scenario = load_scenario("healthy_adult").with_overrides(
        {**SMALL, "sex": "female", "age_years": 52.0, "years": 1.0}).with_schedule(
        [{"start_day": 10, "set": {"patient.postmenopausal": True, "patient.years_since_menopause": 0.0}},
         {"start_day": 20, "set": {"drugs.menopausal_hormone_therapy": True}}])
    model = CalciumParadoxModel(scenario, rng=1)
    for _ in range(12):
        model.step()
    assert model.vessel.intima.age_at_fmp_years == model.age_at_fmp_years == pytest.approx(52.0 + 10 / 365)
    assert not model.vessel.intima.hormone_therapy
    for _ in range(10):
        model.step()
    assert model.vessel.intima.hormone_therapy


def test_the_vessel_takes_therapy_only_if_it_starts_close_to_the_final_period():
    """The timing hypothesis (ELITE's strata < 6 and >= 10 years; hormone_therapy.vessel_share): full up to
    6 years after the final period, none from 10, linear between; day-0 therapy is taken since the final period."""
    p = parameter_set()
    assert [hormone_therapy.vessel_share(y, p) for y in (None, -1.0, 0.0, 6.0, 8.0, 10.0, 14.3)] == [
        1.0, 1.0, 1.0, 1.0, pytest.approx(0.5), 0.0, 0.0]
    assert hormone_therapy.estrogen_level_with_therapy(0.2, 0.5, p) == pytest.approx(0.6)  # half of what was lost
    late = ageing.personal_parameters(p, 65.0, "female", 14.0, hormone_therapy=True, vessel_therapy=0.0)
    never = ageing.personal_parameters(p, 65.0, "female", 14.0)
    early = ageing.personal_parameters(p, 65.0, "female", 14.0, hormone_therapy=True)
    assert late.vsmc_switch_per_day == never.vsmc_switch_per_day  # a late start: the media as without it
    assert early.vsmc_switch_per_day < never.vsmc_switch_per_day  # the media's drive: therapy since the period
    assert late.reference_urine_calcium_mg_per_day == early.reference_urine_calcium_mg_per_day  # kidney: any start


def test_a_pause_and_a_restart_keep_the_first_starts_vessel_share():
    """A second reviewer's case: a woman of 65 on therapy since day 0 who pauses it on days 5-10 lost the vessel's
    share for good (the restart was read as a start 14 years after her final period)."""
    scenario = _woman(years=0.1, age_years=65.0, years_since_menopause=14.0, menopausal_hormone_therapy=True)
    model = CalciumParadoxModel(scenario.with_schedule([
        {"start_day": 5, "end_day": 10, "set": {"drugs.menopausal_hormone_therapy": False}}]), rng=1)
    for _ in range(12):
        model.step()
    assert model.vessel.intima.hormone_therapy == 1.0
    late = CalciumParadoxModel(_woman(years=0.1, age_years=65.0, years_since_menopause=14.0).with_schedule([
        {"start_day": 2, "set": {"drugs.menopausal_hormone_therapy": True}},
        {"start_day": 5, "end_day": 10, "set": {"drugs.menopausal_hormone_therapy": False}}]), rng=1)
    for _ in range(12):
        late.step()
    assert late.vessel.intima.hormone_therapy == 0.0  # first started 14 years after: none, after the pause too


@pytest.mark.parametrize("years_since, slows", [(3.0, True), (14.0, False)])
def test_coronary_calcium_slows_on_therapy_started_early_and_not_late(years_since, slows):
    """A woman of 65 starting therapy on day 1 (a trial): 3 years after her final period the intima grows
    slower than without it; 14 years after (ELITE's late stratum, median 14.3) it grows as without it."""
    age = 51.0 + years_since
    def score(schedule):
        scenario = load_scenario("postmenopausal").with_overrides(
            {**SMALL, "age_years": age, "years_since_menopause": years_since, "calcification_propensity": 3.0})
        frame = simulate(scenario.with_schedule(schedule) if schedule else scenario, years=2.0, seed=1)
        return frame["calcification_score"].iloc[-1] - frame["calcification_score"].iloc[0]
    never = score(None)
    started = score([{"start_day": 1, "set": {"drugs.menopausal_hormone_therapy": True}}])
    assert never > 1.0  # her plaque grows
    if slows:
        assert started < 0.8 * never
    else:
        assert started == pytest.approx(never, rel=0.1)


@pytest.mark.parametrize("settings, schedule, says", [
    ({"sex": "male"}, None, 'for sex = "male": it gives back the estrogen a woman\'s ovaries stop making'),
    ({"sex": "female", "age_years": 45.0}, None, "for a premenopausal woman with no final period planned"),
    ({"species": "rat", "age_years": 0.0, "years": 0.5}, None, 'for species = "rat"'),
    ({"sex": "male"}, {"start_day": 30, "set": {"drugs.menopausal_hormone_therapy": True}},
     'schedule entry 1 (start_day = 30): drugs.menopausal_hormone_therapy = true is not allowed for sex = "male"'),
])
def test_therapy_is_refused_where_it_would_act_on_nothing(settings, schedule, says):
    overrides = {**SMALL, **settings} if schedule else {**SMALL, **settings, "menopausal_hormone_therapy": True}
    with pytest.raises(ScenarioError) as err:
        scenario = load_scenario("healthy_adult").with_overrides(overrides)
        if schedule:
            scenario.with_schedule([schedule])
    assert says in str(err.value)
    assert "drugs.menopausal_hormone_therapy = true is not allowed" in str(err.value)


def test_a_planned_final_period_lets_therapy_act_as_her_estrogen_falls():
    scenario = _woman(postmenopausal=False, years_since_menopause=0.0, age_years=49.0,
                      age_at_final_menstrual_period=50.0, years=3.0, seed=5)
    a = simulate(scenario, rows="ends")
    b = simulate(scenario.with_overrides({"menopausal_hormone_therapy": True}), rows="ends")
    assert b["bone_mineral_density_g_cm2"].iloc[-1] > a["bone_mineral_density_g_cm2"].iloc[-1]


def test_therapy_for_a_woman_whose_run_ends_long_before_her_final_period_is_refused():
    """Her ovaries still make their estrogen, so it would change nothing (a 35-year-old with a final period planned
    at 58 ran bit for bit the same with and without it); near her final period it acts."""
    young = _woman(postmenopausal=False, years_since_menopause=0.0, age_years=35.0, age_at_final_menstrual_period=58.0,
                   years=0.3, menopausal_hormone_therapy=True)
    with pytest.raises(ScenarioError, match=r"drugs.menopausal_hormone_therapy = true is not allowed here \(from day "
                                            r"0\): the run ends at age 35.3, more than 5 years before her planned final "
                                            r"period \(patient.age_at_final_menstrual_period = 58\)"):
        simulate(young)
    near = young.with_overrides({"age_years": 53.5, "years": 0.2})  # ends 4.3 years before it: acts
    assert not simulate(near, rows="ends").equals(
        simulate(near.with_overrides({"menopausal_hormone_therapy": False}), rows="ends"))


def _cohort_batch(tmp_path, cohort: str, seed: int = 1):
    path = tmp_path / f"b{seed}.toml"
    path.write_text(f'name = "b"\nseed = {seed}\nyears = 0.05\noutput = "summary"\n'
                    '[set]\nbone_grid_width = 16\nbone_grid_height = 16\nvessel_grid_width = 16\n'
                    f'vessel_grid_height = 16\n[cohort]\npatients = 4\n{cohort}\n'
                    '[[arms]]\nname = "placebo"\n[[arms]]\nname = "ht"\nset = { menopausal_hormone_therapy = true }\n',
                    "utf-8")
    return load_batch(path)


@pytest.mark.parametrize("cohort, who", [("female_probability = 0.5\npostmenopausal_probability = 1", "men"),
                                         ("female_probability = 1\npostmenopausal_probability = 0.5",
                                          "women more than 5 years before their final period")])
def test_a_batch_refuses_therapy_for_a_cohort_that_may_draw_men_or_young_women_whatever_the_seed(tmp_path, cohort, who):
    """The refusal is the batch's, before any patient is drawn: it used to depend on whom the randomisation drew
    (4 patients: seeds 4 and 11 ran, 1, 2, 3, 5 and 6 stopped at a man in the therapy arm)."""
    for seed in (1, 4, 11):
        with pytest.raises(BatchError, match=rf"drugs.menopausal_hormone_therapy = true \(arm 'ht'\) is not allowed "
                                             rf"with this cohort: it can draw {who}"):
            expand_runs(_cohort_batch(tmp_path, cohort, seed))


def test_a_batch_gives_therapy_to_a_cohort_of_postmenopausal_women(tmp_path):
    runs = expand_runs(_cohort_batch(tmp_path, "female_probability = 1\npostmenopausal_probability = 1"))
    assert len(runs) == 4


def test_a_batch_gives_therapy_in_set_to_women_drawn_on_a_male_base_scenario(tmp_path):
    """Found by a fresh user: ``[set]`` therapy on healthy_adult (a man) with a cohort of postmenopausal women was
    refused as given to a man, though every drawn patient replaces the base's (:func:`.fixed.cohort_women`)."""
    path = tmp_path / "b.toml"
    path.write_text('name = "b"\nseed = 1\nyears = 0.05\n[set]\nbone_grid_width = 16\nbone_grid_height = 16\n'
                    'vessel_grid_width = 16\nvessel_grid_height = 16\nmenopausal_hormone_therapy = true\n'
                    '[cohort]\npatients = 3\nfemale_probability = 1\npostmenopausal_probability = 1\n'
                    '[[arms]]\nname = "ht"\n', "utf-8")
    runs = expand_runs(load_batch(path))
    assert len(runs) == 3
    for run in runs:
        scenario = load_scenario(tomllib.loads(run.scenario_toml))
        assert scenario.patient.sex == "female" and scenario.drugs.menopausal_hormone_therapy
    text = path.read_text("utf-8")
    path.write_text(text.replace("female_probability = 1\n", "").replace("[set]\n", '[set]\nsex = "female"\n'),
                    "utf-8")  # [set] sex = "female": the same women
    assert len(expand_runs(load_batch(path))) == 3
    # a cohort that may draw men, or none but men, is refused by the cohort's rule, naming its field (the base
    # scenario's message named the base's sex and advised [set] sex, which the cohort's draw refuses)
    for share, who in (("0.9", "men and women more than 5 years"), ("0", "men, for whom")):
        path.write_text(text.replace("female_probability = 1", f"female_probability = {share}").replace(
            "postmenopausal_probability = 1", ""), "utf-8")
        with pytest.raises(BatchError, match=rf"menopausal_hormone_therapy = true \(the scenario or \[set\]\) is not "
                                             rf"allowed with this cohort: it can draw {who}"):
            expand_runs(load_batch(path))


def test_add_refuses_a_true_false_setting_and_points_to_set(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text('name = "b"\nscenario = "postmenopausal"\n[cohort]\npatients = 2\n[[arms]]\nname = "ht"\n'
                    'add = { menopausal_hormone_therapy = true }\n', "utf-8")
    with pytest.raises(BatchError, match=r"arms #1 \(ht\).add.menopausal_hormone_therapy = true is not allowed: must "
                                         r"be a number: add adds an amount to the patient's own value; put a "
                                         r"true/false or text setting in set, e.g. set = \{ "
                                         r"menopausal_hormone_therapy = true \}"):
        load_batch(path)


def test_add_of_a_number_setting_given_true_says_it_must_be_a_number_without_pointing_to_set(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text('name = "b"\nscenario = "postmenopausal"\n[cohort]\npatients = 2\n[[arms]]\nname = "w"\n'
                    'add = { warfarin_mg_per_day = true }\n', "utf-8")
    with pytest.raises(BatchError) as err:
        load_batch(path)
    assert str(err.value).endswith("arms #1 (w).add.warfarin_mg_per_day = true is not allowed: must be a number: add "
                                   "adds an amount to the patient's own value")


def test_the_refusal_shows_a_run_ending_just_short_of_the_limit_below_it():
    """A woman of 52 with her final period planned at 58 on therapy for a year (365 days: to 52.9993) was told the run
    "ends at age 53, more than 5 years before" her final period and to run her past 53 (a reviewer, 2026-12-08)."""
    woman = _woman(postmenopausal=False, years_since_menopause=0.0, age_years=52.0, age_at_final_menstrual_period=58.0,
                   years=1.0, menopausal_hormone_therapy=True)
    with pytest.raises(ScenarioError) as caught:
        simulate(woman)
    assert "the run ends at age 52.999, more than 5 years before her planned final period" in str(caught.value)
    assert "run her past 53 or leave it at false" in str(caught.value)
