"""Every accepted input acts, or is refused: a parameter a ``[[schedule]]`` entry sets that its run
never reads (another species', a spread the person does not let act) is refused by a single run,
and a batch refuses a setting that no run of it reads ([set], a swept or screened parameter, an
arm, a schedule entry), naming the file, the key, the value and what would read it; what some run
reads goes ahead (calcium_abm/inert_settings.py, calcium_abm/batch/inert.py)."""

from __future__ import annotations

import re

import pytest

from calcium_abm.batch.expand import expand_runs
from calcium_abm.batch.spec import BatchError, load_batch
from calcium_abm.cli import main
from calcium_abm.errors import ScenarioError
from calcium_abm.scenario import load_scenario
from test_cli_inputs import rejected

GRIDS = "bone_grid_width = 16\nbone_grid_height = 16\nvessel_grid_width = 16\nvessel_grid_height = 16\n"
SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}
RAT_ONLY = 'it is read only by the rat preset, and every run of this batch is species = "human"'


def _scenario_file(tmp_path, schedule_set: str, patient: str = "") -> str:
    path = tmp_path / "s.toml"
    path.write_text(f'name = "s"\n[patient]\n{patient}\n[simulation]\nyears = 0.1\n{GRIDS}'
                    f'[[schedule]]\nstart_day = 10\nset = {{ {schedule_set} }}\n', "utf-8")
    return str(path)


def _refused_batch(tmp_path, capsys, text: str, *fragments: str) -> str:
    path = tmp_path / "b.toml"
    path.write_text(text, "utf-8")
    err = rejected(["batch", str(path), "--out", str(tmp_path / "out"), "--workers", "1"], capsys,
                   f"error: {path}: ", *fragments)
    assert not (tmp_path / "out").exists()
    return err


def _batch(kind: str, extra_set: str = "") -> str:
    return f'name = "b"\nyears = 0.05\n[set]\n{GRIDS}{extra_set}\n{kind}'


def _runs(table: dict) -> list:
    return expand_runs(load_batch({"name": "b", "years": 0.05, **table, "set": {**SMALL, **table.get("set", {})}}))


# ------------------------------------------------------------------ one run's [[schedule]]


def test_run_refuses_a_scheduled_parameter_of_another_species(tmp_path, capsys):
    scenario = _scenario_file(tmp_path, '"parameters.rat_serum_calcium_relative" = 1.1')
    rejected(["run", scenario, "--out", str(tmp_path / "o.csv")], capsys,
             f"error: {scenario}: schedule entry 1 (start_day = 10): parameters.rat_serum_calcium_relative = 1.1 "
             'does nothing for species = "human": it is read only by the rat preset')
    assert not (tmp_path / "o.csv").exists()
    with pytest.raises(ScenarioError, match="schedule entry 1 .* does nothing for species"):  # the model too
        from calcium_abm import simulate
        simulate(scenario)


def test_validate_refuses_a_scheduled_spread_the_person_does_not_let_act(tmp_path, capsys):
    scenario = _scenario_file(tmp_path, '"parameters.remodeling_balance_sd" = 0.1')
    rejected(["validate", scenario], capsys,
             "schedule entry 1 (start_day = 10): parameters.remodeling_balance_sd = 0.1 does nothing while this "
             "entry is in effect: it acts only where patient.remodeling_balance_varies is true")
    wandering = _scenario_file(tmp_path, '"parameters.remodeling_balance_sd" = 0.1',
                               patient="remodeling_balance_varies = true")
    assert main(["validate", wandering]) == 0, capsys.readouterr().err


def test_the_propensity_spread_cannot_be_scheduled():
    """It places the person in the intimal onset distribution when the wall starts (day 0), never later."""
    with pytest.raises(ScenarioError, match="'parameters.calcification_propensity_log_sd' cannot change during a run"):
        load_scenario({"schedule": [{"start_day": 10, "set": {"parameters.calcification_propensity_log_sd": 0.7}}]})


# ----------------------------------------------------------------------------- batches


