"""The user-input layer (calcium_abm/inputs/): the one TOML reader, the one message module,
bounds read from the schema, and whole-number options."""

from __future__ import annotations

import ast
import math
import os
import sys
from pathlib import Path

import pytest

from calcium_abm.errors import ScenarioError, UserInputError
from calcium_abm.inputs import fields, keys, messages, toml_reader
from calcium_abm.inputs.options import integer_option
from calcium_abm.inputs.sections import SECTIONS, Diet, Patient, Simulation
from calcium_abm.scenario import Scenario, load_scenario

PACKAGE = Path(__file__).resolve().parent.parent / "calcium_abm"


def read_error(path, limit=1000) -> str:
    with pytest.raises(ScenarioError) as info:
        toml_reader.read_limited(path, limit, ScenarioError, "scenario file")
    return str(info.value)


def parse_error(text, limit=10_000) -> str:
    with pytest.raises(ScenarioError) as info:
        toml_reader.parse_toml(text, "f.toml", limit, ScenarioError, "scenario")
    return str(info.value)


# ---------------------------------------------------------------------- the reader


def test_reader_refuses_devices_and_fifos_without_reading(tmp_path):
    assert "/dev/zero: is not a regular file" in read_error("/dev/zero")
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)  # nobody writes: a blocking open would hang this test
    assert "is not a regular file (a device, pipe or socket)" in read_error(fifo)


def test_reader_reads_at_most_limit_plus_one_bytes(tmp_path, monkeypatch):
    path = tmp_path / "big.toml"
    path.write_bytes(b"#" * 50_000)
    asked = []
    real_read = os.read
    monkeypatch.setattr(toml_reader.os, "read", lambda fd, n: asked.append(n) or real_read(fd, n))
    assert "more than the 1,000 bytes" in read_error(path, limit=1000)
    assert sum(asked) <= 1001
    path.write_bytes(b"#" * 1000)
    assert toml_reader.read_limited(path, 1000, ScenarioError, "scenario file") == b"#" * 1000


def test_reader_missing_file_and_directory(tmp_path):
    assert read_error(tmp_path / "nope.toml").endswith("nope.toml: scenario file not found")
    assert "is a directory, not a scenario file" in read_error(tmp_path)


def test_integer_over_the_digit_limit_names_key_and_line():
    digits = toml_reader.MAX_INT_DIGITS + 10
    text = parse_error("[simulation]\nyears = 1\nseed = 1" + "0" * digits + "\n")
    assert "key 'seed', line 3" in text and f"at most {toml_reader.MAX_INT_DIGITS} digits" in text


@pytest.mark.parametrize("text", [
    "x = " + "[" * 3000 + "]" * 3000,
    "x = " + "{a=" * 3000 + "1" + "}" * 3000,
    "x = " + "[" * 200 + "]" * 200,  # parses, but deeper than anything the schema needs
])
def test_deep_nesting_names_the_key(text):
    message = parse_error(text, limit=100_000)
    assert "'x" in message and "nested" in message and str(toml_reader.MAX_NESTING) in message


def test_duplicate_key_is_named():
    text = parse_error("[diet]\nmk7_ug_per_day = 1\ncalcium_mg_per_day = 3\nmk7_ug_per_day = 2\n")
    assert "the key 'diet.mk7_ug_per_day' is given twice (line 4)" in text
    assert "Duplicate inline table key 'a'" in parse_error("x = { a = 1, a = 2 }")


def test_nesting_problem_walks_any_depth_without_recursion():
    deep: dict = {}
    node = deep
    for _ in range(sys.getrecursionlimit() * 3):
        node["a"] = {}
        node = node["a"]
    assert "'a.a.a.a.…' is nested" in toml_reader.nesting_problem(deep)
    assert toml_reader.nesting_problem({"diet": {"x": [1, 2]}}) is None
    assert len(keys.flatten({"a": {"b": {"c": 1}}, "d": 2})) == 2  # the flattener is iterative too


