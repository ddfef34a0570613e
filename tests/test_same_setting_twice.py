"""One setting named twice in one table (flat and dotted: ``mk7_ug_per_day`` beside ``diet.mk7_ug_per_day``)
is refused wherever a table names settings: one of the two values would never act (found by a probe: a
scenario's schedule entry, a batch's [set], an arm's set and a cohort's distributions took both and kept one
silently; --set, overrides and a sweep already refused it)."""

from __future__ import annotations

import pytest

from calcium_abm import load_scenario
from calcium_abm.batch.spec import BatchError, load_batch
from calcium_abm.errors import ScenarioError

TWICE = {"mk7_ug_per_day": 50, "diet.mk7_ug_per_day": 60}


def test_a_schedule_entry_that_sets_one_setting_twice_is_refused():
    with pytest.raises(ScenarioError, match=r"schedule entry 1: set: 'diet.mk7_ug_per_day' sets diet.mk7_ug_per_day, "
                                            r"as another key of this entry does: give it once"):
        load_scenario({"schedule": [{"start_day": 1, "set": dict(TWICE)}]})


@pytest.mark.parametrize("batch, where", [
    ({"set": dict(TWICE), "sweep": {"parameters": {"calcium_mg_per_day": [800, 900]}}}, "set"),
    ({"cohort": {"patients": 2}, "arms": [{"name": "a"}, {"name": "b", "set": dict(TWICE)}]}, r"arms #2 \(b\).set"),
    ({"cohort": {"patients": 2}, "arms": [{"name": "a"}, {"name": "b", "add": dict(TWICE)}]}, r"arms #2 \(b\).add"),
    ({"cohort": {"patients": 2, "distributions": {k: {"distribution": "constant", "value": v} for k, v in TWICE.items()}},
      "arms": [{"name": "a"}]}, "cohort.distributions"),
])
def test_a_batch_table_that_sets_one_setting_twice_is_refused(batch, where):
    with pytest.raises(BatchError, match=rf"{where}.diet.mk7_ug_per_day: sets diet.mk7_ug_per_day, as "
                                         r"mk7_ug_per_day does: give it once"):
        load_batch(batch)


#: The same setting as a quoted dotted key and inside a table (``"diet.mk7_ug_per_day" = 180`` beside
#: ``diet = { mk7_ug_per_day = 90 }``): flattening the table kept the last value silently (found by the
#: new-user probe h1: the schedule entry acted with 90, the 180 vanished).
NESTED_TWICE = {"diet.mk7_ug_per_day": 180, "diet": {"mk7_ug_per_day": 90}}
NESTED_MESSAGE = r"diet.mk7_ug_per_day is given twice \(180 and 90\), as a dotted key and inside a table: give it once"


def test_a_schedule_entry_with_a_dotted_key_and_a_table_for_one_setting_is_refused():
    with pytest.raises(ScenarioError, match=rf"schedule entry 1: {NESTED_MESSAGE}"):
        load_scenario({"schedule": [{"start_day": 1, "set": dict(NESTED_TWICE)}]})


@pytest.mark.parametrize("batch, where", [
    ({"set": dict(NESTED_TWICE), "sweep": {"parameters": {"calcium_mg_per_day": [800, 900]}}}, "set"),
    ({"cohort": {"patients": 2}, "arms": [{"name": "a"}, {"name": "b", "set": dict(NESTED_TWICE)}]}, r"arms #2 \(b\).set"),
    ({"cohort": {"patients": 2}, "arms": [{"name": "a"}, {"name": "b", "add": dict(NESTED_TWICE)}]}, r"arms #2 \(b\).add"),
])
def test_a_batch_table_with_a_dotted_key_and_a_table_for_one_setting_is_refused(batch, where):
    with pytest.raises(BatchError, match=rf"{where}: {NESTED_MESSAGE}"):
        load_batch(batch)
