"""Parameters one species' laws read: a run of another species refuses them (one person's run) or
leaves them out (a batch's run), and they would indeed do nothing there."""

from __future__ import annotations

import pytest

from calcium_abm import simulate
from calcium_abm.errors import ScenarioError
from calcium_abm.physiology import parameter_registry
from calcium_abm.physiology import person_traits as pt
from calcium_abm.physiology.species import RODENT_PRESET_SPECIES, species_of_parameters

SMALL = {f"{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}
#: a run of a species that does not read each kind of parameter
MOUSE = ("mgp_knockout", {})
HUMAN = ("healthy_adult", {})
RAT = ("warfarin_high_k1", {"patient.species": "rat", "patient.age_years": 0.0})


def _other_species_run(name: str) -> tuple[str, dict]:
    scope = species_of_parameters()[name]
    return MOUSE if scope == ("human",) else RAT if "rat" not in scope else HUMAN


def _changed(name: str) -> float:
    p = parameter_registry()[name]
    return p.value * 1.5 if p.value * 1.5 <= p.maximum else (p.value + p.minimum) / 2


def test_the_scope_covers_the_human_laws_and_every_rodent_preset():
    scope = species_of_parameters()
    assert set(RODENT_PRESET_SPECIES) <= set(scope) and "vascular_ageing_rate_per_year" in scope
    assert scope["young_adult_section_bmd_relative"] == ("human",) and "mineral_growth_per_day" not in scope


@pytest.mark.parametrize("name", sorted(species_of_parameters()))
def test_a_parameter_of_another_species_is_refused_and_would_do_nothing(name, monkeypatch):
    scenario, settings = _other_species_run(name)
    overrides = {**SMALL, **settings, f"parameters.{name}": _changed(name)}
    with pytest.raises(ScenarioError, match=rf"parameters\.{name} = .* does nothing for species = "):
        simulate(scenario, years=0.05, seed=1, overrides=overrides)
    monkeypatch.setattr(pt, "refuse_draw_only_spreads", lambda parameters, scenario=None: None)
    base = simulate(scenario, years=0.05, seed=1, overrides={**SMALL, **settings})
    assert simulate(scenario, years=0.05, seed=1, overrides=overrides).equals(base), f"{name} acts"


def test_a_batch_run_leaves_another_species_parameters_out():
    from calcium_abm.batch.conduct import person_of_cohort
    from calcium_abm.scenario import load_scenario

    scenario = load_scenario("healthy_adult").with_overrides({"parameters.rat_time_scale": 5.0,
                                                              "parameters.vascular_ageing_rate_per_year": 0.02})
    kept = person_of_cohort(scenario).parameters
    assert "rat_time_scale" not in kept and kept["vascular_ageing_rate_per_year"] == 0.02


def test_a_cohort_that_draws_a_peak_bone_mass_beside_measured_t_scores_only_is_refused():
    """The drawn peak does nothing beside a T-score, so each person's run takes peak_bone_mass 1 (one person's run
    refuses the pair instead); a cohort in which every person has a T-score draws it for no run and is refused
    (tests/test_inert_inputs.py); one in which some people have none reads it in theirs."""
    from calcium_abm.batch.conduct import person_of_cohort
    from calcium_abm.batch.expand import expand_runs
    from calcium_abm.batch.spec import BatchError, load_batch
    from calcium_abm.scenario import parse_scenario_toml

    draws = {"peak_bone_mass": {"distribution": "documented"},
             "baseline_bmd_t_score": {"distribution": "normal", "mean": -1.2, "sd": 1.0, "min": -4, "max": 2}}
    batch = {"name": "t", "scenario": "healthy_adult", "years": 1,
             "cohort": {"patients": 4, "distributions": draws}, "arms": [{"name": "placebo"}]}
    with pytest.raises(BatchError, match="cohort.distributions.peak_bone_mass .* does nothing in any run"):
        expand_runs(load_batch(batch))
    runs = expand_runs(load_batch({**batch, "cohort": {"patients": 4, "distributions": {
        "peak_bone_mass": {"distribution": "documented"}, "age_years": {"distribution": "uniform", "min": 50, "max": 70}}}}))
    people = [person_of_cohort(parse_scenario_toml(r.scenario_toml)) for r in runs]
    assert all(p.patient.peak_bone_mass != 1.0 for p in people)