def test_value_reader_refuses_newlines_long_integers_and_nesting():
    for raw, fragment in [("5\nckd_stage=9", "one line"), ("[" * 3000, "nested too deeply"),
                          ("[" * 40 + "]" * 40, "nested"), ("[1" + "0" * 5000 + "]", "at most 4300 digits")]:
        with pytest.raises(UserInputError, match=fragment) as info:
            toml_reader.parse_toml_value(raw, "--set seed", UserInputError)
        assert "--set seed" in str(info.value)
    assert toml_reader.parse_toml_value("female", "--set sex", UserInputError) == "female"
    huge = toml_reader.parse_toml_value("-1" + "0" * 5000, "--set seed", UserInputError)  # the setting's range refuses it
    assert huge == -math.inf and huge.typed_text == "-1" + "0" * 5000
    for text in ("a = " + "[" * 3000 + "]" * 3000, "a = 1" + "0" * 5000):  # a whole file: the file, then the problem
        with pytest.raises(UserInputError) as info:
            toml_reader.parse_toml(text, "deep.toml", 1 << 20, UserInputError, "scenario")
        assert str(info.value).startswith("deep.toml: a") and ": is not allowed:" not in str(info.value)
    assert toml_reader.parse_toml_value("1e3", "--set x", UserInputError) == 1000.0


# -------------------------------------------------------------------- did you mean


@pytest.mark.parametrize("word, choices, expected", [
    ("mk7_ug_per_dy", ["mk7_ug_per_day", "mk4_ug_per_day"], "mk7_ug_per_day"),
    ("dite", ["diet", "drugs"], "diet"),
    ("k2_deficency", ["k2_deficiency", "healthy_adult"], "k2_deficiency"),
    ("parameters.k1_half_life", ["parameters.k1_half_life_h"], "parameters.k1_half_life_h"),
    ("teriparatide_ug_per_day", ["warfarin_mg_per_day"], None),
    ("vitamin_d3_ug_per_day", ["vitamin_k1_ug_per_day", "mk4_ug_per_day", "mk7_ug_per_day"], None),
    ("mk5_ug_per_day", ["mk4_ug_per_day", "mk7_ug_per_day"], None),  # another number: another substance
    ("aspirin", ["warfarin_mg_per_day"], None),
])
def test_did_you_mean_only_for_true_typos(word, choices, expected):
    hint = messages.did_you_mean(word, choices)
    assert hint == (f" — did you mean '{expected}'?" if expected else "")


def test_unmodelled_substance_lists_the_accepted_keys():
    with pytest.raises(ScenarioError) as info:
        load_scenario({"drugs": {"teriparatide_ug_per_day": 20}})
    text = str(info.value)
    assert "unknown key 'drugs.teriparatide_ug_per_day': not a modelled substance; accepted keys in [drugs]: " \
           "warfarin_mg_per_day" in text and "did you mean" not in text
    with pytest.raises(ScenarioError) as info:
        load_scenario({"diet": {"vitamin_d3_ug_per_day": 25}})
    assert "not a modelled substance" in str(info.value) and "did you mean" not in str(info.value)
    with pytest.raises(ScenarioError, match="not a modelled substance; accepted keys in \\[drugs\\]"):
        keys.resolve_key("drugs.teriparatide_ug_per_day")


def test_edit_distance():
    assert messages.edit_distance("dite", "diet") == 1
    assert messages.edit_distance("abc", "abc") == 0
    assert messages.edit_distance("kitten", "sitting") == 3


# --------------------------------------------------------------- schema read once


def test_bounds_units_and_kinds_come_from_the_schema():
    assert fields.field_bounds(Diet, "mk7_ug_per_day") == (0, 10000, False)
    assert fields.field_unit(Diet, "mk7_ug_per_day") == "µg/day"
    assert fields.field_bounds(Simulation, "years")[2] is True  # years > 0
    assert fields.field_kind(Patient, "sex") == "choice" and fields.field_kind(Patient, "ckd_stage") == "int"
    assert fields.allowed_text(Patient, "ckd_stage") == "must be an integer from 0 to 5"
    assert keys.setting_bounds("diet.mk7_ug_per_day") == (0.0, 10000.0)
    assert keys.setting_kind("genetics.mgp_knockout") == "bool"
    assert keys.setting_unit("diet.calcium_mg_per_day") == "mg/day"


