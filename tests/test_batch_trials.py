"""Virtual trials (issue 13): randomisation at baseline, arm schedules, screening, stratified
randomisation, dropout and adherence, published effects beside simulated ones, and batch
inputs that are refused before anything is written."""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pytest

from calcium_abm.batch import load_results, run_batch
from calcium_abm.batch.analysis import summarize, summary_tables
from calcium_abm.batch.conduct import baseline_state
from calcium_abm.batch.expand import expand_runs
from calcium_abm.batch.spec import BatchError, load_batch
from calcium_abm.scenario import load_scenario, parse_scenario_toml

SMALL = {"bone_grid_width": 8, "bone_grid_height": 8, "vessel_grid_width": 8, "vessel_grid_height": 8}


def trial(patients: int = 4, years: float = 0.5, cohort: dict | None = None, arms: list | None = None,
          **extra) -> dict:
    return {"name": "t", "scenario": "healthy_adult", "seed": 11, "years": years, "record_every_days": 30,
            "set": dict(SMALL),
            "cohort": {"patients": patients, "female_probability": 0.5,
                       "distributions": {"age_years": {"distribution": "uniform", "min": 50, "max": 80},
                                         "mk7_ug_per_day": {"distribution": "lognormal", "median": 6,
                                                            "sigma": 0.9},
                                         "vitamin_k1_ug_per_day": {"distribution": "lognormal", "median": 90,
                                                                   "sigma": 0.6}},
                       **(cohort or {})},
            "arms": arms or [{"name": "placebo"}, {"name": "mk7", "add": {"mk7_ug_per_day": 360}}],
            "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "pct_change"}}, **extra}


# ----------------------------------------------------------- randomisation at baseline


def test_every_arm_of_a_patient_shares_day_0_and_mk7_lowers_dp_ucmgp(tmp_path):
    run_batch(trial(patients=3, cohort={"design": "crossover"}), tmp_path / "out")
    rows = load_results(tmp_path / "out")
    day0 = rows[rows["day"] == 0].drop(columns=["run_index", "run_id", "arm"]).set_index("patient")
    for patient, both in day0.groupby(level=0):
        assert len(both) == 2
        assert both.iloc[0].equals(both.iloc[1]), f"patient {patient}: day-0 rows differ between arms"
    last = rows[rows["day"] == rows["day"].max()].set_index(["patient", "arm"])["dp_ucmgp_pmol_l"]
    first = rows[rows["day"] == 0].set_index(["patient", "arm"])["dp_ucmgp_pmol_l"]
    change = 100 * (last - first) / first
    assert (change.xs("mk7", level="arm") < -20).all()  # the supplement lowers dp-ucMGP ...
    assert (change.xs("placebo", level="arm").abs() < 10).all()  # ... placebo hardly moves


def test_randomisation_day_0_puts_the_arm_in_force_before_baseline(tmp_path):
    # the old behaviour, on request: each arm then starts at its own steady state
    run_batch(trial(patients=1, years=10 / 365, cohort={"design": "crossover", "randomisation_day": 0},
                    analysis={"outcomes": {"dp_ucmgp_pmol_l": "final"}}), tmp_path / "out")
    rows = load_results(tmp_path / "out")
    day0 = rows[rows["day"] == 0].set_index("arm")["dp_ucmgp_pmol_l"]
    assert day0["mk7"] < 0.8 * day0["placebo"]


@pytest.mark.parametrize("outcomes", [{"dp_ucmgp_pmol_l": "pct_change"}, {"bone_mineral_density_g_cm2": "change"}, None])
def test_a_change_from_day_0_is_refused_when_the_arms_differ_on_day_0(outcomes):
    """Randomised on day 0, each arm starts in its own treatment's steady state: a clinician's MK-7 trial showed
    baselines of 480 vs 250 pmol/L and an 'effect' of -0.34 points with p = 0.09 (stop 60), the ANCOVA adjusting
    for a baseline the treatment had made. A change is refused, naming the outcome; 'final' runs."""
    data = trial(cohort={"randomisation_day": 0})
    data.pop("analysis") if outcomes is None else data.update(analysis={"outcomes": outcomes})
    with pytest.raises(BatchError, match=r"is not allowed with cohort.randomisation_day = 0: each arm then starts") as e:
        load_batch(data)
    assert ("the default outcomes" in str(e.value)) == (outcomes is None)
    assert f"analysis.outcomes.{next(iter(outcomes or {'dp_ucmgp_pmol_l': 0}))}" in str(e.value)
    load_batch(trial(cohort={"randomisation_day": 0}, analysis={"outcomes": {"dp_ucmgp_pmol_l": "final"}}))
    load_batch(trial(cohort={"randomisation_day": 1}))  # randomised after day 0: the same day 0, a change is fine


def test_an_ancova_does_not_adjust_for_a_day_0_the_arms_were_already_treated_on(tmp_path):
    run_batch(trial(patients=6, years=20 / 365, cohort={"randomisation_day": 0},
                    analysis={"outcomes": {"dp_ucmgp_pmol_l": "final"}}), tmp_path / "out")
    ancova = summary_tables(tmp_path / "out")[1]["ancova"].iloc[0]
    assert ancova["adjusted_for"].startswith("nothing (randomised on day 0")
    run_batch(trial(patients=6, years=20 / 365, analysis={"outcomes": {"dp_ucmgp_pmol_l": "final"}}), tmp_path / "d1")
    assert summary_tables(tmp_path / "d1")[1]["ancova"].iloc[0]["adjusted_for"] == "dp_ucmgp_pmol_l_baseline"


def test_arm_schedules_titrate_and_stop_after_randomisation():
    arms = [{"name": "placebo"},
            {"name": "titrated", "add": {"mk7_ug_per_day": 90},
             "schedule": [{"start_day": 60, "end_day": 120, "add": {"mk7_ug_per_day": 180}},
                          {"start_day": 150, "set": {"mk7_ug_per_day": 0.0}}]}]
    runs = expand_runs(load_batch(trial(patients=6, cohort={"randomisation_day": 14}, arms=arms)))
    treated = [r for r in runs if r.labels["arm"] == "titrated"]
    assert treated
    for r in treated:
        own = r.labels["mk7_ug_per_day"]
        s = parse_scenario_toml(r.scenario_toml)
        doses = [s.state_at(d).diet.mk7_ug_per_day for d in (0, 13, 14, 60, 119, 120, 150)]
        assert doses == pytest.approx([own, own, own + 90, own + 180, own + 180, own + 90, 0.0])


def test_the_report_names_each_arm_s_changes_and_its_schedule(tmp_path):
    """A fresh user read an arm that stopped therapy on day 90 as held for the whole trial."""
    arms = [{"name": "placebo"},
            {"name": "titrated", "add": {"mk7_ug_per_day": 90},
             "schedule": [{"start_day": 20, "end_day": 30, "add": {"mk7_ug_per_day": 180}},
                          {"start_day": 32, "set": {"mk7_ug_per_day": 0.3}}]}]
    run_batch(trial(patients=2, years=0.1, arms=arms), tmp_path / "out")
    summarize(tmp_path / "out")
    report = (tmp_path / "out" / "summary" / "report.md").read_text()
    assert ("arms placebo, titrated (mk7_ug_per_day + 90; days 20-30: mk7_ug_per_day + 180; from day 32: "
            "mk7_ug_per_day = 0.3) (control: placebo)") in report


def test_adherence_scales_the_added_dose():
    runs = expand_runs(load_batch(trial(patients=4, cohort={"adherence": 0.5})))
    for r in runs:
        s = parse_scenario_toml(r.scenario_toml)
        extra = 180 if r.labels["arm"] == "mk7" else 0
        assert s.state_at(1).diet.mk7_ug_per_day == pytest.approx(r.labels["mk7_ug_per_day"] + extra)


def test_adherence_without_an_added_dose_is_refused():
    """adherence scales only add; with set-only arms it was accepted, printed in the report, and
    changed nothing."""
    arms = [{"name": "placebo"}, {"name": "mk7", "set": {"mk7_ug_per_day": 180}}]
    with pytest.raises(BatchError, match=r"cohort.adherence = 0.5 is not allowed here: .* no arm adds one"):
        load_batch(trial(arms=arms, cohort={"adherence": 0.5}))
    load_batch(trial(arms=arms))  # the default 1 is fine


def test_stratification_without_randomisation_between_arms_is_refused():
    """A crossover (every patient in every arm) or a single arm randomises no one: stratify_by was
    accepted, did nothing and the report said "stratified by sex"."""
    for cohort, arms, why in (({"design": "crossover"}, None, "crossover"),
                              ({}, [{"name": "only"}], "one arm")):
        with pytest.raises(BatchError, match=f"cohort.stratify_by = .* is not allowed here: .*{why}"):
            load_batch(trial(arms=arms, cohort={**cohort, "stratify_by": ["sex"]}))
    assert load_batch(trial(cohort={"stratify_by": ["sex"]})).cohort.stratify_by == ["sex"]


def test_an_arm_that_takes_a_setting_out_of_range_is_named_with_its_add_or_set():
    """The message names the arm, its add and the patient's resulting value, not a
    "schedule entry" the user never wrote."""
    arms = [{"name": "placebo"}, {"name": "minus", "add": {"mk7_ug_per_day": -1000}}]
    with pytest.raises(BatchError) as err:
        expand_runs(load_batch(trial(arms=arms)))
    message = str(err.value)
    assert message.startswith("arm 'minus': add = { mk7_ug_per_day = -1000 } on a patient's own ")
    assert "gives diet.mk7_ug_per_day = -9" in message and "must be between 0 and 10000 µg/day" in message
    assert "schedule entry" not in message
    own, result = re.search(r"patient's own (\S+) µg/day gives diet\.mk7_ug_per_day = (\S+) µg/day", message).groups()
    assert len(own.lstrip("-").replace(".", "")) <= 6 and len(result.lstrip("-").replace(".", "")) <= 6, message
    arms = [{"name": "placebo"}, {"name": "minus", "set": {"mk7_ug_per_day": -5}}]
    with pytest.raises(BatchError, match=r"arms #2 \(minus\)\.set\.mk7_ug_per_day: diet\.mk7_ug_per_day = -5 is "
                                         "not allowed: must be between 0 and 10000"):
        load_batch(trial(arms=arms))



@pytest.mark.parametrize("arm, message", [
    ({"name": "mk7", "sett": {"mk7_ug_per_day": 1}}, "unknown key 'arms #2 (mk7).sett' — did you mean 'set'?"),
    ({"name": "mk7", "add": {"mk7_ug_per_day": "x"}}, 'arms #2 (mk7).add.mk7_ug_per_day = "x" is not allowed'),
    ({"name": "mk7", "schedule": [{"start_day": -1, "add": {"mk7_ug_per_day": 1}}]},
     "arms #2 (mk7).schedule #1.start_day = -1 is not allowed: must be at least 0"),
    ({"name": "mk7", "schedule": [{"start_day": 10, "end_day": 5, "add": {"mk7_ug_per_day": 1}}]},
     "arms #2 (mk7).schedule #1: end_day = 5 is not allowed: must be after start_day (10)"),
    ({"name": "mk7", "schedule": [{"start_day": 10}]}, "arms #2 (mk7).schedule #1: an arm schedule entry needs"),
    ({"name": 5}, "arms #2.name = 5 is not allowed: must be a text string"),  # no valid name to give
    ({"name": "a b"}, 'arms #2.name: name = "a b" is not allowed'),
    ({"nam": "mk7"}, "arms #2.name is missing: it is required"),
])
def test_a_bad_arm_is_named_by_its_place_and_its_name(arm, message):
    """pydantic's errors gave the arm's place only (``arms #2.schedule #1.start_day``), where the
    file's other messages name it as ``arms #2 (mk7)``."""
    with pytest.raises(BatchError) as err:
        load_batch(trial(arms=[{"name": "placebo"}, arm]))
    assert message in str(err.value)


# -------------------------------------------------------------------------- screening


def test_screening_randomises_only_qualifying_candidates_and_counts_the_rest(tmp_path):
    spec = load_batch(trial(patients=6, cohort={
        "inclusion": {"age_years": {"min": 60}, "dp_ucmgp_pmol_l": {"min": 400}},
        "exclusion": {"ckd_stage": {"one_of": [4, 5]}},
        "ckd_stage_probabilities": [0.8, 0.1, 0.05, 0.03, 0.02, 0.0]}))
    runs = expand_runs(spec)
    assert len(runs) == 6 and runs.screening is not None
    counts = runs.screening
    assert counts["randomised"] == 6
    assert counts["screened"] == counts["randomised"] + counts["excluded"]
    assert sum(counts["excluded_by_reason"].values()) == counts["excluded"] > 0
    assert any("dp_ucmgp_pmol_l" in reason for reason in counts["excluded_by_reason"])
    for r in runs:
        assert r.labels["age_years"] >= 60
        s = parse_scenario_toml(r.scenario_toml)
        assert baseline_state(s.state_at(0).model_copy(update={"schedule": ()}))["dp_ucmgp_pmol_l"] >= 400
    assert [r.run_id for r in expand_runs(spec)] == [r.run_id for r in runs]  # deterministic per seed
    run_batch(spec, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["screening"] == counts
    tables = summarize(tmp_path / "out")
    conduct = tables["conduct"].set_index("stage")
    assert conduct.loc["screened", "n"] == counts["screened"]
    assert "Trial flow" in (tmp_path / "out" / "summary" / "report.md").read_text()


def test_a_screened_cohort_says_it_screens_and_what_that_costs_before_its_runs(tmp_path, capsys):
    """Screening ran silently (a model built per candidate on a state criterion) and the estimate
    left it out; it now prints a line with its cost from the run-start figure, and the estimate
    line gives the counts."""
    from calcium_abm.batch.estimate import estimate_line, run_start_seconds, screening_line

    state = {"inclusion": {"age_years": {"min": 60}, "dp_ucmgp_pmol_l": {"min": 400}}, "screening_limit": 120}
    cohort = load_batch(trial(patients=6, cohort=state)).cohort
    assert screening_line("t", cohort, 0.1) == (
        "t: screening up to 120 candidates until 6 qualify (a model is built for each to read its day-0 "
        "dp_ucmgp_pmol_l): roughly 1 s if every candidate qualifies, at most roughly 12 s")
    covariates = load_batch(trial(patients=6, cohort={"inclusion": {"age_years": {"min": 60}}})).cohort
    assert screening_line("t", covariates, 0.1) == ("t: screening up to 120 candidates until 6 qualify (on their "
                                                    "drawn values: no model needed)")
    assert screening_line("t", load_batch(trial()).cohort, 0.1) is None
    assert estimate_line("t", 6, 0.5, 1, screening={"screened": 9, "excluded": 3, "randomised": 6}) == (
        "t: 9 candidates screened (3 excluded, 6 randomised); 6 runs to do on this process; roughly 3 s of simulation")
    spec = load_batch(trial(patients=6, years=0.02, cohort=state))
    run_batch(spec, tmp_path / "out", progress=True)
    lines = capsys.readouterr().err.splitlines()
    start = screening_line("t", spec.cohort, run_start_seconds(spec.base_scenario()))
    counts = json.loads((tmp_path / "out" / "manifest.json").read_text())["screening"]
    assert lines[0] == start and lines[1].startswith(f"t: {counts['screened']} candidates screened "
                                                      f"({counts['excluded']} excluded, 6 randomised); 6 runs to do")


def test_screening_that_finds_too_few_patients_names_the_limit_and_writes_nothing(tmp_path):
    spec = trial(patients=3, cohort={"inclusion": {"age_years": {"min": 79.9}}, "screening_limit": 20})
    with pytest.raises(BatchError, match=r"screening_limit") as err:
        run_batch(spec, tmp_path / "out")
    assert "age_years at least 79.9 not met" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_an_arm_that_sets_and_adds_one_setting_is_refused():
    """`set` and `add` of one setting in one arm (or one arm schedule entry): the add won and
    the set was dropped without a word (the patient's own value plus the add)."""
    both = [{"name": "placebo"}, {"name": "mk7", "set": {"mk7_ug_per_day": 5}, "add": {"diet.mk7_ug_per_day": 5}}]
    with pytest.raises(BatchError, match=r"arms #2 \(mk7\): diet.mk7_ug_per_day is in both set and add"):
        load_batch(trial(arms=both))
    entry = {"start_day": 30, "set": {"mk7_ug_per_day": 0}, "add": {"mk7_ug_per_day": 90}}
    with pytest.raises(BatchError, match=r"arms #2 \(mk7\).schedule #1: diet.mk7_ug_per_day is in both set and add"):
        load_batch(trial(arms=[{"name": "placebo"}, {"name": "mk7", "schedule": [entry]}]))
    other = [{"name": "placebo"}, {"name": "mk7", "set": {"vitamin_k1_ug_per_day": 50}, "add": {"mk7_ug_per_day": 5}}]
    load_batch(trial(arms=other))  # two settings: fine


def test_a_screening_limit_that_could_not_act_is_refused():
    """Without inclusion or exclusion criteria every candidate is randomised, and a limit below
    `patients` was raised to `patients` without a word: both were accepted and changed nothing
    (the manifest then recorded another limit than the file's)."""
    with pytest.raises(BatchError, match=r"cohort.screening_limit = 100 is not allowed here: .*no "
                                         r"\[cohort.inclusion\] or \[cohort.exclusion\] criterion"):
        load_batch(trial(cohort={"screening_limit": 100}))
    criteria = {"inclusion": {"age_years": {"min": 60}}}
    with pytest.raises(BatchError, match=r"cohort.screening_limit = 2 is not allowed: must be at least "
                                         r"cohort.patients = 4"):
        load_batch(trial(cohort={**criteria, "screening_limit": 2}))
    assert load_batch(trial(cohort={**criteria, "screening_limit": 4})).cohort.candidates() == 4


def test_stratified_randomisation_balances_each_stratum():
    runs = expand_runs(load_batch(trial(patients=41, cohort={"stratify_by": ["sex"]})))
    counts = Counter((r.labels["sex"], r.labels["arm"]) for r in runs)
    for sex in ("female", "male"):
        assert abs(counts[(sex, "placebo")] - counts[(sex, "mk7")]) <= 1


def test_dropouts_end_their_run_on_their_last_day():
    runs = expand_runs(load_batch(trial(patients=30, years=2, cohort={"dropout_per_year": 0.4})))
    dropped = [r for r in runs if not r.labels["completed"]]
    assert 0 < len(dropped) < 30
    for r in runs:
        s = parse_scenario_toml(r.scenario_toml)
        assert s.days == r.labels["last_day"]
        assert all(e.start_day < s.days for e in s.schedule)
    assert all(r.labels["last_day"] > 1 for r in dropped)


# ------------------------------------------------------------------------- published


def test_summary_prints_the_published_effect_beside_the_simulated_one(tmp_path):
    published = {"outcome": "dp_ucmgp_pmol_l_pct_change", "effect": -50.0, "ci_low": -60.0, "ci_high": -40.0,
                 "source": "test source"}
    run_batch(trial(patients=4, years=0.3, published=published), tmp_path / "out")
    tables = summarize(tmp_path / "out")
    table = tables["published"]
    assert list(table["estimate"]) == ["published", "simulated (Welch)", "simulated (ANCOVA)"]
    simulated = table.iloc[1]
    assert simulated["effect"] == pytest.approx(tables["effects"]["difference"].iloc[0])
    assert simulated["inside_published_ci"] == (-60 <= simulated["effect"] <= -40)
    report = (tmp_path / "out" / "summary" / "report.md").read_text()
    assert report.index("Published versus simulated") < report.index("Table 1")
    settings = ", ".join(f"{k} = {v}" for k, v in SMALL.items())  # what every run and each arm were given
    assert f"- [set] (every run, before a cohort's own draws): {settings}\n" in report
    assert "arms placebo, mk7 (mk7_ug_per_day + 360) (control: placebo)" in report


@pytest.mark.parametrize("change, message", [
    ({"published": {"outcome": "bmd", "effect": 1.0, "source": "x"}}, "published.outcome"),
    ({"published": {"outcome": "dp_ucmgp_pmol_l_pct_change", "effect": 1.0, "ci_low": 2.0, "ci_high": 3.0,
                    "source": "x"}}, "must lie within"),
    # a reversed interval was called an effect outside it ('effect = -30.0 ... must lie within ci_low = -10.0 and
    # ci_high = -50.0')
    ({"published": {"outcome": "dp_ucmgp_pmol_l_pct_change", "effect": -30.0, "ci_low": -10.0, "ci_high": -50.0,
                    "source": "x"}}, r"published: ci_high = -50.0 is not allowed: must be at least ci_low = -10.0$"),
    ({"cohort": {"patients": 2, "inclusion": {"agee_years": {"min": 1}}}}, "cohort.inclusion.agee_years"),
    # the suggestion split the sentence: 'not a recorded column — did you mean ...? nor a setting of ...'
    ({"cohort": {"patients": 2, "inclusion": {"dp_ucmgp": {"min": 1}}}},
     r"cohort.inclusion.dp_ucmgp: not a recorded column nor a setting of \[patient\], \[diet\], \[drugs\] — did "
     r"you mean 'dp_ucmgp_pmol_l'\?$"),
    ({"cohort": {"patients": 2, "inclusion": {"age_years": {}}}}, "needs min, max or one_of"),
    ({"cohort": {"patients": 2, "stratify_by": ["age_years"]}}, "cannot stratify"),
    ({"cohort": {"patients": 2, "stratify_by": ["age"]}}, "cohort.stratify_by.age: unknown key 'age': not a known key; "
                                                         "accepted keys in cohort.stratify_by: sex, postmenopausal, ckd_stage"),
    ({"cohort": {"patients": 2, "stratify_by": ["ckd_stag"]}}, "unknown key 'ckd_stag' — did you mean 'ckd_stage'"),
    ({"arms": [{"name": "a"}, {"name": "b", "schedule": [{"start_day": 9, "end_day": 3, "add": {"mk7": 1}}]}]},
     "end_day = 3"),
    ({"arms": [{"name": "a"}, {"name": "b", "set": {"mgp_knockout": True}, "schedule": []}],
      "cohort": {"patients": 2, "randomisation_day": 1}}, None),
])
def test_trial_designs_that_do_not_validate_get_one_message(change, message):
    data = trial()
    for key, value in change.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) and key == "cohort" else value
    if message is None:  # genetics are schedulable: a knockout may start at randomisation
        load_batch(data)
        return
    with pytest.raises(BatchError, match=message):
        load_batch(data)


def test_randomisation_after_the_run_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(BatchError, match="randomisation_day = 400"):
        run_batch(trial(years=1, cohort={"randomisation_day": 400}), tmp_path / "out")
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------- keys as documented


@pytest.mark.parametrize("values", [[0.4, 3.7], {"min": 0, "max": 3, "steps": 3}])
def test_integer_settings_refuse_non_integers_in_sweeps_and_nothing_is_written(tmp_path, values):
    data = {"scenario": "healthy_adult", "years": 0.1, "set": SMALL, "sweep": {"parameters": {"ckd_stage": values}}}
    with pytest.raises(BatchError, match="ckd_stage takes whole numbers"):
        run_batch(data, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_integer_settings_refuse_non_integers_in_cohort_arms():
    with pytest.raises(BatchError, match="ckd_stage"):
        expand_runs(load_batch(trial(arms=[{"name": "a"}, {"name": "b", "set": {"ckd_stage": 2.5}}])))


def test_years_override_applies_before_the_schedule_check():
    data = {"simulation": {"years": 5}, "schedule": [{"start_day": 3650, "set": {"mk7_ug_per_day": 180}}]}
    with pytest.raises(Exception, match="start_day = 3650"):
        load_scenario(data)
    assert load_scenario(data, overrides={"years": 11}).days == 4015
    batch = {"scenario": "healthy_adult", "years": 0.1, "set": SMALL,
             "sweep": {"parameters": {"mk7_ug_per_day": [0.0, 10.0]}}}
    assert load_batch(batch).base_scenario().days == round(0.1 * 365)


def test_cohort_seeds_are_stored_per_run_in_the_manifest(tmp_path):
    run_batch(trial(patients=2, years=0.05), tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    rows = load_results(tmp_path / "out")
    for run in manifest["runs"]:
        stored = rows.loc[rows["run_id"] == run["run_id"], "seed"].unique()
        assert list(stored) == [run["seed"]]
        assert f"seed = {run['seed']}" in parse_scenario_toml(
            manifest["base_scenario_toml"]).with_overrides({"seed": run["seed"]}).to_toml()
    assert len({r["seed"] for r in manifest["runs"]}) == 2
    assert np.all(rows.groupby("run_id")["seed"].nunique() == 1)


def test_a_screened_trial_resumes_with_the_same_runs(tmp_path):
    spec = trial(patients=3, years=0.05, cohort={"inclusion": {"dp_ucmgp_pmol_l": {"min": 380}}})
    first = run_batch(spec, tmp_path / "out")
    again = run_batch(spec, tmp_path / "out", resume=True)
    assert list(again["run_id"]) == list(first["run_id"])
    assert set(again["status"]) == {"already done"}


def test_a_run_refused_while_runs_are_built_names_its_arm_and_rounds_its_values():
    """A combination no field check can see (an arm's dialysis for drawn healthy kidneys; a swept
    age that puts a menopause at 25) is refused naming the run, its arm and its values as a user
    reads them (6 significant digits, not a draw's 17)."""
    from calcium_abm.batch import expand_runs, load_batch

    arms = {"years": 0.01, "cohort": {"patients": 2},
            "arms": [{"name": "control"}, {"name": "dialysis", "set": {"dialysis.sessions_per_week": 3}}]}
    with pytest.raises(BatchError, match=r"^run 2 \(arm 'dialysis', .*haemodialysis is for kidney failure"):
        expand_runs(load_batch(arms))
    swept = {"scenario": "postmenopausal", "years": 0.01,
             "sweep": {"parameters": {"patient.age_years": [52.0, 25.123456789]}}}
    with pytest.raises(BatchError, match=r"^run 2 \(age_years = 25\.1235\) is not a valid scenario"):
        expand_runs(load_batch(swept))


def test_an_arm_that_sets_every_patients_own_value_is_refused():
    """An arm's set equal to every patient's own value was accepted and ran as the control under another name
    (found by a batch probe: set = { mk7_ug_per_day = 5 } on healthy_adult's 5 µg/day), as an add of 0 is
    refused. Where the cohort draws the value, or the scenario's schedule changes it, the same set acts."""
    def batch(**cohort):
        return {"years": 0.02, "cohort": {"patients": 2, **cohort},
                "arms": [{"name": "a"}, {"name": "b", "set": {"mk7_ug_per_day": 5}}]}

    with pytest.raises(BatchError, match=r"arm 'b': set.mk7_ug_per_day = 5 is not allowed: it is every patient's "
                                         r"own value \(diet.mk7_ug_per_day before randomisation\)"):
        expand_runs(load_batch(batch()))
    drawn = batch(distributions={"mk7_ug_per_day": {"distribution": "uniform", "min": 1, "max": 50}})
    assert len(expand_runs(load_batch(drawn))) == 2


def test_a_stratification_factor_every_patient_shares_is_refused():
    """stratify_by = ["sex"] with female_probability = 0 (or ckd_stage with every patient at stage 0) made one
    stratum and ran the unstratified randomisation: accepted and inert. Refused naming the factor, the patients'
    one value and how to make it act; with both sexes drawn the same factor stratifies."""
    from calcium_abm.batch import expand_runs, load_batch

    def batch(stratify_by, **cohort):
        return {"years": 0.02, "cohort": {"patients": 6, "stratify_by": stratify_by, **cohort},
                "arms": [{"name": "a"}, {"name": "b", "set": {"mk7_ug_per_day": 180}}]}

    with pytest.raises(BatchError, match=r"^cohort.stratify_by: 'sex' is not allowed here: every one of the 6 "
                                         r"randomised patients has patient.sex = \"male\", so it makes one stratum"):
        expand_runs(load_batch(batch(["sex"], female_probability=0.0)))
    with pytest.raises(BatchError, match=r"^cohort.stratify_by: 'ckd_stage' is not allowed here: every one of the 6 "
                                         r"randomised patients has patient.ckd_stage = 0"):
        expand_runs(load_batch(batch(["ckd_stage"])))
    runs = expand_runs(load_batch(batch(["sex"], female_probability=0.5)))
    assert {run.labels["sex"] for run in runs} == {"female", "male"}


def test_a_crossover_of_one_arm_is_refused():
    """design = "crossover" with one arm ran exactly the single-arm cohort: the design changed nothing."""
    from calcium_abm.batch import load_batch

    with pytest.raises(BatchError, match=r'cohort.design = "crossover" is not allowed with one arm: every patient is '
                                         r"in the one arm either way"):
        load_batch({"years": 0.02, "cohort": {"patients": 4, "design": "crossover"},
                    "arms": [{"name": "only", "set": {"mk7_ug_per_day": 180}}]})
    load_batch({"years": 0.02, "cohort": {"patients": 4, "design": "crossover"},
                "arms": [{"name": "a"}, {"name": "b", "set": {"mk7_ug_per_day": 180}}]})


def test_a_drawn_value_is_shown_in_full_where_rounding_would_hide_why_it_is_refused():
    from calcium_abm.batch.arms import _drawn

    assert _drawn(49.88956192935076) == "49.8896" and _drawn(5.0) == "5" and _drawn(3) == "3"
    assert _drawn(10000.00001, "diet.mk7_ug_per_day") == "10000.00001"  # not "10000", inside 0-10000
    assert _drawn(-250.11043807064925, "diet.mk7_ug_per_day") == "-250.11"


@pytest.mark.parametrize("kind", ["inclusion", "exclusion"])
def test_a_criterion_on_a_days_flow_is_refused(kind):
    """A flow (mg/day) is NaN on day 0, the day a criterion reads: an inclusion screened out every
    candidate ('0 of 4 patients found'), an exclusion excluded nobody (found by the new-user probe h1)."""
    with pytest.raises(BatchError, match=rf"cohort.{kind}.urine_calcium_mg_per_day: urine_calcium_mg_per_day cannot "
                                         r"be screened on: a day's flow has no value on day 0"):
        load_batch(trial(cohort={kind: {"urine_calcium_mg_per_day": {"min": 2.0}}}))


@pytest.mark.parametrize("column", ["ca_urine_cum_mg", "bmd_change_pct"])
def test_a_criterion_on_a_column_that_is_0_on_every_day_0_is_refused(column):
    """A sum or change since day 0 reads 0 for every candidate: { min = 1 } screened out everyone, { max = 1 }
    admitted everyone (found by the new-user probe h1)."""
    with pytest.raises(BatchError, match=rf"cohort.inclusion.{column}: {column} cannot be screened on: it is 0 on "
                                         r"every run's day 0 \(a sum or a change since day 0\)"):
        load_batch(trial(cohort={"inclusion": {column: {"max": 1.0}}}))


@pytest.mark.parametrize("kind, criterion, message", [
    ("inclusion", {"sex": {"one_of": ["femal"]}},
     r'cohort.inclusion.sex.one_of: "femal" is not allowed: patient.sex must be one of "female", "male"'),
    ("exclusion", {"ckd_stage": {"one_of": [4, 7]}},
     r"cohort.exclusion.ckd_stage.one_of: 7 is not allowed: patient.ckd_stage must be an integer from 0 to 5"),
    ("inclusion", {"postmenopausal": {"one_of": [1]}},
     r"cohort.inclusion.postmenopausal.one_of: 1 is not allowed: patient.postmenopausal must be true or false"),
    ("inclusion", {"sex": {"min": 1}}, r"cohort.inclusion.sex.min = 1.0 is not allowed: patient.sex is not a number"),
])
def test_a_criterion_naming_a_value_its_setting_cannot_hold_is_refused(kind, criterion, message):
    """No candidate could have such a value: the inclusion screened out every candidate and the error blamed the
    screening limit, the exclusion never acted (found by the new-user probe h1: sex = { one_of = ["femal"] })."""
    with pytest.raises(BatchError, match=message):
        load_batch(trial(cohort={kind: criterion}))


@pytest.mark.parametrize("kind, criterion, message", [
    ("inclusion", {"ucoc_fraction": {"min": 2}},
     r"cohort.inclusion.ucoc_fraction.min = 2.0 is not allowed: no candidate could meet it, as ucoc_fraction holds "
     r"numbers from 0 to 1"),
    ("exclusion", {"osteoclast_count": {"one_of": ["high"]}},
     r'cohort.exclusion.osteoclast_count.one_of: "high" is not allowed: osteoclast_count holds numbers from 0 up'),
    # a measured level is never a listed value exactly: it screened every candidate before saying so (a fresh user)
    ("inclusion", {"calcification_score": {"one_of": [3, 4]}},
     r"cohort.inclusion.calcification_score.one_of is not allowed: calcification_score is a continuous value that no "
     r"candidate has exactly; give min and/or max"),
    ("inclusion", {"calcification_score": {"min": 0}},
     r"cohort.inclusion.calcification_score: at least 0.0 is not allowed: every candidate meets it, as "
     r"calcification_score holds numbers from 0 up, so it tells no candidate from another"),
    ("exclusion", {"ucoc_fraction": {"min": -1, "max": 1}},
     r"cohort.exclusion.ucoc_fraction: from -1.0 to 1.0 is not allowed: every candidate meets it"),
    ("inclusion", {"age_years": {"min": 200}},
     r"cohort.inclusion.age_years.min = 200.0 is not allowed: no candidate could meet it, as patient.age_years holds "
     r"numbers from 0 to 120"),
    ("inclusion", {"calcification_propensity": {"max": 0.01}},
     r"cohort.inclusion.calcification_propensity.max = 0.01 is not allowed: no candidate could meet it, as "
     r"patient.calcification_propensity holds numbers above 0.01 to 100"),
    ("inclusion", {"ckd_stage": {"max": 5}},
     r"cohort.inclusion.ckd_stage: at most 5.0 is not allowed: every candidate meets it, as patient.ckd_stage holds "
     r"numbers from 0 to 5"),
])
def test_a_criterion_no_value_or_every_value_meets_is_refused(kind, criterion, message):
    """A bound outside what a recorded column (outputs.column_range) or a setting can hold screened out every
    candidate or none, and a bound every value meets did nothing: refused when the file is read."""
    with pytest.raises(BatchError, match=message):
        load_batch(trial(cohort={kind: criterion}))


def test_criteria_on_values_a_setting_holds_are_accepted():
    load_batch(trial(cohort={"inclusion": {"sex": {"one_of": ["female"]}, "postmenopausal": {"one_of": [True]}},
                             "exclusion": {"ckd_stage": {"one_of": [4, 5]}, "age_years": {"min": 75}}}))


@pytest.mark.parametrize("kind, criterion, message", [
    ("exclusion", {"ckd_stage": {"one_of": [4, 5]}},
     r"cohort.exclusion.ckd_stage \(one of 4, 5\) is not allowed here: every one of the 80 candidates has "
     r"patient.ckd_stage = 0, so it excludes nobody and changes nothing"),
    ("inclusion", {"calcium_mg_per_day": {"max": 2000}},
     r"cohort.inclusion.calcium_mg_per_day \(at most 2000.0\) is not allowed here: every one of the 80 "
     r"candidates has diet.calcium_mg_per_day = 1000.0, so it admits every candidate and changes nothing"),
    # screening excluded every candidate and advised raising cohort.screening_limit, which could not help (as
    # docs/batch.md's trial-design example screened age_years 60-80 without drawing it)
    ("inclusion", {"calcium_mg_per_day": {"min": 1200}},
     r"cohort.inclusion.calcium_mg_per_day \(at least 1200.0\) is not allowed here: every one of the 80 candidates "
     r"has diet.calcium_mg_per_day = 1000.0, so it admits no candidate and no screening limit can fill the cohort"),
    ("exclusion", {"calcium_mg_per_day": {"min": 500}},
     r"cohort.exclusion.calcium_mg_per_day \(at least 500.0\) is not allowed here: every one of the 80 candidates "
     r"has diet.calcium_mg_per_day = 1000.0, so it excludes every candidate"),
    # listed values of a number drawn from a continuous distribution: screening failed and advised a larger limit
    ("inclusion", {"age_years": {"one_of": [60]}},
     r"cohort.inclusion.age_years \(one of 60\) is not allowed here: none of the 80 candidates has patient.age_years "
     r"equal to a listed value \(a number drawn from a continuous distribution never is\); give a range"),
])
def test_a_criterion_on_a_setting_every_candidate_shares_is_refused(tmp_path, kind, criterion, message):
    """The cohort does not draw the setting, so the criterion met every candidate the same way and did nothing
    (found by the new-user probe h1: cohort.exclusion.ckd_stage = { one_of = [4, 5] } without
    ckd_stage_probabilities), as a stratification factor every patient shares is refused, or turned every
    candidate away; nothing is written."""
    with pytest.raises(BatchError, match=message):
        run_batch(trial(cohort={kind: criterion}), tmp_path / "out", workers=1, progress=False)
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_a_criterion_on_a_drawn_setting_the_screened_candidates_share_by_chance_is_kept():
    """inert_criteria read only the screened candidates: here the first four drew 800 mg/day, met the criterion and
    were randomised, and the file was refused as if the cohort did not draw calcium ('every one of the 4 screened
    candidates has diet.calcium_mg_per_day = 800.0, so it admits every candidate and changes nothing')."""
    cohort = {"distributions": {"calcium_mg_per_day": {"choice": [800, 1200], "p": [0.97, 0.03]}},
              "inclusion": {"calcium_mg_per_day": {"max": 1000}}}
    runs = expand_runs(load_batch(trial(patients=4, cohort=cohort)))
    assert runs.screening["screened"] == 4 and runs.screening["randomised"] == 4


def test_a_criterion_on_a_drawn_setting_is_kept():
    # stages 3-5 only beside 0: a kept patient at stage 1 or 2 whose GFR of age is lower is refused (no run reads it)
    runs = expand_runs(load_batch(trial(patients=6, cohort={"ckd_stage_probabilities": [0.5, 0.0, 0.0, 0.2, 0.2, 0.1],
                                                            "exclusion": {"ckd_stage": {"one_of": [4, 5]}}})))
    assert len(runs) == 6 and runs.screening["randomised"] == 6


@pytest.mark.parametrize("arm, named, fix", [
    ({"name": "b", "schedule": [{"start_day": 20, "add": {"mk7_ug_per_day": 100}},
                                {"start_day": 20, "add": {"mk7_ug_per_day": 50}}]},
     r"arms #2 \(b\)\.schedule #1\.add: diet\.mk7_ug_per_day never acts: arms #2 \(b\)\.schedule #2 sets it",
     "give the sum in one entry"),
    ({"name": "b", "add": {"mk7_ug_per_day": 100}, "schedule": [{"start_day": 0, "set": {"mk7_ug_per_day": 50}}]},
     r"arms #2 \(b\)\.add: diet\.mk7_ug_per_day never acts: arms #2 \(b\)\.schedule #1 sets it",
     "give this entry an end_day before the later one starts"),
    ({"name": "b", "schedule": [{"start_day": 30, "end_day": 60, "set": {"warfarin_mg_per_day": 5}},
                                {"start_day": 10, "set": {"warfarin_mg_per_day": 2}}]},
     r"arms #2 \(b\)\.schedule #1\.set: drugs\.warfarin_mg_per_day never acts: arms #2 \(b\)\.schedule #2",
     "give this entry an end_day"),
])
def test_an_arm_entry_a_later_entry_of_the_arm_overrides_is_named_as_the_file_names_it(arm, named, fix):
    """Two adds of MK-7 from day 20 were refused as "run 1 (arm 'b', sex = ..., ...) is not a valid scenario: schedule
    entry 1 (start_day = 20) ... never acts", numbering the run's generated entries, not the file's (probe h1)."""
    with pytest.raises(BatchError, match=named) as err:
        load_batch(trial(arms=[{"name": "a"}, arm]))
    assert fix in str(err.value) and "run 1" not in str(err.value)


def test_arm_entries_that_overlap_only_in_part_are_accepted():
    arm = {"name": "b", "add": {"mk7_ug_per_day": 100},
           "schedule": [{"start_day": 20, "end_day": 40, "add": {"mk7_ug_per_day": 300}},
                        {"start_day": 30, "set": {"warfarin_mg_per_day": 1}}]}
    assert len(load_batch(trial(arms=[{"name": "a"}, arm])).arms[1].schedule) == 2


@pytest.mark.parametrize("inclusion, exclusion", [
    ({"age_years": {"min": 60}}, {"age_years": {"min": 60}}),
    ({"age_years": {"min": 60, "max": 70}}, {"patient.age_years": {"min": 55, "max": 75}}),
    ({"ckd_stage": {"one_of": [3, 4]}}, {"ckd_stage": {"min": 3}}),
    ({"ckd_stage": {"min": 3, "max": 4}}, {"ckd_stage": {"one_of": [2, 3, 4]}}),
])
def test_an_inclusion_the_exclusion_wholly_turns_away_is_refused(tmp_path, inclusion, exclusion):
    """Found by the new-user probe h2: inclusion age_years >= 60 with exclusion age_years >= 60 screened every
    candidate, then advised raising cohort.screening_limit, which could not help. Refused before screening."""
    cohort = {"distributions": {"age_years": {"distribution": "uniform", "min": 40, "max": 80}},
              "ckd_stage_probabilities": [0.4, 0.2, 0.1, 0.1, 0.1, 0.1], "inclusion": inclusion, "exclusion": exclusion}
    with pytest.raises(BatchError, match=r"cohort.inclusion.\S+ \(.*\) and cohort.exclusion.\S+ \(.*\) are not "
                                         r"allowed together: every value of patient.\S+ the inclusion admits, the "
                                         r"exclusion turns away"):
        run_batch(trial(patients=4, cohort=cohort), tmp_path / "out", workers=1, progress=False)
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_an_inclusion_the_exclusion_only_narrows_is_kept():
    cohort = {"distributions": {"age_years": {"distribution": "uniform", "min": 40, "max": 80}},
              "ckd_stage_probabilities": [0.4, 0.2, 0.1, 0.1, 0.1, 0.1],
              "inclusion": {"age_years": {"min": 60}, "ckd_stage": {"min": 2, "max": 4}},
              "exclusion": {"age_years": {"min": 75}, "ckd_stage": {"one_of": [4]}}}
    runs = expand_runs(load_batch(trial(patients=4, cohort=cohort)))
    assert runs.screening["randomised"] == 4


def test_resume_refuses_a_batch_whose_arm_was_renamed(tmp_path):
    """A renamed arm keeps its runs' ids (they hash the scenario), so --resume ran the missing run under the new
    name beside saved runs under the old, and summarize reported three arms with two effects of n = 1 (hostile
    tester, stop 60). The same file resumes; the renamed one is refused."""
    out = tmp_path / "out"
    run_batch(trial(patients=2, years=10 / 365), out)
    next((out / "runs").glob("*.parquet")).unlink()
    renamed = trial(patients=2, years=10 / 365, arms=[{"name": "placebo"}, {"name": "mk7b", "add": {"mk7_ug_per_day": 360}}])
    with pytest.raises(BatchError, match=r"holds a different batch \('t', 2 runs; this file has 2 runs, the same "
                                         r"under other labels, such as an arm's name\): --resume only finishes"):
        run_batch(renamed, out, resume=True)
    assert list(run_batch(trial(patients=2, years=10 / 365), out, resume=True)["status"]).count("already done") == 1


def test_a_single_arm_cohort_reports_its_incidence_of_severe_calcification(tmp_path):
    """A one-arm cohort's table read '(none: no finished runs to compare here)' though all 100 runs had finished
    (clinician, stop 60): it now gives the arm's own row (n, events, risk)."""
    data = trial(patients=3, years=10 / 365, arms=[{"name": "all"}],
                 analysis={"outcomes": {"calcification_score": "final"},
                           "severe_calcification": {"column": "calcification_score", "above": 0.5}})
    data["cohort"]["distributions"]["baseline_calcification_score"] = {"distribution": "uniform", "min": 0, "max": 2}
    run_batch(data, tmp_path / "out")
    table = summary_tables(tmp_path / "out")[1]["relative_risks"]
    assert list(table["arm"]) == ["all"] and int(table["n"].iloc[0] + table["excluded"].iloc[0]) == 3
    per_run = summary_tables(tmp_path / "out")[1]["per_run"]
    assert int(table["events"].iloc[0]) == int(per_run["severe_calcification"].eq(True).sum())
    data["analysis"]["tertiles_of"] = "age_years"  # with tertiles too the arm's own row (it had the tertiles only)
    run_batch(data, tmp_path / "t")
    table = summary_tables(tmp_path / "t")[1]["relative_risks"]
    assert list(table["tertile"])[-1] == "all" and len(table) == 4


def test_an_arm_change_past_the_last_day_is_named_as_the_file_names_it():
    """It was named as the expanded run's 'run 2 (arm 'w', sex = 'female', ...) ... schedule entry 2' (clinician,
    stop 60), where docs/batch.md promises the file's own place."""
    arms = [{"name": "p"}, {"name": "w", "add": {"mk7_ug_per_day": 100},
                            "schedule": [{"start_day": 500, "set": {"mk7_ug_per_day": 0.0}}]}]
    with pytest.raises(BatchError, match=r"arms #2 \(w\)\.schedule #1: start_day = 500 is not allowed: the run "
                                         r"simulates 182 days, so a change can fall on days 0 to 181"):
        expand_runs(load_batch(trial(patients=2, arms=arms)))


def test_day_0_randomisation_rules_act_only_where_the_arms_differ_on_day_0(tmp_path):
    """A fresh user (stop 60): an arm acting only from day 5 got an unadjusted ANCOVA labelled 'randomised on day 0'
    (its baselines 9 vs 309 AU unbalanced, +2.5 AU with p = 0.005); bmd_change_pct, a change since day 0, passed
    as 'final'; a one-arm cohort was refused; and `power --analysis ancova` adjusted for a treated baseline."""
    from calcium_abm.batch.power import power_design
    from calcium_abm.errors import UserInputError

    later = [{"name": "placebo"}, {"name": "mk7", "schedule": [{"start_day": 5, "add": {"mk7_ug_per_day": 360}}]}]
    spec = load_batch(trial(cohort={"randomisation_day": 0}, arms=later))
    assert not spec.arms_differ_on_day_0  # a change is allowed and the ANCOVA adjusts
    with pytest.raises(BatchError, match=r"analysis.outcomes.bmd_change_pct = \"final\" is not allowed with "
                                         r"cohort.randomisation_day = 0"):
        load_batch(trial(cohort={"randomisation_day": 0}, analysis={"outcomes": {"bmd_change_pct": "final"}}))
    one = load_batch(trial(cohort={"randomisation_day": 0}, arms=[{"name": "only", "add": {"mk7_ug_per_day": 9}}]))
    assert not one.arms_differ_on_day_0
    run_batch(trial(patients=6, years=20 / 365, cohort={"randomisation_day": 0},
                    analysis={"outcomes": {"dp_ucmgp_pmol_l": "final"}}), tmp_path / "out")
    with pytest.raises(UserInputError, match="ancova is not allowed for this pilot: it was randomised on day 0"):
        power_design(tmp_path / "out", "dp_ucmgp_pmol_l", analysis="ancova")
    assert power_design(tmp_path / "out", "dp_ucmgp_pmol_l", analysis="welch").analysis == "welch"
