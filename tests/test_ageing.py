"""Age, sex and menopause laws (calcium_abm.physiology.ageing): directions and published anchors.

Each anchor names the number it checks and where it was read (see docs/design/person.md).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from calcium_abm.errors import UserInputError
from calcium_abm.physiology import ageing, parameter_registry, person_traits, skeleton


def all_parameters() -> SimpleNamespace:
    """Registry defaults plus this module's (not yet in the registry)."""
    values = {name: q.value for name, q in parameter_registry().items()}
    for mod in (ageing, person_traits, skeleton):
        values.update({q.name: q.value for q in mod.PARAMETERS})
    return SimpleNamespace(**values)


P = all_parameters()


def with_params(**changes) -> SimpleNamespace:
    return SimpleNamespace(**{**vars(P), **changes})


# ----------------------------------------------------------------------------- declarations
def test_parameters_are_new_names_with_unit_source_and_range():
    registry = parameter_registry()
    names = [q.name for q in ageing.PARAMETERS] + [q.name for q in person_traits.PARAMETERS]
    assert len(names) == len(set(names))
    assert set(names) <= set(registry), "both modules are registered (physiology.MODULES)"
    for q in ageing.PARAMETERS:
        assert q.unit and q.source and q.description, q.name
        assert q.minimum <= q.value <= q.maximum, q.name


def test_reused_remodeling_parameters_exist_in_the_registry():
    # the menopause law reuses the remodeling module's adaptation constants, not copies
    registry = parameter_registry()
    assert "estrogen_loss_adaptation_years" in registry
    assert "estrogen_loss_late_effect_fraction" in registry


# ----------------------------------------------------------------------------- osteoblasts
def test_osteoblast_capacity_is_one_at_the_reference_age_and_falls_with_age():
    ages = np.arange(20.0, 101.0, 5.0)
    cap = ageing.osteoblast_capacity_by_age(ages, P)
    assert ageing.osteoblast_capacity_by_age(P.osteoblast_reference_age_years, P) == pytest.approx(1.0)
    assert np.all(np.diff(cap) < 0)
    # 0.14 um/yr on ~61 um: 11 % less bone per cycle at 80 than at 30
    assert 0.85 < ageing.osteoblast_capacity_by_age(80.0, P) < 0.92


def test_wall_thickness_matches_the_published_population_mean():
    # 85 people aged 18-90: mean 59.4 +/- 5.9 um; the line's mean over that age range must fall within 1 SD
    mean_line = float(np.mean(ageing.wall_thickness_um(np.linspace(18, 90, 73), P)))
    assert abs(mean_line - 59.4) < 5.9


def test_bmu_balance_is_zero_while_teams_refill_and_a_growing_deficit_later():
    margin = 1.05
    assert ageing.bmu_balance_by_age(35.0, margin, P) == 0.0
    d65, d85 = -ageing.bmu_balance_by_age(65.0, margin, P), -ageing.bmu_balance_by_age(85.0, margin, P)
    assert 0 < d65 < d85
    # MrOS (Cawthon 2009): loss 2.5x faster at 85 than at 65; the per-cycle deficit alone gives
    # more than 1.5x of it (the rest must come from activation: PTH rising with age)
    assert d85 / d65 > 1.5


# ----------------------------------------------------------------------------- gut
def test_calcium_absorption_falls_with_age_at_the_published_rate():
    onset = P.absorption_decline_onset_age_years
    young = ageing.calcium_absorption_by_age(onset, False, P)
    assert young == pytest.approx(1.0)
    # no decline before the onset (Bullamore 1970: absorption falls after about 60)
    assert ageing.calcium_absorption_by_age(onset - 20.0, False, P) == pytest.approx(1.0)
    a = ageing.calcium_absorption_by_age(onset + np.array([0.0, 10.0, 20.0, 30.0]), False, P)
    assert np.all(np.diff(a) < 0)
    # Heaney 1989: fractional absorption 0.0021 lower per year -> 0.021 per decade
    fall_per_decade = (a[1] - a[2]) * P.reference_fractional_absorption
    assert fall_per_decade == pytest.approx(0.021, rel=1e-9)


