"""Person-level traits: the typical person, determinism per seed, and that drawn traits
reproduce their stated medians and spreads (within sampling error)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from calcium_abm.errors import UserInputError
from calcium_abm.physiology import ageing, parameter_registry
from calcium_abm.physiology import person_traits as pt

#: registry defaults (the registry holds the ageing and person_traits parameters)
P = SimpleNamespace(**{name: q.value for name, q in parameter_registry().items()})


def with_params(**changes) -> SimpleNamespace:
    return SimpleNamespace(**{**vars(P), **changes})

N = 20_000


def draws(seed: int = 7, n: int = N, p=P) -> dict[str, np.ndarray]:
    return pt.draw_person_traits(np.random.default_rng(seed), p, n)


def test_parameters_have_units_sources_and_valid_values():
    for q in pt.PARAMETERS:
        assert q.unit and q.source and q.description, q.name
        assert q.minimum <= q.value <= q.maximum, q.name


def test_every_trait_names_the_rule_it_multiplies_and_its_spread_parameter():
    declared = {q.name for q in pt.PARAMETERS}
    for t in pt.TRAITS:
        assert t.multiplies
        assert t.spread_parameter in declared, t.name


def test_the_typical_person_is_every_trait_at_one():
    assert pt.typical_person(P) == {name: 1.0 for name in pt.TRAIT_NAMES}


def test_same_seed_same_people_and_another_seed_other_people():
    a, b, c = draws(3, 50), draws(3, 50), draws(4, 50)
    for name in pt.TRAIT_NAMES:
        assert np.array_equal(a[name], b[name])
        assert not np.array_equal(a[name], c[name])


def test_one_patient_gives_floats_for_every_trait():
    one = pt.draw_person_traits(np.random.default_rng(1), P)
    assert set(one) == set(pt.TRAIT_NAMES)
    assert all(isinstance(v, float) and v > 0 for v in one.values())


def test_drawn_medians_are_one_within_sampling_error():
    d = draws()
    for name, dist in pt.trait_distributions(P).items():
        x = d[name]
        # SE of a sample median: 1 / (2 f(m) sqrt(n)); allow 4 SE
        se = 1.0 / (2.0 * dist.pdf(1.0) * math.sqrt(N))
        assert abs(np.median(x) - 1.0) < 4 * se, name


def test_drawn_spreads_match_their_parameters():
    d = draws()
    # log-normal traits: SD of ln(x) is the stated log-SD (SE of an SD ~ sd / sqrt(2n))
    for name, sd in [("calcification_propensity", P.calcification_propensity_log_sd),
                     ("vitamin_k_disposition", P.vitamin_k_disposition_log_sd)]:
        assert np.std(np.log(d[name])) == pytest.approx(sd, rel=4 / math.sqrt(2 * N)), name
    for name, sd in [("remodeling_balance", P.remodeling_balance_sd), ("peak_bone_mass", P.peak_bone_mass_cv)]:
        assert np.std(d[name]) == pytest.approx(sd, rel=4 / math.sqrt(2 * N)), name
    x = d["calcium_absorption_efficiency"]
    assert np.std(x) / np.mean(x) == pytest.approx(P.calcium_absorption_cv, rel=0.05)


def test_absorption_trait_reproduces_the_measured_spread_of_fractional_absorption():
    # 18.5 +/- 7.5 % in 19 adults aged 54-74 (dual stable isotopes)
    x = 18.5 * draws()["calcium_absorption_efficiency"] / np.mean(draws()["calcium_absorption_efficiency"])
    assert np.std(x) == pytest.approx(7.5, rel=0.05)


def test_vitamin_k_trait_spans_the_published_plasma_range():
    # UK NDNS: geometric mean 0.94 nmol/L, 95 % of values 0.10-8.72 (intake adds ~8 % of the variance)
    lo, hi = 0.94 * np.quantile(draws()["vitamin_k_disposition"], [0.025, 0.975])
    assert 0.10 / 1.5 < lo < 0.10 * 1.5
    assert 8.72 / 1.5 < hi < 8.72 * 1.5


def test_remodeling_balance_spread_is_the_persistent_loss_rate_spread():
    # SD 0.04 (Melton 2000, Cawthon 2009, Ahlborg 2003: persistent loss-rate SD ~0.6 %/y at the
    # model's ~0.18 %/y per 0.01 of balance), below the 7 % CV of completed wall thickness,
    # which is coupled to erosion depth
    x = draws()["remodeling_balance"]
    assert np.std(x) / np.mean(x) == pytest.approx(P.remodeling_balance_sd, rel=0.05)
    assert P.remodeling_balance_sd < 0.07


def test_normal_traits_stay_positive_even_with_a_huge_spread():
    d = draws(p=with_params(remodeling_balance_sd=0.3, peak_bone_mass_cv=0.5), n=5000)
    assert d["remodeling_balance"].min() >= 0.01 and d["peak_bone_mass"].min() >= 0.01


def test_zero_spread_makes_everyone_typical():
    d = draws(p=with_params(calcification_propensity_log_sd=0.0, remodeling_balance_sd=0.0), n=10)
    assert np.all(d["calcification_propensity"] == 1.0) and np.all(d["remodeling_balance"] == 1.0)


def test_traits_are_drawn_independently():
    d = draws()
    names = pt.TRAIT_NAMES
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            r, _ = stats.spearmanr(d[names[i]], d[names[j]])
            assert abs(r) < 4 / math.sqrt(N), (names[i], names[j])


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_bad_patient_count_gets_a_clear_message(bad):
    with pytest.raises(UserInputError, match=r"n = .* positive whole number"):
        pt.draw_person_traits(np.random.default_rng(0), P, bad)


def test_a_seed_instead_of_a_generator_gets_a_clear_message():
    with pytest.raises(UserInputError, match=r"rng = 42 .*numpy.random.Generator"):
        pt.draw_person_traits(42, P)


# ----------------------------------------------------------------------------- wandering trait
def _wander(n: int, years: float, step_days: float = 30.0, start=None, seed: int = 3, tau=None):
    """``n`` people's remodeling balance after ``years`` of 30-day steps from ``start`` (default: drawn)."""
    rng = np.random.default_rng(seed)
    tau = P.remodeling_balance_correlation_years if tau is None else tau
    x = pt.draw_trait("remodeling_balance", rng, P, n) if start is None else np.full(n, float(start))
    x0 = x.copy()
    for _ in range(int(round(years * 365.25 / step_days))):
        x = pt.wandering_trait_step(x, 1.0, P.remodeling_balance_sd, step_days / 365.25, tau, rng.standard_normal(n))
    return x0, x