def test_every_numeric_section_field_has_bounds_and_a_unit_or_is_an_integer():
    for name, model in SECTIONS.items():
        for field in model.model_fields:
            kind = fields.field_kind(model, field)
            if kind == "float":
                lo, hi, _ = fields.field_bounds(model, field)
                assert lo > float("-inf") and hi < float("inf"), f"{name}.{field}"
                assert fields.field_unit(model, field), f"{name}.{field} has no unit"


def test_locate_walks_sections_schedule_and_free_tables():
    assert fields.locate(Scenario, ("patient", "age_years")) == (Patient, "age_years")
    assert fields.locate(Scenario, ("schedule", 0, "start_day"))[1] == "start_day"
    assert fields.locate(Scenario, ("parameters", "x")) == (None, None)


# ---------------------------------------------------------------- integer options


@pytest.mark.parametrize("raw", ["²", "1.5", "", "abc", "0", "513", "1" + "0" * 5000, "١٢"])
def test_integer_option_refuses_with_a_message(raw):
    with pytest.raises(UserInputError) as info:
        integer_option(raw, "--workers", 1, 512)
    assert "--workers" in str(info.value) and "from 1 to 512" in str(info.value)


def test_integer_option_accepts():
    assert integer_option(" 4 ", "--seeds", 1, 100) == 4
    assert integer_option(None, "--seeds", 1, 100, default=7) == 7


# ------------------------------------------------------------------------ structure


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.module or "", [a.name for a in n.names]) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]


def test_no_module_imports_private_names_of_the_input_layer_or_scenario():
    for path in PACKAGE.rglob("*.py"):
        for module, names in _imports(path):
            if module.startswith(("calcium_abm.scenario", "calcium_abm.inputs", "calcium_abm.batch.spec")):
                private = [n for n in names if n.startswith("_")]
                assert not private, f"{path.relative_to(PACKAGE)} imports {private} from {module}"


def test_input_modules_stay_small_and_never_import_scenario_or_batch():
    for path in [PACKAGE / "scenario.py", PACKAGE / "batch" / "spec.py", *(PACKAGE / "inputs").glob("*.py")]:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path.name
    for path in (PACKAGE / "inputs").glob("*.py"):
        for module, _ in _imports(path):
            assert not module.startswith(("calcium_abm.scenario", "calcium_abm.batch")), (path.name, module)


def test_a_section_joined_to_its_key_with_an_underscore_gets_the_dotted_name():
    """A new user's probe: dialysis_sessions_per_week got the general 'not a known key' message."""
    from calcium_abm import ScenarioError, load_scenario

    for key, dotted in (("dialysis_sessions_per_week", "dialysis.sessions_per_week"),
                        ("diet_mk7_ug_per_day", "diet.mk7_ug_per_day"), ("patient_age_years", "patient.age_years")):
        with pytest.raises(ScenarioError, match=rf"unknown key '{key}' — did you mean '{dotted}'\?"):
            load_scenario("healthy_adult", overrides={key: 1})


def test_a_bare_name_that_is_a_folder_or_fifo_here_is_refused_as_such(tmp_path, monkeypatch):
    """`run adir` named a folder in the current directory "unknown scenario" (found by a new-user probe):
    a bare name that exists here is read as a file, so the refusal says what it is."""
    from calcium_abm.scenario import ScenarioError, load_scenario
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    os.mkfifo(tmp_path / "fifo")
    for name, said in (("adir", "is a directory, not a scenario file"), ("fifo", "is not a regular file")):
        with pytest.raises(ScenarioError, match=said):
            load_scenario(name)
    with pytest.raises(ScenarioError, match="unknown scenario 'nothing_here'"):
        load_scenario("nothing_here")