def test_menopause_lowers_absorption_once_by_the_published_step():
    pre = ageing.calcium_absorption_by_age(52.0, False, P)
    post = ageing.calcium_absorption_by_age(52.0, True, P)
    assert (pre - post) * P.reference_fractional_absorption == pytest.approx(0.022)


def test_absorption_keeps_its_floor():
    # with the published slope even 120 y stays above the floor (1 - 0.2005 / 0.30 = 0.33) ...
    assert ageing.calcium_absorption_by_age(120.0, True, P) > P.absorption_minimum_relative
    # ... a steeper decline stops at it
    steep = with_params(absorption_fraction_decline_per_year=0.01)
    assert ageing.calcium_absorption_by_age(120.0, True, steep) == pytest.approx(P.absorption_minimum_relative)


# ----------------------------------------------------------------------------- kidneys
@pytest.mark.parametrize("sex", ["female", "male"])
def test_gfr_at_80_vs_40_within_the_cited_range(sex):
    drop = ageing.gfr_by_age_ml_per_min(40.0, sex, P) - ageing.gfr_by_age_ml_per_min(80.0, sex, P)
    # 0.72-1.15 mL/min/1.73m2 per year after 40 (PMC7350990; Cohen 2014)
    assert 0.7 * 40 <= drop <= 1.15 * 40


def test_gfr_falls_faster_in_women_and_within_the_measured_ci():
    men = (ageing.gfr_by_age_ml_per_min(60.0, "male", P) - ageing.gfr_by_age_ml_per_min(90.0, "male", P)) / 30
    women = (ageing.gfr_by_age_ml_per_min(60.0, "female", P) - ageing.gfr_by_age_ml_per_min(90.0, "female", P)) / 30
    assert 0.48 <= men <= 0.96         # PMC7350990, men: -0.72 (95 % CI -0.96 to -0.48)
    assert men < women <= 1.25          # women: -1.03 (CI lower bound -1.25)


def test_gfr_is_monotone_and_at_the_model_reference_at_40():
    ages = np.linspace(0, 120, 241)
    for sex in ("female", "male"):
        g = ageing.gfr_by_age_ml_per_min(ages, sex, P)
        assert np.all(np.diff(g) <= 0)
        assert g.min() >= P.gfr_minimum_ml_per_min
    assert ageing.gfr_by_age_ml_per_min(40.0, "male", P) == pytest.approx(100.0)
    # Cohen 2014: 0.82 /y at 20-30 y
    assert ageing.gfr_by_age_ml_per_min(20.0, "male", P) - ageing.gfr_by_age_ml_per_min(30.0, "male", P) == \
        pytest.approx(8.2)


# ----------------------------------------------------------------------------- vessel wall
def test_vascular_propensity_rises_with_age_like_cac_incidence():
    ages = np.arange(30.0, 95.0, 5.0)
    prop = ageing.vascular_calcification_propensity(ages, "male", 0.0, P)
    assert np.all(np.diff(prop) > 0)
    # MESA (PMID 17502571): incidence < 5 %/y below 50, > 12 %/y above 80 -> ratio >= 2.4
    ratio = ageing.vascular_calcification_propensity(82.0, "male", 0.0, P) / \
        ageing.vascular_calcification_propensity(47.0, "male", 0.0, P)
    assert 2.4 <= ratio <= 4.0
    assert ageing.vascular_calcification_propensity(50.0, "male", 0.0, P) == pytest.approx(1.0)


def test_estrogen_protects_the_vessel_wall_before_menopause():
    man = ageing.vascular_calcification_propensity(45.0, "male", 0.0, P)
    pre = ageing.vascular_calcification_propensity(45.0, "female", 1.0, P)
    post = ageing.vascular_calcification_propensity(45.0, "female", 0.0, P)
    assert pre < post and pre < man
    # WHI-CACS: 40-60 % lower odds of CAC with adherent estrogen use -> protection in that band
    assert 0.4 <= 1 - pre / post <= 0.6


def test_estrogen_level_during_the_transition_sets_the_vessel_drive():
    t = np.array([-5.0, -1.0, 0.0, 3.0])
    e = ageing.ovarian_estrogen_level(t, P)
    prop = ageing.vascular_calcification_propensity(np.full(4, 51.0), "female", e, P)
    assert np.all(np.diff(prop) > 0)