def test_a_sweep_over_another_species_parameter_is_refused(tmp_path, capsys):
    _refused_batch(tmp_path, capsys, _batch("[sweep.parameters]\nrat_serum_calcium_relative = [1.0, 1.1]\n"),
                   "sweep.parameters.rat_serum_calcium_relative = [1, 1.1] does nothing in any run of this batch: "
                   f"{RAT_ONLY}; its runs would be identical")
    rats = {"set": {"species": "rat", "age_years": 0.0}}  # rat runs read it
    assert _runs({**rats, "sweep": {"parameters": {"rat_serum_calcium_relative": [1.0, 1.1]}}})


def test_a_morris_design_over_a_parameter_no_run_reads_is_refused_unless_asked_for(tmp_path, capsys):
    design = ("[sensitivity]\ntrajectories = 2\n[sensitivity.parameters]\nrat_serum_calcium_relative = [0.9, 1.1]\n"
              "k1_half_life_h = [0.5, 3]\n")
    path = tmp_path / "m.toml"
    path.write_text(_batch(design), "utf-8")
    rejected(["sensitivity", str(path), "--out", str(tmp_path / "out"), "--workers", "1"], capsys,
             f"error: {path}: sensitivity.parameters.rat_serum_calcium_relative = [0.9, 1.1] does nothing in any run "
             f"of this batch: {RAT_ONLY}; its effects would be exactly 0", "sensitivity.screen_unread = true")
    screened = {"trajectories": 2, "parameters": {"rat_serum_calcium_relative": [0.9, 1.1],
                                                  "k1_half_life_h": [0.5, 3.0]}, "screen_unread": True}
    assert _runs({"sensitivity": screened})
    with pytest.raises(BatchError, match="sensitivity.screen_unread = true does nothing here: every parameter"):
        _runs({"sensitivity": {**screened, "parameters": {"k1_half_life_h": [0.5, 3.0], "mk7_ug_per_day": [0, 90]}}})


def test_set_gives_a_parameter_no_run_reads(tmp_path, capsys):
    _refused_batch(tmp_path, capsys, _batch("[sweep.parameters]\nmk7_ug_per_day = [0, 90]\n",
                                            "rat_serum_calcium_relative = 1.1\n"),
                   f"set.rat_serum_calcium_relative = 1.1 does nothing in any run of this batch: {RAT_ONLY}; "
                   "leave it out of [set]")


def test_a_draw_only_spread_acts_only_in_a_cohort_that_draws_its_trait(tmp_path, capsys):
    cohort = '[cohort]\npatients = 2\n[[arms]]\nname = "usual"\n'
    _refused_batch(tmp_path, capsys, _batch(cohort, "peak_bone_mass_cv = 0.2\n"),
                   "set.peak_bone_mass_cv = 0.2 does nothing in any run of this batch: it is the spread of "
                   'patient.peak_bone_mass between people, read only where a cohort draws patient.peak_bone_mass '
                   'with distribution = "documented"')
    assert _runs({"set": {"peak_bone_mass_cv": 0.2}, "arms": [{"name": "usual"}],
                  "cohort": {"patients": 2, "distributions": {"peak_bone_mass": {"distribution": "documented"}}}})


