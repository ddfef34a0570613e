"""A fresh reviewer's hostile inputs (review 65): a scenario name that a spreadsheet runs as a formula, a file that
sets only its name or an empty schedule, an option value that starts with a minus sign, a scenario suggestion
across mass units, menopause laws set for a woman whose estrogen never falls in the run, and age laws set for a
person the run never brings to their age."""

from __future__ import annotations

import pytest

from calcium_abm import simulate
from calcium_abm.cli import main
from calcium_abm.errors import ScenarioError
from calcium_abm.physiology import conditional_parameters
from calcium_abm.scenario import load_scenario, parse_scenario_toml

TINY = {f"simulation.{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}
SMALL = [f"--set={key}=16" for key in TINY]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(A1)"])
def test_a_name_a_spreadsheet_would_run_is_refused(name):
    with pytest.raises(ScenarioError, match=r"must not start with = \+ - @ \(a spreadsheet"):
        parse_scenario_toml(f"name = '{name}'\n[diet]\nmk7_ug_per_day = 6\n")  # a TOML literal string
    assert parse_scenario_toml('name = "K2 = low"\n[diet]\nmk7_ug_per_day = 6\n').name == "K2 = low"


def test_a_file_that_sets_nothing_is_refused_and_a_label_with_a_setting_is_not():
    with pytest.raises(ScenarioError, match="sets only description, name, which label it"):
        parse_scenario_toml('name = "only"\ndescription = "d"\n')
    with pytest.raises(ScenarioError, match=r"schedule = \[\] sets nothing"):
        parse_scenario_toml('name = "x"\nschedule = []\n[diet]\nmk7_ug_per_day = 6\n')
    with pytest.raises(ScenarioError, match="sets only name"):  # the run's length is no setting of the person
        parse_scenario_toml('name = "only"\n', overrides={"simulation.years": 1.0})
    with pytest.raises(ScenarioError, match="sets only name"):  # flat or dotted, a grid is none either
        parse_scenario_toml('name = "only"\n', overrides={"bone_grid_width": 16})
    assert parse_scenario_toml('[simulation]\nyears = 2\n').simulation.years == 2  # the default person, 2 years
    # a name taken from the file's own name is made safe, not refused: the user never wrote it
    assert parse_scenario_toml("[diet]\nmk7_ug_per_day = 6\n", default_name="-5mg_calcium").name == "_-5mg_calcium"
    assert parse_scenario_toml('name = "only"\n', overrides={"patient.age_years": 60.0}).patient.age_years == 60.0


def test_an_option_value_with_a_leading_minus_gets_the_options_own_message(capsys, tmp_path, monkeypatch):
    assert main(["power", str(tmp_path / "none"), "--outcome", "x", "--sizes", "-5,10"]) == 2
    err = capsys.readouterr().err
    assert "--sizes '-5' is not allowed: must be a whole number" in err and "usage:" not in err
    # after a bare -- every argument is positional, as written: a file whose name starts with a minus sign
    (tmp_path / "-1.toml").write_text("[diet]\nmk7_ug_per_day = 6\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--", "-1.toml"]) == 0
    assert "is a valid scenario '_-1'" in capsys.readouterr().out


def test_an_arm_name_a_spreadsheet_would_run_is_refused():
    from calcium_abm.batch.spec import BatchError, load_batch

    with pytest.raises(BatchError, match=r"name = \"-2\+3\" is not allowed: use ASCII letters \(a-z, A-Z\), digits and _ \. \+ -, not "
                                         r"\+ or - first"):
        load_batch({"scenario": "healthy_adult", "arms": [{"name": "-2+3"}, {"name": "b"}]})


def test_a_scenario_suggestion_across_mass_units_says_so():
    with pytest.raises(ScenarioError, match=r"did you mean 'mk4_45mg'\? \(note: mg, not µg\)"):
        load_scenario("mk4_45ug")


_WOMAN_30 = {"patient.sex": "female", "patient.age_years": 30.0}