def test_a_man_with_ovarian_estrogen_is_refused_with_a_clear_message():
    with pytest.raises(UserInputError, match=r"estrogen_level = 0\.5 .*male"):
        ageing.vascular_calcification_propensity(60.0, "male", 0.5, P)
    with pytest.raises(UserInputError, match="estrogen_level"):
        ageing.vascular_calcification_propensity(60.0, "female", 1.5, P)


# ----------------------------------------------------------------------------- menopause
def test_perimenopausal_effect_starts_before_the_final_period():
    assert ageing.perimenopausal_estrogen_effect(-4.0, P) < 0.02
    assert ageing.perimenopausal_estrogen_effect(-1.5, P) > 0.1            # SWAN: loss begins 1-2 y before
    assert ageing.perimenopausal_estrogen_effect(-1.0, P) == pytest.approx(0.5, abs=0.01)
    assert ageing.perimenopausal_estrogen_effect(0.0, P) > 0.8


def test_perimenopausal_effect_is_greatest_in_the_transmenopause_then_subsides():
    t = np.linspace(-6, 40, 4601)
    e = ageing.perimenopausal_estrogen_effect(t, P)
    peak_time = t[np.argmax(e)]
    assert -1.0 <= peak_time <= P.transmenopause_end_years       # Greendale 2012: -1 ... +2 y
    after = e[t >= P.transmenopause_end_years]
    assert np.all(np.diff(after) <= 1e-12)
    assert e[-1] == pytest.approx(P.estrogen_loss_late_effect_fraction, abs=1e-3)
    # mean effect over the 2 y before the FMP is about half the full effect (PMC2869543: 1.7 vs 3.3 %/y)
    pre = e[(t >= -2) & (t <= 0)].mean()
    assert 0.35 <= pre <= 0.65


def test_activation_follows_the_estrogen_effect_with_its_lag():
    # day by day through the transition: activation trails the estrogen effect and peaks later
    days = np.arange(-5 * 365, 6 * 365)
    e = ageing.perimenopausal_estrogen_effect(days / ageing.DAYS_PER_YEAR_OF_AGE, P)
    a = np.empty_like(e)
    a[0] = e[0]
    for i in range(1, days.size):
        a[i] = ageing.lagged_activation_effect(a[i - 1], e[i], P, 1.0)
    rising = days <= 0
    assert np.all(a[rising] <= e[rising] + 1e-12)
    assert days[np.argmax(a)] > days[np.argmax(e)]
    # SWAN (Sowers 2013): resorption near its peak 1-1.5 y after the final period
    at = lambda years: a[np.searchsorted(days, round(years * 365))]
    assert at(1.0) > 0.85 and at(-1.0) < 0.5
    # one step of a first-order relaxation, and none with no lag
    tau_days = P.estrogen_loss_activation_lag_years * ageing.DAYS_PER_YEAR_OF_AGE
    assert ageing.lagged_activation_effect(0.0, 1.0, P, tau_days) == pytest.approx(1.0 - math.exp(-1.0), rel=1e-12)
    assert ageing.lagged_activation_effect(0.2, 0.7, SimpleNamespace(**{**vars(P), "estrogen_loss_activation_lag_years": 0.0}), 1.0) == 0.7


def test_menopause_is_counted_from_when_it_begins():
    # a woman of 49 whose menopause is scheduled for age 51: one day after it she is at t = 1 day,
    # not at "years since menopause" counted from the start of the run
    t = ageing.years_relative_to_fmp(51.0 + 1 / 365, 51.0)
    assert t == pytest.approx(1 / 365)
    early = ageing.perimenopausal_estrogen_effect(t, P)
    assert early == pytest.approx(ageing.perimenopausal_estrogen_effect(0.0, P), abs=0.01)
    assert early > ageing.perimenopausal_estrogen_effect(t + 2.0 + 3.0, P)


def test_ovarian_estrogen_goes_from_one_to_zero_across_the_fmp():
    assert ageing.ovarian_estrogen_level(-6.0, P) > 0.99
    assert ageing.ovarian_estrogen_level(-1.0, P) == pytest.approx(0.5)
    assert ageing.ovarian_estrogen_level(3.0, P) < 0.01


