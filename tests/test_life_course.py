"""The life-course start (issue 10): without a measured T-score a person starts from the bone the
model's own rules leave at their age (calcium_abm/physiology/life_course.py, person.live_life_course).
Every assertion compares people or runs that would be equal if the life course were not integrated."""

from __future__ import annotations

import numpy as np
import pytest

from calcium_abm import person, simulate
from calcium_abm.model import CalciumParadoxModel
from calcium_abm.physiology import ageing, life_course

SMALL = {"bone_grid_width": 32, "bone_grid_height": 32, "vessel_grid_width": 8, "vessel_grid_height": 8,
         "years": 1.0}
WOMAN_70 = {"sex": "female", "age_years": 70.0, "postmenopausal": True, "years_since_menopause": 19.0}


def build(seed: int = 3, **settings) -> CalciumParadoxModel:
    return CalciumParadoxModel("healthy_adult", rng=seed, **{**SMALL, **settings})


def test_an_old_woman_starts_lower_than_a_young_one_and_than_a_man_of_her_age():
    woman_40 = build(sex="female", age_years=40.0)
    woman_70, man_70 = build(**WOMAN_70), build(sex="male", age_years=70.0)
    assert woman_70.bmd_day0 < woman_40.bmd_day0 - 0.1          # ~20 % of the young-adult bone lost by 70
    assert woman_70.bmd_day0 < man_70.bmd_day0 - 0.05            # her menopause on top of the age laws
    assert man_70.bmd_day0 < build(sex="male", age_years=40.0).bmd_day0
    assert woman_70.life_course.cortical_fraction < man_70.life_course.cortical_fraction < 1.0
    assert woman_70.cortical.mineral_mg < build(**{**WOMAN_70, "baseline_bmd_t_score": 0.0}).cortical.mineral_mg


def test_the_start_is_what_the_full_model_gives_when_run_from_the_young_adult_peak():
    """A woman of 70 built with the life course against the same woman simulated with the complete
    daily step from 30 (the young-adult start, where no life course is integrated): BMD relative
    to the start at 30, mean of two seeds each, on the default 64 x 64 bone section. The measured
    difference is < 0.01 (docs/design/person.md); a mean-field integration of the same laws was
    0.03 too high, outside this band."""
    grid = {"bone_grid_width": 64, "bone_grid_height": 64, "vessel_grid_width": 8, "vessel_grid_height": 8}
    young = {**grid, "sex": "female", "age_years": 30.0, "age_at_final_menstrual_period": 51.0}
    simulated, started = [], []
    for seed in (1, 2):
        run = simulate("healthy_adult", years=40.0, seed=seed, overrides={**young, "record_every_days": 365})
        simulated.append(run["bone_mineral_density_g_cm2"].iloc[-1] / run["bone_mineral_density_g_cm2"].iloc[0])
        start_30 = CalciumParadoxModel("healthy_adult", rng=seed, **young).bmd_day0
        started.append(CalciumParadoxModel("healthy_adult", rng=seed, **grid, **WOMAN_70).bmd_day0 / start_30)
    assert np.mean(simulated) < 0.85                                 # the run loses bone: the check can fail
    assert np.mean(started) == pytest.approx(np.mean(simulated), abs=0.02)


def test_a_measured_t_score_overrides_the_life_course():
    """A woman of 80 with a young-adult T-score starts at it, far above her life course."""
    own = build(sex="female", age_years=80.0, postmenopausal=True, years_since_menopause=29.0)
    measured = build(sex="female", age_years=80.0, postmenopausal=True, years_since_menopause=29.0,
                     baseline_bmd_t_score=-0.5)
    dxa_day0 = measured.current_row()["lumbar_spine_dxa_bmd_g_cm2"]
    assert ageing.t_score(dxa_day0, "female", measured.params) == pytest.approx(-0.5, abs=1e-6)
    assert ageing.t_score(own.bmd_day0, "female", own.params) < -2.0
    assert "life_course" not in measured.__dict__


def test_same_seed_same_start_another_seed_another_life_course():
    a, b, c = build(seed=11, **WOMAN_70), build(seed=11, **WOMAN_70), build(seed=12, **WOMAN_70)
    assert np.array_equal(a.bone.mineral, b.bone.mineral) and a.cortical == b.cortical
    assert a.life_course == b.life_course
    assert a.life_course.trabecular_fraction != c.life_course.trabecular_fraction


def test_the_young_adult_and_rodents_start_at_the_peak():
    """No life course before osteoblast_reference_age_years (+ the spin-up); the rodent presets have no
    age laws and no life course (an age other than 0, which acted on nothing, is refused)."""
    assert build(sex="male", age_years=30.5).life_course.years == 0.0
    assert build(sex="male", age_years=40.0).life_course.years == pytest.approx(40.0 - 30.0 - 400 / 365.25, abs=0.03)
    assert "life_course" not in build(species="rat", age_years=0.0, years=0.5).__dict__