def test_a_wandering_trait_keeps_the_documented_distribution():
    """Stationary: after 20 years the population's spread is still the trait's SD, around its median."""
    _, x = _wander(20_000, 20.0)
    assert np.median(x) == pytest.approx(1.0, abs=0.002)
    assert np.std(x) == pytest.approx(P.remodeling_balance_sd, rel=0.03)


def test_a_persons_deviation_decorrelates_over_the_correlation_time():
    """Corr(day 0, t) = exp(-t / tau): ~0.61 after 1 year and ~0.08 after 5 (tau = 2 y)."""
    for years in (1.0, 5.0):
        x0, x = _wander(20_000, years)
        expected = math.exp(-years / P.remodeling_balance_correlation_years)
        assert np.corrcoef(x0, x)[0, 1] == pytest.approx(expected, abs=0.03)


def test_a_wandering_trait_shrinks_the_spread_of_a_long_average():
    """What the mechanism is for: the SD of a person's 40-year mean balance is far below the
    trait's SD (a lifelong constant keeps it whole), and a longer correlation time keeps more."""
    rng = np.random.default_rng(11)
    spreads = {}
    for tau in (2.0, 20.0):
        x = pt.draw_trait("remodeling_balance", rng, P, 4000)
        total = np.zeros_like(x)
        for _ in range(480):  # 40 years of months
            x = pt.wandering_trait_step(x, 1.0, P.remodeling_balance_sd, 1 / 12, tau, rng.standard_normal(x.size))
            total += x
        spreads[tau] = np.std(total / 480)
    assert spreads[2.0] < 0.4 * P.remodeling_balance_sd < spreads[20.0]


def test_the_typical_person_wanders_only_when_asked_and_a_zero_step_changes_nothing():
    assert pt.wandering_trait_step(1.1, 1.0, 0.04, 0.0, 2.0, 5.0) == pytest.approx(1.1)
    assert pt.wandering_trait_step(1.1, 1.0, 0.0, 100.0, 2.0, 5.0) == pytest.approx(1.0)
    assert pt.wandering_trait_step(0.02, 1.0, 0.5, 1.0, 2.0, -10.0) == pytest.approx(0.01)


@pytest.mark.parametrize("bad", [{"sd": -0.1}, {"dt_years": -1.0}, {"correlation_years": 0.0}])
def test_a_bad_wandering_step_is_refused(bad):
    args = {"sd": 0.04, "dt_years": 1.0, "correlation_years": 2.0, **bad}
    with pytest.raises(UserInputError, match=next(iter(bad))):
        pt.wandering_trait_step(1.0, 1.0, args["sd"], args["dt_years"], args["correlation_years"], 0.0)


