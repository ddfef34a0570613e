"""The built-in scenario library: every scenario loads, is listed, runs from the CLI, and the
scenarios move the model in the directions their descriptions promise."""

from __future__ import annotations

import tomllib

import pytest

from calcium_abm import builtin_scenarios, load_scenario, simulate
from calcium_abm.cli import main
from calcium_abm.io import read_table
from calcium_abm.scenario import BUILTIN_SCENARIO_DIR

LIBRARY = [
    "healthy_adult", "low_vitamin_k_diet", "mk7_180ug", "mk4_45mg", "long_term_warfarin", "warfarin_high_k1",
    "postmenopausal", "ckd_stage4", "ckd_stage5", "mgp_knockout", "osteocalcin_knockout",
    "calcium_supplement_no_k2", "calcium_supplement_with_k2",
]
SMALL_GRID = {f"{tissue}_grid_{side}": 12 for tissue in ("bone", "vessel") for side in ("width", "height")}
SMALL_SET = [arg for key, value in SMALL_GRID.items() for arg in ("--set", f"{key}={value}")]


def test_every_scenario_of_the_issue_is_built_in():
    missing = set(LIBRARY) - set(builtin_scenarios())
    assert not missing


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_builtin_file_has_name_description_and_source(name):
    with (BUILTIN_SCENARIO_DIR / f"{name}.toml").open("rb") as fh:
        table = tomllib.load(fh)
    assert table["name"] == name  # the file stem is the name users type
    for key in ("description", "source"):
        assert isinstance(table.get(key), str) and len(table[key].strip()) > 10, key
    assert "\n" not in table["description"].strip()  # one line, for `calcium-abm scenarios`
    scenario = load_scenario(name)
    assert scenario.name == name and scenario.days > 0


def test_scenarios_command_lists_each_with_its_description(capsys):
    assert main(["scenarios"]) == 0
    listed = capsys.readouterr().out.splitlines()
    for name, description in builtin_scenarios().items():
        line = next((ln for ln in listed if ln.split()[0] == name), None)
        assert line is not None, name
        assert line.endswith(description)


@pytest.mark.parametrize("name", LIBRARY)
def test_scenario_runs_from_the_cli(name, tmp_path, capsys):
    out = tmp_path / f"{name}.csv"
    assert main(["run", name, "--years", "0.05", *SMALL_SET, "--out", str(out), "--quiet"]) == 0
    table = read_table(out)
    assert len(table) == load_scenario(name).with_overrides({"simulation.years": 0.05}).days + 1
    assert table["day"].iloc[0] == 0


def _day0(name: str, **overrides):
    """The first recorded row (the scenario's steady state) on a tiny grid."""
    return simulate(name, years=0.01, seed=1, overrides={**SMALL_GRID, **overrides}).iloc[0]


def test_vitamin_k_scenarios_move_the_blood_markers_the_right_way():
    healthy, low = _day0("healthy_adult"), _day0("low_vitamin_k_diet")
    mk7, mk4 = _day0("mk7_180ug"), _day0("mk4_45mg")
    warfarin = _day0("long_term_warfarin")
    assert mk7.dp_ucmgp_pmol_l < healthy.dp_ucmgp_pmol_l < low.dp_ucmgp_pmol_l < warfarin.dp_ucmgp_pmol_l
    assert mk7.ucoc_fraction < healthy.ucoc_fraction < low.ucoc_fraction
    assert mk4.ucoc_fraction < healthy.ucoc_fraction
    assert warfarin.vkor_activity_fraction < healthy.vkor_activity_fraction


def test_high_k1_keeps_liver_carboxylation_at_least_as_high_as_warfarin_alone():
    dose = load_scenario("warfarin_high_k1").drugs.warfarin_mg_per_day
    rescued, plain = _day0("warfarin_high_k1"), _day0("healthy_adult", warfarin_mg_per_day=dose)
    assert rescued.hepatic_carboxylation_fraction >= plain.hepatic_carboxylation_fraction
    assert rescued.vkor_activity_fraction == pytest.approx(plain.vkor_activity_fraction)


def test_knockouts_and_supplement_scenarios_differ_only_where_they_say():
    assert load_scenario("mgp_knockout").genetics.mgp_knockout
    assert load_scenario("osteocalcin_knockout").genetics.osteocalcin_knockout
    assert load_scenario("mgp_knockout").patient.species == "mouse"
    no_k2, with_k2 = load_scenario("calcium_supplement_no_k2"), load_scenario("calcium_supplement_with_k2")
    healthy = load_scenario("healthy_adult")
    assert no_k2.diet.calcium_mg_per_day == with_k2.diet.calcium_mg_per_day == healthy.diet.calcium_mg_per_day + 1000
    assert no_k2.diet.mk7_ug_per_day == healthy.diet.mk7_ug_per_day
    assert with_k2.diet.mk7_ug_per_day == healthy.diet.mk7_ug_per_day + 180
    stage4, stage5 = load_scenario("ckd_stage4"), load_scenario("ckd_stage5")
    assert (stage4.patient.ckd_stage, stage5.patient.ckd_stage) == (4, 5)
    meno = load_scenario("postmenopausal").patient
    assert meno.sex == "female" and meno.postmenopausal and meno.years_since_menopause == 0


def test_the_rat_protocol_preset_is_a_rat():
    """warfarin_high_k1 (Price 1998's rat protocol, 1000 mg/day of warfarin in human-equivalent doses) ran a man of
    50, whose plasma warfarin read ~200 mg/L: it is the rat validation row 2 runs, for Price's 7 weeks."""
    scenario = load_scenario("warfarin_high_k1")
    assert scenario.patient.species == "rat" and scenario.days == 49

