"""Messages of the 36th input probe: each names the field, the value and what is allowed."""

from __future__ import annotations

import pytest

from calcium_abm.batch import BatchError, load_batch
from calcium_abm.cli import main
from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.keys import resolve_key
from calcium_abm.inputs.messages import MAX_LISTED_PROBLEMS, join_problems
from calcium_abm.scenario import parse_scenario_toml


def rejected(argv: list[str], capsys, *fragments: str) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    return err


@pytest.mark.parametrize("key, meant", [("warfarin", "warfarin_mg_per_day"), ("mk7", "mk7_ug_per_day"),
                                        ("calcium", "calcium_mg_per_day"), ("sevelamer", "sevelamer_g_per_day")])
def test_a_substance_named_without_its_unit_is_pointed_to_its_intake(key, meant):
    with pytest.raises(ScenarioError, match=f"^unknown key '{key}' — did you mean '{meant}'\\?$"):
        resolve_key(key)


@pytest.mark.parametrize("key", ["mk6", "mk8", "vitamin_k2", "acenocoumarol", "apixaban", "mk", "vitamin"])
def test_another_substance_is_never_suggested(key):
    with pytest.raises(ScenarioError) as info:
        resolve_key(key)
    assert "did you mean" not in str(info.value)
    assert "mk4" not in str(info.value).replace("mk7_ug_per_day", "")


def test_row_ids_match_in_any_case():
    from calcium_abm.commands.validate import selected_rows

    assert [r.row for r in selected_rows("w1,t-ikari2016")] == ["W1", "T-Ikari2016"]


def test_a_flood_of_problems_lists_the_first_twenty_and_counts_the_rest():
    text = join_problems([f"problem {i}" for i in range(100_000)], "s.toml")
    lines = text.split("\n")
    assert lines[0] == "s.toml has 100,000 problems:"
    assert len(lines) == 1 + MAX_LISTED_PROBLEMS + 1 == 22
    assert lines[-1] == "  - ... and 99,980 more problems"
    assert join_problems(["a", "b"]).split("\n") == ["2 problems:", "  - a", "  - b"]
    toml = "[parameters]\n" + "".join(f"p{i} = 1\n" for i in range(30))
    with pytest.raises(ScenarioError) as info:
        parse_scenario_toml(toml, "many.toml")
    assert str(info.value).count("\n") == 21 and str(info.value).endswith("... and 10 more problems")


def test_an_unknown_parameter_in_a_file_says_where_the_names_are():
    with pytest.raises(ScenarioError, match=r"^f.toml: unknown key 'parameters.p0': not a model parameter; "
                                            r"the names are in docs/parameters.md \(calcium-abm docs\)$"):
        parse_scenario_toml("[parameters]\np0 = 1\n", "f.toml")


@pytest.mark.parametrize("parameters", [{}, {"mk7_ug_per_day": [0, 360]}])
def test_a_sensitivity_design_states_its_real_minimum(parameters):
    with pytest.raises(BatchError) as info:
        load_batch({"sensitivity": {"parameters": parameters}})
    assert "name at least 2 parameters to compare" in str(info.value)
    assert "at least 1" not in str(info.value)


def test_a_schedule_of_numbers_asks_for_schedule_tables():
    with pytest.raises(ScenarioError) as info:
        parse_scenario_toml("schedule = [1, 2]\n", "s.toml")
    assert str(info.value).split("\n")[1:] == ["  - schedule entry 1 = 1 is not allowed: must be a [[schedule]] table",
                                               "  - schedule entry 2 = 2 is not allowed: must be a [[schedule]] table"]


def test_an_out_that_is_a_directory_or_a_device_says_so(tmp_path, capsys):
    d = tmp_path / "d"
    d.mkdir()
    for out in (str(d), f"{d}/"):
        rejected(["run", "healthy_adult", "--years", "0.1", "--out", out], capsys,
                 f"output file '{out}' is a directory: give a file name ending in .parquet or .csv")
    rejected(["run", "healthy_adult", "--years", "0.1", "--out", str(tmp_path / "new") + "/"], capsys,
             "ends in / (a directory name)")
    err = rejected(["run", "healthy_adult", "--years", "0.1", "--out", "/dev/null"], capsys,
                   "output file '/dev/null' is not a regular file")
    assert "extension" not in err
    assert list(d.iterdir()) == []


def test_resume_of_a_missing_directory_is_refused(tmp_path, capsys):
    batch = tmp_path / "b.toml"
    batch.write_text('scenario = "healthy_adult"\nyears = 0.01\n[sweep]\nparameters = { mk7_ug_per_day = [0] }\n')
    out = tmp_path / "nowhere"
    rejected(["batch", str(batch), "--out", str(out), "--resume", "--workers", "1", "--quiet"], capsys,
             f"--out '{out}': nothing to resume: the directory does not exist; run without --resume to start")
    assert not out.exists()


def test_the_longest_run_is_given_in_run_years_of_365_days(tmp_path, capsys):
    err = rejected(["run", "healthy_adult", "--years", "100", "--out", str(tmp_path / "x.parquet")], capsys,
                   "the person would pass 120 years (the run may last at most 25567 days: simulation.years at "
                   "most 70.04, at 365 days a year)")
    assert "70.046575" not in err
    assert round(70.04 * 365) <= 25567 < round(70.05 * 365)  # the value named is allowed, the next is not


def test_a_flood_of_unknown_parameters_works_out_hints_only_for_the_listed_ones(monkeypatch):
    """A hint (a did-you-mean over every parameter name) is worked out only for the problems the
    message lists: 100,000 unknown names took 18.7 s to check with a hint each, 1.5 s now."""
    import calcium_abm.scenario as scenario

    calls = []
    real = scenario.unknown_parameter_hint
    monkeypatch.setattr(scenario, "unknown_parameter_hint", lambda name: calls.append(name) or real(name))
    toml = "[parameters]\n" + "".join(f"p{i} = 1\n" for i in range(500))
    with pytest.raises(ScenarioError) as info:
        parse_scenario_toml(toml, "many.toml")
    assert len(calls) == MAX_LISTED_PROBLEMS
    listed = str(info.value).split("\n")[1:-1]
    assert len(listed) == MAX_LISTED_PROBLEMS and all("docs/parameters.md" in line for line in listed)
    assert str(info.value).endswith("... and 480 more problems")
