"""A fresh research software engineer's hostile inputs (review 66): a link named like a table overwrote the
scenario it pointed to; a clotting factor's typo was pointed at another factor; a Python model function for the
sensitivity API failed inside SALib; an unknown control arm was called an arm without finished runs; a start-only
setting's hint pointed at a setting the arm then refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcium_abm.batch import morris_screening, sobol_indices
from calcium_abm.batch.statistics import trial_effects
from calcium_abm.errors import UserInputError
from test_cli_inputs import rejected

SMALL = [f"--set={t}_grid_{s}=16" for t in ("bone", "vessel") for s in ("width", "height")]


def test_a_table_is_never_written_through_a_link_into_a_file_of_another_kind(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenario = tmp_path / "my.toml"
    scenario.write_text('name = "mine"\n[diet]\nmk7_ug_per_day = 180\n', "utf-8")
    (tmp_path / "results.csv").symlink_to("my.toml")
    rejected(["run", "my.toml", "--years", "0.01", *SMALL, "--out", "results.csv"], capsys,
             "output file 'results.csv' (a symbolic link to ", "my.toml'): the table would be written into the "
             "link's target, which does not end in .csv")
    assert scenario.read_text("utf-8").startswith('name = "mine"')  # the scenario is untouched
    (tmp_path / "kept.csv").write_text("old\n")
    (tmp_path / "link.csv").symlink_to("kept.csv")  # a link to a table of its own kind: written there, as before
    from calcium_abm.cli import main
    assert main(["run", "my.toml", "--years", "0.01", *SMALL, "--out", "link.csv"]) == 0
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "kept.csv").read_text().startswith("day,")


@pytest.mark.parametrize("typed", ["factor_v_half_life_h", "factor_xi_half_life_h", "factor_vi_half_life_h",
                                   "factor_l_half_life_h", "factor_half_life_h"])
def test_a_clotting_factor_is_never_suggested_for_another(tmp_path, capsys, typed):
    err = rejected(["run", "healthy_adult", "--set", f"parameters.{typed}=5", "--out", str(tmp_path / "x.csv")],
                   capsys, f"unknown key 'parameters.{typed}': not a model parameter")
    assert "did you mean" not in err


@pytest.mark.parametrize("typed, meant", [("factor_vii_half_lfe_h", "factor_vii"), ("factor_vll_half_life_h", "factor_vii"),
                                          ("factorvii_half_life_h", "factor_vii"), ("factor_ll_half_life_h", "factor_ii")])
def test_a_true_typo_of_a_clotting_factor_is_still_pointed_at_it(tmp_path, capsys, typed, meant):
    """A slip in the numeral's letters (l for i) or a lost underscore is a typo (a reviewer found these had lost
    their hint, and another that factor_ll was pointed at factor X)."""
    rejected(["run", "healthy_adult", "--set", f"parameters.{typed}=5", "--out", str(tmp_path / "x.csv")],
             capsys, f"did you mean 'parameters.{meant}_half_life_h'?")


BOUNDS = {"a": (0.0, 1.0), "b": (0.0, 1.0)}


@pytest.mark.parametrize("model, said", [
    (lambda d: 5.0, "returned 5.0 for 30 points"),
    (lambda d: d["a"][:3], "returned Series of shape (3,) for 30 points"),
    (lambda x: x[0] + 2 * x[1], "raised KeyError: "),
    (lambda d: ["x"] * len(d), "not numbers"),
    (lambda d: pd.DataFrame({"y": ["a"] * len(d)}), "returned DataFrame of shape (30, 1), not numbers"),
    (lambda d: pd.DataFrame(index=d.index), "returned DataFrame of shape (30, 0) for 30 points"),
    (lambda d: np.zeros((len(d), 2)), "returned ndarray of shape (30, 2) for 30 points"),
])
def test_a_python_model_function_that_does_not_return_a_number_per_point_is_told_what_it_must(model, said):
    with pytest.raises(UserInputError) as refused:
        morris_screening(model, BOUNDS)
    assert said in str(refused.value)
    assert "a DataFrame of the design's 30 points (a column per parameter: a, b) and must return 30 numbers" \
        in str(refused.value)
    with pytest.raises(UserInputError, match=r"returned \[1, 2\] for 32 points"):
        sobol_indices(lambda d: [1, 2], BOUNDS, samples=8)
    good = morris_screening(lambda d: d["a"] + 2 * d["b"], BOUNDS)  # as docs/batch.md's example
    assert list(good.sort_values("mu_star")["parameter"]) == ["a", "b"]
    assert len(morris_screening(lambda d: np.zeros((len(d), 1)), BOUNDS)) == 2  # a column of outputs is fine


def test_a_refusal_from_inside_the_model_function_passes_through_as_it_is():
    def refuses(d):
        raise UserInputError("diet.mk7_ug_per_day = -1 is not allowed: must be at least 0")

    with pytest.raises(UserInputError, match=r"^diet\.mk7_ug_per_day = -1 is not allowed: must be at least 0$"):
        morris_screening(refuses, BOUNDS)


def test_an_unknown_control_arm_is_named_with_the_arms_there_are():
    per_run = pd.DataFrame({"arm": ["placebo", "placebo", "mk7", "mk7"], "patient": [1, 2, 3, 4],
                            "bmd_change_pct": [-1.0, -1.2, -0.5, -0.7]})
    with pytest.raises(UserInputError, match=r"control arm 'warfarin' is not allowed: it is none of the finished "
                                             r"runs' arms \(placebo, mk7\)"):
        trial_effects(per_run, ["bmd_change_pct"], "warfarin")
    assert len(trial_effects(per_run, ["bmd_change_pct"], "placebo")) == 1


def test_the_hint_for_a_text_in_add_says_when_set_can_take_it(tmp_path, capsys):
    grids = "".join(f"{t}_grid_{s} = 16\n" for t in ("bone", "vessel") for s in ("width", "height"))
    base = f'name = "c"\nyears = 0.1\noutput = "summary"\n[set]\n{grids}[cohort]\npatients = 4\n[[arms]]\nname = "a"\n'
    path = tmp_path / "b.toml"
    path.write_text(base + '[[arms]]\nname = "b"\nadd = { sex = "female" }\n', "utf-8")
    rejected(["batch", str(path), "--out", str(tmp_path / "o")], capsys,
             'put a true/false or text setting in set, e.g. set = { sex = "female" }, with cohort.randomisation_day '
             "= 0 (sex is set at a run's start")
    path.write_text(base + '[[arms]]\nname = "b"\nadd = { menopausal_hormone_therapy = true }\n', "utf-8")
    err = rejected(["batch", str(path), "--out", str(tmp_path / "o")], capsys,
                   "e.g. set = { menopausal_hormone_therapy = true }")
    assert "randomisation_day" not in err  # therapy may start at randomisation


def test_a_directory_option_that_is_a_link_to_nothing_is_named_as_one(tmp_path, capsys):
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    batch = tmp_path / "b.toml"
    batch.write_text('name = "b"\nyears = 0.01\n[set]\nbone_grid_width = 16\n[sweep.parameters]\nmk7_ug_per_day = [0, 90]\n')
    for link in ("dangling", "loop"):
        rejected(["batch", str(batch), "--out", str(tmp_path / link)], capsys,
                 f"--out '{tmp_path / link}' is a symbolic link to ", "which does not exist (or loops): give a "
                 "directory for the batch results")
    assert not (tmp_path / "nowhere").exists()


def test_a_file_name_with_a_control_character_and_a_blank_name_are_refused(tmp_path, capsys):
    rejected(["run", "healthy_adult", "--years", "0.01", *SMALL, "--out", str(tmp_path / "a\nb.csv")], capsys,
             "has a control character (a line break, tab or the like) in its name")
    assert list(tmp_path.iterdir()) == []
    rejected(["validate", "--rows", "W1", "--out", str(tmp_path / "x\ny")], capsys,
             "has a control character (a line break, tab or the like) in its name: give a directory for the report")
    assert list(tmp_path.iterdir()) == []
    blank = tmp_path / "blank.toml"
    blank.write_text('name = "   "\n[patient]\nage_years = 60\n', "utf-8")
    rejected(["run", str(blank), "--years", "0.01", *SMALL, "--out", str(tmp_path / "b.csv")], capsys,
             'name = "   " is not allowed: must not be blank')


def test_a_key_given_three_times_is_one_problem_naming_each(tmp_path, capsys):
    err = rejected(["run", "healthy_adult", *(f"--set=mk7_ug_per_day={v}" for v in (1, 2, 3)),
                    "--out", str(tmp_path / "x.csv")], capsys,
                   "error: diet.mk7_ug_per_day is given 3 times: --set mk7_ug_per_day=1, --set mk7_ug_per_day=2 and "
                   "--set mk7_ug_per_day=3")
    assert "problems" not in err


def test_validate_refuses_a_users_file_where_its_report_goes_before_any_run(tmp_path, capsys):
    """A reviewer's `validate --out v1` with v1/report.md of his own ran every row, then refused the report: the
    folder's unlisted file is refused before the first run, naming it, and nothing is written."""
    folder = tmp_path / "v1"
    folder.mkdir()
    (folder / "report.md").write_text("notes\n")
    err = rejected(["validate", "--rows", "W1", "--seeds", "1", "--workers", "1", "--out", str(folder)], capsys,
                   f"--out: '{folder / 'report.md'}' is not among the files an earlier validate wrote there")
    assert "W1" not in capsys.readouterr().out and "runs done" not in err
    assert sorted(p.name for p in folder.iterdir()) == ["report.md"]