def test_a_drawn_trait_no_run_reads_is_refused(tmp_path, capsys):
    """A cohort drew peak_bone_mass beside a measured T-score for everyone (each run sets it back to 1) and
    reported it in Table 1, or wall_plaque_growth for people whose plaque starts after the run; it acted in no
    run (found by the new-user probe h1 with calcium-abm batch)."""
    cohort = ('[cohort]\npatients = 2\n[cohort.distributions]\n'
              'baseline_bmd_t_score = { distribution = "normal", mean = -1, sd = 1 }\n'
              'peak_bone_mass = { distribution = "documented" }\n[[arms]]\nname = "usual"\n')
    _refused_batch(tmp_path, capsys, _batch(cohort),
                   'cohort.distributions.peak_bone_mass = { distribution = "documented" } does nothing in any run of '
                   "this batch: the measured patient.baseline_bmd_t_score sets each run's start bone; leave it out of "
                   "cohort.distributions")
    young = {"age_years": {"distribution": "uniform", "min": 20, "max": 25},
             "wall_plaque_growth": {"distribution": "documented"}}
    with pytest.raises(BatchError, match=r"cohort.distributions.wall_plaque_growth = \{ distribution = \"documented\" "
                                         r"\} does nothing in any run of this batch: .* and each run ends before its "
                                         r"person's onset; leave it out of cohort.distributions"):
        _runs({"arms": [{"name": "usual"}], "cohort": {"patients": 2, "distributions": young}})
    old = {**young, "age_years": {"distribution": "uniform", "min": 60, "max": 65}}
    assert _runs({"arms": [{"name": "usual"}], "cohort": {"patients": 2, "distributions": old}})


def test_a_cohort_that_draws_the_propensity_lets_its_spread_act():
    draws = {"calcification_propensity": {"distribution": "documented"}}
    assert _runs({"set": {"calcification_propensity_log_sd": 0.7}, "arms": [{"name": "usual"}],
                  "cohort": {"patients": 2, "distributions": draws}})
    with pytest.raises(BatchError, match="set.calcification_propensity_log_sd = 0.7 does nothing in any run of this "
                                         "batch: it acts only where patient.calcification_propensity is not 1"):
        _runs({"set": {"calcification_propensity_log_sd": 0.7}, "arms": [{"name": "usual"}],
               "cohort": {"patients": 2}})


def test_an_arm_setting_another_species_parameter_is_refused(tmp_path, capsys):
    arms = ('[cohort]\npatients = 2\n[[arms]]\nname = "a"\n[[arms]]\nname = "b"\n'
            'set = { rat_serum_calcium_relative = 1.1 }\n')
    _refused_batch(tmp_path, capsys, _batch(arms),
                   f"arms #2 (b).set.rat_serum_calcium_relative = 1.1 does nothing in any run of this batch: {RAT_ONLY}; "
                   "leave it out of the arm")


def test_an_arm_from_day_0_setting_a_draw_only_spread_is_refused(tmp_path, capsys):
    arms = ('[analysis]\noutcomes = { dp_ucmgp_pmol_l = "final" }\n'  # a change from day 0 is refused at day 0
            '[cohort]\npatients = 2\nrandomisation_day = 0\n[[arms]]\nname = "a"\n[[arms]]\nname = "b"\n'
            'set = { calcium_absorption_cv = 0.3 }\n')
    _refused_batch(tmp_path, capsys, _batch(arms), "arms #2 (b).set.calcium_absorption_cv = 0.3 does nothing in any "
                   "run of this batch: a cohort's draw reads it before day 0, and an arm's settings apply after the draw")


def test_an_arm_schedule_sets_a_spread_only_a_wandering_balance_reads(tmp_path, capsys):
    arms = ('[cohort]\npatients = 2\n[[arms]]\nname = "a"\n[[arms]]\nname = "b"\n[[arms.schedule]]\nstart_day = 10\n'
            'set = { remodeling_balance_sd = 0.1, mk7_ug_per_day = 100 }\n')
    _refused_batch(tmp_path, capsys, _batch(arms),
                   "arms #2 (b).schedule #1.set.remodeling_balance_sd = 0.1 does nothing in any run of this batch: it "
                   "acts only where patient.remodeling_balance_varies is true (the spread of the wandering balance) "
                   "while the entry is in effect; leave it out of the arm")
    entry = {"start_day": 10, "set": {"remodeling_balance_sd": 0.1}}
    assert _runs({"set": {"remodeling_balance_varies": True}, "cohort": {"patients": 2},
                  "arms": [{"name": "a"}, {"name": "b", "schedule": [entry]}]})