# ----------------------------------------------------------------------------- reference BMD
@pytest.mark.parametrize("sex", ["female", "male"])
def test_t_score_and_its_inverse_round_trip(sex):
    t = np.linspace(-4, 3, 15)
    assert np.allclose(ageing.t_score(ageing.bmd_from_t_score(t, sex, P), sex, P), t)
    assert ageing.t_score(ageing.peak_bmd_g_cm2(sex, P), sex, P) == pytest.approx(0.0)


def test_t_score_uses_the_sex_specific_reference():
    # NHANES young adults: women 1.064 (SD 0.106), men 1.057 (SD 0.110)
    assert ageing.t_score(1.064 - 2 * 0.106, "female", P) == pytest.approx(-2.0)
    assert ageing.t_score(1.057 - 0.110, "male", P) == pytest.approx(-1.0)
    assert ageing.bmd_from_t_score(-2.5, "female", P) != ageing.bmd_from_t_score(-2.5, "male", P)


def test_men_have_larger_bones_at_similar_areal_density():
    assert ageing.bone_size_factor("female", P) < ageing.bone_size_factor("male", P) == 1.0
    assert abs(ageing.peak_bmd_g_cm2("female", P) / ageing.peak_bmd_g_cm2("male", P) - 1) < 0.05


# ----------------------------------------------------------------------------- input checks
@pytest.mark.parametrize("age", [-1.0, 130.0, math.nan])
def test_bad_age_gets_one_clear_message(age):
    with pytest.raises(UserInputError, match=r"age_years = .* from 0 to 120"):
        ageing.gfr_by_age_ml_per_min(age, "male", P)


def test_bad_sex_and_bmd_get_clear_messages():
    with pytest.raises(UserInputError, match=r"sex = 'other'.*female.*male"):
        ageing.t_score(0.9, "other", P)
    with pytest.raises(UserInputError, match="bmd_g_cm2"):
        ageing.t_score(-0.1, "female", P)
    with pytest.raises(UserInputError, match="t_score"):
        ageing.bmd_from_t_score(9.0, "female", P)
    with pytest.raises(UserInputError, match="postmenopausal"):
        ageing.calcium_absorption_by_age(60.0, "yes", P)


def test_scalars_give_floats_and_arrays_give_arrays_of_the_same_values():
    ages = np.array([35.0, 62.5, 90.0])
    for fn in (lambda a: ageing.gfr_by_age_ml_per_min(a, "female", P),
               lambda a: ageing.osteoblast_capacity_by_age(a, P),
               lambda a: ageing.calcium_absorption_by_age(a, False, P),
               lambda a: ageing.vascular_calcification_propensity(a, "male", 0.0, P)):
        arr = fn(ages)
        assert isinstance(arr, np.ndarray) and arr.shape == (3,)
        singles = [fn(float(a)) for a in ages]
        assert all(isinstance(s, float) for s in singles)
        assert np.allclose(arr, singles)


def test_late_postmenopausal_loss_acts_through_calcium_homeostasis_not_bone_cells():
    # Riggs, Khosla & Melton 1998 (unitary model): the direct effects of estrogen loss on bone
    # cells make the accelerated phase of the first decade; the slow phase after it comes from
    # extraskeletal calcium homeostasis (here: the menopausal fall in absorption, Heaney 1989)
    early = ageing.perimenopausal_estrogen_effect(1.0, P)
    late = ageing.perimenopausal_estrogen_effect(14.0, P)
    assert early > 0.9
    assert late < 0.15 * early
    assert ageing.calcium_absorption_by_age(65.0, True, P) < ageing.calcium_absorption_by_age(65.0, False, P)


# ----------------------------------------------------------------------------- DXA areal reading
def test_the_areal_factor_follows_vertebral_growth_of_riggs_2004():
    """Area +15 % over 70 adult years (Riggs 2004), depth as its square root: areal BMD per unit
    of volumetric BMD is 1 at the reference age, ~ +4 % at 70 vs 30, and grows with age."""
    assert skeleton.spine_areal_bmd_factor(30.0, 30.0, P) == pytest.approx(1.0)
    over_life = skeleton.spine_areal_bmd_factor(90.0, 20.0, P) ** 2
    assert over_life == pytest.approx(1.15, abs=0.01)
    f = skeleton.spine_areal_bmd_factor(np.array([40.0, 60.0, 70.0, 80.0]), 30.0, P)
    assert np.all(np.diff(f) > 0) and f[2] == pytest.approx(1.04, abs=0.005)
    assert skeleton.spine_areal_bmd_factor(70.0, 30.0, with_params(vertebral_area_growth_per_year=0.0)) == 1.0


