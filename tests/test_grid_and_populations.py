"""``LazyMooreGrid`` (Mesa's Moore grid with cells made on demand) and ``CellPopulation``
(struct-of-arrays storage behind cell agents)."""

from __future__ import annotations

import itertools
import random

import mesa
import numpy as np
import pytest
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid, PropertyLayer

from calcium_abm.grid import LazyMooreGrid
from calcium_abm.populations import CellPopulation


# ----------------------------------------------------------------------------- LazyMooreGrid
def test_cells_are_made_only_when_asked_for():
    grid = LazyMooreGrid((50, 40), random=random.Random(1))
    assert len(grid.all_cells) == 0
    cell = grid[(7, 9)]
    assert cell.coordinate == (7, 9)
    assert grid[(7, 9)] is cell  # made once
    assert len(grid.all_cells) == 1
    neighbours = cell.neighborhood  # materialises the 8 neighbours
    assert len(neighbours) == 8 and len(grid.all_cells) == 9


@pytest.mark.parametrize("coordinate, expected", [((2, 2), 8), ((0, 0), 3), ((4, 3), 3), ((0, 2), 5), ((4, 1), 5)])
def test_neighbourhoods_are_complete(coordinate, expected):
    grid = LazyMooreGrid((5, 4), random=random.Random(1))
    assert len(grid[coordinate].neighborhood) == expected


@pytest.mark.parametrize("torus", [False, True])
def test_neighbourhoods_equal_mesas_eager_grid(torus):
    size = (6, 5)
    lazy = LazyMooreGrid(size, torus=torus, random=random.Random(1))
    eager = OrthogonalMooreGrid(size, torus=torus, random=random.Random(1))
    for xy in itertools.product(range(size[0]), range(size[1])):
        assert ({c.coordinate for c in lazy[xy].neighborhood}
                == {c.coordinate for c in eager[xy].neighborhood}), xy


def test_coordinates_outside_the_grid_are_rejected():
    grid = LazyMooreGrid((5, 4), random=random.Random(1))
    for xy in [(5, 0), (0, 4), (-1, 0)]:
        with pytest.raises(KeyError):
            grid[xy]


def test_property_layers_read_and_write_through_cells():
    grid = LazyMooreGrid((5, 4), random=random.Random(1))
    grid.create_property_layer("calcium", default_value=1.0, dtype=float)
    grid.add_property_layer(PropertyLayer.from_data("k2", np.arange(20, dtype=float).reshape(5, 4)))
    cell = grid[(3, 2)]
    assert cell.calcium == 1.0 and cell.k2 == 3 * 4 + 2
    cell.calcium = 7.5                              # cell -> array
    assert grid.calcium.data[3, 2] == 7.5
    grid.k2.data[3, 2] = -1.0                       # array -> cell, even for a cell made earlier
    assert cell.k2 == -1.0
    late = grid[(0, 1)]                             # a cell made after the layers exist
    assert late.k2 == 1.0
    late.k2 = 42.0
    assert grid.k2.data[0, 1] == 42.0


def test_two_grids_keep_their_layers_apart():
    a, b = LazyMooreGrid((4, 4), random=random.Random(1)), LazyMooreGrid((4, 4), random=random.Random(1))
    a.create_property_layer("mineral", default_value=0.0)
    b.create_property_layer("mineral", default_value=0.0)
    a[(1, 1)].mineral = 3.0
    assert b.mineral.data[1, 1] == 0.0 and b[(1, 1)].mineral == 0.0


class Walker(CellAgent):
    def __init__(self, model, cell):
        super().__init__(model)
        self.cell = cell


def test_cell_agents_move_on_the_lazy_grid():
    model = mesa.Model(rng=1)
    grid = LazyMooreGrid((10, 10), random=model.random)
    walker = Walker(model, grid[(0, 0)])
    assert walker in grid[(0, 0)].agents
    for _ in range(50):
        target = walker.cell.neighborhood.select_random_cell()
        walker.cell = target
        assert walker in target.agents
    occupied = [c for c in grid.all_cells if len(c.agents)]
    assert occupied == [walker.cell]  # the cells it left let it go


# ----------------------------------------------------------------------------- CellPopulation
def new_population(capacity: int = 4) -> CellPopulation:
    return CellPopulation({"x": np.int32, "age_days": np.float64}, capacity=capacity)