def test_the_base_scenario_schedule_is_checked_in_a_batch(tmp_path, capsys):
    _scenario_file(tmp_path, '"parameters.rat_serum_calcium_relative" = 1.1')  # s.toml beside the batch file
    _refused_batch(tmp_path, capsys, 'name = "b"\nscenario = "s.toml"\n[sweep.parameters]\nmk7_ug_per_day = [0, 90]\n',
                   'scenario = "s.toml": schedule entry 1.set.parameters.rat_serum_calcium_relative = 1.1 does '
                   f"nothing in any run of this batch: {RAT_ONLY}; leave it out of the scenario")


# ------------------------------------------------------------- a drug's parameter without the drug
from calcium_abm import simulate  # noqa: E402
from calcium_abm.physiology import conditional_parameters, parameter_registry, parameter_set  # noqa: E402

#: a person in whom each condition of CONDITIONAL_PARAMETERS holds
_ON = {"drugs.warfarin_mg_per_day": ("healthy_adult", {"warfarin_mg_per_day": 5.0}),
       "drugs.sevelamer_g_per_day": ("haemodialysis", {"sevelamer_g_per_day": 4.8}),
       "drugs.calcium_acetate_g_per_day": ("haemodialysis", {"calcium_acetate_g_per_day": 4.0}),
       "dialysis.sessions_per_week": ("haemodialysis", {"session_hours": 5.0}),
       "drugs.menopausal_hormone_therapy": ("postmenopausal", {"menopausal_hormone_therapy": True}),
       # a half-life acts while the factors move: warfarin started during the run
       **{f"parameters.pt_weight_factor_{f}": (load_scenario("healthy_adult").with_schedule(
           [{"start_day": 5, "set": {"drugs.warfarin_mg_per_day": 5.0}}]), {f"pt_weight_factor_{f}": 1.0})
          for f in ("ix", "x")},
       # factor VII's weight acts beside another factor's while warfarin moves them apart (at a steady state
       # every factor sits at the liver's carboxylated share, and any weights give the same mean)
       "parameters.pt_weight_factor_ii,": (load_scenario("healthy_adult").with_schedule(
           [{"start_day": 5, "set": {"drugs.warfarin_mg_per_day": 5.0}}]), {"pt_weight_factor_x": 1.0}),
       "diet.calcium_mg_per_day": ("healthy_adult", {"calcium_mg_per_day": 1500.0}),
       # the typical man makes MGP and osteocalcin
       "genetics.mgp_knockout": ("healthy_adult", {}), "genetics.osteocalcin_knockout": ("healthy_adult", {}),
       # a pool's kinetics acts while its inputs change: MK-7 started (the vitamin K stores), warfarin started
       # (the clotting factors)
       "a": (load_scenario("healthy_adult").with_schedule([{"start_day": 5, "set": {"diet.mk7_ug_per_day": 180.0}}]),
             {}),
       "a+warfarin": (load_scenario("healthy_adult").with_schedule(
           [{"start_day": 5, "set": {"drugs.warfarin_mg_per_day": 5.0}}]), {}),
       # a propensity of 2 places the man's onset of intimal calcium ~9 years before the median
       "patient.calcification_propensity": ("healthy_adult", {"calcification_propensity": 2.0}),
       # the skeleton's resistance to PTH: its onset acts below it without dialysis (CKD 5 at GFR 10; its ESRD share
       # acts on dialysis, the condition above), its half-life while it moves (kidneys that fail during the run)
       "there": ("ckd_stage5", {}),
       "the": (load_scenario("healthy_adult").with_schedule(
           [{"start_day": 5, "set": {"patient.ckd_stage": 5}}]), {})}