def test_the_traits_act_through_the_life_course():
    """A lower remodeling balance or calcium absorption loses more bone over the decades; the
    peak bone mass trait starts the life course's own section higher."""
    typical = build(sex="male", age_years=75.0)
    assert build(sex="male", age_years=75.0, remodeling_balance=0.97).life_course.trabecular_fraction \
        < typical.life_course.trabecular_fraction
    assert build(sex="male", age_years=75.0, calcium_absorption_efficiency=0.6).life_course.trabecular_fraction \
        < typical.life_course.trabecular_fraction
    assert build(sex="male", age_years=75.0, peak_bone_mass=1.2).bmd_day0 > typical.bmd_day0


def test_life_course_pth_is_the_kidney_law_times_the_balance_and_rises_with_age():
    """At the young-adult start of a typical man PTH is the kidney laws' steady state times his own
    calcium balance's factor on his kidneys of 30, within 2 % of 1 (the laws are calibrated near
    the reference man's balance); it rises with age."""
    m = build(sex="male", age_years=80.0)
    base = m.base_params

    def params_at(age: float):
        return ageing.personal_parameters(base, age, "male", None, person.traits_of(m.inputs.patient))

    pth_at = person.life_course_pth(m, params_at, 30.0, 78.9)
    p30 = params_at(30.0)
    from calcium_abm.physiology import calcium, minerals
    from calcium_abm.scenario import Scenario
    k30 = minerals.kidney_inputs(Scenario(), ageing.gfr_for_person_ml_per_min(
        30.0, "male", calcium.GFR_ML_PER_MIN_BY_CKD_STAGE[0], p30), 0.0, p30)
    # at 30 the young person's own balance on their kidneys, near 1 (the laws are calibrated near it)
    factor30 = person.calcium_balance_pth_factor(k30, m.inputs.diet.calcium_mg_per_day, p30)
    assert pth_at(30.0, p30) == pytest.approx(minerals.steady_pth_relative(k30, p30) * factor30, rel=1e-12)
    assert factor30 == pytest.approx(1.0, abs=0.02)
    values = [pth_at(a, params_at(a)) for a in (30.0, 50.0, 65.0, 78.9)]
    assert values == sorted(values) and values[-1] > 1.2 * values[0]


def test_knots_cover_the_kinks_of_the_laws_inside_the_span():
    p = build().base_params
    assert life_course.pth_knot_ages(30.0, 78.9, p) == [30.0, 40.0, p.absorption_decline_onset_age_years, 78.9]
    assert life_course.pth_knot_ages(30.0, 45.0, p) == [30.0, 40.0, 45.0]


def test_the_kidney_steady_state_does_not_read_the_guts_calcium_rates():
    """Why the final period needs no PTH knot: the menopausal drop of calcium absorption acts
    through the calcium-balance factor only."""
    from calcium_abm.physiology import minerals
    m = build(sex="female", age_years=55.0, postmenopausal=True, years_since_menopause=4.0)
    k, p = m.kidney_inputs(), m.params
    gut = p._replace(passive_absorption_per_day=0.5 * p.passive_absorption_per_day,
                     active_absorption_max_mg_per_day=0.5 * p.active_absorption_max_mg_per_day)
    assert minerals.steady_pth_relative(k, gut) == minerals.steady_pth_relative(k, p)
    assert person.day0_balance_factor(m, gut) > person.day0_balance_factor(m, p)


def test_a_balance_set_for_today_acts_on_the_last_years_not_on_the_decades_since_30():
    """The remodeling balance wanders (correlation time remodeling_balance_correlation_years): over
    the life course it takes its expected past value, so a woman 2 SD below the median starts a few
    per cent below the typical woman (not at half her bone, as a lifetime at today's value gave) and
    her skeleton still remodels; the expectation is that of the trait's own Ornstein-Uhlenbeck law."""
    woman_65 = {"sex": "female", "age_years": 65.0, "postmenopausal": True, "years_since_menopause": 14.0}
    typical, low = build(**woman_65), build(**woman_65, remodeling_balance=0.92)
    assert 0.85 * typical.bmd_day0 < low.bmd_day0 < typical.bmd_day0
    low.step()
    assert low.osteoclasts.count > 0


