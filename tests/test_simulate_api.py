"""The ``simulate`` API: columns and their order, row thinning, ``years`` / ``seed`` /
``overrides``, the scenario forms it accepts, and clear errors for bad overrides."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calcium_abm import COLUMNS, CalciumParadoxModel, ScenarioError, UserInputError, load_scenario, simulate
from calcium_abm.outputs import CALCIUM_POOLS, DAILY_FLOW_COLUMNS
from calcium_abm.physiology.person_traits import DRAW_ONLY_SPREADS

SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


def short(scenario="healthy_adult", years=0.1, seed=1, **overrides):
    return simulate(scenario, years=years, seed=seed, overrides={**SMALL, **overrides})


def test_columns_are_the_documented_columns_in_order():
    frame = short()
    assert list(frame.columns) == list(COLUMNS)
    assert frame["day"].dtype == np.int64
    assert all(frame[name].dtype == np.float64 for name in COLUMNS if name != "day")
    assert frame.attrs["scenario"] == "healthy_adult"
    assert frame.attrs["units"] == {name: unit for name, (unit, _) in COLUMNS.items()}


def test_every_column_is_documented_with_a_unit():
    for name, (unit, description) in COLUMNS.items():
        assert unit.strip() and len(description) > 10, name
    required = {"day", "bone_mineral_density_g_cm2", "bmd_change_pct", "vessel_calcification_mg",
                "calcification_score", "dp_ucmgp_pmol_l", "ucoc_fraction", "hepatic_carboxylation_fraction",
                "serum_calcium_mmol_l", "serum_phosphate_mmol_l", "ca_intake_cum_mg", "ca_excreted_cum_mg",
                "osteoclast_count", "osteoblast_count", "contractile_vsmc_count", "osteochondrogenic_vsmc_count"}
    assert required | {f"ca_{pool}_mg" for pool in CALCIUM_POOLS} <= set(COLUMNS)


def test_one_row_per_day_by_default():
    frame = short(years=0.2)
    days = round(0.2 * 365)
    assert frame["day"].tolist() == list(range(days + 1))
    assert frame["years"].iloc[-1] == pytest.approx(days / 365)
    assert frame["bmd_change_pct"].iloc[0] == 0.0


@pytest.mark.parametrize("every", [7, 10, 73, 200])
def test_record_every_days_thins_rows_keeping_day_zero_and_the_last_day(every):
    daily = short(years=0.2)
    thinned = short(years=0.2, record_every_days=every)
    last = int(daily["day"].iloc[-1])
    expected = sorted(set(range(0, last + 1, every)) | {last})
    assert thinned["day"].tolist() == expected
    # thinning only drops rows: the kept rows are the daily run's rows
    kept = daily.set_index("day").loc[expected].reset_index()
    assert kept[list(COLUMNS)].equals(thinned[list(COLUMNS)])


def test_years_sets_the_run_length():
    for years in (0.05, 0.5, 1.0):
        assert short(years=years)["day"].iloc[-1] == round(years * 365)
    assert load_scenario("mgp_knockout").days == short("mgp_knockout", years=None)["day"].iloc[-1]


def test_seed_argument_selects_the_run():
    assert short(seed=3).equals(short(seed=3))
    assert not short(seed=3).equals(short(seed=4))
    assert short(seed=3).equals(short(seed=None, **{"simulation.seed": 3}))


def test_dotted_flat_and_parameter_overrides():
    flat = short(mk7_ug_per_day=180.0)
    dotted = short(**{"diet.mk7_ug_per_day": 180.0})
    assert flat.equals(dotted)
    assert flat["dp_ucmgp_pmol_l"].iloc[-1] < short()["dp_ucmgp_pmol_l"].iloc[-1]
    by_name = short(vessel_ggcx_half_saturation_nmol_per_l=1.0)
    by_path = short(**{"parameters.vessel_ggcx_half_saturation_nmol_per_l": 1.0})
    assert by_name.equals(by_path)
    assert by_name["vascular_mgp_carboxylation_fraction"].iloc[-1] > short()["vascular_mgp_carboxylation_fraction"].iloc[-1]


def test_scenario_forms_give_the_same_run(tmp_path):
    scenario = load_scenario("k2_deficiency")
    path = tmp_path / "mine.toml"
    path.write_text(scenario.to_toml(), encoding="utf-8")
    by_name = short("k2_deficiency")
    assert by_name.equals(short(scenario))
    assert by_name.equals(short(str(path)))
    assert by_name.equals(short(path))
    mapping = {"diet": {"vitamin_k1_ug_per_day": 30.0, "mk4_ug_per_day": 2.0, "mk7_ug_per_day": 0.0}}
    assert by_name.equals(short(mapping))  # a mapping with the same settings (name aside)


def test_simulate_equals_the_model_run_by_hand():
    model = CalciumParadoxModel("healthy_adult", rng=1, years=0.1, **SMALL)
    steps = 0
    while model.running:
        model.step()
        steps += 1
    assert steps == model.days_total == model.day
    frame = model.datacollector.get_model_vars_dataframe()
    assert np.array_equal(frame["day"].to_numpy(), short()["day"].to_numpy().astype(float))


def test_schedule_changes_inputs_mid_run():
    scenario = {"schedule": [{"start_day": 20, "end_day": 40, "set": {"drugs.warfarin_mg_per_day": 5.0}}]}
    frame = short(scenario, years=0.2)
    warfarin = frame.set_index("day")["plasma_warfarin_mg_l"]
    assert warfarin.loc[:20].max() == 0.0
    assert warfarin.loc[21:40].min() > 0.0
    assert warfarin.loc[60:].max() < warfarin.loc[40]  # cleared after the end
    assert frame.set_index("day")["hepatic_carboxylation_fraction"].loc[35] < frame["hepatic_carboxylation_fraction"].iloc[0]


def test_ucoc_is_nan_only_in_the_osteocalcin_knockout():
    assert short()["ucoc_fraction"].notna().all()
    assert short(osteocalcin_knockout=True)["ucoc_fraction"].isna().all()


def test_outputs_are_finite_and_in_range():
    frame = short("ckd_stage5", years=0.3)
    finite = frame.drop(columns=["ucoc_fraction", "vascular_mgp_carboxylation_fraction"])
    assert np.isfinite(finite.drop(columns=list(DAILY_FLOW_COLUMNS)).to_numpy()).all()
    # a day's flows exist from day 1: day 0 is the start state (a 0 there read as no urine)
    assert frame.loc[0, list(DAILY_FLOW_COLUMNS)].isna().all()
    assert np.isfinite(frame.loc[1:, list(DAILY_FLOW_COLUMNS)].to_numpy()).all()
    assert (frame.loc[1:, "urine_calcium_mg_per_day"] > 0).all()
    for name in ("ucoc_fraction", "hepatic_carboxylation_fraction", "vascular_mgp_carboxylation_fraction",
                 "calcified_area_fraction", "osteochondrogenic_vsmc_fraction", "bone_volume_fraction",
                 "remodeling_space_fraction", "vkor_activity_fraction"):
        assert frame[name].between(0.0, 1.0).all(), name
    assert (frame["calcification_score"] >= 0).all() and (frame["vessel_calcification_mg"] >= 0).all()
    assert (frame["contractile_vsmc_count"] + frame["osteochondrogenic_vsmc_count"] == 16 * 16).all()
    assert np.allclose(frame["vessel_calcification_mg"], frame["ca_vessel_wall_mg"], rtol=0, atol=0)


@pytest.mark.parametrize("overrides, named", [
    ({"not_a_setting": 1}, "not_a_setting"),
    ({"diet.mk7_ug_per_day": -5}, "diet.mk7_ug_per_day"),
    ({"mk7_ug_per_day": math.nan}, "mk7_ug_per_day"),
    ({"warfarin_mg_per_day": math.inf}, "warfarin_mg_per_day"),
    ({"ckd_stage": 7}, "ckd_stage"),
    ({"sex": "robot"}, "sex"),
    ({"postmenopausal": True}, "postmenopausal"),  # the default patient is male
    ({"k1_half_life_h": 0.0}, "k1_half_life_h"),
    ({"parameters.not_a_parameter": 1.0}, "not_a_parameter"),
    ({"record_every_days": 0}, "record_every_days"),
])
def test_bad_overrides_raise_scenario_error_naming_the_field(overrides, named):
    with pytest.raises(ScenarioError, match=named) as info:
        simulate("healthy_adult", years=0.05, seed=1, overrides=overrides)
    assert isinstance(info.value, UserInputError)


@pytest.mark.parametrize("kwargs, named", [
    ({"years": 0}, "years"), ({"years": -1}, "years"), ({"years": math.nan}, "years"), ({"seed": -1}, "seed"),
])
def test_bad_years_and_seed_raise_scenario_error(kwargs, named):
    with pytest.raises(ScenarioError, match=named):
        simulate("healthy_adult", **kwargs)


@pytest.mark.parametrize("name", sorted(DRAW_ONLY_SPREADS))
def test_a_trait_spread_only_a_cohort_reads_is_refused_by_the_single_run_api(name):
    """As `calcium-abm run` and the dashboard: one line naming the field, its value and what to give
    instead, from simulate, from the model and from the model's flat settings (mesa.batch_run)."""
    said = (rf"^parameters.{name} = 0.3 does nothing in a single run: .* give this person's own "
            rf"patient.{DRAW_ONLY_SPREADS[name]} instead$")
    with pytest.raises(ScenarioError, match=said):
        simulate("healthy_adult", years=0.05, seed=1, overrides={f"parameters.{name}": 0.3})
    with pytest.raises(ScenarioError, match=said):
        CalciumParadoxModel({"parameters": {name: 0.3}})
    with pytest.raises(ScenarioError, match=said):
        CalciumParadoxModel("healthy_adult", **{name: 0.3})