_WOMAN = {"sex": "female", "age_years": 53, "postmenopausal": True, "years_since_menopause": 2}
#: where a sex-specific parameter acts within the test's 40 days: a woman 2 years past her final period (her
#: early-menopause laws act), the built-in postmenopausal woman, or a man of 62 (his intima grows); and the
#: value it is changed to where the default is 0 (a multiple of 0 is no change)
_SEXED_ON = {**{name: ("healthy_adult", _WOMAN) for name in conditional_parameters.FEMALE_ONLY},
             "intimal_onset_age_median_female_years": ("healthy_adult", {**_WOMAN, "age_years": 70,
                                                                         "years_since_menopause": 19}),
             "estrogen_vessel_protection": ("postmenopausal", {}),
             **{name: ("healthy_adult", {"age_years": 62}) for name in conditional_parameters.MALE_ONLY},
             # the vessel's share of a therapy started 8 years after the final period (between the window's edges)
             **{name: (load_scenario("postmenopausal").with_schedule(
                 [{"start_day": 5, "set": {"drugs.menopausal_hormone_therapy": True}}]),
                 {**_WOMAN, "age_years": 59, "years_since_menopause": 8})
                for name in ("hormone_therapy_vessel_window_full_years", "hormone_therapy_vessel_window_end_years")},
             # gut calcium absorption falls past 60 (and its reference fraction scales the fall): a man of 65
             **{name: ("healthy_adult", {"age_years": 65}) for name in (
                 "absorption_fraction_decline_per_year", "absorption_decline_onset_age_years",
                 "reference_fractional_absorption")},
             # stop 68: a man of 95 absorbs 0.76 of a young man's calcium, below a floor of 0.9; warfarin at a dose that
             # takes the prothrombin complex below a floor of 0.2
             "absorption_minimum_relative": ("healthy_adult", {"age_years": 95}),
             # stop 70: a man of 95's GFR by age, 65 mL/min, lies below a floor of 70
             "gfr_minimum_ml_per_min": ("healthy_adult", {"age_years": 95}),
             # FGF23's caps (stop 70): a haemodialysis patient's ~18 above a ceiling of 15; a healthy adult's 0.08 on
             # 100 mg/day of phosphorus at a GFR of 130 below a floor of 0.09 (refused for the healthy adult's 1)
             "fgf23_max_relative": ("haemodialysis", {}),
             "fgf23_min_relative": ("healthy_adult", {"phosphate_mg_per_day": 100.0,
                                                      "residual_gfr_ml_per_min": 130.0}),
             "minimum_prothrombin_complex_activity": ("healthy_adult", {"warfarin_mg_per_day": 40.0}),
             # warfarin's clearance falls past 71: a man of 85 on warfarin
             **{name: ("healthy_adult", {"age_years": 85, "warfarin_mg_per_day": 5.0})
                for name in ("warfarin_clearance_decline_per_year", "warfarin_clearance_decline_onset_age_years")}}
_SEXED_OFF = {**{name: ("healthy_adult", {}) for name in conditional_parameters.FEMALE_ONLY},
              # the knockout mice make no MGP, or no osteocalcin
              **{name: ("mgp_knockout", {}) for name in conditional_parameters.MGP_CHAIN},
              "bone_ggcx_half_saturation_nmol_per_l": ("osteocalcin_knockout", {}),
              # a mouse's kidneys stay at the laws' reference GFR (no age laws, no kidney disease)
              **{name: ("mgp_knockout", {}) for name in (
                  "urine_calcium_gfr_exponent", "renal_pth_resistance_gfr_exponent", "dp_ucmgp_renal_clearance_share",
                  "pth_renal_clearance_share", "calcitriol_renal_mass_exponent",
                  "esrd_calcification_inhibition_fraction")},
              # on dialysis the serum has the ESRD share of its inhibitors whatever the GFR (a healthy man of 50's
              # GFR by age already lies below the law's reference)
              **{name: ("haemodialysis", {}) for name in ("calcification_inhibition_gfr_exponent",
                                                          "intimal_inhibitor_loss_exponent")},
              **{name: ("healthy_adult", _WOMAN) for name in conditional_parameters.MALE_ONLY}}
_VALUE = {"absorption_minimum_relative": 0.9, "gfr_minimum_ml_per_min": 70.0, "fgf23_max_relative": 15.0,
          "fgf23_min_relative": 0.09, "minimum_prothrombin_complex_activity": 0.2, "pth_renal_clearance_share": 0.3,
          "estrogen_loss_late_effect_fraction": 0.3, "pt_weight_factor_ii": 0.3, "pt_weight_factor_ix": 0.3,
          "pt_weight_factor_x": 0.3}


