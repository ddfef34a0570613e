"""Cell agents made on demand (issue 16): a model makes its smooth muscle cells and bone-cell
agents the first time anyone reads ``model.agents``, ``model.agents_by_type``,
``model.agent_types`` or the bone grid's ``agents``, and mirrors the bone cells from then on;
the numbers never depend on whether, or when, the agents were read."""

from __future__ import annotations

import numpy as np
import pytest

from calcium_abm import COLUMNS, CalciumParadoxModel, results_frame
from calcium_abm.agents import Blood, Osteoblast, Osteoclast, SmoothMuscleCell, agent_count, stop_mirroring

SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


def _run(model: CalciumParadoxModel, days: int) -> CalciumParadoxModel:
    for _ in range(days):
        model.step()
    return model


def _registered(model, cls) -> int:
    """Agents of ``cls`` in Mesa's registry, read without making any (the private dict)."""
    agents = model._agents_by_type.get(cls)
    return 0 if agents is None else len(agents)


def _check_bone_agents_follow_arrays(model) -> None:
    for cls, pop in ((Osteoclast, model.osteoclasts), (Osteoblast, model.osteoblasts)):
        agents = model.agents_by_type[cls].to_list()
        assert sorted(a.slot for a in agents) == pop.live_slots().tolist()
        for agent in agents:
            assert agent.cell.coordinate == (int(pop.x[agent.slot]), int(pop.y[agent.slot]))
            assert agent in agent.cell.agents and pop.agents[agent.slot] is agent


def test_a_model_nobody_reads_makes_no_cell_agents():
    model = _run(CalciumParadoxModel("postmenopausal", rng=3, **SMALL), 30)
    assert model.osteoclasts.count > 0 and model.osteoblasts.count > 0  # live cells, so the check bites
    for cls in (SmoothMuscleCell, Osteoclast, Osteoblast):
        assert _registered(model, cls) == 0, cls.__name__
    assert _registered(model, Blood) == 1  # tissue agents are made with the model
    assert all(agent is None for agent in model.osteoclasts.agents)


@pytest.mark.parametrize("read", ["agents", "agents_by_type", "agent_types", "grid"])
def test_the_first_read_makes_every_agent_at_its_current_state(read):
    model = _run(CalciumParadoxModel("postmenopausal", rng=3, **SMALL), 30)
    expected = agent_count(model)
    if read == "grid":
        on_grid = len(model.bone_grid.agents)  # what Mesa's SpaceRenderer reads
        assert on_grid == model.osteoclasts.count + model.osteoblasts.count > 0
    else:
        getattr(model, read)
    assert len(model.agents) == expected
    assert _registered(model, SmoothMuscleCell) == 16 * 16
    _check_bone_agents_follow_arrays(model)
    _run(model, 30)  # then mirrored day by day: births, moves and deaths
    assert len(model.agents) == agent_count(model)
    _check_bone_agents_follow_arrays(model)


def test_numbers_do_not_depend_on_when_the_agents_are_read():
    never = CalciumParadoxModel("postmenopausal", rng=9, years=0.25, **SMALL)
    day_zero = CalciumParadoxModel("postmenopausal", rng=9, years=0.25, **SMALL)
    midway = CalciumParadoxModel("postmenopausal", rng=9, years=0.25, **SMALL)
    len(day_zero.agents)
    while never.running:
        for model in (never, day_zero, midway):
            model.step()
        if midway.day == 40:
            len(midway.agents)
    frames = [results_frame(m) for m in (never, day_zero, midway)]
    for frame in frames[1:]:
        assert all(np.array_equal(frames[0][c].to_numpy().view(np.uint64), frame[c].to_numpy().view(np.uint64))
                   for c in COLUMNS if c != "day")
    assert frames[0]["day"].tolist() == frames[1]["day"].tolist()
    assert len(day_zero.agents) == len(midway.agents) == agent_count(never)


#: a bone section large enough to hold osteoclasts on any day: a 16 x 16 section holds ~1 (a 64 x 64 one
#: ~18), so on some days none, and a test of what happens to them would then test nothing
BONE_WITH_OSTEOCLASTS = {**SMALL, "bone_grid_width": 32, "bone_grid_height": 32}


def test_stop_mirroring_before_the_first_read_makes_smooth_muscle_cells_only():
    model = _run(CalciumParadoxModel("postmenopausal", rng=3, **BONE_WITH_OSTEOCLASTS), 20)
    stop_mirroring(model)
    count = agent_count(model)
    assert _registered(model, SmoothMuscleCell) == 0
    by_type = model.agents_by_type
    assert len(by_type[SmoothMuscleCell]) == 16 * 16
    assert not by_type.get(Osteoclast) and not by_type.get(Osteoblast) and model.osteoclasts.count > 0
    assert len(model.agents) == count
    _run(model, 10)
    assert not model.agents_by_type.get(Osteoclast)