def test_unknown_scenario_name_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="k2_deficency|did you mean"):
        simulate("k2_deficency", years=0.05)
    # found by probe h3: "" read as the path "." and was refused as ".: is a directory, not a scenario file"
    with pytest.raises(ScenarioError, match=r"^unknown scenario '' \(built-in scenarios: calcium_supplement_no_k2"):
        simulate("", years=0.05)


def test_the_package_imports_its_model_on_first_use():
    """`import calcium_abm` (and so `calcium-abm --help`) does not load Mesa, pandas or numba;
    the public names still import as documented."""
    import subprocess
    import sys

    code = ("import sys, calcium_abm; heavy = [m for m in ('mesa', 'pandas', 'numba') if m in sys.modules]; "
            "from calcium_abm import CalciumParadoxModel, simulate, load_scenario, COLUMNS; "
            "print(heavy, CalciumParadoxModel.__module__, simulate.__module__, 'mesa' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["[]", "calcium_abm.model", "calcium_abm.simulation", "True"]


def test_years_override_is_applied_before_the_schedule_is_checked(tmp_path):
    """A schedule entry beyond the file's duration is valid when years= makes the run long enough."""
    path = tmp_path / "long.toml"
    path.write_text('name = "long"\n[simulation]\nyears = 5\nbone_grid_width = 16\nbone_grid_height = 16\n'
                    'vessel_grid_width = 16\nvessel_grid_height = 16\nrecord_every_days = 365\n'
                    '[[schedule]]\nstart_day = 3650\nset = { "diet.mk7_ug_per_day" = 180 }\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="schedule"):
        simulate(path)
    frame = simulate(path, years=10.01)
    assert frame["day"].iloc[-1] == round(10.01 * 365)


def test_a_large_section_says_its_build_takes_a_while(monkeypatch, capsys):
    """A 1024 x 1024 section builds for tens of seconds before the progress bar can start: with
    progress on, the build is announced (here with the threshold lowered to a 16 x 16 section)."""
    from calcium_abm import simulation

    monkeypatch.setattr(simulation, "LARGE_SECTION_PATCHES", 16 * 16)
    simulation.simulate("healthy_adult", years=0.01, seed=1, overrides=SMALL, progress=True)
    assert "building a 16 x 16 bone section" in capsys.readouterr().err
    simulation.simulate("healthy_adult", years=0.01, seed=1, overrides=SMALL)  # no progress: silent
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("scenario,overrides", [
    ("healthy_adult", {"patient.age_years": 70.0, "patient.sex": "female", "patient.postmenopausal": True,
                       "patient.years_since_menopause": 20.0}),
    ("k2_deficiency", {"patient.ckd_stage": 4}),
    ("healthy_adult", {"drugs.warfarin_mg_per_day": 5.0, "patient.baseline_calcification_score": 100.0}),
])
def test_only_the_signed_columns_go_below_zero(scenario, overrides):
    """outputs.SIGNED_COLUMNS lists the columns that can be negative; a batch refuses a negative
    severe-calcification threshold on any other (batch.spec), so none of them may dip below 0."""
    from calcium_abm.outputs import SHARE_COLUMNS, SIGNED_COLUMNS

    small = {"simulation.bone_grid_width": 16, "simulation.bone_grid_height": 16,
             "simulation.vessel_grid_width": 16, "simulation.vessel_grid_height": 16}
    frame = simulate(scenario, years=1.0, seed=3, overrides={**small, **overrides})
    numbers = frame.drop(columns=list(SIGNED_COLUMNS)).select_dtypes("number")
    negative = [c for c in numbers if (numbers[c] < 0).any()]
    assert not negative, negative
    # a signed column does go below zero in such runs (the balances' round-off has either sign; a 16 x 16
    # section's BMD may rise for a year by chance)
    assert any((frame[c] < 0).any() for c in SIGNED_COLUMNS)
    above_one = [c for c in SHARE_COLUMNS if (frame[c] > 1.0).any()]  # a share is at most 1 (outputs.column_range)
    assert not above_one, above_one
    assert set(SHARE_COLUMNS) <= set(frame.columns)


def test_progress_and_results_frame_refuse_what_they_cannot_take():
    """A new user's probe: simulate(progress="no") showed the bar (any non-empty string is true), and
    results_frame("x") raised a raw AttributeError from deep inside."""
    import numpy as np

    from calcium_abm import results_frame

    with pytest.raises(ValueError, match=r"progress = 'no' is not allowed: must be True or False"):
        simulate("healthy_adult", years=0.01, progress="no")
    small = {f"simulation.{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}
    assert len(simulate("healthy_adult", years=0.01, progress=np.bool_(False), overrides=small)) > 1
    with pytest.raises(TypeError, match=r"results_frame takes a CalciumParadoxModel, not str \('x'\)"):
        results_frame("x")
    with pytest.raises(TypeError, match=r"not int \(an integer of 5001 digits\)"):  # was Python's ValueError
        results_frame(10**5000)                                                 # 'Exceeds the limit (4300 digits)'


def test_grids_the_machine_cannot_build_give_one_message(monkeypatch):
    """A new user's probe under `ulimit -v`: four 2048 x 2048 grids ended in numpy's raw _ArrayMemoryError
    from inside Mesa's property layers; the API builds without an estimate (the CLI checks one first), so
    the allocation's own MemoryError is what it answers, with the grids and what to do."""
    from calcium_abm import model as model_module

    def no_memory(*args, **kwargs):  # numpy's _ArrayMemoryError is a MemoryError
        raise MemoryError("Unable to allocate 32.0 MiB for an array with shape (2048, 2048) and data type float64")

    monkeypatch.setattr(model_module, "add_property_layers", no_memory)
    with pytest.raises(ScenarioError, match=r"healthy_adult: this machine has not the memory to build these grids: "
                                            r"simulation.bone_grid_width = 64, .* use smaller grids"):
        simulate("healthy_adult", years=0.01)


def test_a_large_section_says_what_runs_on_it_before_day_0(capsys):
    """A fresh user saw "the person's life course runs on it" for a mouse, which has none (its spin-up only)."""
    big = {"bone_grid_width": 512, "bone_grid_height": 512, "vessel_grid_width": 8, "vessel_grid_height": 8}
    simulate("mgp_knockout", years=2 / 365, overrides=big, progress=True)
    said = capsys.readouterr().err
    assert "building a 512 x 512 bone section (its spin-up runs on it before day 0" in said and "person" not in said