def test_the_draw_only_spreads_act_in_no_single_run_and_the_others_do(monkeypatch):
    """DRAW_ONLY_SPREADS is what a single run refuses and a cohort's run leaves out
    (batch.conduct.person_of_cohort): each must leave one person's run bit-identical (else it acts
    and may be neither refused nor left out), and each spread left out must act. The refusal is
    switched off here to run them."""
    from calcium_abm import simulate
    from calcium_abm.physiology.person_traits import DRAW_ONLY_SPREADS, SPREADS_READ_BY_ONE_PERSON

    monkeypatch.setattr(pt, "refuse_draw_only_spreads", lambda parameters, scenario=None: None)

    small = {f"{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}
    person = {**small, "patient.calcification_propensity": 2.0, "patient.age_years": 45.0,
              "patient.remodeling_balance_varies": True}

    def run(**parameters):
        return simulate("healthy_adult", years=0.3, seed=3, overrides={**person, **parameters})

    base = run()
    assert set(DRAW_ONLY_SPREADS) | set(SPREADS_READ_BY_ONE_PERSON) == {t.spread_parameter for t in pt.TRAITS}
    for name in DRAW_ONLY_SPREADS:
        assert run(**{name: 2 * getattr(P, name)}).equals(base), f"{name} acts in a single run"
    for name in SPREADS_READ_BY_ONE_PERSON:
        assert not run(**{name: 2 * getattr(P, name)}).equals(base), f"{name} does nothing in a single run"


def test_a_spread_the_person_does_not_let_act_is_refused_and_acts_where_allowed(monkeypatch):
    """CONDITIONAL_SPREADS (the spreads one person reads, and the wandering's correlation time) do
    nothing for the typical person (propensity 1, a constant balance): such a run is refused naming
    the key that would let it act, a cohort's run leaves it out (batch.conduct.person_of_cohort),
    and with the refusal off the run is bit-identical; for a person with that key set it acts."""
    from calcium_abm import simulate
    from calcium_abm.batch.conduct import person_of_cohort
    from calcium_abm.errors import ScenarioError
    from calcium_abm.scenario import load_scenario

    small = {f"{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}
    typical = {**small, "patient.age_years": 45.0}
    lets_act = {"calcification_propensity_log_sd": {"patient.calcification_propensity": 2.0},
                "remodeling_balance_sd": {"patient.remodeling_balance_varies": True},
                "remodeling_balance_correlation_years": {"patient.remodeling_balance_varies": True}}
    assert set(lets_act) == set(pt.CONDITIONAL_SPREADS)
    for name in pt.CONDITIONAL_SPREADS:
        key = f"parameters.{name}"
        with pytest.raises(ScenarioError, match=rf"{key} = .* does nothing in this run: it acts only where "
                                                rf"patient\.{pt.CONDITIONAL_SPREADS[name][0]} is"):
            simulate("healthy_adult", years=0.01, overrides={**typical, key: 2 * getattr(P, name)})
        scenario = load_scenario("healthy_adult").with_overrides({**typical, key: 2 * getattr(P, name)})
        assert name not in person_of_cohort(scenario).parameters
    monkeypatch.setattr(pt, "refuse_draw_only_spreads", lambda parameters, scenario=None: None)

    def run(person, **parameters):
        return simulate("healthy_adult", years=0.3, seed=3, overrides={**person, **parameters})

    for name, person in lets_act.items():
        changed = {name: 2 * getattr(P, name)}
        assert run(typical, **changed).equals(run(typical)), f"{name} acts for the typical person"
        assert not run({**typical, **person}, **changed).equals(run({**typical, **person})), f"{name} does not act"


def test_a_schedule_may_not_set_a_spread_only_a_cohort_draw_reads():
    """The draw happens before day 0, so a scheduled spread would do nothing, for a cohort as for one person:
    every draw-only spread is a start-only parameter, and a schedule entry setting one is refused by name."""
    from calcium_abm.errors import ScenarioError
    from calcium_abm.inputs.sections import START_ONLY_PARAMETERS
    from calcium_abm.scenario import load_scenario

    assert set(pt.DRAW_ONLY_SPREADS) <= set(START_ONLY_PARAMETERS)
    for name in pt.DRAW_ONLY_SPREADS:
        with pytest.raises(ScenarioError) as caught:
            load_scenario({"schedule": [{"start_day": 10, "set": {f"parameters.{name}": 0.1}}]})
        assert f"'parameters.{name}' cannot change during a run" in str(caught.value)
        assert "read only when the model is built or a cohort drawn" in str(caught.value)


def test_with_a_measured_score_plaque_growth_not_propensity_sets_progression():
    """calcification_propensity sets the plaque's onset (and the media's switch), wall_plaque_growth its
    growth: beside a measured score the plaque has begun, so the propensity moves the score little and
    the growth trait much (docs/batch.md; a fresh user expected the propensity to act there)."""
    from calcium_abm import simulate

    woman = {"age_years": 68, "sex": "female", "postmenopausal": True, "years_since_menopause": 17,
             "baseline_calcification_score": 200, "bone_grid_width": 16, "bone_grid_height": 16,
             "vessel_grid_width": 16, "vessel_grid_height": 16}

    def score(**trait) -> float:
        run = simulate("healthy_adult", years=3, seed=1, overrides={**woman, **trait})
        return float(run["calcification_score"].iloc[-1])

    low, high = score(calcification_propensity=0.3), score(calcification_propensity=3.0)
    assert abs(high / low - 1.0) < 0.02
    assert score(wall_plaque_growth=2.0) > 1.3 * score(wall_plaque_growth=0.5)