def test_the_areal_factor_refuses_a_bad_age():
    with pytest.raises(UserInputError, match="reference_age_years"):
        skeleton.spine_areal_bmd_factor(60.0, -3.0, P)


def test_osteophytes_are_common_after_60_more_in_men_and_absent_in_young_adults():
    """Liu 1997: 75 % of men and 61.1 % of women aged 60-99 have lumbar osteophytes."""
    assert skeleton.lumbar_osteophyte_prevalence(30.0, "male", P) == 0.0
    assert skeleton.lumbar_osteophyte_prevalence(70.0, "male", P) == pytest.approx(0.75)
    assert skeleton.lumbar_osteophyte_prevalence(70.0, "female", P) == pytest.approx(0.611)
    assert 0.0 < skeleton.lumbar_osteophyte_prevalence(50.0, "female", P) < 0.611


def test_the_dxa_reading_adds_osteophyte_mineral_to_the_areal_bone():
    """Orwoll 1990: men 1.34 vs 1.17 g/cm2 with and without osteophytes (+0.17 g/cm2); without
    osteophytes, the section on the DXA scale (the typical young adult's section reads the sex's
    young-adult mean) times the areal factor."""
    scale = 1.057 / (P.reference_bmd_g_cm2 * P.young_adult_section_bmd_relative)
    young_section = P.reference_bmd_g_cm2 * P.young_adult_section_bmd_relative
    assert skeleton.spine_dxa_bmd_g_cm2(young_section, 30.0, 30.0, "male", False, P) == pytest.approx(1.057)
    without = skeleton.spine_dxa_bmd_g_cm2(0.9, 70.0, 30.0, "male", False, P)
    assert without == pytest.approx(0.9 * scale * skeleton.spine_areal_bmd_factor(70.0, 30.0, P))
    added = skeleton.spine_dxa_bmd_g_cm2(0.9, 70.0, 30.0, "male", True, P) - without
    assert added == pytest.approx(0.17, rel=1e-6)
    both = skeleton.spine_dxa_bmd_g_cm2(np.array([0.9, 0.9]), 70.0, 30.0, "male", np.array([False, True]), P)
    assert both[1] - both[0] == pytest.approx(added)
    # Liu 1997's variance explained gives women a smaller increment (0.13 g/cm2)
    woman_without = skeleton.spine_dxa_bmd_g_cm2(0.9, 70.0, 30.0, "female", False, P)
    woman = skeleton.spine_dxa_bmd_g_cm2(0.9, 70.0, 30.0, "female", True, P) - woman_without
    assert woman == pytest.approx(0.13, rel=1e-6) and woman < added


def test_the_renal_estrogen_leak_acts_on_women_without_estrogen_only():
    """``estrogen_renal_calcium_excretion_rise`` scales a woman's reference urine calcium by
    ``1 + rise (1 - E)``: nothing before the menopause transition or for a man, the full rise long
    after the final period, and a different value changes her excretion."""
    from calcium_abm.physiology import parameter_set

    p = parameter_set()
    base = p.reference_urine_calcium_mg_per_day
    late_woman = ageing.personal_parameters(p, 70.0, "female", 20.0).reference_urine_calcium_mg_per_day
    assert late_woman == pytest.approx(base * (1.0 + p.estrogen_renal_calcium_excretion_rise), rel=1e-3)
    assert ageing.personal_parameters(p, 40.0, "female", None).reference_urine_calcium_mg_per_day == base
    assert ageing.personal_parameters(p, 70.0, "male", None).reference_urine_calcium_mg_per_day == base
    doubled = p._replace(estrogen_renal_calcium_excretion_rise=2 * p.estrogen_renal_calcium_excretion_rise)
    assert ageing.personal_parameters(doubled, 70.0, "female", 20.0).reference_urine_calcium_mg_per_day > late_woman
