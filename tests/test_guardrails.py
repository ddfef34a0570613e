"""Physiological guardrails (issue 11, step 6): cross-field rules refused at scenario validation
with a message naming the fields; a run that leaves physiology gets ONE warning naming the day,
the quantity and the likely inputs, kept in the output's metadata."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from calcium_abm import simulate
from calcium_abm.cli import main as cli_main
from calcium_abm.errors import ScenarioError
from calcium_abm.inert_settings import refuse_inert_settings
from calcium_abm.guardrail import inputs_most_changed
from calcium_abm.outputs import physiology_warning
from calcium_abm.physiology import calcium, kidney, parameter_conflicts, parameter_registry, parameter_set
from calcium_abm.scenario import load_scenario

TINY = {f"{tissue}_grid_{side}": 8 for tissue in ("bone", "vessel") for side in ("width", "height")}


def test_the_default_parameter_set_breaks_no_rule():
    assert parameter_conflicts(parameter_set()) == []


@pytest.mark.parametrize("overrides, fields", [
    ({"parathyroid_min_pmol_l": 5.0, "parathyroid_max_pmol_l": 5.0}, ("parathyroid_min_pmol_l", "parathyroid_max_pmol_l")),
])
def test_cross_field_rules_are_refused_with_the_fields_named(overrides, fields):
    ranges = parameter_registry()
    assert all(ranges[k].minimum <= v <= ranges[k].maximum for k, v in overrides.items())  # each alone allowed
    with pytest.raises(ScenarioError) as info:
        load_scenario("healthy_adult").with_overrides(overrides)
    message = str(info.value)
    assert "Traceback" not in message
    for field in fields:
        assert field in message


def test_a_cross_field_rule_in_a_schedule_entry_is_refused_too():
    data = load_scenario("healthy_adult").model_dump()
    data["schedule"] = [{"start_day": 5, "set": {"parameters.parathyroid_min_pmol_l": 5.0,
                                                  "parameters.parathyroid_max_pmol_l": 5.0}}]
    with pytest.raises(ScenarioError, match="schedule entry 1.*parathyroid_min_pmol_l.*must be below"):
        load_scenario(data)


def test_parathyroid_rules_are_the_kidney_modules_own():
    """One PTH law (kidney.py) and its rules; calcium.py keeps no copy of either."""
    p = parameter_set()._replace(parathyroid_min_pmol_l=30.0)
    assert any("parathyroid_min_pmol_l (30.0)" in m for m in kidney.parameter_conflicts(p))
    assert not hasattr(calcium, "parameter_conflicts") and "pth_min_pmol_l" not in parameter_registry()
    # the ranges alone cannot break the FEPi rule today; the rule still guards a future range change
    q = parameter_set()._replace(phosphate_fractional_excretion_ceiling=0.1)
    assert any("phosphate_fractional_excretion_ceiling (0.1)" in m for m in parameter_conflicts(q))


def test_every_single_range_boundary_keeps_the_rules_with_the_other_defaults():
    # each allowed value, with every other parameter at its default, is a valid scenario
    for p in parameter_registry().values():
        for bound in (p.minimum, p.maximum):
            if math.isfinite(bound):
                assert parameter_conflicts(parameter_set({p.name: bound})) == [], (p.name, bound)


def test_a_healthy_run_gives_no_warning():
    frame = simulate("healthy_adult", years=10 / 365, seed=1, overrides=TINY)
    assert physiology_warning(frame, load_scenario("healthy_adult")) is None


def test_a_run_that_leaves_physiology_names_day_quantity_and_inputs():
    """Kidneys at GFR 5 without dialysis cannot excrete 3 g/day of phosphate: serum phosphate
    above 4 mmol/L from day 0."""
    scenario = load_scenario("healthy_adult").with_overrides({"residual_gfr_ml_per_min": 5.0,
                                                              "phosphate_mg_per_day": 3000.0, **TINY})
    frame = simulate(scenario, years=5 / 365, seed=1)
    message = physiology_warning(frame, scenario)
    assert message is not None
    assert "day 0" in message and "serum_phosphate_mmol_l" in message and "0.3-4" in message
    assert "kidney.residual_gfr_ml_per_min = 5 (default none)" in message
    assert "diet.phosphate_mg_per_day = 3000" in message


def test_a_low_serum_calcium_on_a_small_bone_grid_names_the_grid():
    """A fresh user's cohort at 16 x 16 had a patient down to a serum calcium of 1.0 mmol/L who stayed at 2.0-2.1
    on 32 x 32: the warning of a low or high serum calcium says when the bone grid is that small; a phosphate
    warning, or one on a 32 x 32 grid, does not."""
    import pandas as pd

    frame = pd.DataFrame({"day": [0, 1], "serum_calcium_mmol_l": [2.3, 1.42], "serum_phosphate_mmol_l": [1.1, 1.1]})
    small = load_scenario("healthy_adult").with_overrides({"bone_grid_width": 16, "bone_grid_height": 16})
    message = physiology_warning(frame, small)
    assert "serum_calcium_mmol_l = 1.42" in message
    assert message.endswith("A 16 x 16 bone section has few osteoclasts, whose swings move serum calcium: a bone "
                            "grid of 32 x 32 or more may keep it in range.")
    large = load_scenario("healthy_adult").with_overrides({"bone_grid_width": 32, "bone_grid_height": 32})
    assert "bone section" not in physiology_warning(frame, large)
    phosphate = frame.assign(serum_calcium_mmol_l=2.3, serum_phosphate_mmol_l=[1.1, 5.0])
    assert "bone section" not in physiology_warning(phosphate, small)


def test_a_very_low_phosphate_diet_is_defended_by_the_kidney():
    """Issue 11: 100 mg/day gave serum Ca 0.47 mmol/L. With phosphate as mass, FGF23 and FEPi
    fall (renal conservation, IOM 1997) and serum phosphate stays above 0.6 mmol/L."""
    frame = simulate("healthy_adult", years=30 / 365, seed=1, overrides={"phosphate_mg_per_day": 100.0, **TINY})
    assert frame["serum_phosphate_mmol_l"].min() > 0.6
    assert 2.0 < frame["serum_calcium_mmol_l"].min() and frame["serum_calcium_mmol_l"].max() < 2.7


def test_inputs_most_changed_ranks_by_log_ratio():
    scenario = load_scenario("healthy_adult").with_overrides(
        {"phosphate_mg_per_day": 600.0, "calcium_mg_per_day": 100.0, "warfarin_mg_per_day": 5.0})
    ranked = inputs_most_changed(scenario, n=3)
    assert ranked[0].startswith("drugs.warfarin_mg_per_day = 5")        # from 0: the largest change
    assert ranked[1].startswith("diet.calcium_mg_per_day = 100")         # 10x
    assert ranked[2].startswith("diet.phosphate_mg_per_day = 600")       # 2x
    assert inputs_most_changed(load_scenario("healthy_adult")) == []


def test_a_ckd_stage_ranks_as_a_stage_not_as_the_log_of_its_code():
    """A cohort's warning for a postmenopausal woman with CKD stage 4 and a measured calcium score named the
    menopause and the score (each a switch, 10) and not the kidneys (log(4.001 / 0.001) = 8.3)."""
    woman = {"sex": "female", "age_years": 58.0, "postmenopausal": True, "years_since_menopause": 6.0,
             "baseline_calcification_score": 40.0}
    stage4 = inputs_most_changed(load_scenario("healthy_adult").with_overrides({**woman, "ckd_stage": 4}), n=3)
    assert stage4[0] == "patient.ckd_stage = 4 (default 0)", stage4
    stage1 = inputs_most_changed(load_scenario("healthy_adult").with_overrides({**woman, "ckd_stage": 1}), n=5)
    assert stage1.index("patient.ckd_stage = 1 (default 0)") == 3  # a near-normal GFR: after the three switches


def test_run_prints_one_warning_and_keeps_it_in_the_parquet_metadata(tmp_path, capsys):
    out = tmp_path / "low_p.parquet"
    argv = ["run", "healthy_adult", "--years", "0.02", "--set", "residual_gfr_ml_per_min=5",
            "--set", "phosphate_mg_per_day=3000", "--quiet", "--out", str(out)]
    argv += [f"--set={key}=8" for key in TINY]
    assert cli_main(argv) == 0
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "serum_phosphate_mmol_l" in err
    warnings = pd.read_parquet(out).attrs["physiology_warnings"]
    assert len(warnings) == 1 and "day 0" in warnings[0]


_HUMAN_SCENARIOS = ("healthy_adult", "postmenopausal", "ckd_stage4", "ckd_stage5", "long_term_warfarin",
                    "haemodialysis")
_CALCIUM_PARAMETERS = [p for p in parameter_registry().values()
                       if p.module.endswith((".calcium", ".kidney", ".dialysis"))]


@st.composite
def _kidney_inputs(draw):
    """Optional kidney, dialysis and binder keys over their allowed ranges."""
    values = {}
    if draw(st.booleans()):
        values["residual_gfr_ml_per_min"] = draw(st.floats(0.0, 130.0))
    if draw(st.booleans()):
        values["sessions_per_week"] = draw(st.integers(1, 7))
        values["session_hours"] = draw(st.floats(0.5, 12.0))
    if draw(st.booleans()):
        values["sevelamer_g_per_day"] = draw(st.floats(0.0, 15.0))
        values["calcium_acetate_g_per_day"] = draw(st.floats(0.0, 12.0))
    return values


@st.composite
def _calcium_parameters(draw):
    values = {p.name: draw(st.floats(p.minimum, p.maximum, allow_nan=False)) for p in _CALCIUM_PARAMETERS
              if draw(st.booleans())}
    return values


@settings(max_examples=16, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.sampled_from(_HUMAN_SCENARIOS), _calcium_parameters(), _kidney_inputs(),
       st.floats(100.0, 3000.0), st.floats(100.0, 3000.0))
def test_no_allowed_human_run_leaves_serum_calcium_silently(scenario_name, params, kidney_keys, phosphate,
                                                            calcium_intake):
    """Bounded (16 runs of 4 days on 8x8 grids): any human, non-knockout run inside the allowed
    ranges and rules (calcium, kidney and dialysis parameters, kidney/dialysis/binder keys)
    whose serum calcium leaves 1.5-3.5 mmol/L carries the warning."""
    try:
        scenario = load_scenario(scenario_name).with_overrides(
            {**TINY, **{f"parameters.{k}": v for k, v in params.items()}, **kidney_keys,
             "phosphate_mg_per_day": phosphate, "calcium_mg_per_day": calcium_intake})
        refuse_inert_settings(scenario)  # a setting the run would not read (a dialysis constant without sessions)
    except ScenarioError:
        return  # refused by a rule: nothing runs, nothing silent
    frame = simulate(scenario, years=4 / 365, seed=1)
    ca = frame["serum_calcium_mmol_l"]
    if ((ca < 1.5) | (ca > 3.5) | ca.isna()).any():
        assert physiology_warning(frame, scenario) is not None
    assert all(math.isfinite(v) or math.isnan(v) for v in ca)


def test_batch_prints_each_runs_warning_and_keeps_it_in_the_results_metadata(tmp_path, capsys):
    """A batch run that leaves physiology warns as `run` does, and load_results carries the warning
    (from the run file's Parquet metadata) under its run id; the run that stays physiological has none."""
    from calcium_abm.batch import load_results, run_batch

    batch = {"name": "w", "scenario": "healthy_adult", "seed": 1, "years": 0.02,
             "set": {**TINY, "phosphate_mg_per_day": 3000},
             "sweep": {"parameters": {"residual_gfr_ml_per_min": [100, 5]}}}
    run_batch(batch, tmp_path / "b", workers=1)
    err = capsys.readouterr().err
    assert err.count("warning: run ") == 1 and "serum_phosphate_mmol_l" in err
    results = load_results(tmp_path / "b")
    warned = results.attrs["physiology_warnings"]
    high_p = results.loc[results["residual_gfr_ml_per_min"] == 5, "run_id"].iloc[0]
    assert list(warned) == [high_p] and "day 0" in warned[high_p][0]


def test_an_extreme_allowed_drive_cannot_exhaust_memory():
    """Allowed parameters that drive PTH far outside physiology (a reference serum calcium of 4 mmol/L
    with PTH's bone-fluid action at its maximum, on 100 mg/day of calcium and phosphate; found by the
    search above; here on none, so that no calcium-balanced start exists) once asked the osteoclast draw for
    billions of cells and ran out of memory. New
    osteoclasts are bounded by one per free surface patch a day, so the run ends, leaves physiology
    and says so."""
    from calcium_abm.model import CalciumParadoxModel
    from calcium_abm.physiology.remodeling import MAX_RECRUITMENT_PER_SURFACE_PATCH_PER_DAY

    params = {"reference_serum_calcium_mmol_l": 4.0, "bone_fluid_pth_exponent": 8.0,
              "bone_fluid_pth_calcitriol_exponent": 0.0, "fgf23_nephron_load_exponent": 0.5,
              "parathyroid_phosphate_exponent": 3.0}
    # no dietary calcium: no calcium-balanced start exists (calcium_balance), so the run starts at the reference
    # serum calcium of 4 mmol/L, far outside physiology, as every run did before the balanced start
    scenario = load_scenario("healthy_adult").with_overrides(
        {**TINY, **{f"parameters.{k}": v for k, v in params.items()}, "phosphate_mg_per_day": 100.0,
         "calcium_mg_per_day": 0.0})
    model = CalciumParadoxModel(scenario, rng=1, years=4 / 365)
    born = 0
    for _ in range(4):
        before = int(model.osteoclasts.kernel_fields()[0].sum())
        model.step()
        born = max(born, int(model.osteoclasts.kernel_fields()[0].sum()) - before)
    patches = model.bone.mineral.size
    assert born <= 5 * MAX_RECRUITMENT_PER_SURFACE_PATCH_PER_DAY * patches  # Poisson around at most one a patch
    frame = simulate(scenario, years=4 / 365, seed=1)
    assert frame["serum_calcium_mmol_l"].max() > 3.5 and physiology_warning(frame, scenario) is not None