def test_spawn_sets_fields_and_kill_frees_slots():
    pop = new_population()
    slots = pop.spawn(3, x=np.array([5, 6, 7]), age_days=1.5)
    assert slots.tolist() == [0, 1, 2] and pop.count == 3
    assert pop.x[slots].tolist() == [5, 6, 7] and pop.age_days[slots].tolist() == [1.5] * 3
    pop.agents[1] = "agent-1"
    pop.kill(np.array([1]))
    assert pop.count == 2 and pop.live_slots().tolist() == [0, 2] and pop.agents[1] is None
    assert pop.spawn(0).size == 0


def test_dead_slots_are_reused_and_fields_reset():
    pop = new_population()
    pop.spawn(4, x=np.array([1, 2, 3, 4]), age_days=9.0)
    pop.kill(np.array([0, 2]))
    reused = pop.spawn(2, x=np.array([10, 30]))
    assert sorted(reused.tolist()) == [0, 2]
    assert pop.capacity == 4
    assert pop.age_days[reused].tolist() == [0.0, 0.0]  # a field not given starts at 0
    assert pop.x.tolist() == [10, 2, 30, 4]


def test_growth_keeps_live_cells_and_their_agents_intact():
    pop = new_population(capacity=2)
    first = pop.spawn(2, x=np.array([11, 12]), age_days=np.array([0.5, 0.25]))
    pop.agents[first[0]], pop.agents[first[1]] = "a", "b"
    more = pop.spawn(5, x=np.arange(100, 105))
    assert pop.capacity >= 7 and pop.count == 7
    assert pop.x[first].tolist() == [11, 12] and pop.age_days[first].tolist() == [0.5, 0.25]
    assert pop.agents[first[0]] == "a" and pop.agents[first[1]] == "b"
    assert pop.x[more].tolist() == list(range(100, 105))
    assert pop.x.dtype == np.int32 and pop.age_days.dtype == np.float64
    assert len(set(first.tolist()) | set(more.tolist())) == 7


def test_population_fields_are_attributes_and_unknown_names_are_errors():
    pop = new_population()
    assert pop.x is pop.arrays["x"]
    with pytest.raises(AttributeError):
        pop.not_a_field


def test_random_spawn_and_kill_sequence_keeps_a_consistent_population():
    """Against a plain dict of live cells, over many random births and deaths."""
    rng = np.random.default_rng(0)
    pop, reference, next_id = new_population(capacity=2), {}, 0
    for _ in range(300):
        if reference and rng.random() < 0.45:
            dead = rng.choice(sorted(reference), size=min(len(reference), int(rng.integers(1, 4))), replace=False)
            pop.kill(dead)
            for slot in dead:
                del reference[int(slot)]
        n = int(rng.integers(0, 4))
        ids = np.arange(next_id, next_id + n)
        next_id += n
        for slot, ident in zip(pop.spawn(n, x=ids), ids):
            assert int(slot) not in reference
            reference[int(slot)] = int(ident)
        assert sorted(reference) == pop.live_slots().tolist()
        assert all(pop.x[s] == v for s, v in reference.items())


def test_spawning_one_cell_takes_the_lowest_free_slot_like_spawning_several():
    """spawn(1) has its own scalar path; it must pick the slot and write the values the
    general path (n >= 2) would: the lowest free slot, given fields set, the others zeroed."""
    fields = {"x": np.int64, "age_days": np.float64, "team_cells": np.float64}
    one, many = CellPopulation(fields, capacity=4), CellPopulation(fields, capacity=4)
    for pop in (one, many):
        pop.spawn(4, x=np.array([1, 2, 3, 4]), age_days=5.0, team_cells=np.array([1.5, 2.5, 3.5, 4.5]))
        pop.kill(np.array([1, 3]))
    got = [one.spawn(1, x=np.array([7]), age_days=0.0)[0] for _ in range(3)]  # 1, 3, then a grown slot
    ref = many.spawn(3, x=np.array([7, 7, 7]), age_days=0.0)
    assert got == ref.tolist() == [1, 3, 4] and one.capacity == many.capacity == 8
    for name in fields:
        assert np.array_equal(getattr(one, name), getattr(many, name)), name
    assert np.array_equal(one.alive, many.alive) and one.team_cells[1] == 0.0  # reused slot zeroed