def test_the_expected_past_of_a_wandering_trait_is_its_ornstein_uhlenbeck_mean_backwards():
    from calcium_abm.physiology import person_traits

    assert person_traits.expected_past_trait(0.9, 1.0, 0.0, 2.0) == 0.9
    assert person_traits.expected_past_trait(0.9, 1.0, 2.0, 2.0) == pytest.approx(1.0 - 0.1 / np.e, rel=1e-15)
    assert person_traits.expected_past_trait(1.3, 1.0, 200.0, 2.0) == pytest.approx(1.0, abs=1e-12)
    # stationary paths of the trait's own law: the mean of the value 3 years before, among paths now near 0.92
    rng, n, sd, tau = np.random.default_rng(5), 400_000, 0.04, 2.0
    then = rng.normal(1.0, sd, n)
    now = then
    for _ in range(30):  # 3 years in 0.1-year steps
        now = person_traits.wandering_trait_step(now, 1.0, sd, 0.1, tau, rng.standard_normal(n))
    near = np.abs(now - 0.92) < 0.005
    assert then[near].mean() == pytest.approx(person_traits.expected_past_trait(0.92, 1.0, 3.0, tau), abs=0.002)
    with pytest.raises(Exception, match="years_before"):
        person_traits.expected_past_trait(1.0, 1.0, -1.0, 2.0)


def _python_steps(bone, ocs, obs, cortical, effects, activation, pth, supply, p, rng):
    """The life course's steps as the laws give them called one by one from Python (the loop
    life_course._coarse_steps compiles)."""
    from calcium_abm.physiology import remodeling, skeleton

    for effect in effects:
        activation = ageing.lagged_activation_effect(activation, effect, p, life_course.STEP_DAYS)
        drives = remodeling.bone_drives(pth, effect, supply, p, activation)
        remodeling.remodel_day(bone, ocs, obs, drives, p, rng, life_course.STEP_DAYS, without_agents=True)
        skeleton.mineralise(bone, np.inf, 1.0, p, life_course.STEP_DAYS)
        skeleton.cortical_day(cortical, drives, p, life_course.STEP_DAYS)
        skeleton.mineralise_cortical(cortical, np.inf, 1.0, p, life_course.STEP_DAYS)
    return activation


@pytest.mark.parametrize("effect", [0.0, 0.6])
def test_the_compiled_steps_give_the_python_laws_numbers_bit_for_bit(effect):
    """life_course._coarse_steps (compiled from the laws' one definition) against the same laws
    called from Python on copies of one section, over 30 steps of a woman's rates at 60 under a
    raised PTH, with osteoclast births that grow the populations' arrays (the call returns early)."""
    import copy

    from calcium_abm.parameters import drive_record_slot
    from calcium_abm.physiology import compiled_laws, remodeling, skeleton
    from calcium_abm.populations import CellPopulation
    from calcium_abm.random_stream import RandomStream

    model = build(sex="female", age_years=60.0, postmenopausal=True, years_since_menopause=9.0)
    p, supply = model.params, person.healthy_bone_vitamin_k_supply(model.params, model.dt)
    effects = np.linspace(effect, effect / 2, 30)
    # no osteoclast slot at the start, so that births grow the arrays inside the compiled steps
    sections = [(copy.deepcopy(model.bone), CellPopulation(dict(model.osteoclasts._dtypes), capacity=1),
                 copy.deepcopy(model.osteoblasts)) for _ in range(2)]
    cortical = [skeleton.CorticalBone(1000.0, 20.0, 5.0) for _ in range(2)]
    bone, ocs, obs = sections[0]
    expected = _python_steps(bone, ocs, obs, cortical[0], effects, 0.1, 1.4, supply, p,
                             RandomStream(np.random.default_rng(5)))
    bone, ocs, obs = sections[1]
    stream, rates, left, activation = RandomStream(np.random.default_rng(5)), drive_record_slot(
        remodeling.RemodelingRates), effects, 0.1
    mg, calls = (1000.0, 20.0, 5.0), 0
    while left.size:
        done, oc, ob, activation, mg = life_course._coarse_steps(
            bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(), bone.mineral_deficit.ravel(),
            *bone.mineral.shape, ocs.kernel_fields(), obs.kernel_fields(), rates, rates.view(np.float64),
            compiled_laws.law_parameters(p), stream, left, activation, 1.4, supply, mg, bone.mineral_mg_per_unit,
            life_course.STEP_DAYS)
        left, calls = left[done:], calls + 1
        for population, fields in ((ocs, oc), (obs, ob)):
            if fields is not None:
                population.adopt(fields)
    assert activation == expected
    assert mg == (cortical[0].mineral_mg, cortical[0].cavity_mg, cortical[0].osteoid_mg)
    for name in ("mineral", "osteoid", "cavity", "mineral_deficit"):
        assert np.array_equal(getattr(sections[0][0], name), getattr(bone, name)), name
    for python_cells, compiled_cells in ((sections[0][1], ocs), (sections[0][2], obs)):
        assert all(np.array_equal(a, b) for a, b in zip(python_cells.kernel_fields(), compiled_cells.kernel_fields()))
    assert calls > 1                                     # births grew the arrays: the call returned early
    assert not np.array_equal(bone.cavity, model.bone.cavity) and mg != (1000.0, 20.0, 5.0)  # the steps acted


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 127, 128, 129, 255, 256, 1000, 4096, 65_536 + 13])
def test_numpy_sum_adds_as_numpy_does(size):
    """life_course.numpy_sum, which the compiled spin-up adds the mineral deficit with, is numpy's
    pairwise sum bit for bit (a sum in sequence differs in the last bits for most sizes above 8)."""
    rng = np.random.default_rng(size)
    values = rng.random(size) * 10.0 ** rng.uniform(-6, 6, size)
    values[rng.random(size) < 0.4] = 0.0
    assert life_course.numpy_sum(values, 0, size) == values.sum()
    assert life_course.numpy_sum(values, 3, max(size - 5, 0)) == values[3:3 + max(size - 5, 0)].sum()
    in_sequence = 0.0
    for value in values:
        in_sequence += value
    if size >= 1000:
        assert in_sequence != values.sum()  # so the test can tell the two orders apart