def test_a_menopause_law_is_refused_for_a_woman_whose_estrogen_never_falls_in_the_run():
    assert "estrogen_loss_activation_factor" in conditional_parameters.MENOPAUSE_LAWS
    with pytest.raises(ScenarioError, match="does nothing in this run: it acts only where patient.sex is "
                                            '"female" and her estrogen falls during the run'):
        simulate("healthy_adult", years=0.1, overrides={**TINY, **_WOMAN_30,
                                                       "parameters.estrogen_loss_activation_factor": 3.6})
    # standard-dose therapy taken from day 0 gives all of it back; a rodent preset's kidney takes no person's rates
    for scenario, extra in (("postmenopausal", {"drugs.menopausal_hormone_therapy": True}),
                            ("warfarin_high_k1", {"patient.sex": "female", "patient.postmenopausal": True})):
        with pytest.raises(ScenarioError, match="parameters.estrogen_phosphate_threshold_rise = 0.8 does nothing"):
            simulate(scenario, years=0.05, overrides={**TINY, **extra,
                                                       "parameters.estrogen_phosphate_threshold_rise": 0.8})
    # a constant of women that is no menopause law still acts for her (her young-adult reference)
    assert "young_adult_spine_bmd_female_g_cm2" not in conditional_parameters.MENOPAUSE_LAWS
    # with her perimenopause in the run the law acts, and changes her run
    near = {**TINY, **_WOMAN_30, "patient.age_years": 48.0, "patient.age_at_final_menstrual_period": 50.0}
    base = simulate("healthy_adult", years=0.3, overrides=near)
    changed = simulate("healthy_adult", years=0.3,
                       overrides={**near, "parameters.estrogen_loss_activation_factor": 3.6})
    assert not base["bone_mineral_density_g_cm2"].equals(changed["bone_mineral_density_g_cm2"])


def test_an_age_law_or_the_plaque_law_is_refused_before_the_person_reaches_it():
    """A man of 50 over a year: gut absorption falls only past 60, and his intimal plaque begins at 53."""
    for name, value in (("absorption_fraction_decline_per_year", 0.0042), ("reference_fractional_absorption", 0.6),
                        ("absorption_decline_onset_age_years", 120.0)):
        with pytest.raises(ScenarioError, match=rf"parameters.{name} = .* does nothing in this run: it acts only "
                                                r"where a person \(not a rodent preset\) is older"):
            simulate("healthy_adult", years=1.0, overrides={**TINY, f"parameters.{name}": value})
    with pytest.raises(ScenarioError, match=r"parameters.intimal_sqrt_score_growth_per_year = 1.6 does nothing in "
                                            r"this run: it acts on intimal plaque once it has begun, and this "
                                            r"person's onset comes at age 53.0 and the run ends at 51.0"):
        simulate("healthy_adult", years=1.0, overrides={**TINY, "parameters.intimal_sqrt_score_growth_per_year": 1.6})
    # an onset moved before the calibration age (50) acts at any age: absorption is taken relative to that age's
    young = {**TINY, "patient.age_years": 40.0}
    moved = simulate("healthy_adult", years=0.2,
                     overrides={**young, "parameters.absorption_decline_onset_age_years": 45.0})
    without = simulate("healthy_adult", years=0.2, overrides=young)
    assert not moved["serum_calcium_mmol_l"].equals(without["serum_calcium_mmol_l"])


def test_a_postmenopause_law_acts_only_once_the_run_reaches_its_stage():
    """The menopause's fall of absorption acts from the final period, the estrogen-loss effect's subsiding from the
    end of the transmenopause (2 years after it): a run that ends before refuses them; the reference fraction of
    absorption acts for a woman whose planned final period the run reaches (a second review's finding)."""
    before = {**TINY, **_WOMAN_30, "patient.age_years": 49.5, "patient.age_at_final_menstrual_period": 51.0}
    with pytest.raises(ScenarioError, match="parameters.absorption_fraction_menopause_drop = .* does nothing"):
        simulate("healthy_adult", years=1.0, overrides={**before, "parameters.absorption_fraction_menopause_drop": 0.03})
    with pytest.raises(ScenarioError, match="parameters.estrogen_loss_late_effect_fraction = 0.3 does nothing"):
        simulate("postmenopausal", years=1.0, overrides={**TINY, "parameters.estrogen_loss_late_effect_fraction": 0.3})
    reaches = {**before, "patient.age_years": 50.5}
    base = simulate("healthy_adult", years=1.0, overrides=reaches)
    changed = simulate("healthy_adult", years=1.0, overrides={**reaches, "parameters.reference_fractional_absorption": 0.45})
    assert not base["serum_calcium_mmol_l"].equals(changed["serum_calcium_mmol_l"])
