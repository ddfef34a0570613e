"""A model no one holds is freed: a server that builds one per browser tab (the dashboard)
or a batch that builds thousands must not keep every model it ever built.

Two things kept them all before: agents stored in an object ndarray (invisible to the
cyclic garbage collector: agent -> model -> population -> array -> agent), and each grid's
cell class registered in copyreg's global table with a reference to its grid.
"""

from __future__ import annotations

import copyreg
import gc
import pickle
import weakref

import numpy as np

from calcium_abm import CalciumParadoxModel
from calcium_abm.populations import CellPopulation


def _built_and_dropped(days: int) -> weakref.ref:
    model = CalciumParadoxModel("k2_deficiency", rng=3)
    for _ in range(days):
        model.step()
    assert model.osteoclasts.count + model.osteoblasts.count > 0  # bone cells (agents) exist
    return weakref.ref(model)


def test_a_dropped_model_is_freed_by_the_garbage_collector():
    ref = _built_and_dropped(20)
    gc.collect()
    assert ref() is None, "a model no one references stayed alive after gc.collect()"


def test_building_models_leaves_nothing_in_copyregs_global_table():
    before = len(copyreg.dispatch_table)
    for seed in (1, 2):
        CalciumParadoxModel("healthy_adult", rng=seed)
    gc.collect()
    assert len(copyreg.dispatch_table) == before


def test_a_grid_cell_still_pickles_without_the_copyreg_entry():
    model = CalciumParadoxModel("healthy_adult", rng=1)
    cell = model.bone_grid[(2, 5)]
    again = pickle.loads(pickle.dumps(cell))
    assert again.coordinate == (2, 5) and type(again).__name__ == type(cell).__name__


def test_population_agent_slots_are_a_list_the_collector_can_see():
    pop = CellPopulation({"x": np.int32}, capacity=2)
    slots = pop.spawn(3, x=1)  # grows past the capacity
    for slot in slots.tolist():
        pop.agents[slot] = object()
    pop.kill(slots[:2])
    assert gc.is_tracked(pop.agents) and len(pop.agents) == pop.capacity
    assert pop.agents[slots[0]] is None and pop.agents[slots[1]] is None and pop.agents[slots[2]] is not None