def _python_spin_up(bone, ocs, obs, supply, p, rng, dt, days, effect_at, pth, capxp):
    """The spin-up as the laws called from Python, day by day (what life_course.spin_up_section compiles)."""
    import math

    from calcium_abm.physiology import remodeling, skeleton

    steps = int(math.ceil(days / dt))
    activation, laid_mg = effect_at(steps * dt), 0.0
    for i in range(steps):
        effect = effect_at((steps - i) * dt)
        activation = ageing.lagged_activation_effect(activation, effect, p, dt)
        drives = remodeling.bone_drives(pth, effect, supply, p, activation)
        remodeling.remodel_day(bone, ocs, obs, drives, p, rng, dt, without_agents=True)
        matured_mg = bone.mineral_deficit.sum() * skeleton.secondary_fraction(p, dt) * bone.mineral_mg_per_unit
        moved_mg = skeleton.mineralise(bone, math.inf, capxp, p, dt)
        if (steps - i) * dt <= life_course.SETTLE_DAYS:
            laid_mg += moved_mg - matured_mg
    skeleton.settle_mineral_deficit(bone, laid_mg / min(life_course.SETTLE_DAYS, steps * dt) * dt, p, dt)
    return activation


@pytest.mark.parametrize("dt, days", [(1.0, 400.0), (10.0, 400.0)])
def test_the_compiled_spin_up_gives_the_python_laws_numbers_bit_for_bit(dt, days):
    """life_course.spin_up_section against the laws called from Python on a copy of the same section:
    a woman's falling estrogen, a raised PTH and Ca x P, and no osteoclast slot at the start (births
    grow the arrays inside the compiled steps, which then return early)."""
    import copy

    from calcium_abm.populations import CellPopulation
    from calcium_abm.random_stream import RandomStream

    model = build(sex="female", age_years=60.0, postmenopausal=True, years_since_menopause=9.0, bone_grid_width=64,
                  bone_grid_height=64)
    p, supply = model.params, person.healthy_bone_vitamin_k_supply(model.params, model.dt)
    sections = [(copy.deepcopy(model.bone), CellPopulation(dict(model.osteoclasts._dtypes), capacity=1),
                 copy.deepcopy(model.osteoblasts)) for _ in range(2)]
    effect_at = lambda days_before: 0.7 * days_before / (days + 1.0)  # noqa: E731 (estrogen falling to day 0)
    expected = _python_spin_up(*sections[0], supply, p, RandomStream(np.random.default_rng(9)), dt, days, effect_at,
                               1.6, 1.3)
    grown = sections[1][1].capacity
    activation = life_course.spin_up_section(*sections[1], supply, p, RandomStream(np.random.default_rng(9)), dt, days,
                                             effect_at, 1.6, 1.3)
    assert activation == expected
    (python_bone, python_ocs, python_obs), (bone, ocs, obs) = sections
    for name in ("mineral", "osteoid", "cavity", "mineral_deficit"):
        assert np.array_equal(getattr(python_bone, name), getattr(bone, name)), name
    assert python_bone.day_sums == bone.day_sums
    for python_cells, compiled_cells in ((python_ocs, ocs), (python_obs, obs)):
        assert all(np.array_equal(a, b) for a, b in zip(python_cells.kernel_fields(), compiled_cells.kernel_fields()))
    assert ocs.capacity > grown                                         # births grew the arrays
    assert not np.array_equal(bone.mineral_deficit, model.bone.mineral_deficit)  # the spin-up acted
