"""A modelled substance named another way gets its own intake suggested, never another's
(probe 36: ``--set drugs.warfarin=5`` and ``[diet] calcium = 1500`` were told "not a modelled
substance")."""

from __future__ import annotations

import pytest

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.intake_names import INTAKE_NAMES, same_substance_intake
from calcium_abm.inputs.sections import FLAT_KEYS
from calcium_abm.scenario import load_scenario, parse_scenario_toml


@pytest.mark.parametrize("key, meant", [
    ("drugs.warfarin", "drugs.warfarin_mg_per_day"),
    ("diet.calcium", "diet.calcium_mg_per_day"),
    ("drugs.calcium", "diet.calcium_mg_per_day"),
    ("WARFARIN_MG_PER_DAY", "warfarin_mg_per_day"),
    ("phylloquinone_ug_per_day", "vitamin_k1_ug_per_day"),
    ("menaquinone7_ug_per_day", "mk7_ug_per_day"),
    ("diet.menaquinone-4", "diet.mk4_ug_per_day"),
    ("Phosphorus_mg", "phosphate_mg_per_day"),
])
def test_another_name_of_a_modelled_intake_is_pointed_at_it(key, meant):
    with pytest.raises(ScenarioError) as info:
        load_scenario("healthy_adult", overrides={key: 1})
    text = str(info.value)
    assert f"did you mean '{meant}'?" in text
    assert "not a modelled substance" not in text


def test_a_unit_slip_in_another_name_is_noted():
    with pytest.raises(ScenarioError, match=r"did you mean 'vitamin_k1_ug_per_day'\? \(note: µg, not mg\)"):
        load_scenario("healthy_adult", overrides={"phylloquinone_mg_per_day": 1})


@pytest.mark.parametrize("key, word", [
    ("vitamin_k2_ug_per_day", "not a known intake name"),  # K2 is two modelled intakes: no pick
    ("diet.vitamin_k", "not a known intake name"),
    ("diet.vitamin_d3_ug_per_day", "not a modelled substance"),
    ("aspirin_mg_per_day", "not a modelled substance"),
    ("drugs.apixaban", "not a modelled substance"),
])
def test_a_name_of_no_single_intake_gets_no_suggestion(key, word):
    with pytest.raises(ScenarioError) as info:
        load_scenario("healthy_adult", overrides={key: 1})
    assert word in str(info.value) and "did you mean" not in str(info.value)


def test_a_file_and_a_schedule_get_the_same_hints():
    text = '[drugs]\nwarfarin = 5\n[diet]\ncalcium = 1500\n[[schedule]]\nstart_day = 10\nset = { coumadin = 5 }\n'
    with pytest.raises(ScenarioError) as info:
        parse_scenario_toml(text, "f.toml")
    message = str(info.value)
    for meant in ("drugs.warfarin_mg_per_day", "diet.calcium_mg_per_day", "'warfarin_mg_per_day'"):
        assert meant in message
    assert "not a modelled substance" not in message


def test_every_other_name_points_at_one_intake_of_its_own():
    for field, names in INTAKE_NAMES.items():
        assert field in FLAT_KEYS
        for name in names:
            assert same_substance_intake(name) == FLAT_KEYS[field], name
    # no name is shared by two intakes, and a substance's numbers never change (mk4 is not mk7)
    every = [n for names in INTAKE_NAMES.values() for n in names]
    assert len(every) == len(set(every))
    assert same_substance_intake("menaquinone6") is None and same_substance_intake("vitamin_k3") is None