def _changed(name: str) -> float:
    if name in _VALUE:
        return _VALUE[name]
    p = parameter_registry()[name]
    return p.value * 1.5 if p.value * 1.5 <= p.maximum else p.value * 0.5


def _frame(scenario: str, overrides: dict):
    return simulate(scenario, years=40 / 365, seed=3, overrides={**SMALL, **overrides})


@pytest.mark.parametrize("name", sorted(conditional_parameters.CONDITIONAL_PARAMETERS))
def test_a_conditional_parameter_does_nothing_without_its_condition_and_acts_with_it(name, monkeypatch):
    """Why a run refuses it: with its drug, treatment or companion parameter absent the run is the same
    bit for bit whatever its value (checked with the refusal switched off), and present it changes the run."""
    condition = conditional_parameters.CONDITIONAL_PARAMETERS[name][0].split(" ")[0]
    off_scenario, off = _SEXED_OFF.get(name, ("healthy_adult", {}))
    where = re.escape(conditional_parameters.CONDITIONAL_PARAMETERS[name][0][:40])
    with pytest.raises(ScenarioError, match=rf"parameters.{name} = .* does nothing in this run: it acts only where "
                                            rf"{where}"):
        _frame(off_scenario, {**off, name: _changed(name)})
    monkeypatch.setattr(conditional_parameters, "inert_conditional_parameters", lambda scenario: [])
    assert _frame(off_scenario, {**off, name: _changed(name)}).equals(_frame(off_scenario, off))
    if conditional_parameters.KINETIC_PARAMETERS.get(name):  # warfarin counts: start it
        condition = "a+warfarin"
    scenario, on = _SEXED_ON[name] if name in _SEXED_ON else _ON[condition]
    assert not _frame(scenario, {**on, name: _changed(name)}).equals(_frame(scenario, on))


def test_a_batch_refuses_a_drug_parameter_no_run_reads_and_takes_it_where_one_run_has_the_drug(tmp_path, capsys):
    text = _batch('[sweep]\nmethod = "grid"\n[sweep.parameters]\nwarfarin_half_life_h = [30, 40]\n')
    _refused_batch(tmp_path, capsys, text, "warfarin_half_life_h", "drugs.warfarin_mg_per_day is above 0")
    spec = _batch('[sweep]\nmethod = "grid"\n[sweep.parameters]\nwarfarin_half_life_h = [30, 40]\n'
                  'warfarin_mg_per_day = [0, 5]\n')
    path = tmp_path / "ok.toml"
    path.write_text(spec, "utf-8")
    assert len(expand_runs(load_batch(path))) == 4  # the runs with warfarin read it


def test_a_warfarin_parameter_acts_while_warfarin_given_earlier_washes_out():
    """Stopping warfarin with a new half-life: the body's warfarin still clears at it (row W6), so a
    single run accepts it; set by an entry in a run that never has warfarin, it is refused."""
    stop = {"drugs.warfarin_mg_per_day": 0.0, "parameters.warfarin_half_life_h": 70.0}
    def stopped(changes):
        return simulate({"drugs": {"warfarin_mg_per_day": 5.0}, "simulation": {"years": 0.1, **SMALL},
                         "schedule": [{"start_day": 10, "set": changes}]}, seed=1)

    frame, faster = stopped(stop), stopped({"drugs.warfarin_mg_per_day": 0.0})
    assert frame["plasma_warfarin_mg_l"].iloc[-1] > faster["plasma_warfarin_mg_l"].iloc[-1]  # it acts
    never = load_scenario({"simulation": {"years": 0.1, **SMALL},
                           "schedule": [{"start_day": 10, "set": {"parameters.warfarin_half_life_h": 70.0}}]})
    with pytest.raises(ScenarioError, match=r"schedule entry 1 \(start_day = 10\): parameters.warfarin_half_life_h = "
                                            r"70 does nothing while this entry is in effect"):
        simulate(never, seed=1)


