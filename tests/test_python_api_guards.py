"""What a Python caller of the public API can pass wrongly (hostile tester, stop 60): each is refused by name before
anything is written, or taken as the value it stands for."""

import dataclasses

import numpy as np
import pytest

import calcium_abm
from calcium_abm.batch import BatchError, run_batch
from calcium_abm.batch.spec import load_batch
from calcium_abm.batch.statistics import difference_of_means
from calcium_abm.errors import UserInputError


def test_the_parameter_registry_cannot_be_changed_in_place():
    """``parameter_registry()`` handed out the live dictionary: replacing mk7_half_life_h with 1e9 h (range 1-500)
    made every later simulate in the process use it, with no message."""
    registry = calcium_abm.parameter_registry()
    entry = registry["mk7_half_life_h"]
    with pytest.raises(TypeError):
        registry["mk7_half_life_h"] = dataclasses.replace(entry, value=1e9)
    assert calcium_abm.parameter_registry()["mk7_half_life_h"].value == entry.value <= 500


def test_an_on_result_that_is_not_a_function_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(BatchError, match=r"on_result = 5 is not allowed: must be a function"):
        run_batch("examples/batches/mk7_trial.toml", out, on_result=5)
    assert not out.exists()


def test_numpy_numbers_and_tuples_in_a_batch_mapping_are_the_values_they_hold():
    """``seed = numpy.int64(3)`` was refused as 'seed = 3 is not allowed: must be an integer', and a tuple of sweep
    values as 'a list [...] is not allowed: must be a list'."""
    spec = load_batch({"name": "x", "scenario": "healthy_adult", "seed": np.int64(3), "years": 0.1,
                       "sweep": {"parameters": {"mk7_ug_per_day": (np.int64(1), 2)}}})
    assert spec.seed == 3 and type(spec.seed) is int and spec.sweep.parameters["mk7_ug_per_day"] == [1, 2]
    with pytest.raises(BatchError, match="seed = 2.5 is not allowed"):  # a float stays a float
        load_batch({"name": "x", "scenario": "healthy_adult", "seed": np.float64(2.5),
                    "sweep": {"parameters": {"mk7_ug_per_day": [1, 2]}}})


def test_a_paired_difference_of_unequal_lengths_is_a_user_error():
    with pytest.raises(UserInputError, match="paired difference needs arrays of one length"):
        difference_of_means([1, 2, 3], [1, 2], paired=True)


@pytest.mark.parametrize("key", ["diet.mk7_ug_per_day ", " diet.mk7_ug_per_day", "mk7_ug_per_day\t",
                                 "diet.mk7_ug_per_day\u00a0"])
def test_a_key_with_blank_ends_is_refused_everywhere_as_in_a_table(key):
    """Such a key acted as the real one in overrides, schedules, [set] and sweeps while a [diet] table refused it
    (hostile tester, stop 60); the command line's --set 'key = value' is still read as key=value."""
    from calcium_abm.errors import ScenarioError
    from calcium_abm.scenario import load_scenario

    with pytest.raises(ScenarioError, match="it has blank characters at its ends; write "):
        load_scenario("healthy_adult", overrides={key: 5})
    with pytest.raises(ScenarioError, match="blank characters at its ends"):
        load_scenario({"name": "x", "schedule": [{"start_day": 2, "set": {key: 5}}]})
    with pytest.raises(BatchError, match="blank characters at its ends"):
        load_batch({"scenario": "healthy_adult", "sweep": {"parameters": {key: [1, 2]}}})
    assert load_scenario("healthy_adult", overrides={key.strip(): 5}).diet.mk7_ug_per_day == 5
