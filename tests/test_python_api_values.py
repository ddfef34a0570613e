"""Values a Python caller passes to the API: numpy scalars stand for the Python values they hold
(``numpy.int64(3)`` for ``ckd_stage`` was refused as 'patient.ckd_stage = 3 is not allowed: must be
an integer from 0 to 5', so ``mesa.batch_run`` over ``numpy.arange`` failed); ``overrides`` that is
not a mapping gets one ScenarioError (was a raw AttributeError / 'dictionary update sequence
element #0 has length 1'); and ``simulate(years=..., seed=...)`` with ``overrides`` naming the same
setting at another value is refused (``years`` silently won over ``simulation.years``, while a flat
``years`` key gave "'simulation.years' sets simulation.years a second time")."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from calcium_abm import CalciumParadoxModel, ScenarioError, load_scenario, simulate
from calcium_abm.simulation import prepare_scenario
from calcium_abm.batch import BatchError
from calcium_abm.batch.spec import load_batch, validate_batch

SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}
PLAIN = {"ckd_stage": 3, "sex": "female", "postmenopausal": True, "mk7_ug_per_day": 90.0, "simulation.seed": 7,
         **SMALL}
NUMPY = {"ckd_stage": np.int64(3), "sex": np.str_("female"), "postmenopausal": np.bool_(True),
         "mk7_ug_per_day": np.float32(90.0), "simulation.seed": np.uint32(7),
         **{key: np.int16(value) for key, value in SMALL.items()}}


def test_numpy_scalars_in_overrides_act_as_the_python_values():
    assert load_scenario("healthy_adult", overrides=NUMPY) == load_scenario("healthy_adult", overrides=PLAIN)
    assert load_scenario("k2_deficiency").with_overrides(NUMPY) == load_scenario("k2_deficiency", overrides=PLAIN)
    assert prepare_scenario("healthy_adult", years=np.int64(1), seed=np.int64(5)).simulation.seed == 5


def test_numpy_scalars_in_a_mapping_and_a_schedule():
    given = {"patient": {"ckd_stage": np.int64(2)}, "genetics": {"mgp_knockout": np.bool_(False)},
             "schedule": [{"start_day": np.int64(30), "set": {"diet.mk7_ug_per_day": np.float64(180)}}]}
    plain = {"patient": {"ckd_stage": 2}, "genetics": {"mgp_knockout": False},
             "schedule": [{"start_day": 30, "set": {"diet.mk7_ug_per_day": 180.0}}]}
    assert load_scenario(given) == load_scenario(plain)


def test_a_numpy_float_is_still_not_an_integer():
    with pytest.raises(ScenarioError, match=r"patient.ckd_stage = 3.0 is not allowed: must be an integer"):
        load_scenario("healthy_adult", overrides={"ckd_stage": np.float64(3.0)})


def test_model_takes_numpy_settings_and_seed():
    model = CalciumParadoxModel("healthy_adult", seed=np.int64(3), ckd_stage=np.int64(2), years=np.float64(0.01),
                                **SMALL)
    assert model.seed == 3 and model.config.patient.ckd_stage == 2 and type(model.config.patient.ckd_stage) is int


@pytest.mark.parametrize("overrides", ["mk7_ug_per_day=180", [("mk7_ug_per_day", 180)], 5])
def test_overrides_that_are_not_a_mapping_get_one_message(overrides):
    for call in (lambda: load_scenario("healthy_adult", overrides=overrides),
                 lambda: simulate("healthy_adult", years=0.01, overrides=overrides)):
        with pytest.raises(ScenarioError, match=r"^overrides = .* is not allowed: must be a mapping of setting names"):
            call()


def test_an_override_nested_too_deeply_gets_one_message_naming_it():
    deep = functools.reduce(lambda inner, _: [inner], range(5000), 1)
    with pytest.raises(ScenarioError, match=r"^overrides: 'mk7_ug_per_day\.#1\.#1\.#1\.…' is nested 17 levels deep "
                                            r"or more: at most 16 levels of tables and lists are allowed$"):
        load_scenario("healthy_adult", overrides={"mk7_ug_per_day": deep})


def test_a_scenario_or_batch_mapping_nested_too_deeply_names_the_field():
    deep = functools.reduce(lambda inner, _: {"a": inner}, range(5000), 1)
    with pytest.raises(ScenarioError, match=r"^scenario: 'diet\.k1_ug_per_day\.a\.a\.…' is nested 17 levels deep"):
        simulate({"diet": {"k1_ug_per_day": deep}}, years=0.01)
    with pytest.raises(BatchError, match=r"^batch file: 'scenario\.diet\.k1_ug_per_day\.a\.…' is nested 17 levels"):
        validate_batch({"scenario": {"diet": {"k1_ug_per_day": deep}}})


@pytest.mark.parametrize("key", ["simulation.years", "years"])
def test_years_and_an_override_of_the_years_that_differ_are_refused(key):
    with pytest.raises(ScenarioError, match=rf"^years = 0.5 and overrides '{key}' = 3 both set simulation.years"):
        prepare_scenario("healthy_adult", years=0.5, overrides={key: 3})


@pytest.mark.parametrize("key", ["simulation.seed", "seed"])
def test_seed_and_an_override_of_the_seed_that_differ_are_refused(key):
    with pytest.raises(ScenarioError, match=rf"^seed = 1 and overrides '{key}' = 3 both set simulation.seed"):
        prepare_scenario("healthy_adult", seed=1, overrides={key: 3})


def test_the_same_years_or_seed_twice_is_one_value():
    config = prepare_scenario("healthy_adult", years=0.5, seed=3, overrides={"simulation.years": 0.5, "seed": 3})
    assert (config.simulation.years, config.simulation.seed) == (0.5, 3)


@pytest.mark.parametrize("kwargs, message", [
    ({"seed": 10**5000}, "simulation.seed = an integer of 5001 digits is not allowed: must be an integer from 0 to"),
    ({"years": 10**5000}, "simulation.years = an integer of 5001 digits is not allowed: must be more than 0 and at "
                          "most 100 years"),
    ({"overrides": {"mk7_ug_per_day": 10**5000}}, "diet.mk7_ug_per_day = an integer of 5001 digits is not allowed: "
                                                   "must be between 0 and 10000 µg/day"),
    ({"overrides": {"mk7_ug_per_day": 10**400}}, "diet.mk7_ug_per_day = an integer of 401 digits is not allowed: "
                                                  "must be between 0 and 10000 µg/day"),
    ({"overrides": {"ckd_stage": -10**5000}}, "patient.ckd_stage = an integer of 5001 digits is not allowed: must be "
                                               "an integer from 0 to 5")])
def test_an_integer_too_large_to_print_or_to_be_a_float_is_told_the_range(kwargs, message):
    """Found by probe h3: simulate(seed=10**5000) (or years, or an override) raised Python's own 'ValueError: Exceeds
    the limit (4300 digits) for integer string conversion' from deep in the message code (fmt_num took str() of
    it to count its digits); and 10**400 for a number was 'must be a number (between 0 and 10000 µg/day)'."""
    with pytest.raises(ScenarioError) as refused:
        simulate("healthy_adult", **kwargs)
    assert message in str(refused.value) and "must be a number" not in str(refused.value)


def test_a_batch_file_without_a_name_is_named_after_the_file(tmp_path):
    text = "[sweep]\n[sweep.parameters]\nmk7_ug_per_day = [0, 180]\n"
    (tmp_path / "my_trial.toml").write_text(text)
    (tmp_path / "named.toml").write_text('name = "doses"\n' + text)
    (tmp_path / "=sum.toml").write_text(text)  # a formula's lead: not a name, so the default
    assert [load_batch(tmp_path / f).name for f in ("my_trial.toml", "named.toml", "=sum.toml")] == ["my_trial", "doses", "batch"]
    assert validate_batch({"sweep": {"parameters": {"mk7_ug_per_day": [0, 180]}}}).name == "batch"


def test_a_dotted_key_inside_its_own_section_is_told_to_drop_the_section():
    """A fresh user (stop 69): ``[diet] "diet.calcium_mg_per_day" = 900`` got "did you mean
    'diet.diet.calcium_mg_per_day'?", the same wrong key back."""
    with pytest.raises(ScenarioError, match=r"^unknown key 'diet\.diet\.calcium_mg_per_day': inside \[diet\] a key is "
                                            r"given without its section, calcium_mg_per_day = \.\.\.$"):
        simulate({"diet": {"diet.calcium_mg_per_day": 900}}, years=0.01)