def test_the_io_check_names_only_replaceable_unlisted_files(tmp_path):
    from calcium_abm.io import unlisted_files

    (tmp_path / ".list").write_text("a.csv\n")
    for name in ("a.csv", "b.csv", "c.txt"):
        (tmp_path / name).write_text("x")
    assert unlisted_files(tmp_path, ".list", lambda n: n.endswith(".csv")) == ["b.csv"]
    assert unlisted_files(tmp_path / "missing", ".list", lambda n: True) == []


def test_known_limits_follow_the_runs_settings_not_only_its_first_day():
    """A reviewer's GFR declining from 80 to 30, and a CKD 4 set by the schedule on day 100, met no known limit on
    the page (which asks on day 0); a haemodialysis run was told the model fails before dialysis."""
    from calcium_abm import known_limits, load_scenario
    from calcium_abm.scenario import parse_scenario_toml

    day0 = pd.DataFrame({"day": [0]})
    ckd, pth = "in CKD the model's serum calcium falls too little", "the skeleton's resistance to PTH"
    declining = parse_scenario_toml("[patient]\nage_years = 60\n[kidney]\nresidual_gfr_ml_per_min = 80\n"
                                    "gfr_end_ml_per_min = 30\n[simulation]\nyears = 2\n", "d.toml")
    scheduled = parse_scenario_toml("[patient]\nage_years = 60\n[simulation]\nyears = 2\n[[schedule]]\n"
                                    "start_day = 100\nset = { ckd_stage = 4 }\n", "s.toml")
    for scenario in (declining, scheduled):
        said = known_limits(scenario, day0)
        assert said[0].startswith(ckd) and said[1].startswith(pth) and len(said) == 2
    on_dialysis = known_limits(load_scenario("haemodialysis"), day0)
    assert len(on_dialysis) == 1 and on_dialysis[0].startswith(ckd)  # calibrated there: no PTH limit
    assert known_limits(load_scenario("healthy_adult"), day0) == []