def test_a_vitamin_k_store_acts_on_a_change_of_intake_not_of_warfarin():
    """The vitamin K stores hold vitamin K itself: starting warfarin moves the clotting factors (whose
    half-lives then act) but not the stores, so their turnover is refused there and taken with MK-7."""
    warfarin = load_scenario({"simulation": {"years": 0.05, **SMALL},
                              "parameters": {"vessel_vitamin_k_store_turnover_per_day": 0.05},
                              "schedule": [{"start_day": 5, "set": {"drugs.warfarin_mg_per_day": 5.0}}]})
    with pytest.raises(ScenarioError, match=r"vessel_vitamin_k_store_turnover_per_day = 0.05 does nothing in this "
                                            r"run: it acts only where a \[\[schedule\]\] entry or a trial arm "
                                            r"changes the vitamin K intake"):
        simulate(warfarin, seed=1)
    simulate(warfarin.model_copy(update={"parameters": {"factor_vii_half_life_h": 8.0}}), seed=1)  # taken
    mk7 = warfarin.with_schedule([{"start_day": 5, "set": {"diet.mk7_ug_per_day": 180.0}}])
    assert len(simulate(mk7, seed=1)) > 1


@pytest.mark.parametrize("factor", ["ii", "ix", "x"])
def test_a_clotting_factor_weight_is_refused_in_a_run_at_its_steady_state(factor):
    """A factor's weight in the prothrombin time was accepted in a run whose inputs never change and
    changed nothing (found with --set parameters.pt_weight_factor_ii=1 on healthy_adult: every column the
    same): at a steady state every factor sits at the liver's carboxylated share, so any weights give the
    same INR. It is refused there and taken where warfarin starts during the run."""
    name = f"pt_weight_factor_{factor}"
    with pytest.raises(ScenarioError, match=rf"parameters.{name} = 0.3 does nothing in this run: it acts only where "
                                            r"a \[\[schedule\]\] entry or a trial arm changes"):
        _frame("long_term_warfarin", {name: 0.3})
    started = load_scenario("healthy_adult").with_schedule([{"start_day": 5, "set": {"drugs.warfarin_mg_per_day": 5.0}}])
    assert not _frame(started, {name: 0.3})["inr"].equals(_frame(started, {})["inr"])


def test_the_floors_quoted_in_their_conditions_are_the_laws_values():
    """The absorption floor's condition quotes 0.51 at 120 for a woman; the prothrombin floor's ~0.91 with no vitamin
    K eaten (the liver's menaquinone store), each above the floor's highest value or default."""
    from calcium_abm.physiology import ageing, conditional_parameters as cp

    p = parameter_set()
    assert round(float(ageing.calcium_absorption_by_age(120.0, True, p)), 2) == 0.51 > p.absorption_minimum_relative
    assert "0.51 at 120" in cp.CONDITIONAL_PARAMETERS["absorption_minimum_relative"][0]
    frame = simulate("healthy_adult", years=20 / 365, seed=3, overrides={
        **SMALL, "vitamin_k1_ug_per_day": 0.0, "mk4_ug_per_day": 0.0, "mk7_ug_per_day": 0.0})
    assert round(float(frame["prothrombin_complex_activity"].min()), 2) == 0.91
    assert "~0.91 with no vitamin K eaten" in cp.CONDITIONAL_PARAMETERS["minimum_prothrombin_complex_activity"][0]
    assert parameter_registry()["minimum_prothrombin_complex_activity"].maximum < 0.91
    # the GFR age law's floor (stop 70): a woman of 120 keeps 17.6 mL/min, above the default floor
    assert round(float(ageing.gfr_by_age_ml_per_min(120.0, "female", p)), 1) == 17.6 > p.gfr_minimum_ml_per_min
    assert "a woman of 120 17.6 mL/min" in cp.CONDITIONAL_PARAMETERS["gfr_minimum_ml_per_min"][0]
